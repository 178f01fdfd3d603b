"""Official documents as Word files: the same wording as the PDF (content.py), in named paragraph
styles (公文标题, 公文正文, 公文落款 and the rest) so that the document keeps its look when a clerk
edits it in Word or WPS. Every style names its East Asian font (w:eastAsia), the slot Word reads for
Chinese text: 方正小标宋简体 for the title and the red header, 仿宋_GB2312 for the rest, as GB/T 9704
asks and as the office's other Word documents do (banli.reports.documents.word)."""

import io
import zipfile
from collections.abc import Iterator
from functools import lru_cache

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from banli.reports.documents.word import BODY as FANGSONG
from banli.reports.documents.word import TITLE as XIAOBIAOSONG
from banli.reports.documents.word import new_document, to_bytes

from .content import Paper, chinese_date

STYLE_IDS = {"公文版头": "BanliHeader", "公文文号": "BanliNumber", "公文标题": "BanliTitle", "公文主送": "BanliAddressee",
             "公文正文": "BanliBody", "公文表格": "BanliCell", "公文落款": "BanliSignature", "公文附注": "BanliNote",
             "公文版记": "BanliCopies"}
DOCUMENT_XML, CORE_XML = "word/document.xml", "docProps/core.xml"
SIZE = 16  # 三号
LINE = Pt(28.95)  # 22 lines in the 225 mm type area
RED = RGBColor(0xD7, 0x00, 0x0F)
TEXT_WIDTH = Cm(15.6)  # the type area of GB/T 9704 (word.new_document sets the margins)

