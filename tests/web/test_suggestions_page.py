"""The suggestions on the pages: the office registering sees the like items and merges by number;
the office assigning sees the units suggested, the first one pre-filled as lead; a proposer
drafting sees published and own like items, never another member's; nobody else sees any."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banli.proposals import actions
from banli.proposals.models import ItemState
from tests.builders import fresh, make_item
from tests.checks import assert_audit
from tests.proposals.test_suggestions import ELEVATOR, ELEVATOR_AGAIN, PARKING, PARKING_SCHOOL
from tests.web.pages import form_block, login, text

pytestmark = pytest.mark.django_db


def _similar_block(html: str) -> str:
    m = re.search(r'<div class="suggest" id="similar".*?</ol>', html, re.S)
    return m.group(0) if m else ""


def test_registering_office_sees_the_like_items_and_merges_one_by_its_number(world):
    target = make_item(world, "registered", **ELEVATOR)
    make_item(world, "registered", **PARKING)
    new = make_item(world, "submitted", **ELEVATOR_AGAIN)
    c = login(world.cppcc_office)
    page = c.get(f"/items/{new.pk}/")
    block = _similar_block(page.content.decode())
    number = f"{fresh(target).number:04d}"
    assert f"第{number}号" in block and "老旧小区加装电梯" in text(block)
    assert "医院周边停车" not in text(block)
    assert f'data-merge-into="{fresh(target).number}"' in block
    # The merge form asks for the number, not an internal id.
    assert 'name="into_number"' in form_block(page, "do-merge") and 'name="into_id"' not in page.content.decode()
    r = c.post(f"/items/{new.pk}/do/merge/", {"into_number": fresh(target).number, "reason": "内容相近"})
    assert r.status_code == 302
    assert fresh(new).state == ItemState.MERGED and fresh(new).merged_into_id == target.pk
    assert_audit("merge", item=new, actor=world.cppcc_office, after={"merged_into": target.pk})


def test_a_wrong_number_is_refused_beside_the_field_and_changes_nothing(world):
    make_item(world, "registered", **ELEVATOR)
    new = make_item(world, "submitted", **ELEVATOR_AGAIN)
    r = login(world.cppcc_office).post(f"/items/{new.pk}/do/merge/", {"into_number": 999})
    assert r.status_code == 400
    assert "本会次没有这个编号的已立案件" in text(form_block(r, "do-merge"))
    assert fresh(new).state == ItemState.SUBMITTED


def test_assigning_office_sees_units_suggested_and_the_first_prefilled_as_lead(world):
    make_item(world, "closed", session=world.earlier_cppcc_session, **ELEVATOR)
    new = make_item(world, "registered", **ELEVATOR_AGAIN)
    page = login(world.gov_office).get(f"/items/{new.pk}/")
    html = page.content.decode()
    m = re.search(r'id="unit-suggestions".*?</ol>', html, re.S)
    assert m and world.lead_unit.name in m.group(0) and "办理过" in m.group(0) and "最近主办" in m.group(0)
    assign = form_block(page, "do-assign")
    lead_select = re.search(r'<select[^>]*name="lead".*?</select>', assign, re.S).group(0)
    assert re.search(rf'<option value="{world.lead_unit.pk}"[^>]*selected', lead_select)
    # The pickers list the suggested units first, in a group of their own, with the reason.
    group = re.search(r'<optgroup label="建议"[^>]*>(.*?)</optgroup>', lead_select, re.S)
    assert group and f'value="{world.lead_unit.pk}"' in group.group(1) and "办理过" in group.group(1)


def test_the_page_costs_the_same_whatever_the_number_of_like_items(world):
    make_item(world, "closed", session=world.earlier_cppcc_session, **ELEVATOR)
    new = make_item(world, "registered", **ELEVATOR_AGAIN)
    c = login(world.gov_office)
    c.get(f"/items/{new.pk}/")  # warm the per-process caches (units, reference data)

    def count():
        with CaptureQueriesContext(connection) as q:
            assert c.get(f"/items/{new.pk}/").status_code == 200
        return len(q)

    few = count()
    make_item(world, "closed", session=world.earlier_cppcc_session, co=False, **ELEVATOR)
    for _ in range(3):
        make_item(world, "registered", **ELEVATOR)
    assert count() == few


def test_nobody_but_the_offices_sees_the_panels(world):
    make_item(world, "registered", **ELEVATOR)
    new = make_item(world, "assigned", **ELEVATOR_AGAIN)
    for user in (world.lead_liaison, world.member, world.district_leader):
        html = login(user).get(f"/items/{new.pk}/").content.decode()
        assert 'id="similar"' not in html and 'id="unit-suggestions"' not in html, user.username


def test_drafting_member_sees_published_and_own_like_items_only(world):
    published = make_item(world, "closed", proposer=world.other_member, consent_publish=True, **PARKING)
    actions.decide_publication(world.gov_office, published.pk, publish=True)
    hidden = make_item(world, "registered", proposer=world.other_member, **PARKING_SCHOOL)
    c = login(world.member)
    r = c.get("/items/similar/", {"title": "关于缓解学校周边停车难的提案", "reason": "接送车辆占道，停车泊位不足。"})
    html = r.content.decode()
    assert r.status_code == 200
    assert f"/public/items/{published.pk}/" in html and "已公开" in text(html)
    assert f"/items/{hidden.pk}/" not in html and hidden.title not in html
    # The draft form holds the box that asks for it.
    assert 'id="similar-draft"' in c.get("/items/new/").content.decode()


def test_the_similar_fragment_escapes_and_needs_a_login(world):
    from django.test import Client

    r = Client().get("/items/similar/", {"title": "关于停车的提案"})
    assert r.status_code == 302 and "/login/" in r["Location"]
    published = make_item(world, "closed", proposer=world.other_member, consent_publish=True,
                          title="关于<script>alert(1)</script>增加医院周边停车泊位的提案", reason=PARKING["reason"],
                          suggestions=PARKING["suggestions"])
    actions.decide_publication(world.gov_office, published.pk, publish=True)
    html = login(world.member).get("/items/similar/", {"title": "关于增加医院周边停车泊位的提案"}).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
