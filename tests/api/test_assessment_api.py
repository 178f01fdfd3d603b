"""The assessment's API (/api/assessment/): every endpoint, the rule of who sees what (access.py)
as the API applies it, the audit row each write leaves, and bad input answered with JSON and
nothing changed. The year is the small world of tests/assessment/world.py: lead_unit ranks
second with one overdue reply, co_unit first (advanced, tier one), spare_unit last (under the
pass mark, one overdue signing: criticised)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from banli.assessment import selectors
from banli.assessment.models import Entry, Indicator, Result, Scheme, SelfAssessment, SelfAssessmentFile
from tests.assessment.world import build_assessment_world
from tests.builders import reply
from tests.checks import audit_changes, assert_audit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login(user) -> APIClient:
    c = APIClient()
    c.force_login(user)
    return c


def assessment_rows() -> dict:
    """Everything the assessment writes, and the audit trail's length."""
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in (Scheme, Indicator, Entry, SelfAssessment, SelfAssessmentFile, Result)} | {
        "audit": audit_changes()}


def assert_refused(r, status: int, code: str, before: dict, field: str | None = None) -> dict:
    """A JSON error with a code and a message in both languages, and nothing written."""
    assert r.status_code == status, (r.status_code, r.content[:300])
    body = r.json()
    assert body["code"] == code, body
    assert body["message_zh"] and body["message_en"] and body["message"] == body["message_zh"]
    if field is not None:
        assert body.get("field") == field or field in body.get("fields", {}), body
    assert assessment_rows() == before, "a refused request changed something"
    return body


@pytest.fixture
def aw(world):
    return build_assessment_world(world)


@pytest.fixture
def year(aw, world):
    r = login(world.gov_office).post("/api/assessment/", {"year": aw.year}, format="json")
    assert r.status_code == 201, r.content
    return aw.year


def url(year, rest=""):
    return f"/api/assessment/{year}/{rest}"


def indicator(year, code) -> Indicator:
    return Indicator.objects.get(scheme__year=year, code=code)


def row_of(body, unit) -> dict:
    (row,) = [r for r in body["rows"] if r["unit"] == unit.pk]
    return row


# --- the years and the scheme ----------------------------------------------------------------


def test_the_office_creates_a_year_from_a_preset_and_the_years_are_listed(aw, world):
    c = login(world.gov_office)
    r = c.post("/api/assessment/", {"year": aw.year, "preset": "deduction"}, format="json")
    assert r.status_code == 201
    body = r.json()
    assert body["year"] == aw.year and body["state"] == "draft" and body["style"] == "deduction"
    assert body["base"] == "100.00" and {i["code"] for i in body["indicators"]} >= {"overdue_reply", "urges"}
    scheme = Scheme.objects.get(year=aw.year)
    assert_audit("create_scheme", actor=world.gov_office, target=scheme, after={"year": aw.year, "preset": "deduction"})
    # Again: the year's scheme exists already; nothing new is written.
    before = assessment_rows()
    assert c.post("/api/assessment/", {"year": aw.year}, format="json").json()["style"] == "deduction"
    assert assessment_rows() == before
    years = login(world.lead_liaison).get("/api/assessment/").json()
    assert [(y["year"], y["state"], y["state_label"]) for y in years] == [(aw.year, "draft", "考核中")]


def test_a_year_copied_from_another(aw, world):
    c = login(world.gov_office)
    c.post("/api/assessment/", {"year": aw.year - 1, "preset": "per_item"}, format="json")
    r = c.post("/api/assessment/", {"year": aw.year, "copy_from": aw.year - 1}, format="json")
    assert r.status_code == 201 and r.json()["style"] == "per_item"
    assert [i["code"] for i in r.json()["indicators"]] == [i.code for i in Indicator.objects.filter(scheme__year=aw.year - 1)]
    assert_audit("create_scheme", after={"year": aw.year, "copied_from": aw.year - 1}, count=2)


