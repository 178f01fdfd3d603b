"""The public site (/public/) against the two promises portal.css makes and no other test checked:
WCAG 2.1 AA contrast, and item pages that print as a clean document.

Contrast. CONTRAST_JS, injected into the page (no library, no network), looks at every visible
element that holds text of its own (a text node child; a select's chosen option; an input's value
or placeholder) and computes, as WCAG 2.1 defines them:
  - the text colour: computed `color` (`fill` for SVG text, whose `color` is not what is painted),
    its alpha times the opacity of the element and its ancestors;
  - the background: the background colours of the element and its ancestors, from the element up
    to the first opaque one, painted one over the other (source-over) on the white canvas. A
    background-image on the way makes the background unknown: the element is not judged and is
    named in a warning instead (the site has none today);
  - the relative luminance of both, the ratio (L1 + 0.05) / (L2 + 0.05), and the size: large text
    is >= 24px, or >= 18.66px (14pt) at weight >= 700, and needs 3:1; other text needs 4.5:1.
Its limits, on purpose: the background is the DOM ancestors', not whatever is painted under an
absolutely positioned element or under SVG text (the chart's labels are judged against the card
the chart sits in, not against a bar they might overlap); hover colours are not looked at.
Each page is checked in the normal mode and in the large-text mode (switched with the page's own
button), at 1280 px and 360 px. Then links are reached with Tab, and each one focused must show a
:focus-visible outline (not none, >= 2px) at >= 3:1 against what it is drawn on (WCAG 1.4.11), as
found under the ring with elementsFromPoint.
The checker itself is checked first, on a page made for it: black on white is 21:1, #777 on white
4.48:1 and fails as body text, semi-transparent colours are composited, a missing focus ring fails.

Print. An item page under print media hides the site around the item (header with its menu and
large-text button, print button, footer links, the way back to the list) and keeps the item: title,
body, units and reply. Chromium prints it to PDF; pdftotext (poppler-utils) must find the title and
the reply, and neither the menu nor an address. Page 1 is rendered with pdftoppm to
<screenshot_dir>/public_item_print.png for a person to look at, beside the screen screenshots
public_a11y_<page>_<normal|large>_<desktop|phone>.png."""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from collections import defaultdict

from playwright.sync_api import Page, expect

from tests.web.browser.helpers import screenshot, screenshot_dir, visit
from tests.web.browser.test_public_walk import _open, _publish


ELDERLY = "关于增设社区养老服务站的提案"
BUSINESS = "关于扶持小微企业发展的提案"
RIVER = "关于整治城东河道黑臭水体的提案"  # last year's session, which is closed: it has a figures page
REPLY_START = "王委员：您提出的建议收悉"  # tests/builders.reply_fields' body

