"""The one Chinese font of Banli's PDFs, embedded as a subset so that a document prints the same
on every machine and reader (a PDF that only names a font, as the built-in CID font STSong-Light
does, is drawn with whatever font the reader substitutes, or not at all).

reportlab embeds TrueType (glyf) outlines only; the CJK fonts most machines have (Noto CJK) are
CFF inside OpenType and cannot be embedded by it. AR PL UMing (Debian: fonts-arphic-uming, Arphic
Public License, which allows embedding) is a TrueType Song (宋体/明体) face with the whole GB 2312
and GBK repertoire; its collection holds the CN variant at index 0, the simplified glyph forms.

GB/T 9704 sets the body in 仿宋 and the title in 小标宋; no free TrueType 仿宋 for simplified
Chinese exists in Debian, so both are this Song face, the title made bold by stroking its outlines
(see pdf.BoldParagraph). Word files name the proper fonts instead (docx.py): Word and WPS have them."""

import os
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import paragraph as rl_paragraph

from banli.errors import BanliError

FONT = "BanliSong"
# Where Debian and its derivatives put the package's file; BANLI_PDF_FONT names another TrueType
# file or collection (index 0 is used) on a machine that keeps fonts elsewhere.
FONT_FILES = (
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic-uming/uming.ttc",
    "/usr/share/fonts/arphic-uming/uming.ttc",
)
PACKAGE = "fonts-arphic-uming"

# Chinese punctuation that may not begin a line. reportlab's list (lib.textsplit) is Japanese and
# lacks the full-width comma, colon, semicolon and the like; such a mark then hangs at the line's end.
CANNOT_START = "，：；！？》〉”’…）〕、。"


def font_file() -> str | None:
    named = os.environ.get("BANLI_PDF_FONT")
    candidates = (named,) if named else FONT_FILES
    return next((p for p in candidates if p and os.path.isfile(p)), None)


def missing_font() -> BanliError:
    return BanliError(
        "font_missing",
        f"服务器未安装公文字体（Debian 软件包 {PACKAGE}），无法生成 PDF。请管理员运行 bin/system-deps run 安装后重试；Word 文件不受影响。",
        f"The server lacks the font for official documents (Debian package {PACKAGE}); PDFs cannot be made. "
        "Ask the administrator to run bin/system-deps run; Word files are not affected.",
        status=503,
    )


@lru_cache(maxsize=1)
def register() -> str:
    """Register the font once per process and return its name; a clear refusal when it is missing."""
    path = font_file()
    if path is None:
        raise missing_font()
    pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
    # reportlab looks up <b>/<i> variants of a family; all four are the one face.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
    missing = "".join(c for c in CANNOT_START if c not in rl_paragraph.ALL_CANNOT_START)
    rl_paragraph.ALL_CANNOT_START += missing  # read by cjkFragSplit on every line it breaks
    return FONT
