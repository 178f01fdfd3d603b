"""The unit picker (banli.web.widgets.UnitPicker, issue 13 point 2): every choice of units in the
pages is a real <select>, grouped by kind, that works and posts the same fields without script;
the script's filter reads names, short names and pinyin initials embedded once per page. The
initials are right for the demo district's names and for the polyphones unit names are full of."""

import json
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banli.org.models import Unit, UnitKind
from banli.proposals.models import Assignment, Item
from banli.web import unit_choices as uc
from banli.web.unit_choices import initials, unit_choices
from banli.web.widgets import UnitPicker
from demo.vocabulary import UNITS as DEMO_UNITS
from tests.builders import make_item
from tests.web.pages import login, text


# -- the initials (pure) ------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("教育局", "jyj"), ("区教育局", "qjyj"), ("区卫健委", "qwjw"), ("区卫生健康委员会", "qwsjkwyh"),
    # 长 / 行 / 重 and their kin, read as the unit's name means them
    ("长安街道", "cajd"), ("区长办公室", "qzbgs"), ("长兴镇", "cxz"), ("区长途汽车站", "qctqcz"),
    ("区行政审批局", "qxzspj"), ("中国人民银行区支行", "zgrmyhqzh"), ("区农业银行", "qnyyh"),
    ("重庆路街道", "cqljd"), ("区重大项目办公室", "qzdxmbgs"), ("重阳镇", "cyz"),
    ("朝阳街道", "cyjd"), ("区还建办", "qhjb"), ("区会计核算中心", "qkjhszx"), ("区调查队", "qdcd"), ("区人民调解中心", "qrmtjzx"),
    # letters and digits kept, punctuation dropped
    ("区12345热线", "q12345rx"), ("区委（区政府）办公室", "qwqzfbgs"),
])
def test_initials_read_unit_names_right(name, expected):
    assert initials(name) == expected


# The demo district's names whose characters have more than one reading (房 市 革 育 司 游 事 机
# 投 园 族 会 团 援 税 青 桃): each read as the name means it.
DEMO_POLYPHONES = {
    "区住房和城乡建设局": "qzfhcxjsj", "区城市管理局": "qcsglj", "区发展和改革委员会": "qfzhggwyh", "区教育局": "qjyj",
    "区司法局": "qsfj", "区文化和旅游局": "qwhhlyj", "区退役军人事务局": "qtyjrswj", "区机关事务管理局": "qjgswglj",
    "区投资促进局": "qtzcjj", "区园林绿化局": "qyllhj", "区民族宗教事务局": "qmzzjswj", "区妇女联合会": "qfnlhh",
    "区城市建设投资集团有限公司": "qcsjstzjtyxgs", "区消防救援大队": "qxfjydd", "国家税务总局区税务局": "gjswzjqswj",
    "青山镇": "qsz", "桃源镇": "tyz", "国网区供电公司": "gwqgdgs", "共青团区委": "gqtqw",
}


def test_the_demo_units_are_read_right():
    names = {name for _, name, *_ in DEMO_UNITS}
    assert set(DEMO_POLYPHONES) <= names
    assert {n: initials(n) for n in DEMO_POLYPHONES} == DEMO_POLYPHONES
    # and every demo unit is found by the initials of its short name without the district's 区
    for _, name, short, *_ in DEMO_UNITS:
        stem = short[1:] if short.startswith("区") else short
        assert any(initials(stem) in p for p in (initials(name), initials(short)))


# -- the unit list: one query, initials worked out once per list -----------------------------------

@pytest.mark.django_db
def test_the_unit_list_is_one_query_and_its_initials_are_cached(world):
    uc._prepared.cache_clear()
    with CaptureQueriesContext(connection) as q:
        first = unit_choices()
    assert len(q.captured_queries) == 1
    second = unit_choices()
    assert uc._prepared.cache_info().hits == 1 and first.options is second.options
    by_name = {o.name: o for o in first.options}
    assert by_name["区教育局"].py == ("qjyj",) and by_name["区住房和城乡建设委员会"].py == ("qzfhcxjswyh", "qjw")
    # A renamed unit is a new list: nothing stale.
    Unit.objects.filter(pk=world.outsider_unit.pk).update(short_name="区教委")
    assert {o.name: o for o in unit_choices().options}["区教育局"].py == ("qjyj", "qjw")


# -- the widget without script ------------------------------------------------------------------------

def _select(html, name) -> str:
    m = re.search(r'<select name="%s"[^>]*>.*?</select>' % name, html, re.S)
    assert m, f"no <select name={name!r}>"
    return m.group(0)


def _groups(select_html) -> list[tuple[str, list[str]]]:
    return [(unescape(label), [unescape(o) for o in re.findall(r">([^<]+)</option>", body)])
            for label, body in re.findall(r'<optgroup label="([^"]+)"[^>]*>(.*?)</optgroup>', select_html, re.S)]


def _data(html) -> list[list]:
    return [json.loads(unescape(m)) for m in re.findall(r'<script type="application/json" id="unit-data-\d+">(.*?)</script>', html, re.S)]


@pytest.mark.django_db
def test_the_widget_is_a_grouped_select_with_the_data_beside_it(world):
    html = UnitPicker(multiple=True).render("co", [world.co_unit.pk], {"id": "id_co"})
    sel = _select(html, "co")
    assert " multiple" in sel and 'id="id_co"' in sel
    assert _groups(sel) == [("委办局", ["区交通委员会", "区教育局", "区住房和城乡建设委员会"]), ("街镇", ["城东街道办事处"])]
    assert re.search(r'<option value="%d" selected>区交通委员会</option>' % world.co_unit.pk, sel)
    [data] = _data(html)
    assert {u["name"]: u["py"] for u in data}["区交通委员会"] == ["qjtwyh", "qjtw"]
    assert {u["kind"] for u in data} == {UnitKind.BUREAU, UnitKind.TOWN}


