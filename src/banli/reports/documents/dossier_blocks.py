"""What a dossier (一案一册) is made of, as plain data the renderers lay out (dossier_pdf.py,
dossier_docx.py), and how its dates, people and texts are written. dossier.py fills it in."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone

# ---- what a dossier is made of ------------------------------------------------------------------

@dataclass(frozen=True)
class Fields:
    """Label/value rows, laid out as a two-column table."""
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Text:
    """Running text (案由, 答复正文 …): one string per paragraph, under an optional label."""
    paragraphs: tuple[str, ...]
    label: str = ""


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # column widths in mm on A4 (170 in all); the renderers scale them to the page


@dataclass(frozen=True)
class Subheading:
    text: str


@dataclass(frozen=True)
class Note:
    """A short remark, typically "none recorded" for an empty step."""
    text: str


@dataclass
class Section:
    key: str
    title: str
    blocks: list = field(default_factory=list)


@dataclass
class Dossier:
    heading: str  # 区政协提案办理档案
    number: str  # 第0012号, or （未编号）
    title: str
    cover: tuple[tuple[str, str], ...]
    sections: list[Section]
    generated_at: datetime.datetime
    contacts: bool

    @property
    def running_head(self) -> str:
        title = self.title if len(self.title) <= 30 else self.title[:29] + "…"
        return f"{self.number} {title}"


NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    return ("十" if n < 20 else NUMERALS[n // 10 - 1] + "十") + (NUMERALS[n % 10 - 1] if n % 10 else "")


# ---- formatting -------------------------------------------------------------------------------

def fmt_date(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def fmt_time(value) -> str:
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{fmt_date(local)} {local:%H:%M}"


def person_name(user) -> str:
    if user is None:
        return "系统"
    return user.get_full_name() or user.username


def file_stem(item) -> str:
    """第0012号_关于…的建议 (an unnumbered item: 未编号-<id>_…), safe as a file name everywhere."""
    number = f"第{item.number:04d}号" if item.number else f"未编号-{item.pk}"
    title = re.sub(r'[\\/:*?"<>|\s]+', " ", item.title).strip()[:40]
    return f"{number}_{title}"


def paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").splitlines() if p.strip())


def yes_no(value, yes="是", no="否", unknown="未表态") -> str:
    return unknown if value is None else (yes if value else no)
