"""A small world whose report figures are known by hand, built through the actions: the report
tests (statistics, unit table, documents, page, API) check exact numbers against it. The figures
themselves are in known_figures.py.

It is a rebuilt year: everything below happened three days ago (the history is shifted back
once built), except the steps marked TODAY, so that a report as of yesterday (`kw.yesterday`)
leaves them out.

Current CPPCC session S (第六届第五次会议), ten received items:

    i1  closed      A   lead + co     经济          key item; an A reply that promises something by a
                                                    date (so it has a planned date), rated 好 with praise,
                                                    co unit graded 较好; met before and during;
                                                    TODAY closed by report before that date: closed early
                                                    by date, but it is A, so not "B closed early"
    i2  closed      B   lead          交通出行 (→ 城市建设和管理)  rated 好; closed early (B, before the
                                                    planned date); before, during and after contacts
    i3  evaluated   B   lead          城市建设和管理  rated 好, still in progress; before and during;
                                                    TODAY the after visit (办后回访)
    i4  closed      C   lead          城市建设和管理  rated 一般 (a C reply closes on feedback)
    i5  rehandling  A   lead          城市建设和管理  rated 差, 不同意: still in re-handling
    i6  handling    —   lead + co     经济          key item; co unit asked for an adjustment (refused);
                                                    lead urged; a proposer's message answered in 5 hours;
                                                    TODAY the co unit urged
    i7  handling    —   separate      教科文卫体     lead_unit + spare_unit; spare_unit signed late, urged
    i8  evaluated   A   lead          经济          no feedback: the window lapsed
    i9  evaluated   A→B lead          经济          re-handled: the A reply rated 差, 不同意, the proposer
                                                    called again; TODAY the second reply (B) sent and
                                                    rated 较好, 同意 (rated twice)
    i10 evaluated   A|B separate      教科文卫体     分办: both units met the proposer; lead_unit replied A,
                                                    spare_unit then B; lead_unit's rated 好; TODAY
                                                    spare_unit's rated 一般 with praise

and six that are not received, all in 综合 so a leak shows as a category: a draft, a submitted
item, a rejected one, a merged one, a converted one and one withdrawn after assignment.

S, worked out by hand (now | as of yesterday; shares by largest remainder, rates half up):

    received 10, units 3 (lead_unit leads or shares 10 = 100%, spare_unit 2 = 20%)
    categories 城市建设和管理 4 (40), 经济 4 (40), 教科文卫体 2 (20)
    replied 8; reply type in force A 3 (38) B 4 (50) C 1 (12)  |  A 4 (50) B 3 (38) C 1 (12)
        (i9 is B now, by its second reply; A yesterday; i10 is B, spare_unit's reply being the
        later. 37.5 and 12.5 tie: the earlier row gets the unit, so C is 12% where the rate 1/8
        would say 13%: the C share is 12 throughout)
    closed 3, 30%  |  2, 20%;  B closed early 1 (i2; not i1);  B in progress 3 (i3 i9 i10)  |  2
    rated 7, each item once (i8 lapsed: 1): 好 3 (43) 较好 1 (14) 一般 2 (29) 差 1 (14)
        (i9 by its second rating, i10 by spare_unit's, given last)
        |  好 4 (57) 较好 0 一般 1 (14) 差 2 (29) (i9 by its first rating, i10 by lead_unit's)
    不同意 2 (i5 i9); re-handled 2: second reply sent 1 (i9), in hand 1 (i5)  |  0 sent, 2 in hand
    praised items/units 2/2 (i1 lead_unit, i10 spare_unit)  |  1/1
    all three contacts 2 of 8 replied, 25% (i2 i3)  |  1, 13% (12.5)
    key items 2, closed 1  |  2, 0

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

from django.apps import apps
from django.db import models
from django.utils import timezone

from banli.deadlines.models import Deadline, OverdueEvent
from banli.deadlines.sync import sync_item
from banli.org.models import Assembly, Category, Session, Term
from banli.proposals import actions
from banli.proposals.models import Assignment, Message, Reply
from tests.builders import (
    active_assignments, advance, close_by_report, co_assignment, consult, fresh, lead_assignment, make_item, new_draft, rate, reply,
    submit,
)

HISTORY_DAYS = 3  # how long ago the history (all but TODAY's steps) happened


@dataclass
class KnownWorld:
    world: object
    items: dict  # name -> Item
    older_term: Term
    older_session: Session
    yesterday: datetime.date

    @property
    def session(self):
        return self.world.cppcc_session

    @property
    def previous_session(self):
        return self.world.earlier_cppcc_session


def top(assembly, name) -> Category:
    return Category.objects.get(assembly=assembly, parent=None, name=name)


def shift_history(days: int) -> None:
    """Move every case record's dates and times `days` back, as if it had all happened then."""
    delta = datetime.timedelta(days=days)
    for model in [*apps.get_app_config("proposals").get_models(), Deadline, OverdueEvent]:
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateField)]
        rows = list(model.objects.all()) if fields else []
        for row in rows:
            for f in fields:
                if getattr(row, f) is not None:
                    setattr(row, f, getattr(row, f) - delta)
        if rows:
            model.objects.bulk_update(rows, fields)


