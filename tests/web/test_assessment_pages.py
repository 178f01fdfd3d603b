"""The year-end assessment's pages (年度考核), read the way each persona gets them.

Who sees what is banli.assessment.access's rule, checked here on the HTML: the offices see every
unit ranked; a district leader the portfolio, ranked; a unit only its own row, without a rank,
until the office publishes, then the whole ranking and still only its own explanation (another
unit's page, or file, answers 404 like a missing one). Each form writes its records and its audit
row; bad input is shown beside the field and changes nothing. Query counts are in
test_assessment_queries.py."""

import datetime
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from banli.assessment import actions
from banli.assessment.models import Entry, Indicator, Result, Scheme, SelfAssessment, SelfAssessmentFile
from banli.audit.models import AuditRecord
from tests.assessment.world import build_assessment_world
from tests.web.pages import alerts, field_errors, flashes, login, text
from tests.checks import audit_changes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% test\n"


@pytest.fixture
def aw(world):
    """The assessment world with this year's weighted scheme, self-assessments open for a month."""
    aw = build_assessment_world(world)
    actions.create_scheme(world.gov_office, aw.year, preset="weighted")
    actions.update_scheme(world.gov_office, aw.year, self_assessment_due=timezone.localdate() + datetime.timedelta(days=30))
    return aw


def snapshot() -> dict:
    """What the assessment's forms can write: every row of its tables, and the audit trail's length."""
    models = (Scheme, Indicator, Entry, SelfAssessment, SelfAssessmentFile, Result)
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models} | {"audit": audit_changes()}


def rows(response) -> list[dict]:
    """The ranking table's rows: unit id, rank shown (None), linked to the unit's page."""
    out = []
    for m in re.finditer(r'<tr data-unit="(\d+)"[^>]*>(.*?)</tr>', text(response), re.S):
        rank = re.search(r'class="as-rankno">(\d+)<', m.group(2))
        out.append({"unit": int(m.group(1)), "rank": int(rank.group(1)) if rank else None,
                    "link": "/units/%s/" % m.group(1) in m.group(2)})
    return out


def form_html(response, anchor) -> str:
    m = re.search(r'<details[^>]*id="%s".*?</details>' % re.escape(anchor), text(response), re.S)
    assert m, f"no form #{anchor}"
    return m.group(0)


def param_errors(block) -> list[str]:
    """The messages shown at the top of an indicator form's parameters."""
    fieldset = re.search(r'<fieldset class="as-params[^"]*">(.*?)<div class="as-grid">', block, re.S).group(1)
    return [unescape(e) for e in re.findall(r'<p class="error" role="alert">(.*?)</p>', fieldset, re.S)]


def url(aw, tail=""):
    return f"/assessment/{aw.year}/{tail}"


# -- the menu and the years -----------------------------------------------------------------------

@pytest.mark.parametrize("persona, shown", [("gov_office", True), ("cppcc_office", True), ("district_leader", True),
                                            ("lead_liaison", True), ("co_head", True), ("spare_liaison", True), ("member", False)])
def test_the_menu_shows_the_assessment_to_those_who_may_read_it(world, persona, shown):
    html = text(login(getattr(world, persona)).get("/"))
    assert ('href="/assessment/"' in html) is shown
    assert login(getattr(world, persona)).get("/assessment/").status_code == (200 if shown else 403)


def test_the_office_creates_the_year_from_a_preset(world):
    build_assessment_world(world)
    c = login(world.gov_office)
    page = text(c.get("/assessment/"))
    assert 'name="preset" value="deduction"' in page and "复制" not in page  # no earlier year to copy
    r = c.post("/assessment/", {"year": str(timezone.localdate().year), "preset": "deduction"})
    scheme = Scheme.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/assessment/{scheme.year}/scheme/"
    assert scheme.style == "deduction" and scheme.base == 100
    assert AuditRecord.objects.get(action="create_scheme").actor_id == world.gov_office.pk
    assert 'name="preset"' not in text(c.get("/assessment/"))  # the form is gone once the year exists


