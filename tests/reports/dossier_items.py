"""An item with every step of DOMAIN.md §4 on record, built through the actions: co-signer,
registration, assignment to a lead and a co-handling unit, signing, three consultations, the
co-handling opinion, a reply returned once by the unit leader, a poor rating and re-handling with
a mediation meeting, a second (type B) reply, a good rating with praise, progress, closure,
publication, a key-item mark with a leader's instruction and an urge. The dossier tests and the
bench (bench/dossier.py) read it."""

import datetime

from banli.proposals import actions
from banli.proposals.models import Assignment
from banli.workdays.calendar import add_working_days
from tests.builders import (
    approve, consult, fresh, lead_assignment, make_item, rate, reply_fields, send_co_opinions, today,
)

FIRST_REPLY = "王委员：您提出的关于老旧小区加装电梯的提案收悉。经研究，答复如下：我委已将加装电梯纳入年度实事项目。"
SECOND_REPLY = "经与委员再次沟通，我委决定在城东、城西各选两个小区开展试点，并简化审批流程。"
PLANNED = today() + datetime.timedelta(days=120)


def full_item(world, **fields):
    """A closed CPPCC proposal (or NPC suggestion with assembly="npc") with its whole history."""
    assembly = fields.pop("assembly", "cppcc")
    cosigners = [world.cosigner] if assembly == "cppcc" else []
    item = make_item(world, "handling", assembly=assembly, cosigners=cosigners, consent_publish=True, **fields)
    lead = lead_assignment(item)
    gov, liaison, head = world.gov_office, world.lead_liaison, world.lead_head
    actions.mark_key(gov, item.pk, leader_id=world.district_leader.pk, reason="群众关注度高")
    actions.give_instruction(world.district_leader, item.pk, text="请区建委牵头，年内拿出试点方案。")
    actions.urge(gov, item.pk, assignment=lead.pk, text="请抓紧面商并按期答复。")
    # Met three days ago: the unit had it five working days (a consultation cannot predate the
    # assignment), so that signing today is on time whatever the day: "a week ago" made it a day
    # late when today is a Saturday (Asia/Shanghai), due the Friday before.
    week = (today() - add_working_days(today(), -5)).days
    Assignment.objects.filter(pk=lead.pk).update(assigned_at=lead.assigned_at - datetime.timedelta(days=week))
    consult(world, item, lead, kind="before", form="visit", held_on=today() - datetime.timedelta(days=3))
    send_co_opinions(world, item)
    actions.draft_reply(liaison, item.pk, assignment=lead.pk, **reply_fields("A", body=FIRST_REPLY))
    actions.submit_reply(liaison, item.pk, assignment=lead.pk)
    actions.return_reply(head, item.pk, assignment=lead.pk, comment="请补充资金安排。")
    actions.draft_reply(liaison, item.pk, assignment=lead.pk, **reply_fields("A", body=FIRST_REPLY + "资金由区财政安排。"))
    actions.submit_reply(liaison, item.pk, assignment=lead.pk)
    approve(world, item, lead)
    actions.send_reply(liaison, item.pk, assignment=lead.pk)
    rate(world, item, grade="poor", agrees=False, comment="答复未回应试点范围")
    actions.record_mediation(gov, item.pk, held_on=today(), participants="区府办、政协提案委、区建委、王委员", outcome="同意扩大试点范围后重新答复")
    consult(world, item, lead_assignment(item), kind="during", form="meeting")
    lead = lead_assignment(item)
    actions.draft_reply(liaison, item.pk, assignment=lead.pk, **reply_fields("B", body=SECOND_REPLY, planned_date=PLANNED,
                                                                  promise="明年6月前完成四个小区的加装电梯试点。"))
    actions.submit_reply(liaison, item.pk, assignment=lead.pk)
    approve(world, item, lead)
    actions.send_reply(liaison, item.pk, assignment=lead.pk)
    rate(world, item, grade="good", agrees=True, comment="满意，感谢区建委", praise=True,
         co_grades={str(world.co_unit.pk): "fair"})
    actions.decide_publication(gov, item.pk, publish=True)
    actions.report_progress(liaison, item.pk, assignment=lead.pk, text="四个试点小区已完成方案设计，两台电梯开工。")
    consult(world, item, lead, kind="after", form="phone")
    actions.file_closure_report(liaison, item.pk, assignment=lead.pk, text="四个试点小区电梯均已投入使用。", done_on=today())
    actions.approve_closure_report(head, item.pk, assignment=lead.pk, comment="同意办结。")
    return fresh(item)