@pytest.mark.parametrize("payload, field", [
    ({"year": "abc"}, "year"), ({}, "year"), ({"year": 1999}, "year"), ({"year": 2**70}, "year"),
    ({"year": 2030, "preset": "nope"}, "preset"), ({"year": 2030, "copy_from": 1990}, "copy_from"),
])
def test_creating_a_year_with_bad_input_is_refused_and_writes_nothing(aw, world, payload, field):
    before = assessment_rows()
    assert_refused(login(world.gov_office).post("/api/assessment/", payload, format="json"), 400, "invalid", before, field)


def test_only_the_office_writes(year, world):
    before = assessment_rows()
    leadership = indicator(year, "leadership")
    for who in (world.lead_liaison, world.district_leader, world.cppcc_office):
        c = login(who)
        assert_refused(c.post("/api/assessment/", {"year": year + 1}, format="json"), 403, "forbidden", before)
        assert_refused(c.patch(url(year), {"pass_mark": "70"}, format="json"), 403, "forbidden", before)
        assert_refused(c.post(url(year, "indicators/"), {"name": "新指标", "metric": "manual", "points": 1}, format="json"),
                       403, "forbidden", before)
        assert_refused(c.delete(url(year, f"indicators/{leadership.pk}/")), 403, "forbidden", before)
        assert_refused(c.post(url(year, "adjustments/"), {"unit_id": world.lead_unit.pk, "points": 1, "reason": "x"}, format="json"),
                       403, "forbidden", before)
        assert_refused(c.post(url(year, "finalise/"), {}, format="json"), 403, "forbidden", before)
        assert_refused(c.post(url(year, "publish/"), {}, format="json"), 403, "forbidden", before)
        assert_refused(c.get(url(year, "recomputation/")), 403, "forbidden", before)


def test_people_outside_the_assessment_read_nothing(year, world):
    assert login(world.member).get(url(year)).json()["code"] == "forbidden"
    assert login(world.member).get("/api/assessment/").status_code == 403
    r = APIClient().get(url(year))
    assert r.status_code in (401, 403) and r.json()["code"] == "not_authenticated"


def test_the_office_changes_the_schemes_settings(year, world):
    c = login(world.gov_office)
    r = c.patch(url(year), {"pass_mark": "75", "tier_bonuses": [0.5, 0.3, 0.1], "self_assessment_due": f"{year}-12-31"}, format="json")
    assert r.status_code == 200
    body = r.json()
    assert body["pass_mark"] == "75.00" and body["tier_bonuses"] == [0.5, 0.3, 0.1] and body["self_assessment_due"] == f"{year}-12-31"
    assert_audit("update_scheme", actor=world.gov_office, target=Scheme.objects.get(year=year), after={"tier_bonuses": [0.5, 0.3, 0.1]})
    # The higher pass mark now criticises lead_unit too (73.63 < 75).
    criticised = {u["unit"]: u["reasons"] for u in c.get(url(year)).json()["criticised"]}
    assert any("低于合格分 75" in reason for reason in criticised[world.lead_unit.pk])


@pytest.mark.parametrize("payload, field", [
    ({"advanced_count": "x"}, "advanced_count"), ({"tier_bonuses": []}, "tier_bonuses"), ({"overdue_rule": "never"}, "overdue_rule"),
    ({"base": "lots"}, "base"), ({"base": "-5"}, "base"), ({"name": ""}, "name"), ({"self_assessment_due": "31/12"}, "self_assessment_due"),
])
def test_bad_settings_are_refused_and_change_nothing(year, world, payload, field):
    before = assessment_rows()
    assert_refused(login(world.gov_office).patch(url(year), payload, format="json"), 400, "invalid", before, field)


# --- the table and the explanation -----------------------------------------------------------