def test_one_click_copies_last_years_scheme(world):
    year = timezone.localdate().year
    actions.create_scheme(world.gov_office, year - 1, preset="per_item")
    actions.update_scheme(world.gov_office, year - 1, pass_mark="70")
    c = login(world.gov_office)
    page = text(c.get("/assessment/"))
    assert f'name="copy_from" value="{year - 1}"' in page
    r = c.post("/assessment/", {"year": str(year), "copy_from": str(year - 1)})
    assert r.status_code == 302
    new, old = Scheme.objects.get(year=year), Scheme.objects.get(year=year - 1)
    assert new.copied_from == old and new.pass_mark == 70 and new.indicators.count() == old.indicators.count()


def test_a_bad_year_or_preset_is_shown_beside_the_field_and_creates_nothing(world):
    c = login(world.gov_office)
    before = snapshot()
    r = c.post("/assessment/", {"year": "二〇二六", "preset": "weighted"})
    assert r.status_code == 400 and field_errors(text(r)) == {"year": ["请填写年度。"]}
    r = c.post("/assessment/", {"year": "2026", "preset": "lottery"})
    assert r.status_code == 400 and field_errors(text(r))["preset"] == ["请选择考核方式。"]
    assert snapshot() == before


def test_only_the_office_may_create(world):
    r = login(world.cppcc_office).post("/assessment/", {"year": "2026", "preset": "weighted"})
    assert r.status_code == 403 and not Scheme.objects.exists()
    assert 'name="preset"' not in text(login(world.cppcc_office).get("/assessment/"))


# -- the table, persona by persona ----------------------------------------------------------------

def _units(aw):
    W = aw.world
    return {"lead": W.lead_unit.pk, "co": W.co_unit.pk, "spare": W.spare_unit.pk}


# persona -> (units listed, ranked, units linked, unit pages that open)
BEFORE = {
    "gov_office": ({"lead", "co", "spare"}, True, {"lead", "co", "spare"}),
    "cppcc_office": ({"lead", "co", "spare"}, True, {"lead", "co", "spare"}),
    "district_leader": ({"lead", "co"}, True, {"lead", "co"}),
    "lead_liaison": ({"lead"}, False, {"lead"}),
    "lead_head": ({"lead"}, False, {"lead"}),
    "co_liaison": ({"co"}, False, {"co"}),
    "spare_liaison": ({"spare"}, False, {"spare"}),
    "outsider_liaison": (set(), False, set()),
}
AFTER = {**{p: ({"lead", "co", "spare"}, True, linked) for p, (_, _, linked) in BEFORE.items()}}


def _check_table(aw, persona, expected):
    listed, ranked, linked = expected
    ids = _units(aw)
    c = login(getattr(aw.world, persona))
    r = c.get(url(aw))
    assert r.status_code == 200
    got = rows(r)
    assert {u for u, pk in ids.items() if pk in {row["unit"] for row in got}} == listed
    assert all((row["rank"] is not None) is ranked for row in got), got
    assert {u for u, pk in ids.items() if any(row["unit"] == pk and row["link"] for row in got)} == linked
    for name, pk in ids.items():
        assert c.get(url(aw, f"units/{pk}/")).status_code == (200 if name in linked else 404), (persona, name)
    return r


@pytest.mark.parametrize("persona", sorted(BEFORE))
def test_before_publication_each_persona_sees_what_access_allows(aw, persona):
    r = _check_table(aw, persona, BEFORE[persona])
    html = text(r)
    if not BEFORE[persona][1]:
        assert "先进单位" not in html and "通报批评" not in html and "as-tier" not in html
        assert "不显示名次" in html


