"""The columns an import reads, by the names the assembly offices' exports use (and their usual
variants), and the templates the office downloads (the same names, an example row, and the lists
of valid units and categories on a sheet of their own)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from banli.exports import make_safe


@dataclass(frozen=True)
class Column:
    key: str
    name: str  # the template's heading
    aliases: tuple = ()
    required: bool = False
    help: str = ""
    width: int = 14


ITEM_COLUMNS = (
    Column("number", "编号", ("案号", "提案号", "建议号", "立案号"), False,
           "已立案的填本会次编号（数字，如 12），导入后为“已立案”；未立案的留空，导入后为“待立案审查”", 8),
    Column("title", "标题", ("案由标题", "题目", "提案标题", "建议标题"), True, "", 40),
    Column("proposer", "领衔人", ("提案人", "第一提案人", "代表", "委员", "提出人", "领衔代表", "领衔委员"), True,
           "委员或代表姓名，集体提案填集体名称；重名时写成 姓名（界别）", 14),
    Column("cosigners", "联名人", ("附议人", "联名代表", "联名委员"), False, "多人用顿号或逗号隔开", 24),
    Column("category", "类别", ("分类", "类型"), False, "", 14),
    Column("reason", "案由", ("理由", "提案理由", "问题", "情况和问题"), False, "", 40),
    Column("suggestions", "建议", ("办法", "具体建议", "建议内容", "意见和建议"), False, "", 40),
    Column("units", "建议承办单位", ("承办单位", "建议办理单位", "建议主办单位"), False, "多个单位用顿号或逗号隔开", 24),
)

UNIT_COLUMNS = (
    Column("name", "单位名称", ("名称", "单位"), True, "", 24),
    Column("short_name", "简称", (), False, "", 10),
    Column("kind", "类型", ("单位类型",), False, "委办局、街镇或其他", 10),
    Column("phone", "联系电话", ("电话",), False, "", 14),
    Column("liaison_username", "联络员账号", (), False, "登录用的账号；新账号由办公室设置初始密码", 14),
    Column("liaison_name", "联络员姓名", ("联络员",), False, "", 12),
    Column("leader_username", "主要领导账号", (), False, "", 14),
    Column("leader_name", "主要领导姓名", ("主要领导",), False, "", 12),
)

PERSON_COLUMNS = (
    Column("assembly", "会别", (), True, "政协或人大", 8),
    Column("name", "姓名", ("姓名/名称", "名称"), True, "", 12),
    Column("sector", "界别/代表团", ("界别", "代表团"), False, "", 14),
    Column("party", "党派", (), False, "", 10),
    Column("employer", "工作单位", ("单位",), False, "", 24),
    Column("phone", "电话", ("手机", "联系电话"), False, "", 14),
    Column("address", "地址", ("通讯地址",), False, "", 24),
    Column("is_collective", "集体", (), False, "集体提案的党派、界别等填“是”", 6),
)

# Sheets of a reference file, by name (the first row of each holds the headings).
UNIT_SHEET, PERSON_SHEET = "单位", "委员代表"

HEAD_FILL = PatternFill("solid", fgColor="DDE7F3")


def _sheet(ws, columns, example):
    for i, c in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=c.name)
        cell.font = Font(bold=True, color="9C0006" if c.required else "000000")
        cell.fill = HEAD_FILL
        ws.column_dimensions[cell.column_letter].width = c.width
        ws.cell(row=2, column=i, value=example.get(c.key, ""))
    ws.freeze_panes = "A2"


def _notes(wb, columns_by_sheet, lists):
    ws = wb.create_sheet("说明")
    ws.append(["红色列必填。第一行是列名，请勿修改；第二行是示例，可直接覆盖。"])
    ws.append(["同一文件重复导入不会重复创建：已存在且内容相同的记录会被跳过。"])
    ws.append([])
    for sheet, columns in columns_by_sheet:
        for c in columns:
            ws.append([sheet, c.name, "必填" if c.required else "", c.help, "也可写作：" + "、".join(c.aliases) if c.aliases else ""])
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["D"].width = 48
    ws.column_dimensions["E"].width = 40
    for title, values in lists.items():
        lst = wb.create_sheet(title)
        for v in values:
            lst.append([v])
        lst.column_dimensions["A"].width = 30


def items_template(*, unit_names, category_names, example=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "提案建议"
    _sheet(ws, ITEM_COLUMNS, example or {
        "number": 1, "title": "关于加快既有住宅加装电梯工作的提案", "proposer": "张三", "cosigners": "李四、王五",
        "category": category_names[0] if category_names else "", "reason": "（案由）", "suggestions": "（建议）",
        "units": unit_names[0] if unit_names else ""})
    if category_names:
        # A drop-down of the valid categories (the 类别 column), read from the list sheet.
        dv = DataValidation(type="list", formula1=f"='可选类别'!$A$1:$A${len(category_names)}", allow_blank=True)
        ws.add_data_validation(dv)
        dv.add("E2:E2000")
    _notes(wb, [("提案建议", ITEM_COLUMNS)], {"可选单位": unit_names, "可选类别": category_names})
    return _bytes(wb)


def reference_template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = UNIT_SHEET
    _sheet(ws, UNIT_COLUMNS, {"name": "区教育局", "short_name": "教育局", "kind": "委办局", "phone": "0571-00000000",
                              "liaison_username": "jyj_ll", "liaison_name": "张联络", "leader_username": "jyj_jz", "leader_name": "李局长"})
    _sheet(wb.create_sheet(PERSON_SHEET), PERSON_COLUMNS, {"assembly": "政协", "name": "张三", "sector": "教育界", "party": "民盟",
                                                           "employer": "区实验中学", "phone": "13800000000", "address": "（地址）"})
    _notes(wb, [(UNIT_SHEET, UNIT_COLUMNS), (PERSON_SHEET, PERSON_COLUMNS)], {})
    return _bytes(wb)


def _bytes(wb) -> bytes:
    for ws in wb.worksheets:  # the lists of units and categories hold names typed by the office
        make_safe(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
