"""The to-do sections say where each item stands (issue 14): a unit's reply work is split by where
the reply is (not started, returned with the reviewer's words, waiting on the unit leader or the
district leader, ready to send), each assignment sits in one section only, every entry says the
one next step and who holds it, and the district leader's key items leave out closed ones.

Built from real records through the actions; read through banli.proposals.todo as the page reads it."""

import pytest
from django.contrib.auth import get_user_model

from banli.deadlines.models import Deadline
from banli.proposals import actions as A
from banli.proposals.todo import todo_sections
from tests.builders import close_by_report, co_assignment, consult, lead_assignment, make_item, reply_at, reply_fields

pytestmark = pytest.mark.django_db


def fresh_user(user):
    """actor_for caches roles on the User: read the to-do as a fresh request would."""
    return get_user_model().objects.get(pk=user.pk)


def sections(user, role=None) -> dict:
    return {s.key: s for s in todo_sections(fresh_user(user)) if role is None or s.role == role}


def placed(user, role) -> dict[int, list[str]]:
    """item id -> the keys of the role's sections that list it."""
    out: dict[int, list[str]] = {}
    for s in sections(user, role).values():
        for e in s.entries:
            if e.item is not None:
                out.setdefault(e.item.pk, []).append(s.key)
    return out


def entry(user, key, item):
    s = sections(user)[key]
    return next(e for e in s.entries if e.item.pk == item.pk)


def drafted(world, code="A"):
    return reply_at(world, "drafted", code)


def submitted(world, code="A"):
    return reply_at(world, "pending_unit", code)


def the_reply_work(world, lead_head, district_leader) -> dict:
    """One item at each place a liaison's reply work can stand."""
    out = {"not_met": make_item(world, "handling", co=False), "to_draft": make_item(world, "handling", co=False)}
    consult(world, out["to_draft"])
    out.update(saved=drafted(world), pending_unit=submitted(world), by_head=submitted(world),
               pending_leader=reply_at(world, "pending_leader", "C"), by_leader=reply_at(world, "pending_leader", "C"),
               approved=reply_at(world, "approved"))
    A.return_reply(lead_head, out["by_head"].pk, assignment=lead_assignment(out["by_head"]).pk, comment="请补充资金来源。")
    A.leader_return_reply(district_leader, out["by_leader"].pk, assignment=lead_assignment(out["by_leader"]).pk, comment="留作参考理由不充分。")
    return out


# -- the liaison's reply work, by where the reply stands --------------------------------------------

def test_each_reply_state_lands_in_its_own_section(world, lead_liaison, lead_head, district_leader):
    w = the_reply_work(world, lead_head, district_leader)
    not_met, to_draft, saved, pending_unit = w["not_met"], w["to_draft"], w["saved"], w["pending_unit"]
    returned_by_head, pending_leader, returned_by_leader, approved = w["by_head"], w["pending_leader"], w["by_leader"], w["approved"]
    assert placed(lead_liaison, "liaison") == {
        not_met.pk: ["unit_consult"],  # rule 5: the meeting comes first; the reply is not listed yet
        to_draft.pk: ["unit_reply"],
        saved.pk: ["unit_reply"],
        pending_unit.pk: ["unit_reply_pending_unit"],
        returned_by_head.pk: ["unit_reply_returned"],
        pending_leader.pk: ["unit_reply_pending_leader"],
        returned_by_leader.pk: ["unit_reply_returned"],
        approved.pk: ["unit_reply_send"],
    }
    s = sections(lead_liaison)
    assert [(k, s[k].title, s[k].total, s[k].waiting) for k in ("unit_reply", "unit_reply_returned", "unit_reply_send",
                                                                 "unit_reply_pending_unit", "unit_reply_pending_leader")] == [
        ("unit_reply", "待拟写答复", 2, False), ("unit_reply_returned", "退回修改", 2, False), ("unit_reply_send", "待发出", 1, False),
        ("unit_reply_pending_unit", "待单位领导审核", 1, True), ("unit_reply_pending_leader", "待区领导阅批", 1, True)]