@pytest.mark.parametrize("persona", sorted(AFTER))
def test_after_publication_everyone_sees_the_ranking_but_only_their_own_explanation(aw, persona):
    actions.finalise(aw.world.gov_office, aw.year)
    actions.publish(aw.world.gov_office, aw.year)
    _check_table(aw, persona, AFTER[persona])


def test_finalised_but_not_published_a_unit_still_sees_no_rank(aw):
    actions.finalise(aw.world.gov_office, aw.year)
    c = login(aw.world.lead_liaison)
    assert [row["rank"] for row in rows(c.get(url(aw)))] == [None]
    unit_page = text(c.get(url(aw, f"units/{aw.world.lead_unit.pk}/")))
    assert "名次" not in unit_page and "先进档次" not in unit_page
    office_page = text(login(aw.world.gov_office).get(url(aw, f"units/{aw.world.lead_unit.pk}/")))
    assert "名次" in office_page


def test_the_table_names_the_advanced_and_criticised_units_and_the_tie_rule(aw):
    html = text(login(aw.world.gov_office).get(url(aw)))
    advanced = re.search(r'id="advanced".*?</section>', html, re.S).group(0)
    assert aw.world.co_unit.name in advanced and "一档" in advanced  # no overdue event: the only unit that may be advanced
    criticised = re.search(r'id="criticised".*?</section>', html, re.S).group(0)
    assert f"{aw.world.spare_unit.name}</strong>" in criticised and "超期办理 1 次" in criticised
    assert "总分相同时，超期次数少者在前" in html


def test_a_bad_as_of_date_is_explained(aw):
    r = login(aw.world.gov_office).get(url(aw) + "?as_of=2999-01-01")
    assert r.status_code == 400 and "截至日期不能晚于今天。" in text(r)


def test_member_and_missing_years(aw):
    assert login(aw.world.member).get(url(aw)).status_code == 403
    assert login(aw.world.gov_office).get(f"/assessment/{aw.year + 5}/").status_code == 404
    assert login(aw.world.gov_office).get(url(aw, f"units/{aw.world.outsider_unit.pk}/")).status_code == 404  # not assessed


# -- the unit's page ------------------------------------------------------------------------------

def test_the_unit_page_explains_each_line_with_its_records(aw):
    W = aw.world
    html = text(login(W.lead_liaison).get(url(aw, f"units/{W.lead_unit.pk}/")))
    reply = re.search(r'<li class="as-line as-indicator" data-code="reply">.*?</li>\s*</ul>', html, re.S).group(0)
    assert "应答复 3 项，按时 2 项" in reply and "12 分 × 比率" in reply and ">+8<" in reply
    assert "<details>" in reply and " open" not in reply.split("</summary>")[0]  # folded
    assert f'href="/items/{aw.items["w2"].pk}/"' in reply and "✗" in reply
    assert re.search(r'class="t-value" data-total>[\d.]+<', html)


def test_the_office_enters_points_with_a_reason(aw):
    W = aw.world
    leadership = Indicator.objects.get(code="leadership")
    c = login(W.gov_office)
    page = c.get(url(aw, f"units/{W.lead_unit.pk}/"))
    assert 'id="do-points"' in text(page) and 'id="do-adjust"' in text(page) and 'id="do-self"' not in text(page)
    r = c.post(url(aw, f"units/{W.lead_unit.pk}/points/"), {"form": "points", "indicator_id": leadership.pk, "points": "1.5",
                                                              "reason": "专题研究部署两次"})
    assert r.status_code == 302
    e = Entry.objects.get()
    assert (e.kind, e.unit_id, e.points, e.by_id) == ("manual", W.lead_unit.pk, 1.5, W.gov_office.pk)
    audit = AuditRecord.objects.get(action="enter_points")
    assert audit.actor_id == W.gov_office.pk and audit.note == "专题研究部署两次"
    page = c.get(r["Location"])
    assert flashes(page) == ["评分已保存。"] and "专题研究部署两次" in text(page)


