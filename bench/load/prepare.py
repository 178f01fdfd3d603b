"""The load database's side of the load test, run by bench.load.runner in a process of its own
(DATABASE_URL names the load database):

    python -m bench.load.prepare --out accounts.json [--generate N]

With --generate it fills the freshly migrated database with the bench district (bench.generate).
Then it picks the accounts each role logs in as (bench.load.roles.ACCOUNTS of them: the members
with the most items, the busiest units' liaisons and heads, the offices, the district leaders),
and for each the items it reads (its most recent visible ones) and the writes the transition table
allows it on them now (banli.proposals.workflow.available_actions, as the item page shows them).
Finally it makes the accounts ready to log in again: the TOTP devices forget the last code used
(one code opens one login) and no lockout is left from an earlier run."""

from __future__ import annotations

import argparse
import json
import sys
import time

ITEMS_PER_ACCOUNT = 30
WRITE_PROBE = 12  # of those items, at most how many are asked which steps they allow (an item page's worth of queries each)
WRITES_EACH = 2  # enough items found for a kind of write: the probing stops when every kind has them


def accounts_by_role(cap: int | None = None) -> dict[str, list]:
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from banli.org.models import Person, StaffRole, Unit, UnitLiaison

    from .roles import ACCOUNTS

    ACCOUNTS = {role: min(n, cap or n) for role, n in ACCOUNTS.items()}
    User = get_user_model()
    members = (Person.objects.filter(user__isnull=False, is_collective=False).annotate(n=Count("items")).filter(n__gt=0)
               .order_by("-n", "id").values_list("user_id", flat=True)[:ACCOUNTS["member"]])
    units = list(Unit.objects.filter(active=True).order_by("id").values_list("id", "leader_id")[:max(ACCOUNTS["unit liaison"], ACCOUNTS["unit head"])])
    current = dict(UnitLiaison.objects.filter(ended_on__isnull=True, unit_id__in=[u for u, _ in units]).values_list("unit_id", "user_id"))
    staff = {kind: list(StaffRole.objects.filter(kind=kind).order_by("user_id").values_list("user_id", flat=True))
             for kind in StaffRole.Kind.values}
    ids = {
        "member": list(members),
        "unit liaison": [current[u] for u, _ in units if u in current][:ACCOUNTS["unit liaison"]],
        "unit head": [head for _, head in units if head][:ACCOUNTS["unit head"]],
        "gov office": staff[StaffRole.Kind.GOV_OFFICE][:ACCOUNTS["gov office"]],
        "assembly office": staff[StaffRole.Kind.ASSEMBLY_OFFICE][:ACCOUNTS["assembly office"]],
        "district leader": staff[StaffRole.Kind.DISTRICT_LEADER][:ACCOUNTS["district leader"]],
    }
    users = User.objects.in_bulk([i for v in ids.values() for i in v])
    return {role: [users[i] for i in v] for role, v in ids.items()}


def account(user, role: str) -> dict:
    from banli.proposals import selectors, workflow
    from banli.proposals.access import actor_for, visible_items

    from .roles import ROLES

    items = list(visible_items(user).order_by("-id").values_list("id", flat=True)[:ITEMS_PER_ACCOUNT])
    wanted = set(ROLES[role]["writes"])
    writes = []
    for item_id in items[:WRITE_PROBE]:
        item = selectors.item_detail(user, item_id)
        for a in workflow.available_actions(actor_for(user), item):
            if a["action"] in wanted:
                writes.append({"item": item_id, "action": a["action"], "assignment": a.get("assignment")})
        if all(sum(w["action"] == action for w in writes) >= WRITES_EACH for action in wanted):
            break
    return {"username": user.username, "items": items, "writes": writes}


def ready_to_log_in() -> None:
    """Codes may be used again (each code opens one login: a run soon after another would find the
    current one spent) and no lockout or throttling is left over."""
    from axes.models import AccessAttempt
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.update(last_t=-1, drift=0, throttling_failure_count=0, throttling_failure_timestamp=None)
    AccessAttempt.objects.all().delete()


def unanalyzed_tables() -> list[str]:
    """Tables with rows that the planner has no statistics for (it would guess, and badly)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT relname FROM pg_stat_user_tables WHERE n_live_tup > 0 AND last_analyze IS NULL "
                    "AND last_autoanalyze IS NULL ORDER BY relname")
        return [r[0] for r in cur.fetchall()]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True)
    p.add_argument("--generate", type=int, default=0, help="fill the (empty, migrated) database with this many items first")
    p.add_argument("--accounts", type=int, default=0, help="at most this many accounts per role (default: bench.load.roles.ACCOUNTS)")
    p.add_argument("--reuse-accounts", action="store_true", help="keep --out if it is there (found by an earlier run on this database)")
    args = p.parse_args(argv)

    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banli.settings")

    django.setup()
    from banli.org.models import Assembly, Category
    from bench.generate import generate
    from bench.org import BENCH_PASSWORD, BENCH_TOTP_KEY

    started = time.perf_counter()
    if args.generate:
        generate(args.generate, progress=lambda *a, **k: print(*a, flush=True))
    from banli.org.models import Session

    session = Session.objects.filter(is_current=True, term__assembly=Assembly.CPPCC).values_list("id", flat=True).first()
    category = (Category.objects.filter(assembly=Assembly.CPPCC, parent__isnull=True, active=True).order_by("position", "id")
                .values_list("id", flat=True).first())
    t = time.perf_counter()
    if args.reuse_accounts and os.path.exists(args.out):
        # The accounts an earlier run on this database found: its writes (messages, urges, progress
        # reports, drafts) leave the same steps open, and finding them takes a minute at 100k.
        ready_to_log_in()
        print(f"accounts as found by an earlier run ({args.out})", flush=True)
        return 0
    accounts = {role: [account(u, role) for u in users] for role, users in accounts_by_role(args.accounts).items()}
    empty = [role for role, a in accounts.items() if not a]
    if empty:
        print(f"no accounts for {', '.join(empty)}: is this a bench database (bench.generate)?", file=sys.stderr)
        return 1
    ready_to_log_in()
    from banli.proposals.models import Item

    out = {"unanalyzed_tables": unanalyzed_tables(), "password": BENCH_PASSWORD, "totp_key": BENCH_TOTP_KEY, "session": session, "category": category,
           "items": Item.objects.count(), "accounts": accounts}
    with open(args.out, "w") as f:
        json.dump(out, f, ensure_ascii=False)
    print(f"{sum(len(a) for a in accounts.values())} accounts, "
          f"{sum(len(x['writes']) for a in accounts.values() for x in a)} possible writes, found in {time.perf_counter() - t:.1f}s "
          f"(prepare {time.perf_counter() - started:.1f}s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
