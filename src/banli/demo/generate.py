"""The demo district: people, units, two sessions of each assembly, and a few hundred items whose
whole history is made by the action functions, acting as the right users.

How time is handled: every step of every item is planned first, with the date and time it
happens (working days, office hours). The steps of all items are then run in time order with
Django's clock (`django.utils.timezone.now`) set to each step's moment. So every timestamp the
actions write (created_at, submitted_at, audit `at`, sent_at, ...) is the planned one, and the
rules that read "today" (a planned date may not be in the past, the feedback window must have
lapsed, a consultation may not be dated in the future) hold as they would have on that day.
Nothing is backdated afterwards.

The whole generation is one transaction: it either completes or leaves the database as it was
(which `load_demo --if-empty` relies on). Notifications, which the actions schedule for after
commit, are delivered at the simulated moment of the step instead of at the final commit.
"""

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone as django_timezone

from banli.errors import BanliError
from banli.org.models import (
    Assembly, Category, Person, Session, SessionPolicy, StaffRole, Term, Unit, UnitLiaison,
)
from banli.proposals import actions as A
from banli.proposals.models import Item, ItemState
from banli.workdays.calendar import add_months, add_working_days, is_working_day

from . import content as C
from .reference import load_reference_data

TZ = ZoneInfo("Asia/Shanghai")
PASSWORD = "banli-demo"
S = ItemState

# The accounts people log in with: username, role (zh), role (en).
ACCOUNTS = [
    ("member1", "政协委员（领衔提案人）", "CPPCC member (proposer)"),
    ("member2", "政协委员（联名人）", "CPPCC member (co-signer)"),
    ("deputy1", "人大代表", "NPC deputy"),
    ("cppcc", "区政协提案委", "CPPCC proposals committee"),
    ("npc", "区人大代表工委", "NPC deputies' affairs committee"),
    ("office", "区政府办公室（督查）", "government office"),
    ("unit1", "承办单位联络员（区住建局）", "unit liaison, housing bureau"),
    ("unit1_head", "单位主要领导（区住建局）", "unit leader, housing bureau"),
    ("unit2", "承办单位联络员（区城管局）", "unit liaison, city management bureau"),
    ("unit2_head", "单位主要领导（区城管局）", "unit leader, city management bureau"),
    ("leader1", "分管副区长", "deputy district mayor (supervising leader)"),
    ("admin", "系统管理员", "administrator"),
]

CUR_COUNTS = {
    Assembly.CPPCC: {S.DRAFT: 5, S.SUBMITTED: 5, S.REGISTERED: 4, S.ASSIGNED: 5, S.HANDLING: 12, S.REPLIED: 12, S.EVALUATED: 18,
                     S.REHANDLING: 3, S.CLOSED: 30, S.NOT_REGISTERED: 3, S.MERGED: 3, S.CONVERTED: 2, S.WITHDRAWN: 3},
    Assembly.NPC: {S.DRAFT: 3, S.SUBMITTED: 3, S.REGISTERED: 2, S.ASSIGNED: 3, S.HANDLING: 6, S.REPLIED: 6, S.EVALUATED: 9,
                   S.REHANDLING: 2, S.CLOSED: 15, S.NOT_REGISTERED: 2, S.MERGED: 1, S.CONVERTED: 1, S.WITHDRAWN: 2},
}
PREV_COUNTS = {
    Assembly.CPPCC: {S.CLOSED: 60, S.NOT_REGISTERED: 3, S.MERGED: 2, S.CONVERTED: 2, S.WITHDRAWN: 2},
    Assembly.NPC: {S.CLOSED: 33, S.NOT_REGISTERED: 2, S.MERGED: 1, S.CONVERTED: 2, S.WITHDRAWN: 2},
}
# Items whose last step is recent: they are planned backwards from today.
RECENT = {S.DRAFT, S.SUBMITTED, S.REGISTERED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.REHANDLING}

NUMERALS = "〇一二三四五六七八九十"


