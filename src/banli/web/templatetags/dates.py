"""Dates as the pages write them (2026-12-04, 2026-12-04 09:30), without Django's `date` filter.

The `date` filter parses its format string and walks it for every value (~80 µs): a to-do page
with 75 dates spent 4-8 ms of its CPU there (issue 16, bench/cpu.py). These write the same text
with an f-string. A builtin (settings.TEMPLATES), so every template has them without a load.
Like `date`: aware datetimes are shown in the current time zone (expects_localtime), and an empty
or unusable value gives ""."""

from django import template

register = template.Library()


@register.filter(expects_localtime=True)
def ymd(value) -> str:
    """{{ value|ymd }} == {{ value|date:"Y-m-d" }}"""
    try:
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}" if value not in (None, "") else ""
    except AttributeError:
        return ""


@register.filter(expects_localtime=True)
def ymd_hm(value) -> str:
    """{{ value|ymd_hm }} == {{ value|date:"Y-m-d H:i" }} (a bare date: at 00:00, where `date` raises)"""
    if value in (None, ""):
        return ""
    try:
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {getattr(value, 'hour', 0):02d}:{getattr(value, 'minute', 0):02d}"
    except AttributeError:
        return ""
