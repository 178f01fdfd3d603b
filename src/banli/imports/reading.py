"""Reading an uploaded Excel file into rows: the heading row found by its names (the first row of
the first ten with a required column's name), each cell as trimmed text, empty rows skipped.
A file that is not an .xlsx, or lacks a required column, is refused in words before anything else."""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook

from banli.errors import invalid
from banli.uploads import check_zip_bomb

from .columns import Column

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20000  # a province's year is a few thousand items
XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (row number in Excel, {key: text})
    columns: dict = field(default_factory=dict)  # key -> heading found


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).replace("\u3000", " ").strip()


def _norm(heading) -> str:
    return _text(heading).replace(" ", "").replace("*", "").replace("＊", "")


def open_workbook(data: bytes):
    if len(data) > MAX_BYTES:
        raise invalid("file", f"文件过大（最多 {MAX_BYTES // 1024 // 1024}MB）。", "The file is too large.")
    if not data.startswith(XLSX_MAGIC):
        raise invalid("file", "请上传 Excel 文件（.xlsx）。旧版 .xls 请先在 Excel 或 WPS 中另存为 .xlsx。",
                      "Upload an Excel file (.xlsx).")
    check_zip_bomb(io.BytesIO(data))  # before openpyxl unpacks anything (issue 15.4)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise invalid("file", "无法读取这个 Excel 文件，请确认文件未损坏。", "This Excel file cannot be read.") from None


def read_sheet(ws, columns: tuple[Column, ...], *, sheet_label: str) -> Sheet:
    by_name = {}
    for c in columns:
        for n in (c.name, *c.aliases):
            by_name.setdefault(_norm(n), c.key)
    required = {c.key for c in columns if c.required}
    rows = ws.iter_rows(values_only=True)
    header_at, index = None, {}
    for n, row in enumerate(rows, start=1):
        found = {}
        for i, cell in enumerate(row):
            key = by_name.get(_norm(cell))
            if key and key not in found.values():
                found[i] = key
        if required & set(found.values()):
            header_at, index = n, found
            break
        if n >= 10:
            break
    names = {c.key: c.name for c in columns}
    if header_at is None:
        raise invalid("file", f"“{sheet_label}”中没有找到列名行（应有“{'”“'.join(names[k] for k in sorted(required))}”等列）。",
                      f"No heading row found in {sheet_label}.")
    missing = [names[k] for k in required if k not in index.values()]
    if missing:
        raise invalid("file", f"“{sheet_label}”缺少必填列：{'、'.join(missing)}。", f"{sheet_label} lacks required columns.")
    sheet = Sheet(sheet_label, columns={k: names[k] for k in index.values()})
    for n, row in enumerate(rows, start=header_at + 1):
        values = {key: _text(row[i]) if i < len(row) else "" for i, key in index.items()}
        if not any(values.values()):
            continue
        sheet.rows.append((n, values))
        if len(sheet.rows) > MAX_ROWS:
            raise invalid("file", f"“{sheet_label}”超过 {MAX_ROWS} 行，请分成几个文件导入。", "Too many rows.")
    return sheet


def split_names(text: str) -> list[str]:
    """Names separated as people write them: 、，, ； ; and spaces (a Chinese name has none)."""
    for sep in "，,；;/ \n":
        text = text.replace(sep, "、")
    return [n.strip() for n in text.split("、") if n.strip()]