def test_each_entry_says_the_next_step_and_who_holds_it(world, lead_liaison, lead_head, district_leader):
    w = the_reply_work(world, lead_head, district_leader)
    not_met, to_draft, saved, pending_unit = w["not_met"], w["to_draft"], w["saved"], w["pending_unit"]
    by_head, pending_leader, by_leader, approved = w["by_head"], w["pending_leader"], w["by_leader"], w["approved"]
    def said(key, item):
        e = entry(lead_liaison, key, item)
        return e.next, e.waiting, e.detail

    assert said("unit_consult", not_met) == ("下一步：联络员与委员当面沟通（办前面商）", False, "")
    assert said("unit_reply", to_draft) == ("下一步：联络员拟写答复", False, "")
    assert said("unit_reply", saved) == ("下一步：联络员提交单位领导审核（草稿已保存）", False, "")
    assert said("unit_reply_pending_unit", pending_unit) == ("等待单位领导审核（建委主任）", True, "")
    assert said("unit_reply_pending_leader", pending_leader) == ("等待区领导阅批（孙副区长）", True, "")
    assert said("unit_reply_returned", by_head) == ("下一步：联络员按退回意见修改后重新提交审核", False, "建委主任（单位主要领导）退回：请补充资金来源。")
    assert said("unit_reply_returned", by_leader) == ("下一步：联络员按退回意见修改后重新提交审核", False,
                                                      "孙副区长（分管区领导）退回：留作参考理由不充分。")
    assert said("unit_reply_send", approved) == ("下一步：联络员发出答复", False, "")
    # Due dates and lateness as before: the reply's own milestone.
    e = entry(lead_liaison, "unit_reply_send", approved)
    assert (e.due_on, e.late, e.anchor) == (lead_assignment(approved).reply_due, False, f"do-send_reply-{lead_assignment(approved).pk}")
    assert entry(lead_liaison, "unit_reply_returned", by_head).anchor == f"do-draft_reply-{lead_assignment(by_head).pk}"


def test_an_approved_reply_held_back_by_a_missing_co_opinion_waits_on_the_co_handling_unit(world, lead_liaison, lead_head):
    item = make_item(world, "handling", co=True)
    consult(world, item)
    a = lead_assignment(item)
    A.draft_reply(lead_liaison, item.pk, assignment=a.pk, **reply_fields("A"))
    A.submit_reply(lead_liaison, item.pk, assignment=a.pk)
    A.approve_reply(lead_head, item.pk, assignment=a.pk)
    e = entry(lead_liaison, "unit_reply_send", item)
    assert (e.next, e.waiting) == ("等待会办意见（区交通委），收齐或经区府办豁免后发出", True)
    A.send_co_opinion(world.co_liaison, item.pk, assignment=co_assignment(item).pk, text="同意。")
    assert entry(lead_liaison, "unit_reply_send", item).next == "下一步：联络员发出答复"


def test_rehandling_is_split_the_same_way(world, lead_liaison, lead_head):
    item = make_item(world, "rehandling", co=False)
    a = lead_assignment(item)
    assert placed(lead_liaison, "liaison") == {item.pk: ["unit_second_reply"]}
    assert entry(lead_liaison, "unit_second_reply", item).next == "下一步：联络员再次联系委员，重新拟写答复"
    consult(world, item, kind="during", form="phone")
    A.draft_reply(lead_liaison, item.pk, assignment=a.pk, **reply_fields("A"))
    A.submit_reply(lead_liaison, item.pk, assignment=a.pk)
    assert placed(lead_liaison, "liaison") == {item.pk: ["unit_reply_pending_unit"]}
    e = entry(lead_liaison, "unit_reply_pending_unit", item)
    second = Deadline.objects.get(assignment=a, kind="second_reply")
    assert (e.note, e.due_on) == ("区住房和城乡建设委员会 · 重新办理", second.due_on)
    A.return_reply(lead_head, item.pk, assignment=a.pk, comment="第二次答复仍未回应诉求。")
    assert placed(lead_liaison, "liaison") == {item.pk: ["unit_reply_returned"]}


# -- one section per assignment ---------------------------------------------------------------------

def test_an_unsigned_units_item_is_in_the_signing_section_only(world, lead_liaison, co_liaison):
    item = make_item(world, "assigned", co=True)
    assert placed(lead_liaison, "liaison") == {item.pk: ["unit_sign"]}
    assert placed(co_liaison, "liaison") == {item.pk: ["unit_sign"]}
    assert entry(lead_liaison, "unit_sign", item).next == "下一步：联络员签收（或申请调整）"
    A.sign(lead_liaison, item.pk, assignment=lead_assignment(item).pk)
    assert placed(lead_liaison, "liaison") == {item.pk: ["unit_consult"]}
    assert placed(co_liaison, "liaison") == {item.pk: ["unit_sign"]}


