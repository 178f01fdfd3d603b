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
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from banli.org.defaults import install_defaults
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
    """Reply types, grades, categories, terms and sessions as DOMAIN.md sets them by default.
    Written with a handful of bulk inserts: every test builds its own."""
    # The data migration installs DOMAIN.md's defaults; a database flushed by a transactional
    # test has lost them, so install whatever is missing.
    install_defaults(ReplyType, FeedbackGrade, Category)
    types = {t.code: t for t in ReplyType.objects.filter(code__in="ABC")}
    grades = {g.code: g for g in FeedbackGrade.objects.all()}
    categories = {}
    for a in (Assembly.CPPCC, Assembly.NPC):
        economy = Category.objects.get(assembly=a, parent=None, name="经济")
        city = Category.objects.get(assembly=a, parent=None, name="城市建设和管理")
        categories[a.value] = [economy, city, Category.objects.get(assembly=a, parent=city, name="交通出行")]
    cppcc_term, npc_term = Term.objects.bulk_create([
        Term(assembly=Assembly.CPPCC, ordinal=6, name="第六届", starts_on=datetime.date(2022, 1, 1)),
        Term(assembly=Assembly.NPC, ordinal=7, name="第七届", starts_on=datetime.date(2022, 1, 1)),
    ])
    year = timezone.localdate().year
    # bulk_create skips Session.save, which copies the assembly from the term: set it here.
    earlier, cppcc, npc = Session.objects.bulk_create([
        Session(term=cppcc_term, assembly=Assembly.CPPCC, ordinal=4, name="第四次会议", year=year - 1, opens_on=datetime.date(year - 1, 1, 10)),
        Session(term=cppcc_term, assembly=Assembly.CPPCC, ordinal=5, name="第五次会议", year=year, opens_on=datetime.date(year, 1, 10), is_current=True),
        Session(term=npc_term, assembly=Assembly.NPC, ordinal=5, name="第五次会议", year=year, opens_on=datetime.date(year, 1, 12), is_current=True),
    ])
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


# username -> display name, in creation order. Units: (key, name, short name, kind, liaison, head, leader).
_USERS = {
    "member": "王委员", "cosigner": "李委员", "other_member": "赵委员", "deputy": "陈代表",
    "cppcc_office": "政协提案委", "npc_office": "人大代表工委", "gov_office": "区府办督查科",
    "district_leader": "孙副区长", "other_leader": "周副区长",
    "lead_liaison": "建委联络员", "lead_head": "建委主任", "co_liaison": "交通委联络员", "co_head": "交通委主任",
    "outsider_liaison": "教育局联络员", "spare_liaison": "街道联络员", "spare_head": "街道主任",
}
_UNITS = [
    ("lead", "区住房和城乡建设委员会", "区建委", UnitKind.BUREAU, "lead_liaison", "lead_head", "district_leader"),
    ("co", "区交通委员会", "区交通委", UnitKind.BUREAU, "co_liaison", "co_head", "district_leader"),
    ("outsider", "区教育局", "区教育局", UnitKind.BUREAU, "outsider_liaison", None, "other_leader"),
    ("spare", "城东街道办事处", "城东街道", UnitKind.TOWN, "spare_liaison", "spare_head", "other_leader"),
]


