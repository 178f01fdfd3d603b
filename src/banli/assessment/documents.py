"""The year's result as files: the results notice (考核结果通报) in Word, in the office's style, and
the whole table in Excel. Both render the dict selectors.table returns for the reader, the one the
page and the API render too: the same figures, and no more than the reader may see (a unit before
publication finds its own row only, without a rank, in either file)."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

from django.utils import timezone, translation
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from banli.exports import safe_row
from banli.reports.documents.word import HEADING, TITLE, new_document, para, table as word_table, title, to_bytes
from banli.reports.documents.xlsx import HEAD_FILL, HEAD_FONT

from .metrics import METRICS
from .models import Indicator, Scheme

OFFICE = "区人民政府办公室"
OFFICE_SHORT = "区府办"
RED = RGBColor(0xE6, 0x00, 0x12)
TIER_WORDS = "一二三四五"
SECTION = "一二三四"
MONEY = "0.00"


# --- figures in words -------------------------------------------------------------------------


def num(d) -> str:
    """83.50 -> 83.5, 60.00 -> 60: a figure as a sentence writes it."""
    return "" if d is None else f"{Decimal(d).normalize():f}"


def cn_date(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def tier_word(tier) -> str:
    return f"{TIER_WORDS[tier - 1]}档" if tier and tier <= len(TIER_WORDS) else ""


def tight(text: str) -> str:
    """The page spaces figures apart (总分 57.30 分); a document's sentence does not."""
    return re.sub(r"\s+", "", text)


def _day(table: dict) -> datetime.date:
    return table["as_of"] or timezone.localdate()


def _names(rows) -> str:
    return "、".join(r["name"] for r in rows)


# --- the notice in Word ----------------------------------------------------------------------


def results_notice_docx(table: dict) -> bytes:
    # The document the office hands out is Chinese, whatever language the page was in.
    with translation.override("zh-hans"):
        return _notice(table)


def _red_line(doc):
    """The red rule under the document number (版头分隔线)."""
    p = doc.add_paragraph()
    p.paragraph_format.space_after = Pt(12)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "18"), ("w:space", "1"), ("w:color", "E60012")):
        bottom.set(qn(k), v)
    border.append(bottom)
    p._p.get_or_add_pPr().append(border)