@pytest.mark.parametrize("data, field, message", [
    ({"points": "很多", "reason": "x"}, "points", "分值应为数字，例如 1.5。"),
    ({"points": "3", "reason": "x"}, "points", "分值应在 0 至 2 之间。"),
    ({"points": "1", "reason": "  "}, "reason", "请填写理由。"),
])
def test_bad_points_are_shown_beside_the_field_and_change_nothing(aw, data, field, message):
    W = aw.world
    before = snapshot()
    r = login(W.gov_office).post(url(aw, f"units/{W.lead_unit.pk}/points/"),
                                 {"form": "points", "indicator_id": Indicator.objects.get(code="leadership").pk, **data})
    assert r.status_code == 400
    block = form_html(r, "do-points")
    assert " open" in block.split(">")[0] and field_errors(block) == {field: [message]}
    assert 'value="%s"' % data["points"] in block  # what was typed comes back
    assert alerts(r) == []  # beside the field, not again at the top
    assert re.search(r'<(input|textarea) id="points-%s" autofocus' % field, block)  # the browser goes to it
    assert snapshot() == before


def test_the_assembly_office_evaluates_and_a_unit_may_not(aw):
    W = aw.world
    ev = Indicator.objects.get(code="evaluation")
    c = login(W.cppcc_office)
    html = text(c.get(url(aw, f"units/{W.co_unit.pk}/")))
    assert 'id="do-evaluate"' in html and 'id="do-points"' not in html and 'id="do-adjust"' not in html
    c.post(url(aw, f"units/{W.co_unit.pk}/points/"), {"form": "evaluate", "indicator_id": ev.pk, "points": "4", "reason": "配合积极"})
    e = Entry.objects.get()
    assert (e.kind, e.assembly, e.points) == ("evaluation", "cppcc", 4)
    before = snapshot()
    r = login(W.lead_liaison).post(url(aw, f"units/{W.lead_unit.pk}/points/"), {"indicator_id": ev.pk, "points": "5", "reason": "自评"})
    assert r.status_code == 403 and snapshot() == before


def test_the_office_adjusts_and_withdraws(aw):
    W = aw.world
    c = login(W.gov_office)
    base = url(aw, f"units/{W.spare_unit.pk}/")
    before = snapshot()
    r = c.post(base + "adjust/", {"points": "0", "reason": "无"})
    assert r.status_code == 400 and field_errors(form_html(r, "do-adjust")) == {"points": ["加减分不能为零。"]}
    assert snapshot() == before
    c.post(base + "adjust/", {"points": "-1.5", "reason": "报送材料弄虚作假"})
    e = Entry.objects.get(kind="adjustment")
    assert e.points == -1.5 and AuditRecord.objects.filter(action="adjust_score").count() == 1
    assert "报送材料弄虚作假" in text(login(W.spare_liaison).get(base))  # the unit reads the reason
    before = snapshot()
    r = c.post(base + "withdraw/", {"entry_id": e.pk, "reason": ""})
    assert r.status_code == 400 and field_errors(form_html(r, f"do-withdraw-{e.pk}")) == {"reason": ["请填写理由。"]}
    assert snapshot() == before
    c.post(base + "withdraw/", {"entry_id": e.pk, "reason": "核实有误"})
    assert Entry.objects.get(pk=e.pk).withdrawn and AuditRecord.objects.filter(action="withdraw_entry").count() == 1
    assert 'id="do-withdraw-' not in text(c.get(base)) and "已撤销" in text(c.get(base))


