"""The year-end assessment (考核) in the demo, run through banli.assessment.actions at planned
moments like every other step (the clock set to each): the last closed year assessed from start
to finish, the current year in progress; and the lead units' grades of their co-handling units
(grade_co_unit), given after the lead's reply.

    last closed year   the office makes the scheme from the weighted preset in March; the units
                       send their self-assessments (总结自评) in December, before the scheme's
                       date (a few do not); in January the office enters its own points
                       (领导重视、制度建设、检查指导) and each assembly office evaluates the units
                       that handled its items, all with reasons; the office takes a point from
                       one unit, with the reason; it finalises the year as of 31 December, then
                       publishes the result (通报).
    current year       the office copies last year's scheme in February and reweights two
                       indicators; inspection points and evaluations for a few units so far, and
                       the self-assessments of a few units (unit1's among them), as of today.

Which units are assessed is known only once the items have run: the steps read the year's table
(banli.assessment.selectors.table, as the office) when they run, and a unit with nothing to assess
is left alone."""

import datetime as dt
import random
from collections import Counter
from functools import partial

from banli.assessment import actions as AA, selectors as AS
from banli.org.models import Assembly
from banli.proposals import actions as A
from banli.proposals.models import Assignment
from banli.workdays.calendar import add_working_days

from .content import assessing as CA
from .timeline import TZ, next_working_day, office_dt, working_days_before
from .vocabulary import NOUNS, self_word

CO_GRADE_SHARE = 0.65  # of the co-handling units of an item whose lead unit has replied
NO_SELF_ASSESSMENT = 0.15  # units that never send theirs (their line scores nothing)
# The current year so far: units the office has inspected, units the CPPCC office has evaluated,
# units that have sent their self-assessment (unit1's housing bureau among them).
CUR_INSPECTED = ["zjj", "cgj", "jyj", "mzj", "wjw", "jtj"]
CUR_EVALUATED = ["zjj", "jyj"]
CUR_SELF_ASSESSED = ["zjj", "jyj", "wjw"]


