"""文号: one per document, kept when downloaded again, never the same number twice in a year for
one issuer and kind, even when requests arrive at the same moment; each year starts again at 1."""

import datetime
import threading
from unittest import mock

import pytest
from django.db import connection

from banli.paper.models import DocumentKind, DocumentNumber, NumberCounter
from banli.paper.numbering import Target, number_documents

PATTERN = "{unit_short}{kind}〔{year}〕{number}号"


def _office(ids):
    return [Target(i, "office", "区府办") for i in ids]


def test_numbers_run_per_issuer_and_kind_and_are_kept(world):
    given = number_documents(DocumentKind.NOTICE, _office([11, 12]), pattern=PATTERN, actor=world.gov_office)
    year = given[11].year
    assert [given[11].text, given[12].text] == [f"区府办交〔{year}〕1号", f"区府办交〔{year}〕2号"]
    # A unit's reply letters and closure reports each run from 1; the same record asked again keeps its number.
    reply = number_documents(DocumentKind.REPLY, [Target(11, "unit:1", "区建委")], pattern=PATTERN, actor=world.lead_liaison)
    again = number_documents(DocumentKind.NOTICE, _office([12, 13]), pattern=PATTERN, actor=world.gov_office)
    assert reply[11].text == f"区建委答〔{year}〕1号"
    assert (again[12].pk, again[12].number, again[13].number) == (given[12].pk, 2, 3)


def test_a_new_year_starts_again_at_one(world):
    number_documents(DocumentKind.NOTICE, _office([1, 2]), pattern=PATTERN, actor=world.gov_office)
    with mock.patch("banli.paper.numbering.timezone.localdate", return_value=datetime.date(2099, 1, 2)):
        n = number_documents(DocumentKind.NOTICE, _office([3]), pattern=PATTERN, actor=world.gov_office)[3]
    assert (n.year, n.number, n.text) == (2099, 1, "区府办交〔2099〕1号")


def test_the_number_carries_the_year_of_the_documents_date(world):
    """A notice of an assignment made last December, printed in January, is numbered in last
    year's run, so 〔year〕 agrees with the date printed under it."""
    last_year = number_documents(DocumentKind.NOTICE, [Target(1, "office", "区府办", 2025)], pattern=PATTERN, actor=world.gov_office)[1]
    this_year = number_documents(DocumentKind.NOTICE, [Target(2, "office", "区府办")], pattern=PATTERN, actor=world.gov_office)[2]
    assert (last_year.text, this_year.number) == ("区府办交〔2025〕1号", 1)