def test_the_unit_submits_its_self_assessment_with_files(aw):
    W = aw.world
    c = login(W.lead_liaison)
    page = url(aw, f"units/{W.lead_unit.pk}/")
    assert 'id="do-self"' in text(c.get(page))
    assert 'id="do-self"' not in text(login(W.gov_office).get(page))
    r = c.post(page + "self/", {"text": "全年按时办结。", "score": "92", "file": [SimpleUploadedFile("自评.pdf", PDF),
                                                                               SimpleUploadedFile("附表.pdf", PDF)]})
    assert r.status_code == 302
    s = SelfAssessment.objects.get()
    assert (s.unit_id, s.score, s.submitted_by_id) == (W.lead_unit.pk, 92, W.lead_liaison.pk)
    assert sorted(f.name for f in s.files.all()) == ["自评.pdf", "附表.pdf"]
    assert AuditRecord.objects.get(action="submit_self_assessment").actor_id == W.lead_liaison.pk
    html = text(c.get(page))
    assert "全年按时办结。" in html and "修改总结自评" in html


@pytest.mark.parametrize("data, field, message", [
    ({"text": " "}, "text", "请填写自评内容。"),
    ({"text": "好", "score": "九十"}, "score", "分值应为数字，例如 1.5。"),
    ({"text": "好", "file": SimpleUploadedFile("run.exe", b"MZ")}, "file", None),
    ({"text": "好", "file": SimpleUploadedFile("fake.pdf", b"MZ-not-a-pdf")}, "file", "文件内容与扩展名不符。"),
])
def test_a_bad_self_assessment_is_explained_and_writes_nothing(aw, data, field, message):
    W = aw.world
    before = snapshot()
    r = login(W.lead_liaison).post(url(aw, f"units/{W.lead_unit.pk}/self/"), data)
    assert r.status_code == 400
    errors = field_errors(form_html(r, "do-self"))
    assert list(errors) == [field] and (message is None or errors[field] == [message])
    assert snapshot() == before and not SelfAssessmentFile.objects.exists()


def test_another_unit_may_not_submit_for_it(aw):
    W = aw.world
    before = snapshot()
    r = login(W.co_liaison).post(url(aw, f"units/{W.lead_unit.pk}/self/"), {"text": "冒名"})
    assert r.status_code in (403, 404) and snapshot() == before


def test_a_self_assessment_file_opens_for_those_who_may_open_the_page_only(aw):
    W = aw.world
    s = actions.submit_self_assessment(W.lead_liaison, aw.year, unit_id=W.lead_unit.pk, text="自评",
                                       files=[SimpleUploadedFile("自评.pdf", PDF)])
    f = s.files.get()
    href = url(aw, f"units/{W.lead_unit.pk}/files/{f.pk}/")
    assert href in text(login(W.gov_office).get(url(aw, f"units/{W.lead_unit.pk}/")))
    for persona, status in [("lead_liaison", 200), ("lead_head", 200), ("gov_office", 200), ("cppcc_office", 200), ("district_leader", 200),
                            ("co_liaison", 404), ("other_leader", 404), ("spare_liaison", 404), ("member", 403)]:
        r = login(getattr(W, persona)).get(href)
        assert r.status_code == status, persona
        if status == 200:
            assert b"".join(r.streaming_content) == PDF
    # The same file under another unit's address is not found either.
    assert login(W.co_liaison).get(url(aw, f"units/{W.co_unit.pk}/files/{f.pk}/")).status_code == 404


# -- finalising and publishing --------------------------------------------------------------------

