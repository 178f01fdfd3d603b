"""The year-end assessment's own rows in the bench database: two schemes, made by the action
(banli.assessment.actions.create_scheme, as the office makes them), and what people enter by hand,
written in bulk like the rest of the bench:

- the last closed year (the current year - 1) is scored by the weighted preset (加权指标), the
  current year by the per-item preset (单件考核＋综合考核);
- the office's own points (领导重视、制度建设、检查指导) for nearly every unit assessed, some
  entered twice (the later in force);
- each assembly office's evaluation of the units that handled its items, a few withdrawn;
- a few adjustments (加减分) with their reasons;
- the units' self-assessments (总结自评), most before the scheme's date, a few after it.

    schemes, rows = make_assessment(org, random.Random("1:assessment"), now, bulk=2000)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from banli.assessment.actions import create_scheme
from banli.assessment.models import Entry, SelfAssessment
from banli.proposals.models import Assignment

REASONS = {"leadership": "主要领导专题研究部署，亲自督办重点件。", "rules": "办理制度健全，责任落实到人。", "inspection": "配合检查指导，台账规范。"}
EVALUATION = "与委员代表沟通主动，答复质量较好。"
ADJUSTMENTS = [("-1", "未按要求报送办理工作总结，扣1分。"), ("0.5", "办理成果获上级表彰，加0.5分。")]
SELF_TEXT = "本单位全年承办建议提案{n}件，均按时签收，坚持办前、办中、办后沟通，答复承诺事项已逐项落实。"


def _units_by_assembly(year) -> dict:
    """unit id -> {assembly: number of its active assignments} on the year's registered items."""
    out = defaultdict(lambda: defaultdict(int))
    for unit, assembly in (Assignment.objects.filter(item__session__year=year, item__number__isnull=False).exclude(state="ended")
                           .values_list("unit_id", "item__assembly")):
        out[unit][assembly] += 1
    return out


def make_assessment(org, rng, now, bulk) -> tuple[dict, int]:
    """The two schemes and their rows; returns ({"weighted": year, "per_item": year}, rows written)."""
    User = get_user_model()
    gov = User.objects.get(pk=org.gov_ids[0])
    year = now.year  # as bench.org.make_sessions numbers them
    schemes = {"weighted": year - 1, "per_item": year}
    rows = 0
    for preset, y in schemes.items():
        scheme = create_scheme(gov, y, preset=preset)
        indicators = {i.code: i for i in scheme.indicators.all()}
        units = _units_by_assembly(y)
        entries, selfs = [], []

        def entry(unit, kind, points, reason, *, ind=None, by=org.gov_ids[0], assembly="", withdrawn=False):
            entries.append(Entry(scheme=scheme, indicator=ind, unit_id=unit, kind=kind, points=Decimal(points), reason=reason, by_id=by,
                                 assembly=assembly, withdrawn=withdrawn))

        for unit, assemblies in sorted(units.items()):
            for code in ("leadership", "rules", "inspection"):
                if rng.random() < 0.95:
                    if rng.random() < 0.1:  # entered, then changed: the later one is in force
                        entry(unit, Entry.Kind.MANUAL, "1", REASONS[code], ind=indicators[code])
                    entry(unit, Entry.Kind.MANUAL, rng.choice(("1", "1.5", "2")), REASONS[code], ind=indicators[code])
            evaluation = indicators["evaluation"]
            for assembly in assemblies:
                if rng.random() < 0.9:
                    share = Decimal(rng.choice(("1", "0.9", "0.8", "0.7")))
                    entry(unit, Entry.Kind.EVALUATION, (evaluation.points * share).quantize(Decimal("0.01")), EVALUATION, ind=evaluation,
                          by=org.office_id[assembly], assembly=assembly, withdrawn=rng.random() < 0.03)
            if rng.random() < 0.03:
                points, reason = rng.choice(ADJUSTMENTS)
                entry(unit, Entry.Kind.ADJUSTMENT, points, reason)
            if rng.random() < 0.9:
                due = scheme.self_assessment_due
                day = due - dt.timedelta(days=rng.randint(0, 20)) if rng.random() < 0.93 else due + dt.timedelta(days=rng.randint(1, 10))
                when = min(timezone.make_aware(dt.datetime.combine(day, dt.time(10))), now - dt.timedelta(hours=1))
                selfs.append(SelfAssessment(scheme=scheme, unit_id=unit, text=SELF_TEXT.format(n=sum(assemblies.values())),
                                            score=Decimal(rng.randint(85, 99)), submitted_by_id=org.unit_by_id[unit]["liaison"], submitted_at=when))
        Entry.objects.bulk_create(entries, batch_size=bulk)
        SelfAssessment.objects.bulk_create(selfs, batch_size=bulk)
        rows += 1 + len(indicators) + len(entries) + len(selfs)
    return schemes, rows
