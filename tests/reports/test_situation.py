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
    # i5 and i9 (its first reply): rated 差 and 不同意; i1, i10 and the earlier session's p2: praised.
    unhappy = names(s["unsatisfactory"])
    assert unhappy == {w.lead_unit.name: [it["i5"].pk, it["i9"].pk]}
    bad = s["unsatisfactory"][0]["entries"][0]
    assert bad["grade"] == "差" and bad["agrees"] is False
    praised = {e["id"] for g in s["commended"] for e in g["entries"]}
    assert it["i1"].pk in praised and it["i10"].pk in praised and it["i5"].pk not in praised


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


def test_a_late_answer_to_a_question_is_named_under_its_unit(world):
    """A Q&A question (有问必答) sits outside any item: its late answer is an overdue event with a
    unit and no item. The situation report lists it under the unit, by the question's subject,
    for both assemblies and for the asker's; not under the other assembly's."""
    from banli.deadlines.sync import sync_question
    from banli.proposals import actions
    from banli.proposals.models import Question

    build_known_world(world)
    q = actions.ask_question(world.member, subject="老旧小区加装电梯补贴何时发放", body="请问补贴申请流程？", to_unit_id=world.lead_unit.pk)
    Question.objects.filter(pk=q.pk).update(asked_at=timezone.now() - datetime.timedelta(days=20))
    sync_question(Question.objects.get(pk=q.pk))
    actions.answer_question(world.lead_liaison, q.pk, answer="本月底前发放。")
    sync_question(Question.objects.get(pk=q.pk))
    event = OverdueEvent.objects.get(kind="question")
    assert event.item is None and event.unit == world.lead_unit and event.done_on == timezone.localdate()

    start, end = this_year()
    late = {g["name"]: g["entries"] for g in situation(start, end)["overdue"]}
    (entry,) = [e for e in late[world.lead_unit.name] if e["id"] is None]
    assert entry["title"] == "老旧小区加装电梯补贴何时发放" and entry["kind"] == "超期答复提问" and entry["question"] == q.pk
    assert entry["days_late"] > 0
    assert any(e["question"] == q.pk for g in situation(start, end, "cppcc")["overdue"] for e in g["entries"] if e.get("question"))
    assert not any(e.get("question") for g in situation(start, end, "npc")["overdue"] for e in g["entries"])

    for query in (f"from={start}&to={end}", f"from={start}&to={end}&assembly=cppcc"):
        r = login(world.gov_office).get(f"/reports/situation.docx?{query}")
        assert r.status_code == 200, query
        doc = docx.Document(io.BytesIO(r.content))
        rows = [" | ".join(c.text for c in row.cells) for t in doc.tables for row in t.rows]
        assert any(world.lead_unit.name in p.text for p in doc.paragraphs)
        assert any("有问必答 | 老旧小区加装电梯补贴何时发放 | 超期答复提问" in row for row in rows), rows
