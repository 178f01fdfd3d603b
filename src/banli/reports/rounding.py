"""How the office rounds: the shares of a breakdown are whole percentages that add up to exactly
100 (largest remainder), and a single rate is rounded half up (0.5 → 1), never to even."""

from decimal import ROUND_HALF_UP, Decimal


def shares(counts: list[int]) -> list[int]:
    """Whole percentages for each count, summing to 100 when the total is not zero. The units
    left after rounding down go to the largest remainders; ties go to the earlier entry, so the
    result does not depend on anything but the order given."""
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    # Integers, not Decimal: 28 digits make two equal remainders (3/7 and 3/7) compare unequal.
    floors = [c * 100 // total for c in counts]
    remainders = [c * 100 % total for c in counts]
    left = 100 - sum(floors)
    order = sorted(range(len(counts)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def rate(part: int, whole: int) -> int:
    """part/whole as a whole percentage, rounded half up; 0 when there is nothing to divide."""
    if not whole:
        return 0
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
