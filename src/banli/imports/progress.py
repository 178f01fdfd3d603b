"""How far a running import has got. The import is one transaction, so its own rows are invisible
to the page until it commits; the count goes through the cache instead (shared by every process
in production: Redis), and the page reads it from there."""

from django.core.cache import cache

EVERY = 20  # rows between updates


def _key(batch_id: int) -> str:
    return f"import-progress:{batch_id}"


def ticker(batch_id: int):
    def tick(done: int, force: bool = False) -> None:
        if force or done % EVERY == 0:
            cache.set(_key(batch_id), done, timeout=3600)
    return tick


def read(batch_id: int) -> int | None:
    return cache.get(_key(batch_id))


def clear(batch_id: int) -> None:
    cache.delete(_key(batch_id))
