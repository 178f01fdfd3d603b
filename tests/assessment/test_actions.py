"""The assessment's writes: who may, what they write (records and audit rows), what they refuse
(with a message, changing nothing), and what finalising freezes."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from banli.assessment import actions, selectors
from banli.assessment.models import Entry, Indicator, Result, Scheme, SelfAssessment
from banli.assessment.presets import PRESETS
from banli.proposals import actions as item_actions
from tests.assessment.world import build_assessment_world
from tests.builders import active_assignments
from tests.checks import assert_audit, notified, refused, unchanged

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def test_the_office_creates_a_year_from_a_preset_and_copies_it_the_next_year(world):
    s = actions.create_scheme(world.gov_office, YEAR - 1, preset="deduction")
    assert (s.base, s.cap, s.style, s.advanced_count, s.tier_bonuses, s.overdue_rule) == (
        Decimal(100), Decimal(100), "deduction", 12, [0.3, 0.2, 0.1], "exclude")
    assert [i.code for i in s.indicators.order_by("position")] == [i["code"] for i in PRESETS["deduction"]["indicators"]]
    assert_audit("create_scheme", actor=world.gov_office, target=s, after={"year": YEAR - 1, "preset": "deduction"})
    actions.update_scheme(world.gov_office, YEAR - 1, advanced_count=8, self_assessment_due="%d-12-15" % (YEAR - 1))

    copy = actions.create_scheme(world.gov_office, YEAR, copy_from=YEAR - 1)
    assert (copy.copied_from_id, copy.base, copy.advanced_count, copy.self_assessment_due) == (s.pk, Decimal(100), 8, datetime.date(YEAR, 12, 15))
    old = list(s.indicators.order_by("position").values_list("code", "name", "metric", "rule", "points", "per_event", "params"))
    new = list(copy.indicators.order_by("position").values_list("code", "name", "metric", "rule", "points", "per_event", "params"))
    assert new == old and not set(copy.indicators.values_list("pk", flat=True)) & set(s.indicators.values_list("pk", flat=True))
    with unchanged():
        assert actions.create_scheme(world.gov_office, YEAR, preset="weighted") == copy  # one scheme a year


@pytest.mark.parametrize("who", ["cppcc_office", "lead_liaison", "district_leader", "member"])
def test_only_the_office_runs_the_assessment(world, who):
    with refused("forbidden"):
        actions.create_scheme(getattr(world, who), YEAR, preset="weighted")
    actions.create_scheme(world.gov_office, YEAR, preset="weighted")
    with refused("forbidden"):
        actions.update_scheme(getattr(world, who), YEAR, name="改")
    with refused("forbidden"):
        actions.finalise(getattr(world, who), YEAR)


def test_bad_settings_and_indicators_are_refused_with_the_field_named(world):
    actions.create_scheme(world.gov_office, YEAR, preset="weighted")
    with refused("invalid", field="tier_bonuses"):
        actions.update_scheme(world.gov_office, YEAR, tier_bonuses="0.3,很多")
    with refused("invalid", field="overdue_rule"):
        actions.update_scheme(world.gov_office, YEAR, overdue_rule="maybe")
    with refused("invalid", field="metric"):
        actions.save_indicator(world.gov_office, YEAR, name="新指标", metric="nonsense", points="5")
    with refused("invalid", field="per_event"):
        actions.save_indicator(world.gov_office, YEAR, name="催办扣分", metric="urges", points="3")
    with refused("invalid", field="params"):
        actions.save_indicator(world.gov_office, YEAR, name="留言", metric="message_hours", points="3", params={"good": 100, "bad": 10})
    ind = actions.save_indicator(world.gov_office, YEAR, name="催办扣分", metric="urges", per_event="-0.5", points="3")
    assert (ind.rule, ind.per_event, ind.points, ind.code) == ("per_event", Decimal("-0.50"), Decimal("3.00"), "urges")
    assert_audit("add_indicator", target=ind, after={"metric": "urges"})
    actions.save_indicator(world.gov_office, YEAR, indicator_id=ind.pk, points="5")
    assert_audit("change_indicator", target=ind, before={"points": "3.00"}, after={"points": "5.00"})
    with unchanged():
        actions.save_indicator(world.gov_office, YEAR, indicator_id=ind.pk, points="5")


def test_points_entered_by_people_need_a_reason_stay_in_range_and_the_latest_counts(world):
    w = build_assessment_world(world)
    scheme = actions.create_scheme(world.gov_office, YEAR, preset="weighted")
    ind = {i.code: i for i in scheme.indicators.all()}
    with refused("invalid", field="reason"):
        actions.enter_points(world.gov_office, YEAR, indicator_id=ind["leadership"].pk, unit_id=world.lead_unit.pk, points="1", reason=" ")
    with refused("invalid", field="points"):
        actions.enter_points(world.gov_office, YEAR, indicator_id=ind["leadership"].pk, unit_id=world.lead_unit.pk, points="2.5", reason="超出")
    with refused("invalid", field="indicator_id"):  # a computed indicator is never typed in
        actions.enter_points(world.gov_office, YEAR, indicator_id=ind["reply"].pk, unit_id=world.lead_unit.pk, points="12", reason="手工")
    with refused("forbidden"):  # the office's own indicators are not the assembly office's
        actions.enter_points(world.cppcc_office, YEAR, indicator_id=ind["leadership"].pk, unit_id=world.lead_unit.pk, points="1", reason="x")
    with refused("forbidden"):  # and the evaluation is not the office's
        actions.enter_points(world.gov_office, YEAR, indicator_id=ind["evaluation"].pk, unit_id=world.lead_unit.pk, points="1", reason="x")
    first = actions.enter_points(world.gov_office, YEAR, indicator_id=ind["leadership"].pk, unit_id=world.lead_unit.pk, points="1", reason="一般")
    second = actions.enter_points(world.gov_office, YEAR, indicator_id=ind["leadership"].pk, unit_id=world.lead_unit.pk, points="2", reason="复核后")
    assert Entry.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert_audit("enter_points", target=second, before={"points": "1.00"}, after={"points": "2.00"}, count=2)
    line = lambda: next(ln for ln in selectors.unit_report(world.gov_office, YEAR, world.lead_unit.pk)["lines"] if ln["name"] == "领导重视")  # noqa: E731
    assert line()["points"] == Decimal("2.00") and "复核后" in line()["refs"][0]["note"]
    actions.withdraw_entry(world.gov_office, YEAR, second.pk, reason="录错单位")
    assert line()["points"] == Decimal("0.00")  # withdrawn: the earlier entry does not come back
    assert w.items  # the world's records are there to be scored


def test_a_unit_submits_its_self_assessment_until_the_date_and_only_its_own(world, settings):
    actions.create_scheme(world.gov_office, YEAR, preset="weighted")
    pdf = SimpleUploadedFile("自评.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    s = actions.submit_self_assessment(world.lead_liaison, YEAR, unit_id=world.lead_unit.pk, text="全年工作总结", score="95", files=[pdf])
    assert (s.text, s.score, [f.name for f in s.files.all()]) == ("全年工作总结", Decimal("95.00"), ["自评.pdf"])
    assert_audit("submit_self_assessment", actor=world.lead_liaison, target=s, after={"files": ["自评.pdf"]})
    with refused("forbidden"):
        actions.submit_self_assessment(world.co_liaison, YEAR, unit_id=world.lead_unit.pk, text="冒名")
    with refused("invalid", field="file"):
        actions.submit_self_assessment(world.co_liaison, YEAR, unit_id=world.co_unit.pk, text="总结",
                                       files=[SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")])
    actions.update_scheme(world.gov_office, YEAR, self_assessment_due=timezone.localdate() - datetime.timedelta(days=1))
    with refused("closed"):
        actions.submit_self_assessment(world.co_liaison, YEAR, unit_id=world.co_unit.pk, text="迟交的总结")
    assert not SelfAssessment.objects.filter(unit=world.co_unit).exists()


def test_finalising_freezes_the_year_and_a_recomputation_shows_what_would_change(world, django_capture_on_commit_callbacks):
    w = build_assessment_world(world)
    actions.create_scheme(world.gov_office, YEAR, preset="weighted")
    with refused("not_final"):
        actions.publish(world.gov_office, YEAR)
    actions.finalise(world.gov_office, YEAR)
    scheme = Scheme.objects.get(year=YEAR)
    assert scheme.state == "final" and scheme.finalised_as_of == timezone.localdate()
    results = {r.unit_id: r for r in Result.objects.filter(scheme=scheme)}
    assert set(results) == {world.lead_unit.pk, world.co_unit.pk, world.spare_unit.pk}
    assert results[world.co_unit.pk].tier == 1 and results[world.lead_unit.pk].standing == "有超期 1 次，不得评为先进"
    assert_audit("finalise_assessment", actor=world.gov_office, target=scheme, after={"units": 3, "advanced": [world.co_unit.pk]})
    frozen_total = results[world.co_unit.pk].total

    # Frozen: nothing about the year can be changed any more ...
    with refused("final"):
        actions.update_scheme(world.gov_office, YEAR, name="改")
    with refused("final"):
        actions.adjust_score(world.gov_office, YEAR, unit_id=world.co_unit.pk, points="1", reason="补充")
    # ... while the records may: the lead unit lowers its grade of co_unit from 好 to 一般.
    co = next(a for a in active_assignments(w.items["w1"]) if a.unit_id == world.co_unit.pk)
    item_actions.grade_co_unit(world.lead_liaison, w.items["w1"].pk, assignment=co.pk, grade="average", comment="复核")
    table = selectors.table(world.gov_office, YEAR)
    assert next(r for r in table["rows"] if r["unit"] == world.co_unit.pk)["total"] == frozen_total  # the table reads the frozen result
    (change,) = selectors.recomputation(world.gov_office, YEAR)
    assert change["unit"] == world.co_unit.pk
    assert (change["total_before"], change["total_after"]) == (frozen_total, frozen_total - Decimal("0.90"))  # 3 × (100 - 70) / 100
    assert change["lines"] == [{"name": "会办：主办单位评价", "before": Decimal("3.00"), "after": Decimal("2.10"),
                                "figure_before": "主办单位评价 1 件，平均 100.0 分", "figure_after": "主办单位评价 1 件，平均 70.0 分"}]

    with django_capture_on_commit_callbacks(execute=True):
        actions.publish(world.gov_office, YEAR)
    assert Scheme.objects.get(year=YEAR).state == "published"
    assert {"lead_liaison", "lead_head", "co_liaison", "co_head", "spare_liaison"} <= notified("assessment")
    assert "member" not in notified("assessment")
    with unchanged():
        actions.publish(world.gov_office, YEAR)


def test_an_indicator_with_entries_is_not_removed_silently(world):
    scheme = actions.create_scheme(world.gov_office, YEAR, preset="weighted")
    ind = scheme.indicators.get(code="leadership")
    actions.enter_points(world.gov_office, YEAR, indicator_id=ind.pk, unit_id=world.lead_unit.pk, points="1", reason="部署")
    with refused("has_entries"):
        actions.remove_indicator(world.gov_office, YEAR, ind.pk)
    other = scheme.indicators.get(code="praise")
    actions.remove_indicator(world.gov_office, YEAR, other.pk)
    assert not Indicator.objects.filter(pk=other.pk).exists()
    assert_audit("remove_indicator", before={"code": "praise"})
