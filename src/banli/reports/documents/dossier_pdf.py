"""The dossier (dossier.py) as a PDF: A4, Chinese set in the Song face the official documents use,
embedded as a subset (banli.paper.fonts), so the archive copy prints the same on any machine. A title page
with the item's number and title, then the sections; every page after the first carries the item's
number and title at the top and "第 n 页 共 m 页" at the bottom."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    CondPageBreak, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table as RLTable, TableStyle,
)

from banli.paper import fonts

from .dossier_blocks import Dossier, Fields, Subheading, Table, Text

FONT = fonts.FONT
INK = colors.HexColor("#1d2433")
GREY = colors.HexColor("#5b6472")
RULE = colors.HexColor("#9aa3b2")
SHADE = colors.HexColor("#eef1f6")
ACCENT = colors.HexColor("#1f4e8c")
MARGIN = 20 * mm
WIDTH = A4[0] - 2 * MARGIN



def _font():
    fonts.register()  # a clear refusal (BanliError) when the server lacks the font


def _style(name, size, leading=None, **kw):
    # wordWrap="CJK" breaks lines between any two Chinese characters, as Chinese text is set.
    kw.setdefault("textColor", INK)
    return ParagraphStyle(name, fontName=FONT, fontSize=size, leading=leading or size * 1.5, wordWrap="CJK", **kw)


STYLES = {
    "cover_head": _style("cover_head", 22, 32, alignment=TA_CENTER, spaceAfter=4 * mm),
    "cover_sub": _style("cover_sub", 14, 20, alignment=TA_CENTER, textColor=GREY, spaceAfter=18 * mm),
    "cover_number": _style("cover_number", 16, 24, alignment=TA_CENTER, textColor=ACCENT, spaceAfter=4 * mm),
    "cover_title": _style("cover_title", 18, 28, alignment=TA_CENTER, spaceAfter=16 * mm),
    "h1": _style("h1", 14, 20, textColor=ACCENT, spaceBefore=6 * mm, spaceAfter=3 * mm, keepWithNext=1),
    "h2": _style("h2", 11.5, 17, spaceBefore=3 * mm, spaceAfter=2 * mm, keepWithNext=1),
    "label": _style("label", 10, 15, textColor=GREY, spaceBefore=2 * mm, spaceAfter=1 * mm),
    "body": _style("body", 10.5, 17, firstLineIndent=21, spaceAfter=1.5 * mm),
    # The pieces of a long paragraph (see _body): indented first, spaced after last, as "body" is.
    "body_first": _style("body_first", 10.5, 17, firstLineIndent=21),
    "body_mid": _style("body_mid", 10.5, 17),
    "body_last": _style("body_last", 10.5, 17, spaceAfter=1.5 * mm),
    "note": _style("note", 10, 15, textColor=GREY, spaceAfter=1.5 * mm),
    "cell": _style("cell", 9, 13),
    "cell_head": _style("cell_head", 9, 13, textColor=ACCENT),
    "cell_label": _style("cell_label", 9.5, 14, textColor=GREY),
    "cell_value": _style("cell_value", 9.5, 14),
    "small": _style("small", 9, 13, alignment=TA_CENTER, textColor=GREY),
}


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), STYLES[style])


# A paragraph longer than this is set as pieces cut at a sentence's end. reportlab lays out a
# paragraph again, whole, each time it splits it at a page's foot: a 20,000-character paragraph
# cost seconds, a 500,000-character one 36 s (issue 15.4). A piece starts on a new line: the
# price, paid only by paragraphs longer than any a person writes as one.
PIECE_CHARS = 600
_SENTENCE_ENDS = "。！？；!?;"


def _body(text: str) -> list[Paragraph]:
    if len(text) <= PIECE_CHARS:
        return [_p(text, "body")]
    pieces, rest = [], text
    while len(rest) > PIECE_CHARS:
        cut = max(rest.rfind(c, PIECE_CHARS // 2, PIECE_CHARS) for c in _SENTENCE_ENDS)
        cut = cut + 1 if cut > 0 else PIECE_CHARS
        pieces.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        pieces.append(rest)
    styles = ["body_first"] + ["body_mid"] * (len(pieces) - 2) + ["body_last"]
    return [_p(t, st) for t, st in zip(pieces, styles)]


# A row with a cell this long may be cut at the foot of a page (it could be taller than a page);
# shorter rows move whole to the next page, so no row leaves only its padding behind.
SPLIT_CELL_CHARS = 200


def _grid(data, widths, *, head_row: bool, label_col: bool, long_cells: bool = False) -> RLTable:
    t = RLTable(data, colWidths=widths, repeatRows=1 if head_row else 0, hAlign="LEFT", splitInRow=1 if long_cells else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # else Helvetica, unembedded, is listed in the file
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if head_row:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    if label_col:
        style.append(("BACKGROUND", (0, 0), (0, -1), SHADE))
    t.setStyle(TableStyle(style))
    return t


def _long(rows) -> bool:
    return any(len(c or "") > SPLIT_CELL_CHARS for row in rows for c in row)


def _fields(rows) -> RLTable:
    label = 34 * mm
    return _grid([[_p(k, "cell_label"), _p(v, "cell_value")] for k, v in rows], [label, WIDTH - label], head_row=False, label_col=True,
                 long_cells=_long(rows))


def _table(block: Table) -> RLTable:
    total = sum(block.widths)
    widths = [WIDTH * w / total for w in block.widths]
    data = [[_p(h, "cell_head") for h in block.headers]] + [[_p(c, "cell") for c in row] for row in block.rows]
    return _grid(data, widths, head_row=True, label_col=False, long_cells=_long(block.rows))


def _flowables(dossier: Dossier) -> list:
    label, width = 34 * mm, WIDTH * 0.8
    cover = _grid([[_p(k, "cell_label"), _p(v, "cell_value")] for k, v in dossier.cover], [label, width - label],
                  head_row=False, label_col=True)
    cover.hAlign = "CENTER"
    out = [
        Spacer(1, 30 * mm),
        _p(dossier.heading, "cover_head"),
        _p("一案一册", "cover_sub"),
        _p(dossier.number, "cover_number"),
        _p(dossier.title, "cover_title"),
        cover,
        Spacer(1, 12 * mm),
    ]
    if not dossier.contacts:
        out.append(_p("本册不含个人联系方式。", "small"))
    out.append(PageBreak())
    for section in dossier.sections:
        # Headings wait here and go out kept together with what follows them.
        heads = [CondPageBreak(30 * mm), _p(section.title, "h1")]
        for block in section.blocks:
            if isinstance(block, Subheading):
                heads += [CondPageBreak(25 * mm), _p(block.text, "h2")]
                continue
            if isinstance(block, Fields):
                if not block.rows:
                    continue
                first, rest = _fields(block.rows), [Spacer(1, 2 * mm)]
                # A short block of facts stays on one page rather than leaving a row or two behind.
                keep = len(block.rows) <= 12 and not _long(block.rows)
            elif isinstance(block, Table):
                first, rest, keep = _table(block), [Spacer(1, 2 * mm)], len(block.rows) <= 3 and not _long(block.rows)
            elif isinstance(block, Text):
                # The label goes with the first paragraph only when that is short: a long one, moved
                # whole to the next page, would leave this one half empty.
                paras = [piece for t in block.paragraphs for piece in _body(t)]
                if block.label:
                    heads += [CondPageBreak(18 * mm), _p(block.label, "label")]
                first, rest, keep = paras[0], paras[1:], len(block.paragraphs[0]) <= 200
            else:  # Note
                first, rest, keep = _p(block.text, "note"), [], True
            if keep:
                out.append(KeepTogether([*heads, first]))
            else:
                out += [*heads, first]
            out += rest
            heads = []
        out += heads
    return out


class _NumberedCanvas(canvas.Canvas):
    """Holds the pages back until the end, so each footer can say how many pages there are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for n, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            self.setFont(FONT, 9)
            self.setFillColor(GREY)
            self.drawCentredString(A4[0] / 2, 12 * mm, f"第 {n} 页 共 {total} 页")
            super().showPage()
        super().save()


def dossier_pdf(dossier: Dossier) -> bytes:
    _font()
    buf = io.BytesIO()

    def later_pages(c, doc):
        c.saveState()
        c.setFont(FONT, 9)
        c.setFillColor(GREY)
        c.drawString(MARGIN, A4[1] - 12 * mm, dossier.running_head)
        c.drawRightString(A4[0] - MARGIN, A4[1] - 12 * mm, dossier.heading)
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.line(MARGIN, A4[1] - 14 * mm, A4[0] - MARGIN, A4[1] - 14 * mm)
        c.restoreState()

    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        title=f"{dossier.number} {dossier.title}", author=dossier.heading, subject="一案一册", creator="Banli", lang="zh-CN",
        initialFontName=FONT,
    )
    doc.build(_flowables(dossier), onFirstPage=lambda c, d: None, onLaterPages=later_pages, canvasmaker=_NumberedCanvas)
    return buf.getvalue()
