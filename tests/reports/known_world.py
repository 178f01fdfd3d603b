"""A small world whose report figures are known by hand, built through the actions: the report
tests (statistics, unit table, documents, page, API) check exact numbers against it.

Current CPPCC session S (第六届第五次会议), eight received items:

    i1  closed      A   lead + co     经济          key item; good, praised, co-unit graded 较好
    i2  closed      B   lead          交通出行 (→ 城市建设和管理)  closed early (done before the planned date)
    i3  evaluated   B   lead          城市建设和管理  rated 好, still in progress
    i4  closed      C   lead          城市建设和管理  rated 一般 (a C reply closes on feedback)
    i5  rehandling  A   lead          城市建设和管理  rated 差, 不同意
    i6  handling    —   lead + co     经济          key item; co unit asked for an adjustment (refused);
                                                    lead urged; a proposer's message answered in 5 hours
    i7  handling    —   separate      教科文卫体     lead_unit + spare_unit; spare_unit signed late, urged
    i8  evaluated   A   lead          经济          no feedback: the window lapsed

and six that are not received, all in 综合 so a leak shows as a category: a draft, a submitted
item, a rejected one, a merged one, a converted one and one withdrawn after assignment.

Earlier CPPCC session P (第六届第四次会议, the previous of S), four received items:

    p1  closed      A   lead   经济           rated 好
    p2  closed      C   lead   城市建设和管理   rated 好, praised
    p3  evaluated   B   lead   经济           rated 较好
    p4  replied     A   lead   经济           awaiting feedback

plus one rejected item. The NPC session has two suggestions (n1 closed A 经济, n2 handling
城市建设和管理); an earlier CPPCC term (第五届, one session three years back) has one item,
registered only, so that the term period has a previous one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from banli.deadlines.sync import sync_item
from banli.org.models import Assembly, Category, Session, Term
from banli.proposals import actions
from banli.proposals.models import Assignment, Message, Reply
from tests.builders import (
    active_assignments, advance, close_by_report, co_assignment, fresh, lead_assignment, make_item, new_draft, rate, reply, submit,
)


@dataclass
class KnownWorld:
    world: object
    items: dict  # name -> Item
    older_term: Term
    older_session: Session

    @property
    def session(self):
        return self.world.cppcc_session

    @property
    def previous_session(self):
        return self.world.earlier_cppcc_session


def top(assembly, name) -> Category:
    return Category.objects.get(assembly=assembly, parent=None, name=name)


def build_known_world(world) -> KnownWorld:
    S, P = world.cppcc_session, world.earlier_cppcc_session
    economy, city, transport = world.category("cppcc", 0), world.category("cppcc", 1), world.category("cppcc", 2)
    culture, general = top("cppcc", "教科文卫体"), top("cppcc", "综合")
    gov, office = world.gov_office, world.cppcc_office
    it = {}

    # -- S: received ----------------------------------------------------------------------------
    i1 = make_item(world, "replied", reply_type="A", co=True, category=economy, session=S)
    actions.mark_key_item(gov, i1.pk, leader_id=world.district_leader.pk, reason="群众关注度高")
    rate(world, i1, grade="good", agrees=True, praise=True, co_grades={str(world.co_unit.pk): "fair"})
    close_by_report(world, i1)
    it["i1"] = fresh(i1)

    it["i2"] = make_item(world, "closed", reply_type="B", co=False, category=transport, session=S)
    it["i3"] = make_item(world, "evaluated", reply_type="B", co=False, category=city, session=S)
    i4 = make_item(world, "replied", reply_type="C", co=False, category=city, session=S)
    rate(world, i4, grade="average", agrees=True)
    it["i4"] = fresh(i4)
    it["i5"] = make_item(world, "rehandling", reply_type="A", co=False, category=city, session=S)

    i6 = make_item(world, "assigned", co=True, category=economy, session=S)
    co6 = co_assignment(i6)
    actions.request_adjustment(world.co_liaison, i6.pk, co6.pk, reason="主要涉及住建职能", suggested_unit_id=world.spare_unit.pk)
    actions.decide_adjustment(gov, i6.pk, co6.pk, approve=False, note="交通组织需贵委配合")
    for a in active_assignments(i6):
        actions.sign_assignment(world.liaison_of(a.unit), i6.pk, a.pk)
    actions.mark_key_item(gov, i6.pk, leader_id=world.district_leader.pk)
    actions.urge_unit(gov, i6.pk, lead_assignment(i6).pk, text="请抓紧面商。")
    asked = actions.post_message(world.member, i6.pk, body="请问何时面商？")
    actions.post_message(world.lead_liaison, i6.pk, body="下周二上门面商。")
    answered = Message.objects.get(pk=asked.pk).answered_at
    Message.objects.filter(pk=asked.pk).update(at=answered - datetime.timedelta(hours=5))
    sync_item(i6.pk)
    it["i6"] = fresh(i6)

    i7 = make_item(world, "assigned", separate=True, category=culture, session=S)
    spare7 = Assignment.objects.get(item=i7, unit=world.spare_unit)
    Assignment.objects.filter(pk=spare7.pk).update(assigned_at=timezone.now() - datetime.timedelta(days=30))
    sync_item(i7.pk)
    i7 = advance(world, i7, "handling", separate=True)
    actions.urge_unit(gov, i7.pk, spare7.pk, text="请尽快签收。")
    it["i7"] = fresh(i7)

    i8 = make_item(world, "replied", reply_type="A", co=False, category=economy, session=S)
    r8 = Reply.objects.get(item=i8, state=Reply.State.SENT)
    Reply.objects.filter(pk=r8.pk).update(sent_at=timezone.now() - datetime.timedelta(days=60))
    sync_item(i8.pk)
    actions.record_no_feedback(gov, i8.pk, reply_id=r8.pk)
    it["i8"] = fresh(i8)

    # -- S: not received --------------------------------------------------------------------------
    it["draft"] = new_draft(world, session=S, category=general)
    it["submitted"] = submit(world, new_draft(world, session=S, category=general))
    rejected = submit(world, new_draft(world, session=S, category=general))
    it["rejected"] = actions.reject_item(office, rejected.pk, reason="不属于提案范围")
    merged = submit(world, new_draft(world, session=S, category=general))
    it["merged"] = actions.merge_item(office, merged.pk, into_id=i1.pk, reason="内容相近")
    converted = submit(world, new_draft(world, session=S, category=general))
    it["converted"] = actions.convert_item(office, converted.pk, to="社情民意", reason="更适合反映社情民意")
    withdrawn = make_item(world, "handling", co=True, category=general, session=S)
    actions.mark_key_item(gov, withdrawn.pk, leader_id=world.district_leader.pk)
    actions.urge_unit(gov, withdrawn.pk, lead_assignment(withdrawn).pk, text="请抓紧。")
    actions.request_withdrawal(world.member, withdrawn.pk, reason="问题已解决")
    actions.decide_withdrawal(office, withdrawn.pk, approve=True)
    it["withdrawn"] = fresh(withdrawn)

    # -- P ------------------------------------------------------------------------------------------
    it["p1"] = make_item(world, "closed", reply_type="A", co=False, category=economy, session=P)
    p2 = make_item(world, "replied", reply_type="C", co=False, category=city, session=P)
    rate(world, p2, grade="good", agrees=True, praise=True)
    it["p2"] = fresh(p2)
    p3 = make_item(world, "replied", reply_type="B", co=False, category=economy, session=P)
    rate(world, p3, grade="fair", agrees=True)
    it["p3"] = fresh(p3)
    it["p4"] = make_item(world, "replied", reply_type="A", co=False, category=economy, session=P)
    p_rejected = submit(world, new_draft(world, session=P, category=general))
    it["p_rejected"] = actions.reject_item(office, p_rejected.pk, reason="不属于提案范围")

    # -- NPC ------------------------------------------------------------------------------------------
    it["n1"] = make_item(world, "closed", reply_type="A", co=False, assembly="npc", category=world.category("npc", 0))
    it["n2"] = make_item(world, "handling", co=True, assembly="npc", category=world.category("npc", 1))

    # -- an earlier CPPCC term ------------------------------------------------------------------------
    year = timezone.localdate().year
    older_term = Term.objects.create(assembly=Assembly.CPPCC, ordinal=5, name="第五届", starts_on=datetime.date(2017, 1, 1))
    older_session = Session.objects.create(term=older_term, ordinal=3, name="第三次会议", year=year - 3, opens_on=datetime.date(year - 3, 1, 8))
    it["old"] = make_item(world, "registered", category=economy, session=older_session)
    return KnownWorld(world, it, older_term, older_session)


# -- the figures, worked out by hand ---------------------------------------------------------------
# Every share below was rounded on paper: breakdowns by largest remainder (ties to the earlier
# row), single rates half up. The comments show the exact values.

TYPE_NAMES = {"A": ("解决或采纳", "solved or adopted"), "B": ("列入计划拟解决", "planned"), "C": ("留作参考", "for reference")}
GRADE_NAMES = {"good": ("好", "good"), "fair": ("较好", "fairly good"), "average": ("一般", "average"), "poor": ("差", "poor")}


def by_type(*rows):
    """rows: (count, share) for A, B, C."""
    return [{"code": c, "name": TYPE_NAMES[c][0], "name_en": TYPE_NAMES[c][1], "count": n, "share": s}
            for c, (n, s) in zip("ABC", rows)]


def by_grade(*rows):
    """rows: (count, share) for good, fair, average, poor."""
    return [{"code": g, "name": GRADE_NAMES[g][0], "name_en": GRADE_NAMES[g][1], "count": n, "share": s}
            for g, (n, s) in zip(GRADE_NAMES, rows)]


def cats(*rows):
    return [{"name": name, "count": n, "share": s} for name, n, s in rows]


def period_dict(kind, assembly, value, label):
    return {"kind": kind, "assembly": assembly, "value": value, "label": label}


def session_figures(kw) -> dict:
    """S: eight received items (see the module docstring)."""
    w = kw.world
    return {
        "period": period_dict("session", "cppcc", kw.session.pk, "区政协第六届第五次会议"),
        "received": 8, "units_involved": 3,  # lead_unit, co_unit, spare_unit
        "top_units": [{"id": w.lead_unit.pk, "name": "区住房和城乡建设委员会", "items": 8, "share": 100},
                      {"id": w.spare_unit.pk, "name": "城东街道办事处", "items": 1, "share": 13}],  # 12.5 → 13
        "by_category": cats(("城市建设和管理", 4, 50), ("经济", 3, 38), ("教科文卫体", 1, 12)),  # 50 / 37.5 / 12.5: the tie goes to the earlier row
        "replied": 6, "by_reply_type": by_type((3, 50), (2, 33), (1, 17)),  # 50 / 33.3 / 16.7
        "closed": 3, "closure_rate": 38,  # 37.5 → 38
        "b_closed_early": 1, "b_in_progress": 1,
        "feedback": 5, "feedback_lapsed": 1, "by_grade": by_grade((3, 60), (0, 0), (1, 20), (1, 20)),
        "praised_items": 1, "praised_units": 1, "disagreed_items": 1,
        "c_items": 1, "c_share": 17,  # 1/6 = 16.7
        "key_items": 2, "key_closed": 1,
    }


def previous_session_figures(kw) -> dict:
    """P: four received items; the rejected one is not counted."""
    w = kw.world
    return {
        "period": period_dict("session", "cppcc", kw.previous_session.pk, "区政协第六届第四次会议"),
        "received": 4, "units_involved": 1,
        "top_units": [{"id": w.lead_unit.pk, "name": "区住房和城乡建设委员会", "items": 4, "share": 100}],
        "by_category": cats(("经济", 3, 75), ("城市建设和管理", 1, 25)),
        "replied": 4, "by_reply_type": by_type((2, 50), (1, 25), (1, 25)),
        "closed": 2, "closure_rate": 50,
        "b_closed_early": 0, "b_in_progress": 1,
        "feedback": 3, "feedback_lapsed": 0, "by_grade": by_grade((2, 67), (1, 33), (0, 0), (0, 0)),  # 66.7 / 33.3
        "praised_items": 1, "praised_units": 1, "disagreed_items": 0,
        "c_items": 1, "c_share": 25,
        "key_items": 0, "key_closed": 0,
    }


def term_figures(kw) -> dict:
    """第六届 = S + P."""
    w = kw.world
    return {
        "period": period_dict("term", "cppcc", w.ref.cppcc_term.pk, "区政协第六届"),
        "received": 12, "units_involved": 3,
        "top_units": [{"id": w.lead_unit.pk, "name": "区住房和城乡建设委员会", "items": 12, "share": 100},
                      {"id": w.spare_unit.pk, "name": "城东街道办事处", "items": 1, "share": 8}],  # 8.3
        "by_category": cats(("经济", 6, 50), ("城市建设和管理", 5, 42), ("教科文卫体", 1, 8)),  # 50 / 41.7 / 8.3
        "replied": 10, "by_reply_type": by_type((5, 50), (3, 30), (2, 20)),
        "closed": 5, "closure_rate": 42,  # 41.7
        "b_closed_early": 1, "b_in_progress": 2,
        # 62.5 / 12.5 / 12.5 / 12.5: two units left over go to the first two of the tied remainders
        "feedback": 8, "feedback_lapsed": 1, "by_grade": by_grade((5, 63), (1, 13), (1, 12), (1, 12)),
        "praised_items": 2, "praised_units": 1, "disagreed_items": 1,
        "c_items": 2, "c_share": 20,
        "key_items": 2, "key_closed": 1,
    }


def older_term_figures(kw) -> dict:
    """第五届: one item, registered and nothing more."""
    return {
        "period": period_dict("term", "cppcc", kw.older_term.pk, "区政协第五届"),
        "received": 1, "units_involved": 0, "top_units": [],
        "by_category": cats(("经济", 1, 100)),
        "replied": 0, "by_reply_type": by_type((0, 0), (0, 0), (0, 0)),
        "closed": 0, "closure_rate": 0, "b_closed_early": 0, "b_in_progress": 0,
        "feedback": 0, "feedback_lapsed": 0, "by_grade": by_grade((0, 0), (0, 0), (0, 0), (0, 0)),
        "praised_items": 0, "praised_units": 0, "disagreed_items": 0,
        "c_items": 0, "c_share": 0, "key_items": 0, "key_closed": 0,
    }


def npc_figures(kw) -> dict:
    w = kw.world
    return {
        "period": period_dict("session", "npc", w.npc_session.pk, "区人大第七届第五次会议"),
        "received": 2, "units_involved": 2,
        "top_units": [{"id": w.lead_unit.pk, "name": "区住房和城乡建设委员会", "items": 2, "share": 100}],
        "by_category": cats(("城市建设和管理", 1, 50), ("经济", 1, 50)),
        "replied": 1, "by_reply_type": by_type((1, 100), (0, 0), (0, 0)),
        "closed": 1, "closure_rate": 50, "b_closed_early": 0, "b_in_progress": 0,
        "feedback": 1, "feedback_lapsed": 0, "by_grade": by_grade((1, 100), (0, 0), (0, 0), (0, 0)),
        "praised_items": 0, "praised_units": 0, "disagreed_items": 0,
        "c_items": 0, "c_share": 0, "key_items": 0, "key_closed": 0,
    }


def unit_row(unit, *, lead=0, co=0, separate=0, closed=0, sign=(0, 0), consult=(0, 0), reply=(0, 0), co_opinion=(0, 0), message=(0, 0),
             reply_types=(0, 0, 0), grades=(0, 0, 0, 0), co_grades=(0, 0, 0, 0), praise=0, disagreed=0, adjustments=0, urges=0,
             message_hours=None) -> dict:
    """One row of the unit table; milestones as (on time, late)."""
    from banli.reports.rounding import rate

    row = {"id": unit.pk, "name": unit.name, "lead": lead, "co": co, "separate": separate, "closed": closed,
           "reply_types": dict(zip("ABC", reply_types)), "grades": dict(zip(GRADE_NAMES, grades)),
           "co_grades": dict(zip(GRADE_NAMES, co_grades)), "praise": praise, "disagreed": disagreed,
           "adjustments": adjustments, "urges": urges, "message_hours": message_hours}
    for key, (on_time, late) in (("sign", sign), ("consult", consult), ("reply", reply), ("co_opinion", co_opinion), ("message", message)):
        row[key] = {"due": on_time + late, "on_time": on_time, "late": late, "rate": rate(on_time, on_time + late)}
    return row


def session_unit_table(kw) -> list[dict]:
    """S's unit table, in the table's order: most items led first, then most co-handled."""
    w = kw.world
    return [
        # Leads i1-i6 and i8, separate on i7. Signed all eight on time; met six proposers before
        # replying (i6, i7 not yet: open, not due); six first replies on time (i5's second reply
        # is open); closed i1, i2 (reports) and i4 (C closes on feedback). Replies A: i1, i5, i8;
        # B: i2, i3; C: i4. Grades 好 i1 i2 i3, 一般 i4, 差 i5 (i8 lapsed: no grade). Praised on i1,
        # 不同意 on i5, urged on i6; the message on i6 answered 5 hours after it came.
        unit_row(w.lead_unit, lead=7, separate=1, closed=3, sign=(8, 0), consult=(6, 0), reply=(6, 0), message=(1, 0),
                 reply_types=(3, 2, 1), grades=(3, 0, 1, 1), praise=1, disagreed=1, urges=1, message_hours=5.0),
        # Separate on i7, signed 30 days after assignment; urged once.
        unit_row(w.spare_unit, separate=1, sign=(0, 1), urges=1),
        # Co-handling on i1 (opinion sent, graded 较好) and i6 (asked for an adjustment, refused;
        # the request answered the signing deadline in time; the opinion is not yet due).
        unit_row(w.co_unit, co=2, sign=(2, 0), co_opinion=(1, 0), co_grades=(0, 1, 0, 0), adjustments=1),
    ]