def test_finalise_asks_for_confirmation_then_freezes(aw):
    W = aw.world
    c = login(W.gov_office)
    before = snapshot()
    r = c.post(url(aw, "finalise/"), {"as_of": ""})
    assert r.status_code == 400 and field_errors(form_html(r, "do-finalise")) == {"confirm": ["请勾选确认后再定稿。"]}
    r = c.post(url(aw, "finalise/"), {"as_of": "2999-01-01", "confirm": "yes"})
    assert r.status_code == 400 and field_errors(form_html(r, "do-finalise")) == {"as_of": ["截至日期不能晚于今天。"]}
    assert snapshot() == before
    assert 'id="do-finalise"' not in text(login(W.cppcc_office).get(url(aw)))
    r = c.post(url(aw, "finalise/"), {"as_of": str(timezone.localdate()), "confirm": "yes"})
    assert r.status_code == 302
    assert Scheme.objects.get().state == "final" and Result.objects.count() == 3
    assert AuditRecord.objects.filter(action="finalise_assessment").count() == 1
    page = text(c.get(url(aw)))
    assert 'id="do-publish"' in page and 'id="recompute"' in page and 'id="do-finalise"' not in page
    # Frozen: no more entry forms, and a late post is refused with nothing written.
    unit_page = text(c.get(url(aw, f"units/{W.lead_unit.pk}/")))
    assert 'id="do-points"' not in unit_page and 'id="do-adjust"' not in unit_page
    before = snapshot()
    r = c.post(url(aw, f"units/{W.lead_unit.pk}/adjust/"), {"points": "1", "reason": "迟到的加分"})
    assert r.status_code == 409 and "已定稿" in " ".join(alerts(r)) and snapshot() == before


def test_publish_asks_for_confirmation_and_tells_the_units(aw):
    W = aw.world
    c = login(W.gov_office)
    actions.finalise(W.gov_office, aw.year)
    before = snapshot()
    r = c.post(url(aw, "publish/"), {})
    assert r.status_code == 400 and snapshot() == before
    assert c.post(url(aw, "publish/"), {"confirm": "yes"}).status_code == 302
    assert Scheme.objects.get().state == "published" and AuditRecord.objects.filter(action="publish_assessment").count() == 1
    assert login(W.lead_liaison).post(url(aw, "publish/"), {"confirm": "yes"}).status_code == 403


def test_a_refusal_of_the_whole_request_is_shown_at_the_top(aw):
    before = snapshot()
    r = login(aw.world.gov_office).post(url(aw, "publish/"), {"confirm": "yes"})
    assert r.status_code == 409 and alerts(r) == ["请先定稿再通报考核结果。"] and snapshot() == before


def test_the_recomputation_shows_a_late_record_and_why(aw):
    from banli.proposals import actions as proposal_actions
    from tests.builders import active_assignments

    W = aw.world
    actions.finalise(W.gov_office, aw.year)
    w1 = aw.items["w1"]
    co = next(a for a in active_assignments(w1) if a.unit_id == W.co_unit.pk)
    proposal_actions.grade_co_unit(W.lead_liaison, w1.pk, assignment=co.pk, grade="average")
    office = login(W.gov_office)
    assert "重新计算并比较" in text(office.get(url(aw)))  # asked for: it computes the whole year again
    html = text(office.get(url(aw) + "?recompute=1"))
    section = re.search(r'id="recompute".*?</section>', html, re.S).group(0)
    assert W.co_unit.name in section and "会办：主办单位评价" in section and "平均 100.0 分 → 主办单位评价 1 件，平均 70.0 分" in unescape(section)
    assert "recompute" not in text(login(W.district_leader).get(url(aw)))


# -- the scheme page ------------------------------------------------------------------------------

def test_the_scheme_is_edited_by_the_office_and_read_by_the_others(aw):
    W = aw.world
    c = login(W.gov_office)
    assert 'name="pass_mark"' in text(c.get(url(aw, "scheme/")))
    reader = text(login(W.lead_liaison).get(url(aw, "scheme/")))
    assert "<form method=\"post\"" not in reader and "按时签收" in reader and "合格分" in reader
    settings = {"name": "2026年考核办法", "base": "0", "cap": "100", "advanced_count": "6", "tier_bonuses": "0.3，0.2",
                "overdue_rule": "drop_tier", "pass_mark": "65", "self_assessment_due": "2026-12-25"}
    audited = AuditRecord.objects.filter(action="update_scheme").count()
    assert c.post(url(aw, "scheme/"), settings).status_code == 302
    s = Scheme.objects.get()
    assert (s.name, s.advanced_count, s.tier_bonuses, s.overdue_rule, s.pass_mark) == ("2026年考核办法", 6, [0.3, 0.2], "drop_tier", 65)
    assert AuditRecord.objects.filter(action="update_scheme").count() == audited + 1
    before = snapshot()
    r = c.post(url(aw, "scheme/"), {**settings, "advanced_count": "许多"})
    assert r.status_code == 400 and field_errors(text(r))["advanced_count"] == ["先进单位数应为整数。"]
    r = c.post(url(aw, "scheme/"), {**settings, "self_assessment_due": "12/25"})
    assert field_errors(text(r))["self_assessment_due"] == ["日期应为“年-月-日”。"]
    assert snapshot() == before
    assert login(W.lead_liaison).post(url(aw, "scheme/"), settings).status_code == 403 and snapshot() == before


