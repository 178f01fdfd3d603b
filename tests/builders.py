"""The test world and builders that drive an item to any state THROUGH THE ACTIONS.

Nothing here writes case data directly: an item in "replied" got there because a liaison
signed, met the proposer, drafted, had the reply approved and sent it. A builder that breaks
therefore means an action broke, not that a fixture went stale.

    from tests.builders import make_item, lead_assignment
    item = make_item(world, state="handling", reply_type="A", co=True)

`world` is the pytest fixture from tests/conftest.py; `build_world()` builds the same thing
outside pytest (e.g. in a hypothesis state machine).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from banli.org.models import (
    Assembly, Category, FeedbackGrade, Person, ReplyType, Session, StaffRole, Term, Unit, UnitKind, UnitLiaison,
)
from banli.proposals import actions
from banli.proposals.models import Assignment, AssignmentRole, Item, ItemState, Reply

# Every persona logs in with this password (the test settings hash it with fast MD5).
PASSWORD = "banli-test-pw"

STATES = ("draft", "submitted", "registered", "assigned", "handling", "replied", "evaluated", "rehandling", "closed")


# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------

@dataclass
class ReferenceData:
    reply_types: dict  # code -> ReplyType: "A", "B", "C"
    grades: dict  # code -> FeedbackGrade: "good", "fair", "average", "poor"
    categories: dict  # assembly -> [Category, ...] (top level first, then a child)
    cppcc_term: Term
    npc_term: Term
    cppcc_session: Session  # current
    earlier_cppcc_session: Session  # same term, not current: numbering is per session
    npc_session: Session  # current


def make_reference_data() -> ReferenceData:
    """Reply types, grades, categories, terms and sessions as DOMAIN.md sets them by default."""
    types = {
        "A": ReplyType.objects.create(code="A", name="解决或采纳", name_en="solved or adopted", closure=ReplyType.Closure.REPORT,
                                      progress_every_months=1, position=1),
        "B": ReplyType.objects.create(code="B", name="列入计划拟解决", name_en="planned", needs_planned_date=True,
                                      closure=ReplyType.Closure.PLAN, progress_every_months=3, position=2),
        "C": ReplyType.objects.create(code="C", name="留作参考", name_en="for reference", needs_reason=True,
                                      needs_leader_approval=True, closure=ReplyType.Closure.FEEDBACK, position=3),
    }
    grades = {
        code: FeedbackGrade.objects.create(code=code, name=name, name_en=en, score=score, sends_to_rehandling=code == "poor", position=i)
        for i, (code, name, en, score) in enumerate(
            [("good", "好", "good", 100), ("fair", "较好", "fair", 80), ("average", "一般", "average", 60), ("poor", "差", "poor", 0)], 1
        )
    }
    categories = {}
    for assembly in (Assembly.CPPCC, Assembly.NPC):
        economy = Category.objects.create(assembly=assembly, name="经济", position=1)
        city = Category.objects.create(assembly=assembly, name="城市建设和管理", position=2)
        traffic = Category.objects.create(assembly=assembly, parent=city, name="交通", position=1)
        categories[assembly.value] = [economy, city, traffic]
    cppcc_term = Term.objects.create(assembly=Assembly.CPPCC, ordinal=6, name="第六届", starts_on=datetime.date(2022, 1, 1))
    npc_term = Term.objects.create(assembly=Assembly.NPC, ordinal=7, name="第七届", starts_on=datetime.date(2022, 1, 1))
    year = timezone.localdate().year
    earlier = Session.objects.create(term=cppcc_term, ordinal=4, name="第四次会议", year=year - 1, opens_on=datetime.date(year - 1, 1, 10))
    cppcc = Session.objects.create(term=cppcc_term, ordinal=5, name="第五次会议", year=year, opens_on=datetime.date(year, 1, 10), is_current=True)
    npc = Session.objects.create(term=npc_term, ordinal=5, name="第五次会议", year=year, opens_on=datetime.date(year, 1, 12), is_current=True)
    return ReferenceData(types, grades, categories, cppcc_term, npc_term, cppcc, earlier, npc)


# ---------------------------------------------------------------------------------------------
# The world: named personas, their units and people
# ---------------------------------------------------------------------------------------------

@dataclass
class World:
    """Everyone a test talks about, by the name DOMAIN.md gives them. All users log in with PASSWORD.

    lead_unit is handled by lead_liaison (UnitLiaison) and led by lead_head (Unit.leader);
    co_unit likewise by co_liaison / co_head. district_leader supervises both (Unit.supervising_leader);
    other_leader supervises outsider_unit and spare_unit, so neither leader sees the other's portfolio.
    spare_unit is the unit an adjustment request names; outsider_unit never touches the items.
    """

    ref: ReferenceData
    # people filing items
    member: object  # CPPCC member, proposer (Person with phone and address)
    cosigner: object  # another CPPCC member
    other_member: object  # an unrelated CPPCC member
    deputy: object  # NPC deputy, proposer
    member_person: Person
    cosigner_person: Person
    other_member_person: Person
    deputy_person: Person
    # offices
    cppcc_office: object  # StaffRole assembly_office, cppcc
    npc_office: object  # StaffRole assembly_office, npc
    gov_office: object  # StaffRole gov_office
    # units and the people in them
    lead_unit: Unit
    co_unit: Unit
    outsider_unit: Unit
    spare_unit: Unit
    lead_liaison: object
    lead_head: object
    co_liaison: object
    co_head: object
    outsider_liaison: object
    spare_liaison: object
    # leaders and the administrator
    district_leader: object  # StaffRole district_leader; supervises lead_unit and co_unit
    other_leader: object  # StaffRole district_leader; supervises outsider_unit and spare_unit
    admin_user: object  # superuser
    liaisons: dict = field(default_factory=dict)  # unit pk -> liaison user
    heads: dict = field(default_factory=dict)  # unit pk -> unit leader user

    # Convenience views ---------------------------------------------------------------------
    @property
    def cppcc_session(self) -> Session:
        return self.ref.cppcc_session

    @property
    def earlier_cppcc_session(self) -> Session:
        return self.ref.earlier_cppcc_session

    @property
    def npc_session(self) -> Session:
        return self.ref.npc_session

    @property
    def reply_types(self) -> dict:
        return self.ref.reply_types

    @property
    def grades(self) -> dict:
        return self.ref.grades

    def category(self, assembly="cppcc", index=0) -> Category:
        return self.ref.categories[str(assembly)][index]

    def proposer(self, assembly="cppcc"):
        return self.member if assembly == Assembly.CPPCC else self.deputy

    def assembly_office(self, assembly="cppcc"):
        return self.cppcc_office if assembly == Assembly.CPPCC else self.npc_office

    def liaison_of(self, unit):
        return self.liaisons[getattr(unit, "pk", unit)]

    def head_of(self, unit):
        return self.heads[getattr(unit, "pk", unit)]

    def all_personas(self) -> dict:
        """name -> user, for permission matrices."""
        names = ["member", "cosigner", "other_member", "deputy", "cppcc_office", "npc_office", "gov_office", "lead_liaison",
                 "lead_head", "co_liaison", "co_head", "outsider_liaison", "spare_liaison", "district_leader", "other_leader",
                 "admin_user"]
        return {n: getattr(self, n) for n in names}


def _user(username, name, **extra):
    User = get_user_model()
    return User.objects.create_user(username=username, password=PASSWORD, first_name=name, **extra)


def build_world(ref: ReferenceData | None = None) -> World:
    """Create every persona with the roles DOMAIN.md §2 gives them. Needs database access."""
    ref = ref or make_reference_data()
    started = datetime.date(timezone.localdate().year - 2, 1, 1)

    def person(user, assembly, name, **kw):
        return Person.objects.create(user=user, assembly=assembly, name=name, **kw)

    member = _user("member", "王委员")
    cosigner = _user("cosigner", "李委员")
    other_member = _user("other_member", "赵委员")
    deputy = _user("deputy", "陈代表")
    member_person = person(member, Assembly.CPPCC, "王委员", sector="经济界", party="民盟", employer="区工商联",
                           phone="13800000001", address="幸福路1号")
    cosigner_person = person(cosigner, Assembly.CPPCC, "李委员", sector="教育界", phone="13800000002", address="和平路2号")
    other_member_person = person(other_member, Assembly.CPPCC, "赵委员", sector="医卫界", phone="13800000003")
    deputy_person = person(deputy, Assembly.NPC, "陈代表", sector="城东代表团", phone="13900000001", address="城东路9号")

    cppcc_office = _user("cppcc_office", "政协提案委")
    npc_office = _user("npc_office", "人大代表工委")
    gov_office = _user("gov_office", "区府办督查科")
    StaffRole.objects.create(user=cppcc_office, kind=StaffRole.Kind.ASSEMBLY_OFFICE, assembly=Assembly.CPPCC)
    StaffRole.objects.create(user=npc_office, kind=StaffRole.Kind.ASSEMBLY_OFFICE, assembly=Assembly.NPC)
    StaffRole.objects.create(user=gov_office, kind=StaffRole.Kind.GOV_OFFICE)

    district_leader = _user("district_leader", "孙副区长")
    other_leader = _user("other_leader", "周副区长")
    StaffRole.objects.create(user=district_leader, kind=StaffRole.Kind.DISTRICT_LEADER, title="副区长")
    StaffRole.objects.create(user=other_leader, kind=StaffRole.Kind.DISTRICT_LEADER, title="副区长")

    def unit(name, short, kind, liaison_name, head_name, leader, key):
        liaison = _user(f"{key}_liaison", liaison_name)
        head = _user(f"{key}_head", head_name) if head_name else None
        u = Unit.objects.create(name=name, short_name=short, kind=kind, leader=head, supervising_leader=leader, phone="021-0000")
        UnitLiaison.objects.create(unit=u, user=liaison, started_on=started)
        return u, liaison, head

    lead_unit, lead_liaison, lead_head = unit("区住房和城乡建设委员会", "区建委", UnitKind.BUREAU, "建委联络员", "建委主任", district_leader, "lead")
    co_unit, co_liaison, co_head = unit("区交通委员会", "区交通委", UnitKind.BUREAU, "交通委联络员", "交通委主任", district_leader, "co")
    outsider_unit, outsider_liaison, _ = unit("区教育局", "区教育局", UnitKind.BUREAU, "教育局联络员", "", other_leader, "outsider")
    spare_unit, spare_liaison, spare_head = unit("城东街道办事处", "城东街道", UnitKind.TOWN, "街道联络员", "街道主任", other_leader, "spare")

    admin_user = get_user_model().objects.create_superuser(username="admin_user", password=PASSWORD, first_name="管理员")

    return World(
        ref=ref, member=member, cosigner=cosigner, other_member=other_member, deputy=deputy, member_person=member_person,
        cosigner_person=cosigner_person, other_member_person=other_member_person, deputy_person=deputy_person,
        cppcc_office=cppcc_office, npc_office=npc_office, gov_office=gov_office, lead_unit=lead_unit, co_unit=co_unit,
        outsider_unit=outsider_unit, spare_unit=spare_unit, lead_liaison=lead_liaison, lead_head=lead_head, co_liaison=co_liaison,
        co_head=co_head, outsider_liaison=outsider_liaison, spare_liaison=spare_liaison, district_leader=district_leader,
        other_leader=other_leader, admin_user=admin_user,
        liaisons={lead_unit.pk: lead_liaison, co_unit.pk: co_liaison, outsider_unit.pk: outsider_liaison, spare_unit.pk: spare_liaison},
        heads={lead_unit.pk: lead_head, co_unit.pk: co_head, spare_unit.pk: spare_head},
    )


# ---------------------------------------------------------------------------------------------
# Reading back
# ---------------------------------------------------------------------------------------------

def fresh(item) -> Item:
    """The item as the database has it now."""
    return Item.objects.get(pk=getattr(item, "pk", item))


def lead_assignment(item) -> Assignment:
    return Assignment.objects.exclude(state=Assignment.State.ENDED).get(item=item, role=AssignmentRole.LEAD)


def co_assignment(item) -> Assignment:
    return Assignment.objects.exclude(state=Assignment.State.ENDED).get(item=item, role=AssignmentRole.CO)


def active_assignments(item) -> list[Assignment]:
    return list(Assignment.objects.filter(item=item).exclude(state=Assignment.State.ENDED).select_related("unit"))


def answering_assignments(item) -> list[Assignment]:
    return [a for a in active_assignments(item) if a.answers]


def last_reply(item, assignment=None) -> Reply:
    qs = Reply.objects.filter(item=item)
    if assignment is not None:
        qs = qs.filter(assignment=assignment)
    return qs.order_by("id").last()


def today() -> datetime.date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Step builders: each calls one or more actions as the persona who would take them
# ---------------------------------------------------------------------------------------------

def draft_fields(world, assembly="cppcc", **over) -> dict:
    data = {
        "title": "关于加快老旧小区加装电梯的建议" if assembly == "cppcc" else "关于优化城东公交线路的建议",
        "reason": "本区老旧小区多建于上世纪八九十年代，老年居民上下楼困难。",
        "suggestions": "一是简化审批流程；二是加大财政补贴；三是建立协商机制。",
        "category": world.category(assembly, 1),
    }
    data.update(over)
    return data


def new_draft(world, *, assembly="cppcc", proposer=None, session=None, **fields) -> Item:
    user = proposer or world.proposer(assembly)
    return actions.create_draft(user, session_id=session.pk if session else None, **draft_fields(world, assembly, **fields))


def submit(world, item) -> Item:
    return actions.submit_item(fresh(item).proposer.user, item.pk)


def register(world, item) -> Item:
    return actions.register_item(world.assembly_office(item.assembly), item.pk)


def assign(world, item, *, co=True, separate=False) -> list[Assignment]:
    """Lead unit (+ co-handling unit), or with separate=True two separate units (分办)."""
    if separate:
        return actions.assign_units(world.gov_office, item.pk, separate=[world.lead_unit.pk, world.spare_unit.pk], note="请分别答复")
    return actions.assign_units(world.gov_office, item.pk, lead=world.lead_unit.pk, co=[world.co_unit.pk] if co else [], note="请按时办理")


def sign_all(world, item) -> None:
    for a in active_assignments(item):
        if a.state == Assignment.State.PENDING:
            actions.sign_assignment(world.liaison_of(a.unit), item.pk, a.pk)


def consult(world, item, assignment=None, *, kind="before", form="visit", held_on=None):
    a = assignment or lead_assignment(item)
    return actions.record_consultation(world.liaison_of(a.unit), item.pk, a.pk, kind=kind, form=form, held_on=held_on or today(),
                                       participants="王委员、建委联络员", proposer_views="希望年内启动试点。")


def send_co_opinions(world, item) -> None:
    for a in active_assignments(item):
        if a.role == AssignmentRole.CO and not hasattr(a, "co_opinion"):
            actions.send_co_opinion(world.liaison_of(a.unit), item.pk, a.pk, text="同意主办单位意见，我委将配合做好交通组织。")


def reply_fields(code="A", **over) -> dict:
    """What a liaison types into the reply form, valid for the type."""
    data = {"reply_type": code, "body": "王委员：您提出的建议收悉，经研究答复如下……", "signatory": "张主任", "contact_person": "建委联络员",
            "contact_phone": "021-12345678"}
    if code == "B":
        data["planned_date"] = today() + datetime.timedelta(days=90)
        data["promise"] = "明年6月前完成试点。"
    if code == "C":
        data["reference_reason"] = "受规划条件限制，暂不具备实施条件，留作今后工作参考。"
    data.update(over)
    return data


def approve(world, item, assignment) -> Reply:
    """Unit head approves; a type needing it is then approved by the supervising district leader."""
    reply = actions.approve_reply(world.head_of(assignment.unit), item.pk, assignment.pk)
    if reply.state == Reply.State.PENDING_LEADER:
        leader = assignment.unit.supervising_leader
        reply = actions.leader_approve_reply(leader, item.pk, assignment.pk, comment="同意。")
    return reply


def reply(world, item, assignment=None, reply_type="A", *, send=True, **over) -> Reply:
    """Draft, submit, approve and (by default) send one unit's reply. For the lead's first reply,
    meet the proposer and get the co-handling opinions first if that has not happened."""
    a = assignment or lead_assignment(item)
    liaison = world.liaison_of(a.unit)
    if a.role == AssignmentRole.LEAD and a.reply_round == 1:
        if not item.consultations.filter(unit=a.unit, kind="before", form__in=["visit", "meeting", "site"]).exists():
            consult(world, item, a)
        send_co_opinions(world, item)
    r = actions.draft_reply(liaison, item.pk, a.pk, **reply_fields(reply_type, **over))
    actions.submit_reply(liaison, item.pk, a.pk)
    r = approve(world, item, a)
    if send:
        r = actions.send_reply(liaison, item.pk, a.pk)
    return r


def rate(world, item, *, grade="good", agrees=True, reply=None, comment="满意", **kw):
    """The lead proposer rates the awaited reply (by default the latest sent, unrated one)."""
    r = reply or Reply.objects.filter(item=item, state=Reply.State.SENT, is_conversion=False, feedback__isnull=True).order_by("id").last()
    return actions.give_feedback(fresh(item).proposer.user, item.pk, reply_id=r.pk, grade=grade, agrees=agrees, comment=comment, **kw)


def close_by_report(world, item, assignment=None, *, done_on=None):
    a = assignment or lead_assignment(item)
    actions.file_closure_report(world.liaison_of(a.unit), item.pk, a.pk, text="已完成加装电梯试点。", done_on=done_on or today())
    return actions.approve_closure_report(world.head_of(a.unit), item.pk, a.pk, comment="同意办结。")


def advance(world, item, state: str, *, reply_type="A", co=True, separate=False) -> Item:
    """Drive an existing item forward to `state` through the actions, as the right personas."""
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}; one of {STATES}")
    if state == "evaluated" and reply_type == "C":
        raise ValueError("a type C item closes on feedback; it never rests in 'evaluated'")
    target = STATES.index(state)
    item = fresh(item)

    def at_least(name):
        return target >= STATES.index(name)

    if at_least("submitted") and item.state == ItemState.DRAFT:
        item = submit(world, item)
    if at_least("registered") and item.state == ItemState.SUBMITTED:
        item = register(world, item)
    if at_least("assigned") and item.state == ItemState.REGISTERED:
        assign(world, item, co=co, separate=separate)
        item = fresh(item)
    if at_least("handling") and item.state == ItemState.ASSIGNED:
        sign_all(world, item)
        item = fresh(item)
    if at_least("replied") and item.state == ItemState.HANDLING:
        for a in answering_assignments(item):
            reply(world, item, a, reply_type)
        item = fresh(item)
    if state == "rehandling" and item.state == ItemState.REPLIED:
        for r in Reply.objects.filter(item=item, state=Reply.State.SENT, feedback__isnull=True):
            rate(world, item, grade="poor", agrees=False, reply=r, comment="答复未回应核心诉求")
        item = fresh(item)
    elif at_least("evaluated") and state != "rehandling" and item.state == ItemState.REPLIED:
        for r in Reply.objects.filter(item=item, state=Reply.State.SENT, feedback__isnull=True):
            rate(world, item, grade="good", agrees=True, reply=r)
        item = fresh(item)
    if state == "closed" and item.state == ItemState.EVALUATED:
        for a in answering_assignments(item):
            if not a.closed_at:
                close_by_report(world, item, a)
        item = fresh(item)
    if item.state != state:
        raise AssertionError(f"builder reached {item.state!r}, wanted {state!r}")
    return item


def make_item(world, state="handling", *, reply_type="A", co=True, separate=False, assembly="cppcc", proposer=None, session=None,
              cosigners=(), **fields) -> Item:
    """A new item driven to `state` through the actions.

    reply_type: the type of every reply sent on the way to replied/evaluated/rehandling/closed.
    co: assign the co-handling unit beside the lead unit. separate: lead_unit and spare_unit reply separately.
    cosigners: users (members of the same assembly) invited and confirming before submission.
    Other keyword arguments are draft fields (title, reason, suggestions, category, consent_publish, urgent).
    """
    item = new_draft(world, assembly=assembly, proposer=proposer, session=session, **fields)
    if cosigners:
        people = [Person.objects.get(user=u, assembly=assembly) for u in cosigners]
        actions.invite_cosigners(item.proposer.user, item.pk, person_ids=[p.pk for p in people])
        for u in cosigners:
            actions.respond_cosign(u, item.pk, confirm=True)
    return advance(world, item, state, reply_type=reply_type, co=co, separate=separate)
