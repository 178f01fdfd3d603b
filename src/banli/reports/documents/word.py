"""Shared Word styling for the office's documents: the fonts government documents use
(方正小标宋 title, 黑体 and 楷体 headings, 仿宋 body) set in the East Asian slot, where Word looks
for the font of Chinese text; first lines indented two characters; fixed 28-pt line spacing."""

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

BODY, HEADING, SUBHEADING, TITLE = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"


def new_document() -> Document:
    doc = Document()
    for s in doc.sections:  # the margins of the national standard for official documents (GB/T 9704)
        s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
    return doc


def font(run, name: str, size: float, bold: bool = False):
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    return run


def para(doc, text, *, face=BODY, size=16, bold=False, align=None, indent=True):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(28)
    if align is not None:
        p.alignment = align
    font(p.add_run(text), face, size, bold)
    return p


def title(doc, text, subtitle=""):
    para(doc, text, face=TITLE, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    if subtitle:
        para(doc, subtitle, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)


def table(doc, headers: list[str], rows: list[list], size=11, widths_cm: list[float] | None = None):
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, h in zip(t.rows[0].cells, headers):
        cell.text = ""
        font(cell.paragraphs[0].add_run(str(h)), HEADING, size)
    for row in rows:
        for cell, v in zip(t.add_row().cells, row):
            cell.text = ""
            font(cell.paragraphs[0].add_run("" if v is None else str(v)), BODY, size)
    if widths_cm:
        t.autofit = False
        for row in t.rows:
            for cell, w in zip(row.cells, widths_cm):
                cell.width = Cm(w)
    doc.add_paragraph()
    return t


def to_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
