"""Excel workbooks of the report's tables and of the unit table: the same figures as the page."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from banli.exports import safe_row
from banli.org.models import WORDING

from ..periods import comparison_words
from ..prose import cn_date

HEAD_FONT, HEAD_FILL = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E8C")


def _sheet(wb, title, headers, rows, widths=None):
    ws = wb.create_sheet(title)
    ws.append(safe_row(ws, headers))
    for c in ws[1]:
        c.font, c.fill, c.alignment = HEAD_FONT, HEAD_FILL, Alignment(horizontal="center", wrap_text=True)
    for r in rows:
        ws.append(safe_row(ws, r))  # a unit's or category's name that starts like a formula stays text
    for i, w in enumerate(widths or [], 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "B2"
    return ws


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_workbook(figures: dict) -> bytes:
    cur, prev = figures["current"], figures["previous"]
    w = WORDING[cur["period"]["assembly"]]
    wb = Workbook()
    wb.remove(wb.active)
    keys = [(f"收到{w['item']}（件）", "received"), ("涉及承办单位（家）", "units_involved"), ("已答复（件）", "replied"),
            ("已办结（件）", "closed"), ("办结率（%）", "closure_rate"), ("B类提前办结（件）", "b_closed_early"),
            ("B类仍在推进（件）", "b_in_progress"), (f"{w['person']}已评价（件）", "feedback"), ("逾期未评价（件）", "feedback_lapsed"),
            ("“不同意”（件）", "disagreed_items"), ("重新办理（件）", "rehandled_items"), ("已重新答复（件）", "rehandled_done"),
            ("仍在重新办理（件）", "rehandling_items"), ("受表扬的件数", "praised_items"), ("受表扬的单位数", "praised_units"),
            ("C类（件）", "c_items"), ("C类占比（%）", "c_share"), ("三次沟通均完成（件）", "contacts_all_three"),
            ("三次沟通完成率（%）", "contacts_share"), (f"重点{w['item']}（件）", "key_items"), ("重点已办结（件）", "key_closed")]
    this, pw = comparison_words(cur["period"]["kind"])
    _sheet(wb, "总体情况", [f"项目（截至{cn_date(figures['as_of'])}）", cur["period"]["label"], prev["period"]["label"] if prev else pw],
           [[label, cur[k], prev[k] if prev else None] for label, k in keys], [28, 30, 30])
    for title, key, name in (("按类别", "by_category", "name"), ("按答复类型", "by_reply_type", "name"), ("按满意度", "by_grade", "name")):
        before = {r[name]: r for r in (prev[key] if prev else [])}
        label = (lambda r: f"{r['code']}类 {r[name]}") if key == "by_reply_type" else (lambda r: r[name])
        rows = [[label(r), r["count"], r["share"], before.get(r[name], {}).get("count"), before.get(r[name], {}).get("share")] for r in cur[key]]
        # A row only the period before had stays, so that its column still adds up to 100.
        seen = {r[name] for r in cur[key]}
        rows += [[label(r), 0, 0, r["count"], r["share"]] for r in (prev[key] if prev else []) if r[name] not in seen]
        _sheet(wb, title, ["", f"{this}（件）", "占比（%）", f"{pw}（件）", "占比（%）"], rows, [24, 12, 10, 12, 10])
    _sheet(wb, "主办单位", ["承办单位", "主办（件）", "占比（%）"], [[u["name"], u["items"], u["share"]] for u in cur["top_units"]], [28, 12, 10])
    return _save(wb)


ON_TIME = (("sign", "按时签收"), ("consult", "按时面商"), ("reply", "按时答复"), ("co_opinion", "按时会办"), ("message", "按时回复留言"))


CONTACTS = (("before", "办前面商"), ("during", "办中沟通"), ("after", "办后回访"), ("all", "三次沟通均完成"))


def units_workbook(table: dict, reply_types: list[str], grades: list[tuple[str, str]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    headers = [f"承办单位（截至{cn_date(table['as_of'])}）", "主办", "会办", "分办", "已办结"]
    for _, label in ON_TIME:
        headers += [f"{label}（件）", "应办（件）", f"{label}率（%）"]
    headers += [f"{t}类答复" for t in reply_types] + [f"评价：{name}" for _, name in grades]
    headers += [f"会办评价：{name}" for _, name in grades] + ["表扬", "不同意", "申请调整", "被催办", "留言平均答复（小时）"]
    headers += [f"{label}（件）" for _, label in CONTACTS]
    rows = []
    for u in table["units"]:
        row = [u["name"], u["lead"], u["co"], u["separate"], u["closed"]]
        for key, _ in ON_TIME:
            row += [u[key]["on_time"], u[key]["due"], u[key]["rate"] if u[key]["due"] else None]
        row += [u["reply_types"].get(t, 0) for t in reply_types] + [u["grades"].get(c, 0) for c, _ in grades]
        row += [u["co_grades"].get(c, 0) for c, _ in grades] + [u["praise"], u["disagreed"], u["adjustments"], u["urges"], u["message_hours"]]
        row += [u["contacts"][k] for k, _ in CONTACTS]
        rows.append(row)
    _sheet(wb, "承办单位统计", headers, rows, [26] + [9] * (len(headers) - 1))
    return _save(wb)
