"""Giving out 文号: once per document, never the same number twice.

Inside one transaction: the counter rows of the issuers concerned are locked (PostgreSQL row
locks; on SQLite the IMMEDIATE transaction already holds the write lock), the documents that have
a number are read after the lock, so a request that waited sees what the one before it wrote, and
the rest get the next numbers in one bump of each counter. A batch of 300 notices is numbered in
the same few queries as one notice (a few more only when the batch spans two years). The unique constraints on DocumentNumber stand behind this."""

import string
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from banli.audit.service import record
from banli.errors import invalid

from .models import KIND_WORD, DocumentKind, DocumentNumber, NumberCounter

FIELDS = {"unit_short", "year", "number", "kind"}


@dataclass(frozen=True)
class Target:
    id: int  # the assignment, reply or closure report
    issuer: str  # "office" or "unit:<id>"
    short: str  # the issuer's short name, for {unit_short}
    # The year of the document's date (成文日期), so that 〔year〕 agrees with the date printed
    # under it; None: this year.
    year: int | None = None


def check_pattern(pattern: str) -> None:
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None}
    except ValueError:
        names = None
    if names is None or not names <= FIELDS or "number" not in names:
        raise invalid("number_pattern", "文号格式须含 {number}，只可使用 {unit_short}、{kind}、{year}、{number}，花括号须成对。",
                      "The pattern must contain {number} and may use only {unit_short}, {kind}, {year} and {number}.")


def format_number(pattern: str, *, short: str, kind: str, year: int, number: int) -> str:
    return pattern.format(unit_short=short, kind=KIND_WORD[DocumentKind(kind)], year=year, number=number)


def number_documents(kind: str, targets: list[Target], *, pattern: str, actor) -> dict[int, DocumentNumber]:
    """The 文号 of each target, given now to those without one. One audit row names the numbers
    given; it stays off the items' own history, where a download is no step of the handling."""
    if not targets:
        return {}
    try:
        return _number(kind, targets, pattern, actor)
    except IntegrityError:
        # Another request numbered one of these documents between our read and our write (only
        # possible where a counter row was created at the same moment): its numbers stand.
        return _number(kind, targets, pattern, actor)


def _number(kind, targets, pattern, actor) -> dict[int, DocumentNumber]:
    today = timezone.localdate()
    year_of = {t: t.year or today.year for t in targets}
    counters = sorted({(t.issuer, year_of[t]) for t in targets})
    issuers, years = {i for i, _ in counters}, {y for _, y in counters}
    with transaction.atomic():
        NumberCounter.objects.bulk_create([NumberCounter(kind=kind, issuer=i, year=y) for i, y in counters], ignore_conflicts=True)
        # Locked in one order, so two batches over the same issuers never wait on each other in a ring.
        list(NumberCounter.objects.select_for_update().filter(kind=kind, issuer__in=issuers, year__in=years).order_by("issuer", "year"))
        found = {d.target_id: d for d in DocumentNumber.objects.filter(kind=kind, target_id__in=[t.id for t in targets])}
        missing = [t for t in dict.fromkeys(targets) if t.id not in found]
        if not missing:
            return found
        new = []
        for issuer, year in counters:
            mine = [t for t in missing if (t.issuer, year_of[t]) == (issuer, year)]
            if not mine:
                continue
            counter = NumberCounter.objects.filter(kind=kind, issuer=issuer, year=year)
            counter.update(last=F("last") + len(mine))
            last = counter.values_list("last", flat=True).get()
            for n, t in enumerate(mine, start=last - len(mine) + 1):
                text = format_number(pattern, short=t.short, kind=kind, year=year, number=n)
                new.append(DocumentNumber(kind=kind, target_id=t.id, issuer=issuer, year=year, number=n, text=text, issued_on=today))
        DocumentNumber.objects.bulk_create(new)
        label = DocumentKind(kind).label
        record(actor=actor, action="number_documents", target=new[0] if len(new) == 1 else None,
               after={"kind": kind, "numbers": {d.target_id: d.text for d in new}},
               note=f"{label}编号：{'、'.join(d.text for d in new[:5])}{' 等' + str(len(new)) + '件' if len(new) > 5 else ''}")
        found.update({d.target_id: d for d in new})
        return found
