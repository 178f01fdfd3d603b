"""The office's publication queue (/publication/, 公开审核; DOMAIN rule 13): the replies awaiting its
decision in two groups, the proposer's consent beside the unit's recommendation, the decision's
deadline from its deadline row; one form that publishes or withholds the ticked ones, each through
decide_publication on its own, with a result per row. Only the government office works it."""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from banli.deadlines.models import Deadline
from banli.proposals.models import Assignment, Publication, PublicationRecord
from banli.proposals.publication_queue import decide_publications, publication_queue
from banli.workdays.calendar import working_days_between
from tests.builders import answering_assignments, lead_assignment, make_item, reply, today
from tests.checks import assert_audit, audit_rows, unchanged
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db

# Pinned: session + user, the roles (actor_for: 1); the totals, the rows, their replies, the latest
# decisions; the unread badge.
PAGE_QUERIES = 8
WITHHOLD_REASON = "涉及在建项目招标信息"


# -- reading the page -------------------------------------------------------------------------------

def groups(response) -> dict[str, dict[int, str]]:
    """group key -> {assignment id: the row's html}, in the page's order."""
    out = {}
    for m in re.finditer(r'<section class="card" id="group-(\w+)"[^>]*>(.*?)</section>', text(response), re.S):
        out[m.group(1)] = {int(a): body for a, body in re.findall(r'<tr class="[^"]*" data-row="(\d+)">(.*?)</tr>', m.group(2), re.S)}
    return out


def row_ids(response) -> list[int]:
    return [a for g in groups(response).values() for a in g]


def attr(html, name) -> str:
    return re.search(rf'{name}="([^"]*)"', html).group(1)


