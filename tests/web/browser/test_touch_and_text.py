"""Tap targets and text sizes, measured (issue 14): on a 360 x 740 phone, as every role of the
world, on its main pages (to-do, the list, an item, the inbox, the reports, the deadlines), every
visible link, button and summary is at least 44 px tall and 44 px wide (or a word wide), text is at
least 14 px, chart labels at least 12 px, and nothing scrolls sideways. At 1366 px in English the
header is at most two rows. A required radio button says so in Chinese on a Chinese page.

The one exception allowed: a link inside running text (a sentence of at least ten characters
around it) keeps the line's height, as WCAG 2.5.8 allows; the header, the menu and the breadcrumb
never count as running text."""

from pathlib import Path

from banli.proposals import actions
from tests.builders import lead_assignment, make_item
from tests.web.browser.helpers import login, visit

SHOTS = Path("/tmp/shots/h5-rough-edges")

MEASURE = r"""() => {
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1 || r.right <= 0 || r.bottom <= 0) return false;
    const s = getComputedStyle(el);
    return s.visibility !== "hidden" && s.display !== "none" && s.opacity !== "0";
  };
  const name = (el) => {
    const cls = el.classList.length ? "." + [...el.classList].slice(0, 3).join(".") : "";
    const t = (el.innerText || el.value || "").trim().replace(/\s+/g, " ").slice(0, 24);
    return `${el.tagName.toLowerCase()}${cls} "${t}"`;
  };
  const block = (el) => {
    let b = el.parentElement;
    while (b && getComputedStyle(b).display.startsWith("inline")) b = b.parentElement;
    return b;
  };
  const running = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    if (el.closest("header, nav, .crumbs, .pager, .page-head")) return false;
    const b = block(el);
    if (!b) return false;
    let around = b.innerText || "";
    for (const a of b.querySelectorAll("a, button")) around = around.replace(a.innerText || "", "");
    return around.replace(/[\s·|/、，,。.：:()（）—-]/g, "").length >= 10;
  };
  const taps = [], texts = [], charts = [], exempt = [];
  for (const el of document.querySelectorAll("a[href], button, summary, input[type=submit], input[type=button]")) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    const label = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
    const tall = r.height >= 43.5, wide = r.width >= 43.5 || label.length >= 2;
    if (tall && wide) continue;
    if (running(el)) { exempt.push(name(el)); continue; }
    taps.push(`${name(el)} ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("svg, script, style, noscript") || !shown(el)) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (px < 13.95) texts.push(`${name(el)} ${px}px`);
  }
  for (const t of document.querySelectorAll("figure.chart svg text")) {
    if (!t.textContent.trim()) continue;
    const ctm = t.getScreenCTM();
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
    charts.push(px);
  }
  return {taps, texts, charts, exempt};
}"""

HEADER_ROWS = r"""() => {
  const boxes = [...document.querySelectorAll("header.top .brand, header.top .nav a, header.top .me > *")]
    .map((el) => el.getBoundingClientRect()).filter((r) => r.width > 0).sort((a, b) => a.top - b.top);
  let rows = 0, bottom = -1;
  for (const r of boxes) { if (r.top >= bottom - 2) { rows += 1; bottom = r.bottom; } else bottom = Math.max(bottom, r.bottom); }
  return {rows, height: document.querySelector("header.top").getBoundingClientRect().height};
}"""


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def the_district(world):
    """Something on every role's pages: items in every state that has a page of its own."""
    handling = make_item(world, "handling", co=True, title="关于加快老旧小区加装电梯的提案")
    replied = make_item(world, "replied", co=False, title="关于增加医院周边停车泊位的提案")
    make_item(world, "submitted", title="关于推进河道水环境综合治理的提案")
    make_item(world, "registered", title="关于完善社区养老服务设施的提案")
    make_item(world, "closed", co=False, title="关于优化公交线路的提案")
    actions.urge(world.gov_office, handling.pk, assignment=lead_assignment(handling).pk, text="答复期限将至，请抓紧办理。")
    actions.mark_key(world.gov_office, handling.pk, leader_id=world.district_leader.pk)
    return handling, replied


