"""How the reports round (DOMAIN §6): the shares of a breakdown are whole numbers adding up to
100 by largest remainder, ties going to the earlier row; a single rate is rounded half up, never
to even. Checked against a reference written with exact fractions."""

from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from banli.reports.rounding import rate, shares

counts = st.lists(st.integers(min_value=0, max_value=10_000), max_size=12)
nonzero_counts = counts.filter(lambda c: sum(c) > 0)


def reference_shares(cs):
    """Hamilton's method, with exact fractions: floors, then one more to the largest remainders,
    the earlier row first among equal remainders."""
    total = sum(cs)
    if not total:
        return [0] * len(cs)
    exact = [Fraction(c * 100, total) for c in cs]
    out = [x.numerator // x.denominator for x in exact]
    order = sorted(range(len(cs)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[: 100 - sum(out)]:
        out[i] += 1
    return out


@settings(max_examples=400, deadline=None)
@given(nonzero_counts)
@example([1, 1, 1])  # 33.3 each: the first row gets the spare point
@example([1, 2])  # 33.3 / 66.7
@example([5, 1, 1, 1])  # 62.5 / 12.5 / 12.5 / 12.5: two spare points, to the first two tied remainders
@example([3, 0, 1, 1])
@example([1] * 7)
def test_shares_are_whole_and_add_up_to_100(cs):
    got = shares(cs)
    assert len(got) == len(cs)
    assert sum(got) == 100
    for c, s in zip(cs, got):
        exact = Fraction(c * 100, sum(cs))
        assert abs(s - exact) < 1, (cs, got)  # each is the exact share rounded down or up
        assert s >= 0
        if c == 0:
            assert s == 0
    assert got == reference_shares(cs)


@settings(max_examples=300, deadline=None)
@given(nonzero_counts)
def test_shares_keep_the_order_of_the_counts(cs):
    """A larger count never gets a smaller share; among equal counts the earlier row gets at
    least as much (and at most one point more). The result depends on the order given only."""
    got = shares(cs)
    for i in range(len(cs)):
        for j in range(i + 1, len(cs)):
            if cs[i] > cs[j]:
                assert got[i] >= got[j]
            elif cs[i] < cs[j]:
                assert got[i] <= got[j]
            else:
                assert got[i] - got[j] in (0, 1), (cs, got)
    assert shares(list(cs)) == got  # same input, same output


@given(st.lists(st.just(0), max_size=6))
def test_nothing_to_share_gives_zeros(cs):
    assert shares(cs) == [0] * len(cs)


@pytest.mark.parametrize("cs, expected", [
    ([4, 3, 1], [50, 38, 12]),  # 50 / 37.5 / 12.5: the tie goes to the earlier row
    ([3, 2, 1], [50, 33, 17]),
    ([2, 1], [67, 33]),
    ([5, 1, 1, 1], [63, 13, 12, 12]),
    ([1, 1, 1], [34, 33, 33]),
    ([0, 1], [0, 100]),
    ([], []),
])
def test_shares_examples(cs, expected):
    assert shares(cs) == expected


def reference_rate(part, whole):
    if not whole:
        return 0
    x = Fraction(part * 100, whole)
    return int(x + Fraction(1, 2)) if x >= 0 else -int(-x + Fraction(1, 2))


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=0, max_value=100_000), st.integers(min_value=0, max_value=100_000))
@example(1, 8)
@example(5, 8)
@example(1, 40)
@example(1, 200)
def test_rate_is_rounded_half_up(part, whole):
    assert rate(part, whole) == reference_rate(part, whole)


@pytest.mark.parametrize("part, whole, expected", [
    (1, 8, 13),  # 12.5 → 13
    (5, 8, 63),  # 62.5 → 63
    (3, 8, 38),  # 37.5 → 38
    (1, 40, 3),  # 2.5 → 3 (rounding to even would give 2)
    (5, 200, 3),  # 2.5 → 3
    (1, 400, 0),  # 0.25
    (1, 6, 17),
    (1, 3, 33),
    (2, 3, 67),
    (8, 8, 100),
    (0, 5, 0),
    (0, 0, 0),  # nothing to divide
    (3, 0, 0),
])
def test_rate_examples(part, whole, expected):
    assert rate(part, whole) == expected
