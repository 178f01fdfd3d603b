"""The report as the office gets it, beyond the figures (test_report_doors.py checks those
through every door): the Word report opens with 基本情况 in Chinese sentences, worded for the
assembly, then its tables and charts; its charts are drawn with a Chinese font, and the page's
charts keep their labels as text."""

import warnings

import matplotlib.text
import pytest
from django.utils import timezone
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties

from banli.reports import charts
from banli.reports.periods import period
from banli.reports.statistics import yearly_figures
from tests.builders import make_item
from tests.reports.doors import (
    cn_date, figures_without_db, page_charts, page_prose, page_tiles, sheets, svg_texts, word, word_pictures, word_prose, word_tables, word_text,
)
from tests.reports.known_world import top
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n"


def test_word_report_has_tables_after_the_prose_and_four_charts(world):
    """In order: title, 一、基本情况 (prose), 二、统计表 (five tables), 三、统计图 (four PNG charts,
    drawn with the server's Chinese font)."""
    make_item(world, "closed", reply_type="A", co=True, category=world.category("cppcc", 0))
    make_item(world, "replied", reply_type="C", co=False)
    assert charts.cjk_font() is not None, "install fonts-noto-cjk: the report's charts need a Chinese font"
    r = login(world.cppcc_office).get("/reports/yearly.docx")  # the current session by default
    doc = word(r.content)
    body = [child.tag.rsplit("}", 1)[1] for child in doc.element.body.iterchildren()]
    heads = [p.text for p in doc.paragraphs]
    assert heads.index("一、基本情况") < heads.index("二、统计表") < heads.index("三、统计图")
    first_table = body.index("tbl")
    prose_end = [i for i, p in enumerate(doc.element.body.iterchildren()) if p.tag.endswith("}p") and "二、统计表" in "".join(p.itertext())][0]
    assert prose_end < first_table and body.count("tbl") == 5
    assert len(doc.inline_shapes) == 4
    assert all(blob.startswith(PNG) for blob in word_pictures(doc))
    # Government-document fonts, the East Asian slot included (Word picks Chinese fonts from it).
    title_run = doc.paragraphs[0].runs[0]
    assert title_run.font.name == "方正小标宋简体"
    assert title_run._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "方正小标宋简体"


def test_a_congress_report_speaks_of_suggestions_and_deputies(world):
    """建议/代表 throughout, never 提案/委员 (unit names aside: 区交通委员会 is a name); with no
    session before, nothing is compared."""
    make_item(world, "closed", reply_type="A", co=False, assembly="npc", category=world.category("npc", 0))
    make_item(world, "handling", co=True, assembly="npc")
    query = f"kind=session&value={world.npc_session.pk}"
    c = login(world.npc_office)
    names = [world.lead_unit.name, world.co_unit.name]

    def scrub(s):
        for n in names:
            s = s.replace(n, "")
        return s

    doc = word(c.get(f"/reports/yearly.docx?{query}").content)
    assert doc.paragraphs[0].text == "关于区人大第七届第五次会议建议办理工作情况的报告"
    whole = scrub(word_text(doc))
    assert "建议" in whole and "代表" in whole
    assert "提案" not in whole and "委员" not in whole
    prose = word_prose(doc)
    assert len(prose) == 5 and prose[0].startswith(f"截至{cn_date(timezone.localdate())}，区政府共收到区人大第七届第五次会议建议2件")
    assert not any("上届" in p for p in prose)  # nothing before to compare with
    assert word_tables(doc)[0][1] == ["收到建议（件）", "2", "—"]

    html = text(c.get(f"/reports/?{query}"))
    prose = scrub("".join(page_prose(html)))
    assert "建议" in prose and "提案" not in prose and "委员" not in prose
    assert page_tiles(html)["received"] == (2, None)  # no session before: nothing to compare
    book = sheets(c.get(f"/reports/report.xlsx?{query}").content)
    cells = scrub(" ".join(str(v) for rows in book.values() for row in rows for v in row if v is not None))
    assert "收到建议（件）" in cells and "代表已评价（件）" in cells
    assert "提案" not in cells and "委员" not in cells



