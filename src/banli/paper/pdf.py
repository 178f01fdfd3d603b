"""Official documents as PDF, laid out after GB/T 9704 (党政机关公文格式) as closely as the one
embedded font allows (fonts.py): A4, type area 156 × 225 mm with the top margin at 37 mm and the
inner margin at 28 mm, the body on a grid of 22 lines of 28 characters (3号, set at 156 mm / 28 so
that the 28th character still fits the line), the title in 2号 bold, the issuer's name in red over
a red double rule as in the letter format (信函格式), page numbers "— n —" below the type area.

Several documents go into one PDF (the office's batch of notices), each from a new page with its
own page numbers."""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate, Flowable, Frame, KeepTogether, NextPageTemplate, PageBreak, PageTemplate, Paragraph, Spacer, Table,
    TableStyle,
)

from . import fonts
from .content import Paper, chinese_date

PAGE_W, PAGE_H = A4
TOP, BOTTOM, LEFT, RIGHT = 37 * mm, 35 * mm, 28 * mm, 26 * mm
WIDTH = PAGE_W - LEFT - RIGHT  # 156 mm
BODY = WIDTH / 28  # 15.79 pt: 3号 (16 pt) as 28 of it fill the line
LINE = 225 * mm / 22  # 28.9 pt: 22 lines to the type area
TITLE = 22  # 2号
SMALL = 14  # 4号: the notice's table, the copy line
HEADER_TOP = 30 * mm  # letter format: the issuer's name 30 mm below the top edge
RED = colors.HexColor("#d7000f")
INK = colors.black


def _style(name, size=BODY, leading=LINE, **kw):
    # wordWrap="CJK" breaks between any two Chinese characters, as Chinese is set.
    kw.setdefault("textColor", INK)
    return ParagraphStyle(name, fontName=fonts.FONT, fontSize=size, leading=leading, wordWrap="CJK", **kw)


STYLES = {
    "header": _style("header", 28, 36, alignment=TA_CENTER, textColor=RED),
    "title": _style("title", TITLE, TITLE * 1.4, alignment=TA_CENTER, spaceBefore=LINE * 0.6, spaceAfter=LINE * 0.6),
    "body": _style("body", firstLineIndent=2 * BODY),
    "plain": _style("plain"),
    "right": _style("right", alignment=TA_RIGHT),
    "cell": _style("cell", SMALL, SMALL * 1.4),
    "small": _style("small", SMALL, SMALL * 1.6, alignment=TA_LEFT),
}


def _p(text, style="body", **over) -> Paragraph:
    st = STYLES[style]
    if over:
        st = ParagraphStyle(f"{st.name}-x", parent=st, **over)
    return Paragraph(escape(text or "").replace("\n", "<br/>"), st)


class BoldParagraph(Paragraph):
    """The one face has no bold: the title's outlines are stroked as well as filled (text render
    mode 2), which prints as the heavier stroke of a bold 小标宋 would."""

    def __init__(self, text, style, weight=0.035):
        super().__init__(text, style)
        self.weight = weight

    def drawOn(self, canv, x, y, _sW=0):
        canv.saveState()
        canv.setStrokeColor(self.style.textColor)
        canv.setLineWidth(self.style.fontSize * self.weight)
        canv._code.append("2 Tr")  # kept by the text objects that follow, until restoreState
        super().drawOn(canv, x, y, _sW)
        canv.restoreState()


class RedRule(Flowable):
    """The red double rule under the issuer's name (上粗下细), 170 mm long, centred on the page."""

    def wrap(self, aw, ah):
        self.aw = aw
        return aw, 4 * mm

    def draw(self, canv=None):
        c = self.canv
        c.saveState()
        c.setStrokeColor(RED)
        x0 = (self.aw - 170 * mm) / 2
        c.setLineWidth(2)
        c.line(x0, 3 * mm, x0 + 170 * mm, 3 * mm)
        c.setLineWidth(0.7)
        c.line(x0, 3 * mm - 3, x0 + 170 * mm, 3 * mm - 3)
        c.restoreState()


class AtBottom(Flowable):
    """Its content at the foot of the page it lands on: the copy line (版记) sits on the last page's
    lower edge, as GB/T 9704 places it."""

    def __init__(self, content):
        super().__init__()
        self.content = content

    def wrap(self, aw, ah):
        w, h = self.content.wrap(aw, ah)
        self.inner = h
        return w, max(h, ah - 1)

    def split(self, aw, ah):
        return []

    def draw(self):
        self.content.drawOn(self.canv, 0, 0)


def _signature(paper: Paper) -> list:
    """落款. With a seal (7.3.5.1): the date 4 characters from the right, the issuer centred over it,
    room above for the seal that presses on both. Without (7.3.5.3): the issuer 2 characters from
    the right, the date on the next line starting 2 characters further in."""
    sig, date = paper.signature, chinese_date(paper.date)
    sw, dw = stringWidth(sig, fonts.FONT, BODY), stringWidth(date, fonts.FONT, BODY)
    if paper.seal:
        date_right = 4 * BODY + max(0, (sw - dw) / 2)
        sig_right = date_right + (dw - sw) / 2
        lead = [Spacer(1, LINE * 2)]
    else:
        sig_right = 2 * BODY
        date_right = sig_right + sw - 2 * BODY - dw
        if date_right < 2 * BODY:
            sig_right += 2 * BODY - date_right
            date_right = 2 * BODY
        lead = [Spacer(1, LINE)]
    return lead + [_p(sig, "right", rightIndent=max(0, sig_right)), _p(date, "right", rightIndent=max(0, date_right))]


