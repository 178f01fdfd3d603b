"""Charts of the report: one drawing, two outputs. The page gets SVG whose labels stay text, so
the reader's browser draws the Chinese with its own fonts; Word gets a PNG drawn with a CJK font
found on the server (Debian: fonts-noto-cjk). Without such a font the PNG would show boxes, so
`png` refuses and the document keeps its tables only (see `cjk_font`)."""

import glob
import io
import logging
import os
import re
import subprocess
from functools import lru_cache
from html import escape, unescape

import matplotlib

matplotlib.use("Agg")  # no display on a server

from django.utils import translation  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

# Families that draw simplified Chinese, in order of preference.
CJK_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC"]
WEB_FONTS = "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC',sans-serif"
BLUE, GREY = "#1f4e8c", "#9aa5b1"

# Where the families above live when fontconfig cannot be asked (Debian/Ubuntu packages first).
FC_LIST = "fc-list"
KNOWN_FONT_FILES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # fonts-noto-cjk
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora, Arch
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/source-han-sans/SourceHanSans-Regular.ttc",
    "/usr/share/fonts/adobe-source-han-sans/SourceHanSans-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
]
KNOWN_FONT_GLOBS = ["/usr/share/fonts/**/NotoSansCJK*.tt[cf]", "/usr/share/fonts/**/NotoSansCJKsc*.otf",
                    "/usr/local/share/fonts/**/NotoSansCJK*.tt[cf]", os.path.expanduser("~/.local/share/fonts/**/NotoSansCJK*.tt[cf]")]

log = logging.getLogger(__name__)


def _listed_family() -> str | None:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FAMILIES if f in installed), None)