def separate_pair(item):
    """(lead_unit's, spare_unit's) assignments of a separately handled item."""
    return sorted((a for a in active_assignments(item)), key=lambda a: a.unit.name != "区住房和城乡建设委员会")


def build_known_world(world) -> KnownWorld:
    S, P = world.cppcc_session, world.earlier_cppcc_session
    economy, city, transport = world.category("cppcc", 0), world.category("cppcc", 1), world.category("cppcc", 2)
    culture, general = top("cppcc", "教科文卫体"), top("cppcc", "综合")
    gov, office = world.gov_office, world.cppcc_office
    it = {}
    later = datetime.timedelta(days=60)

    # -- S: received ----------------------------------------------------------------------------
    i1 = make_item(world, "handling", co=True, category=economy, session=S)
    reply(world, i1, lead_assignment(i1), "A", promise="年内完成加装电梯试点。", planned_date=timezone.localdate() + later)
    actions.mark_key(gov, i1.pk, leader_id=world.district_leader.pk, reason="群众关注度高")
    rate(world, i1, grade="good", agrees=True, praise=True, co_grades={str(world.co_unit.pk): "fair"})
    consult(world, i1, kind="during", form="phone")

    i2 = make_item(world, "evaluated", reply_type="B", co=False, category=transport, session=S)
    consult(world, i2, kind="during", form="phone")
    consult(world, i2, kind="after")
    close_by_report(world, i2)
    it["i2"] = fresh(i2)
    i3 = make_item(world, "evaluated", reply_type="B", co=False, category=city, session=S)
    consult(world, i3, kind="during", form="meeting")
    i4 = make_item(world, "replied", reply_type="C", co=False, category=city, session=S)
    rate(world, i4, grade="average", agrees=True)
    it["i4"] = fresh(i4)
    it["i5"] = make_item(world, "rehandling", reply_type="A", co=False, category=city, session=S)

    i6 = make_item(world, "assigned", co=True, category=economy, session=S)
    co6 = co_assignment(i6)
    actions.request_adjustment(world.co_liaison, i6.pk, assignment=co6.pk, reason="主要涉及住建职能", suggested_unit_id=world.spare_unit.pk)
    actions.decide_adjustment(gov, i6.pk, assignment=co6.pk, approve=False, note="交通组织需贵委配合")
    for a in active_assignments(i6):
        actions.sign(world.liaison_of(a.unit), i6.pk, assignment=a.pk)
    actions.mark_key(gov, i6.pk, leader_id=world.district_leader.pk)
    actions.urge(gov, i6.pk, assignment=lead_assignment(i6).pk, text="请抓紧面商。")
    asked = actions.post_message(world.member, i6.pk, body="请问何时面商？")
    actions.post_message(world.lead_liaison, i6.pk, body="下周二上门面商。")
    answered = Message.objects.get(pk=asked.pk).answered_at
    Message.objects.filter(pk=asked.pk).update(at=answered - datetime.timedelta(hours=5))
    sync_item(i6.pk)

    i7 = make_item(world, "assigned", separate=True, category=culture, session=S)
    spare7 = Assignment.objects.get(item=i7, unit=world.spare_unit)
    Assignment.objects.filter(pk=spare7.pk).update(assigned_at=timezone.now() - datetime.timedelta(days=30))
    sync_item(i7.pk)
    i7 = advance(world, i7, "handling", separate=True)
    actions.urge(gov, i7.pk, assignment=spare7.pk, text="请尽快签收。")
    it["i7"] = fresh(i7)

    i8 = make_item(world, "replied", reply_type="A", co=False, category=economy, session=S)
    r8 = Reply.objects.get(item=i8, state=Reply.State.SENT)
    Reply.objects.filter(pk=r8.pk).update(sent_at=timezone.now() - datetime.timedelta(days=60))
    sync_item(i8.pk)
    actions.record_no_feedback(gov, i8.pk, reply_id=r8.pk)
    it["i8"] = fresh(i8)

    # Re-handled: the first reply rated 差 and 不同意, the proposer called again (the second reply TODAY).
    i9 = make_item(world, "rehandling", reply_type="A", co=False, category=economy, session=S)
    consult(world, i9, kind="during", form="phone")

    # 分办: each unit meets the proposer and replies; lead_unit's reply is rated (spare_unit's TODAY).
    i10 = make_item(world, "handling", separate=True, category=culture, session=S)
    ours10, spare10 = separate_pair(i10)
    consult(world, i10, ours10)
    consult(world, i10, spare10)
    reply(world, fresh(i10), ours10, "A")
    spare_reply = reply(world, fresh(i10), spare10, "B")
    rate(world, i10, grade="good", agrees=True, reply=Reply.objects.get(assignment=ours10, state=Reply.State.SENT))

    # -- S: not received --------------------------------------------------------------------------
    it["draft"] = new_draft(world, session=S, category=general)
    it["submitted"] = submit(world, new_draft(world, session=S, category=general))
    rejected = submit(world, new_draft(world, session=S, category=general))
    it["rejected"] = actions.reject(office, rejected.pk, reason="不属于提案范围")
    merged = submit(world, new_draft(world, session=S, category=general))
    it["merged"] = actions.merge(office, merged.pk, into_id=i1.pk, reason="内容相近")
    converted = submit(world, new_draft(world, session=S, category=general))
    it["converted"] = actions.convert(office, converted.pk, to="社情民意", reason="更适合反映社情民意")
    withdrawn = make_item(world, "handling", co=True, category=general, session=S)
    actions.mark_key(gov, withdrawn.pk, leader_id=world.district_leader.pk)
    actions.urge(gov, withdrawn.pk, assignment=lead_assignment(withdrawn).pk, text="请抓紧。")
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
    it["p_rejected"] = actions.reject(office, p_rejected.pk, reason="不属于提案范围")

    # -- NPC ------------------------------------------------------------------------------------------
    it["n1"] = make_item(world, "closed", reply_type="A", co=False, assembly="npc", category=world.category("npc", 0))
    it["n2"] = make_item(world, "handling", co=True, assembly="npc", category=world.category("npc", 1))

    # -- an earlier CPPCC term ------------------------------------------------------------------------
    year = timezone.localdate().year
    older_term = Term.objects.create(assembly=Assembly.CPPCC, ordinal=5, name="第五届", starts_on=datetime.date(2017, 1, 1))
    older_session = Session.objects.create(term=older_term, ordinal=3, name="第三次会议", year=year - 3, opens_on=datetime.date(year - 3, 1, 8))
    it["old"] = make_item(world, "registered", category=economy, session=older_session)

    # -- TODAY ------------------------------------------------------------------------------------------
    shift_history(HISTORY_DAYS)
    close_by_report(world, i1)
    consult(world, i3, kind="after", form="phone")
    actions.urge(gov, i6.pk, assignment=co6.pk, text="请按时提交会办意见。")
    reply(world, fresh(i9), lead_assignment(i9), "B")
    rate(world, i9, grade="fair", agrees=True, comment="再次答复已列入计划")
    rate(world, i10, grade="average", agrees=True, praise=True, reply=spare_reply)
    for name, item in (("i1", i1), ("i3", i3), ("i6", i6), ("i9", i9), ("i10", i10)):
        it[name] = fresh(item)
    for name in ("i2", "i4", "i5", "i7", "i8"):
        it[name] = fresh(it[name])
    return KnownWorld(world, it, older_term, older_session, timezone.localdate() - datetime.timedelta(days=1))