def outcomes(response) -> dict[int, tuple[bool, str]]:
    """assignment id -> (ok, the row's text) from the results list."""
    out = {}
    for a, ok, body in re.findall(r'<li class="[^"]*" data-outcome="(\d+)" data-ok="([01])">(.*?)</li>', text(response), re.S):
        out[int(a)] = (ok == "1", " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split()))
    return out


# -- the world ----------------------------------------------------------------------------------------

def queue_world(world):
    """One of each kind of row, and things that are not rows."""
    consented = make_item(world, "replied", consent_publish=True, title="同意公开且单位建议公开")
    mixed = make_item(world, "handling", co=False, consent_publish=True, title="同意公开但单位建议不公开")
    reply(world, mixed, lead_assignment(mixed), "B", recommendation="withhold", withhold_reason=WITHHOLD_REASON)
    refused = make_item(world, "replied", consent_publish=False, title="不同意公开")
    silent = make_item(world, "replied", title="未表态")
    separate = make_item(world, "handling", separate=True, consent_publish=True, title="分办一家已答复")
    first = answering_assignments(separate)[0]
    reply(world, separate, first, "A")
    decided = make_item(world, "replied", consent_publish=True, title="已决定公开")
    decide_publications(world.gov_office, [(lead_assignment(decided).pk, True, "")])
    make_item(world, "handling", consent_publish=True, title="尚未答复")
    return {"consented": lead_assignment(consented), "mixed": lead_assignment(mixed), "refused": lead_assignment(refused),
            "silent": lead_assignment(silent), "separate": first, "decided": lead_assignment(decided)}


# -- the office reads the queue -------------------------------------------------------------------------

def test_the_office_sees_each_awaiting_reply_once_in_its_group(world, gov_office):
    a = queue_world(world)
    page = login(gov_office).get("/publication/")
    assert page.status_code == 200
    g = groups(page)
    assert set(g["yes"]) == {a["consented"].pk, a["mixed"].pk, a["separate"].pk}
    assert set(g["no"]) == {a["refused"].pk, a["silent"].pk}
    html = text(page)
    assert "不同意公开（加强审核）" in html and "尚未答复" not in html
    # The decided one is not awaited any more, but is among the recent decisions.
    assert a["decided"].pk not in row_ids(page)
    recent = html[html.index('id="recent"'):]
    assert "已决定公开" in recent and "决定公开" in recent


def test_consent_and_recommendation_stand_side_by_side(world, gov_office):
    a = queue_world(world)
    g = groups(login(gov_office).get("/publication/"))
    row = {**g["yes"], **g["no"]}
    assert [attr(row[a[k].pk], "data-consent") for k in ("consented", "mixed", "refused", "silent")] == ["yes", "yes", "no", "none"]
    assert [attr(row[a[k].pk], "data-recommendation") for k in ("consented", "mixed", "refused")] == ["publish", "withhold", "publish"]
    assert "未表态" in row[a["silent"].pk] and "不同意公开" in row[a["refused"].pk]
    mixed = row[a["mixed"].pk]
    assert "建议不公开" in mixed and WITHHOLD_REASON in mixed and "意见不一致" in mixed
    assert "意见不一致" not in row[a["consented"].pk]
    # The reply's type and the date it was sent; the separate unit's role is named.
    assert '<span class="tag">B</span>' in mixed and f"发出 {today():%Y-%m-%d}" in mixed
    assert "区住房和城乡建设委员会（分办）" in row[a["separate"].pk]


def test_the_deadline_comes_from_its_row_with_working_days_left(world, gov_office):
    a = queue_world(world)
    due = Deadline.objects.get(key=f"publish:{a['consented'].pk}")
    row = groups(login(gov_office).get("/publication/"))["yes"][a["consented"].pk]
    assert due.due_on.isoformat() in row
    assert f"还剩 {working_days_between(today(), due.due_on)} 个工作日" in row
    assert f"时限 {working_days_between(due.starts_on, due.due_on)} 个工作日" in row
    assert "时限 20 个工作日" in row  # the default limit (DOMAIN rule 13)
    assert 'class="late"' not in row


def test_a_late_decision_is_shown_late_in_red_and_first(world, gov_office, monkeypatch):
    a = queue_world(world)
    later = make_item(world, "replied", consent_publish=True, title="后答复的")  # the same due date: ordered by item
    due = Deadline.objects.get(key=f"publish:{a['consented'].pk}").due_on
    on = due + datetime.timedelta(days=10)
    monkeypatch.setattr(timezone, "localdate", lambda *args: on)
    page = login(gov_office).get("/publication/")
    g = groups(page)
    row = g["yes"][a["consented"].pk]
    days = working_days_between(due, on)
    assert days > 0 and f"已超期 {days} 个工作日" in row and '<span class="due late nowrap">' in row
    assert re.search(rf'<tr class="late" data-row="{a["consented"].pk}">', text(page))
    assert list(g["yes"])[-1] == lead_assignment(later).pk
    # Only the late ones, when asked.
    late_only = login(gov_office).get("/publication/?late=1")
    assert set(row_ids(late_only)) == set(row_ids(page))


def test_filter_by_consent(world, gov_office):
    a = queue_world(world)
    c = login(gov_office)
    only_no = c.get("/publication/?consent=no")
    assert list(groups(only_no)) == ["no"] and set(row_ids(only_no)) == {a["refused"].pk, a["silent"].pk}
    assert list(groups(c.get("/publication/?consent=yes"))) == ["yes"]
    bad = c.get("/publication/?consent=maybe")
    assert bad.status_code == 400 and "consent" in text(bad)


def test_tick_a_whole_group(world, gov_office):
    a = queue_world(world)
    html = text(login(gov_office).get("/publication/?pick=no"))
    ticked = {int(x) for x in re.findall(r'name="assignment" value="(\d+)" checked', html)}
    assert ticked == {a["refused"].pk, a["silent"].pk}


def test_an_empty_queue_says_so(world, gov_office):
    page = login(gov_office).get("/publication/")
    assert page.status_code == 200 and "目前没有待决定是否公开的答复。" in text(page)
    assert 'id="batch"' not in text(page)


def test_the_office_finds_the_queue_in_its_menu_and_others_do_not(world, gov_office, lead_liaison, member):
    assert 'href="/publication/"' in text(login(gov_office).get("/"))
    for user in (lead_liaison, member):
        assert 'href="/publication/"' not in text(login(user).get("/"))


# -- the batch through the page ------------------------------------------------------------------------

def post(client, ids, decision, reason="", confirm=True, query=""):
    data = {"assignment": [str(i) for i in ids], "decision": decision, "reason": reason}
    if confirm:
        data["confirm"] = "yes"
    return client.post(f"/publication/{query}", data)


def test_publish_a_batch_with_one_refused_row(world, gov_office):
    a = queue_world(world)
    c = login(gov_office)
    r = post(c, [a["consented"].pk, a["refused"].pk, a["separate"].pk], "publish")
    assert r.status_code == 200
    res = outcomes(r)
    assert res[a["consented"].pk][0] and res[a["separate"].pk][0]
    ok, said = res[a["refused"].pk]
    assert not ok and "失败" in said and "委员/代表未同意公开，不能公开。" in said
    assert "成功 2 件，失败 1 件。" in text(r)
    # The records: the two published, each with its audit row; the refused one untouched.
    assert Assignment.objects.get(pk=a["consented"].pk).publication == Publication.PUBLISHED
    assert Assignment.objects.get(pk=a["separate"].pk).publication == Publication.PUBLISHED
    assert Assignment.objects.get(pk=a["refused"].pk).publication == Publication.UNDECIDED
    rec = PublicationRecord.objects.get(assignment=a["consented"], kind="publish")
    assert_audit("decide_publication", item=a["consented"].item, actor=gov_office, target=rec, before={"publication": "undecided"},
                 after={"publication": "published", "unit": a["consented"].unit_id})
    assert audit_rows("decide_publication", a["refused"].item) == []
    assert Deadline.objects.get(key=f"publish:{a['consented'].pk}").state == Deadline.State.MET
    # The queue again, without the decided ones and with the refused one still waiting.
    assert set(row_ids(r)) == {a["mixed"].pk, a["refused"].pk, a["silent"].pk}


def test_withhold_a_batch_with_a_reason(world, gov_office):
    a = queue_world(world)
    r = post(login(gov_office), [a["mixed"].pk, a["refused"].pk, a["silent"].pk], "withhold", reason=WITHHOLD_REASON)
    assert r.status_code == 200 and all(ok for ok, _ in outcomes(r).values())
    for k in ("mixed", "refused", "silent"):
        assert Assignment.objects.get(pk=a[k].pk).publication == Publication.WITHHELD
        row = assert_audit("decide_publication", item=a[k].item, actor=gov_office, after={"publication": "withheld"})
        assert row.note == WITHHOLD_REASON
        assert PublicationRecord.objects.get(assignment=a[k], kind="withhold").reason == WITHHOLD_REASON
    assert set(row_ids(r)) == {a["consented"].pk, a["separate"].pk}


def test_repeating_a_decision_changes_nothing_and_says_so(world, gov_office):
    a = queue_world(world)
    c = login(gov_office)
    post(c, [a["consented"].pk], "publish")
    with unchanged():
        r = post(c, [a["consented"].pk], "publish")
    assert outcomes(r)[a["consented"].pk] == (True, outcomes(r)[a["consented"].pk][1])
    assert "此前已是该决定，未作改动" in outcomes(r)[a["consented"].pk][1]


def test_a_reply_decided_meanwhile_is_not_turned_over_from_a_stale_page(world, gov_office):
    a = queue_world(world)
    c = login(gov_office)
    post(c, [a["consented"].pk], "publish")
    with unchanged():
        r = post(c, [a["consented"].pk], "withhold", reason="另一位同事的意见")
    ok, said = outcomes(r)[a["consented"].pk]
    assert not ok and "该答复已决定为“公开”" in said
    assert Assignment.objects.get(pk=a["consented"].pk).publication == Publication.PUBLISHED


@pytest.mark.parametrize("form, field, message", [
    ({"decision": "withhold", "reason": "  "}, "reason", "不公开须说明理由。"),
    ({"decision": "", "reason": ""}, "decision", "请选择公开或不公开。"),
    ({"decision": "publish", "confirm": False}, "confirm", "请勾选确认后再提交。"),
    ({"decision": "publish", "ids": []}, "assignment", "请勾选要决定的答复。"),
    ({"decision": "publish", "ids": ["x"]}, "assignment", "所选答复的编号无效，请刷新页面后重选。"),
])
def test_a_form_left_incomplete_is_shown_again_and_nothing_is_done(world, gov_office, form, field, message):
    a = queue_world(world)
    ids = form.get("ids", [a["consented"].pk, a["refused"].pk])
    with unchanged():
        r = post(login(gov_office), ids, form["decision"], reason=form.get("reason", ""), confirm=form.get("confirm", True))
    assert r.status_code == 400 and message in text(r)
    assert "data-results" not in text(r)
    if field != "assignment" and ids:
        ticked = {int(x) for x in re.findall(r'name="assignment" value="(\d+)" checked', text(r))}
        assert ticked == set(ids)  # what was ticked stays ticked


def test_the_form_keeps_the_filters_but_not_the_ticks(world, gov_office):
    a = queue_world(world)
    c = login(gov_office)
    assert 'action="/publication/?consent=no"' in text(c.get("/publication/?consent=no&pick=no"))
    r = post(c, [a["refused"].pk], "withhold", reason=WITHHOLD_REASON, query="?consent=no&pick=no")
    assert r.status_code == 200 and list(groups(r)) == ["no"]
    assert set(row_ids(r)) == {a["silent"].pk}
    assert not re.findall(r'name="assignment" value="\d+" checked', text(r))  # nothing comes ticked after a decision


def test_the_form_carries_a_csrf_token_and_a_post_without_one_is_refused(world, gov_office):
    from django.test import Client

    a = queue_world(world)
    assert 'name="csrfmiddlewaretoken"' in text(login(gov_office).get("/publication/"))
    c = Client(enforce_csrf_checks=True)
    c.force_login(gov_office)
    with unchanged():
        r = post(c, [a["consented"].pk], "publish")
    assert r.status_code == 403


# -- who may not ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["lead_liaison", "lead_head", "member", "cppcc_office", "district_leader", "admin_user"])
def test_others_are_refused_on_the_page(world, persona):
    a = queue_world(world)
    c = login(getattr(world, persona))
    r = c.get("/publication/")
    assert r.status_code == 403 and "您无权决定是否公开。" in text(r)
    assert "同意公开但单位建议不公开" not in text(r)
    with unchanged():
        r = post(c, [a["consented"].pk], "publish")
    assert r.status_code == 403 and "您无权决定是否公开。" in text(r)


def test_anonymous_is_sent_to_log_in(world, client):
    a = queue_world(world)
    r = client.get("/publication/")
    assert r.status_code == 302 and r["Location"] == "/login/?next=/publication/"
    with unchanged():
        r = post(client, [a["consented"].pk], "publish")
    assert r.status_code == 302


# -- the batch action itself ------------------------------------------------------------------------------

def test_each_row_of_a_batch_stands_alone(world, gov_office, lead_liaison):
    a = queue_world(world)
    out = decide_publications(gov_office, [
        (a["consented"].pk, True, ""),
        (a["refused"].pk, True, ""),  # no consent: refused by the action's rule
        (a["silent"].pk, False, " "),  # withholding without a reason: refused with the action's message
        (999999, True, ""),  # no such assignment
        (a["mixed"].pk, False, WITHHOLD_REASON),
    ])
    assert [o.ok for o in out] == [True, False, False, False, True]
    assert [o.error.code if o.error else None for o in out] == [None, "invalid", "invalid", "not_found", None]
    assert (out[1].error.field, out[1].error.zh) == ("publish", "委员/代表未同意公开，不能公开。")
    assert (out[2].error.field, out[2].error.zh) == ("reason", "不公开须说明理由。")
    assert [Assignment.objects.get(pk=a[k].pk).publication for k in ("consented", "refused", "silent", "mixed")] == [
        Publication.PUBLISHED, Publication.UNDECIDED, Publication.UNDECIDED, Publication.WITHHELD]
    assert len(audit_rows("decide_publication")) == 3  # the two of this batch and the world's one


def test_the_batch_and_the_queue_refuse_others_as_a_whole(world, lead_liaison, member):
    from tests.checks import refused

    a = queue_world(world)
    for user in (lead_liaison, member):
        with refused("forbidden"):
            decide_publications(user, [(a["consented"].pk, True, "")])
        with refused("forbidden"):
            publication_queue(user, {})


# -- a fixed number of queries ---------------------------------------------------------------------------

def _count(client, url) -> int:
    client.get(url)  # the working-day calendar's cache is filled once per process, not per page
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx)


def test_the_page_runs_the_same_queries_whatever_the_rows(world, gov_office):
    c = login(gov_office)
    queue_world(world)
    small = _count(c, "/publication/")
    for k in range(4):
        make_item(world, "replied", consent_publish=bool(k % 2), title=f"又一件{k}")
        item = make_item(world, "handling", separate=True, consent_publish=True, title=f"分办{k}")
        reply(world, item, answering_assignments(item)[1], "C")
    decide_publications(gov_office, [(lead_assignment(make_item(world, "replied", consent_publish=True)).pk, True, "")])
    large = _count(c, "/publication/")
    assert len(row_ids(c.get("/publication/"))) == 13
    assert small == large == PAGE_QUERIES, (small, large)