def _masthead(doc, scheme: Scheme):
    """发文机关标志 in red, and the document number (文号) left for the office to fill in."""
    p = para(doc, f"{OFFICE}文件", face=TITLE, size=30, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    p.paragraph_format.line_spacing = Pt(44)
    p.runs[0].font.color.rgb = RED
    issued = (timezone.localtime(scheme.published_at).date() if scheme.published_at else timezone.localdate()).year
    para(doc, f"{OFFICE_SHORT}〔{issued}〕    号", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _red_line(doc)


def _signature(doc, scheme: Scheme):
    """The office and the date, kept on the page of the last paragraph (never alone on a page)."""
    day = timezone.localtime(scheme.published_at).date() if scheme.published_at else timezone.localdate()
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    doc.add_paragraph().paragraph_format.keep_with_next = True
    for text in (OFFICE, cn_date(day)):
        p = para(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        p.paragraph_format.right_indent = Pt(16 * 2)
        p.paragraph_format.keep_with_next = text == OFFICE


def _heading(doc, text):
    para(doc, text, face=HEADING).paragraph_format.keep_with_next = True


def _table(doc, headers, rows, widths_cm, left=()):
    """The house table, its columns as wide as asked (in Word and in LibreOffice, which reads the
    grid), figures centred and the columns in `left` (names, reasons) flush left."""
    t = word_table(doc, headers, rows, size=10.5, widths_cm=widths_cm)
    for col, w in zip(t.columns, widths_cm):
        col.width = Cm(w)
    header = OxmlElement("w:tblHeader")  # the heading row again on every page the table runs to
    header.set(qn("w:val"), "true")
    t.rows[0]._tr.get_or_add_trPr().append(header)
    for r, row in enumerate(t.rows):
        for c, cell in enumerate(row.cells):
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            if r == 0 or c not in left:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    return t


def _notice(table: dict) -> bytes:
    scheme = table["scheme"]
    doc = new_document()
    for section in doc.sections:  # A4, as GB/T 9704 has it (the template's default is US Letter)
        section.page_width, section.page_height = Cm(21), Cm(29.7)
    if not table["ranked"]:
        _unit_only(doc, table)
        return to_bytes(doc)
    _masthead(doc, scheme)
    title(doc, f"关于{scheme.year}年度建议提案办理工作\n考核结果的通报")
    if scheme.state == Scheme.State.DRAFT:
        para(doc, f"（讨论稿：考核尚未定稿，得分为截至{cn_date(_day(table))}的计算结果）", size=14,
             align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(doc, "各承办单位：", indent=False)
    _ranked(doc, table)
    _signature(doc, scheme)
    return to_bytes(doc)


def _opening(table: dict) -> str:
    scheme, rows = table["scheme"], table["rows"]
    who = f"{len(rows)}家承办单位" if table["all_units"] else "各承办单位"
    return (f"为进一步提高建议提案办理质量，根据《{scheme.name}》，{OFFICE}对{scheme.year}年度承担人大代表建议、"
            f"政协提案办理任务的{who}进行了考核。考核共设{len(table['indicators'])}项指标，"
            f"计分数据截至{cn_date(_day(table))}。现将考核结果通报如下。")


def _ranked(doc, table: dict):
    scheme, rows = table["scheme"], table["rows"]
    para(doc, _opening(table))
    if not table["all_units"]:
        para(doc, f"（本通报仅列出您可查看的{len(rows)}家单位，名次为在全部考核单位中的名次。）")
    n = iter(SECTION)
    _heading(doc, f"{next(n)}、先进单位")
    advanced = table["advanced"]
    if advanced:
        by_tier: dict[int, list] = {}
        for r in advanced:
            by_tier.setdefault(r["tier"], []).append(r)
        parts = [f"{tier_word(t)}{len(rs)}家（绩效考核各加{num(rs[0]['bonus'])}分）：{_names(rs)}" for t, rs in sorted(by_tier.items())]
        para(doc, f"经综合考核，评定{len(advanced)}家单位为{scheme.year}年度建议提案办理工作先进单位。其中，" + "；".join(parts) + "。")
    else:
        para(doc, "本年度没有单位被评为建议提案办理工作先进单位。")
    para(doc, f"按照考核办法，{scheme.get_overdue_rule_display()}。")

    _heading(doc, f"{next(n)}、通报批评")
    criticised = table["criticised"]
    if criticised:
        # One sentence, each unit with its reasons as the table gives them: short for a few units,
        # still one paragraph (not a page of them) for twenty.
        named = "、".join(f"{r['name']}（" + "；".join(tight(x) for x in r["reasons"]) + "）" for r in criticised)
        para(doc, f"{len(criticised)}家单位总分低于合格分（{num(scheme.pass_mark)}分）或办理中有超期情况，予以通报批评：{named}。")
    else:
        para(doc, "本年度没有需要通报批评的单位。")

    _heading(doc, f"{next(n)}、考核排名")
    para(doc, f"各单位得分及名次见下表（总分含各项指标得分及加减分，绩效加分另计）。{table['tie_rule']}")
    _table(doc, ["名次", "承办单位", "总分", "超期（次）", "先进档次", "绩效加分", "评定说明"],
           [[r["rank"], r["name"], r["total"], r["overdue"], tier_word(r["tier"]), r["bonus"] if r["tier"] else "", r["standing"]]
            for r in rows], [1.2, 4.6, 1.6, 1.5, 1.6, 1.5, 3.6], left=(1, 6))

    _heading(doc, f"{next(n)}、有关要求")
    para(doc, "希望受到表彰的单位珍惜荣誉、再接再厉；受到通报批评的单位要认真查找原因，切实整改。"
              "各单位可登录系统查看本单位各项指标的得分明细及其依据，进一步提高建议提案办理质量。")


def _unit_only(doc, table: dict):
    """A unit before publication: not the notice (there is none yet) but its own figures, line by
    line, without a rank and without any other unit."""
    scheme = table["scheme"]
    for r in table["rows"]:
        title(doc, f"{r['name']}\n{scheme.year}年度建议提案办理工作考核得分", f"（计分截至{cn_date(_day(table))}）")
        para(doc, f"根据《{scheme.name}》，本单位{scheme.year}年度考核总分{num(r['total'])}分"
                  + (f"，办理中超期{r['overdue']}次" if r["overdue"] else "") + "。考核结果尚未通报，名次和先进单位待区府办通报后公布。")
        _table(doc, ["项目", "计分依据", "得分"],
               [[ln["name"], tight(ln["figure"]), ln["points"]] for ln in r["lines"]] + [["总分", "", r["total"]]], [4.2, 9.0, 2.4], left=(0, 1))


# --- the table in Excel ----------------------------------------------------------------------


def results_xlsx(table: dict) -> bytes:
    with translation.override("zh-hans"):
        return _workbook(table)


def _points_of(row: dict) -> dict:
    """A row's points by column: each indicator by code, the base, the adjustments, and where the
    total met its floor or cap."""
    out: dict = {}
    for ln in row["lines"]:
        key = ln["code"] if ln["kind"] == "indicator" else ln["kind"]
        out[key] = out.get(key, Decimal(0)) + ln["points"]
    return out


def _column_name(ind: dict) -> str:
    if ind["points"] is not None and ind["rule"] != Indicator.Rule.PER_EVENT:
        return f"{ind['name']}（{num(ind['points'])}分）"
    if ind["per_event"] is not None:
        sign = "+" if ind["per_event"] > 0 else ""
        return f"{ind['name']}（每次{sign}{num(ind['per_event'])}分）"
    return ind["name"]


def _sheet(wb, title_, headers, rows, widths):
    ws = wb.create_sheet(title_)
    ws.append(safe_row(ws, headers))
    for c in ws[1]:
        c.font, c.fill, c.alignment = HEAD_FONT, HEAD_FILL, Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r in rows:
        ws.append(safe_row(ws, r))  # a unit's or indicator's name that starts like a formula stays text
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, Decimal):
                c.number_format = MONEY
    ws.freeze_panes = "C2"
    ws.row_dimensions[1].height = 15 * max(1, max(len(str(h)) // 6 + 1 for h in headers))  # wrapped headings
    ws.print_title_rows = "1:1"  # printed: the heading on every page, the columns on one page's width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def _workbook(table: dict) -> bytes:
    scheme, rows, inds = table["scheme"], table["rows"], table["indicators"]
    points = [_points_of(r) for r in rows]
    extra = [(k, label) for k, label in (("base", "基础分"), ("adjustment", "加减分"), ("floor", "扣至零分"), ("cap", "超过满分"))
             if k == "adjustment" or any(k in p for p in points)]
    headers = ["名次", "承办单位"] + [label for k, label in extra if k == "base"] + [_column_name(i) for i in inds]
    headers += [label for k, label in extra if k != "base"] + ["总分", "先进档次", "绩效加分", "超期（次）", "评定说明"]
    body = []
    for r, p in zip(rows, points):
        line = [r["rank"], r["name"]] + [p.get("base", Decimal(0)) for k, _ in extra if k == "base"]
        line += [p.get(i["code"]) for i in inds] + [p.get(k, Decimal(0)) for k, _ in extra if k != "base"]
        line += [r["total"], tier_word(r["tier"]) if r["tier"] is not None else None, r["bonus"], r["overdue"], r["standing"]]
        body.append(line)
    wb = Workbook()
    wb.remove(wb.active)
    ws = _sheet(wb, "考核结果", headers, body, [6, 24] + [11] * (len(headers) - 7) + [9, 9, 9, 9, 30])
    for column in (1, len(headers) - 3, len(headers) - 1):  # rank, tier, overdue: short, centred
        for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.alignment = Alignment(horizontal="center")

    detail = [[r["rank"], r["name"], ln["name"], ln["code"], ln["figure"], ln["rule"], ln["points"]] for r in rows for ln in r["lines"]]
    _sheet(wb, "计分明细", ["名次", "承办单位", "项目", "代码", "计分依据", "计分规则", "得分"], detail, [6, 24, 20, 14, 40, 40, 9])

    _sheet(wb, "考核指标", ["代码", "指标", "数据来源", "计分规则", "分值", "每次分值"],
           [[i["code"], i["name"], str(METRICS[i["metric"]].label if i["metric"] in METRICS else i["metric"]),
             str(Indicator.Rule(i["rule"]).label if i["rule"] in Indicator.Rule.values else i["rule"]), i["points"], i["per_event"]]
            for i in inds], [16, 24, 24, 14, 9, 9])

    about = [("年度", scheme.year), ("考核办法", scheme.name), ("状态", str(scheme.get_state_display())),
             ("计分截至", cn_date(_day(table))), ("先进单位数", scheme.advanced_count),
             ("各档加分", "、".join(f"{tier_word(i)}{num(b)}分" for i, b in enumerate(scheme.tier_bonuses, 1))),
             ("有超期的单位", str(scheme.get_overdue_rule_display())), ("合格分", scheme.pass_mark), ("排序规则", table["tie_rule"]),
             ("本表范围", "全部考核单位" if table["all_units"] else "您可查看的单位" + ("" if table["ranked"] else "（结果通报前不含名次）"))]
    ws = _sheet(wb, "说明", ["项目", "内容"], [list(a) for a in about], [16, 80])
    ws.freeze_panes = None
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
