"""The Word report's charts find the server's Chinese font even when matplotlib's font cache does
not list it: the cache (~/.cache/matplotlib/fontlist-*.json) is written once, so a font installed
after it (`apt-get install fonts-noto-cjk` after the first import of matplotlib) is unknown to it.
The report must not then say "服务器未安装中文字体" on a server that has the font.

Each test hides every CJK entry from matplotlib's font list, as a cache built before the font was
installed would, and puts the real list back afterwards."""

import io
import warnings

import docx
import pytest
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties

from banli.reports import charts
from tests.builders import make_item
from tests.web.pages import login

PNG = b"\x89PNG\r\n\x1a\n"


def _is_cjk(entry) -> bool:
    return entry.name in charts.CJK_FAMILIES or "CJK" in entry.name or "CJK" in entry.fname


@pytest.fixture
def stale_font_cache():
    fm = font_manager.fontManager
    original = fm.ttflist
    fm.ttflist = [f for f in original if not _is_cjk(f)]
    fm._findfont_cached.cache_clear()
    charts.cjk_font.cache_clear()
    assert not any(f.name in charts.CJK_FAMILIES for f in fm.ttflist)
    try:
        yield fm
    finally:
        fm.ttflist = original
        fm._findfont_cached.cache_clear()
        charts.cjk_font.cache_clear()


def _assert_drawn_in_cjk(family):
    assert family == "Noto Sans CJK SC", "install fonts-noto-cjk (`make test` does): the charts need a Chinese font"
    path = font_manager.findfont(FontProperties(family=family), fallback_to_default=False)
    assert "NotoSansCJK" in path or "NotoSansSC" in path, path
    fig = charts.bars("按满意度", ["好", "较好"], [3, 1], family=family)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert charts.png(fig).startswith(PNG)
    assert not [w for w in caught if "missing from font" in str(w.message)], [str(w.message) for w in caught]


def test_the_font_is_found_on_disk_when_the_cache_does_not_list_it(stale_font_cache):
    _assert_drawn_in_cjk(charts.cjk_font())
    assert any(f.name == "Noto Sans CJK SC" for f in stale_font_cache.ttflist)


def test_the_font_is_found_at_its_known_path_without_fontconfig(stale_font_cache, monkeypatch):
    """No fc-list on the machine (fontconfig is not installed with matplotlib): the known Debian
    paths of the Noto CJK files are looked at directly."""
    monkeypatch.setattr(charts, "FC_LIST", "/nonexistent/fc-list")
    _assert_drawn_in_cjk(charts.cjk_font())


@pytest.mark.django_db
def test_word_report_draws_its_charts_when_the_cache_does_not_list_the_font(world, stale_font_cache):
    make_item(world, "closed", reply_type="A", co=True, category=world.category("cppcc", 0))
    make_item(world, "replied", reply_type="C", co=False)
    r = login(world.cppcc_office).get("/reports/yearly.docx")
    assert r.status_code == 200
    doc = docx.Document(io.BytesIO(r.content))
    paras = [p.text for p in doc.paragraphs]
    assert not [p for p in paras if "未安装中文字体" in p], "the report claims no Chinese font on a server that has one"
    assert "三、统计图" in paras and len(doc.inline_shapes) == 4
