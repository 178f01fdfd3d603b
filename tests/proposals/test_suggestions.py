"""Suggestions for registering and assigning (banli.proposals.suggestions): the items like the one
at hand, ranked with their shared words, who may see them, and the units suggested for it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banli.proposals import actions
from banli.proposals import suggestions as S
from banli.proposals.models import ItemState
from banli.search.similar import shared_words, subject
from tests.builders import fresh, make_item

pytestmark = pytest.mark.django_db

ELEVATOR = dict(title="关于加快老旧小区加装电梯的提案", reason="老旧小区老年居民上下楼难，加装电梯审批慢、资金难。",
                suggestions="一是简化加装电梯审批；二是加大补贴；三是做好低层住户协调。")
ELEVATOR_AGAIN = dict(title="关于进一步推进老旧小区加装电梯工作的提案", reason="我区老旧住宅加装电梯进展缓慢，低层住户意见难统一。",
                      suggestions="一是加装电梯联合审查；二是多渠道筹资；三是明确电梯维保责任。")
PARKING = dict(title="关于增加医院周边停车泊位的提案", reason="区人民医院周边停车难，车辆占道排队。",
               suggestions="一是挖潜增设停车泊位；二是错时共享停车；三是加强交通疏导。")
PARKING_SCHOOL = dict(title="关于缓解学校周边停车难的提案", reason="中小学上下学时段接送车辆占道，周边停车泊位不足。",
                      suggestions="一是增设临时停车泊位；二是错时开放机关停车场；三是加强交通疏导。")


def test_the_subject_is_the_title_without_its_frame():
    assert subject("关于加快老旧小区加装电梯的提案") == "加快老旧小区加装电梯"
    assert subject("关于优化公交线路的建议") == "优化公交线路"


def test_shared_words_are_the_longest_runs_without_generic_ends():
    other = {"老旧", "旧小", "小区", "区加", "加装", "装电", "电梯", "加强"}
    assert shared_words("关于加快老旧小区加装电梯的提案", other) == ["老旧小区加装电梯"]
    # Only generic pieces in common: no reason to show.
    assert shared_words("关于加强管理的提案", {"加强", "管理"}) == []


def test_registering_shows_the_like_items_best_first_with_their_words(world):
    target = make_item(world, "registered", **ELEVATOR)
    parking = make_item(world, "registered", **PARKING)
    school = make_item(world, "registered", **PARKING_SCHOOL)
    new = make_item(world, "submitted", **ELEVATOR_AGAIN)
    found = S.similar_to_item(world.cppcc_office, new)
    assert [s.item_id for s in found] == [target.pk]
    assert "老旧小区加装电梯" in found[0].shared
    assert found[0].row["number"] == fresh(target).number and found[0].row["mergeable"] is True
    # The parking items find each other, the elevator ones not.
    assert [s.item_id for s in S.similar_to_item(world.cppcc_office, fresh(school))] == [parking.pk]


def test_only_registered_items_of_the_same_session_are_offered_for_merging(world):
    same = make_item(world, "registered", **ELEVATOR)
    earlier = make_item(world, "closed", session=world.earlier_cppcc_session, **ELEVATOR)
    pending = make_item(world, "submitted", **ELEVATOR)
    new = make_item(world, "submitted", **ELEVATOR_AGAIN)
    found = {s.item_id: s.row for s in S.similar_to_item(world.cppcc_office, new)}
    assert set(found) == {same.pk, earlier.pk, pending.pk}
    assert found[same.pk]["mergeable"] and not found[earlier.pk]["mergeable"] and not found[pending.pk]["mergeable"]


def test_what_a_reader_may_not_read_is_never_suggested(world):
    make_item(world, "registered", **ELEVATOR)
    new = make_item(world, "submitted", **ELEVATOR_AGAIN)
    # The other assembly's office reads neither; a drafting member sees only published items and
    # their own: another member's registered item stays hidden.
    assert S.similar_to_item(world.npc_office, new) == []
    assert S.similar_to_draft(world.other_member, assembly="cppcc", title=ELEVATOR_AGAIN["title"]) == []
    mine = S.similar_to_draft(world.member, assembly="cppcc", title=ELEVATOR_AGAIN["title"], exclude=[new.pk])
    assert {s.item_id for s in mine} <= {i.pk for i in new.proposer.items.all()}


def test_a_drafting_member_sees_the_published_like_items(world):
    published = make_item(world, "closed", proposer=world.other_member, consent_publish=True, **ELEVATOR)
    actions.decide_publication(world.gov_office, published.pk, publish=True)
    found = S.similar_to_draft(world.member, assembly="cppcc", title=ELEVATOR_AGAIN["title"], body=ELEVATOR_AGAIN["reason"])
    assert [s.item_id for s in found] == [published.pk] and found[0].row["public"]


def test_units_suggested_from_the_proposer_and_from_like_items_of_past_sessions(world):
    past = make_item(world, "closed", session=world.earlier_cppcc_session, **ELEVATOR)
    assert past.assignments.filter(role="lead", unit=world.lead_unit).exists()
    new = make_item(world, "registered", **ELEVATOR_AGAIN)
    new.suggested_units.set([world.spare_unit])
    with CaptureQueriesContext(connection) as q:
        ranked = S.unit_suggestions(new)
    assert len(q) <= 8
    by_unit = {e.unit.pk: e for e in ranked}
    assert set(by_unit) == {world.lead_unit.pk, world.spare_unit.pk}
    assert by_unit[world.spare_unit.pk].reasons == ["委员建议"]
    assert by_unit[world.lead_unit.pk].reasons[0].startswith(f"办理过{world.earlier_cppcc_session.name}第{past.number:04d}号")
    # The record beside it: the past item's lead assignment and its reply deadline.
    assert by_unit[world.lead_unit.pk].record["led"] >= 1
    history_only = S.unit_suggestions(new, with_proposer=False)
    assert [e.unit.pk for e in history_only] == [world.lead_unit.pk]


def test_merge_by_number_in_the_session(world):
    target = make_item(world, "registered", **ELEVATOR)
    other_session = make_item(world, "registered", session=world.earlier_cppcc_session, **ELEVATOR)
    new = make_item(world, "submitted", **ELEVATOR_AGAIN)
    from banli.errors import BanliError
    with pytest.raises(BanliError) as e:
        actions.merge(world.cppcc_office, new.pk, into_number=fresh(target).number + 100)
    assert e.value.field == "into_number" and fresh(new).state == ItemState.SUBMITTED
    # Numbers restart each session: the earlier session's item has the same number, and is not the one merged into.
    assert fresh(other_session).number == fresh(target).number
    actions.merge(world.cppcc_office, new.pk, into_number=fresh(target).number, reason="内容相近")
    assert fresh(new).state == ItemState.MERGED and fresh(new).merged_into_id == target.pk


def test_the_api_merges_by_number_too(world):
    from rest_framework.test import APIClient

    target = make_item(world, "registered", **ELEVATOR)
    new = make_item(world, "submitted", **ELEVATOR_AGAIN)
    c = APIClient()
    c.force_authenticate(world.cppcc_office)
    r = c.post(f"/api/items/{new.pk}/actions/merge/", {"into_number": fresh(target).number + 7}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "into_number" and fresh(new).state == ItemState.SUBMITTED
    r = c.post(f"/api/items/{new.pk}/actions/merge/", {"into_number": fresh(target).number, "reason": "内容相近"}, format="json")
    assert r.status_code == 200, r.content
    assert fresh(new).state == ItemState.MERGED and fresh(new).merged_into_id == target.pk
