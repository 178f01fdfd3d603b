"""The staff list and the API count up to a cap (banli.paging.STAFF_COUNT_CAP, issue 16): past it
the page says "超过 N 件" and the API's count_capped is true, and pages past the cap still open.
The cap is lowered to 20 here so that a small generated district passes it."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from banli import paging
from banli.proposals.access import visible_items
from bench.generate import generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(monkeypatch):
    summary = generate(60, seed=7, batch=60, progress=None)
    monkeypatch.setattr(paging, "STAFF_COUNT_CAP", 20)
    user = get_user_model().objects.get(pk=summary["gov_user_id"])
    ids = list(visible_items(user).order_by("-id").values_list("pk", flat=True))
    assert len(ids) > 40
    return user, ids


def test_the_api_says_its_count_is_capped_and_pages_on_past_it(office):
    user, ids = office
    api = APIClient()
    api.force_login(user)
    first = api.get("/api/items/?page_size=7").json()
    assert first["count"] == 20 and first["count_capped"] is True and first["next"]
    last = -(-len(ids) // 7)
    deep = api.get(f"/api/items/?page_size=7&page={last}").json()
    assert [r["id"] for r in deep["results"]] == ids[(last - 1) * 7:] and deep["next"] is None and deep["count_capped"] is True
    assert api.get(f"/api/items/?page_size=7&page={last + 1}").status_code == 404
    few = api.get("/api/items/?page_size=7&state=draft").json()  # nothing: drafts are their proposers' own
    assert few["count"] == 0 and few["count_capped"] is False


def test_the_staff_list_says_more_than(office):
    user, ids = office
    web = Client()
    web.force_login(user)
    html = web.get("/items/").content.decode()
    assert "超过 20 件" in html and "共 20 件" not in html
    page2 = web.get("/items/?page=2").content.decode()
    assert f'href="/items/{ids[30]}/' in page2