@pytest.mark.django_db
def test_suggested_units_come_first_with_their_reason(world):
    """The hook for the assignment's suggestions: an ordered list of (unit id, reason)."""
    html = UnitPicker(suggested=[(world.spare_unit.pk, "委员建议"), (world.co_unit.pk, "往年办理过相似提案")], blank="请选择").render("lead", None)
    groups = _groups(_select(html, "lead"))
    assert groups[0] == ("建议", ["城东街道办事处（委员建议）", "区交通委员会（往年办理过相似提案）"])
    assert groups[1] == ("委办局", ["区教育局", "区住房和城乡建设委员会"])  # not repeated below
    assert 'data-reason="委员建议"' in html
    assert re.search(r'<select name="lead"[^>]*>\s*<option value="" selected>请选择</option>', html)


@pytest.mark.django_db
def test_a_unit_name_cannot_break_out_of_the_embedded_data(world):
    Unit.objects.create(name="区</script><script>alert(1)</script>局", short_name="&局")
    html = UnitPicker().render("lead", None)
    assert "</script><script>" not in html.split('type="application/json"', 1)[1].split("</script>", 1)[0]
    [data] = _data(html)
    assert "区</script><script>alert(1)</script>局" in {u["name"] for u in data}


# -- the pages -----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_member_picks_suggested_units_without_script(world, member):
    c = login(member)
    page = text(c.get("/items/new/"))
    sel = _select(page, "suggested_units")
    assert " multiple" in sel and [g for g, _ in _groups(sel)] == ["委办局", "街镇"]
    assert '<label for="id_suggested_units">' in page
    # No Ctrl-click hint (issue 14): without script the page says what the finder needs.
    assert "Ctrl" not in page and "启用浏览器脚本" in page.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    r = c.post("/items/new/", {"title": "关于增设公交线路的建议", "reason": "案由", "suggestions": "建议", "category": world.category().pk,
                               "suggested_units": [world.co_unit.pk, world.spare_unit.pk], "consent_publish": ""})
    assert r.status_code == 302
    item = Item.objects.get(title="关于增设公交线路的建议")
    assert set(item.suggested_units.values_list("pk", flat=True)) == {world.co_unit.pk, world.spare_unit.pk}
    # Reopened, the choice is shown chosen.
    sel = _select(text(c.get(f"/items/{item.pk}/edit/")), "suggested_units")
    assert len(re.findall(r"<option [^>]*selected>", sel)) == 2


@pytest.mark.django_db
def test_the_assign_form_has_pickers_that_share_one_copy_of_the_data(world, gov_office):
    item = make_item(world, "registered")
    c = login(gov_office)
    page = text(c.get(f"/items/{item.pk}/"))
    lead, co = _select(page, "lead"), _select(page, "co")
    assert " multiple" not in lead and " multiple" in co
    assert 'id="do-assign-lead"' in lead and '<label for="do-assign-lead">' in page
    assert len(_data(page)) == 1  # several pickers, the data once
    assert page.count("data-unit-picker") >= 3
    r = c.post(f"/items/{item.pk}/do/assign/", {"lead": world.lead_unit.pk, "co": [world.co_unit.pk], "note": ""})
    assert r.status_code == 302
    assert {(a.unit_id, a.role) for a in Assignment.objects.filter(item=item)} == {(world.lead_unit.pk, "lead"), (world.co_unit.pk, "co")}


@pytest.mark.django_db
def test_the_list_filters_by_unit_with_the_picker(world, gov_office):
    mine = make_item(world, "handling", title="城东的件")
    c = login(gov_office)
    page = text(c.get(f"/items/?unit={world.lead_unit.pk}"))
    sel = _select(page, "unit")
    assert re.search(r'<option value="">全部</option>', sel)
    assert re.search(r'<option value="%d" selected>' % world.lead_unit.pk, sel)
    assert f'href="/items/{mine.pk}/"' in page


@pytest.mark.django_db
def test_the_reassign_form_ticks_the_item_s_own_units_and_picks_new_ones(world, gov_office):
    make_item(world, "handling", separate=True)  # so that assignment ids are not the unit ids
    item = make_item(world, "handling")
    page = text(login(gov_office).get(f"/items/{item.pk}/"))
    form = re.search(r'<details class="action[^"]*" id="do-reassign".*?</details>', page, re.S).group(0)
    ticks = re.findall(r'<input type="checkbox" name="remove" value="(\d+)"', form)
    assert len(ticks) == 2 and 'name="remove" multiple' not in form
    assert _select(form, "lead") and " multiple" in _select(form, "co")
    co = Assignment.objects.get(item=item, role="co")
    assert co.pk != co.unit_id and str(co.pk) in ticks  # the ticks name assignments, as the action (and the API) take them
    r = login(gov_office).post(f"/items/{item.pk}/do/reassign/", {"remove": [str(co.pk)],
                                                                  "co": [world.spare_unit.pk], "reason": "改由街道会办"})
    assert r.status_code == 302, text(r)[:500]
    active = {(a.unit_id, a.role) for a in Assignment.objects.filter(item=item).exclude(state=Assignment.State.ENDED)}
    assert active == {(world.lead_unit.pk, "lead"), (world.spare_unit.pk, "co")}
