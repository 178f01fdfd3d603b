"""The year-end assessment clicked through in the browser, by the office and by a unit.

The government office opens 年度考核 from the menu, creates this year's scheme with one click as
a copy of last year's, changes an indicator (the form shows that figure's parameters only), opens
the year's table and a unit's page from it, and enters points on a manual indicator
(领导重视) with its reason. The lead unit's liaison, on a phone, opens its own page, unfolds a line to
see the records behind it and submits its self-assessment with a PDF attached. The office finalises
the year (ticking the confirmation); a grade given after that shows in the recomputation, not in
the frozen table; the office publishes. The liaison then sees the whole ranking, with
a link to its own page only.

After each step the page (the flash message) and the records (Scheme, Entry, SelfAssessment and
their audit rows) are checked. The pages are photographed on a desktop and a phone
(screenshots/assessment-*.png) and must not scroll sideways on the phone."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.utils import timezone
from playwright.sync_api import expect

from banli.assessment import actions as assessment_actions
from banli.assessment.models import Entry, Scheme, SelfAssessment
from banli.audit.models import AuditRecord
from banli.proposals import actions as proposal_actions
from tests.assessment.world import build_assessment_world
from tests.builders import active_assignments
from tests.web.browser.helpers import assert_no_horizontal_scroll, login, screenshot, visit

PDF = b"%PDF-1.4\n% self-assessment\n"


def _shoot_both(page, phone, path, name):
    """The desktop page (opened at `path` unless it is there already) and the phone's, photographed."""
    if urlsplit(page.url).path != path:
        visit(page, path)
    screenshot(page, f"{name}-desktop")
    visit(phone, path)
    screenshot(phone, f"{name}-phone")