CONTRAST_JS = r"""
(() => {
  const WHITE = {r: 255, g: 255, b: 255, a: 1};

  // Computed colours come back as rgb(r, g, b) or rgba(r, g, b, a); null for anything else
  // (an SVG paint server url(#…), a colour function this checker does not read).
  function parse(s) {
    s = (s || '').trim();
    if (s === 'transparent') return {r: 0, g: 0, b: 0, a: 0};
    const m = /^rgba?\(([^)]*)\)$/.exec(s);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean);
    const num = (x, alpha) => x.endsWith('%') ? parseFloat(x) / (alpha ? 100 : 100 / 255) : parseFloat(x);
    return {r: num(p[0]), g: num(p[1]), b: num(p[2]), a: p.length > 3 ? num(p[3], true) : 1};
  }
  // `top` painted over `bottom` (source-over).
  function over(top, bottom) {
    const a = top.a + bottom.a * (1 - top.a);
    if (a === 0) return {r: 0, g: 0, b: 0, a: 0};
    const mix = k => (top[k] * top.a + bottom[k] * bottom.a * (1 - top.a)) / a;
    return {r: mix('r'), g: mix('g'), b: mix('b'), a};
  }
  // WCAG 2.1 relative luminance and contrast ratio (its definition, with the 0.03928 threshold).
  function channel(v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
  function luminance(c) { return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b); }
  function ratio(a, b) {
    const x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  function hex(c) {
    const h = v => Math.round(v).toString(16).padStart(2, '0');
    return '#' + h(c.r) + h(c.g) + h(c.b) + (c.a < 1 ? ` @${Math.round(c.a * 100) / 100}` : '');
  }
  // tag#id.class1.class2 of the element and three ancestors: enough to find it in the template.
  function path(el) {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && parts.length < 4 && e.localName !== 'body'; e = e.parentElement) {
      const cls = [...e.classList].slice(0, 2).map(c => '.' + c).join('');
      parts.unshift(e.localName + (e.id ? '#' + e.id : '') + cls + (e.hasAttribute('aria-current') ? '[aria-current]' : ''));
    }
    return parts.join(' > ');
  }
  // The colour the element's text is painted on: its own and its ancestors' background colours,
  // up to the first opaque one, composited on the white canvas.
  function background(el) {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.backgroundImage && cs.backgroundImage !== 'none') return {unknown: `background-image on ${path(e)}`};
      const c = parse(cs.backgroundColor);
      if (!c) return {unknown: `background-color ${cs.backgroundColor} on ${path(e)}`};
      if (c.a > 0) layers.push(c);
      if (c.a >= 1) break;
    }
    let bg = WHITE;
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return {color: bg};
  }
  function opacity(el) {
    let o = 1;
    for (let e = el; e; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity);
    return o;
  }
  const NO_TEXT = new Set(['script', 'style', 'template', 'noscript', 'option', 'optgroup', 'title']);
  const NO_VALUE = new Set(['hidden', 'checkbox', 'radio', 'range', 'color', 'file', 'image']);
  // [text, CSS colour string] the element paints itself, or null.
  function ownText(el, cs) {
    const tag = el.localName;
    if (NO_TEXT.has(tag)) return null;
    let text = '', colour = cs.color;
    if (tag === 'select') {
      text = el.selectedOptions.length ? el.selectedOptions[0].textContent : '';
    } else if (tag === 'input' || tag === 'textarea') {
      if (NO_VALUE.has(el.type)) return null;
      text = el.value;
      if (!text.trim() && el.placeholder) {
        text = el.placeholder;
        colour = getComputedStyle(el, '::placeholder').color;
      }
    } else {
      for (const n of el.childNodes) if (n.nodeType === 3) text += n.textContent;
      if (el instanceof SVGElement) colour = cs.fill;  // SVG text is painted with fill
    }
    text = text.replace(/\s+/g, ' ').trim();
    return text ? [text, colour] : null;
  }
  function visible(el) {
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) return false;  // the "for screen readers only" pattern (.sr)
    if (r.right + scrollX <= 0 || r.bottom + scrollY <= 0) return false;  // parked off the page (.skip until focused)
    return true;
  }

  function audit() {
    const checked = [], unknown = [];
    for (const el of document.body.querySelectorAll('*')) {
      const cs = getComputedStyle(el);
      const own = ownText(el, cs);
      if (!own || !visible(el)) continue;
      const [text, colour] = own;
      const where = {path: path(el), text: text.slice(0, 24)};
      const fg = parse(colour);
      if (!fg) { unknown.push({...where, why: `text colour ${colour}`}); continue; }
      const back = background(el);
      if (back.unknown) { unknown.push({...where, why: back.unknown}); continue; }
      fg.a *= opacity(el) * (el instanceof SVGElement ? parseFloat(cs.fillOpacity) : 1);
      const bg = back.color, painted = over(fg, bg);
      const r = ratio(painted, bg);
      const size = parseFloat(cs.fontSize), weight = parseInt(cs.fontWeight, 10);
      const large = size >= 24 || (size >= 18.66 && weight >= 700);
      const need = large ? 3 : 4.5;
      checked.push({...where, tag: el.localName, fg: hex(fg), bg: hex(bg), ratio: Math.round(r * 100) / 100, exact: r,
                    size, weight, large, need, ok: r >= need});
    }
    return {checked, unknown};
  }

  // The focused element's outline, and its contrast with what it is drawn on: the element under
  // the middle of the ring's left side (its right side when the left one is off the screen).
  function focused() {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const cs = getComputedStyle(el), r = el.getBoundingClientRect();
    const width = parseFloat(cs.outlineWidth) || 0, offset = parseFloat(cs.outlineOffset) || 0;
    let x = r.left - offset - width / 2;
    if (x < 0) x = r.right + offset + width / 2;
    x = Math.min(Math.max(x, 0), innerWidth - 1);
    const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
    const under = document.elementsFromPoint(x, y).find(e => e !== el && !el.contains(e));
    const back = under ? background(under) : {color: WHITE};
    const ring = parse(cs.outlineColor);
    const out = {path: path(el), tag: el.localName, text: (el.textContent || '').trim().slice(0, 24),
                 inMain: !!el.closest('main'), focusVisible: el.matches(':focus-visible'),
                 style: cs.outlineStyle, width, colour: ring ? hex(ring) : cs.outlineColor,
                 against: back.unknown || hex(back.color), ratio: null};
    if (ring && !back.unknown) out.ratio = Math.floor(ratio(over(ring, back.color), back.color) * 100) / 100;
    return out;
  }

  window.bnContrast = {parse, over, luminance, ratio, background, audit, focused};
})()
"""


