"""Idempotency keys (issue 15.5): a client that retries a creating step after an ambiguous failure,
with the same key, creates nothing twice and hears what the first call answered; the page's
hidden key does the same for a double click or a resubmitted form. The same key with another
body is refused (409), another person's identical key is theirs, and a refused step keeps no key."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from banli.idempotency.keys import purge_expired
from banli.idempotency.models import IdempotencyKey
from banli.proposals import actions as A
from banli.proposals.models import Attachment, Consultation, Item, LeaderInstruction, Mediation, Message, ProgressUpdate, Question, UrgeNotice
from tests.builders import draft_fields, lead_assignment, make_item, today


@pytest.fixture
def api_client():
    return APIClient()


def _lead(item, **data):
    return {"assignment": lead_assignment(item).pk, **data}


def _key_item(world):
    item = make_item(world, "handling")
    A.mark_key(world.gov_office, item.pk, leader_id=world.district_leader.pk)
    return item


# step: (who, the item it needs, the body, the records it creates)
STEPS = {
    "post_message": ("member", lambda w: make_item(w, "handling"), lambda i: {"body": "请问电梯加装进展如何？"}, Message),
    "record_consultation": ("lead_liaison", lambda w: make_item(w, "handling"),
                            lambda i: _lead(i, kind="during", form="phone", held_on=str(today()), participants="建委、王委员"), Consultation),
    "urge": ("gov_office", lambda w: make_item(w, "handling"), lambda i: _lead(i, text="答复期限将至，请抓紧办理。"), UrgeNotice),
    "give_instruction": ("district_leader", _key_item, lambda i: {"text": "请抓紧办理"}, LeaderInstruction),
    "record_mediation": ("gov_office", lambda w: make_item(w, "rehandling"),
                         lambda i: {"held_on": str(today()), "participants": "提案委、区府办", "outcome": "达成一致"}, Mediation),
    "report_progress": ("lead_liaison", lambda w: make_item(w, "evaluated"), lambda i: _lead(i, text="已完成选址"), ProgressUpdate),
}


def post_action(client, item, name, body, key, fmt="json"):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(f"/api/items/{item.pk}/actions/{name}/", body, format=fmt, headers=headers)


@pytest.mark.parametrize("name", sorted(STEPS))
def test_an_api_retry_of_a_creating_step_creates_nothing_twice(world, api_client, name):
    who, make, body, model = STEPS[name]
    item = make(world)
    api_client.force_authenticate(getattr(world, who))
    key = str(uuid.uuid4())
    before = model.objects.count()

    first = post_action(api_client, item, name, body(item), key)
    again = post_action(api_client, item, name, body(item), key)

    assert first.status_code == again.status_code == 200, (first.json(), again.json())
    assert model.objects.count() == before + 1
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert again.json()["id"] == first.json()["id"] == item.pk
    row = IdempotencyKey.objects.get(user=getattr(world, who), key=key)
    assert (row.step, row.target_type, row.target_id) == (f"item.{name}", model._meta.label_lower, model.objects.latest("pk").pk)
    # Without a key (or with a new one) the step runs again, as it always did.
    assert post_action(api_client, item, name, body(item), None).status_code == 200
    assert model.objects.count() == before + 2


def test_an_attachment_uploaded_twice_with_one_key_is_stored_once(world, api_client, member):
    item = make_item(world, "handling")
    api_client.force_authenticate(member)
    key = str(uuid.uuid4())

    def upload():
        return post_action(api_client, item, "add_attachment", {"file": SimpleUploadedFile("现场照片.pdf", b"%PDF-1.4 site photos", "application/pdf")},
                           key, fmt="multipart")

    first, again = upload(), upload()
    assert first.status_code == again.status_code == 200
    assert Attachment.objects.filter(item=item).count() == 1
    assert [a["id"] for a in again.json()["attachments"]] == [a["id"] for a in first.json()["attachments"]]
    # The same key with another file is another request: refused, nothing stored.
    other = post_action(api_client, item, "add_attachment", {"file": SimpleUploadedFile("现场照片.pdf", b"%PDF-1.4 other", "application/pdf")},
                        key, fmt="multipart")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    assert Attachment.objects.filter(item=item).count() == 1


def test_a_question_asked_twice_with_one_key_is_asked_once_with_the_same_id(world, api_client, member):
    api_client.force_authenticate(member)
    body = {"subject": "停车难", "body": "小区周边停车位不足，有无规划？", "to_unit_id": world.lead_unit.pk}
    first = api_client.post("/api/questions/", body, format="json", headers={"Idempotency-Key": "q-1"})
    again = api_client.post("/api/questions/", body, format="json", headers={"Idempotency-Key": "q-1"})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert Question.objects.filter(asker__user=member).count() == 1


def test_a_draft_created_twice_with_one_key_is_created_once_with_the_same_id(world, api_client, member):
    api_client.force_authenticate(member)
    fields = draft_fields(world)
    body = {"title": fields["title"], "reason": fields["reason"], "suggestions": fields["suggestions"], "category": fields["category"].pk}
    first = api_client.post("/api/items/", body, format="json", headers={"Idempotency-Key": "draft-7"})
    again = api_client.post("/api/items/", body, format="json", headers={"Idempotency-Key": "draft-7"})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert Item.objects.filter(proposer__user=member).count() == 1


def test_the_same_key_with_another_body_is_refused_and_creates_nothing(world, api_client, member):
    item = make_item(world, "handling")
    api_client.force_authenticate(member)
    assert post_action(api_client, item, "post_message", {"body": "第一条"}, "k").status_code == 200
    other = post_action(api_client, item, "post_message", {"body": "另一条"}, "k")
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_conflict" and "幂等键" in other.json()["message_zh"]
    # ... and for another step or another item alike.
    assert post_action(api_client, make_item(world, "handling"), "post_message", {"body": "第一条"}, "k").status_code == 409
    assert list(Message.objects.filter(author=member).values_list("body", flat=True)) == ["第一条"]


def test_keys_are_per_person(world, api_client, member, gov_office):
    item = make_item(world, "handling")
    for user, body in ((member, "委员问进展"), (gov_office, "区府办答复")):
        api_client.force_authenticate(user)
        assert post_action(api_client, item, "post_message", {"body": body}, "same-key").status_code == 200
    assert Message.objects.filter(item=item).count() == 2
    assert IdempotencyKey.objects.filter(key="same-key").count() == 2


def test_a_refused_step_keeps_no_key_and_its_retry_is_refused_alike(world, api_client, other_member):
    item = make_item(world, "handling")
    api_client.force_authenticate(other_member)
    for _ in range(2):
        answer = post_action(api_client, item, "post_message", {"body": "与我无关的件"}, "nope")
        assert answer.status_code == 404 and "Idempotent-Replayed" not in answer
    assert not IdempotencyKey.objects.exists() and not Message.objects.filter(item=item).exists()


@pytest.mark.parametrize("key", ["x" * 101, "含中文的键", "tab\there"])
def test_a_key_that_is_not_one_is_refused_with_a_message(world, api_client, member, key):
    item = make_item(world, "handling")
    api_client.force_authenticate(member)
    answer = api_client.post(f"/api/items/{item.pk}/actions/post_message/", {"body": "你好"}, format="json",
                             HTTP_IDEMPOTENCY_KEY=key)
    assert answer.status_code == 400 and answer.json()["field"] == "Idempotency-Key"
    assert not Message.objects.filter(item=item).exists()


def test_keys_are_kept_a_day_then_forgotten(world, api_client, member, settings):
    item = make_item(world, "handling")
    api_client.force_authenticate(member)
    post_action(api_client, item, "post_message", {"body": "昨天的留言"}, "old")
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=settings.BANLI_IDEMPOTENCY_HOURS - 1))
    assert post_action(api_client, item, "post_message", {"body": "昨天的留言"}, "old")["Idempotent-Replayed"] == "true"
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=settings.BANLI_IDEMPOTENCY_HOURS + 1))
    assert purge_expired() == 1 and not IdempotencyKey.objects.exists()


def test_the_schema_documents_the_optional_header(world, api_client, admin_user):
    api_client.force_authenticate(admin_user)
    schema = api_client.get("/api/schema/?format=json").json()
    for path in ("/api/items/{item_id}/actions/post_message/", "/api/items/", "/api/questions/"):
        params = {p["name"]: p for p in schema["paths"][path]["post"].get("parameters", [])}
        assert params["Idempotency-Key"]["in"] == "header" and not params["Idempotency-Key"].get("required")


# -- the pages -------------------------------------------------------------------------------------

def _hidden_key(html: str) -> str:
    marker = 'name="idempotency_key" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def test_a_double_submitted_message_form_posts_one_message(world, client, member):
    item = make_item(world, "handling")
    client.force_login(member)
    page = client.get(f"/items/{item.pk}/").content.decode()
    key = _hidden_key(page[page.index("/do/post_message/"):])
    form = {"body": "请问何时开工？", "idempotency_key": key}

    first = client.post(f"/items/{item.pk}/do/post_message/", form)
    again = client.post(f"/items/{item.pk}/do/post_message/", form)

    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"] == f"/items/{item.pk}/#messages"
    assert Message.objects.filter(item=item, body="请问何时开工？").count() == 1
    shown = client.get(again["Location"]).content.decode()
    assert "此项已提交过，未重复提交。" in shown
    # A fresh page has a fresh key: a second message written on purpose is posted.
    assert _hidden_key(client.get(f"/items/{item.pk}/").content.decode().split("/do/post_message/")[1]) != key


def test_a_double_submitted_consultation_form_records_one_consultation(world, client, lead_liaison):
    item = make_item(world, "handling")
    client.force_login(lead_liaison)
    page = client.get(f"/items/{item.pk}/").content.decode()
    key = _hidden_key(page[page.index("/do/record_consultation/"):])
    before = Consultation.objects.filter(item=item).count()
    form = {"assignment": lead_assignment(item).pk, "kind": "during", "form": "phone", "held_on": str(today()),
            "participants": "建委、王委员", "idempotency_key": key}
    answers = [client.post(f"/items/{item.pk}/do/record_consultation/", form) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302] and answers[0]["Location"] == answers[1]["Location"]
    assert Consultation.objects.filter(item=item).count() == before + 1


def test_a_double_submitted_question_form_asks_once(world, client, member):
    client.force_login(member)
    key = _hidden_key(client.get("/questions/").content.decode())
    form = {"subject": "路灯不亮", "body": "幸福路路灯已坏两周。", "to_unit_id": "", "idempotency_key": key}
    answers = [client.post("/questions/", form) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert Question.objects.filter(subject="路灯不亮").count() == 1


def test_forms_of_steps_that_do_not_create_carry_no_key(world, client, lead_liaison):
    item = make_item(world, "assigned")
    client.force_login(lead_liaison)
    page = client.get(f"/items/{item.pk}/").content.decode()
    sign_form = page[page.index("/do/sign/"):]
    assert 'name="idempotency_key"' not in sign_form[:sign_form.index("</form>")]


def test_a_double_submitted_new_draft_form_saves_one_draft(world, client, member):
    client.force_login(member)
    key = _hidden_key(client.get("/items/new/").content.decode())
    fields = draft_fields(world)
    form = {"title": fields["title"], "reason": fields["reason"], "suggestions": fields["suggestions"],
            "category": fields["category"].pk, "idempotency_key": key}
    answers = [client.post("/items/new/", form) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302] and answers[0]["Location"] == answers[1]["Location"]
    assert Item.objects.filter(proposer__user=member).count() == 1
