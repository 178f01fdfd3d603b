"""Every PDF Banli makes embeds its Chinese font as a subset, the dossier (一案一册) included; a
server without the font refuses a PDF with a message naming the package, and still gives Word."""

import pytest

from banli.paper import fonts
from tests.builders import lead_assignment, make_item
from tests.web.pages import login

from .reading import assert_fonts_embedded, pdf_text


def test_the_dossier_embeds_the_same_font(world):
    item = make_item(world, "replied")
    r = login(world.gov_office).get(f"/items/{item.pk}/dossier.pdf")
    assert r.status_code == 200
    data = b"".join(r.streaming_content)
    rows = assert_fonts_embedded(data)
    assert all("UMingCN" in row["name"] for row in rows)
    assert item.title in pdf_text(data)


@pytest.fixture
def no_font(monkeypatch):
    monkeypatch.setattr(fonts, "FONT_FILES", ("/nonexistent/uming.ttc",))
    monkeypatch.delenv("BANLI_PDF_FONT", raising=False)
    fonts.register.cache_clear()
    yield
    fonts.register.cache_clear()


def test_a_missing_font_is_named_and_word_still_works(world, no_font):
    item = make_item(world, "assigned")
    c = login(world.gov_office)
    a = lead_assignment(item)
    r = c.get(f"/items/{item.pk}/paper/notice/{a.pk}.pdf")
    assert r.status_code == 503 and "fonts-arphic-uming" in r.content.decode()
    assert c.get(f"/items/{item.pk}/dossier.pdf").status_code == 503
    assert c.get(f"/items/{item.pk}/paper/notice/{a.pk}.docx").status_code == 200
