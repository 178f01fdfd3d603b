"""How good are the suggestions of the busy weeks (banli.proposals.suggestions)? Measured on the
demo, where they were tuned, and on a held-out year of the benchmark's data, where they were not.

    PYTHONPATH=src:. python -m bench.suggest [--demo] [--items 3000] [--sample 300]

Without --demo it generates a benchmark database of --items items (several sessions, assigned
by subject as bench.handling does) in a temporary SQLite file and measures its latest CPPCC
session (the held-out year) against the sessions before it; with --demo, the demo loaded in the
database DATABASE_URL names (`make run` loads it).

What is relevant: an item of the same subject (the demo content's topic, read back from the
title, whatever the places filled in). The figures, over the items of the measured session:

- similar items, precision at 5: of the items shown (at most 5, those scoring at least
  banli.search.similar.MIN_SCORE), the share of the same subject;
- similar items, recall at 5: of min(5, the items of the same subject in the pool), the share
  shown (the pool: the item's session and the one before, as the office registering sees it);
- units, top 3: the share of assigned items whose lead (or separate) unit is among the first three
  suggestions; "from history alone" leaves out the proposer's own suggested units (the demo's
  proposers always name the lead unit, so only that figure says anything there).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from demo import content as C


def topic_patterns():
    out = []
    for t in C.TOPICS:
        core = re.escape(t.title)
        core = re.sub(r"\\\{\w+\\\}", ".+?", core)
        out.append((re.compile(rf"^关于(?:进一步)?{core}的(?:提案|建议)$"), t.title))
    return out


def topic_of(title: str, patterns) -> str | None:
    return next((name for pattern, name in patterns if pattern.match(title)), None)


def measure(*, assembly: str = "cppcc", sample: int | None = None, seed: int = 1) -> dict:
    """The figures for the latest session of `assembly` that has assigned items (see the module)."""
    from banli.org.models import Session, StaffRole
    from banli.proposals import suggestions as S
    from banli.proposals.models import Assignment, AssignmentRole, Item, ItemState

    patterns = topic_patterns()
    office = StaffRole.objects.filter(kind=StaffRole.Kind.ASSEMBLY_OFFICE, assembly=assembly).select_related("user").first().user
    session = (Session.objects.filter(assembly=assembly, items__assignments__isnull=False).distinct()
               .order_by("-opens_on", "-id").first())
    before = Session.objects.filter(assembly=assembly, opens_on__lt=session.opens_on).order_by("-opens_on", "-id").first()
    pool_sessions = [session.pk] + ([before.pk] if before else [])
    pool = list(Item.objects.filter(session_id__in=pool_sessions).exclude(state=ItemState.DRAFT).values_list("pk", "title"))
    topic = {pk: topic_of(title, patterns) for pk, title in pool}
    subjects = {}
    for pk, name in topic.items():
        if name:
            subjects.setdefault(name, set()).add(pk)
    items = [i for i in Item.objects.filter(session=session).exclude(state=ItemState.DRAFT).select_related("session").order_by("pk")
             if topic.get(i.pk)]
    if sample and len(items) > sample:
        items = random.Random(seed).sample(items, sample)
    shown_total = hits_total = wanted_total = 0
    started = time.perf_counter()
    for item in items:
        found = S.similar_to_item(office, item)
        same = subjects[topic[item.pk]] - {item.pk}
        hits = sum(1 for s in found if s.item_id in same)
        shown_total += len(found)
        hits_total += hits
        wanted_total += min(5, len(same))
    similar_ms = (time.perf_counter() - started) * 1000 / max(1, len(items))
    leads = {}
    for item_id, unit_id in Assignment.objects.filter(item__in=items, role__in=(AssignmentRole.LEAD, AssignmentRole.SEPARATE)).exclude(
            state=Assignment.State.ENDED).values_list("item_id", "unit_id"):
        leads.setdefault(item_id, set()).add(unit_id)
    top3 = top3_history = 0
    started = time.perf_counter()
    for item in items:
        if item.pk not in leads:
            continue
        ranked = S.unit_suggestions(item, limit=3)
        top3 += bool({e.unit.pk for e in ranked} & leads[item.pk])
        ranked = S.unit_suggestions(item, limit=3, with_proposer=False)
        top3_history += bool({e.unit.pk for e in ranked} & leads[item.pk])
    units_ms = (time.perf_counter() - started) * 1000 / max(1, 2 * len(leads))
    assigned = sum(1 for i in items if i.pk in leads)
    return {
        "session": str(session), "items": len(items), "assigned": assigned,
        "precision5": round(hits_total / shown_total, 3) if shown_total else 0.0,
        "recall5": round(hits_total / wanted_total, 3) if wanted_total else 0.0,
        "units_top3": round(top3 / assigned, 3) if assigned else 0.0,
        "units_top3_history": round(top3_history / assigned, 3) if assigned else 0.0,
        "similar_ms": round(similar_ms, 1), "units_ms": round(units_ms, 1),
    }


def report(name: str, f: dict) -> str:
    return (f"{name}: {f['session']}, {f['items']} items ({f['assigned']} assigned)\n"
            f"  similar items: precision at 5 {f['precision5']:.3f}, recall at 5 {f['recall5']:.3f} ({f['similar_ms']} ms an item)\n"
            f"  units: assigned lead among the first 3 suggestions {f['units_top3']:.3f}; "
            f"from history alone {f['units_top3_history']:.3f} ({f['units_ms']} ms an item)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", action="store_true", help="measure the demo in the database DATABASE_URL names")
    parser.add_argument("--items", type=int, default=3000, help="items of the generated benchmark data (default 3000)")
    parser.add_argument("--sample", type=int, default=300, help="items measured at most (default 300)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    if not args.demo:
        folder = tempfile.mkdtemp(prefix="banli-suggest-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banli.settings")
    import django

    django.setup()
    if not args.demo:
        from django.core.management import call_command

        from bench.generate import generate

        call_command("migrate", verbosity=0)
        generate(args.items, seed=args.seed, progress=None)
    figures = measure(sample=args.sample, seed=args.seed)
    print(report("demo (tuned on)" if args.demo else f"benchmark data, held-out latest session ({args.items} items)", figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