def test_every_tap_target_and_text_on_a_phone(page_for, live_server, request_log, world):
    handling, replied = the_district(world)
    item = {"member": replied, "cppcc_office": handling, "gov_office": handling, "lead_liaison": handling, "lead_head": handling,
            "district_leader": handling}
    staff_pages = ["/reports/", "/deadlines/"]
    pages = {
        "member": [],
        "lead_liaison": ["/deadlines/"],
        "lead_head": ["/deadlines/"],
        "district_leader": staff_pages,
        "cppcc_office": staff_pages,
        "gov_office": staff_pages,
    }
    failures, exempt, chart_sizes = [], set(), []
    for persona, extra in pages.items():
        page = page_for("phone")
        login(page, live_server, getattr(world, persona).username)
        for path in ["/", "/items/", f"/items/{item[persona].pk}/", "/inbox/", *extra]:
            visit(page, path)  # 200, and no sideways scrolling
            got = page.evaluate(MEASURE)
            failures += [f"{persona} {path}: tap {t}" for t in got["taps"]]
            failures += [f"{persona} {path}: text {t}" for t in got["texts"]]
            exempt |= set(got["exempt"])
            chart_sizes += got["charts"]
            if persona in ("gov_office", "lead_liaison", "member"):
                shot(page, f"phone-{persona}-{path.strip('/').replace('/', '-') or 'todo'}")
    assert failures == [], "\n" + "\n".join(failures)
    # The reports page's charts were measured (two personas read it), every label 12 px or more.
    assert len(chart_sizes) > 20 and min(chart_sizes) >= 12, sorted(chart_sizes)[:5]
    print("links inside running text, left at the line's height:", sorted(exempt))
    request_log.assert_no_failures()


def test_the_reports_first_figure_is_on_the_first_phone_screen(page_for, live_server, world):
    the_district(world)
    page = page_for("phone")
    login(page, live_server, world.gov_office.username)
    visit(page, "/reports/")
    # The filters are folded behind a summary saying what is shown; the figures come first.
    assert page.locator("details.report-filters").get_attribute("open") is None
    summary = page.locator("details.report-filters > summary").inner_text()
    assert "统计范围与下载" in summary
    first = page.locator("section.tiles .tile").first.bounding_box()
    assert first["y"] + first["height"] <= 740, first
    shot(page, "phone-reports-first-screen")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("section.chart-grid figure").first.screenshot(path=str(SHOTS / "phone-reports-chart.png"))
    page.locator("details.report-filters > summary").click()
    assert page.locator("details.report-filters select[name=kind]").is_visible()
    # On a desktop they are open.
    desk = page_for("desktop")
    login(desk, live_server, world.gov_office.username)
    visit(desk, "/reports/")
    assert desk.locator("details.report-filters").get_attribute("open") is not None
    shot(desk, "desktop-reports")


def test_the_english_header_is_two_rows_at_most(page_for, live_server, world):
    the_district(world)
    for persona in ("gov_office", "cppcc_office", "member", "lead_liaison"):
        page = page_for("desktop")
        login(page, live_server, getattr(world, persona).username)
        visit(page, "/inbox/")
        zh = page.evaluate(HEADER_ROWS)
        with page.expect_navigation():
            page.locator("form.lang button").click()
        assert page.locator("html").get_attribute("lang") == "en"
        en = page.evaluate(HEADER_ROWS)
        assert zh["rows"] == 1 and en["rows"] <= 2, (persona, zh, en)
        if persona == "gov_office":
            shot(page, "desktop-en-inbox")
            visit(page, "/reports/")
            shot(page, "desktop-en-reports")
            phone = page_for("phone")
            login(phone, live_server, world.gov_office.username)
            visit(phone, "/inbox/")
            with phone.expect_navigation():
                phone.locator("form.lang button").click()
            shot(phone, "phone-en-inbox")
            assert not phone.evaluate(MEASURE)["taps"]


def test_a_required_choice_says_so_in_the_pages_language(page_for, live_server, world):
    """A radio button left unchosen: in Chinese on a Chinese page (the browser is English)."""
    handling, _ = the_district(world)
    adjusting = make_item(world, "assigned", co=True, title="关于设置电动自行车充电桩的提案")
    co = adjusting.assignments.get(unit=world.co_unit)
    actions.request_adjustment(world.co_liaison, adjusting.pk, assignment=co.pk, reason="非本单位职责，建议由街道办理。",
                               suggested_unit_id=world.spare_unit.pk)
    page = page_for("phone")
    login(page, live_server, world.gov_office.username)
    visit(page, f"/items/{adjusting.pk}/#do-decide_adjustment-{co.pk}")
    form = page.locator(f"#do-decide_adjustment-{co.pk} form").first
    radio = form.locator("input[type=radio][required]").first
    form.locator("button[type=submit], button:not([type])").last.click()
    assert radio.evaluate("r => r.validationMessage") == "请选择其中一项。"
    shot(page, "phone-required-radio")
    # Choosing one clears it (the whole group, not just the button chosen).
    form.locator("input[type=radio]").last.check()
    assert radio.evaluate("r => r.validity.valid && r.validationMessage === ''")
    # On an English page the browser's own message stays.
    with page.expect_navigation():
        page.locator("form.lang button").click()
    form = page.locator(f"#do-decide_adjustment-{co.pk} form").first
    page.evaluate(f"document.getElementById('do-decide_adjustment-{co.pk}').open = true")
    radio = form.locator("input[type=radio][required]").first
    form.locator("button[type=submit], button:not([type])").last.click()
    assert radio.evaluate("r => r.validationMessage").startswith("Please select")