def test_indicators_are_added_changed_and_removed(aw):
    W = aw.world
    c = login(W.gov_office)
    add = {"name": "留言答复（严格）", "metric": "message_hours", "points": "4", "good": "12", "bad": "48", "roles": ["lead"], "none": "zero"}
    r = c.post(url(aw, "scheme/indicators/"), add)
    ind = Indicator.objects.get(name="留言答复（严格）")
    assert r.status_code == 302 and r["Location"].endswith(f"#ind-{ind.pk}")
    assert (ind.rule, ind.points, ind.roles, ind.params) == ("hours", 4, ["lead"], {"none": "zero", "good": 12, "bad": 48})
    liaison = Indicator.objects.get(code="liaison")
    c.post(url(aw, "scheme/indicators/"), {"indicator_id": liaison.pk, "name": liaison.name, "metric": "liaison_changes", "points": "4",
                                            "per_event": "-1", "allowed": "2"})
    liaison.refresh_from_db()
    assert liaison.per_event == -1 and liaison.params == {"allowed": 2}
    assert AuditRecord.objects.filter(action__in=["add_indicator", "change_indicator"]).count() == 2
    # Unchanged: saving the form as shown writes nothing.
    before = snapshot()
    c.post(url(aw, "scheme/indicators/"), {"indicator_id": liaison.pk, "name": liaison.name, "metric": "liaison_changes", "points": "4",
                                            "per_event": "-1", "allowed": "2"})
    assert snapshot() == before
    r = c.post(url(aw, f"scheme/indicators/{ind.pk}/remove/"), {})
    assert r.status_code == 400 and field_errors(form_html(r, f"do-ind-{ind.pk}")) == {"confirm": ["请勾选确认后再删除。"]}
    c.post(url(aw, f"scheme/indicators/{ind.pk}/remove/"), {"confirm": "yes"})
    assert not Indicator.objects.filter(pk=ind.pk).exists() and AuditRecord.objects.filter(action="remove_indicator").count() == 1


@pytest.mark.parametrize("data, field, message", [
    ({"metric": ""}, "metric", "请选择指标的数据来源。"),
    ({"name": ""}, "name", "请填写指标名称（不超过60字）。"),
    ({"points": "满分"}, "points", "分值应为数字，例如 1.5。"),
    ({"metric": "praise", "per_event": ""}, "per_event", "每次分值应为数字，例如 1.5。"),
    ({"metric": "message_hours", "good": "100", "bad": "50"}, "params", "满分时长应小于不得分时长。"),
    ({"metric": "per_item", "components": "{lead: 1}"}, "params", None),
    ({"metric": "per_item", "components": '{"lead": [{"figure": "luck", "points": 5}]}'}, "params", "单件考核的计分项不正确：luck。"),
])
def test_a_bad_indicator_is_explained_beside_its_field_and_changes_nothing(aw, data, field, message):
    before = snapshot()
    r = login(aw.world.gov_office).post(url(aw, "scheme/indicators/"), {"name": "新指标", "metric": "sign_on_time", "points": "5", **data})
    assert r.status_code == 400
    block = form_html(r, "do-add")
    errors = {"params": param_errors(block)} if field == "params" else field_errors(block)
    assert field in errors and (message is None or errors[field] == [message]), errors
    assert snapshot() == before


