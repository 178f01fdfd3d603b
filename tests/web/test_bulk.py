"""Bulk steps from the staff item list (批量办理, issue 13 point 2): the office registers, assigns
the same units to, or marks as key the items it ticks (or every item the filter matches); one
confirmation page says what will happen to each, then each item goes through the same action as
on its own page, in its own transaction, and a result page says what became of each.

Reading the pages as a person does: the confirmation's rows (data-plan), the result's rows
(data-outcome with data-status)."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banli.proposals import actions, batch
from banli.proposals.models import Assignment, Item, KeyItemMark
from tests.builders import fresh, make_item
from tests.checks import assert_audit, audit_rows, notified, snapshot, unchanged
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db

# Pinned, whatever the batch size. Confirmation (of an assignment): session + user, the roles
# (actor_for: 4), the chosen items with their co-signers and assignments (3), the unit list for
# the pickers (1), the unread badge. Result: session + user, the roles (1), the items and their
# units (2), the unread badge.
CONFIRM_QUERIES = 8
RESULT_QUERIES = 6


def plans(response) -> dict[int, tuple[str, str]]:
    """item id -> (row class: acting / already / refused, what the row says will happen)."""
    return {int(i): (cls, " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split()))
            for cls, i, body in re.findall(r'<tr class="(\w+)" data-plan="(\d+)">(.*?)</tr>', text(response), re.S)}


def outcomes(response) -> dict[int, tuple[str, str]]:
    """item id -> (done / already / refused, the row's text)."""
    return {int(i): (status, " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split()))
            for i, status, body in re.findall(r'<li class="\w+" data-outcome="(\d+)" data-status="(\w+)">(.*?)</li>', text(response), re.S)}


def confirm(c, action, items, **extra):
    return c.post("/items/bulk/", {"action": action, "item": [i.pk for i in items], **extra})


def run(c, action, items, **data):
    r = c.post("/items/bulk/run/", {"action": action, "item": [i.pk for i in items], **data})
    assert r.status_code == 302, text(r)[:2000]
    return c.get(r["Location"])


# -- register ---------------------------------------------------------------------------------------

def test_the_assembly_office_registers_a_batch_as_the_item_page_does(world, cppcc_office, django_capture_on_commit_callbacks):
    a, b, single = (make_item(world, "submitted", title=t) for t in ("加装电梯", "公交线路", "一件一件立"))
    c = login(cppcc_office)
    page = confirm(c, "register", [a, b])
    assert page.status_code == 200
    assert plans(page) == {a.pk: ("acting", plans(page)[a.pk][1]), b.pk: ("acting", plans(page)[b.pk][1])}
    assert "立案并编号" in plans(page)[a.pk][1]
    assert fresh(a).state == "submitted"  # the confirmation changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        result = run(c, "register", [a, b])
    assert {i: s for i, (s, _) in outcomes(result).items()} == {a.pk: "done", b.pk: "done"}
    a, b = fresh(a), fresh(b)
    assert (a.state, b.state) == ("registered", "registered") and {a.number, b.number} == {1, 2}
    assert f"第{a.number:04d}号" in outcomes(result)[a.pk][1]
    # The same records as the single-item door: the audit row and who is told.
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post(f"/items/{single.pk}/do/register/").status_code == 302
    rows = {r.item_id: r for r in audit_rows("register")}
    for i in (a, b):
        assert_audit("register", item=i, actor=cppcc_office, before={"state": "submitted"}, after={"state": "registered", "number": i.number})
        assert set(rows[i.pk].after) == set(rows[single.pk].after) and rows[i.pk].target_type == rows[single.pk].target_type
        assert notified("register", i) == notified("register", single) and "member" in notified("register", i)


def test_a_refused_item_is_reported_in_words_and_left_as_it_was(world, cppcc_office, gov_office):
    ok = make_item(world, "submitted", title="可以立案")
    rejected = make_item(world, "submitted", title="已不予立案")
    actions.reject(cppcc_office, rejected.pk, reason="不属于本区职权范围")
    done = make_item(world, "registered", title="早已立案")
    npc = make_item(world, "submitted", assembly="npc", title="人大的建议")  # not the CPPCC office's to see
    c = login(cppcc_office)
    page = plans(confirm(c, "register", [ok, rejected, done, npc]))
    assert page[ok.pk][0] == "acting"
    assert page[rejected.pk] == ("refused", page[rejected.pk][1]) and "当前状态为“不立案”，不能立案。" in page[rejected.pk][1]
    assert page[done.pk][0] == "already"
    assert page[npc.pk][0] == "refused" and "找不到该记录，或您无权查看。" in page[npc.pk][1]

    before = {i.pk: Item.objects.filter(pk=i.pk).values().get() for i in (rejected, done, npc)}
    result = outcomes(run(c, "register", [ok, rejected, done, npc]))
    assert fresh(ok).state == "registered"
    assert {i.pk: Item.objects.filter(pk=i.pk).values().get() for i in (rejected, done, npc)} == before
    assert result[ok.pk][0] == "done" and result[done.pk][0] == "already"
    assert result[rejected.pk][0] == "refused" and "当前状态为“不立案”，不能立案。" in result[rejected.pk][1]
    assert result[npc.pk][0] == "refused" and "无权查看" in result[npc.pk][1] and "人大的建议" not in result[npc.pk][1]
    assert len(audit_rows("register")) == 1 + 1  # the builder's register of `done`, and ok's


# -- assign and mark key --------------------------------------------------------------------------------

def test_the_office_assigns_the_same_units_to_a_batch(world, gov_office, django_capture_on_commit_callbacks):
    items = [make_item(world, "registered", title=f"第{n}件") for n in range(3)]
    handling = make_item(world, "handling", title="已在办理")
    c = login(gov_office)
    page = confirm(c, "assign", [*items, handling])
    assert 'name="lead"' in text(page) and 'name="co"' in text(page) and "data-unit-picker" in text(page)
    assert plans(page)[handling.pk][0] == "already"

    with django_capture_on_commit_callbacks(execute=True):
        result = outcomes(run(c, "assign", [*items, handling], lead=world.lead_unit.pk, co=[world.co_unit.pk], note="请按时签收"))
    for i in items:
        assert {(a.unit_id, a.role) for a in Assignment.objects.filter(item=i)} == {(world.lead_unit.pk, "lead"), (world.co_unit.pk, "co")}
        assert fresh(i).state == "assigned"
        assert_audit("assign", item=i, actor=gov_office, before={"state": "registered"},
                     after={"state": "assigned", "assignments": [[world.lead_unit.pk, "lead"], [world.co_unit.pk, "co"]]})
        assert {"lead_liaison", "co_liaison"} <= notified("assigned", i)
        assert result[i.pk][0] == "done" and "区住房和城乡建设委员会" in result[i.pk][1] and "区交通委员会（会办）" in result[i.pk][1]
    assert result[handling.pk][0] == "already" and len(audit_rows("assign", handling)) == 1


def test_wrong_units_refuse_the_whole_batch_beside_the_field(world, gov_office):
    items = [make_item(world, "registered") for _ in range(2)]
    c = login(gov_office)
    with unchanged():
        r = c.post("/items/bulk/run/", {"action": "assign", "item": [i.pk for i in items], "co": [world.co_unit.pk]})
        assert r.status_code == 400 and "请选择主办单位。" in text(r)
        r = c.post("/items/bulk/run/", {"action": "assign", "item": [i.pk for i in items], "lead": world.co_unit.pk, "co": [world.co_unit.pk]})
        assert r.status_code == 400 and "主办单位不能同时作为会办单位。" in text(r)
    assert set(plans(r)) == {i.pk for i in items}  # the confirmation again, with the same items


def test_the_office_marks_a_batch_as_key_items(world, gov_office, district_leader):
    items = [make_item(world, "assigned") for _ in range(2)]
    c = login(gov_office)
    page = text(confirm(c, "mark_key", items))
    assert f'<option value="{district_leader.pk}">' in page
    result = outcomes(run(c, "mark_key", items, leader_id=district_leader.pk, reason="群众关注度高"))
    for i in items:
        i = fresh(i)
        assert i.is_key and i.key_leader_id == district_leader.pk
        mark = KeyItemMark.objects.get(item=i)
        assert_audit("mark_key", item=i, actor=gov_office, target=mark, after={"is_key": True, "key_leader": district_leader.pk})
        assert result[i.pk][0] == "done" and "孙副区长牵头督办" in result[i.pk][1]
    # Again: nothing changes, and the result says so.
    with unchanged():
        again = outcomes(run(c, "mark_key", items, leader_id=district_leader.pk))
    assert {s for s, _ in again.values()} == {"already"}


# -- who may ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona, action", [("lead_liaison", "register"), ("lead_liaison", "assign"), ("member", "mark_key"),
                                             ("cppcc_office", "assign"), ("gov_office", "register"), ("district_leader", "mark_key")])