def test_the_offices_table_is_every_unit_ranked_with_the_same_figures_as_the_selector(year, world):
    body = login(world.gov_office).get(url(year)).json()
    assert body["ranked"] and body["all_units"] and body["scheme"]["year"] == year
    W = world
    assert [(r["unit"], r["rank"], r["total"], r["tier"], r["bonus"]) for r in body["rows"]] == [
        (W.co_unit.pk, 1, "83.55", 1, "0.30"), (W.lead_unit.pk, 2, "73.63", 0, "0.00"), (W.spare_unit.pk, 3, "57.30", 0, "0.00")]
    assert row_of(body, W.lead_unit)["standing"] == "有超期 1 次，不得评为先进"
    assert [u["unit"] for u in body["advanced"]] == [W.co_unit.pk]
    criticised = {u["unit"]: u["reasons"] for u in body["criticised"]}
    assert criticised == {W.lead_unit.pk: ["超期办理 1 次"], W.spare_unit.pk: ["总分 57.30 分，低于合格分 60 分", "超期办理 1 次"]}
    # Each row's lines, by indicator code, are the selector's figures (the page's and the files').
    table = selectors.table(W.gov_office, year)
    assert [c["code"] for c in body["indicators"]] == [c["code"] for c in table["indicators"]]
    for got, want in zip(body["rows"], table["rows"]):
        assert Decimal(got["total"]) == want["total"]
        assert {ln["code"]: Decimal(ln["points"]) for ln in got["lines"]} == {ln["code"]: ln["points"] for ln in want["lines"]}
        assert all(ln["refs"] == [] for ln in got["lines"])  # the records are on the unit's explanation


def test_a_units_table_before_publication_is_its_own_row_without_a_rank(year, world):
    body = login(world.lead_liaison).get(url(year)).json()
    assert not body["ranked"] and not body["all_units"]
    assert [(r["unit"], r["total"], r["rank"], r["tier"], r["bonus"], r["standing"]) for r in body["rows"]] == [
        (world.lead_unit.pk, "73.63", None, None, None, "")]
    assert body["advanced"] == [] and body["criticised"] == []


def test_a_district_leader_sees_the_portfolio_ranked(year, world):
    body = login(world.district_leader).get(url(year)).json()
    assert body["ranked"] and not body["all_units"]
    assert {(r["unit"], r["rank"]) for r in body["rows"]} == {(world.co_unit.pk, 1), (world.lead_unit.pk, 2)}


def test_the_explanation_has_each_line_with_the_records_it_came_from(year, world):
    c = login(world.lead_liaison)
    body = c.get(url(year, f"units/{world.lead_unit.pk}/")).json()
    assert body["unit"] == world.lead_unit.pk and body["total"] == "73.63" and body["rank"] is None and body["overdue"] == 1
    reply_line = next(ln for ln in body["lines"] if ln["code"] == "reply")
    assert reply_line["figure"] == "应答复 3 项，按时 2 项" and reply_line["points"] == "8.00"
    late = [ref for ref in reply_line["refs"] if ref["ok"] is False]
    assert len(late) == 1 and "关于停车难的建议" in late[0]["label"] and late[0]["item"]
    assert body["entries"] == [] and body["self_assessment"] is None
    assert sum(Decimal(ln["points"]) for ln in body["lines"]) == Decimal(body["total"])


def test_a_unit_asking_for_another_units_explanation_gets_404_before_and_after_publication(year, world):
    c, office = login(world.lead_liaison), login(world.gov_office)
    missing = c.get(url(year, "units/999999/"))
    for _ in ("before", "after"):
        r = c.get(url(year, f"units/{world.co_unit.pk}/"))
        assert r.status_code == 404 and r.json() == missing.json()
        assert c.get(url(year, f"units/{world.lead_unit.pk}/")).status_code == 200
        office.post(url(year, "finalise/"), {}, format="json")
        office.post(url(year, "publish/"), {}, format="json")
    assert Scheme.objects.get(year=year).state == "published"


def test_a_missing_year_or_a_year_past_any_number_is_a_json_404(year, world):
    c = login(world.gov_office)
    for path in ("/api/assessment/1999/", "/api/assessment/99999999999999999999999/", f"/api/assessment/{year}/units/{2**70}/",
                 "/api/assessment/1999/recomputation/", f"/api/assessment/{year}/units/abc/"):
        r = c.get(path)
        assert r.status_code == 404 and r.json()["code"] == "not_found", path
    big = 2**70
    assert c.delete(url(year, f"indicators/{big}/")).status_code == 204  # not there: removed already, as the action says
    for method, path in (("patch", f"indicators/{big}/"), ("post", f"entries/{big}/withdraw/"),
                         ("get", f"units/{world.lead_unit.pk}/files/{big}/")):
        r = getattr(c, method)(url(year, path), {"reason": "x", "points": 1}, format="json")
        assert r.status_code == 404 and r.json()["code"] == "not_found", (method, path, r.content[:200])
    r = c.get(url(year) + "?as_of=yesterday")
    assert r.status_code == 400 and r.json()["field"] == "as_of"