def test_the_per_item_rule_round_trips_through_its_json_box(world):
    """The per-item indicator's components are shown as JSON; saving the form as shown changes
    nothing, and a changed component is saved."""
    year = timezone.localdate().year
    actions.create_scheme(world.gov_office, year, preset="per_item")
    items = Indicator.objects.get(code="items")
    c = login(world.gov_office)
    block = form_html(c.get(f"/assessment/{year}/scheme/"), f"do-ind-{items.pk}")
    shown = unescape(re.search(r'<textarea[^>]*name="components"[^>]*>(.*?)</textarea>', block, re.S).group(1))
    form = {"indicator_id": items.pk, "name": items.name, "metric": "per_item", "points": "70", "roles": ["lead", "co", "separate"],
            "components": shown}
    before = snapshot()
    assert c.post(f"/assessment/{year}/scheme/indicators/", form).status_code == 302
    assert snapshot() == before
    c.post(f"/assessment/{year}/scheme/indicators/", {**form, "components": shown.replace('"points": 20', '"points": 25')})
    items.refresh_from_db()
    assert items.params["lead"][0] == {"figure": "reply_speed", "points": 25, "per_day": 2}
    assert AuditRecord.objects.filter(action="change_indicator").count() == 1


def test_an_indicator_with_entries_cannot_be_removed(aw):
    W = aw.world
    leadership = Indicator.objects.get(code="leadership")
    actions.enter_points(W.gov_office, aw.year, indicator_id=leadership.pk, unit_id=W.lead_unit.pk, points="2", reason="好")
    before = snapshot()
    r = login(W.gov_office).post(url(aw, f"scheme/indicators/{leadership.pk}/remove/"), {"confirm": "yes"})
    assert r.status_code == 409 and "请先撤销这些评分" in " ".join(alerts(r)) and snapshot() == before


def test_the_frozen_scheme_is_read_only_for_the_office_too(aw):
    actions.finalise(aw.world.gov_office, aw.year)
    html = text(login(aw.world.gov_office).get(url(aw, "scheme/")))
    assert 'name="pass_mark"' not in html and 'id="do-add"' not in html and "已定稿" in html


# -- cross-site requests --------------------------------------------------------------------------

def test_every_assessment_form_needs_its_csrf_token(aw):
    W = aw.world
    unit = url(aw, f"units/{W.lead_unit.pk}/")
    leadership = Indicator.objects.get(code="leadership")
    posts = [
        (W.gov_office, "/assessment/", {"year": str(aw.year + 1), "preset": "weighted"}),
        (W.gov_office, url(aw, "scheme/"), {"name": "跨站"}),
        (W.gov_office, url(aw, "scheme/indicators/"), {"name": "跨站", "metric": "sign_on_time", "points": "1"}),
        (W.gov_office, url(aw, f"scheme/indicators/{leadership.pk}/remove/"), {"confirm": "yes"}),
        (W.gov_office, unit + "points/", {"indicator_id": leadership.pk, "points": "1", "reason": "跨站"}),
        (W.gov_office, unit + "adjust/", {"points": "1", "reason": "跨站"}),
        (W.lead_liaison, unit + "self/", {"text": "跨站"}),
        (W.gov_office, url(aw, "finalise/"), {"confirm": "yes"}),
    ]
    before = snapshot()
    for user, path, data in posts:
        c = Client(enforce_csrf_checks=True)
        c.force_login(user)
        assert c.post(path, data).status_code == 403, path
    assert snapshot() == before
    html = text(login(W.gov_office).get(unit)) + text(login(W.gov_office).get(url(aw, "scheme/")))
    forms = re.findall(r'<form method="post".*?</form>', html, re.S)
    assert len(forms) > 20 and all('name="csrfmiddlewaretoken"' in f for f in forms)