def build_world(ref: ReferenceData | None = None) -> World:
    """Create every persona with the roles DOMAIN.md §2 gives them. Needs database access.
    Bulk inserts keep this to about a dozen queries, as every test builds its own world."""
    ref = ref or make_reference_data()
    User = get_user_model()
    password = make_password(PASSWORD)  # hashed once, shared by all
    users = User.objects.bulk_create([User(username=u, first_name=n, password=password) for u, n in _USERS.items()])
    u = {x.username: x for x in users}
    admin_user = User.objects.create_superuser(username="admin_user", password=PASSWORD, first_name="管理员")

    people = Person.objects.bulk_create([
        Person(user=u["member"], assembly=Assembly.CPPCC, name="王委员", sector="经济界", party="民盟", employer="区工商联",
               phone="13800000001", address="幸福路1号"),
        Person(user=u["cosigner"], assembly=Assembly.CPPCC, name="李委员", sector="教育界", phone="13800000002", address="和平路2号"),
        Person(user=u["other_member"], assembly=Assembly.CPPCC, name="赵委员", sector="医卫界", phone="13800000003"),
        Person(user=u["deputy"], assembly=Assembly.NPC, name="陈代表", sector="城东代表团", phone="13900000001", address="城东路9号"),
    ])
    StaffRole.objects.bulk_create([
        StaffRole(user=u["cppcc_office"], kind=StaffRole.Kind.ASSEMBLY_OFFICE, assembly=Assembly.CPPCC),
        StaffRole(user=u["npc_office"], kind=StaffRole.Kind.ASSEMBLY_OFFICE, assembly=Assembly.NPC),
        StaffRole(user=u["gov_office"], kind=StaffRole.Kind.GOV_OFFICE),
        StaffRole(user=u["district_leader"], kind=StaffRole.Kind.DISTRICT_LEADER, title="副区长"),
        StaffRole(user=u["other_leader"], kind=StaffRole.Kind.DISTRICT_LEADER, title="副区长"),
    ])
    units = Unit.objects.bulk_create([
        Unit(name=name, short_name=short, kind=kind, leader=u.get(head), supervising_leader=u[leader], phone="021-0000")
        for _, name, short, kind, _, head, leader in _UNITS
    ])
    unit = {spec[0]: x for spec, x in zip(_UNITS, units)}
    started = datetime.date(timezone.localdate().year - 2, 1, 1)
    UnitLiaison.objects.bulk_create([UnitLiaison(unit=unit[key], user=u[liaison], started_on=started) for key, _, _, _, liaison, _, _ in _UNITS])

    return World(
        ref=ref, member=u["member"], cosigner=u["cosigner"], other_member=u["other_member"], deputy=u["deputy"],
        member_person=people[0], cosigner_person=people[1], other_member_person=people[2], deputy_person=people[3],
        cppcc_office=u["cppcc_office"], npc_office=u["npc_office"], gov_office=u["gov_office"],
        lead_unit=unit["lead"], co_unit=unit["co"], outsider_unit=unit["outsider"], spare_unit=unit["spare"],
        lead_liaison=u["lead_liaison"], lead_head=u["lead_head"], co_liaison=u["co_liaison"], co_head=u["co_head"],
        outsider_liaison=u["outsider_liaison"], spare_liaison=u["spare_liaison"],
        district_leader=u["district_leader"], other_leader=u["other_leader"], admin_user=admin_user,
        liaisons={unit[key].pk: u[liaison] for key, _, _, _, liaison, _, _ in _UNITS},
        heads={unit[key].pk: u[head] for key, _, _, _, _, head, _ in _UNITS if head},
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
    draft = lambda: actions.create_draft(user, session_id=session.pk if session else None, **draft_fields(world, assembly, **fields))  # noqa: E731
    if session is None or session.is_current or session.year >= today().year:
        return draft()
    # A member files only into a session not yet past: an item of a past session was drafted
    # back then, so draft it with the clock on that session's opening day (as the demo does);
    # every later step runs today.
    from unittest import mock

    then = timezone.make_aware(datetime.datetime.combine(session.opens_on, datetime.time(10)))
    with mock.patch.object(timezone, "now", lambda: then):
        return draft()


def submit(world, item) -> Item:
    return actions.submit(fresh(item).proposer.user, item.pk)


def register(world, item) -> Item:
    return actions.register(world.assembly_office(item.assembly), item.pk)


def assign(world, item, *, co=True, separate=False) -> list[Assignment]:
    """Lead unit (+ co-handling unit), or with separate=True two separate units (分办)."""
    if separate:
        return actions.assign(world.gov_office, item.pk, separate=[world.lead_unit.pk, world.spare_unit.pk], note="请分别答复")
    return actions.assign(world.gov_office, item.pk, lead=world.lead_unit.pk, co=[world.co_unit.pk] if co else [], note="请按时办理")


def sign_all(world, item) -> None:
    for a in active_assignments(item):
        if a.state == Assignment.State.PENDING:
            actions.sign(world.liaison_of(a.unit), item.pk, assignment=a.pk)


def consult(world, item, assignment=None, *, kind="before", form="visit", held_on=None):
    a = assignment or lead_assignment(item)
    return actions.record_consultation(world.liaison_of(a.unit), item.pk, assignment=a.pk, kind=kind, form=form, held_on=held_on or today(),
                                       participants="王委员、建委联络员", proposer_views="希望年内启动试点。")


def send_co_opinions(world, item) -> None:
    for a in active_assignments(item):
        if a.role == AssignmentRole.CO and not hasattr(a, "co_opinion"):
            actions.send_co_opinion(world.liaison_of(a.unit), item.pk, assignment=a.pk, text="同意主办单位意见，我委将配合做好交通组织。")


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


def lapse_feedback(item, days: int = 60) -> None:
    """The item's sent replies went out `days` ago, so the proposer's feedback window is over, as
    the daily scan would find it (the window is read from the deadline rows, hence the sync)."""
    from banli.deadlines.sync import sync_item

    Reply.objects.filter(item=item, sent_at__isnull=False).update(sent_at=timezone.now() - datetime.timedelta(days=days))
    sync_item(item.pk)


REPLY_STAGES = ("drafted", "pending_unit", "pending_leader", "approved")


def reply_at(world, stage: str, code: str = "A", *, co: bool = False) -> Item:
    """A new item whose lead unit's reply stands at `stage` (REPLY_STAGES): met the proposer, the
    co-handling opinions in (co=True), the reply drafted, then submitted to the unit leader, then
    approved by them (a C reply then waits on the district leader: "pending_leader")."""
    item = make_item(world, "handling", co=co)
    consult(world, item)
    send_co_opinions(world, item)
    a = lead_assignment(item)
    actions.draft_reply(world.lead_liaison, item.pk, assignment=a.pk, **reply_fields(code))
    if stage != "drafted":
        actions.submit_reply(world.lead_liaison, item.pk, assignment=a.pk)
    if stage in ("pending_leader", "approved"):
        actions.approve_reply(world.lead_head, item.pk, assignment=a.pk)
    return item


def approve(world, item, assignment) -> Reply:
    """Unit head approves; a type needing it is then approved by the supervising district leader."""
    reply = actions.approve_reply(world.head_of(assignment.unit), item.pk, assignment=assignment.pk)
    if reply.state == Reply.State.PENDING_LEADER:
        leader = assignment.unit.supervising_leader
        reply = actions.leader_approve_reply(leader, item.pk, assignment=assignment.pk, comment="同意。")
    return reply


def reply(world, item, assignment=None, reply_type="A", *, send=True, **over) -> Reply:
    """Draft, submit, approve and (by default) send one unit's reply. For a first reply, meet the
    proposer (and for the lead, get the co-handling opinions) first if that has not happened; for a
    second reply, call the proposer again."""
    a = assignment or lead_assignment(item)
    liaison = world.liaison_of(a.unit)
    if a.answers and a.reply_round == 1:
        if not item.consultations.filter(unit=a.unit, kind="before", form__in=["visit", "meeting", "site"]).exists():
            consult(world, item, a)
        if a.role == AssignmentRole.LEAD:
            send_co_opinions(world, item)
    elif a.reply_round > 1:
        # Rule 9: in re-handling the unit contacts the proposer again before the second reply.
        consult(world, item, a, kind="during", form="phone")
    r = actions.draft_reply(liaison, item.pk, assignment=a.pk, **reply_fields(reply_type, **over))
    actions.submit_reply(liaison, item.pk, assignment=a.pk)
    r = approve(world, item, a)
    if send:
        r = actions.send_reply(liaison, item.pk, assignment=a.pk)
    return r


def rate(world, item, *, grade="good", agrees=True, reply=None, comment="满意", **kw):
    """The lead proposer rates the awaited reply (by default the latest sent, unrated one)."""
    r = reply or Reply.objects.filter(item=item, state=Reply.State.SENT, is_conversion=False, feedback__isnull=True).order_by("id").last()
    return actions.give_feedback(fresh(item).proposer.user, item.pk, reply_id=r.pk, grade=grade, agrees=agrees, comment=comment, **kw)


def close_by_report(world, item, assignment=None, *, done_on=None):
    a = assignment or lead_assignment(item)
    actions.file_closure_report(world.liaison_of(a.unit), item.pk, assignment=a.pk, text="已完成加装电梯试点。", done_on=done_on or today())
    return actions.approve_closure_report(world.head_of(a.unit), item.pk, assignment=a.pk, comment="同意办结。")


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
        # One poor rating is enough: the item is then re-handled, and rates nothing more until replied again.
        r = Reply.objects.filter(item=item, state=Reply.State.SENT, feedback__isnull=True).order_by("id").first()
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