# --- what people enter -----------------------------------------------------------------------


def test_indicators_added_changed_and_removed(year, world):
    c = login(world.gov_office)
    r = c.post(url(year, "indicators/"), {"name": "信息报送", "metric": "manual", "points": "3", "note": "按时报送办理信息"}, format="json")
    assert r.status_code == 201
    new = r.json()
    assert new["rule"] == "entered" and new["points"] == "3.00" and new["position"] == Indicator.objects.filter(scheme__year=year).count()
    ind = Indicator.objects.get(pk=new["id"])
    assert_audit("add_indicator", actor=world.gov_office, target=ind, after={"name": "信息报送"})
    r = c.patch(url(year, f"indicators/{ind.pk}/"), {"points": 4}, format="json")
    assert r.status_code == 200 and r.json()["points"] == "4.00" and r.json()["name"] == "信息报送"
    assert_audit("change_indicator", target=ind, before={"points": "3.00"}, after={"points": "4.00"})
    assert c.delete(url(year, f"indicators/{ind.pk}/")).status_code == 204
    assert not Indicator.objects.filter(pk=ind.pk).exists()
    assert_audit("remove_indicator", actor=world.gov_office)
    before = assessment_rows()
    assert c.delete(url(year, f"indicators/{ind.pk}/")).status_code == 204  # removed already
    assert assessment_rows() == before
    assert_refused(c.patch(url(year, f"indicators/{ind.pk}/"), {"points": 4}, format="json"), 404, "not_found", before)


@pytest.mark.parametrize("payload, field", [
    ({"name": "无来源", "points": 1}, "metric"), ({"name": "x", "metric": "nothing", "points": 1}, "metric"),
    ({"metric": "manual", "points": 1}, "name"), ({"name": "x", "metric": "manual", "points": "many"}, "points"),
    ({"name": "x", "metric": "manual", "points": 1, "roles": ["boss"]}, "roles"),
    ({"name": "x", "metric": "praise", "points": 3}, "per_event"), ({"name": "x", "metric": "manual", "points": 1, "params": [1]}, "params"),
    ({"name": "x", "metric": "manual", "points": 1, "code": "sign"}, "code"),
])
def test_a_bad_indicator_is_refused_and_writes_nothing(year, world, payload, field):
    before = assessment_rows()
    assert_refused(login(world.gov_office).post(url(year, "indicators/"), payload, format="json"), 400, "invalid", before, field)


def test_an_indicator_with_points_entered_cannot_be_removed(year, world):
    leadership = indicator(year, "leadership")
    c = login(world.gov_office)
    c.post(url(year, "points/"), {"indicator_id": leadership.pk, "unit_id": world.lead_unit.pk, "points": 2, "reason": "主要领导亲自督办"}, format="json")
    before = assessment_rows()
    assert_refused(c.delete(url(year, f"indicators/{leadership.pk}/")), 409, "has_entries", before)


def test_the_office_and_an_assembly_office_enter_points(year, world):
    leadership, evaluation = indicator(year, "leadership"), indicator(year, "evaluation")
    r = login(world.gov_office).post(url(year, "points/"), {"indicator_id": leadership.pk, "unit_id": world.lead_unit.pk, "points": "1.5",
                                                            "reason": "主要领导研究部署"}, format="json")
    assert r.status_code == 201
    body = r.json()
    assert (body["kind"], body["indicator"], body["points"], body["unit"]) == ("manual", "leadership", "1.50", world.lead_unit.pk)
    entry = Entry.objects.get(pk=body["id"])
    assert_audit("enter_points", actor=world.gov_office, target=entry, after={"indicator": "leadership", "points": "1.50"})
    r = login(world.cppcc_office).post(url(year, "points/"), {"indicator_id": evaluation.pk, "unit_id": world.lead_unit.pk, "points": 4,
                                                              "reason": "办理认真"}, format="json")
    assert r.status_code == 201 and r.json()["kind"] == "evaluation" and r.json()["assembly"] == "cppcc"
    # The unit reads both on its explanation, and its total has the 5.5 points more.
    report = login(world.lead_liaison).get(url(year, f"units/{world.lead_unit.pk}/")).json()
    assert [(e["indicator"], e["points"], e["withdrawn"]) for e in report["entries"]] == [("leadership", "1.50", False), ("evaluation", "4.00", False)]
    assert report["total"] == "79.13"