def _font_files_on_disk() -> list[str]:
    """Files holding one of CJK_FAMILIES: as fontconfig lists them, else at their known paths."""
    wanted = set(CJK_FAMILIES)
    files = []
    try:
        out = subprocess.run([FC_LIST, "--format", "%{family}\t%{file}\n", ":lang=zh"], capture_output=True, text=True,
                             timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    for line in out.splitlines():
        families, _tab, path = line.partition("\t")
        if path and wanted & {f.strip() for f in families.split(",")}:
            files.append(path)
    for pattern in KNOWN_FONT_GLOBS:
        files += glob.glob(pattern, recursive=True)
    files += KNOWN_FONT_FILES
    return [f for f in dict.fromkeys(files) if os.path.isfile(f)]


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed family that draws Chinese, or None.

    matplotlib knows the fonts its cache (fontlist-*.json) listed when it was first written, and
    never looks again: a font installed after that is unknown to it. So when the cache lists no
    Chinese family, the font files are looked for on disk and registered for this process."""
    family = _listed_family()
    if family is not None:
        return family
    known = {f.fname for f in font_manager.fontManager.ttflist}
    added = []
    for path in _font_files_on_disk():
        if path in known:
            continue
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError) as exc:  # unreadable or not a font: try the next one
            log.warning("cannot read font %s: %s", path, exc)
            continue
        added.append(path)
    family = _listed_family()
    if added:
        log.info("matplotlib's font cache did not list a Chinese font; registered %s, found %s", ", ".join(added), family)
    return family


def bars(title: str, labels: list[str], values: list[int], notes: list[str] | None = None, *, family: str | None = None) -> Figure:
    """Horizontal bars, largest on top, each with its figure at the end ("12 件 · 40%")."""
    height = 0.9 + 0.42 * max(len(labels), 1)
    fig = Figure(figsize=(6.4, height), dpi=150)
    ax = fig.add_subplot()
    ys = list(range(len(labels)))[::-1]
    ax.barh(ys, values, color=BLUE, height=0.6)
    ax.set_yticks(ys, labels=labels, fontfamily=family, fontsize=10)
    top = max(values or [0]) or 1
    for y, v, note in zip(ys, values, notes or [str(v) for v in values]):
        ax.text(v + top * 0.01, y, note, va="center", fontsize=9, color="#333333", fontfamily=family)
    ax.set_xlim(0, top * 1.25)
    ax.set_title(title, fontsize=12, loc="left", fontfamily=family, color="#1d2430")
    ax.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color(GREY)
    fig.tight_layout()
    return fig


# The page's charts are drawn narrower than the Word report's: the browser scales an SVG to its
# box, and the labels scale with it. Drawn 4.4 in (317 units) wide, the SVG is about 318 px on a
# 360-px phone, so a label of WEB_LABEL_PT units shows at about that many pixels: 12.5 keeps every
# label at 12 px or more there (banli.css caps the chart at 420 px on a desktop: about 16 px).
WEB_WIDTH_INCHES = 4.4
WEB_LABEL_PT = 12.5
WEB_TITLE_PT = 14


def svg(fig: Figure) -> str:
    """SVG for the page: text stays text (the browser picks a Chinese font)."""
    width, height = fig.get_size_inches()
    for text in fig.findobj(Text):
        if text.get_text():
            text.set_fontsize(max(text.get_fontsize(), WEB_TITLE_PT if text.get_fontsize() >= 12 else WEB_LABEL_PT))
    # Bigger labels need more height: a row of bars per label, as bars() measures it at 10 pt.
    height *= WEB_LABEL_PT / 10
    fig.set_size_inches(min(width, WEB_WIDTH_INCHES), height)
    fig.tight_layout()
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg")
    text = buf.getvalue()
    start = text.index("<svg")
    # Labels carry matplotlib's font name; give the browser a list it can match on any system.
    return without_inline_style(text[start:].replace("font-family:", f"font-family:{WEB_FONTS},", -1))


_STYLE_ATTR = re.compile(r' style="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>\*\{([^}]*)\}</style>")


def _attributes(css: str) -> str:
    pairs = (decl.split(":", 1) for decl in css.split(";") if ":" in decl)
    return "".join(f' {name.strip()}="{escape(value.strip(), quote=False).replace(chr(34), "&quot;")}"' for name, value in pairs)


def without_inline_style(svg_text: str) -> str:
    """The page's Content-Security-Policy applies no inline style (style-src 'self'), so
    matplotlib's style="fill: …; stroke: …" become the SVG presentation attributes of the same
    names (fill="…" stroke="…"), which a CSP does not govern, and its one <style> rule for every
    element (*{stroke-linejoin: round; stroke-linecap: butt}) becomes attributes of the root,
    inherited by every element that does not set its own, as the rule's specificity had it."""
    root = _STYLE_ELEMENT.search(svg_text)
    if root:
        svg_text = svg_text[: root.start()] + svg_text[root.end():]
        svg_text = svg_text.replace("<svg ", "<svg" + _attributes(root.group(1)) + " ", 1)
    return _STYLE_ATTR.sub(lambda m: _attributes(unescape(m.group(1))), svg_text)


class NoChineseFont(Exception):
    pass


def png(fig: Figure) -> bytes:
    if cjk_font() is None:
        raise NoChineseFont("no CJK font installed: install fonts-noto-cjk")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def report_charts(figures: dict, *, family: str | None = None) -> dict[str, Figure]:
    """The four charts of the yearly report, from its figures, titled in the active language
    (the Word report asks in Chinese; unit and category names are data and stay as they are)."""
    cur = figures["current"]
    family = family or cjk_font()
    en = (translation.get_language() or "").startswith("en")

    def note(n, share):
        return f"{n} · {share}%" if en else f"{n}件 · {share}%"

    def of(rows, label):
        return bars(label, [r["name"] for r in rows], [r["count"] for r in rows], [note(r["count"], r["share"]) for r in rows], family=family)

    def type_name(r):
        return f"{r['code']} {r['name_en'] or r['name']}" if en else f"{r['code']}类 {r['name']}"

    return {
        "category": of(cur["by_category"], _("按类别")),
        "reply_type": of([{**r, "name": type_name(r)} for r in cur["by_reply_type"]], _("按答复类型")),
        "grade": of([{**r, "name": (r["name_en"] or r["name"]) if en else r["name"]} for r in cur["by_grade"]], _("按满意度")),
        "units": bars(_("承办件数最多的单位"), [u["name"] for u in cur["top_units"]], [u["items"] for u in cur["top_units"]],
                      [note(u["items"], u["share"]) for u in cur["top_units"]], family=family),
    }
