"""The bench district: reference data, units, people and sessions, with names and places from the
demo's vocabulary (demo/vocabulary.py), so the benchmark's district reads like the demo's."""

from __future__ import annotations

import datetime as dt
from functools import cache
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from django_otp.plugins.otp_totp.models import TOTPDevice

from banli.org import twofactor
from banli.org.defaults import install_defaults
from banli.org.models import (
    Assembly, Category, FeedbackGrade, Person, ReplyType, Session, StaffRole, Term, Unit, UnitLiaison,
)
from demo import vocabulary as V

GOV_USERNAME = "bench_gov"
LIAISON_CHANGES = 0.2  # units whose liaison changed lately (once, or twice), with `extra`
ASSEMBLY_OFFICE_USERNAME = {Assembly.CPPCC: "bench_cppcc_office", Assembly.NPC: "bench_npc_office"}
# Every bench user's password, so that a load test (bench.load) logs in as them through the login
# page. The staff whom the rules make give a second factor (banli.org.twofactor) have a confirmed
# TOTP device with this key (hex; RFC 6238's test key), from which the load test computes codes.
BENCH_PASSWORD = "banli-bench"
BENCH_TOTP_KEY = "3132333435363738393031323334353637383930"


@cache
def _password_hash() -> str:
    """One hash for every user: hashing is slow by design (~0.5 s), the generator makes thousands."""
    return make_password(BENCH_PASSWORD)


def ensure_reference():
    """Reply types, grades and categories: the product's defaults (the migration installs them; a
    flushed database may lack them)."""
    install_defaults(ReplyType, FeedbackGrade, Category)


class Org:
    """Ids of everything an item refers to; plain values only, so batches hold no ORM objects."""


def _person(rng, assembly, collective, taken):
    """name, sector, party, employer, phone, address of a member (CPPCC) or a deputy (NPC)."""
    if assembly == Assembly.CPPCC:
        if collective:
            _, name, sector, _ = rng.choice(V.COLLECTIVES)
            return name, sector, "", name, V.office_phone(rng), ""
        sector, party = rng.choice(V.CPPCC_SECTORS)
        employer = rng.choice(V.SECTOR_EMPLOYERS.get(sector, V.GENERIC_EMPLOYERS))
        return V.person_name(rng, taken), sector, party, employer, V.mobile(rng), V.address(rng)
    town = rng.choice(V.TOWNS_URBAN + V.TOWNS_RURAL)
    if collective:
        return V.delegation(town), V.delegation(town), "", "", V.office_phone(rng), ""
    employer = rng.choice(V.NPC_EMPLOYERS).format(town=town, community=rng.choice(V.COMMUNITIES))
    return V.person_name(rng, taken), V.delegation(town), rng.choice(V.NPC_PARTIES), employer, V.mobile(rng), V.address(rng, town)