def test_someone_without_the_standing_is_refused_entirely(world, persona, action):
    items = [make_item(world, "submitted" if action == "register" else "registered") for _ in range(2)]
    c = login(getattr(world, persona))
    before = snapshot()
    r = confirm(c, action, items)
    assert r.status_code == 403 and not plans(r)
    r = c.post("/items/bulk/run/", {"action": action, "item": [i.pk for i in items], "lead": world.lead_unit.pk,
                                    "leader_id": world.district_leader.pk})
    assert r.status_code == 403
    assert snapshot() == before
    assert f'name="action" value="{action}"' not in text(c.get("/items/"))  # and the list does not offer it


def test_the_list_offers_each_office_its_own_steps(world, cppcc_office, gov_office):
    item = make_item(world, "submitted")
    page = text(login(cppcc_office).get("/items/"))
    assert re.findall(r'<button class="btn" name="action" value="(\w+)">', page) == ["register"]
    assert f'<input type="checkbox" name="item" value="{item.pk}" form="bulk"' in page
    page = text(login(gov_office).get("/items/"))
    assert re.findall(r'<button class="btn" name="action" value="(\w+)">', page) == ["assign", "mark_key"]


# -- choosing: this page, every match, the cap ------------------------------------------------------------------

def test_all_items_matching_the_filter_are_chosen_on_the_server(world, cppcc_office):
    submitted = [make_item(world, "submitted") for _ in range(3)]
    make_item(world, "registered")
    c = login(cppcc_office)
    r = c.post("/items/bulk/", {"action": "register", "scope": "filter", "filter": "state=submitted", "item": []})
    assert set(plans(r)) == {i.pk for i in submitted}
    r = c.post("/items/bulk/", {"action": "register", "scope": "page", "page_item": [submitted[0].pk], "item": []})
    assert set(plans(r)) == {submitted[0].pk}