def test_an_adjustment_request_waits_on_the_office_and_a_refused_one_is_signed_for(world, lead_liaison, gov_office):
    item = make_item(world, "assigned", co=False)
    a = lead_assignment(item)
    A.request_adjustment(lead_liaison, item.pk, assignment=a.pk, reason="属街道职责。", suggested_unit_id=world.spare_unit.pk)
    s = sections(lead_liaison, "liaison")
    assert placed(lead_liaison, "liaison") == {item.pk: ["unit_adjusting"]}
    assert s["unit_adjusting"].waiting and s["unit_adjusting"].entries[0].next == "等待区府办决定调整申请"
    A.decide_adjustment(gov_office, item.pk, assignment=a.pk, approve=False, note="属本单位职责，请办理。")
    assert placed(lead_liaison, "liaison") == {item.pk: ["unit_sign"]}
    e = entry(lead_liaison, "unit_sign", item)
    assert (e.next, e.anchor) == ("下一步：联络员签收（区府办不同意调整）", f"do-sign-{a.pk}")


# -- the district leader's key items ----------------------------------------------------------------

def test_closed_key_items_are_left_out_of_the_leaders_count_and_list(world, gov_office, district_leader):
    open_one = make_item(world, "handling", co=False)
    closing = make_item(world, "evaluated", co=False)
    for item in (open_one, closing):
        A.mark_key(gov_office, item.pk, leader_id=district_leader.pk)
    close_by_report(world, closing)
    s = sections(district_leader)["key_items"]
    assert (s.total, [e.item.pk for e in s.entries]) == (1, [open_one.pk])
    assert s.entries[0].next == "下一步：区建委答复"
    assert s.more_url == "/items/?key=1&mine_key=1&state=assigned,evaluated,handling,registered,rehandling,replied"


def test_other_roles_entries_say_the_next_step(world, gov_office, cppcc_office, member, lead_head):
    registered = make_item(world, "registered")
    submitted_item = make_item(world, "submitted")
    pending = submitted(world)
    replied = make_item(world, "replied", co=False)
    assert entry(gov_office, "to_assign", registered).next == "下一步：区府办交办承办单位"
    assert entry(cppcc_office, "review", submitted_item).next == "下一步：区政协提案委立案审查（立案、退回修改或不予立案）"
    assert entry(lead_head, "approve_replies", pending).next == "下一步：您审核答复（同意或退回修改）"
    assert entry(member, "to_rate", replied).next == "下一步：您评价答复"


# -- a fixed number of queries, whatever the data ---------------------------------------------------

def _every_reply_state(world):
    make_item(world, "assigned", co=True)
    make_item(world, "handling", co=False)
    drafted(world)
    submitted(world)
    item = submitted(world)
    A.return_reply(world.lead_head, item.pk, assignment=lead_assignment(item).pk, comment="请修改。")
    item = submitted(world, "C")
    A.approve_reply(world.lead_head, item.pk, assignment=lead_assignment(item).pk)
    item = submitted(world)
    A.approve_reply(world.lead_head, item.pk, assignment=lead_assignment(item).pk)
    make_item(world, "rehandling", co=False)
    item = make_item(world, "assigned", co=False)
    A.request_adjustment(world.lead_liaison, item.pk, assignment=lead_assignment(item).pk, reason="属街道职责。",
                         suggested_unit_id=world.spare_unit.pk)
    key = make_item(world, "handling", co=False)
    A.mark_key(world.gov_office, key.pk, leader_id=world.district_leader.pk)


# The user and their roles (5 queries), then per section its count and short fetch. The liaison: the
# unit's open milestones, the unfinished replies of their assignments and the approvals of the drafts
# (each stage placed once), one fetch of every section's entries (+1 for the returned replies'
# reviewers, +3 for what holds an approved reply back), the adjustment count and fetch, the questions' count.
QUERIES = {"lead_liaison": 13, "co_liaison": 6, "district_leader": 7, "lead_head": 5}


@pytest.mark.parametrize("persona", sorted(QUERIES))
def test_the_to_do_costs_the_same_queries_whatever_the_data(world, persona, django_assert_num_queries):
    _every_reply_state(world)
    user = getattr(world, persona)
    with django_assert_num_queries(QUERIES[persona]):
        todo_sections(fresh_user(user))
    _every_reply_state(world)
    _every_reply_state(world)
    with django_assert_num_queries(QUERIES[persona]):
        todo_sections(fresh_user(user))