def _table(data, widths, style, **kw) -> Table:
    t = Table(data, colWidths=widths, **kw)
    # A cell's own font, used only for text that is not a Paragraph, is Helvetica unless named:
    # named here so that no unembedded font is listed in the file.
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.FONT), *style]))
    return t


def _number_line(paper: Paper):
    right = paper.number + (f"　签发人：{paper.signatory}" if paper.signatory else "")
    corner = f"{paper.corner}类" if paper.corner else ""
    return _table([[_p(corner, "plain"), _p(right, "right")]], [WIDTH * 0.2, WIDTH * 0.8], [
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])


def _rows(rows) -> Table:
    """Facts in a grid of four columns; a row with one fact spans the last three."""
    label = 26 * mm
    value = (WIDTH - 2 * label) / 2
    data, spans = [], []
    for r, pairs in enumerate(rows):
        if len(pairs) == 1:
            (k, v), = pairs
            data.append([_p(k, "cell"), _p(v, "cell"), "", ""])
            spans.append(("SPAN", (1, r), (3, r)))
        else:
            data.append([_p(x, "cell") for pair in pairs for x in pair])
    return _table(data, [label, value, label, value], [
        ("GRID", (0, 0), (-1, -1), 0.6, INK), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4), *spans,
    ], hAlign="LEFT")


def _receipt() -> Table:
    """The line the unit fills in when the paper reaches it: who signed for it, and when."""
    return _table([[_p("签收单位（盖章）：", "small"), _p("签收人：", "small"), _p("签收日期：　　年　　月　　日", "small")]],
                  [WIDTH * 0.36, WIDTH * 0.24, WIDTH * 0.40],
                  [("LINEABOVE", (0, 0), (-1, 0), 0.6, INK), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 8)])


def _copy_line(text: str) -> Table:
    return _table([[_p(text, "small")]], [WIDTH], [
        ("LINEABOVE", (0, 0), (-1, 0), 0.7, INK), ("LINEBELOW", (0, 0), (-1, 0), 0.7, INK),
        ("LEFTPADDING", (0, 0), (-1, -1), SMALL), ("RIGHTPADDING", (0, 0), (-1, -1), SMALL)])


def flowables(paper: Paper) -> list:
    title = escape(paper.title)
    if paper.title_break and stringWidth(paper.title, fonts.FONT, TITLE) > WIDTH:
        title = escape(paper.title[:paper.title_break]) + "<br/>" + escape(paper.title[paper.title_break:])
    out = [BoldParagraph(escape(paper.header), STYLES["header"], weight=0.03), RedRule(), Spacer(1, 3 * mm), _number_line(paper),
           BoldParagraph(title, STYLES["title"]), _p(paper.addressee, "plain")]
    out += [_p(t) for t in paper.paragraphs]
    if paper.rows:
        out += [Spacer(1, LINE * 0.3), _rows(paper.rows)]
    # The last lines of the body go with the signature, so no page holds the signature alone.
    tail = _signature(paper)
    if paper.contact:
        tail += [Spacer(1, LINE * 0.5), _p(paper.contact, "plain", leftIndent=2 * BODY)]
    out.append(KeepTogether(tail))
    if paper.receipt:
        out += [Spacer(1, LINE * 0.5), _receipt()]
    if paper.cc:
        out.append(AtBottom(_copy_line(paper.cc)))
    return out


def _page_number(canv, doc):
    n = doc.page - doc.paper_start + 1
    text = f"— {n} —"
    canv.saveState()
    canv.setFont(fonts.FONT, SMALL)
    canv.setFillColor(INK)
    y = BOTTOM - 7 * mm - SMALL
    # Odd pages on the right, even on the left, each a character in from the edge of the type area.
    if n % 2:
        canv.drawRightString(PAGE_W - RIGHT - BODY, y, text)
    else:
        canv.drawString(LEFT + BODY, y, text)
    canv.restoreState()


def _first_page(canv, doc):
    doc.paper_start = doc.page
    _page_number(canv, doc)


def render(papers: list[Paper]) -> bytes:
    """One PDF of the documents given, each starting on a new page."""
    fonts.register()
    buf = io.BytesIO()
    first = Frame(LEFT, BOTTOM, WIDTH, PAGE_H - HEADER_TOP - BOTTOM, id="first", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    later = Frame(LEFT, BOTTOM, WIDTH, PAGE_H - TOP - BOTTOM, id="later", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    head = papers[0]
    doc = BaseDocTemplate(buf, pagesize=A4, title=head.title if len(papers) == 1 else f"{head.title}（{len(papers)}份）",
                          author=head.signature, subject=head.number, creator="Banli", lang="zh-CN",
                          # Only the embedded face: the canvas would otherwise list Helvetica, unembedded, on every page.
                          initialFontName=fonts.FONT, initialFontSize=BODY)
    doc.paper_start = 1
    doc.addPageTemplates([PageTemplate("first", [first], onPage=_first_page, autoNextPageTemplate="later"),
                          PageTemplate("later", [later], onPage=_page_number)])
    story = []
    for i, paper in enumerate(papers):
        if i:
            story += [NextPageTemplate("first"), PageBreak()]
        story += flowables(paper)
    doc.build(story)
    return buf.getvalue()
