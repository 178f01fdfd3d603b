"""The situation report (情况专报) for a date range: the units with overdue milestones and the units
whose replies were rated unsatisfactory or 不同意, named with their items, and commended practice;
as figures and as the Word document the office hands in."""

import datetime
import io

import docx
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from banli.deadlines.models import OverdueEvent
from banli.reports.situation import parse_range, situation
from banli.errors import BanliError
from tests.reports.known_world import build_known_world

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def this_year():
    today = timezone.localdate()
    return today - datetime.timedelta(days=365), today + datetime.timedelta(days=30)


def names(groups):
    return {g["name"]: [e["id"] for e in g["entries"]] for g in groups}


def test_the_late_unit_the_unhappy_proposer_and_the_praise_are_named_with_their_items(world):
    kw = build_known_world(world)
    w, it = kw.world, kw.items
    start, end = this_year()
    s = situation(start, end, "cppcc")
    # i7: the separate unit signed 30 days after assignment (超期接收).
    late = names(s["overdue"])
    assert it["i7"].pk in late[w.spare_unit.name]
    entry = next(e for g in s["overdue"] for e in g["entries"] if e["id"] == it["i7"].pk)
    assert entry["kind"] == "超期接收" and entry["days_late"] > 0 and entry["title"] == it["i7"].title
    assert set(late) == set(OverdueEvent.objects.filter(item__assembly="cppcc", unit__isnull=False,
                                                        due_on__range=(start, end)).values_list("unit__name", flat=True))
    # i5: rated 差 and 不同意; i1 and the earlier session's p2: praised.
    unhappy = names(s["unsatisfactory"])
    assert unhappy == {w.lead_unit.name: [it["i5"].pk]}
    bad = s["unsatisfactory"][0]["entries"][0]
    assert bad["grade"] == "差" and bad["agrees"] is False
    praised = {e["id"] for g in s["commended"] for e in g["entries"]}
    assert it["i1"].pk in praised and it["i5"].pk not in praised


def test_the_range_and_the_assembly_limit_what_is_named(world):
    kw = build_known_world(world)
    far = datetime.date(2001, 1, 1), datetime.date(2001, 12, 31)
    empty = situation(*far, "cppcc")
    assert empty["overdue"] == empty["unsatisfactory"] == empty["commended"] == []
    npc = situation(*this_year(), "npc")
    cppcc_items = {i.pk for i in kw.items.values()}
    assert not ({e["id"] for g in npc["overdue"] + npc["unsatisfactory"] + npc["commended"] for e in g["entries"]} & cppcc_items)


def test_two_queries_whatever_the_range(world):
    build_known_world(world)
    with CaptureQueriesContext(connection) as q:
        situation(*this_year(), None)
    assert len(q.captured_queries) == 2


def test_bad_dates_are_refused_with_a_message():
    for params in ({"from": "", "to": "2026-01-01"}, {"from": "2026-13-01", "to": "2026-12-01"}):
        with pytest.raises(BanliError) as e:
            parse_range(params)
        assert e.value.field == "from"
    with pytest.raises(BanliError) as e:
        parse_range({"from": "2026-06-01", "to": "2026-01-01"})
    assert e.value.field == "to" and "结束日期" in e.value.zh


def test_the_word_document_names_units_and_items_under_the_three_headings(world):
    kw = build_known_world(world)
    start, end = this_year()
    r = login(kw.world.gov_office).get(f"/reports/situation.docx?from={start}&to={end}&assembly=cppcc")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    doc = docx.Document(io.BytesIO(r.content))
    paras = [p.text for p in doc.paragraphs]
    assert paras[0] == "提案办理情况专报"
    heads = [p for p in paras if p[:2] in ("一、", "二、", "三、")]
    assert heads == ["一、超期办理情况", "二、委员不满意或不同意的答复", "三、受到表扬的做法"]
    text = "\n".join(paras + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    assert kw.world.spare_unit.name in text and kw.items["i7"].title in text and "超期接收" in text
    assert kw.items["i5"].title in text and "不同意" in text
    assert kw.items["i1"].title in text
    # The opening sentence states the counts the sections list.
    s = situation(start, end, "cppcc")
    assert f"共有{len(s['overdue'])}家承办单位" in paras[2]


def test_only_report_readers_get_it_and_bad_input_gets_a_message(world):
    kw = build_known_world(world)
    start, end = this_year()
    url = f"/reports/situation.docx?from={start}&to={end}"
    assert login(kw.world.member).get(url).status_code == 403
    assert login(kw.world.lead_liaison).get(url).status_code == 403
    assert login(kw.world.cppcc_office).get(url + "&assembly=npc").status_code == 403
    assert login(kw.world.cppcc_office).get(url + "&assembly=cppcc").status_code == 200
    r = login(kw.world.gov_office).get("/reports/situation.docx?from=2026-06-01&to=2026-01-01")
    assert r.status_code == 400 and "结束日期不能早于开始日期" in r.content.decode()
    assert Client().get(url).status_code == 302
