"""Lists as Excel workbooks, as filtered on their pages: the item list (streamed through the
queryset in chunks, so that a list of 100,000 items does not sit in memory as model objects) and,
through table_workbook, any other list (the deadlines)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from banli.exports import safe_row

MAX_ROWS = 100_000


def table_workbook(title: str, headers: list[str], widths: list[int], rows) -> io.BytesIO:
    """One sheet: a header row in the office's blue, frozen, then the rows (any iterable, read
    once, as it comes)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    head_font, head_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E8C")
    row = []
    for h in headers:
        c = WriteOnlyCell(ws, value=h)
        c.font, c.fill, c.alignment = head_font, head_fill, Alignment(horizontal="center")
        row.append(c)
    ws.append(row)
    for r in rows:
        ws.append(safe_row(ws, r))  # typed text that starts like a formula stays text
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def items_workbook(qs) -> io.BytesIO:
    headers = [_("编号"), _("会别"), _("会次"), _("标题"), _("领衔人"), _("类别"), _("状态"), _("承办单位"), _("答复类型"), _("重点"), _("提交时间")]
    widths = [10, 8, 22, 48, 12, 18, 10, 36, 12, 6, 18]

    def rows():
        for item in qs[:MAX_ROWS].iterator(chunk_size=2000):
            units = "、".join(f"{a.unit.name}（{a.get_role_display()}）" for a in getattr(item, "active_assignments", []))
            cat = item.category
            yield [
                item.number, item.get_assembly_display(), item.session.name if item.session_id else "", item.title, item.proposer.name,
                (f"{cat.parent.name}·{cat.name}" if cat and cat.parent_id else cat.name if cat else ""), item.get_state_display(), units,
                item.reply_type.code if item.reply_type_id else "", _("是") if item.is_key else "",
                timezone.localtime(item.submitted_at).strftime("%Y-%m-%d %H:%M") if item.submitted_at else "",
            ]

    return table_workbook(_("提案建议"), headers, widths, rows())
