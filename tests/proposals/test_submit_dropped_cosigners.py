"""Nothing is lost silently at submission (issue 14): the co-signers who have not confirmed are
named before the proposer submits and the page asks them to confirm; afterwards the co-signing
milestone says how many confirmed and who was left out, and the history names them. A draft
missing a field says which, by the draft form's own labels, each linked to that field."""

import re

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from banli.audit.models import AuditRecord
from banli.org.models import Assembly, Person
from banli.proposals import actions as A
from banli.proposals.models import CoSigner, ItemState
from tests.builders import fresh, new_draft
from tests.checks import refused, unchanged
from tests.web.pages import alerts, form_block, login, text

pytestmark = pytest.mark.django_db

LEFT_OUT = "李委员（已拒绝）、赵委员（未回应）"
WARNING = f"提交后，以下联名人将不列入：{LEFT_OUT}"


def three_invited(world):
    """孙委员 confirms, 李委员 (cosigner) declines, 赵委员 (other_member) never answers."""
    sun = get_user_model().objects.create_user("sun", password="x")
    sun_person = Person.objects.create(user=sun, assembly=Assembly.CPPCC, name="孙委员", sector="文艺界")
    item = new_draft(world)
    A.invite_cosigners(world.member, item.pk, person_ids=[world.cosigner_person.pk, world.other_member_person.pk, sun_person.pk])
    A.respond_cosign(sun, item.pk, confirm=True)
    A.respond_cosign(world.cosigner, item.pk, confirm=False)
    return item


def states(item) -> dict:
    return dict(CoSigner.objects.filter(item=item).values_list("person__name", "state"))


def test_the_submit_form_names_who_will_not_be_listed_and_asks_to_confirm(world, member):
    item = three_invited(world)
    block = form_block(login(member).get(f"/items/{item.pk}/"), "do-submit")

    assert WARNING in re.sub(r"<[^>]+>", "", block)
    box = re.search(r'<input type="checkbox" name="confirm_drop"[^>]*>', block).group(0)
    assert "required" in box


def test_submitting_without_confirming_is_refused_and_changes_nothing(world, member):
    item = three_invited(world)
    c = login(member)
    with unchanged():
        r = c.post(f"/items/{item.pk}/do/submit/", {})
    assert r.status_code == 400
    # The page comes back with the warning said again beside the tick box (and the top of the page pointing there).
    block = form_block(r, "do-submit")
    errors = re.findall(r'<p class="error" role="alert">(.*?)</p>', block, re.S)
    assert any(WARNING in e for e in errors), errors
    assert alerts(r)
    assert fresh(item).state == ItemState.DRAFT
    # The action itself refuses an unticked box, by the field the page shows it beside.
    with refused("invalid", field="confirm_drop") as info:
        A.submit(member, item.pk, confirm_drop=False)
    assert LEFT_OUT in info.value.zh and "李委员 (declined), 赵委员 (no answer)" in info.value.en


def test_confirming_submits_and_the_milestone_and_history_name_who_was_left_out(world, member, cppcc_office):
    item = three_invited(world)
    r = login(member).post(f"/items/{item.pk}/do/submit/", {"confirm_drop": "true"})
    assert r.status_code == 302

    assert fresh(item).state == ItemState.SUBMITTED
    assert states(item) == {"孙委员": "confirmed", "李委员": "declined", "赵委员": "dropped"}
    row = AuditRecord.objects.get(action="submit", item=item)
    assert row.note == f"未列入的联名人：{LEFT_OUT}"

    # The office opens it: the co-signing milestone is not a bare "已完成".
    page = text(login(cppcc_office).get(f"/items/{item.pk}/"))
    cosign = re.search(r'<li class="dl-met" data-kind="cosign">(.*?)</li>', page, re.S).group(1)
    flat = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", cosign))
    assert "1人确认联名" in flat and f"未列入：{LEFT_OUT}" in flat
    # and the history says it in words.
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S).group(1)
    assert f"未列入的联名人：{LEFT_OUT}" in timeline


def test_the_api_submits_as_the_rule_says_and_returns_who_was_left_out(world, member):
    item = three_invited(world)
    api = APIClient()
    api.force_login(member)
    r = api.post(f"/api/items/{item.pk}/actions/submit/", {}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    expected = {"confirmed": ["孙委员"], "settled": True,
                "left_out": [{"name": "李委员", "declined": True}, {"name": "赵委员", "declined": False}]}
    assert body["cosign"] == expected
    [milestone] = [d for d in body["deadlines"] if d["kind"] == "cosign"]
    assert milestone["state"] == "met" and milestone["cosign"] == expected
    assert AuditRecord.objects.get(action="submit", item=item).note == f"未列入的联名人：{LEFT_OUT}"


def test_with_everyone_confirmed_there_is_nothing_to_confirm(world, member, cosigner):
    item = new_draft(world)
    A.invite_cosigners(member, item.pk, person_ids=[world.cosigner_person.pk])
    A.respond_cosign(cosigner, item.pk, confirm=True)
    c = login(member)
    block = form_block(c.get(f"/items/{item.pk}/"), "do-submit")
    assert 'name="confirm_drop"' not in block and "联名人均已确认：李委员" in block

    assert c.post(f"/items/{item.pk}/do/submit/", {}).status_code == 302
    assert fresh(item).state == ItemState.SUBMITTED
    assert AuditRecord.objects.get(action="submit", item=item).note == ""


def test_a_missing_field_is_named_by_the_form_label_and_leads_to_the_field(world, member):
    item = new_draft(world, reason="", category=None)
    c = login(member)
    block = form_block(c.get(f"/items/{item.pk}/"), "do-submit")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', block)
    assert links == [(f"/items/{item.pk}/edit/#id_category", "类别"), (f"/items/{item.pk}/edit/#id_reason", "案由")]

    with unchanged():
        r = c.post(f"/items/{item.pk}/do/submit/", {})
    assert r.status_code == 400
    assert any("提交前请填写：类别、案由。" in a for a in alerts(r))
    assert fresh(item).state == ItemState.DRAFT

    # The link lands on the field, and every field a submission needs is marked as required.
    edit = text(c.get(f"/items/{item.pk}/edit/"))
    for name in ("title", "category", "reason", "suggestions"):
        tag = re.search(r'<(?:input|select|textarea)[^>]*id="id_%s"[^>]*>' % name, edit).group(0)
        assert 'aria-required="true"' in tag, name
        label = re.search(r'<label for="id_%s">(.*?)</label>' % name, edit, re.S).group(1)
        assert '<span class="req" aria-hidden="true">*</span>' in label, name
    assert re.search(r'\srequired[\s>]', re.search(r'<input[^>]*id="id_title"[^>]*>', edit).group(0))
    assert "为必填项" in edit  # the legend of the mark
    # Fields a submission does without carry no mark.
    assert '<label for="id_suggested_units">建议承办单位</label>' in edit
    assert re.search(r'<label class="check"><input type="checkbox" name="urgent"[^>]*> 紧急</label>', edit)