class Assessing:
    """The part of the Generator that plans the assessment and the lead units' grades (a mixin)."""

    # -- the lead unit grades its co-handling units (主办单位评价会办单位) ------------------------
    def plan_co_grades(self, s):
        plan = s.plan
        if plan is None or plan.lead_reply is None:
            return
        lead, sent, cos = plan.lead_reply
        r = random.Random(f"{self.seed}:{s.idx}:co_grades")
        for c in cos:
            if r.random() >= CO_GRADE_SHARE:
                continue
            t = office_dt(add_working_days(sent.astimezone(TZ).date(), r.randint(1, 10)), r)
            if t >= plan.horizon:
                continue
            code = r.choices([g for g, _ in CA.CO_GRADE_WEIGHTS], [w for _, w in CA.CO_GRADE_WEIGHTS])[0]
            self.event(t, "grade_co_unit", partial(self._grade_co, plan, lead, c, code, r.choice(CA.CO_GRADES[code])), s)

    def _grade_co(self, plan, lead, c, code, comment):
        A.grade_co_unit(self.liaison(lead), plan.ctx.item_id, assignment=plan.ctx.asg[c.pk], grade=code, comment=comment)

    # -- the year-end assessment ----------------------------------------------------------------
    def plan_assessment(self):
        prev, cur = self.prev_year, self.cur_year
        r = random.Random(f"{self.seed}:assessment")
        self._assessed = {}  # year -> the table's rows, read when first needed

        def at(day, lo=(8, 40), hi=(17, 30)):
            return office_dt(next_working_day(day), r, lo, hi)

        def days(first, span):
            return first + dt.timedelta(days=r.randint(0, span))

        def later(day, lo, hi=None):
            """A moment lo..hi working days after the day: steps that depend on each other fall on
            days in that order whatever the holidays (the Spring Festival moves every year)."""
            return at(add_working_days(day, r.randint(lo, lo if hi is None else hi)))

        ev = self.event
        # The last closed year, from start to finish.
        ev(at(dt.date(prev, 3, 2)), "create_scheme", partial(AA.create_scheme, self.office, prev, preset="weighted"))
        units = list(self.units.values())
        for u in units:
            if r.random() >= NO_SELF_ASSESSMENT:
                ev(at(days(dt.date(prev, 12, 1), 15)), "self_assessment", partial(self._self_assess, prev, u, r.randint(88, 98), r.random()))
        first = next_working_day(dt.date(cur, 1, 5))  # January: the entries, then the result
        for u in units:
            ev(later(first, 0, 4), "manual_points", partial(self._manual, prev, u, ("leadership", "rules", "inspection"), r.random()))
            for assembly in Assembly.values:
                ev(later(first, 1, 6), "evaluate_unit", partial(self._evaluate, prev, u, assembly, r.random()))
        ev(later(first, 8), "adjust_score", partial(self._adjust, prev))
        ev(later(first, 11), "finalise", partial(AA.finalise, self.office, prev, as_of=dt.date(prev, 12, 31)))
        ev(later(first, 14), "publish", partial(AA.publish, self.office, prev))

        # The current year, in progress: only what has happened by now.
        now = self.horizon["cur"]

        def ev_before_now(t, label, fn):
            if t < now:
                ev(t, label, fn)

        created = next_working_day(dt.date(cur, 2, 20))
        ev_before_now(at(created), "create_scheme", partial(AA.create_scheme, self.office, cur, copy_from=prev))
        ev_before_now(later(created, 1, 2), "edit_scheme", partial(self._edit_scheme, cur))
        for code in CUR_INSPECTED:
            ev_before_now(at(days(dt.date(cur, 5, 10), 190)), "manual_points", partial(self._manual, cur, self.units[code], ("inspection",), r.random()))
        for code in CUR_EVALUATED:
            ev_before_now(at(days(dt.date(cur, 11, 2), 20)), "evaluate_unit", partial(self._evaluate, cur, self.units[code], Assembly.CPPCC, r.random()))
        last = min(now.date(), dt.date(cur, 12, 19))
        for code in CUR_SELF_ASSESSED:
            t = office_dt(working_days_before(last, r.randint(1, 8)), r, (8, 40), (12, 0))
            ev_before_now(t, "self_assessment", partial(self._self_assess, cur, self.units[code], r.randint(90, 98), r.random()))

    # -- the steps (run with the clock set) -------------------------------------------------------
    def _rows(self, year) -> dict:
        """The year's table as the office reads it, ranked: unit id -> row (read once a year)."""
        if year not in self._assessed:
            self._assessed[year] = {row["unit"]: row for row in AS.table(self.office, year)["rows"]}
        return self._assessed[year]

    def _band(self, year, unit, roll) -> int:
        """0 for the better units, 1 for the middle, 2 for the rest (by rank in the table), with a
        chance of the neighbouring band: the office's own points follow the unit's record."""
        rows = self._rows(year)
        ranks = sorted(row["total"] for row in rows.values())
        row = rows[unit.pk]
        below = sum(1 for t in ranks if t < row["total"]) / max(1, len(ranks) - 1)
        band = 0 if below >= 0.66 else 1 if below >= 0.33 else 2
        return max(0, min(2, band + (-1 if roll < 0.15 else 1 if roll > 0.85 else 0)))

    def _manual(self, year, unit, codes, roll):
        if unit.pk not in self._rows(year):
            return  # nothing handled this year: not assessed
        ind = {i.code: i for i in AS.scheme_for(self.office, year).indicators.all()}
        band = self._band(year, unit, roll)
        for code in codes:
            points, reason = CA.MANUAL[code][band]
            AA.enter_points(self.office, year, indicator_id=ind[code].pk, unit_id=unit.pk, points=points, reason=reason)

    def _evaluate(self, year, unit, assembly, roll):
        handled = Assignment.objects.filter(unit=unit, item__session__year=year, item__assembly=assembly, item__number__isnull=False)
        if unit.pk not in self._rows(year) or not handled.exists():
            return  # the assembly office evaluates the units that handled its items
        ind = next(i for i in AS.scheme_for(self.office, year).indicators.all() if i.metric == "evaluation")
        points, reason = CA.EVALUATIONS[self._band(year, unit, roll) + (roll > 0.9)]
        AA.enter_points(self.ao[assembly], year, indicator_id=ind.pk, unit_id=unit.pk, points=points, reason=reason.format(who=CA.WHO[assembly]),
                        assembly=assembly)

    def _self_assess(self, year, unit, score, roll):
        roles = Counter(Assignment.objects.filter(unit=unit, item__session__year=year, item__number__isnull=False)
                        .exclude(state=Assignment.State.ENDED).values_list("role", flat=True))
        if not roles:
            return
        w = self_word(unit.name)
        paragraphs = [CA.SELF_OPENING.format(year=year, self=w, noun=NOUNS[Assembly.CPPCC] + "和" + NOUNS[Assembly.NPC], total=sum(roles.values()),
                                             lead=roles["lead"], separate=roles["separate"], co=roles["co"])]
        paragraphs += [p.format(self=w) for p in CA.SELF_BODY]
        paragraphs.append(CA.SELF_CLOSING[int(roll * len(CA.SELF_CLOSING))])
        AA.submit_self_assessment(self.liaison(unit), year, unit_id=unit.pk, text="\n".join(paragraphs), score=str(score))

    def _adjust(self, year):
        """One adjustment: the unit ranked fifth sent its interim reports late."""
        rows = sorted(self._rows(year).values(), key=lambda row: row["rank"])
        points, reason = CA.ADJUSTMENT
        AA.adjust_score(self.office, year, unit_id=rows[min(4, len(rows) - 1)]["unit"], points=points, reason=reason)

    def _edit_scheme(self, year):
        ind = {i.code: i for i in AS.scheme_for(self.office, year).indicators.all()}
        for code, points, note in CA.SCHEME_EDITS:
            AA.save_indicator(self.office, year, indicator_id=ind[code].pk, points=points, note=note)
