"""Reading generated documents back as a person reads them: the PDF's text with pdfminer.six,
its table rows rebuilt from where the text sits on the page, and the Word file with python-docx."""

import io
import re
from collections import defaultdict
from dataclasses import dataclass

from docx import Document
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTTextBox, LTTextLine

# Text boxes in reading order (top to bottom, then left to right), and a narrow char_margin so
# that the texts of two table cells side by side stay two boxes.
LAYOUT = LAParams(boxes_flow=None, char_margin=0.5)


def flat(text: str) -> str:
    """Text without white space: the PDF breaks lines wherever the column width says."""
    return re.sub(r"\s+", "", text)


@dataclass
class Pdf:
    text: str  # every text box, in reading order
    rows: list[str]  # each visual row: the lines whose tops align (a table row), left to right, joined by " | "
    pages: int

    @property
    def flat(self) -> str:
        return flat(self.text)


def read_pdf(data: bytes) -> Pdf:
    """One layout pass over the PDF (pdfminer is the slow part of these tests)."""
    boxes, rows, pages = [], [], 0
    for page in extract_pages(io.BytesIO(data), laparams=LAYOUT):
        pages += 1
        lines = defaultdict(list)
        for box in page:
            if not isinstance(box, LTTextBox):
                continue
            boxes.append(box.get_text())
            for line in box:
                if isinstance(line, LTTextLine):
                    lines[round(line.y1)].append((line.x0, line.get_text().strip()))
        rows += [" | ".join(t for _, t in sorted(lines[top]) if t) for top in sorted(lines, reverse=True)]
    return Pdf("\n".join(boxes), rows, pages)


def pdf_text(data: bytes) -> str:
    return read_pdf(data).text


def docx_text(data: bytes) -> tuple[list[str], str, list[str]]:
    """(the level-1 headings in order, all paragraph and table text, each table row joined by " | ")."""
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    parts, rows = [p.text for p in doc.paragraphs], []
    for t in doc.tables:
        for row in t.rows:
            cells = [c.text for c in row.cells]
            parts += cells
            rows.append(" | ".join(cells))
    return headings, "\n".join(parts), rows
