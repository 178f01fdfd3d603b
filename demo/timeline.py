"""Time in the demo: office hours on working days, and running the planned steps in time order
with Django's clock set to each step's moment.

Every step of every item is planned first, with the date and time it happens. The steps of all
items are then run in time order with `django.utils.timezone.now` set to each step's moment, so
every timestamp the actions write (created_at, submitted_at, audit `at`, sent_at, ...) is the
planned one, and the rules that read "today" (a planned date may not be in the past, the feedback
window must have lapsed, a consultation may not be dated in the future) hold as they would have on
that day. Nothing is backdated afterwards. Notifications, which the actions schedule for after
commit, are delivered at the simulated moment of the step instead of at the final commit."""

import datetime as dt
import random
from unittest import mock
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone as django_timezone

from banli.errors import BanliError
from banli.workdays.calendar import is_working_day

TZ = ZoneInfo("Asia/Shanghai")


class DemoError(Exception):
    pass


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


class _Clock:
    """Stands in for django.utils.timezone.now while the steps run."""

    def __init__(self):
        self.t = None
        self._real = django_timezone.now

    def __call__(self):
        return self.t.astimezone(dt.timezone.utc) if self.t is not None else self._real()


def _deliver_now(func, using=None, robust=False):
    func()


def run_in_time_order(events) -> None:
    """events: (moment, sequence, label, step function, spec or None). Runs each step at its
    moment; the first refused step stops the run with a DemoError naming the item and the step."""
    clock = _Clock()
    with mock.patch.object(django_timezone, "now", clock), mock.patch.object(transaction, "on_commit", _deliver_now):
        for t, _, label, fn, spec in sorted(events, key=lambda e: (e[0], e[1])):
            clock.t = t
            try:
                fn()
            except BanliError as exc:
                raise DemoError(f"step {label} of demo item #{spec.idx if spec else '-'} ({spec.title if spec else ''}) "
                                f"at {t:%Y-%m-%d %H:%M}: {exc.code}: {exc.zh} / {exc.en}") from exc
            except Exception as exc:
                raise DemoError(f"step {label} of demo item #{spec.idx if spec else '-'} at {t:%Y-%m-%d %H:%M}: {exc!r}") from exc