@pytest.mark.parametrize("who, payload, status, code, field", [
    ("gov_office", {"indicator": "leadership", "points": 3, "reason": "多"}, 400, "invalid", "points"),  # over the indicator's 2
    ("gov_office", {"indicator": "leadership", "points": -1, "reason": "负"}, 400, "invalid", "points"),
    ("gov_office", {"indicator": "leadership", "points": "abc", "reason": "x"}, 400, "invalid", "points"),
    ("gov_office", {"indicator": "leadership", "points": 1, "reason": ""}, 400, "invalid", "reason"),
    ("gov_office", {"indicator": "sign", "points": 1, "reason": "x"}, 400, "invalid", "indicator_id"),  # computed, not entered
    ("gov_office", {"indicator": "leadership", "points": 1, "reason": "x", "unit_id": 999999}, 400, "invalid", "unit_id"),
    ("lead_liaison", {"indicator": "leadership", "points": 1, "reason": "x"}, 403, "forbidden", None),
    ("gov_office", {"indicator": "evaluation", "points": 1, "reason": "x"}, 403, "forbidden", None),  # the assembly offices' to give
])
def test_bad_points_are_refused_and_write_nothing(year, world, who, payload, status, code, field):
    data = {"unit_id": world.lead_unit.pk, **payload, "indicator_id": indicator(year, payload["indicator"]).pk}
    del data["indicator"]
    before = assessment_rows()
    assert_refused(login(getattr(world, who)).post(url(year, "points/"), data, format="json"), status, code, before, field)


def test_an_adjustment_and_its_withdrawal(year, world):
    c = login(world.gov_office)
    r = c.post(url(year, "adjustments/"), {"unit_id": world.spare_unit.pk, "points": "-1", "reason": "报送材料弄虚作假"}, format="json")
    assert r.status_code == 201 and r.json()["kind"] == "adjustment" and r.json()["points"] == "-1.00"
    entry = Entry.objects.get(pk=r.json()["id"])
    assert_audit("adjust_score", actor=world.gov_office, target=entry, after={"unit": world.spare_unit.pk, "points": "-1.00"})
    assert row_of(c.get(url(year)).json(), world.spare_unit)["total"] == "56.30"
    # Someone else cannot withdraw it: the entry looks missing to them.
    before = assessment_rows()
    assert_refused(login(world.spare_liaison).post(url(year, f"entries/{entry.pk}/withdraw/"), {"reason": "不服"}, format="json"),
                   404, "not_found", before)
    assert_refused(c.post(url(year, f"entries/{entry.pk}/withdraw/"), {}, format="json"), 400, "invalid", before, "reason")
    r = c.post(url(year, f"entries/{entry.pk}/withdraw/"), {"reason": "经核实，材料属实"}, format="json")
    assert r.status_code == 200 and r.json()["withdrawn"] is True
    assert_audit("withdraw_entry", actor=world.gov_office, target=entry, after={"withdrawn": True})
    assert row_of(c.get(url(year)).json(), world.spare_unit)["total"] == "57.30"


@pytest.mark.parametrize("payload, field", [
    ({"points": 0, "reason": "零"}, "points"), ({"points": "x", "reason": "x"}, "points"), ({"points": 1}, "reason"),
    ({"points": 1, "reason": "x", "unit_id": "abc"}, "unit_id"), ({"points": 5000, "reason": "x"}, "points"),
])
def test_a_bad_adjustment_is_refused_and_writes_nothing(year, world, payload, field):
    before = assessment_rows()
    data = {"unit_id": world.spare_unit.pk, **payload}
    assert_refused(login(world.gov_office).post(url(year, "adjustments/"), data, format="json"), 400, "invalid", before, field)


# --- the self-assessment ---------------------------------------------------------------------