def cn_ordinal(n: int) -> str:
    if n <= 10:
        return NUMERALS[n]
    if n < 20:
        return "十" + NUMERALS[n - 10]
    return NUMERALS[n // 10] + "十" + (NUMERALS[n % 10] if n % 10 else "")


def cn_date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def self_word(unit_name: str) -> str:
    """How a unit refers to itself in a letter: 我局, 我委, 我街道 ..."""
    for suffix, word in (("委员会", "委"), ("局", "局"), ("街道", "街道"), ("镇", "镇"), ("公司", "公司"), ("大队", "大队"),
                         ("中心", "中心"), ("联合会", "会"), ("协会", "会"), ("工会", "会")):
        if unit_name.endswith(suffix):
            return word
    return "单位"


def office_dt(day: dt.date, rng: random.Random, lo=(8, 40), hi=(17, 30)) -> dt.datetime:
    m = rng.randint(lo[0] * 60 + lo[1], hi[0] * 60 + hi[1])
    return dt.datetime(day.year, day.month, day.day, m // 60, m % 60, rng.randint(0, 59), tzinfo=TZ)


def next_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_days_before(day: dt.date, n: int) -> dt.date:
    while n > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


class DemoError(Exception):
    pass


class _Clock:
    """Stands in for django.utils.timezone.now while the steps run."""

    def __init__(self):
        self.t = None
        self._real = django_timezone.now

    def __call__(self):
        return self.t.astimezone(dt.timezone.utc) if self.t is not None else self._real()


def _deliver_now(func, using=None, robust=False):
    func()


# ---------------------------------------------------------------------------------------------
@dataclass
class Spec:
    """What one item will be: who files it, on what, and how far its life goes."""

    idx: int
    assembly: str
    session: Session
    target: str
    person: Person
    title: str = ""
    reason: str = ""
    suggestions: str = ""
    sub: str = ""
    act: str = ""
    lead: Unit | None = None
    co: list = field(default_factory=list)
    separate: list = field(default_factory=list)
    cosigners: list = field(default_factory=list)  # (Person, "confirm" | "decline" | "none")
    consent: bool | None = True
    reply_type: str = "A"
    promise: bool = False  # an A reply that promises something by a date
    grade: str = "good"
    agrees: bool = True
    praise: bool = False
    lapsed: bool = False
    rehandle: bool = False
    rehandle_type: str = "A"
    cut: str = ""
    key_leader: object = None
    adjustment: str = ""  # approved / refused / pending
    adjust_alt: Unit | None = None
    extension: str = ""  # approved / pending
    returned: bool = False
    early: bool = False
    convert_to: str = ""
    messages: bool = False
    urge_sign: bool = False
    late_consult: bool = False
    withhold_rec: bool = False
    reassign_add: Unit | None = None
    waive: bool = False
    reply_return: bool = False
    closure_return: bool = False
    during: bool = False
    after_visit: bool = False
    revoke: bool = False
    merge_into: "Spec | None" = None
    reject_reason: str = ""
    convert_as: str = ""
    withdraw_pending: bool = False
    withdraw_stage: str = "submitted"
    suggested: list = field(default_factory=list)
    anchor: str = "main"
    plan: "ItemPlan | None" = None

    @property
    def noun(self):
        return "提案" if self.assembly == Assembly.CPPCC else "建议"

    @property
    def person_title(self):
        return "" if self.person.is_collective else ("委员" if self.assembly == Assembly.CPPCC else "代表")


class Ctx:
    """What the steps of one item learn as they run (ids the database hands out)."""

    def __init__(self):
        self.item_id = None
        self.asg = {}  # unit id -> assignment id
        self.reply = {}  # unit id -> id of the last sent reply
        self.message_id = None


# ---------------------------------------------------------------------------------------------
class Generator:
    def __init__(self, seed: int = 2026, now: dt.datetime | None = None, log=None):
        self.seed = seed
        self.rng = random.Random(seed)
        self.real_now = (now or django_timezone.now()).astimezone(TZ)
        self.log = log or (lambda msg: None)
        self.events = []  # (time, seq, label, fn, spec)
        self.seq = 0
        self.specs: list[Spec] = []
        self.used_titles = set()

    # -- public ----------------------------------------------------------------------------
    def run(self) -> dict:
        started = time.monotonic()
        load_reference_data()
        with transaction.atomic():
            self.setup()
            self.build_specs()
            self.plan()
            self.log(f"planned {len(self.specs)} items, {len(self.events)} steps")
            self.execute()
        summary = {
            "items": Item.objects.count(),
            "states": dict(Counter(Item.objects.values_list("state", flat=True))),
            "steps": len(self.events),
            "seconds": round(time.monotonic() - started, 1),
        }
        return summary

    # -- setup: people, units, sessions --------------------------------------------------------
    def setup(self):
        r = self.rng
        now = self.real_now
        self.cur_year = now.year if (now.month, now.day) >= (9, 1) else now.year - 1
        self.prev_year = self.cur_year - 1
        self.horizon = {"cur": now - dt.timedelta(minutes=30),
                        "prev": dt.datetime(self.prev_year, 12, 24, 17, 0, tzinfo=TZ)}
        term_start = dt.date(2021, 12, 20)
        joined = dt.datetime(2021, 12, 20, 9, 0, tzinfo=TZ)
        User = get_user_model()
        self.password_hash = make_password(PASSWORD)
        self._users = []
        self._names = set()

        def user(username, name, **extra):
            u = User(username=username, first_name=name, password=self.password_hash, date_joined=joined, **extra)
            self._users.append(u)
            return u

        # Staff
        self.admin = user("admin", "系统管理员", is_staff=True, is_superuser=True, email="admin@banli.local")
        self.office = user("office", "陈静")
        self.ao = {Assembly.CPPCC: user("cppcc", "赵敏"), Assembly.NPC: user("npc", "孙丽")}
        self.leaders = {}
        for key, name, title in C.LEADERS:
            username = "leader1" if key == "L1" else f"leader_{int(key[1:]) + 1}"
            self.leaders[key] = (user(username, name), title)
        # Units: a liaison and a leader each; a few with liaisons who left or will leave.
        self.unit_rows = []
        for i, (code, name, short, kind, lkey) in enumerate(C.UNITS, start=1):
            base = "unit1" if i == 1 else "unit2" if i == 2 else f"unit_{i:02d}"
            liaison = user(base, self.person_name())
            head = user(f"{base}_head", self.person_name())
            self.unit_rows.append((code, name, short, kind, lkey, liaison, head, base))
        # Liaison changes: (unit code, [dates]) — the user serving before each date is replaced then.
        self.liaison_changes = {
            "jtj": [dt.date(self.prev_year, 6, 16)], "jyj": [dt.date(self.prev_year, 9, 1)],
            "wjw": [dt.date(self.prev_year, 4, 1), dt.date(self.prev_year, 10, 8)],
            "mzj": [dt.date(self.cur_year, 3, 16)], "t_nh": [dt.date(self.cur_year, 7, 1)], "gxj": [dt.date(self.cur_year, 5, 6)],
        }
        self.old_liaisons = {"fgw": dt.date(self.prev_year - 1, 11, 30), "czj": dt.date(self.prev_year - 1, 8, 31), "t_qs": dt.date(self.prev_year - 1, 12, 15)}
        extra_liaisons = {}
        for code, dates in self.liaison_changes.items():
            row = next(x for x in self.unit_rows if x[0] == code)
            # the final liaison keeps the plain username; earlier ones are _old, _old2
            chain = [user(f"{row[7]}_old{'' if k == 0 else k + 1}", self.person_name()) for k in range(len(dates))]
            extra_liaisons[code] = list(reversed(chain))  # earliest first
        long_gone = {code: user(f"{next(x for x in self.unit_rows if x[0] == code)[7]}_old", self.person_name()) for code in self.old_liaisons}
        # People
        people_specs = self.people_specs()
        person_users = []
        for spec in people_specs:
            person_users.append(user(spec["username"], spec["name"]))
        User.objects.bulk_create(self._users, batch_size=500)
        if any(u.pk is None for u in self._users):  # a backend that does not return ids
            ids = dict(User.objects.filter(username__in=[u.username for u in self._users]).values_list("username", "id"))
            for u in self._users:
                u.pk = ids[u.username]
        self.users = {u.username: u for u in self._users}

        # Staff roles
        StaffRole.objects.bulk_create([
            StaffRole(user=self.office, kind=StaffRole.Kind.GOV_OFFICE, title="区政府办公室督查科科长"),
            StaffRole(user=self.ao[Assembly.CPPCC], kind=StaffRole.Kind.ASSEMBLY_OFFICE, assembly=Assembly.CPPCC, title="区政协提案委员会办公室主任"),
            StaffRole(user=self.ao[Assembly.NPC], kind=StaffRole.Kind.ASSEMBLY_OFFICE, assembly=Assembly.NPC, title="区人大常委会代表工委主任"),
        ] + [StaffRole(user=u, kind=StaffRole.Kind.DISTRICT_LEADER, title=title) for u, title in self.leaders.values()])

        # Units and liaisons
        self.units = {}
        self.cur_liaison = {}
        liaison_rows = []
        for code, name, short, kind, lkey, liaison, head, _ in self.unit_rows:
            unit = Unit.objects.create(name=name, short_name=short, kind=kind, leader=head, supervising_leader=self.leaders[lkey][0],
                                       phone=f"0731-8{r.randint(1000000, 9999999)}")
            self.units[code] = unit
            chain = extra_liaisons.get(code, [])
            if code in self.old_liaisons:
                ended = self.old_liaisons[code]
                liaison_rows.append(UnitLiaison(unit=unit, user=long_gone[code], started_on=term_start, ended_on=ended))
                liaison_rows.append(UnitLiaison(unit=unit, user=liaison, started_on=ended + dt.timedelta(days=1)))
                self.cur_liaison[unit.pk] = liaison
            elif chain:
                liaison_rows.append(UnitLiaison(unit=unit, user=chain[0], started_on=term_start))
                self.cur_liaison[unit.pk] = chain[0]
                successors = chain[1:] + [liaison]
                for when, new in zip(self.liaison_changes[code], successors):
                    self.event(office_dt(when, r, (8, 0), (8, 20)) - dt.timedelta(hours=1), "liaison_change", partial(self.change_liaison, unit, new, when))
            else:
                liaison_rows.append(UnitLiaison(unit=unit, user=liaison, started_on=term_start))
                self.cur_liaison[unit.pk] = liaison
        UnitLiaison.objects.bulk_create(liaison_rows)
        self.unit1, self.unit2 = self.units["zjj"], self.units["cgj"]
        self.town_units = {u.name: u for u in self.units.values() if u.kind == "town"}

        # People
        persons = []
        for spec, u in zip(people_specs, person_users):
            persons.append(Person(assembly=spec["assembly"], user=u, is_collective=spec.get("collective", False), name=spec["name"],
                                  sector=spec["sector"], party=spec.get("party", ""), employer=spec.get("employer", ""),
                                  phone=spec.get("phone", ""), address=spec.get("address", "")))
        Person.objects.bulk_create(persons)
        self.users_by_id = {u.pk: u for u in self._users}
        persons = list(Person.objects.order_by("id"))
        for p in persons:
            p.user = self.users_by_id[p.user_id]
        self.person_by_username = {p.user.username: p for p in persons}
        self.members = [p for p in persons if p.assembly == Assembly.CPPCC and not p.is_collective]
        self.deputies = [p for p in persons if p.assembly == Assembly.NPC]
        self.collectives = [p for p in persons if p.is_collective]
        self.member1 = self.person_by_username["member1"]
        self.member2 = self.person_by_username["member2"]
        self.deputy1 = self.person_by_username["deputy1"]
        # Some proposers file a lot, most one or two, some none.
        self.weights = {p.pk: r.choice([0.3, 1, 1, 1, 2, 2, 3]) for p in persons}

        # Terms, sessions and their settings
        self.sessions = {}
        for assembly, ordinal, term_name, day in ((Assembly.CPPCC, 10, "第十届", 6), (Assembly.NPC, 18, "第十八届", 7)):
            term = Term.objects.create(assembly=assembly, ordinal=ordinal, name=term_name, starts_on=term_start + dt.timedelta(days=day - 6))
            for key, year in (("prev", self.prev_year), ("cur", self.cur_year)):
                n = year - 2021
                opens = next_working_day(dt.date(year, 1, day))
                s = Session.objects.create(term=term, ordinal=n, name=f"第{cn_ordinal(n)}次会议", year=year, opens_on=opens,
                                           is_current=(key == "cur"))
                SessionPolicy.for_session(s)
                self.sessions[(assembly, key)] = s
        self.session_key = {s.pk: key for (a, key), s in self.sessions.items()}
        # The office assigns the bulk of each session's items at its 交办会 (assignment meetings).
        self.batches = {}
        for (assembly, key), s in self.sessions.items():
            first = next_working_day(s.opens_on + dt.timedelta(days=40))
            self.batches[s.pk] = [first, add_working_days(first, 8), add_working_days(first, 20)]
        self.categories = {(c.assembly, c.name): c for c in Category.objects.filter(parent__isnull=False)}

    def person_name(self, female=None) -> str:
        r = self.rng
        while True:
            female = r.random() < 0.4 if female is None else female
            pool = C.GIVEN_F if female else C.GIVEN_M
            given = r.choice(pool) + (r.choice(pool) if r.random() < 0.75 else "")
            name = r.choice(C.SURNAMES) + given
            if name not in self._names and len(set(given)) == len(given):
                self._names.add(name)
                return name

    def phone(self):
        return f"1{self.rng.choice('3589')}{self.rng.randint(0, 9)}{self.rng.randint(10000000, 99999999)}"

    def address(self, town=None):
        r = self.rng
        town = town or r.choice(C.TOWNS_URBAN + C.TOWNS_RURAL)
        if town.endswith("镇"):
            return f"{town}{r.choice(['龙泉村', '新桥村', '杨柳村', '石门村', '青石村', '桃花村'])}{r.randint(1, 12)}组{r.randint(1, 60)}号"
        return f"{town}{r.choice(C.ROADS)}{r.randint(1, 300)}号{r.choice(C.COMMUNITIES)[:-2]}小区{r.randint(1, 20)}栋{r.randint(1, 6)}单元{r.randint(1, 18)}0{r.randint(1, 4)}室"

    def people_specs(self):
        r = self.rng
        out = []
        sectors = C.CPPCC_SECTORS
        out.append({"username": "member1", "name": "李文博", "assembly": Assembly.CPPCC, "sector": "民盟", "party": "民盟盟员",
                    "employer": "区第一中学副校长", "phone": self.phone(), "address": self.address("城关街道")})
        out.append({"username": "member2", "name": "王秀兰", "assembly": Assembly.CPPCC, "sector": "医药卫生界", "party": "民盟盟员",
                    "employer": "区人民医院主任医师", "phone": self.phone(), "address": self.address("东湖街道")})
        self._names.update({"李文博", "王秀兰", "陈志强"})
        for i in range(3, 161):
            sector, party = r.choice(sectors)
            employer = r.choice(C.SECTOR_EMPLOYERS.get(sector, C.GENERIC_EMPLOYERS))
            out.append({"username": f"member_{i:03d}", "name": self.person_name(), "assembly": Assembly.CPPCC, "sector": sector,
                        "party": party, "employer": employer, "phone": self.phone(), "address": self.address()})
        towns = C.TOWNS_URBAN + C.TOWNS_RURAL
        out.append({"username": "deputy1", "name": "陈志强", "assembly": Assembly.NPC, "sector": "青山镇代表团", "party": "中共党员",
                    "employer": "青山镇龙泉村党总支书记", "phone": self.phone(), "address": self.address("青山镇")})
        for i in range(2, 66):
            town = towns[i % len(towns)]
            employer = r.choice(C.NPC_EMPLOYERS).format(town=town, community=r.choice(C.COMMUNITIES))
            out.append({"username": f"deputy_{i:03d}", "name": self.person_name(), "assembly": Assembly.NPC, "sector": f"{town}代表团",
                        "party": r.choice(C.NPC_PARTIES), "employer": employer, "phone": self.phone(), "address": self.address(town)})
        for username, name, sector, _ in C.COLLECTIVES:
            out.append({"username": username, "name": name, "assembly": Assembly.CPPCC, "sector": sector, "collective": True,
                        "employer": name, "phone": f"0731-8{r.randint(1000000, 9999999)}"})
        return out

    def change_liaison(self, unit, new_user, when):
        old = self.cur_liaison[unit.pk]
        UnitLiaison.objects.filter(unit=unit, user=old, ended_on__isnull=True).update(ended_on=when - dt.timedelta(days=1))
        UnitLiaison.objects.create(unit=unit, user=new_user, started_on=when)
        self.cur_liaison[unit.pk] = new_user
        for u in (old, new_user):
            u.__dict__.pop("_banli_actor", None)

    # -- who acts --------------------------------------------------------------------------------
    def liaison(self, unit):
        return self.cur_liaison[unit.pk]

    def head(self, unit):
        return self.users_by_pk[unit.leader_id]

    def supervisor(self, unit):
        return self.users_by_pk[unit.supervising_leader_id]

    # -- specs -------------------------------------------------------------------------------
    def build_specs(self):
        self.users_by_pk = self.users_by_id
        counts = {}
        for assembly in Assembly.values:
            counts[(assembly, "cur")] = Counter(CUR_COUNTS[assembly])
            counts[(assembly, "prev")] = Counter(PREV_COUNTS[assembly])
        self.counts = counts
        self.hero_specs()
        # Fill every (assembly, session, state) up to its count with random items.
        for (assembly, key), counter in counts.items():
            for state, n in counter.items():
                for _ in range(n):
                    self.random_spec(assembly, key, state)
        # Merged items join a registered item on the same subject.
        for s in [s for s in self.specs if s.target == S.MERGED]:
            self.attach_merge(s)
        self.choose_key_items()

    def topic(self, title_core):
        return next(t for t in C.TOPICS if t.title == title_core)

    def new_spec(self, assembly, key, target, person=None, topic=None, places=None, **kw) -> Spec:
        r = self.rng
        counter = self.counts[(assembly, key)]
        counter[target] -= 1
        session = self.sessions[(assembly, key)]
        if person is None:
            pool = self.members + self.collectives if assembly == Assembly.CPPCC else self.deputies
            person = r.choices(pool, weights=[self.weights[p.pk] for p in pool])[0]
        spec = Spec(idx=len(self.specs) + 1, assembly=assembly, session=session, target=target, person=person)
        spec.anchor = "recent" if key == "cur" and target in RECENT else "main"
        if topic is not None or target not in (S.NOT_REGISTERED, S.CONVERTED):
            self.fill_topic(spec, topic, places or {})
        self.random_options(spec)
        for k, v in kw.items():
            setattr(spec, k, v)
        self.normalize(spec)
        self.specs.append(spec)
        return spec

    def normalize(self, s):
        """Make the options agree with each other after a hero's overrides."""
        r = self.rng
        if s.target == S.REHANDLING and s.separate:
            s.lead, s.co, s.separate = s.separate[0], s.co + s.separate[1:], []
        if s.separate:
            s.rehandle = s.rehandle and s.target == S.REHANDLING
        units = ([s.lead] if s.lead else []) + s.co + s.separate
        ids = {u.pk for u in units}
        if s.reassign_add is not None and s.reassign_add.pk in ids:
            s.reassign_add = None
        if s.adjustment and (s.adjust_alt is None or s.adjust_alt.pk in ids):
            alts = [self.units[c] for c in getattr(s, "topic").co if self.units[c].pk not in ids] if hasattr(s, "topic") else []
            s.adjust_alt = r.choice(alts or [u for u in self.units.values() if u.kind == "bureau" and u.pk not in ids])
        if not s.co:
            s.waive = False
            if s.cut == "co_pending":
                s.cut = "consulted"
            if s.cut == "partly":
                s.cut = "none_signed"
        if s.cut == "pending_leader" and s.reply_type != "C":
            s.cut = "pending_unit"
        if s.cut == "extension_pending":
            s.extension = "pending"
        elif s.extension == "pending":
            s.extension = ""
        if s.target == S.EVALUATED and s.reply_type == "C" and not s.convert_to and not (s.rehandle and s.rehandle_type != "C"):
            s.reply_type = "A"
        if s.target == S.EVALUATED and s.rehandle and s.rehandle_type == "C":
            s.rehandle_type = "B"
        if s.cut == "closure_pending" and (s.reply_type != "A" or s.promise or s.rehandle):
            s.cut = "progress"
        if s.reply_type != "A":
            s.promise = False
        if s.rehandle or s.target == S.REPLIED:
            s.lapsed = False
        if not s.rehandle and (s.grade == "poor" or not s.agrees):
            s.grade, s.agrees = "fair", True

    def places_for(self, spec, given):
        r = self.rng
        home = None
        if spec.assembly == Assembly.NPC and spec.person.sector.endswith("代表团"):
            home = spec.person.sector[:-3]
        places = {
            "utown": home if home in C.TOWNS_URBAN else r.choice(C.TOWNS_URBAN),
            "rtown": home if home in C.TOWNS_RURAL else r.choice(C.TOWNS_RURAL),
            "road": r.choice(C.ROADS), "community": r.choice(C.COMMUNITIES), "school": r.choice(C.SCHOOLS),
            "hospital": r.choice(C.HOSPITALS), "river": r.choice(C.RIVERS), "park": r.choice(C.PARKS),
        }
        places["road2"] = r.choice([x for x in C.ROADS if x != places["road"]])
        places.update(given)
        return places

    def fill_topic(self, spec, topic, given):
        r = self.rng
        for attempt in range(60):
            t = topic or r.choice(C.TOPICS)
            places = self.places_for(spec, given)
            title = f"关于{t.title.format(**places)}的{spec.noun}"
            if (spec.session.pk, title) not in self.used_titles or (topic is not None and attempt > 20):
                break
        self.used_titles.add((spec.session.pk, title))
        spec.title = title
        spec.sub = t.sub
        spec.reason = t.reason.format(**places)
        spec.suggestions = "\n".join(f"{NUMERALS[i + 1]}是{s.format(**places)}。" for i, s in enumerate(t.suggestions))
        spec.act = t.act.format(**places)
        spec.topic = t
        spec.places = places
        lead = self.units[t.lead]
        co_pool = [self.units[c] for c in t.co]
        town = places["utown"] if "{utown}" in t.title else places["rtown"] if "{rtown}" in t.title else None
        if t.town_lead and town and r.random() < 0.35:
            co_pool = [lead] + co_pool[:1]
            lead = self.town_units[town]
            k = 1 + (r.random() < 0.3)
        else:
            k = r.choices([0, 1, 2], weights=[42, 45, 13])[0]
        co = co_pool[:1] if k == 1 and lead.kind == "town" else r.sample(co_pool, min(k, len(co_pool)))
        spec.lead, spec.co, spec.separate = lead, co, []
        if co and r.random() < 0.08:
            spec.separate, spec.lead, spec.co = [lead, co[0]], None, co[1:]
        spec.suggested = [u.pk for u in ([lead] if lead else spec.separate[:1]) + co[:1]]

    def random_options(self, spec):
        r = self.rng
        s = spec
        is_cppcc = s.assembly == Assembly.CPPCC
        if r.random() < (0.38 if is_cppcc else 0.25):
            pool = [p for p in (self.members if is_cppcc else self.deputies) if p.pk != s.person.pk]
            for p in r.sample(pool, r.choices([1, 2, 3], weights=[55, 30, 15])[0]):
                s.cosigners.append((p, r.choices(["confirm", "decline", "none"], weights=[85, 7, 8])[0]))
        s.consent = r.choices([True, False, None], weights=[78, 10, 12])[0]
        s.reply_type = r.choices(["A", "B", "C"], weights=[50, 33, 17])[0]
        s.promise = s.reply_type == "A" and r.random() < 0.35
        s.grade = r.choices(["good", "fair", "average"], weights=[58, 30, 12])[0]
        s.agrees = True
        s.praise = s.grade == "good" and r.random() < 0.2
        s.messages = r.random() < 0.2
        s.urge_sign = r.random() < 0.08
        s.late_consult = r.random() < 0.08
        s.reply_return = r.random() < 0.08
        s.closure_return = r.random() < 0.06
        s.during = r.random() < 0.35
        s.after_visit = r.random() < 0.5
        s.early = r.random() < 0.45
        s.withhold_rec = r.random() < 0.05
        s.waive = bool(s.co) and r.random() < 0.04
        s.returned = r.random() < 0.05
        active_states = (S.ASSIGNED, S.HANDLING, S.REPLIED, S.EVALUATED, S.REHANDLING, S.CLOSED)
        if s.target in active_states and r.random() < 0.06:
            s.adjustment = r.choice(["approved", "approved", "refused"])
        if s.target in (S.HANDLING, S.REPLIED, S.EVALUATED, S.CLOSED, S.REHANDLING) and r.random() < 0.08:
            s.extension = "approved"
        if s.target in (S.CLOSED, S.EVALUATED) and not s.separate and r.random() < 0.07:
            self.make_rehandle(s)
        elif s.target in (S.CLOSED, S.EVALUATED) and r.random() < 0.06:
            s.lapsed = True
        if s.target == S.REHANDLING:
            self.make_rehandle(s)
        if s.target == S.EVALUATED and s.reply_type == "C" and not s.rehandle:
            s.reply_type = r.choice(["A", "B"])
            s.promise = s.reply_type == "A" and r.random() < 0.5
        if s.target == S.HANDLING:
            cuts = ["signed", "consulted", "draft", "pending_unit", "approved"]
            if s.co:
                cuts.append("co_pending")
            if s.reply_type == "C":
                cuts += ["pending_leader"] * 2
            if s.separate:
                cuts = ["separate_half"]
            s.cut = r.choice(cuts)
            if s.extension and s.cut in ("signed", "consulted", "co_pending"):
                s.extension = ""
        elif s.target == S.ASSIGNED:
            units = ([s.lead] if s.lead else []) + s.co + s.separate
            s.cut = r.choice(["none_signed", "partly"] if len(units) > 1 else ["none_signed"])
            s.adjustment = ""
        elif s.target == S.EVALUATED:
            s.cut = r.choice(["progress", "progress", "closure_pending"]) if s.reply_type == "A" and not s.promise else "progress"
        elif s.target == S.REHANDLING:
            s.cut = r.choice(["consulted2", "draft2"])
        elif s.target == S.WITHDRAWN:
            s.withdraw_stage = r.choice(["draft", "submitted", "registered"]) if self.session_key[s.session.pk] == "cur" else r.choice(["draft", "submitted"])
        if s.separate and s.target == S.REPLIED:
            s.cut = "separate_one_rated"
        if s.target == S.HANDLING and s.cut in ("approved", "draft", "pending_unit") and r.random() < 0.25 and not s.separate:
            # the office adds a co-handling unit the proposer's subject also concerns
            taken = {x.pk for x in [s.lead] + s.co if x}
            free = [self.units[c] for c in s.topic.co if self.units[c].pk not in taken]
            s.reassign_add = r.choice(free) if free else None

    def make_rehandle(self, s):
        r = self.rng
        s.rehandle = True
        s.lapsed = False
        s.grade, s.agrees = r.choice([("poor", False), ("poor", False), ("average", False)])
        s.praise = False
        s.rehandle_type = {"A": "A", "B": r.choice(["A", "B"]), "C": r.choice(["B", "C"])}[s.reply_type]

    def random_spec(self, assembly, key, state):
        s = self.new_spec(assembly, key, state)
        if state == S.NOT_REGISTERED:
            self.fill_special(s, C.REJECTED)
        elif state == S.CONVERTED:
            self.fill_special(s, C.CONVERTED)
        return s

    def fill_special(self, s, pool):
        r = self.rng
        places = self.places_for(s, {})
        for _ in range(20):
            row = r.choice(pool)
            title = f"关于{row[1].format(**places)}的{s.noun}"
            if (s.session.pk, title) not in self.used_titles:
                break
        self.used_titles.add((s.session.pk, title))
        s.title, s.sub = title, row[0]
        s.reason = row[2].format(**places)
        s.suggestions = "\n".join(f"{NUMERALS[i + 1]}是{x.format(**places)}。" for i, x in enumerate(row[3]))
        if pool is C.REJECTED:
            s.reject_reason = row[4]
        else:
            s.convert_as, s.reject_reason = row[4], row[5]
        s.lead, s.co, s.separate, s.suggested = None, [], [], []

    def attach_merge(self, s):
        r = self.rng
        targets = [t for t in self.specs if t.session.pk == s.session.pk and t.target in (S.CLOSED, S.EVALUATED) and t.anchor == "main"
                   and t.person.pk != s.person.pk and not t.merge_into]
        target = r.choice(targets)
        s.merge_into = target
        s.topic = target.topic
        self.used_titles.discard((s.session.pk, s.title))
        core = target.title[2:-len("的" + s.noun)]
        s.title = f"关于{core}工作的{s.noun}" if core.startswith(("进一步", "持续")) else f"关于进一步{core}的{s.noun}"
        s.reason, s.suggestions, s.sub = target.reason, target.suggestions, target.sub

    def choose_key_items(self):
        r = self.rng
        for (assembly, key), s in self.sessions.items():
            want = 3 if assembly == Assembly.CPPCC else 2
            have = sum(1 for x in self.specs if x.session.pk == s.pk and x.key_leader)
            pool = [x for x in self.specs if x.session.pk == s.pk and not x.key_leader and x.target in (S.CLOSED, S.EVALUATED, S.HANDLING, S.REPLIED)
                    and (x.lead or x.separate)]
            for x in r.sample(pool, max(0, want - have)):
                x.key_leader = self.supervisor(x.lead or x.separate[0])

    def hero_specs(self):
        """The items the demo accounts find when they log in."""
        m1, m2, d1 = self.member1, self.member2, self.deputy1
        u1, u2, U = self.unit1, self.unit2, self.units
        leader1 = self.leaders["L1"][0]
        cp, npc = Assembly.CPPCC, Assembly.NPC
        ms = self.new_spec
        other = lambda: self.rng.choice([p for p in self.members[2:]])  # noqa: E731
        # member1, current session
        ms(cp, "cur", S.REPLIED, m1, self.topic("加快既有住宅加装电梯工作"), lead=u1, co=[u2, U["zrj"]], separate=[],
           cosigners=[(m2, "confirm"), (other(), "confirm")], consent=True, reply_type="A", promise=True, cut="", adjustment="", extension="")
        ms(cp, "cur", S.REPLIED, m1, self.topic("加强住宅小区物业服务监管"), lead=u1, co=[U["mzj"]], separate=[], reply_type="B",
           cut="", adjustment="", consent=True)
        ms(cp, "cur", S.DRAFT, m1, self.topic("推进住宅小区新能源汽车充电设施建设"), lead=u1, co=[], separate=[],
           cosigners=[(m2, "none"), (other(), "confirm")], returned=False)
        ms(cp, "cur", S.SUBMITTED, m1, self.topic("规范电动自行车停放充电管理"), lead=u1, co=[u2], separate=[], returned=False)
        ms(cp, "cur", S.HANDLING, m1, self.topic("加快推进{utown}老旧小区改造"), {"utown": "城关街道"}, lead=u1, co=[u2], separate=[],
           cosigners=[(m2, "confirm")], cut="co_pending", adjustment="", extension="", reassign_add=None, waive=False, late_consult=False)
        ms(cp, "cur", S.CLOSED, m1, self.topic("优化中小学课后服务"), lead=U["jyj"], co=[U["czj"]], separate=[], reply_type="A", promise=False,
           grade="good", agrees=True, praise=True, consent=True, rehandle=False, lapsed=False, withhold_rec=False)
        ms(cp, "cur", S.EVALUATED, m1, self.topic("加快城区学校建设 缓解大班额问题"), lead=U["jyj"], co=[U["zrj"]], separate=[], reply_type="B",
           rehandle=False, lapsed=False, cut="progress", cosigners=[(m2, "confirm")])
        ms(cp, "cur", S.REHANDLING, m1, self.topic("加快发展保障性租赁住房"), lead=u1, co=[], separate=[], reply_type="B", cut="consulted2")
        ms(cp, "cur", S.EVALUATED, self.collectives[2], self.topic("稳妥推进{utown}城中村改造"), {"utown": "北苑街道"}, lead=u1, co=[u2],
           separate=[], reply_type="B", key_leader=leader1, rehandle=False, lapsed=False, cut="progress", adjustment="")
        ms(cp, "cur", S.HANDLING, None, self.topic("规范住宅专项维修资金使用"), lead=u1, co=[], separate=[], cut="pending_unit", extension="")
        ms(cp, "cur", S.HANDLING, None, self.topic("加快公共厕所提档升级"), lead=u2, co=[], separate=[], reply_type="C", cut="pending_leader", extension="")
        ms(cp, "cur", S.EVALUATED, None, self.topic("加快老旧燃气管道更新改造"), lead=u1, co=[U["yjj"]], separate=[], reply_type="A", promise=False,
           rehandle=False, lapsed=False, cut="closure_pending")
        ms(cp, "cur", S.HANDLING, None, self.topic("推进生活垃圾分类提质增效"), lead=u2, co=[u1], separate=[], reply_type="A", cut="pending_unit",
           extension="", waive=False)
        ms(cp, "cur", S.ASSIGNED, None, self.topic("增加{hospital}周边停车泊位"), lead=U["jtj"], co=[], separate=[], cut="adjusting",
           adjustment="pending", adjust_alt=u2)
        ms(cp, "cur", S.HANDLING, None, self.topic("加强{river}水环境综合治理"), lead=U["swj"], co=[U["sthj"]], separate=[],
           cut="extension_pending", extension="pending", waive=False)
        ms(cp, "cur", S.REGISTERED, None, self.topic("推动老字号和特色商业街区提档升级"), withdraw_pending=True)
        ms(cp, "cur", S.ASSIGNED, None, self.topic("加强建筑工地扬尘污染防治"), lead=u1, co=[u2], separate=[], cut="partly", adjustment="")
        ms(cp, "cur", S.CLOSED, m2, self.topic("推进紧密型医共体建设 提升基层医疗服务能力"), lead=U["wjw"], co=[U["ybj"]], separate=[],
           reply_type="B", early=True, rehandle=False, lapsed=False)
        ms(cp, "cur", S.REPLIED, m2, self.topic("做实家庭医生签约服务"), lead=U["wjw"], co=[], separate=[], reply_type="A", cut="")
        ms(cp, "cur", S.HANDLING, self.collectives[0], self.topic("加快{road}道路改造提升"), lead=U["jtj"], co=[u2], separate=[],
           key_leader=leader1, cut="consulted", extension="")
        ms(cp, "cur", S.EVALUATED, None, self.topic("推进{community}片区城市更新 保护历史风貌"), lead=U["zrj"], co=[u1], separate=[],
           reply_type="C", convert_to="B", rehandle=False, lapsed=False, cut="progress", grade="fair")
        ms(cp, "cur", S.CLOSED, self.collectives[1], self.topic("增加{utown}口袋公园和绿道建设"), {"utown": "东湖街道"}, lead=None, co=[],
           separate=[U["ylj"], U["t_dh"]], reply_type="A", rehandle=False)
        ms(cp, "cur", S.CLOSED, None, self.topic("推进城市内涝治理和排水管网改造"), lead=U["swj"], co=[u1, u2], separate=[], reply_type="A",
           rehandle=True, grade="poor", agrees=False, rehandle_type="A", lapsed=False)
        # deputy1 and the NPC side, current session
        ms(npc, "cur", S.REPLIED, d1, self.topic("加强{rtown}农村饮水安全保障"), {"rtown": "青山镇"}, lead=U["swj"], co=[U["nyj"]], separate=[],
           reply_type="B", cut="")
        ms(npc, "cur", S.CLOSED, d1, self.topic("推进{rtown}农村人居环境整治提升"), {"rtown": "青山镇"}, lead=U["t_qs"], co=[U["nyj"]],
           separate=[], reply_type="A", rehandle=False, lapsed=False, praise=True, grade="good")
        ms(npc, "cur", S.HANDLING, d1, self.topic("优化公交线网 打通出行“最后一公里”"), lead=U["jtj"], co=[], separate=[], cut="consulted", extension="")
        ms(npc, "cur", S.EVALUATED, d1, self.topic("加快特色农产品品牌建设"), lead=U["nyj"], co=[U["scj"]], separate=[], reply_type="B",
           rehandle=False, lapsed=False, cut="progress")
        ms(npc, "cur", S.DRAFT, d1, self.topic("发展壮大村级集体经济"), returned=False, cosigners=[])
        ms(npc, "cur", S.ASSIGNED, None, self.topic("加强{rtown}农村自建房安全隐患排查整治"), lead=u1, co=[U["yjj"]], separate=[],
           cut="none_signed", adjustment="")
        ms(npc, "cur", S.REPLIED, None, self.topic("加强住宅小区物业服务监管"), lead=u1, co=[u2], separate=[], reply_type="A", cut="")
        # previous session
        ms(cp, "prev", S.CLOSED, m1, self.topic("加强中小学生心理健康教育"), lead=U["jyj"], co=[U["wjw"]], separate=[], reply_type="A",
           rehandle=False, lapsed=False, consent=True)
        ms(cp, "prev", S.CLOSED, m1, self.topic("加强建筑工地扬尘污染防治"), lead=u1, co=[u2], separate=[], reply_type="B", early=True,
           rehandle=False, lapsed=False, cosigners=[(m2, "confirm")], key_leader=leader1)
        ms(cp, "prev", S.CLOSED, m2, self.topic("优化{hospital}就诊流程 缓解看病难"), lead=U["wjw"], co=[], separate=[], reply_type="A", rehandle=False)
        ms(cp, "prev", S.CLOSED, None, self.topic("加快既有住宅加装电梯工作"), lead=u1, co=[u2], separate=[], reply_type="C", convert_to="A",
           rehandle=False, lapsed=False)
        ms(cp, "prev", S.CLOSED, None, self.topic("加快推进{utown}老旧小区改造"), {"utown": "新华街道"}, lead=u1, co=[u2, U["gd"]], separate=[],
           reply_type="B", rehandle=True, grade="average", agrees=False, rehandle_type="A", lapsed=False, revoke=False)
        ms(cp, "prev", S.CLOSED, None, self.topic("激发夜间经济活力 打造{road}特色街区"), lead=U["swuj"], co=[u2], separate=[], reply_type="A",
           consent=True, revoke=True, rehandle=False, withhold_rec=False)
        ms(npc, "prev", S.CLOSED, d1, self.topic("加快农村电商和快递物流体系建设"), lead=U["swuj"], co=[U["nyj"]], separate=[], reply_type="A",
           rehandle=False)
        ms(npc, "prev", S.CLOSED, d1, self.topic("推动{rtown}农文旅融合发展"), {"rtown": "青山镇"}, lead=U["wlj"], co=[], separate=[],
           reply_type="C", rehandle=True, grade="poor", agrees=False, rehandle_type="B", lapsed=False)
        ms(npc, "prev", S.CLOSED, None, self.topic("推进住宅小区新能源汽车充电设施建设"), lead=u1, co=[U["gd"]], separate=[], reply_type="B",
           lapsed=True, rehandle=False, early=False)

    # -- planning -----------------------------------------------------------------------------
    def event(self, t, label, fn, spec=None):
        self.seq += 1
        self.events.append((t, self.seq, label, fn, spec))

    def plan(self):
        ordered = [s for s in self.specs if s.target != S.MERGED] + [s for s in self.specs if s.target == S.MERGED]
        for s in ordered:
            plan = self.plan_spec(s)
            s.plan = plan
            for t, label, fn in plan.steps:
                self.event(t, label, fn, s)
        for key in ("prev", "cur"):
            self.plan_questions(key)
        too_late = [(t, label, s.idx if s else None) for t, _, label, _, s in self.events if t > self.real_now]
        if too_late:
            raise DemoError(f"planned steps after now: {too_late[:5]}")

    def plan_spec(self, s: Spec) -> "ItemPlan":
        key = self.session_key[s.session.pk]
        horizon = self.horizon[key]
        rng = random.Random(f"{self.seed}:{s.idx}")
        if s.anchor == "main":
            start = office_dt(s.session.opens_on - dt.timedelta(days=rng.randint(6, 25)), rng, (8, 0), (21, 30))
            p = ItemPlan(self, s, start, horizon)
            p.build()
            return p
        # Recent items: plan, then move the start so the last step lands shortly before now.
        gap = dt.timedelta(hours=rng.uniform(5, 24 * 12))
        day = (horizon - dt.timedelta(days=2)).date()
        for attempt in range(10):
            start = office_dt(day, random.Random(f"{self.seed}:{s.idx}:start"), (8, 0), (21, 30))
            p = ItemPlan(self, s, start, horizon)
            p.build()
            end = max(t for t, _, _ in p.steps)
            want = horizon - gap
            if want - dt.timedelta(days=4) <= end <= horizon:
                break
            shift = (want - end).days or (-1 if end > horizon else 1)
            day += dt.timedelta(days=shift - (3 if attempt > 5 and end > horizon else 0))
        if end > horizon:
            raise DemoError(f"could not fit demo item #{s.idx} before now")
        return p

    def plan_questions(self, key):
        r = random.Random(f"{self.seed}:questions:{key}")
        horizon = self.horizon[key]
        for i, (code, subject, body, answer) in enumerate(C.QUESTIONS):
            if r.random() < 0.35 and key == "prev":
                continue
            assembly = r.choice([Assembly.CPPCC, Assembly.CPPCC, Assembly.NPC])
            asker = r.choice(self.members[2:] if assembly == Assembly.CPPCC else self.deputies[1:])
            if key == "cur" and code == "zjj":
                asker = self.member1
            unit = self.units[code] if code else None
            year = self.prev_year if key == "prev" else self.cur_year
            day = dt.date(year, 2, 1) + dt.timedelta(days=r.randint(0, 270))
            asked = office_dt(next_working_day(day), r, (8, 0), (21, 0))
            unanswered = key == "cur" and i in (3, 9)
            if unanswered:
                asked = office_dt(working_days_before(horizon.date(), r.randint(1, 3)), r, (8, 0), (12, 0))
                if asker is not self.member1 and i == 3:
                    asker = self.member1
            if asked > horizon:
                continue
            holder = {}
            self.event(asked, "ask_question", partial(self._ask, holder, asker.user, subject, body, unit))
            if not unanswered:
                answered = office_dt(add_working_days(asked.date(), r.randint(1, 4)), r)
                if answered < horizon:
                    self.event(answered, "answer_question", partial(self._answer, holder, unit, answer))

    def _ask(self, holder, user, subject, body, unit):
        holder["q"] = A.ask_question(user, subject=subject, body=body, to_unit_id=unit.pk if unit else None)

    def _answer(self, holder, unit, answer):
        user = self.liaison(unit) if unit else self.office
        A.answer_question(user, holder["q"].pk, answer=answer)

    # -- running ------------------------------------------------------------------------------
    def execute(self):
        events = sorted(self.events, key=lambda e: (e[0], e[1]))
        clock = _Clock()
        with mock.patch.object(django_timezone, "now", clock), mock.patch.object(transaction, "on_commit", _deliver_now):
            for t, _, label, fn, spec in events:
                clock.t = t
                try:
                    fn()
                except BanliError as exc:
                    raise DemoError(f"step {label} of demo item #{spec.idx if spec else '-'} ({spec.title if spec else ''}) "
                                    f"at {t:%Y-%m-%d %H:%M}: {exc.code}: {exc.zh} / {exc.en}") from exc
                except Exception as exc:
                    raise DemoError(f"step {label} of demo item #{spec.idx if spec else '-'} at {t:%Y-%m-%d %H:%M}: {exc!r}") from exc


# ---------------------------------------------------------------------------------------------
class ItemPlan:
    """The steps of one item, each with its moment. `build` writes them in the order of the
    item's life; the guards of the transition table are respected by construction."""

    def __init__(self, g: Generator, s: Spec, start: dt.datetime, horizon: dt.datetime):
        self.g, self.s = g, s
        self.rng = random.Random(f"{g.seed}:{s.idx}:plan")
        self.start = start
        self.horizon = horizon
        self.steps = []
        self.ctx = Ctx()
        self.t_register = None
        self.key = g.session_key[s.session.pk]
        self.planned = {}  # unit id -> the planned date of its latest reply

    # time helpers
    def add(self, t, label, fn):
        self.steps.append((t, label, fn))
        return t

    def wd(self, t, lo, hi=None):
        n = self.rng.randint(lo, lo if hi is None else hi)
        if n == 0:
            return self.mins(t)
        return office_dt(add_working_days(t.astimezone(TZ).date(), n), self.rng)

    def mins(self, t, lo=5, hi=90):
        t2 = t + dt.timedelta(minutes=self.rng.randint(lo, hi))
        if t2.astimezone(TZ).hour >= 18 or t2.astimezone(TZ).date() != t.astimezone(TZ).date():
            return office_dt(add_working_days(t.astimezone(TZ).date(), 1), self.rng, (8, 40), (10, 0))
        return t2

    def before_horizon(self, lo, hi):
        return office_dt(working_days_before(self.horizon.date(), self.rng.randint(lo, hi)), self.rng, (8, 40), (12, 0))

    # actors
    @property
    def proposer(self):
        return self.s.person.user

    # the life of the item
    def build(self):
        s, g, r, ctx = self.s, self.g, self.rng, self.ctx
        t = self.start
        proposer, ao = self.proposer, g.ao[s.assembly]
        item = lambda: ctx.item_id  # noqa: E731
        self.add(t, "create_draft", self._create)
        if s.cosigners:
            t = self.mins(t, 10, 40)
            self.add(t, "invite_cosigners", lambda: A.invite_cosigners(proposer, item(), person_ids=[p.pk for p, _ in s.cosigners]))
            t_inv, last = t, t
            for p, resp in s.cosigners:
                if resp == "none":
                    continue
                tr = self.wd(t_inv, 0, 2)
                self.add(tr, "respond_cosign", partial(self._respond, p.user, resp == "confirm"))
                last = max(last, tr)
            t = last
        if s.target == S.DRAFT and not s.returned:
            return
        if s.target == S.WITHDRAWN and s.withdraw_stage == "draft":
            t = self.wd(t, 1, 5)
            self.add(t, "withdraw", lambda: A.withdraw(proposer, item(), reason="经进一步调研，相关问题已有部门在推进解决，决定不再提交。"))
            return
        # submission
        t_sub = self.wd(t, 1, 2)
        if s.anchor == "main":
            day = next_working_day(s.session.opens_on + dt.timedelta(days=r.randint(-2, 4)))
            t_sub = max(t_sub, office_dt(day, r, (8, 30), (20, 30)))
        t = self.add(t_sub, "submit", lambda: A.submit(proposer, item()))
        if s.target == S.WITHDRAWN and s.withdraw_stage == "submitted":
            t = self.wd(t, 1, 4)
            self.add(t, "withdraw", lambda: A.withdraw(proposer, item(), reason="经与有关部门沟通，所提问题已基本解决，申请撤回。"))
            return
        if s.returned:
            t = self.wd(t, 2, 5)
            self.add(t, "return_for_revision", lambda: A.return_for_revision(ao, item(), reason="案由部分分析不够充分，建议补充相关数据和具体建议后重新提交。"))
            if s.target == S.DRAFT:
                return
            t = self.wd(t, 1, 4)
            more = s.suggestions + "\n四是加强宣传引导，及时公开工作进展，营造全社会共同参与的良好氛围。"
            self.add(t, "edit_draft", lambda: A.edit_draft(proposer, item(), suggestions=more))
            t = self.mins(t)
            self.add(t, "submit", lambda: A.submit(proposer, item()))
        if s.target == S.SUBMITTED:
            return
        # registration review
        t = self.wd(t, 3, 9)
        if s.target == S.NOT_REGISTERED:
            self.add(t, "reject", lambda: A.reject(ao, item(), reason=s.reject_reason))
            return
        if s.target == S.CONVERTED:
            self.add(t, "convert", lambda: A.convert(ao, item(), to=s.convert_as, reason=s.reject_reason))
            return
        if s.target == S.MERGED:
            target = s.merge_into
            t = max(t, self.wd(target.plan.t_register, 1, 3))
            self.add(t, "merge", lambda: A.merge(ao, item(), into_id=target.plan.ctx.item_id,
                                                      reason=f"与《{target.title}》内容相近，并案办理。"))
            return
        self.t_register = self.add(t, "register", lambda: A.register(ao, item()))
        if s.target == S.REGISTERED:
            if s.withdraw_pending:
                t = self.wd(t, 1, 3)
                self.add(t, "request_withdrawal", lambda: A.request_withdrawal(proposer, item(), reason="所提问题已在今年区重点工作中安排推进，申请撤回。"))
            return
        if s.target == S.WITHDRAWN:
            t = self.wd(t, 2, 6)
            self.add(t, "request_withdrawal", lambda: A.request_withdrawal(proposer, item(), reason="所提问题已由有关部门解决，申请撤回。"))
            t = self.wd(t, 1, 3)
            self.add(t, "decide_withdrawal", lambda: A.decide_withdrawal(ao, item(), approve=True, note="同意撤回。"))
            return
        self.plan_handling(t)

    def plan_handling(self, t):
        s, g, r, ctx = self.s, self.g, self.rng, self.ctx
        office, proposer = g.office, self.proposer
        item = lambda: ctx.item_id  # noqa: E731
        # assignment (交办)
        if s.anchor == "main":
            earliest = self.wd(t, 2).date()
            day = next((d for d in g.batches[s.session.pk] if d >= earliest), None)
            t_assign = office_dt(day, r, (9, 0), (11, 30)) if day else self.wd(t, 2, 5)
        else:
            t_assign = self.wd(t, 3, 8)
        units = ([(s.lead, "lead")] if s.lead else []) + [(u, "co") for u in s.co] + [(u, "separate") for u in s.separate]
        note = "请按规定时限签收办理，主办单位牵头与提案人（代表）当面沟通，会办单位及时提交会办意见。"
        self.add(t_assign, "assign", lambda: self._assign(note))
        if s.key_leader:
            tk = self.mins(t_assign, 30, 120)
            leader = s.key_leader
            self.add(tk, "mark_key", lambda: A.mark_key(office, item(), leader_id=leader.pk,
                                                             reason=f"该件涉及民生重点领域，群众关注度高，列为重点{s.noun}，由{leader.first_name}同志牵头督办。"))
        # signing, or asking to be relieved of it
        adjust_unit = None
        if s.adjustment:
            adjust_unit = s.lead or s.separate[0]
        signed = {}  # unit -> time
        roles = {}
        for u, role in units:
            if s.target == S.ASSIGNED and (s.cut == "none_signed" or (s.cut == "partly" and role == "co")):
                continue
            if u is adjust_unit:
                alt = s.adjust_alt
                tr = self.wd(t_assign, 1, 3)
                self.add(tr, "request_adjustment", partial(self._request_adjustment, u, alt, role))
                if s.adjustment == "pending":
                    continue
                td = self.wd(tr, 1, 4)
                approve = s.adjustment == "approved"
                self.add(td, "decide_adjustment", partial(self._decide_adjustment, u, alt, approve))
                final = alt if approve else u
                ts = self.wd(td, 1, 3)
                self.add(ts, "sign", partial(self._sign, final))
                signed[final], roles[final] = ts, role
                continue
            late = s.urge_sign and not signed
            if late:
                self.add(self.wd(t_assign, 5), "urge", partial(self._urge, u, C.URGES[0]))
            ts = self.wd(t_assign, 6, 9) if late else self.wd(t_assign, 1, 5)
            self.add(ts, "sign", partial(self._sign, u))
            signed[u], roles[u] = ts, role
        if s.target == S.ASSIGNED:
            return
        t_h = max(signed.values())
        answering = [u for u in roles if roles[u] in ("lead", "separate")]
        cos = [u for u in roles if roles[u] == "co"]
        self.first_unit = answering[0]
        if s.key_leader:
            self.add(self.wd(t_assign, 5, 12), "instruction", partial(self._instruct, s.key_leader, C.INSTRUCTIONS[0]))
        if s.reassign_add is not None:
            tra = self.wd(t_h, 2, 5)
            new = s.reassign_add
            self.add(tra, "reassign", lambda: self._reassign(new))
            tsn = self.wd(tra, 1, 3)
            self.add(tsn, "sign", partial(self._sign, new))
            signed[new], roles[new] = tsn, "co"
            cos.append(new)
            t_h = tsn
        if s.cut == "signed":
            return
        # consultation before handling (办前面商), face to face
        consulted = {}
        for u in answering:
            late = s.late_consult and u is answering[0]
            tc = self.wd(t_h, 16, 19) if late else self.wd(t_h, 3, 12)
            self.add(tc, "consult_before", partial(self._consult, u, "before"))
            consulted[u] = tc
        # co-handling opinions
        co_done = {}
        for i, c in enumerate(cos):
            if s.cut == "co_pending" and i == len(cos) - 1:
                continue
            if s.waive and i == 0 and s.cut != "co_pending":
                tu = self.wd(t_assign, 20, 22)
                self.add(tu, "urge", partial(self._urge, c, C.URGES[2]))
                tw = self.wd(tu, 2, 4)
                self.add(tw, "waive_co_opinion", partial(self._waive, c))
                co_done[c] = tw
            else:
                to = self.wd(signed[c], 4, 16)
                self.add(to, "co_opinion", partial(self._co_opinion, c))
                co_done[c] = to
        if s.messages:
            tm = self.wd(t_h, 2, 10)
            q, a = r.choice(C.MESSAGES)
            self.add(tm, "message", lambda: self._message(proposer, q))
            if s.cut not in ("consulted", "co_pending") or r.random() < 0.5:
                lead = answering[0]
                self.add(self.wd(tm, 1, 3), "message_answer", lambda: self._message(g.liaison(lead), a, answer=True))
        if s.cut in ("consulted", "co_pending"):
            return
        ready = max([max(consulted.values())] + list(co_done.values()))
        if s.during:
            ready = self.add(self.wd(ready, 2, 6), "consult_during", partial(self._consult, answering[0], "during"))
        t_ext = None
        if s.extension:
            lead = answering[0]
            te = max(self.wd(t_assign, 45, 50), self.wd(ready, 1))
            due = s.session.policy.due("reply", t_assign.astimezone(TZ).date())
            latest = s.session.policy.due("reply_max", t_assign.astimezone(TZ).date())
            want = min(due + dt.timedelta(days=r.randint(30, 60)), latest)
            self.add(te, "request_extension", partial(self._request_extension, lead, want))
            if s.extension == "pending":
                return
            t_ext = self.wd(te, 1, 3)
            self.add(t_ext, "decide_extension", partial(self._decide_extension, lead))
        # replies
        sent = {}
        nominal = self.wd(t_assign, 30, 50)
        for i, u in enumerate(answering):
            base = max(ready, consulted[u])
            if t_ext:
                base = max(base, self.wd(t_ext, 3, 10))
            td = max(self.wd(base, 1, 3), nominal if s.anchor == "main" else self.wd(base, 1, 3))
            if not t_ext and not s.extension and self.rng.random() < 0.06:
                self.add(self.wd(t_assign, 50, 52), "urge", partial(self._urge, u, C.URGES[1]))
                td = max(td, self.wd(t_assign, 53, 58))
            last_unit = i == len(answering) - 1
            cut = s.cut if (s.target == S.HANDLING and (last_unit or s.cut != "separate_half")) else ""
            if s.cut == "separate_half" and last_unit:
                cut = "pending_unit"
            ts = self.plan_reply(u, td, s.reply_type, 1, cut)
            if ts is None:
                return
            sent[u] = ts
        if s.target == S.HANDLING:
            return
        t_rep = max(sent.values())
        if s.key_leader:
            self.add(self.wd(t_rep, 2, 8), "instruction", partial(self._instruct, s.key_leader, C.INSTRUCTIONS[2]))
        if s.consent is None:
            s_consent_t = self.wd(t_rep, 1)
            self.add(s_consent_t, "consent", lambda: A.set_publication_consent(proposer, item(), consent=True))
            consent = True
        else:
            consent = s.consent
        # feedback
        rated = {}
        types = {u: s.reply_type for u in answering}
        for i, u in enumerate(answering):
            if s.target == S.REPLIED and (s.cut != "separate_one_rated" or i > 0):
                continue
            if s.reply_type == "C" and s.after_visit and not s.rehandle:
                self.add(self.wd(sent[u], 1), "consult_after", partial(self._consult, u, "after"))
            if s.lapsed and i == 0:
                tf = self.wd(t_rep, 17, 21)
                self.add(tf, "no_feedback", partial(self._no_feedback, u))
            else:
                tf = self.wd(t_rep, 2, 12)
                grade, agrees = (s.grade, s.agrees) if i == 0 else (self.rng.choice(["good", "fair"]), True)
                praise = s.praise and i == 0
                self.add(tf, "feedback", partial(self._feedback, u, grade, agrees, praise, cos))
            rated[u] = tf
        if s.target == S.REPLIED:
            return
        if s.rehandle:
            lead = answering[0]
            t_r = rated[lead]
            if self.rng.random() < 0.5 or s.target == S.REHANDLING:
                self.add(self.wd(t_r, 3, 8), "mediation", lambda: self._mediation(lead))
            tc2 = self.wd(t_r, 2, 6)
            self.add(tc2, "consult_rehandle", partial(self._consult, lead, "during", True))
            if s.target == S.REHANDLING and s.cut == "consulted2":
                return
            td2 = self.wd(tc2, 3, 8)
            cut = "pending_unit" if s.target == S.REHANDLING else ""
            ts2 = self.plan_reply(lead, td2, s.rehandle_type, 2, cut)
            if ts2 is None:
                return
            sent[lead] = ts2
            types[lead] = s.rehandle_type
            tf2 = self.wd(ts2, 3, 10)
            self.add(tf2, "feedback_round2", partial(self._feedback, lead, self.rng.choice(["fair", "average", "good"]), True, False, cos))
            rated[lead] = tf2
        all_rated = max(rated.values())
        last_sent = max(sent.values())
        # publication (公开)
        if s.target in (S.CLOSED, S.EVALUATED):
            tp = self.wd(max(last_sent, all_rated if s.rehandle else last_sent), 5, 18)
            withhold_rec = s.withhold_rec
            # Each replying unit's reply is decided on (rule 3: a separate unit's reply on its own).
            for u in answering:
                asg = lambda u=u: self.ctx.asg[u.pk]
                if consent and not withhold_rec:
                    self.add(tp, "publish", lambda asg=asg: A.decide_publication(office, item(), assignment=asg(), publish=True))
                    if s.revoke:
                        self.add(self.wd(tp, 20, 30), "revoke_publication",
                                 lambda asg=asg: A.revoke_publication(office, item(), assignment=asg(), reason="答复中涉及的项目选址方案已调整，原答复内容不宜继续公开。"))
                else:
                    why = "提案人（代表）不同意公开。" if not consent else "答复内容涉及尚未公布的规划方案，暂不公开。"
                    self.add(tp, "withhold", lambda asg=asg, why=why: A.decide_publication(office, item(), assignment=asg(), publish=False, reason=why))
        # progress, closure
        for u in answering:
            self.plan_closure(u, types[u], sent[u], all_rated, last_sent)

    def plan_reply(self, u, td, rtype, round_, cut):
        """Draft, approvals and sending of one reply; returns when it was sent, or None if the
        item's life stops on the way (cut)."""
        s, g = self.s, self.g
        planned = self.planned_date(rtype, td)
        self.planned[u.pk] = planned
        kwargs = self.reply_fields(u, rtype, planned, round_, td)
        self.add(td, "draft_reply", partial(self._draft_reply, u, kwargs))
        if cut == "draft":
            return None
        ts = self.mins(td, 20, 120)
        self.add(ts, "submit_reply", partial(self._reply_step, A.submit_reply, u, g.liaison))
        if cut == "pending_unit":
            return None
        if s.reply_return and round_ == 1:
            tr = self.wd(ts, 1, 2)
            self.add(tr, "return_reply", partial(self._reply_step, A.return_reply, u, g.head, comment="答复内容不够具体，请补充具体措施和完成时限后重新报送。"))
            td2 = self.wd(tr, 1, 2)
            kwargs2 = dict(kwargs, body=kwargs["body"].replace("现将办理情况答复如下", "经进一步研究，现将办理情况答复如下"))
            self.add(td2, "draft_reply", partial(self._draft_reply, u, kwargs2))
            ts = self.mins(td2, 20, 90)
            self.add(ts, "submit_reply", partial(self._reply_step, A.submit_reply, u, g.liaison))
        ta = self.wd(ts, 1, 3)
        self.add(ta, "approve_reply", partial(self._reply_step, A.approve_reply, u, g.head, comment="同意发出。"))
        if rtype == "C":
            if cut == "pending_leader":
                return None
            ta = self.wd(ta, 1, 4)
            self.add(ta, "leader_approve", partial(self._reply_step, A.leader_approve_reply, u, g.supervisor,
                                                  comment=self.rng.choice(["同意。", "同意，请做好与提案人的沟通解释工作。", "阅。同意答复意见。"])))
        if cut == "approved":
            return None
        tsend = self.wd(ta, 0, 2)
        self.add(tsend, "send_reply", partial(self._send, u))
        return tsend

    def planned_date(self, rtype, td):
        """The date a reply promises. It is never before the day the reply is drafted."""
        s, r = self.s, self.rng
        day = td.astimezone(TZ).date()
        if not (rtype == "B" or (rtype == "A" and s.promise)):
            return None
        closes = s.target == S.CLOSED
        if rtype == "B":
            want = day + dt.timedelta(days=r.randint(60, 160))
        else:
            want = day + dt.timedelta(days=r.randint(30, 90))
        if closes:
            cap = self.horizon.date() - dt.timedelta(days=14 if self.key == "prev" else 25)
            want = max(min(want, cap), day + dt.timedelta(days=20))
        elif s.target == S.EVALUATED:
            want = max(want, self.horizon.date() + dt.timedelta(days=r.randint(30, 200)))
        return want

    def reply_fields(self, u, rtype, planned, round_, td):
        s, g = self.s, self.g
        w = self_word(u.name)
        noun = s.noun
        sal = f"{s.person.name}：" if s.person.is_collective else f"尊敬的{s.person.name}{s.person_title}："
        lines = [sal]
        if round_ == 1:
            lines.append(f"    您提出的《{s.title}》收悉。我{w}高度重视，由主要负责同志牵头研究办理，并与您当面沟通、听取意见。现将办理情况答复如下：")
        else:
            lines.append(f"    根据您对第一次答复的反馈意见，我{w}再次与您当面沟通，并会同相关部门进行了专题研究，现补充答复如下：")
        promise = ""
        reason = ""
        if rtype == "A":
            lines.append(f"    您在{noun}中指出的问题客观存在，所提建议针对性强、切实可行，我{w}予以采纳。{s.act}。")
            if planned:
                promise = f"答复中承诺的各项措施于{cn_date(planned)}前全部落实到位。"
                lines.append(f"    下一步，我们将抓紧推进剩余工作，确保{promise}")
            else:
                lines.append("    下一步，我们将持续跟踪工作成效，巩固办理成果，并及时向您通报相关情况。")
        elif rtype == "B":
            lines.append(f"    您所提建议符合我区发展方向，我{w}高度认同。目前，{s.act}。由于该项工作涉及资金筹措、项目审批和建设周期等因素，需要分步实施，"
                         f"已列入{planned.year}年工作计划，计划于{cn_date(planned)}前完成。")
            promise = f"列入工作计划，于{cn_date(planned)}前完成。"
        else:
            reason = self.rng.choice(C.C_REASONS)
            lines.append(f"    您所提建议具有一定的前瞻性和参考价值。经认真研究，{reason}。我们将把您的建议留作今后工作参考，积极向上级部门反映，待条件成熟时认真研究推进。")
        lines.append(f"    感谢您对我{w}工作的关心和支持！")
        lines.append(f"\n{u.name}\n{cn_date(td.astimezone(TZ).date())}")
        rec = "withhold" if s.withhold_rec else "publish"
        return {
            "reply_type": rtype, "body": "\n".join(lines), "promise": promise, "planned_date": planned, "reference_reason": reason,
            "signatory": g.head(u).first_name, "contact_phone": u.phone, "recommendation": rec,
            "withhold_reason": "答复内容涉及尚未公布的规划方案。" if rec == "withhold" else "",
        }

    def plan_closure(self, u, rtype, t_sent, all_rated, all_sent):
        """Conversion of a for-reference reply, the visit after the reply, progress updates and
        the closure report of one replying unit."""
        s, g, r = self.s, self.g, self.rng
        if rtype == "C":
            if not s.convert_to:
                return
            tconv = self.wd(all_rated, 25, 45)
            if s.target == S.CLOSED and self.key == "prev":
                tconv = min(tconv, office_dt(dt.date(g.prev_year, 8, 20), r))
            if tconv <= all_rated:
                tconv = self.wd(all_rated, 3)
            rtype = s.convert_to
            planned = self.planned_date(rtype, tconv) if rtype == "B" else None
            if rtype == "A":
                planned = None
            kwargs = self.reply_fields(u, rtype, planned, 1, tconv)
            kwargs["body"] = kwargs["body"].replace("现将办理情况答复如下", "随着相关条件逐步成熟，经研究，现将原留作参考的答复调整如下")
            self.add(tconv, "convert_reply_type", partial(self._convert_reply, u, kwargs))
            tsub = self.mins(tconv, 20, 90)
            self.add(tsub, "submit_reply", partial(self._reply_step, A.submit_reply, u, g.liaison))
            tap = self.wd(tsub, 1, 3)
            self.add(tap, "approve_reply", partial(self._reply_step, A.approve_reply, u, g.head, comment="同意调整答复类型。"))
            t_sent = self.wd(tap, 0, 2)
            self.add(t_sent, "send_conversion", partial(self._send, u))
            all_rated = t_sent
            closure_planned = planned
        else:
            closure_planned = None
        # when the work is done and the report goes in
        last = max(t_sent, all_rated)
        if s.target == S.CLOSED:
            planned = (closure_planned or self.planned.get(u.pk)) if rtype in ("A", "B") else None
            floor_day = last.astimezone(TZ).date() + dt.timedelta(days=1)
            if planned and rtype == "B" and s.early:
                done = planned - dt.timedelta(days=r.randint(10, 60))
            elif planned:
                done = planned - dt.timedelta(days=r.randint(0, 15)) if rtype == "A" else planned
            else:
                done = add_working_days(last.astimezone(TZ).date(), r.randint(10, 45))
            done = max(done, floor_day)
            t_file = max(office_dt(next_working_day(done + dt.timedelta(days=r.randint(0, 4))), r), self.wd(last, 3, 6))
            ceiling = self.before_horizon(4, 8)
            if t_file > ceiling:
                t_file = max(ceiling, self.wd(last, 1))
            done = min(done, t_file.astimezone(TZ).date())
            end = t_file
        elif s.target == S.EVALUATED and s.cut == "closure_pending":
            t_file = max(self.before_horizon(2, 8), self.wd(last, 3))
            done = t_file.astimezone(TZ).date() - dt.timedelta(days=r.randint(0, 5))
            end = t_file
        else:
            t_file = None
            end = self.horizon
        # the visit after the reply (办后回访), before the report
        if s.after_visit:
            tv = self.wd(last, 2, 8)
            if tv < end - dt.timedelta(days=1):
                self.add(tv, "consult_after", partial(self._consult, u, "after"))
        # progress updates until then (A monthly, B quarterly)
        every = 21 if rtype == "A" else 62
        tp = self.wd(max(t_sent, all_sent), every - 3, every + 2)  # once every unit has replied
        n = 0
        while tp < end - dt.timedelta(days=2) and n < 12:
            text = r.choice(C.PROGRESS_TEXTS).format(pct=min(95, 30 + 15 * n + r.randint(0, 10)))
            self.add(tp, "progress", partial(self._progress, u, text))
            tp = self.wd(tp, every - 3, every + 2)
            n += 1
        if t_file is None:
            return
        text = self.closure_text(u, rtype, done)
        if s.closure_return:
            self.add(t_file, "file_closure", partial(self._file_closure, u, text, done))
            tr = self.wd(t_file, 1, 3)
            self.add(tr, "return_closure", partial(self._reply_step, A.return_closure_report, u, g.head,
                                                   comment="办结报告缺少完成情况的佐证材料，请补充后重新报送。"))
            t_file = self.wd(tr, 1, 3)
            text = text + "相关验收材料和现场照片已作为附件一并报送。"
        self.add(t_file, "file_closure", partial(self._file_closure, u, text, done))
        if s.target == S.EVALUATED:
            return
        self.add(self.wd(t_file, 1, 4), "approve_closure", partial(self._reply_step, A.approve_closure_report, u, g.head, comment="同意办结。"))

    def closure_text(self, u, rtype, done):
        s = self.s
        who = s.person.name + s.person_title
        if rtype == "B":
            return f"按照答复承诺，{s.act}。该项工作已于{cn_date(done)}全部完成。经回访，{who}对办理结果表示认可。"
        return f"{s.act}。截至{cn_date(done)}，答复中所列各项措施已全部落实到位。经回访，{who}对办理结果表示满意。"

    # -- the steps (run with the clock set) ------------------------------------------------------
    def _create(self):
        s = self.s
        item = A.create_draft(self.proposer, person_id=s.person.pk, session_id=s.session.pk, suggested_unit_ids=s.suggested,
                              title=s.title, reason=s.reason, suggestions=s.suggestions,
                              category=self.g.categories[(s.assembly, s.sub)], consent_publish=s.consent, urgent=False)
        self.ctx.item_id = item.pk

    def _respond(self, user, confirm):
        A.respond_cosign(user, self.ctx.item_id, confirm=confirm)

    def _assign(self, note):
        s = self.s
        made = A.assign(self.g.office, self.ctx.item_id, lead=s.lead.pk if s.lead else None,
                              co=[u.pk for u in s.co], separate=[u.pk for u in s.separate], note=note)
        for a in made:
            self.ctx.asg[a.unit_id] = a.pk

    def _sign(self, u):
        A.sign(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk])

    def _urge(self, u, text):
        A.urge(self.g.office, self.ctx.item_id, assignment=self.ctx.asg[u.pk], text=text)

    def _request_adjustment(self, u, alt, role):
        what = "主办" if role == "lead" else "办理"
        A.request_adjustment(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk],
                             reason=f"该件所提事项主要涉及{alt.name}的职责范围，我{self_word(u.name)}仅承担配合职责，建议调整由{alt.name}{what}。",
                             suggested_unit_id=alt.pk)

    def _decide_adjustment(self, u, alt, approve):
        if approve:
            req = A.decide_adjustment(self.g.office, self.ctx.item_id, assignment=self.ctx.asg[u.pk], approve=True, new_unit_id=alt.pk,
                                      note=f"经研究，同意调整，改由{alt.name}办理。")
            self.ctx.asg[alt.pk] = req.new_assignment_id
        else:
            A.decide_adjustment(self.g.office, self.ctx.item_id, assignment=self.ctx.asg[u.pk], approve=False,
                                note="经研究，该件所提事项与贵单位职责密切相关，仍由贵单位办理，请尽快签收。")

    def _reassign(self, new):
        made = A.reassign(self.g.office, self.ctx.item_id, co=[new.pk], reason=f"根据办理需要，增加{new.name}为会办单位。")
        for a in made:
            self.ctx.asg[a.unit_id] = a.pk

    def _consult(self, u, kind, rehandle=False):
        s, g, r = self.s, self.g, self.rng
        today = django_timezone.localdate()
        held = today if r.random() < 0.6 else working_days_before(today, 1)
        if kind == "before" or rehandle:
            form = r.choice(["visit", "meeting", "site", "visit"])
        elif kind == "during":
            form = r.choice(["phone", "online", "meeting"])
        else:
            form = r.choice(["visit", "phone", "site"])
        liaison, head = g.liaison(u), g.head(u)
        who = f"{s.person.name}{s.person_title}" if not s.person.is_collective else f"{s.person.name}相关负责同志"
        parts = f"{liaison.first_name}（{u.short_name}办理联络员）、{head.first_name}（{u.short_name}负责人）、{who}"
        if kind == "before" and s.co and r.random() < 0.5:
            parts += "、" + "、".join(f"{c.short_name}相关科室负责同志" for c in s.co)
        views = r.choice({"before": C.CONSULT_VIEWS_BEFORE, "during": C.CONSULT_VIEWS_DURING, "after": C.CONSULT_VIEWS_AFTER}[kind])
        if rehandle:
            views = "对第一次答复不满意，希望承办单位拿出更具体的措施和时间表，并加强与相关部门的协调。"
        A.record_consultation(liaison, self.ctx.item_id, assignment=self.ctx.asg[u.pk], kind=kind, form=form, held_on=held,
                              participants=parts, proposer_views=views)

    def _co_opinion(self, c):
        text = self.rng.choice(C.CO_OPINIONS).format(self=self_word(c.name))
        A.send_co_opinion(self.g.liaison(c), self.ctx.item_id, assignment=self.ctx.asg[c.pk], text=text)

    def _waive(self, c):
        A.waive_co_opinion(self.g.office, self.ctx.item_id, assignment=self.ctx.asg[c.pk],
                           reason=f"经催办，{c.name}已口头表示同意主办单位意见，为不影响答复时限，同意豁免其书面会办意见。")

    def _message(self, user, body, answer=False):
        msg = A.post_message(user, self.ctx.item_id, body=body, reply_to_id=self.ctx.message_id if answer else None)
        if not answer:
            self.ctx.message_id = msg.pk

    def _instruct(self, leader, text):
        unit = getattr(self, "first_unit", None)
        A.give_instruction(leader, self.ctx.item_id, text=text.format(unit=unit.short_name if unit else "承办单位"))

    def _request_extension(self, u, want):
        A.request_extension(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk], requested_due=want,
                            reason="该件涉及多个部门和较大资金投入，需进一步开展现场调研和方案论证，申请延期答复。")

    def _decide_extension(self, u):
        A.decide_extension(self.g.office, self.ctx.item_id, assignment=self.ctx.asg[u.pk], approve=True, note="同意延期，请在延长期限内高质量完成答复。")

    def _draft_reply(self, u, kwargs):
        A.draft_reply(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk], contact_person=self.g.liaison(u).first_name, **kwargs)

    def _convert_reply(self, u, kwargs):
        A.convert_reply_type(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk], contact_person=self.g.liaison(u).first_name, **kwargs)

    def _reply_step(self, fn, u, who, **kw):
        fn(who(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk], **kw)

    def _send(self, u):
        reply = A.send_reply(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk])
        if not reply.is_conversion:
            self.ctx.reply[u.pk] = reply.pk

    def _feedback(self, u, grade, agrees, praise, cos):
        co_grades = {c.pk: self.rng.choice(["good", "good", "fair"]) for c in cos}
        comment = self.rng.choice(C.FEEDBACK_COMMENTS[grade])
        A.give_feedback(self.proposer, self.ctx.item_id, reply_id=self.ctx.reply[u.pk], grade=grade, agrees=agrees, comment=comment,
                        praise=praise, co_grades=co_grades)

    def _no_feedback(self, u):
        A.record_no_feedback(self.g.office, self.ctx.item_id, reply_id=self.ctx.reply[u.pk])

    def _mediation(self, lead):
        s = self.s
        ao_name = "区政协提案委" if s.assembly == Assembly.CPPCC else "区人大代表工委"
        A.record_mediation(self.g.office, self.ctx.item_id, held_on=django_timezone.localdate(),
                           participants=f"区政府办公室、{ao_name}、{lead.short_name}、{s.person.name}{s.person_title}",
                           outcome=f"经协调，{lead.short_name}将进一步完善办理措施，明确时间节点，在一个月内作出第二次答复。")

    def _progress(self, u, text):
        A.report_progress(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk], text=text)

    def _file_closure(self, u, text, done):
        A.file_closure_report(self.g.liaison(u), self.ctx.item_id, assignment=self.ctx.asg[u.pk], text=text, done_on=done)


def generate(seed: int = 2026, log=None) -> dict:
    return Generator(seed=seed, log=log).run()