def test_office_creates_scores_finalises_and_publishes_and_the_unit_follows(page_for, live_server, world, request_log):
    aw = build_assessment_world(world)
    year, lead = aw.year, world.lead_unit
    # Last year's scheme, finished: this year's starts as a copy of it.
    assessment_actions.create_scheme(world.gov_office, year - 1, preset="weighted")
    assessment_actions.finalise(world.gov_office, year - 1)
    assessment_actions.publish(world.gov_office, year - 1)

    # -- the office creates this year's scheme --------------------------------------------------
    office = page_for("desktop")
    office_phone = page_for("phone")
    login(office, live_server, world.gov_office.username)
    login(office_phone, live_server, world.gov_office.username)
    visit(office, "/")
    office.locator("nav.nav a", has_text="年度考核").click()
    expect(office.locator("h1")).to_have_text("年度考核")
    _shoot_both(office, office_phone, "/assessment/", "assessment-index")
    with office.expect_navigation():
        office.get_by_role("button", name=f"复制{year - 1}年度考核办法").click()
    expect(office.locator(".flash")).to_contain_text("考核办法已建立")
    scheme = Scheme.objects.get(year=year)
    assert scheme.style == "weighted" and scheme.copied_from.year == year - 1 and scheme.indicators.count() > 10
    assert AuditRecord.objects.filter(action="create_scheme").count() == 2
    # The office changes an indicator: the form shows the parameters of the figure chosen (the script).
    liaison = scheme.indicators.get(code="liaison")
    row = office.locator(f"#ind-{liaison.pk}")
    row.locator("details.as-edit > summary").click()
    form = row.locator("form[data-indicator-form]")
    expect(form.locator("input[name=allowed]")).to_be_visible()
    expect(form.locator("input[name=good]")).to_be_hidden()
    form.locator("input[name=allowed]").fill("2")
    screenshot(office, "assessment-scheme-edit-desktop")
    with office.expect_navigation():
        form.get_by_role("button", name="保存修改").click()
    liaison.refresh_from_db()
    assert liaison.params == {"allowed": 2} and AuditRecord.objects.filter(action="change_indicator").count() == 1
    # Self-assessments close on the scheme's date: keep it ahead of today whenever the test runs.
    assessment_actions.update_scheme(world.gov_office, year, self_assessment_due=timezone.localdate() + datetime.timedelta(days=30))
    _shoot_both(office, office_phone, f"/assessment/{year}/scheme/", "assessment-scheme")

    # -- the office opens the table, a unit, and enters points ------------------------------------
    visit(office, f"/assessment/{year}/")
    rows = office.locator("table.as-rank tbody tr")
    expect(rows).to_have_count(3)  # lead_unit, co_unit, spare_unit: the units with items this year
    _shoot_both(office, office_phone, f"/assessment/{year}/", "assessment-table-draft")
    for page, size in ((office, "desktop"), (office_phone, "phone")):
        page.locator("#by-indicator > summary").click()
        expect(page.locator("#by-indicator table tbody tr")).to_have_count(3)
        assert_no_horizontal_scroll(page)  # the wide table scrolls inside its box
        screenshot(page, f"assessment-table-by-indicator-{size}")
    office.locator("table.as-rank td.unit a", has_text=lead.name).click()
    expect(office.locator("h1")).to_have_text(lead.name)
    form = office.locator("#do-points")
    form.locator("summary").click()
    form.locator("select[name=indicator_id]").select_option(label="领导重视（满分 2 分）")
    form.locator("input[name=points]").fill("1.5")
    form.locator("textarea[name=reason]").fill("主要领导专题研究部署建议提案办理工作两次。")
    with office.expect_navigation():
        form.get_by_role("button", name="保存评分").click()
    expect(office.locator(".flash")).to_contain_text("评分已保存")
    entry = Entry.objects.get(scheme=scheme, unit=lead, kind="manual")
    assert entry.points == 1.5 and entry.indicator.code == "leadership" and entry.by_id == world.gov_office.pk
    assert AuditRecord.objects.filter(action="enter_points").count() == 1
    expect(office.locator('li[data-code="leadership"] .as-pts')).to_have_text("+1.5")
    office.locator('li[data-code="reply"] summary').click()
    expect(office.locator('li[data-code="reply"] ul.as-refs li')).not_to_have_count(0)
    screenshot(office, "assessment-unit-office-desktop")

    # -- the unit's liaison submits its self-assessment, on a phone -------------------------------
    unit = page_for("phone")
    login(unit, live_server, world.lead_liaison.username)
    visit(unit, f"/assessment/{year}/")
    expect(unit.locator("table.as-rank tbody tr")).to_have_count(1)  # its own row only, before publication
    expect(unit.locator(".as-rankno")).to_have_count(0)
    screenshot(unit, "assessment-table-unit-before-phone")
    unit.locator("table.as-rank td.unit a").click()
    expect(unit.locator("h1")).to_have_text(lead.name)
    self_form = unit.locator("#do-self")
    self_form.locator("textarea[name=text]").fill("本单位全年共承办建议提案3件，均按时答复，三次沟通逐件落实。")
    self_form.locator("input[name=score]").fill("95")
    self_form.locator("input[name=file]").set_input_files(files=[{"name": "总结自评.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    with unit.expect_navigation():
        self_form.get_by_role("button", name="提交").click()
    expect(unit.locator(".flash")).to_contain_text("总结自评已提交")
    sa = SelfAssessment.objects.get(scheme=scheme, unit=lead)
    assert sa.score == 95 and [f.name for f in sa.files.all()] == ["总结自评.pdf"]
    assert AuditRecord.objects.filter(action="submit_self_assessment").count() == 1
    expect(unit.locator("#self ul.as-files a")).to_have_text("总结自评.pdf")
    visit(unit, unit.url.split("#")[0])
    unit.locator('li[data-code="sign"] summary').click()
    expect(unit.locator('li[data-code="sign"] ul.as-refs li')).to_have_count(3)
    screenshot(unit, "assessment-unit-liaison-phone")

    # -- the office finalises and publishes ------------------------------------------------------
    visit(office, f"/assessment/{year}/")
    fin = office.locator("#do-finalise")
    fin.locator("summary").click()
    fin.locator("input[name=confirm]").check()
    with office.expect_navigation():
        fin.get_by_role("button", name="确认定稿").click()
    expect(office.locator(".flash")).to_contain_text("已定稿")
    assert Scheme.objects.get(pk=scheme.pk).state == "final"
    with office.expect_navigation():
        office.get_by_role("link", name="重新计算并比较").click()
    expect(office.locator("#recompute")).to_contain_text("没有变化")
    # A record after the year was frozen: the lead unit grades its co-handling unit again, lower.
    co = next(a for a in active_assignments(aw.items["w1"]) if a.unit_id == world.co_unit.pk)
    proposal_actions.grade_co_unit(world.lead_liaison, aw.items["w1"].pk, assignment=co.pk, grade="average")
    visit(office, f"/assessment/{year}/?recompute=1")
    expect(office.locator("#recompute .as-diff h3")).to_have_text(world.co_unit.name)
    expect(office.locator("#recompute .as-diff")).to_contain_text("会办：主办单位评价")
    pub = office.locator("#do-publish")
    pub.locator("summary").click()
    pub.locator("input[name=confirm]").check()
    screenshot(office, "assessment-table-final-desktop")
    with office.expect_navigation():
        pub.get_by_role("button", name="确认通报").click()
    expect(office.locator(".flash")).to_contain_text("已通报")
    assert Scheme.objects.get(pk=scheme.pk).state == "published"
    assert AuditRecord.objects.filter(action__in=["finalise_assessment", "publish_assessment"], target_id=scheme.pk).count() == 2

    # -- the unit sees the ranking, and only its own page ------------------------------------------
    visit(unit, f"/assessment/{year}/")
    expect(unit.locator("table.as-rank tbody tr")).to_have_count(3)
    expect(unit.locator(".as-rankno")).to_have_count(3)
    expect(unit.locator("table.as-rank td.unit a")).to_have_count(1)
    expect(unit.locator("table.as-rank td.unit a")).to_have_text(lead.name)
    screenshot(unit, "assessment-table-published-phone")
    desktop_unit = page_for("desktop")
    login(desktop_unit, live_server, world.lead_liaison.username)
    visit(desktop_unit, f"/assessment/{year}/")
    screenshot(desktop_unit, "assessment-table-published-desktop")
    _shoot_both(office, office_phone, "/assessment/", "assessment-index-years")
    forbidden = f"/assessment/{year}/units/{world.co_unit.pk}/"
    visit(desktop_unit, forbidden, status=404)  # another unit's page, even after publication
    assert [f for f in request_log.failures if not f.endswith(forbidden)] == []


def test_the_readers_pages(page_for, live_server, world, request_log):
    """What the others see while the year is open: an assembly office's evaluation form on a unit's
    page, a district leader's portfolio ranked, the scheme read-only for a unit on a phone."""
    aw = build_assessment_world(world)
    year = aw.year
    assessment_actions.create_scheme(world.gov_office, year, preset="weighted")

    office = page_for("desktop")
    login(office, live_server, world.cppcc_office.username)
    visit(office, f"/assessment/{year}/units/{world.co_unit.pk}/")
    form = office.locator("#do-evaluate")
    form.locator("summary").click()
    expect(office.locator("#do-points")).to_have_count(0)
    form.locator("input[name=points]").fill("4.5")
    form.locator("textarea[name=reason]").fill("会办意见质量高，配合主动。")
    with office.expect_navigation():
        form.get_by_role("button", name="保存评分").click()
    expect(office.locator(".flash")).to_contain_text("评分已保存")
    expect(office.locator('li[data-code="evaluation"] .as-pts')).to_have_text("+4.5")
    screenshot(office, "assessment-unit-cppcc-desktop")

    leader = page_for("desktop")
    login(leader, live_server, world.district_leader.username)
    visit(leader, f"/assessment/{year}/")
    expect(leader.locator("table.as-rank tbody tr")).to_have_count(2)  # the portfolio: lead_unit and co_unit
    expect(leader.locator(".as-rankno")).to_have_count(2)
    screenshot(leader, "assessment-table-leader-desktop")

    unit = page_for("phone")
    login(unit, live_server, world.co_liaison.username)
    visit(unit, f"/assessment/{year}/scheme/")
    expect(unit.locator("main form")).to_have_count(0)  # nothing to edit
    expect(unit.locator("ol.as-inds > li")).to_have_count(Scheme.objects.get(year=year).indicators.count())
    screenshot(unit, "assessment-scheme-unit-phone")
    visit(unit, f"/assessment/{year}/units/{world.co_unit.pk}/")
    expect(unit.locator("#entries")).to_contain_text("会办意见质量高")
    screenshot(unit, "assessment-unit-co-phone")
    request_log.assert_no_failures()
