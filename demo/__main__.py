"""The demo's two commands, run from the repository root (what `make run` does):

    python -m demo load [--if-empty] [--seed 2026] [-v]   generate the demo district into the database
    python -m demo accounts [--port 8000]                 print the demo accounts and where to log in

The database is the site's own (banli.settings: DATABASE_URL, db.sqlite3 by default), migrated
first (`manage.py migrate`). The demo is a tool beside the product, not one of its apps: the site
neither installs nor imports it."""

import argparse
import os
import sys
from pathlib import Path


def setup_django() -> None:
    src = str(Path(__file__).resolve().parent.parent / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banli.settings")
    import django

    django.setup()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description="The Banli demo district (一个虚构的区).")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="load the demo data (委员、代表、承办单位和两届会议的提案/建议)")
    load.add_argument("--if-empty", action="store_true", help="do nothing if any item already exists")
    load.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    load.add_argument("-v", "--verbose", action="store_true", help="say what is planned")
    accounts = commands.add_parser("accounts", help="print the demo accounts (用户名、角色、密码) and the URL")
    accounts.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)

    setup_django()
    if args.command == "accounts":
        from .accounts import accounts_text

        print(accounts_text(args.port))
        return 0
    from .commands import NotLoaded, load as load_demo

    try:
        print(load_demo(if_empty=args.if_empty, seed=args.seed, log=print if args.verbose else None))
    except NotLoaded as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
