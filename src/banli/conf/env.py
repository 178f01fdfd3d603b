"""Reading the environment: small typed parsers that fail loudly, naming the variable."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[3]


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name) or default
    if raw not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def env_hours(name: str, default: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """A daily window "HH:MM-HH:MM" (may wrap past midnight); empty or "off" means none."""
    raw = os.environ.get(name, default).strip()
    if raw.lower() in ("", "off", "none"):
        return None
    try:
        start, end = raw.split("-")
        window = tuple(tuple(int(x) for x in part.strip().split(":")) for part in (start, end))
        if any(len(t) != 2 or not (0 <= t[0] < 24 and 0 <= t[1] < 60) for t in window) or window[0] == window[1]:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(f"{name} must look like 21:00-08:00 (or be empty for none), got {raw!r}") from None
    return window
