"""The demo district: people, units, two sessions of each assembly, and a few hundred items whose
whole history is made by the action functions, acting as the right users.

How it is built: the district is set up (demo.district), each item is cast (demo.casting,
demo.heroes for the demo accounts' own items), every step of every item is planned with its
moment (demo.item_plan), and the steps are run in time order with the clock set to each moment
(demo.timeline). The year-end assessment of the last closed year (finished and published) and of
the current one (in progress), and the lead units' grades of their co-handling units, are planned
and run the same way (demo.assessment). The whole generation is one transaction: it either completes or leaves the
database as it was (which `python -m demo load --if-empty` relies on).
"""

import datetime as dt
import random
import time
from collections import Counter
from functools import partial

from django.db import transaction
from django.utils import timezone as django_timezone

from banli.org.models import Assembly
from banli.proposals import actions as A
from banli.proposals.models import Item
from banli.workdays.calendar import add_working_days

from . import content as C
from .assessment import Assessing
from .casting import Casting
from .district import District
from .heroes import Heroes
from .item_plan import ItemPlan
from .reference import load_reference_data
from .reply_templates import load_reply_templates
from .spec import S, Spec
from .timeline import TZ, DemoError, next_working_day, office_dt, run_in_time_order, working_days_before


class Generator(District, Casting, Heroes, Assessing):
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
            load_reply_templates()  # the office's templates, for the reply forms the demo leaves open
        summary = {
            "items": Item.objects.count(),
            "states": dict(Counter(Item.objects.values_list("state", flat=True))),
            "steps": len(self.events),
            "seconds": round(time.monotonic() - started, 1),
        }
        return summary


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
            self.plan_co_grades(s)
        for key in ("prev", "cur"):
            self.plan_questions(key)
        self.plan_assessment()
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
        run_in_time_order(self.events)


def generate(seed: int = 2026, log=None) -> dict:
    return Generator(seed=seed, log=log).run()
