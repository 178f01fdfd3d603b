"""One error path for every door (banli.middleware): a view raises the domain error and lets it go;
a browser gets the error page with the message in its language and the error's status (a 404 reads
as "not found, or not yours"), an /api/ request gets the error's JSON. The same holds for a NUL byte
in the query string, refused before any view runs."""

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from banli.errors import forbidden, invalid, not_found
from banli.reports.models import ReportJob
from tests.builders import make_item, new_draft
from tests.web.pages import alerts, login, text

pytestmark = pytest.mark.django_db

NOT_FOUND = "找不到该记录，或您无权查看。"
REFUSALS = {"forbidden": forbidden, "not_found": not_found,
            "invalid": lambda: invalid("title", "标题不能为空。", "A title is required.")}


def refusing(request, kind):
    """A view that refuses and leaves the answer to the one error path."""
    raise REFUSALS[kind]()


def accepting(request):
    return HttpResponse("ok")


# This module is also the URLconf of the tests marked with it: the project's own URLs, plus a page
# and an /api/ address (a plain Django view, not DRF) that refuse.
urlpatterns = [
    path("api/test-refusal/<str:kind>/", refusing),
    path("test-refusal/<str:kind>/", refusing),
    path("test-accept/", accepting),
    path("", include("banli.urls")),
]
handler404 = "banli.api.errors.page_not_found"
handler500 = "banli.api.errors.server_error"

own_urls = pytest.mark.urls(__name__)


def is_error_page(r) -> bool:
    return r["Content-Type"].startswith("text/html") and '<section class="card">' in text(r)


# -- a view that raises ---------------------------------------------------------------------------

@own_urls
@pytest.mark.parametrize("kind,status,message", [
    ("forbidden", 403, "您无权执行此操作。"), ("not_found", 404, NOT_FOUND), ("invalid", 400, "标题不能为空。"),
])
def test_a_page_that_refuses_answers_with_the_error_page(world, member, kind, status, message):
    r = login(member).get(f"/test-refusal/{kind}/")
    assert r.status_code == status and is_error_page(r)
    assert alerts(r) == [message]
    # In the page's frame: the user's menu is there.
    assert 'href="/inbox/"' in text(r)
    # "Not yours" and "not there" look the same; any other refusal says it could not be done.
    assert ("找不到该页面" in text(r)) == (status == 404)


@own_urls
def test_the_error_page_speaks_the_users_language(world, member):
    c = login(member)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = c.get("/test-refusal/not_found/")
    assert r.status_code == 404 and alerts(r) == ["Not found, or not yours to see."]
    assert '<html lang="en">' in text(r)


@own_urls
@pytest.mark.parametrize("kind,status", [("forbidden", 403), ("not_found", 404), ("invalid", 400)])
def test_an_api_address_that_refuses_answers_json(world, member, kind, status):
    r = login(member).get(f"/api/test-refusal/{kind}/")
    assert r.status_code == status and r["Content-Type"] == "application/json"
    assert r.json() == REFUSALS[kind]().as_dict()


@own_urls
def test_other_exceptions_are_left_alone(world, member):
    # Only domain errors are answered here; anything else stays a server error (handler500).
    c = Client(raise_request_exception=False)
    c.force_login(member)
    assert c.get("/test-refusal/unknown-kind/").status_code == 500
    assert c.get("/test-accept/").content == b"ok"


# -- the project's pages: each refusal that used to be caught in its view -------------------------

def _pages(world):
    mine = make_item(world, "handling")
    draft = new_draft(world)
    job = ReportJob.objects.create(session=world.cppcc_session, requested_by=world.cppcc_office)
    return [
        # (who, address, status, message)
        (world.member, "/items/?state=bogus", 400, "未知状态：bogus。"),
        (world.member, "/items/export.xlsx?state=bogus", 400, "未知状态：bogus。"),
        (world.outsider_liaison, f"/items/{mine.pk}/", 404, NOT_FOUND),
        (world.outsider_liaison, f"/items/{mine.pk}/files/1/", 404, NOT_FOUND),
        (world.member, f"/items/{mine.pk}/files/999999/", 404, NOT_FOUND),
        (world.outsider_liaison, f"/items/{draft.pk}/edit/", 404, NOT_FOUND),
        (world.gov_office, "/items/new/", 403, "只有委员、代表或其授权的集体账号可以提出提案/建议。"),
        (world.gov_office, "/deadlines/?kind=bogus", 400, "未知的办理环节。"),
        (world.member, "/reports/", 403, "您无权查看该统计报告。"),
        (world.member, "/reports/yearly.docx", 403, "您无权查看该统计报告。"),
        (world.member, "/reports/units.xlsx", 403, "您无权查看该统计报告。"),
        (world.gov_office, "/reports/situation.docx?assembly=xx", 400, "会别不正确。"),
        (world.member, "/reports/situation.docx", 403, "您无权查看该统计报告。"),
        (world.outsider_liaison, f"/items/{mine.pk}/dossier.pdf", 404, NOT_FOUND),
        (world.member, "/reports/dossiers/", 403, "只有区府办和提案委/代表工委可以批量导出一案一册。"),
        (world.npc_office, f"/reports/jobs/{job.pk}/download/", 404, NOT_FOUND),
        (world.cppcc_office, f"/reports/jobs/{job.pk}/download/", 404, NOT_FOUND),  # not built yet
    ]


def test_every_page_refusal_is_the_error_page_with_its_status(world):
    for user, url, status, message in _pages(world):
        r = login(user).get(url)
        assert (r.status_code, alerts(r)) == (status, [message]), (user.username, url)
        assert is_error_page(r), url


def test_a_missing_question_is_the_not_found_page(world, lead_liaison):
    r = login(lead_liaison).post("/questions/999999/answer/", {"answer": "已答复"})
    assert r.status_code == 404 and is_error_page(r) and alerts(r) == [NOT_FOUND]


def test_the_api_keeps_its_json(world, member):
    r = login(member).get("/api/items/?state=bogus")
    assert r.status_code == 400 and r.json() == {
        "code": "invalid", "field": "state", "message": "未知状态：bogus。", "message_zh": "未知状态：bogus。",
        "message_en": "Unknown state: bogus."}
    r = login(world.outsider_liaison).get(f"/api/items/{make_item(world, 'handling').pk}/")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


# -- a NUL byte in the query ----------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/items/?q=a%00b", "/deadlines/?kind=%00", "/questions/?page=%00"])
def test_a_nul_byte_in_a_page_query_gets_the_error_page(world, gov_office, url):
    r = login(gov_office).get(url)
    assert r.status_code == 400 and is_error_page(r)
    assert alerts(r) == ["查询条件含有无效字符。"]


def test_a_nul_byte_page_in_english(world, member):
    c = login(member)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = c.get("/items/?q=%00")
    assert r.status_code == 400 and alerts(r) == ["The query contains an invalid character."]


def test_a_nul_byte_before_logging_in_gets_the_page_too(world):
    r = Client().get("/login/?next=%00")
    assert r.status_code == 400 and is_error_page(r)


@pytest.mark.parametrize("url", ["/api/items/?q=a%00b", "/api/people/?q=%00"])
def test_a_nul_byte_in_an_api_query_gets_json(world, member, url):
    r = login(member).get(url)
    assert r.status_code == 400 and r["Content-Type"] == "application/json"
    assert r.json() == {"code": "invalid", "message": "查询条件含有无效字符。", "message_zh": "查询条件含有无效字符。",
                        "message_en": "The query contains an invalid character."}