def test_a_batch_over_the_cap_is_refused_with_a_clear_message(world, cppcc_office):
    c = login(cppcc_office)
    r = c.post("/items/bulk/", {"action": "register", "item": list(range(1, batch.MAX_BATCH + 2)), "filter": "state=submitted"}, follow=True)
    assert f"一次最多办理 {batch.MAX_BATCH} 件，已选 {batch.MAX_BATCH + 1} 件" in text(r)
    assert r.redirect_chain[-1][0] == "/items/?state=submitted"
    r = c.post("/items/bulk/", {"action": "register", "item": []}, follow=True)
    assert "请先勾选要办理的提案/建议。" in text(r)


# -- fixed queries -------------------------------------------------------------------------------------------------

def _count(c, method, url, data=None) -> int:
    with CaptureQueriesContext(connection) as q:
        r = getattr(c, method)(url, data or {})
        assert r.status_code == 200
    return len(q.captured_queries)


def test_the_confirmation_and_the_result_read_in_a_fixed_number_of_queries(world, gov_office):
    few = [make_item(world, "registered") for _ in range(2)]
    many = few + [make_item(world, "registered") for _ in range(5)]
    c = login(gov_office)
    counts = {len(items): _count(c, "post", "/items/bulk/", {"action": "assign", "item": [i.pk for i in items]}) for items in (few, many)}
    assert counts == {2: CONFIRM_QUERIES, 7: CONFIRM_QUERIES}, counts
    results = {}
    for items in (few, many):
        r = c.post("/items/bulk/run/", {"action": "mark_key", "item": [i.pk for i in items], "leader_id": world.district_leader.pk})
        results[len(items)] = _count(c, "get", r["Location"])
    assert results == {2: RESULT_QUERIES, 7: RESULT_QUERIES}, results


def test_a_result_is_only_its_runner_s(world, gov_office, cppcc_office):
    items = [make_item(world, "registered")]
    r = login(gov_office).post("/items/bulk/run/", {"action": "mark_key", "item": [i.pk for i in items], "leader_id": world.district_leader.pk})
    assert login(cppcc_office).get(r["Location"]).status_code == 404


def test_the_result_offers_the_next_step_for_the_same_items(world, gov_office):
    """Someone who both registers and assigns (an office holding both roles) goes on to assign
    exactly the items just registered; a refused one is not carried along."""
    from banli.org.models import StaffRole

    StaffRole.objects.create(user=gov_office, kind=StaffRole.Kind.ASSEMBLY_OFFICE, assembly="cppcc")
    items = [make_item(world, "submitted") for _ in range(2)]
    handling = make_item(world, "handling")
    c = login(gov_office)
    result = text(run(c, "register", [*items, handling]))
    nxt = re.search(r'<section class="card bulk-next".*?</section>', result, re.S).group(0)
    assert re.search(r'name="action" value="assign"', nxt) and "将这 3 件交办" in nxt  # the already-registered one too
    carried = [int(i) for i in re.findall(r'name="item" value="(\d+)"', nxt)]
    assert carried == [i.pk for i in items] + [handling.pk]
    page = c.post("/items/bulk/", {"action": "assign", "item": carried})
    assert {i: cls for i, (cls, _) in plans(page).items()} == {items[0].pk: "acting", items[1].pk: "acting", handling.pk: "already"}
