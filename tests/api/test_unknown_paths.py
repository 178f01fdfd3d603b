"""Under /api/ every answer is JSON in the API's error shape, also for a path that matches no
endpoint (404), a method an endpoint does not take (405) and a server error (500). The pages
keep their HTML answers."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

KEYS = {"code", "message", "message_zh", "message_en"}


def login(user, **kwargs):
    c = APIClient(**kwargs)
    c.force_login(user)
    return c


def assert_json_error(r, status, code):
    assert r.status_code == status, r.content[:200]
    assert r["Content-Type"].startswith("application/json"), r["Content-Type"]
    body = r.json()
    assert set(body) == KEYS and body["code"] == code, body
    assert body["message"] == body["message_zh"] and body["message_zh"] != body["message_en"]
    return body


@pytest.mark.parametrize("path", ["/api/nothing-here/", "/api/items/999999/whatever/", "/api/items/abc/", "/api/leaders/x/y/"])
def test_unknown_api_paths_answer_json_404(world, path):
    assert_json_error(login(world.gov_office).get(path), 404, "not_found")


def test_unknown_api_path_is_json_for_any_method_and_anyone(world):
    assert_json_error(APIClient().get("/api/nothing-here/"), 404, "not_found")
    assert_json_error(login(world.member).post("/api/nothing-here/", {}, format="json"), 404, "not_found")
    assert_json_error(login(world.member).delete("/api/items/1/actions/no-such-step/"), 404, "not_found")


def test_the_unknown_path_looks_like_a_record_that_is_not_there(world):
    """Same body as a missing record: a path tells nothing more than an id does."""
    c = login(world.gov_office)
    assert c.get("/api/nothing-here/").json() == c.get("/api/items/999999/").json()


def test_unknown_api_path_in_english(world):
    body = login(world.gov_office).get("/api/nothing-here/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["message"] == body["message_en"] and body["code"] == "not_found"


def test_pages_keep_their_html_404(world):
    c = Client()
    c.force_login(world.gov_office)
    r = c.get("/nothing-here/")
    assert r.status_code == 404 and r["Content-Type"].startswith("text/html")
    r = c.get("/api-auth/nothing-here/")  # not the API: the browsable API's login pages
    assert r.status_code == 404 and r["Content-Type"].startswith("text/html")


def test_a_method_an_endpoint_does_not_take_is_json_405_in_both_languages(world):
    body = assert_json_error(login(world.gov_office).delete("/api/units/"), 405, "method_not_allowed")
    assert "DELETE" in body["message_zh"] and "DELETE" in body["message_en"]
    r = login(world.gov_office).put("/api/leaders/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 405 and r.json()["message"] == r.json()["message_en"]


def test_a_server_error_under_the_api_is_json_500(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("banli.org.selectors.district_leaders", broken)
    body = assert_json_error(login(world.gov_office, raise_request_exception=False).get("/api/leaders/"), 500, "server_error")
    assert "boom" not in str(body)  # no internals in the answer


def test_a_server_error_on_a_page_stays_html(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("banli.web.views.home.todo_sections", broken)
    c = Client(raise_request_exception=False)
    c.force_login(world.gov_office)
    r = c.get("/")
    assert r.status_code == 500 and r["Content-Type"].startswith("text/html")
