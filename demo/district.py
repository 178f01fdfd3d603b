"""The demo district: staff, district leaders, units with their liaisons (some of whom change
over the years), members, deputies and collectives, and two sessions of each assembly."""

import datetime as dt
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from banli.org.models import Assembly, Category, Person, Session, SessionPolicy, StaffRole, Term, Unit, UnitLiaison
from banli.workdays.calendar import add_working_days

from . import vocabulary as V
from .accounts import PASSWORD
from .timeline import TZ, next_working_day, office_dt


class District:
    """The part of the Generator that sets up the district (a mixin: it uses the generator's rng
    and records liaison changes as events)."""

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
        for key, name, title in V.LEADERS:
            username = "leader1" if key == "L1" else f"leader_{int(key[1:]) + 1}"
            self.leaders[key] = (user(username, name), title)
        # Units: a liaison and a leader each; a few with liaisons who left or will leave.
        self.unit_rows = []
        for i, (code, name, short, kind, lkey) in enumerate(V.UNITS, start=1):
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
                                       phone=V.office_phone(r))
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
                s = Session.objects.create(term=term, ordinal=n, name=f"第{V.cn_ordinal(n)}次会议", year=year, opens_on=opens,
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

    def person_name(self) -> str:
        return V.person_name(self.rng, self._names)

    def people_specs(self):
        r = self.rng
        out = []
        sectors = V.CPPCC_SECTORS
        out.append({"username": "member1", "name": "李文博", "assembly": Assembly.CPPCC, "sector": "民盟", "party": "民盟盟员",
                    "employer": "区第一中学副校长", "phone": V.mobile(self.rng), "address": V.address(self.rng, "城关街道")})
        out.append({"username": "member2", "name": "王秀兰", "assembly": Assembly.CPPCC, "sector": "医药卫生界", "party": "民盟盟员",
                    "employer": "区人民医院主任医师", "phone": V.mobile(self.rng), "address": V.address(self.rng, "东湖街道")})
        self._names.update({"李文博", "王秀兰", "陈志强"})
        for i in range(3, 161):
            sector, party = r.choice(sectors)
            employer = r.choice(V.SECTOR_EMPLOYERS.get(sector, V.GENERIC_EMPLOYERS))
            out.append({"username": f"member_{i:03d}", "name": self.person_name(), "assembly": Assembly.CPPCC, "sector": sector,
                        "party": party, "employer": employer, "phone": V.mobile(self.rng), "address": V.address(self.rng)})
        towns = V.TOWNS_URBAN + V.TOWNS_RURAL
        out.append({"username": "deputy1", "name": "陈志强", "assembly": Assembly.NPC, "sector": "青山镇代表团", "party": "中共党员",
                    "employer": "青山镇龙泉村党总支书记", "phone": V.mobile(self.rng), "address": V.address(self.rng, "青山镇")})
        for i in range(2, 66):
            town = towns[i % len(towns)]
            employer = r.choice(V.NPC_EMPLOYERS).format(town=town, community=r.choice(V.COMMUNITIES))
            out.append({"username": f"deputy_{i:03d}", "name": self.person_name(), "assembly": Assembly.NPC, "sector": V.delegation(town),
                        "party": r.choice(V.NPC_PARTIES), "employer": employer, "phone": V.mobile(self.rng), "address": V.address(self.rng, town)})
        for username, name, sector, _ in V.COLLECTIVES:
            out.append({"username": username, "name": name, "assembly": Assembly.CPPCC, "sector": sector, "collective": True,
                        "employer": name, "phone": V.office_phone(r)})
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