@pytest.fixture
def open_year(year, world):
    """The self-assessments may still be handed in today, whatever the day of the year."""
    login(world.gov_office).patch(url(year), {"self_assessment_due": f"{year}-12-31"}, format="json")
    return year


def test_a_unit_submits_its_self_assessment_with_files(open_year, world):
    year, c = open_year, login(world.lead_liaison)
    files = [SimpleUploadedFile("总结.pdf", PDF, content_type="application/pdf"), SimpleUploadedFile("附表.pdf", PDF, content_type="application/pdf")]
    r = c.post(url(year, "self-assessment/"), {"unit_id": world.lead_unit.pk, "text": "本年度我单位认真办理……", "score": "95", "files": files},
               format="multipart")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["text"] == "本年度我单位认真办理……" and body["score"] == "95.00" and [f["name"] for f in body["files"]] == ["总结.pdf", "附表.pdf"]
    s = SelfAssessment.objects.get(pk=body["id"])
    assert_audit("submit_self_assessment", actor=world.lead_liaison, target=s, after={"score": "95.00", "files": ["总结.pdf", "附表.pdf"]})
    # The unit's explanation shows it, and its self-assessment indicator now scores.
    report = c.get(url(year, f"units/{world.lead_unit.pk}/")).json()
    assert report["self_assessment"]["id"] == s.pk and next(ln for ln in report["lines"] if ln["code"] == "self")["points"] == "2.00"
    file_id = body["files"][0]["id"]
    r = c.get(url(year, f"units/{world.lead_unit.pk}/files/{file_id}/"))
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    # Another unit's liaison: the file is not there for them, under either unit's address.
    other = login(world.co_liaison)
    assert other.get(url(year, f"units/{world.lead_unit.pk}/files/{file_id}/")).status_code == 404
    assert other.get(url(year, f"units/{world.co_unit.pk}/files/{file_id}/")).status_code == 404
    # Without files, as JSON, to correct the text: the files stay.
    r = c.post(url(year, "self-assessment/"), {"unit_id": world.lead_unit.pk, "text": "更正后的自评"}, format="json")
    assert r.status_code == 200 and r.json()["text"] == "更正后的自评" and r.json()["score"] is None and len(r.json()["files"]) == 2
    assert_audit("submit_self_assessment", before={"text": "本年度我单位认真办理……"}, count=2)


