"""What the pages must never do: run what someone typed, accept a form posted from another site,
show a person's phone number to who may not see it, show an item to who may not read it, or let
anyone in without logging in."""

import re

import pytest
from django.test import Client

from banli.proposals import actions as A
from banli.proposals.access import actor_for, can_see_contacts
from banli.proposals.models import Assignment, Question
from tests.builders import PASSWORD, lead_assignment, make_item, new_draft, reply_fields
from tests.checks import unchanged
from tests.web.pages import form_block, login, text

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
IMG = '<img src=x onerror="alert(2)">'


def assert_escaped(response, where=""):
    html = text(response)
    assert response.status_code in (200, 400), (where, response.status_code)
    assert SCRIPT not in html and "<img src=x" not in html, f"{where}: typed markup reaches the page unescaped"
    return html


# -- output is escaped ----------------------------------------------------------------------------

def test_every_page_escapes_what_people_typed(world, member, lead_liaison, gov_office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = make_item(world, "handling", title=SCRIPT, reason=IMG, suggestions=SCRIPT)
        A.post_message(member, item.pk, body=SCRIPT)
        A.ask_question(member, subject=SCRIPT, body=IMG, to_unit_id=world.lead_unit.pk)
        draft = new_draft(world, title=SCRIPT)
    pages = {
        member: ["/", "/items/", f"/items/{item.pk}/", f"/items/{draft.pk}/", f"/items/{draft.pk}/edit/", "/questions/", "/inbox/"],
        lead_liaison: ["/", "/items/", f"/items/{item.pk}/", "/questions/", "/inbox/", "/deadlines/"],
        gov_office: ["/", "/items/?q=script", f"/items/{item.pk}/", "/deadlines/"],
    }
    for user, urls in pages.items():
        c = login(user)
        for url in urls:
            html = assert_escaped(c.get(url), f"{user.username} {url}")
            if url.startswith("/items/") or url in ("/questions/", "/inbox/"):
                html = html.replace("<mark>", "").replace("</mark>", "")  # a search marks the words it found
                assert ESCAPED in html or "&lt;script&gt;" in html, f"{user.username} {url}: the typed text is not shown at all"


def test_typed_values_sent_back_with_a_form_error_are_escaped(world, lead_liaison):
    item = make_item(world, "handling", co=False)
    a = lead_assignment(item)
    data = {k: str(v) for k, v in reply_fields("B").items()}
    data.update(assignment=a.pk, planned_date="", body=SCRIPT, signatory='"><script>alert(1)</script>')
    r = login(lead_liaison).post(f"/items/{item.pk}/do/draft_reply/", data)
    assert r.status_code == 400
    block = form_block(r, f"do-draft_reply-{a.pk}")
    assert SCRIPT not in block and ESCAPED in block
    assert 'value="&quot;&gt;&lt;script&gt;' in block


def test_the_query_string_is_escaped_where_the_page_repeats_it(world, gov_office):
    c = login(gov_office)
    for url in ('/items/?q="><script>alert(1)</script>', "/items/?state=<script>alert(1)</script>", '/inbox/?page="><script>alert(1)</script>'):
        html = text(c.get(url))
        assert SCRIPT not in html, url


# -- cross-site requests --------------------------------------------------------------------------

def _csrf_client(user):
    c = Client(enforce_csrf_checks=True)
    c.force_login(user)
    return c


def test_a_form_posted_without_the_csrf_token_is_refused(world, cppcc_office, member, lead_liaison):
    submitted = make_item(world, "submitted")
    handling = make_item(world, "handling", co=False)
    posts = [
        (cppcc_office, f"/items/{submitted.pk}/do/register/", {}),
        (lead_liaison, f"/items/{handling.pk}/do/record_consultation/",
         {"assignment": lead_assignment(handling).pk, "kind": "before", "form": "visit", "held_on": "2026-01-05", "participants": "x"}),
        (member, f"/items/{handling.pk}/do/post_message/", {"body": "跨站提交"}),
        (member, "/items/new/", {"title": "跨站草稿"}),
        (member, "/questions/", {"subject": "跨站", "body": "跨站"}),
        (member, "/inbox/read/", {}),
        (member, "/lang/", {"language": "en"}),
    ]
    for user, url, data in posts:
        with unchanged():
            r = _csrf_client(user).post(url, data)
        assert r.status_code == 403, url
        assert "django_language" not in r.cookies


def test_the_same_form_with_its_token_goes_through(world, member):
    c = _csrf_client(member)
    page = text(c.get("/questions/"))
    token = re.search(r'<form method="post" action="/questions/".*?name="csrfmiddlewaretoken" value="([^"]+)"', page, re.S).group(1)
    r = c.post("/questions/", {"subject": "带令牌的提问", "body": "内容", "csrfmiddlewaretoken": token})
    assert r.status_code == 302
    assert Question.objects.filter(subject="带令牌的提问").exists()


def test_every_action_form_carries_a_csrf_token(world, gov_office):
    item = make_item(world, "handling")
    html = text(login(gov_office).get(f"/items/{item.pk}/"))
    forms = re.findall(r'<form method="post".*?</form>', html, re.S)
    assert len(forms) > 3
    assert all('name="csrfmiddlewaretoken"' in f for f in forms)


# -- contact data ---------------------------------------------------------------------------------

PHONE = "13800000001"  # the member's own phone (tests/builders.py)
UNIT_PHONE = "021-12345678"  # the reply letter's contact phone (reply_fields)


# Who sees phone numbers on an item page (DOMAIN §2: the office and the units handling the item;
# the proposer sees their own). A co-signer and the supervising district leader do not.
SEES_CONTACTS = {"gov_office": True, "cppcc_office": True, "lead_liaison": True, "lead_head": True, "co_liaison": True, "co_head": True,
                 "member": True, "cosigner": False, "district_leader": False}


def test_phone_numbers_only_for_the_office_and_the_handling_units(world):
    item = make_item(world, "replied", reply_type="A", cosigners=[world.cosigner])
    active = list(Assignment.objects.filter(item=item).exclude(state="ended").values_list("unit_id", flat=True))
    for persona, sees in SEES_CONTACTS.items():
        user = getattr(world, persona)
        r = login(user).get(f"/items/{item.pk}/")
        assert r.status_code == 200, persona
        html = text(r)
        assert can_see_contacts(actor_for(user), item, active) is sees, persona  # the rule and this table agree
        assert (PHONE in html) is sees, f"{persona}: proposer's phone shown={PHONE in html}"
        assert (f'href="tel:{PHONE}"' in html) is sees, persona
        assert (UNIT_PHONE in html) is sees, persona
        # The address too: contact data, shown by every door to exactly these readers (the API and the dossier alike).
        assert ("幸福路1号" in html) is sees, persona


def test_lists_and_to_do_never_show_phone_numbers(world, gov_office, district_leader):
    item = make_item(world, "handling")
    A.mark_key(gov_office, item.pk, leader_id=district_leader.pk)
    for user in (gov_office, district_leader):
        c = login(user)
        for url in ("/", "/items/", "/deadlines/"):
            assert PHONE not in text(c.get(url)), (user.username, url)


# -- reading and logging in -----------------------------------------------------------------------

def test_an_item_someone_may_not_read_looks_like_a_missing_one(world, other_member, outsider_liaison, other_leader):
    item = make_item(world, "handling")
    missing = item.pk + 1000
    for user in (other_member, outsider_liaison, other_leader):
        c = login(user)
        for url in (f"/items/{item.pk}/", f"/items/{missing}/", f"/items/{item.pk}/edit/"):
            r = c.get(url)
            assert r.status_code == 404, (user.username, url)
            assert "找不到该记录，或您无权查看。" in text(r)
            assert item.title not in text(r)


def test_a_draft_is_seen_by_its_proposer_and_invited_co_signers_only(world, member, cosigner, gov_office, cppcc_office):
    item = new_draft(world)
    A.invite_cosigners(member, item.pk, person_ids=[world.cosigner_person.pk])
    assert login(member).get(f"/items/{item.pk}/").status_code == 200
    assert login(cosigner).get(f"/items/{item.pk}/").status_code == 200
    assert login(gov_office).get(f"/items/{item.pk}/").status_code == 404
    assert login(cppcc_office).get(f"/items/{item.pk}/").status_code == 404


@pytest.mark.parametrize("url", ["/", "/items/", "/items/1/", "/items/1/edit/", "/items/new/", "/items/export.xlsx", "/items/1/files/1/",
                                 "/questions/", "/inbox/", "/deadlines/"])
def test_every_page_needs_a_login(world, client, url):
    r = client.get(url)
    assert r.status_code == 302 and r["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("url", ["/items/1/do/register/", "/questions/1/answer/", "/inbox/read/", "/questions/"])
def test_every_post_needs_a_login(world, client, url):
    item = make_item(world, "submitted")
    with unchanged():
        r = client.post(url.replace("/1/", f"/{item.pk}/"), {"answer": "x", "subject": "x", "body": "x"})
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_logging_in_with_the_password_and_failing_without(world, client, member):
    r = client.post("/login/", {"username": "member", "password": "wrong"})
    assert r.status_code == 200 and "_auth_user_id" not in client.session
    r = client.post("/login/", {"username": "member", "password": PASSWORD})
    assert (r.status_code, r["Location"]) == (302, "/")
    assert client.get("/").status_code == 200
    r = client.post("/login/?next=https://evil.example/", {"username": "member", "password": PASSWORD})
    assert r["Location"] == "/"


def test_pages_may_not_be_framed(world, member):
    assert login(member).get("/")["X-Frame-Options"] == "DENY"
