"""Cells a spreadsheet will not run (CSV/formula injection, OWASP): every workbook Banli writes
passes its rows through `safe_row` (or its single values through `safe_cell`).

Text typed by a member, a unit or the office (a title, a name, a reply) may start like a formula:
`=HYPERLINK("http://x","y")` becomes a live link, `+1+1` or `@SUM(A1)` a formula once someone
edits the cell. openpyxl itself turns any str starting with "=" into a formula cell. So a text
that starts with = + - @, a tab or a carriage return (or their full-width forms, which Chinese
input methods type and WPS reads as the half-width ones) is written

- as a string cell (data_type "s"): what the file holds is text, never a formula element, and
- with the cell style's quotePrefix set: the way Excel and WPS themselves mark a cell typed
  with a leading apostrophe, so the text stays text even when someone opens the cell and presses
  Enter.

We do not prepend a visible "'" (OWASP's advice for CSV, which has no cell styles and is done in
portal/data.py): in a workbook the reader would see the apostrophe, and the text would no longer
read back as typed. Numbers, dates and None are left as they are, typed."""

from openpyxl.cell import WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe_cell(ws, value):
    """The value as it should go into ws.append(): itself, or a text cell that cannot be a
    formula. `value` may already be a cell (a styled heading): then it is made safe in place."""
    if hasattr(value, "data_type") and hasattr(value, "value"):
        if formula_like(value.value):
            value.data_type, value.quotePrefix = "s", True
        return value
    if not formula_like(value):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # set after the value: openpyxl has just guessed "f" from the "="
    cell.quotePrefix = True
    return cell


def safe_row(ws, row):
    return [safe_cell(ws, v) for v in row]


def make_safe(ws):
    """For a sheet written cell by cell (ws.cell(...)): make every formula-like text cell safe."""
    for row in ws.iter_rows():
        for cell in row:
            if formula_like(cell.value):
                cell.data_type, cell.quotePrefix = "s", True
