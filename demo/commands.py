"""Load the demo district: reference data, people, units, and two sessions of items whose
histories are made by the action functions. With if_empty a database that already has items is
left alone, so a second `make run` keeps what users changed."""

from django.contrib.auth import get_user_model

from banli.proposals.models import Item

from .accounts import ACCOUNTS
from .generate import Generator
from .timeline import DemoError


class NotLoaded(Exception):
    """The demo cannot go into this database; nothing was written."""


def load(*, if_empty: bool = False, seed: int = 2026, log=None) -> str:
    """Generate the demo (one transaction) and say what was loaded, or why nothing was."""
    if Item.objects.exists():
        if if_empty:
            return "Demo data not loaded: the database already has items (kept as they are)."
        raise NotLoaded("The database already has items. Load the demo into an empty database "
                        "(e.g. `manage.py flush`), or pass --if-empty to skip.")
    taken = sorted(get_user_model().objects.filter(username__in=[a[0] for a in ACCOUNTS]).values_list("username", flat=True))
    if taken:
        raise NotLoaded(f"Demo accounts already exist ({', '.join(taken)}) although there are no items. "
                        "Load the demo into an empty database (e.g. `manage.py flush`).")
    try:
        summary = Generator(seed=seed, log=log).run()
    except DemoError as exc:
        raise NotLoaded(f"Demo generation failed, nothing was written: {exc}") from exc
    states = ", ".join(f"{k} {v}" for k, v in sorted(summary["states"].items()))
    return f"Demo loaded: {summary['items']} items ({states}); {summary['steps']} steps in {summary['seconds']} s."
