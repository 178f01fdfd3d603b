"""The dossier (dossier.py) as a Word document the office can edit: A4, 宋体 for the text and 黑体
for headings (set as the East Asian font, which Word uses for Chinese), real headings (the
navigation pane lists the sections), tables with a repeated header row, the item's number and
title in the page header and "第 n 页 共 m 页" as page fields in the footer."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Inches, Pt, RGBColor

from .dossier_blocks import Dossier, Fields, Note, Subheading, Table, Text

BODY_FONT, HEAD_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
GREY = RGBColor(0x5B, 0x64, 0x72)
ACCENT = RGBColor(0x1F, 0x4E, 0x8C)
SHADE = "EEF1F6"
TEXT_WIDTH_CM = 21.0 - 2 * 2.5


def _fonts(rpr_owner, east_asia: str, latin: str = LATIN_FONT):
    """Name the fonts outright: Word's theme fonts would otherwise win over the style's."""
    rpr = rpr_owner.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)


def _styles(doc):
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)  # 五号
    _fonts(normal.element, BODY_FONT)
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.line_spacing = 1.3
    for name, size in (("Title", 22), ("Heading 1", 15), ("Heading 2", 12)):
        s = doc.styles[name]
        s.font.size = Pt(size)
        s.font.bold = name != "Title"
        s.font.color.rgb = ACCENT if name == "Heading 1" else RGBColor(0x1D, 0x24, 0x33)
        _fonts(s.element, HEAD_FONT)
        s.paragraph_format.space_before = Pt(14 if name == "Heading 1" else 8)
        s.paragraph_format.space_after = Pt(6 if name == "Heading 1" else 4)
        s.paragraph_format.keep_with_next = True
    for style_id, size in (("BanliCell", 9.5), ("BanliCellSmall", 9)):
        cell = doc.styles.add_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
        cell.base_style = normal
        cell.font.size = Pt(size)
        cell.paragraph_format.space_after = Pt(0)
        cell.paragraph_format.line_spacing = 1.15
    # The built-in Title style draws a rule under itself; the cover is centred text without it.
    title_ppr = doc.styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)


def _field(run, code: str):
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the pages out."""
    begin, text, sep, value, end = (OxmlElement(t) for t in ("w:fldChar", "w:instrText", "w:fldChar", "w:t", "w:fldChar"))
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {code} "
    sep.set(qn("w:fldCharType"), "separate")
    value.text = "1"
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, text, sep, value, end):
        run._r.append(el)


def _page_frame(doc, dossier: Dossier):
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.4)
    section.different_first_page_header_footer = True
    head = section.header.paragraphs[0]
    head.text = f"{dossier.running_head}\t{dossier.heading}"
    tabs = head.paragraph_format.tab_stops
    for inches in (3.25, 6.5):  # the Header style's own centre and right stops
        tabs.add_tab_stop(Inches(inches), WD_TAB_ALIGNMENT.CLEAR)
    tabs.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
    head.style.font.size = Pt(9)
    for run in head.runs:
        run.font.color.rgb = GREY
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in ("第 ", "PAGE", " 页 共 ", "NUMPAGES", " 页"):
        run = foot.add_run()
        run.font.size = Pt(9)
        if part in ("PAGE", "NUMPAGES"):
            _field(run, part)
        else:
            run.text = part
    # The title page keeps only the page count.
    first = section.first_page_footer.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in ("第 ", "PAGE", " 页 共 ", "NUMPAGES", " 页"):
        run = first.add_run()
        run.font.size = Pt(9)
        if part in ("PAGE", "NUMPAGES"):
            _field(run, part)
        else:
            run.text = part


def _shade(cell, fill=SHADE):
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _cell_text(cell, text: str, *, color=None, bold=False, cell_style="BanliCell"):
    lines = (text or "").split("\n")
    p = cell.paragraphs[0]
    # The style named by id: python-docx's lookup by name costs more than the rest of the cell.
    p._p.get_or_add_pPr().style = cell_style
    for n, line in enumerate(lines):
        run = p.add_run(line)
        if bold:
            run.font.bold = True
        if color is not None:
            run.font.color.rgb = color
        if n < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)


def _grid(doc, rows: int, widths_cm: list[float]):
    t = doc.add_table(rows=rows, cols=len(widths_cm))
    t._tbl.tblPr.style = "TableGrid"  # "Table Grid", by id (see _cell_text)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for row in t.rows:
        for cell, w in zip(row.cells, widths_cm):
            cell.width = Cm(w)
    return t


def _fields(doc, rows, width_cm=TEXT_WIDTH_CM):
    label = 3.4
    t = _grid(doc, len(rows), [label, width_cm - label])
    for row, (k, v) in zip(t.rows, rows):
        _cell_text(row.cells[0], k, color=GREY)
        _shade(row.cells[0])
        _cell_text(row.cells[1], v)
    doc.add_paragraph()
    return t


def _table(doc, block: Table):
    total = sum(block.widths)
    widths = [TEXT_WIDTH_CM * w / total for w in block.widths]
    t = _grid(doc, len(block.rows) + 1, widths)
    head = t.rows[0]
    # The header row repeats at the top of every page the table runs onto.
    trpr = head._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)
    for cell, h in zip(head.cells, block.headers):
        _cell_text(cell, h, color=ACCENT, bold=True, cell_style="BanliCellSmall")
        _shade(cell)
    for row, values in zip(t.rows[1:], block.rows):
        for cell, v in zip(row.cells, values):
            _cell_text(cell, v, cell_style="BanliCellSmall")
    doc.add_paragraph()


def dossier_docx(dossier: Dossier) -> bytes:
    doc = Document()
    _styles(doc)
    _page_frame(doc, dossier)
    props = doc.core_properties
    props.title, props.subject, props.author = f"{dossier.number} {dossier.title}", "一案一册", dossier.heading

    for _ in range(4):
        doc.add_paragraph()
    cover = doc.add_paragraph(dossier.heading, style="Title")
    cover.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = sub.add_run("一案一册")
    r.font.size, r.font.color.rgb = Pt(14), GREY
    doc.add_paragraph()
    num = doc.add_paragraph()
    num.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = num.add_run(dossier.number)
    r.font.size, r.font.color.rgb = Pt(16), ACCENT
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = title.add_run(dossier.title)
    r.font.size, r.font.bold = Pt(18), True
    _fonts(r._r, HEAD_FONT)
    doc.add_paragraph()
    _fields(doc, dossier.cover, TEXT_WIDTH_CM * 0.85)
    if not dossier.contacts:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run("本册不含个人联系方式。")
        r.font.size, r.font.color.rgb = Pt(9), GREY
    doc.add_page_break()

    for section in dossier.sections:
        doc.add_heading(section.title, level=1)
        for block in section.blocks:
            if isinstance(block, Fields):
                if block.rows:
                    _fields(doc, block.rows)
            elif isinstance(block, Table):
                _table(doc, block)
            elif isinstance(block, Text):
                if block.label:
                    label = doc.add_paragraph()
                    label.paragraph_format.keep_with_next = True
                    r = label.add_run(block.label)
                    r.font.color.rgb, r.font.size = GREY, Pt(10)
                for text in block.paragraphs:
                    p = doc.add_paragraph(text)
                    p.paragraph_format.first_line_indent = Pt(21)  # two characters, as Chinese text is set
            elif isinstance(block, Subheading):
                doc.add_heading(block.text, level=2)
            elif isinstance(block, Note):
                p = doc.add_paragraph()
                r = p.add_run(block.text)
                r.font.color.rgb = GREY
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