def unit_rows(n_units=None) -> list[tuple]:
    """(name, short name, kind, leader key) of the district's units: the vocabulary's, then, for a
    province-sized run (n_units beyond them), one bureau per town and kind of bureau
    (青山镇住房和城乡建设局 ...), numbered on a further round."""
    rows = [(name, short, kind, lkey) for _, name, short, kind, lkey in V.UNITS]
    towns = V.TOWNS_URBAN + V.TOWNS_RURAL
    bureaus = [u for u in V.UNITS if u[3] == "bureau"]
    k = 0
    while n_units and len(rows) < n_units:
        town, (_, name, short, _, lkey) = towns[k % len(towns)], bureaus[(k // len(towns)) % len(bureaus)]
        again = k // (len(towns) * len(bureaus))
        suffix = f"（{again + 1}）" if again else ""
        rows.append((f"{town}{name.removeprefix('区')}{suffix}", f"{town[:2]}{short.removeprefix('区')}{suffix}"[:20], "bureau", lkey))
        k += 1
    return rows[:n_units] if n_units else rows


def make_org(rng, n_people=500, n_units=None, extra=None) -> Org:
    """The district's units (every unit of the vocabulary, or n_units of them, each with a head, a
    liaison and for some a liaison who left), its leaders, offices and people. With `extra` (a
    random.Random of its own, so that the rest of the district stays as it was) a share of the
    units changed their liaison once or twice in the last two years (the assessment counts them)."""
    User = get_user_model()
    if User.objects.filter(username=GOV_USERNAME).exists():
        raise RuntimeError("bench data already present: bench.generate expects an empty, migrated database")
    org = Org()
    users, taken = [], set()

    def user(username, full_name):
        u = User(username=username, first_name=full_name, password=_password_hash(), is_active=True)
        users.append(u)
        return u

    gov = [user(GOV_USERNAME, "区府办督查科"), user("bench_gov2", V.person_name(rng, taken))]
    offices = {a: user(ASSEMBLY_OFFICE_USERNAME[a], V.OFFICE_NAMES[a]) for a in Assembly.values}
    leaders = {key: (user(f"bench_leader{i:02d}", name), title) for i, (key, name, title) in enumerate(V.LEADERS, start=1)}
    unit_specs = []
    for i, (name, short, kind, lkey) in enumerate(unit_rows(n_units), start=1):
        head = user(f"bench_u{i:02d}_head", V.person_name(rng, taken))
        liaison = user(f"bench_u{i:02d}_liaison", V.person_name(rng, taken))
        old = user(f"bench_u{i:02d}_liaison_old", V.person_name(rng, taken)) if rng.random() < 0.3 else None
        unit_specs.append((name, short, kind, leaders[lkey][0], head, liaison, old))
    people_specs = []
    for i in range(n_people):
        assembly = Assembly.CPPCC if i < n_people * 3 // 5 else Assembly.NPC
        collective = rng.random() < 0.03 and i > 0  # the first is the featured member
        facts = _person(rng, assembly, collective, taken)
        people_specs.append((assembly, collective, facts, user(f"bench_p{i + 1:04d}", facts[0])))
    today = timezone.localdate()
    changes = {}  # unit index -> [(earlier liaison, the day the next one took over)], oldest first
    for i, spec in enumerate(unit_specs if extra is not None else ()):
        if spec[-1] is None and extra.random() < LIAISON_CHANGES:
            days = sorted(extra.sample(range(15, 700), 1 if extra.random() < 0.7 else 2), reverse=True)
            changes[i] = [(user(f"bench_u{i + 1:02d}_liaison_was{k}", V.person_name(extra, taken)), today - dt.timedelta(days=d))
                          for k, d in enumerate(days)]
    User.objects.bulk_create(users, batch_size=500)

    StaffRole.objects.bulk_create(
        [StaffRole(user=u, kind=StaffRole.Kind.GOV_OFFICE, title="督查科") for u in gov]
        + [StaffRole(user=u, kind=StaffRole.Kind.ASSEMBLY_OFFICE, assembly=a) for a, u in offices.items()]
        + [StaffRole(user=u, kind=StaffRole.Kind.DISTRICT_LEADER, title=title) for u, title in leaders.values()]
    )
    units = Unit.objects.bulk_create([
        Unit(name=name, short_name=short, kind=kind, leader=head, supervising_leader=sup, phone=V.office_phone(rng))
        for name, short, kind, sup, head, _, _ in unit_specs
    ])
    liaisons = []
    for i, (unit, (*_, liaison, old)) in enumerate(zip(units, unit_specs)):
        if i in changes:
            started = today - dt.timedelta(days=2500)
            for was, until in changes[i]:
                liaisons.append(UnitLiaison(unit=unit, user=was, started_on=started, ended_on=until - dt.timedelta(days=1)))
                started = until
            liaisons.append(UnitLiaison(unit=unit, user=liaison, started_on=started))
        elif old is not None:
            liaisons.append(UnitLiaison(unit=unit, user=old, started_on=today - dt.timedelta(days=2000), ended_on=today - dt.timedelta(days=400)))
            liaisons.append(UnitLiaison(unit=unit, user=liaison, started_on=today - dt.timedelta(days=399)))
        else:
            liaisons.append(UnitLiaison(unit=unit, user=liaison, started_on=today - dt.timedelta(days=2500)))
    UnitLiaison.objects.bulk_create(liaisons)
    # Those who must give a second factor: the offices, the district leaders, the units' heads.
    TOTPDevice.objects.bulk_create([
        TOTPDevice(user=u, name=twofactor.DEVICE_NAME, key=BENCH_TOTP_KEY, confirmed=True)
        for u in [*gov, *offices.values(), *(u for u, _ in leaders.values()), *(spec[4] for spec in unit_specs)]
    ])
    people = Person.objects.bulk_create([
        Person(assembly=a, user=u, is_collective=coll, name=name, sector=sector, party=party, employer=employer, phone=phone, address=address)
        for a, coll, (name, sector, party, employer, phone, address), u in people_specs
    ])

    org.gov_ids = [u.pk for u in gov]
    org.office_id = {a: u.pk for a, u in offices.items()}
    org.leader_ids = [u.pk for u, _ in leaders.values()]
    org.units = [
        {"id": unit.pk, "name": unit.name, "leader": head.pk, "leader_name": head.first_name, "liaison": liaison.pk,
         "liaison_name": liaison.first_name, "sup": unit.supervising_leader_id}
        for unit, (*_, head, liaison, _) in zip(units, unit_specs)
    ]
    # A few units get most of the work (Zipf-like), as in any district.
    org.unit_cum = list(accumulate(1 / (r + 1) ** 0.8 for r in range(len(org.units))))
    org.people = {a: [(p.pk, p.user_id, p.name) for p in people if p.assembly == a] for a in Assembly.values}
    org.member = org.people[Assembly.CPPCC][0]
    org.unit_by_id = {u["id"]: u for u in org.units}
    # The vocabulary's units come first, in its order: a topic names its units by these codes.
    org.unit_by_code = {code: u for (code, *_), u in zip(V.UNITS, org.units)}
    org.categories = {a: list(Category.objects.filter(assembly=a, active=True).values_list("id", flat=True)) for a in Assembly.values}
    # The subcategory a topic of the demo's content belongs to, by name (as the demo files them).
    org.category_by_name = {(c.assembly, c.name): c.pk for c in Category.objects.filter(active=True, parent__isnull=False)}
    types = list(ReplyType.objects.filter(active=True))
    org.rtype = {c: next(t for t in types if t.closure == c) for c in ReplyType.Closure.values}
    grades = list(FeedbackGrade.objects.all())
    org.good_grades = [g.pk for g in grades if not g.sends_to_rehandling]
    org.bad_grades = [g.pk for g in grades if g.sends_to_rehandling]
    org.grade_code = {g.pk: g.code for g in grades}
    return org


# Items of a province's year in one assembly: what each current session holds once the history is large.
CURRENT_YEAR = 6000
# A member or deputy files a few items a year (2–3 over ten years' sessions): a bigger history has
# more people behind it, not one member with thousands of items (which a member's own list and
# search would then read).
ITEMS_PER_PERSON = 30


def people_for(n_items) -> int:
    return max(500, n_items // ITEMS_PER_PERSON)


def make_sessions(n_items, now):
    """Sessions of both assemblies over the years, oldest first, with the count of items each gets."""
    n_sessions = max(4, min(20, round(n_items / 5000)))
    per_assembly = n_sessions // 2
    year_now = now.year
    Session.objects.filter(is_current=True).update(is_current=False)
    sessions = []
    for k in range(per_assembly - 1, -1, -1):
        year = year_now - k
        for assembly in Assembly.values:
            t_ord = (year - 2002) // 5 + 1
            s_ord = (year - 2002) % 5 + 1
            start = dt.date(2002 + 5 * (t_ord - 1), 1, 1)
            term, _ = Term.objects.get_or_create(
                assembly=assembly, ordinal=t_ord,
                defaults={"name": f"第{V.cn_ordinal(t_ord)}届", "starts_on": start,
                          "ends_on": None if year_now < start.year + 5 else start.replace(year=start.year + 5) - dt.timedelta(days=1)},
            )
            current = k == 0
            opens = (now - dt.timedelta(days=200)).date() if current else dt.date(year, 1, 10)
            session, _ = Session.objects.get_or_create(
                term=term, ordinal=s_ord, defaults={"name": f"第{V.cn_ordinal(s_ord)}次会议", "year": year, "opens_on": opens, "is_current": current},
            )
            if current and not session.is_current:
                session.is_current = True
                session.save(update_fields=["is_current"])
            sessions.append(session)
    base, extra = divmod(n_items, len(sessions))
    counts = [base + (1 if i >= len(sessions) - extra else 0) for i in range(len(sessions))]
    if n_items >= 10 * CURRENT_YEAR:
        # A bigger history is more years behind a province's current year, not a bigger current
        # year: each current session (the last two: sessions go oldest first, CPPCC before NPC)
        # holds a province's year, 6,000 items (the yearly report is measured on the CPPCC one),
        # and the rest of the items are history. So a page that reads the open work (a to-do, the
        # late milestones) meets the same open work at 100k and at 1M, and what grows is what
        # must not cost more: the closed years.
        rest, more = divmod(n_items - 2 * CURRENT_YEAR, len(sessions) - 2)
        counts = [rest + (1 if i < more else 0) for i in range(len(sessions) - 2)] + [CURRENT_YEAR, CURRENT_YEAR]
    return sessions, counts
