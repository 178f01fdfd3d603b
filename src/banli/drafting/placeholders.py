"""A reply template's placeholders: which there are, the check run when the office saves a
template, and the rendering run when a liaison picks one. Pure functions over text and a dict of
values, so the page, the API and the tests all fill a template the same way.

Only bare names in braces are placeholders ({title}, or its Chinese name {标题}); "{{" and "}}"
stand for a literal brace. Python's str.format is not used: it reads attributes and indexes
("{title.__class__}"), which a template typed by a user must never reach."""

import datetime
import re

from banli.errors import invalid

# name -> (Chinese name, what it stands for, zh / en). The Chinese name works the same in a template.
PLACEHOLDERS = {
    "number": ("编号", "会次编号（如 0012，写作“第{number}号”）", "the session number, e.g. 0012 (write 第{number}号)"),
    "title": ("标题", "提案/建议标题", "the item's title"),
    "proposer": ("提出人", "领衔委员/代表姓名（集体提出的为名称）", "the lead proposer's name"),
    "person": ("称谓", "“委员”或“代表”", "委员 or 代表, by the item's assembly"),
    "item": ("件别", "“提案”或“建议”", "提案 or 建议, by the item's assembly"),
    "unit": ("承办单位", "答复单位名称", "the replying unit's name"),
    "date": ("日期", "今天的日期（如 2026年3月5日）", "today's date, e.g. 2026年3月5日"),
}
ALIASES = {zh: name for name, (zh, _zh_help, _en_help) in PLACEHOLDERS.items()}

# A brace pair with anything but braces inside; doubled braces are escapes, matched first.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def _canonical(name: str) -> str | None:
    name = name.strip()
    if name in PLACEHOLDERS:
        return name
    return ALIASES.get(name)


def problems(text: str) -> tuple[list[str], bool]:
    """The unknown placeholders in a template, in order of first use, and whether a brace stands
    alone (neither a placeholder nor doubled)."""
    unknown, stray = [], False
    for m in _TOKEN.finditer(text or ""):
        token = m.group(0)
        if token in ("{{", "}}"):
            continue
        if m.group(1) is None:
            stray = True
        elif _canonical(m.group(1)) is None and m.group(1) not in unknown:
            unknown.append(m.group(1))
    return unknown, stray


def check(text: str) -> str:
    """The template as it may be saved, or a refusal that names what is wrong and what is allowed."""
    unknown, stray = problems(text)
    allowed_zh = "、".join(f"{{{n}}}（{zh}）" for n, (zh, _h, _e) in PLACEHOLDERS.items())
    allowed_en = ", ".join(f"{{{n}}}" for n in PLACEHOLDERS)
    if unknown:
        names = "、".join(f"{{{u}}}" for u in unknown)
        raise invalid("body", f"模板中有无法识别的占位符：{names}。可用的占位符：{allowed_zh}。",
                      f"Unknown placeholder(s): {', '.join('{' + u + '}' for u in unknown)}. Allowed: {allowed_en}.")
    if stray:
        raise invalid("body", "模板中有不成对的花括号；如需写出花括号本身，请写成“{{”或“}}”。",
                      "A brace stands alone; write {{ or }} for a literal brace.")
    return text


def render(text: str, values: dict) -> str:
    """The template with each placeholder replaced by its value, in one pass (a value that itself
    contains "{title}" stays as it is). Whatever slipped past `check` is left as typed: a template
    never fails at the moment a liaison uses it."""

    def fill(m):
        token = m.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = _canonical(m.group(1)) if m.group(1) is not None else None
        if name is None or name not in values:
            return token
        return str(values[name])

    return _TOKEN.sub(fill, text or "")


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def item_values(item, unit_name: str, wording: dict, day: datetime.date) -> dict:
    """The placeholders' values for one item and the unit replying to it."""
    return {
        "number": f"{item.number:04d}" if item.number else "",
        "title": item.title,
        "proposer": item.proposer.name if item.proposer_id else "",
        "person": wording["person"],
        "item": wording["item"],
        "unit": unit_name,
        "date": chinese_date(day),
    }
