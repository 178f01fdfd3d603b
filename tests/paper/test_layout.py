"""The grid of GB/T 9704, measured on the PDF as pdfminer reads it: a full line of body text holds
28 characters, a full page 22 lines, on A4."""

import io

from pdfminer.high_level import extract_pages
from pdfminer.layout import LTTextLine

from tests.builders import make_item, reply as send_reply
from tests.web.pages import login


def _lines(page):
    def walk(obj):
        for child in obj:
            if isinstance(child, LTTextLine):
                yield child
            elif hasattr(child, "__iter__"):
                yield from walk(child)
    return list(walk(page))


def test_body_lines_hold_28_characters_and_a_page_22_lines(world):
    item = make_item(world, "handling", co=False)
    body = "\n".join(["我委高度重视，会同区财政局、区规划资源局等部门开展专题调研，研究制定了加装电梯补贴办法和审批流程。" * 3] * 8)
    r = send_reply(world, item, body=body)
    data = login(world.lead_liaison).get(f"/items/{item.pk}/paper/reply/{r.pk}.pdf").content
    pages = list(extract_pages(io.BytesIO(data)))
    assert len(pages) >= 2
    assert (round(pages[0].width), round(pages[0].height)) == (595, 842)  # A4
    second = [ln for ln in _lines(pages[1]) if not ln.get_text().strip().startswith("—")]  # without the page number
    full = [ln.get_text().strip() for ln in second]
    assert len(full) == 22, full
    widths = {len(t) for t in full[1:-1]}  # a paragraph's first line is indented, its last may be short
    assert 28 in widths and max(widths) == 28, widths
