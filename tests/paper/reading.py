"""Reading official documents back as a person would: the PDF's text (pdfminer.six), its fonts as
`pdffonts` (poppler-utils) lists them, the Word file's paragraphs with their styles and fonts."""

import io
import subprocess
import tempfile
import zipfile

import docx
from docx.oxml.ns import qn
from pdfminer.high_level import extract_text


def pdf_text(data: bytes) -> str:
    # Lines broken by the layout are joined, so a title or a sentence reads whole.
    return extract_text(io.BytesIO(data)).replace("\n", "")


def pdf_pages(data: bytes) -> int:
    from pdfminer.pdfpage import PDFPage
    return sum(1 for _ in PDFPage.get_pages(io.BytesIO(data)))


def pdffonts(data: bytes) -> list[dict]:
    """Each font row of `pdffonts`: name, type, emb, sub."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type [type2] encoding emb sub uni objectID gen: read emb/sub from the right.
        rows.append({"name": parts[0], "type": parts[1], "emb": parts[-5], "sub": parts[-4]})
    return rows


def assert_fonts_embedded(data: bytes):
    rows = pdffonts(data)
    assert rows, "no font listed"
    assert all(r["emb"] == "yes" and r["sub"] == "yes" for r in rows), rows
    # The subset of the Chinese TrueType face, named with the subset tag (ABCDEF+...).
    assert all("+" in r["name"] and r["type"] == "TrueType" for r in rows), rows
    return rows


def word(data: bytes):
    return docx.Document(io.BytesIO(data))


def east_asian_font(style) -> str | None:
    rpr = style.element.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def word_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for t in document.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def zip_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.namelist()


def zip_member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name)