# name -> (font, size, bold, alignment, first-line indent in characters)
STYLES = {
    "公文版头": (XIAOBIAOSONG, 28, False, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "公文文号": (FANGSONG, SIZE, False, WD_ALIGN_PARAGRAPH.LEFT, 0),
    "公文标题": (XIAOBIAOSONG, 22, True, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "公文主送": (FANGSONG, SIZE, False, WD_ALIGN_PARAGRAPH.LEFT, 0),
    "公文正文": (FANGSONG, SIZE, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "公文表格": (FANGSONG, 14, False, WD_ALIGN_PARAGRAPH.LEFT, 0),
    "公文落款": (FANGSONG, SIZE, False, WD_ALIGN_PARAGRAPH.RIGHT, 0),
    "公文附注": (FANGSONG, SIZE, False, WD_ALIGN_PARAGRAPH.LEFT, 0),
    "公文版记": (FANGSONG, 14, False, WD_ALIGN_PARAGRAPH.LEFT, 0),
}


def _fonts(rpr_owner, face: str):
    rfonts = rpr_owner.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        rfonts.set(qn(slot), face)


def _add_styles(doc):
    """Our styles, with ids that are plain ASCII (what Word and WPS expect of an id; the names are the Chinese)."""
    for name, (face, size, bold, align, indent) in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = STYLE_IDS[name]
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
        style.font.name = face
        style.font.size = Pt(size)
        style.font.bold = bold
        _fonts(style.element, face)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = LINE if size == SIZE else Pt(size * 1.5)
        if indent:
            fmt.first_line_indent = Pt(size * indent)
    doc.styles["公文版头"].font.color.rgb = RED


def _styled(p, name: str):
    # The style by its id, written straight into the paragraph: python-docx's `style =` looks up
    # the default style through every style on each call, a quarter of a second per notice.
    p._p.style = STYLE_IDS[name]
    return p


def _add(doc, name: str, text: str = ""):
    return _styled(doc.add_paragraph(text), name)


def _border(paragraph, side: str, val: str = "single", size: int = 6, color: str = "000000"):
    ppr = paragraph._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        ppr.append(bdr)
    el = OxmlElement(f"w:{side}")
    for k, v in (("val", val), ("sz", str(size)), ("space", "4"), ("color", color)):
        el.set(qn(f"w:{k}"), v)
    bdr.append(el)


def _em(text: str) -> float:
    """Width in characters of 三号: a Chinese character is one, a digit or Latin letter half."""
    return sum(1 if ord(c) > 0x2E7F else 0.5 for c in text)


def _signature(doc, paper: Paper):
    sig, date = paper.signature, chinese_date(paper.date)
    sw, dw = _em(sig), _em(date)
    if paper.seal:  # the seal presses on both: date 4 characters in, the issuer centred over it
        date_right = 4 + max(0, (sw - dw) / 2)
        sig_right = date_right + (dw - sw) / 2
        blank = 2
    else:  # issuer 2 characters in, date starting 2 characters right of it
        sig_right = 2
        date_right = max(2, sig_right + sw - 2 - dw)
        sig_right = max(sig_right, date_right + dw + 2 - sw)
        blank = 1
    for _ in range(blank):
        _add(doc, "公文正文")
    for text, right in ((sig, sig_right), (date, date_right)):
        p = _add(doc, "公文落款", text)
        p.paragraph_format.right_indent = Pt(SIZE * right)


WIDTHS_CM = (2.6, 5.2, 2.6, 5.2)


def _rows(doc, rows):
    """Facts in four columns; a row with one fact lets its value span the last three (gridSpan,
    written directly: python-docx's merge re-reads the whole grid each time)."""
    t = doc.add_table(rows=0, cols=4)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for pairs in rows:
        cells = t.add_row().cells
        for cell, w in zip(cells, WIDTHS_CM):
            cell.width = Cm(w)
        if len(pairs) == 1:
            tr = cells[1]._tc.getparent()
            for extra in cells[2:]:
                tr.remove(extra._tc)
            cells[1]._tc.get_or_add_tcPr().grid_span = 3
            cells[1].width = Cm(sum(WIDTHS_CM[1:]))
        for i, (k, v) in enumerate(pairs):
            for cell, text in ((cells[2 * i], k), (cells[2 * i + 1], v)):
                _styled(cell.paragraphs[0], "公文表格").text = text


@lru_cache(maxsize=1)
def _base() -> bytes:
    """The empty document with the margins and our styles, made once: a batch of 300 notices
    starts each from these bytes instead of building the styles 300 times."""
    doc = new_document()
    _add_styles(doc)
    return to_bytes(doc)


@lru_cache(maxsize=1)
def _base_parts() -> tuple[tuple[str, bytes], ...]:
    """The base document's files other than the two each document writes anew, in their order."""
    with zipfile.ZipFile(io.BytesIO(_base())) as z:
        return tuple((n, z.read(n)) for n in z.namelist() if n not in (DOCUMENT_XML, CORE_XML))


def _package(doc) -> bytes:
    """The .docx of `doc`: its body and properties serialised, every other part copied from the
    base as bytes (python-docx's save re-serialises and re-compresses all of them each time)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in _base_parts():  # [Content_Types].xml first, as readers expect
            z.writestr(name, data)
        z.writestr(DOCUMENT_XML, serialize_part_xml(doc.element))
        z.writestr(CORE_XML, serialize_part_xml(doc.core_properties._element))
    return buf.getvalue()


def render(paper: Paper) -> bytes:
    return next(render_many([paper]))


def render_many(papers) -> Iterator[bytes]:
    """Each document's Word file, all written into one document object in turn (its body emptied
    between them): 300 notices without parsing the base 300 times."""
    doc = Document(io.BytesIO(_base()))
    body = doc.element.body
    keep = [el for el in body if el.tag == qn("w:sectPr")]
    for paper in papers:
        for el in list(body):
            if el not in keep:
                body.remove(el)
        _fill(doc, paper)
        yield _package(doc)


def _fill(doc, paper: Paper) -> None:
    props = doc.core_properties
    props.title, props.author, props.subject, props.language = paper.title, paper.signature, paper.number, "zh-CN"
    header = _add(doc, "公文版头", paper.header)
    _border(header, "bottom", val="thickThinSmallGap", size=24, color="D7000F")
    number = _add(doc, "公文文号")
    number.paragraph_format.space_before = Pt(8)
    number.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, alignment=WD_TAB_ALIGNMENT.RIGHT)
    right = paper.number + (f"　签发人：{paper.signatory}" if paper.signatory else "")
    number.add_run((f"{paper.corner}类" if paper.corner else "") + "\t" + right)
    title = _add(doc, "公文标题")
    if paper.title_break and Pt(_em(paper.title) * 22) > TEXT_WIDTH:
        title.add_run(paper.title[:paper.title_break]).add_break()
        title.add_run(paper.title[paper.title_break:])
    else:
        title.add_run(paper.title)
    title.paragraph_format.space_before = title.paragraph_format.space_after = Pt(16)
    _add(doc, "公文主送", paper.addressee)
    last = None
    for text in paper.paragraphs:
        last = _add(doc, "公文正文", text)
    if paper.rows:
        if last is not None:
            last.paragraph_format.space_after = Pt(8)  # the table does not touch the text above it
        _rows(doc, paper.rows)
    _signature(doc, paper)
    if paper.contact:
        p = _add(doc, "公文附注", paper.contact)
        p.paragraph_format.left_indent = Pt(SIZE * 2)
        p.paragraph_format.space_before = Pt(14)
    if paper.receipt:
        p = _add(doc, "公文版记", "签收单位（盖章）：　　　　　签收人：　　　　　签收日期：　　年　　月　　日")
        p.paragraph_format.space_before = Pt(20)
        _border(p, "top")
    if paper.cc:
        p = _add(doc, "公文版记", paper.cc)
        p.paragraph_format.space_before = Pt(28)
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(14)
        _border(p, "top")
        _border(p, "bottom")
