"""In production several app processes share one cache (BANLI_CACHE=redis://...): a revocation
made through one of them is seen at once by every other, which had the page cached. Here with the
machine's real Redis, the other process played by another thread with its own cache connection."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from banli.proposals import actions as A
from tests.builders import make_item

pytestmark = pytest.mark.django_db(transaction=True)  # the other "process" reads committed rows


def _in_other_process(path: str) -> str:
    """Fetch a page from another thread: its own cache connection, as another app process has."""
    got = {}

    def run():
        r = Client().get(path)
        got["body"] = r.content.decode()
        got["cache"] = r.get("X-Portal-Cache", "")
        caches.close_all()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    return got["body"], got["cache"]


def test_revocation_reaches_every_process_sharing_the_cache(world):
    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/3",
                         "KEY_PREFIX": f"banli-test-{uuid.uuid4().hex}"}}
    with override_settings(CACHES=redis):
        item = make_item(world, "replied", title="关于增设社区食堂的提案", consent_publish=True)
        A.decide_publication(world.gov_office, item.pk, publish=True)
        path = f"/public/items/{item.pk}/"
        body, _ = _in_other_process(path)
        body, hit = _in_other_process(path)
        assert item.title in body and hit == "hit"  # the other process serves it from the shared cache
        A.revoke_publication(world.gov_office, item.pk, reason="内容需更新")
        body, hit = _in_other_process(path)
        assert item.title not in body and hit == ""
        caches["default"].clear()