# -- a reference for the checker's unit test: the WCAG 2.1 formula written again, in Python --------

def _luminance(rgb) -> float:
    def channel(v):
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _ratio(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _install(page: Page) -> None:
    page.evaluate(CONTRAST_JS)


def _describe(row: dict) -> str:
    kind = "large" if row["large"] else "normal"
    # The ratio cut, not rounded, to 3 decimals: 4.4996 must not read as a pass.
    return (f"{row['path']} {row['text']!r}: {row['fg']} on {row['bg']} = {int(row['exact'] * 1000) / 1000}:1, needs {row['need']}:1 "
            f"({kind} text, {row['size']}px/{row['weight']})")


CHECKER_PAGE = """<!doctype html><html><body style="margin:0;background:#fff;font:16px/1.5 sans-serif">
<p id="black" style="color:#000">黑字白底</p>
<p id="grey" style="color:#777">灰字白底</p>
<p id="grey-large" style="color:#777;font-size:24px">灰色大字</p>
<p id="grey-bold" style="color:#777;font-size:19px;font-weight:700">灰色粗体</p>
<p id="grey-bold-small" style="color:#777;font-size:18px;font-weight:700">不够大的粗体</p>
<div style="background:rgba(0,0,0,.5)"><p id="on-half-black" style="color:#000">半透明黑底上的黑字</p></div>
<p id="half-black-text" style="color:rgba(0,0,0,.5)">半透明黑字</p>
<div style="background:#1f4e8c"><div style="background:rgba(255,255,255,.16)"><a id="on-tint" href="#" style="color:#fff">蓝底上的白色浅层</a></div></div>
<p><mark id="mark" style="background:#ffff00;color:#767676">标记</mark></p>
<div style="background:url(data:image/gif;base64,R0lGODlhAQABAAAAACw=)"><p id="on-image" style="color:#000">图片背景</p></div>
<p id="hidden" style="display:none;color:#eee">看不见</p>
<span id="sr" style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);color:#eee">读屏专用</span>
<a id="ring" href="#" style="outline:none">没有焦点框的链接</a>
<a id="ring-ok" href="#">有焦点框的链接</a>
<style>#ring-ok:focus-visible { outline: 3px solid #c77700; outline-offset: 2px; }</style>
</body></html>"""


def test_the_contrast_checker_measures_as_wcag_says(browser):
    """The checker can fail: known pairs give their known ratios, #777 fails as body text and passes
    as large text, semi-transparent colours are composited, a background image is not guessed at."""
    page = browser.new_page()
    try:
        page.set_content(CHECKER_PAGE)
        _install(page)
        ratio = page.evaluate("([a, b]) => bnContrast.ratio(bnContrast.parse(a), bnContrast.parse(b))",
                              ["rgb(0, 0, 0)", "rgb(255, 255, 255)"])
        assert round(ratio, 2) == 21.0
        ratio = page.evaluate("([a, b]) => bnContrast.ratio(bnContrast.parse(a), bnContrast.parse(b))",
                              ["rgb(119, 119, 119)", "rgba(255, 255, 255, 1)"])
        assert round(ratio, 2) == 4.48 and abs(ratio - _ratio((119,) * 3, (255,) * 3)) < 1e-9
        assert page.evaluate("bnContrast.parse('rgba(255, 255, 255, 0.16)')") == {"r": 255, "g": 255, "b": 255, "a": 0.16}

        got = page.evaluate("bnContrast.audit()")
        rows = {r["path"].split(" > ")[-1].split("#")[1].split(".")[0]: r
                for r in got["checked"] if "#" in r["path"].split(" > ")[-1]}
        assert rows["black"]["ratio"] == 21.0 and rows["black"]["ok"]
        assert rows["grey"]["ratio"] == 4.48 and not rows["grey"]["ok"] and rows["grey"]["need"] == 4.5
        assert rows["grey-large"]["large"] and rows["grey-large"]["ok"]
        assert rows["grey-bold"]["large"] and rows["grey-bold"]["ok"]
        assert not rows["grey-bold-small"]["large"] and not rows["grey-bold-small"]["ok"]
        # rgba(0,0,0,.5) over white is #808080 (127.5 rounds up): black on it.
        assert rows["on-half-black"]["bg"] == "#808080"
        assert abs(rows["on-half-black"]["ratio"] - _ratio((0, 0, 0), (127.5,) * 3)) < 0.01
        # Half-transparent black text on white is painted mid-grey: about 3.95:1, not 21:1.
        assert rows["half-black-text"]["fg"] == "#000000 @0.5"
        assert abs(rows["half-black-text"]["ratio"] - _ratio((127.5,) * 3, (255,) * 3)) < 0.01
        assert not rows["half-black-text"]["ok"]
        # A white 16% veil on the site's blue, as the menu's current link has it.
        tint = tuple(255 * 0.16 + c * 0.84 for c in (0x1F, 0x4E, 0x8C))
        assert abs(rows["on-tint"]["ratio"] - _ratio((255,) * 3, tint)) < 0.01
        assert rows["mark"]["bg"] == "#ffff00" and abs(rows["mark"]["ratio"] - _ratio((0x76,) * 3, (255, 255, 0))) < 0.01
        assert "on-image" not in rows and [u["text"] for u in got["unknown"]] == ["图片背景"]
        assert "background-image" in got["unknown"][0]["why"]
        assert "hidden" not in rows and "sr" not in rows

        page.focus("#ring")
        page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
        ok = page.evaluate("bnContrast.focused()")
        page.keyboard.press("Shift+Tab")
        bare = page.evaluate("bnContrast.focused()")
        assert ok["path"].endswith("a#ring-ok") and ok["focusVisible"] and ok["style"] == "solid" and ok["width"] == 3
        assert ok["against"] == "#ffffff" and abs(ok["ratio"] - _ratio((0xC7, 0x77, 0), (255,) * 3)) < 0.01
        assert bare["path"].endswith("a#ring") and bare["style"] == "none"
        assert _focus_problem(bare) is not None and _focus_problem(ok) is None
    finally:
        page.close()


def _focus_problem(f: dict) -> str | None:
    """Why the focused element's ring does not show, or None."""
    if not f["focusVisible"]:
        return "does not match :focus-visible"
    if f["style"] in ("none", "hidden") or f["width"] < 2:
        return f"no outline ({f['style']} {f['width']}px)"
    if f["ratio"] is None or f["ratio"] < 3:
        return f"outline {f['colour']} on {f['against']} = {f['ratio']}:1, needs 3:1"
    return None


# -- the public site ---------------------------------------------------------------------------

def _check_focus_rings(page: Page) -> list[str]:
    """Tab from the top of the page to the first link in <main>; everything focused on the way (the
    skip link, the site's name, the menu, the large-text button, on the list the search box) and
    that link must show a focus ring. Returns the problems, one line each."""
    problems, reached = [], 0
    for _ in range(30):
        page.keyboard.press("Tab")
        f = page.evaluate("bnContrast.focused()")
        if f is None:
            continue
        reached += 1
        why = _focus_problem(f)
        if why:
            problems.append(f"focused {f['path']} {f['text']!r}: {why}")
        if f["tag"] == "a" and f["inMain"]:
            break
    else:
        problems.append(f"30 presses of Tab did not reach a link in <main> ({reached} elements focused on the way)")
    return problems


def _note(found: dict[str, list[str]], problem: str, where: str) -> None:
    if where not in found[problem]:
        found[problem].append(where)


def _grouped(found: dict[str, list[str]]) -> str:
    """One line per problem, with the pages it was found on (the header's are on every page)."""
    return "\n".join(f"{problem}\n    on {len(where)} page(s): {'; '.join(where[:3])}{' …' if len(where) > 3 else ''}"
                     for problem, where in found.items())


def test_public_pages_meet_wcag_aa_contrast_in_both_text_sizes(page_for, world, request_log):
    elderly = _publish(world, ELDERLY, reason="本区老龄化程度高，社区养老服务设施不足，老人就近养老难。",
                       suggestions="一是在每个街道增设社区养老服务站；二是引入专业机构运营；三是给予运营补贴。")
    _publish(world, BUSINESS, category=world.category("cppcc", 0))
    _publish(world, RIVER, session=world.earlier_cppcc_session)
    pages = [
        ("list", "/public/", 200),
        ("search", "/public/?q=养老", 200),
        ("item", f"/public/items/{elderly.pk}/", 200),
        ("unit", f"/public/units/{world.lead_unit.pk}/", 200),
        ("figures", f"/public/figures/{world.earlier_cppcc_session.pk}/", 200),
        ("data", "/public/data/", 200),
        ("404", f"/public/items/{elderly.pk + 1000}/", 404),
    ]
    failures, unknown, focus = defaultdict(list), defaultdict(list), defaultdict(list)  # problem -> pages
    checked = 0
    for size in ("desktop", "phone"):
        page = _open(page_for, size)
        for mode in ("normal", "large"):
            for n, (name, path, status) in enumerate(pages):
                visit(page, path, status=status)  # also: nothing scrolls sideways
                if mode == "large" and n == 0:
                    # The page's own button; the mode is remembered for the pages after it.
                    page.locator("button[data-large-text]").click()
                html = page.locator("html")
                if mode == "large":
                    expect(html).to_have_class(re.compile(r"\blarge-text\b"))
                else:
                    expect(html).not_to_have_class(re.compile(r"\blarge-text\b"))
                _install(page)
                got = page.evaluate("bnContrast.audit()")
                where = f"{name} ({mode}, {size})"
                # The checker saw the page: its heading, and on the search page the highlights.
                assert any(r["tag"] == "h1" for r in got["checked"]), f"{where}: no h1 checked: {got['checked'][:5]}"
                if name == "search":
                    assert any(r["tag"] == "mark" for r in got["checked"]), f"{where}: no <mark> checked"
                checked += len(got["checked"])
                for r in got["checked"]:
                    if not r["ok"]:
                        _note(failures, _describe(r), where)
                for u in got["unknown"]:
                    _note(unknown, f"{u['path']} {u['text']!r} ({u['why']})", where)
                screenshot(page, f"public_a11y_{name}_{mode}_{size}")
                for problem in _check_focus_rings(page):
                    _note(focus, problem, where)
    assert checked > 28 * 20, f"only {checked} texts checked on 28 pages"
    if unknown:
        warnings.warn("contrast not judged (background unknown):\n" + _grouped(unknown), stacklevel=1)
    assert not failures, f"{len(failures)} texts below WCAG 2.1 AA contrast:\n" + _grouped(failures)
    assert not focus, "focused elements without a visible focus ring:\n" + _grouped(focus)


# -- print ----------------------------------------------------------------------------------------

REASON = ("本区60周岁以上户籍老人已占户籍人口的三成以上，且高龄、独居老人逐年增多。现有养老服务设施多集中在街道中心，"
          "老人就近获得助餐、助浴、日间照料等服务仍有困难。\n"
          "走访中，多数老人希望在步行十五分钟范围内就能得到服务，子女也希望有可信赖的专业机构上门。")
SUGGESTIONS = "一是在每个街道增设社区养老服务站；\n二是引入专业机构运营，统一服务标准；\n三是给予运营补贴，并建立考核机制。"
# What the site shows around the item, never on paper.
NOT_ON_PAPER = ["建议提案办理结果公开", "办理情况统计", "开放数据", "大字版", "打印", "订阅（Atom）", "网站地图", "跳到正文", "返回公开件列表"]


def _hidden(page: Page, selector: str) -> list[str]:
    """The elements matching `selector` that are not under display:none (their own or an ancestor's)."""
    return page.locator(selector).evaluate_all("""els => els.filter(el => {
        for (let e = el; e; e = e.parentElement) if (getComputedStyle(e).display === 'none') return false;
        return true;
    }).map(el => el.outerHTML.slice(0, 80))""")


def test_an_item_page_prints_the_item_without_the_site_around_it(page_for, world, request_log):
    for tool in ("pdftotext", "pdftoppm"):
        assert shutil.which(tool), f"{tool} missing: bin/system-deps test installs poppler-utils"
    item = _publish(world, ELDERLY, reason=REASON, suggestions=SUGGESTIONS, reply_type="B")
    lead, co = world.lead_unit, world.co_unit
    page = _open(page_for, "desktop")

    # The list's search and filters are not printed either.
    visit(page, "/public/")
    page.emulate_media(media="print")
    for selector in ("form.pt-search", "form.pt-filters", "nav.pt-nav", "footer.pt-foot a"):
        assert page.locator(selector).count() > 0, selector
        assert not _hidden(page, selector), f"printed on the list: {selector}: {_hidden(page, selector)}"

    visit(page, f"/public/items/{item.pk}/")
    for selector in ("header.pt-top", "nav.pt-nav a", "button[data-large-text]", "button[data-print]", "footer.pt-foot a",
                     "a.skip", "main a[href='/public/']"):
        assert page.locator(selector).count() > 0, f"{selector} is not on the page: the check would prove nothing"
        assert not _hidden(page, selector), f"printed: {selector}: {_hidden(page, selector)}"
    article = page.locator("article.pt-item")
    expect(article.locator("h1")).to_have_text(ELDERLY)
    expect(article.locator(".pt-text").nth(0)).to_be_visible()
    expect(article.locator(".pt-text").nth(1)).to_be_visible()
    expect(article.locator("dd").filter(has_text=lead.name)).to_have_text(f"{lead.name}（主办）、{co.name}（会办）")
    expect(article.locator("dd").filter(has_text=lead.name)).to_be_visible()
    expect(page.locator("section.pt-reply .pt-text").first).to_have_text(re.compile("^" + REPLY_START))
    expect(page.locator("section.pt-reply .pt-text").first).to_be_visible()

    pdf = screenshot_dir() / "public_item_print.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)  # portal.css's @page: A4 and its margins
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)  # pdftotext breaks lines where the page did
    for wanted in (ELDERLY, REPLY_START, lead.name, co.name, "案由", "建议", re.sub(r"\s+", "", REASON[:40])):
        assert wanted in flat, f"{wanted!r} not in the printed page:\n{text}"
    for unwanted in NOT_ON_PAPER + ["http", "/public/"]:
        assert unwanted not in flat, f"{unwanted!r} printed:\n{text}"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size and (round(float(size[1])), round(float(size[2]))) == (595, 842), f"not A4: {info}"
    png = screenshot_dir() / "public_item_print"
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(png)], check=True)
    assert png.with_suffix(".png").stat().st_size > 0