def test_the_comparison_is_named_after_the_period(world):
    """A session is compared with the session before, a year with the year before: neither is
    "上届" (the previous term). Only a term is compared with 上届."""
    from tests.builders import new_draft, register, submit

    for session in (world.earlier_cppcc_session, world.cppcc_session, world.cppcc_session):
        register(world, submit(world, new_draft(world, session=session)))
    year = timezone.localdate().year
    for kind, value in (("session", world.cppcc_session.pk), ("year", year)):
        figures = yearly_figures(period(kind, value, "cppcc"))
        assert figures["previous"]["received"] == 1 and figures["current"]["received"] == 2
        from banli.reports.documents.yearly_docx import yearly_report

        whole = word_text(word(yearly_report(figures)))
        assert "上届" not in whole and "本届" not in whole, kind



def test_a_category_only_the_previous_period_had_stays_in_the_comparison(world):
    """The 上届 column of 按类别 lists every category of the period before, so that its shares add up
    to 100, even one that has no item this time."""
    from tests.builders import new_draft, register, submit

    general = top("cppcc", "综合")
    register(world, submit(world, new_draft(world, session=world.earlier_cppcc_session, category=general)))
    register(world, submit(world, new_draft(world, session=world.cppcc_session, category=world.category("cppcc", 0))))
    c = login(world.gov_office)
    query = f"kind=session&value={world.cppcc_session.pk}"
    book = sheets(c.get(f"/reports/report.xlsx?{query}").content)
    rows = {r[0]: r[1:] for r in book["按类别"][1:]}
    assert rows["经济"] == [1, 100, None, None] or rows["经济"] == [1, 100, 0, 0]
    assert "综合" in rows, "the category of the period before is missing from the comparison"
    assert rows["综合"][2:] == [1, 100]
    table = word_tables(word(c.get(f"/reports/yearly.docx?{query}").content))[1]
    assert [r[0] for r in table[1:]] == ["经济", "综合"]


# -- charts -------------------------------------------------------------------------------------------

def covered(path: str) -> set[int]:
    from fontTools.ttLib import TTCollection, TTFont

    font = TTCollection(path).fonts[0] if path.lower().endswith(".ttc") else TTFont(path)
    return set(font.getBestCmap())


def test_charts_are_drawn_with_a_font_that_has_every_character():
    """The "no boxes" guarantee: a CJK font is installed, every text of every chart is set in it,
    the font file has a glyph for each character, and matplotlib reports no missing glyph."""
    family = charts.cjk_font()
    assert family is not None, "install fonts-noto-cjk: the report's charts need a Chinese font"
    path = font_manager.findfont(FontProperties(family=family), fallback_to_default=False)
    cmap = covered(path)
    figs = charts.report_charts(figures_without_db())
    assert list(figs) == ["category", "reply_type", "grade", "units"]
    labels = set()
    for key, fig in figs.items():
        texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()]
        for t in texts:
            if any(ord(ch) > 127 for ch in t.get_text()):
                assert t.get_fontfamily() == [family], (key, t.get_text(), t.get_fontfamily())
            labels.add(t.get_text())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            png = charts.png(fig)
        assert png.startswith(PNG)
        assert not [w for w in caught if "missing from font" in str(w.message)], [str(w.message) for w in caught]
    assert {"城市建设和管理", "经济", "教科文卫体", "A类 解决或采纳", "好", "较好", "差", "区住房和城乡建设委员会", "按类别",
            "按满意度", "10件 · 100%"} <= labels
    missing = {ch for s in labels for ch in s if not ch.isspace() and ord(ch) not in cmap}
    assert not missing, f"{path} has no glyph for {sorted(missing)}"


def test_page_charts_keep_their_labels_as_text(world):
    make_item(world, "closed", reply_type="A", co=False, category=world.category("cppcc", 0))
    make_item(world, "replied", reply_type="C", co=False, category=world.category("cppcc", 1))
    html = text(login(world.gov_office).get("/reports/"))
    found = page_charts(html)
    assert list(found) == ["category", "reply_type", "grade", "units"]
    for key, svg in found.items():
        assert svg.lstrip().startswith("<svg") and "<path d=\"M" in svg, key
        assert "Noto Sans CJK SC" in svg or "sans-serif" in svg
    assert {"按类别", "城市建设和管理", "经济"} <= set(svg_texts(found["category"]))
    assert {"A类 解决或采纳", "C类 留作参考"} <= set(svg_texts(found["reply_type"]))
    assert {"好", "较好", "一般", "差"} <= set(svg_texts(found["grade"]))
    assert "区住房和城乡建设委员会" in svg_texts(found["units"])
    # Labels are text, not glyph outlines: no <use> of glyph definitions for the Chinese.
    assert "DejaVuSans" not in html