@pytest.mark.parametrize("case", ["renamed", "exe", "empty_text", "other_unit", "no_unit", "bad_score"])
def test_a_bad_self_assessment_is_refused_and_writes_nothing(open_year, world, case, settings):
    year = open_year
    data = {"unit_id": world.lead_unit.pk, "text": "自评"}
    status, code, field = 400, "invalid", None
    if case == "renamed":
        data["files"] = [SimpleUploadedFile("总结.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")]
        field = "file"
    elif case == "exe":
        data["files"] = [SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")]
        field = "file"
    elif case == "empty_text":
        data["text"] = ""
        field = "text"
    elif case == "other_unit":
        data["unit_id"] = world.co_unit.pk
        status, code = 403, "forbidden"
    elif case == "no_unit":
        del data["unit_id"]
        field = "unit_id"
    else:
        data["score"] = "very good"
        field = "score"
    before = assessment_rows()
    r = login(world.lead_liaison).post(url(year, "self-assessment/"), data, format="multipart")
    assert_refused(r, status, code, before, field)


def test_after_the_date_the_self_assessment_is_closed(year, world):
    login(world.gov_office).patch(url(year), {"self_assessment_due": f"{year - 1}-12-20"}, format="json")
    before = assessment_rows()
    r = login(world.lead_liaison).post(url(year, "self-assessment/"), {"unit_id": world.lead_unit.pk, "text": "迟交"}, format="json")
    assert "截止" in assert_refused(r, 409, "closed", before)["message_zh"]


# --- finalising, publishing, recomputing -----------------------------------------------------


def test_finalise_publish_and_what_a_recomputation_would_change(aw, year, world):
    office, unit = login(world.gov_office), login(world.lead_liaison)
    r = office.post(url(year, "finalise/"), {}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "final" and r.json()["finalised_as_of"]
    scheme = Scheme.objects.get(year=year)
    assert_audit("finalise_assessment", actor=world.gov_office, target=scheme, after={"units": 3, "advanced": [world.co_unit.pk]})
    assert Result.objects.filter(scheme=scheme).count() == 3
    # Final, not yet published: the unit still sees its own row only, without a rank.
    body = unit.get(url(year)).json()
    assert [(r["unit"], r["rank"]) for r in body["rows"]] == [(world.lead_unit.pk, None)]
    assert unit.get(url(year, f"units/{world.lead_unit.pk}/")).json()["rank"] is None
    # A final year cannot be changed.
    before = assessment_rows()
    assert_refused(office.patch(url(year), {"pass_mark": "80"}, format="json"), 409, "final", before)
    assert_refused(office.post(url(year, "adjustments/"), {"unit_id": world.lead_unit.pk, "points": 1, "reason": "x"}, format="json"),
                   409, "final", before)
    assert_refused(office.post(url(year, "finalise/"), {}, format="json"), 409, "final", before)
    assert office.get(url(year, "recomputation/")).json() == []

    # A record arrives after finalising: spare_unit replies to w4. The frozen result stays; the
    # recomputation shows what would change.
    w4 = aw.items["w4"]
    reply(world, w4, w4.assignments.get(unit=world.spare_unit), "A")
    frozen_total = row_of(office.get(url(year)).json(), world.spare_unit)["total"]
    assert frozen_total == "57.30"
    changes = office.get(url(year, "recomputation/")).json()
    (spare,) = [c for c in changes if c["unit"] == world.spare_unit.pk]
    assert spare["total_before"] == "57.30" and Decimal(spare["total_after"]) > Decimal("57.30")
    assert "按时答复" in {ln["name"] for ln in spare["lines"]}

    r = office.post(url(year, "publish/"), {}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "published" and r.json()["published_at"]
    assert_audit("publish_assessment", actor=world.gov_office, target=scheme, after={"state": "published"})
    before = assessment_rows()
    assert office.post(url(year, "publish/"), {}, format="json").status_code == 200  # again: nothing new
    assert assessment_rows() == before
    # Published: every unit sees the ranking, and still only its own explanation.
    body = unit.get(url(year)).json()
    assert body["ranked"] and [(r["unit"], r["rank"]) for r in body["rows"]] == [
        (world.co_unit.pk, 1), (world.lead_unit.pk, 2), (world.spare_unit.pk, 3)]
    assert unit.get(url(year, f"units/{world.lead_unit.pk}/")).json()["rank"] == 2


def test_publishing_a_draft_year_is_refused(year, world):
    before = assessment_rows()
    assert_refused(login(world.gov_office).post(url(year, "publish/"), {}, format="json"), 409, "not_final", before)


@pytest.mark.parametrize("day", ["soon", "2999-01-01", "1980-01-01"])
def test_finalise_as_of_a_bad_date_is_refused(year, world, day):
    """The page's rule for the day (reports.asof.parse_as_of): a date, not in the future."""
    before = assessment_rows()
    assert_refused(login(world.gov_office).post(url(year, "finalise/"), {"as_of": day}, format="json"), 400, "invalid", before, "as_of")
    assert login(world.gov_office).get(url(year) + f"?as_of={day}").json()["field"] == "as_of"


def test_the_endpoints_are_in_the_schema(world):
    paths = login(world.gov_office).get("/api/schema/?format=json").json()["paths"]
    assert {"/api/assessment/", "/api/assessment/{year}/", "/api/assessment/{year}/units/{unit_id}/", "/api/assessment/{year}/recomputation/",
            "/api/assessment/{year}/indicators/", "/api/assessment/{year}/indicators/{indicator_id}/", "/api/assessment/{year}/points/",
            "/api/assessment/{year}/adjustments/", "/api/assessment/{year}/entries/{entry_id}/withdraw/",
            "/api/assessment/{year}/self-assessment/", "/api/assessment/{year}/finalise/", "/api/assessment/{year}/publish/"} <= set(paths)
    assert set(paths["/api/assessment/{year}/"]) >= {"get", "patch"}
    assert "multipart/form-data" in paths["/api/assessment/{year}/self-assessment/"]["post"]["requestBody"]["content"]
