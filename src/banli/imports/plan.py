"""The preview of an import: row by row, what it will create, what it matches, and every error in
words, computed without writing anything. The import itself (actions.py) makes the same plan
again inside its transaction and refuses if any row has an error: all or nothing.

A row with a number (编号) is an item the assembly office has registered: it arrives registered
(已立案) with that number. A row without one arrives submitted (待立案审查), to be registered (and
numbered) in Banli, one by one or in bulk. Items are matched by their number in the session, or,
without one, by title and proposer: a matched row is the same item, already imported, and is left
alone, so importing a file twice changes nothing. Names are resolved against the reference
data, loaded once (a fixed number of queries whatever the number of rows)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from banli.org.models import WORDING, Category, Person, Session, Unit
from banli.proposals.models import Item

from .columns import ITEM_COLUMNS
from .reading import open_workbook, read_sheet, split_names

CREATE, UNCHANGED, UPDATE, ERROR = "create", "unchanged", "update", "error"
OUTCOME_LABELS = {CREATE: "新建", UNCHANGED: "已存在，无变化", UPDATE: "更新", ERROR: "有错误"}
MAX_NUMBER = 999999
TITLE_MAX = Item._meta.get_field("title").max_length
TEXT_MAX = 20000  # 案由, 建议: as proposals.actions.drafting.TEXT_MAX
NAME_WITH_SECTOR = re.compile(r"^(.+?)[（(](.+?)[）)]$")


@dataclass
class RowPlan:
    row: int
    outcome: str
    label: str
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


@dataclass
class Plan:
    kind: str
    rows: list[RowPlan]
    sheets: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict:
        out = {CREATE: 0, UNCHANGED: 0, UPDATE: 0, ERROR: 0}
        for r in self.rows:
            out[r.outcome] += 1
        return out

    @property
    def error_count(self) -> int:
        return sum(len(r.errors) for r in self.rows)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not any(r.errors for r in self.rows)


def hint(name: str, known) -> str:
    """“是否为……？” with the closest known names, or nothing."""
    close = difflib.get_close_matches(name, list(known), n=2, cutoff=0.5)
    return f"是否为“{'”或“'.join(close)}”？" if close else ""


class People:
    """The people of an assembly by name, to resolve 领衔人 and 联名人 (姓名 or 姓名（界别）)."""

    def __init__(self, assembly: str, word: str):
        self.word = word
        self.by_name: dict[str, list[tuple[int, str]]] = {}
        for pk, name, sector in Person.objects.filter(assembly=assembly, active=True).values_list("pk", "name", "sector").order_by("pk"):
            self.by_name.setdefault(name, []).append((pk, sector))

    def resolve(self, text: str, errors: list[str], role: str) -> int | None:
        name, sector = text, None
        m = NAME_WITH_SECTOR.match(text)
        if m and m.group(1) in self.by_name:
            name, sector = m.group(1).strip(), m.group(2).strip()
        found = self.by_name.get(name, [])
        if sector is not None:
            found = [p for p in found if p[1] == sector]
        if len(found) == 1:
            return found[0][0]
        if not found:
            errors.append(f"{role}“{text}”不是本会别在任的{self.word}。{hint(name, self.by_name)}")
        else:
            same = "、".join(f"{name}（{s or '无界别'}）" for _, s in found)
            errors.append(f"{role}“{text}”重名（{same}），请写成 姓名（界别）。")
        return None


def _units():
    by_name = {}
    for pk, name, short in Unit.objects.filter(active=True).values_list("pk", "name", "short_name"):
        by_name[name] = pk
        if short:
            by_name.setdefault(short, pk)
    return by_name


def _categories(assembly: str):
    by_name = {}
    # Children first: a subcategory's name is what a file usually gives; a parent's name still works.
    for pk, name, parent in Category.objects.filter(assembly=assembly, active=True).values_list("pk", "name", "parent_id").order_by("-parent_id"):
        by_name.setdefault(name, pk)
    return by_name


def plan_items(data: bytes, session: Session) -> Plan:
    wb = open_workbook(data)
    ws = wb["提案建议"] if "提案建议" in wb.sheetnames else wb.worksheets[0]
    sheet = read_sheet(ws, ITEM_COLUMNS, sheet_label=ws.title)
    word = WORDING[session.assembly]
    people = People(session.assembly, word["person"])
    units, categories = _units(), _categories(session.assembly)
    existing, by_key = {}, {}
    for pk, number, title, proposer_id in Item.objects.filter(session=session).values_list("pk", "number", "title", "proposer_id"):
        if number is not None:
            existing[number] = (pk, title)
        by_key.setdefault((title.strip(), proposer_id), pk)
    seen: dict = {}
    rows = []
    for n, v in sheet.rows:
        errors, notes, values = [], [], {}
        number = _number(v.get("number", ""), errors)
        title = v.get("title", "")
        if not title:
            errors.append("缺少标题。")
        elif len(title) > TITLE_MAX:
            errors.append(f"标题过长（{len(title)} 字，最多 {TITLE_MAX} 字）。")
        for key, word in (("reason", "案由"), ("suggestions", "建议")):  # as the draft form limits them
            if len(v.get(key, "")) > TEXT_MAX:
                errors.append(f"{word}过长（{len(v[key])} 字，最多 {TEXT_MAX} 字）。")
        label = (f"第{number:04d}号 " if number else "") + (title[:40] or "（无标题）")
        if number is not None:
            if number in seen:
                errors.append(f"编号 {number} 与第 {seen[number]} 行重复。")
            seen.setdefault(number, n)
        if number is not None and number in existing:
            pk, old_title = existing[number]
            if old_title.strip() == title.strip():
                rows.append(RowPlan(n, UNCHANGED, label, [f"本会次已有第{number:04d}号，跳过"], errors, {"item_id": pk}))
                continue
            errors.append(f"本会次第{number:04d}号已是《{old_title}》，与本行标题不同：编号重复。")
        proposer = v.get("proposer", "")
        proposer_id = people.resolve(proposer, errors, "领衔人") if proposer else errors.append("缺少领衔人。")
        cosigner_ids = []
        for name in split_names(v.get("cosigners", "")):
            pk = people.resolve(name, errors, "联名人")
            if pk and pk != proposer_id and pk not in cosigner_ids:
                cosigner_ids.append(pk)
        category_id = None
        if v.get("category"):
            category_id = categories.get(v["category"])
            if category_id is None:
                errors.append(f"类别“{v['category']}”不存在。{hint(v['category'], categories)}")
        unit_ids = []
        for name in split_names(v.get("units", "")):
            if name not in units:
                errors.append(f"建议承办单位“{name}”不存在或已停用。{hint(name, units)}")
            elif units[name] not in unit_ids:
                unit_ids.append(units[name])
        if number is None and proposer_id:
            key = (title.strip(), proposer_id)
            if key in by_key:
                rows.append(RowPlan(n, UNCHANGED, label, ["本会次已有同一领衔人的同名件，跳过"], [], {"item_id": by_key[key]}))
                continue
            if key in seen:
                errors.append(f"与第 {seen[key]} 行重复（同一领衔人、同一标题）。")
            seen.setdefault(key, n)
        values = {"number": number, "title": title, "proposer_id": proposer_id, "cosigner_ids": cosigner_ids,
                  "category_id": category_id, "reason": v.get("reason", ""), "suggestions": v.get("suggestions", ""), "unit_ids": unit_ids}
        if not errors:
            notes.append(("已立案" if number else "待立案审查（在本系统中立案编号）") + f"，领衔人 {proposer}" + (f"，联名 {len(cosigner_ids)} 人" if cosigner_ids else "")
                         + (f"，建议承办单位 {len(unit_ids)} 个" if unit_ids else ""))
        rows.append(RowPlan(n, ERROR if errors else CREATE, label, notes, errors, values))
    return Plan("items", rows, [ws.title])


def _number(text: str, errors: list[str]) -> int | None:
    text = text.strip().removeprefix("第").removesuffix("号").strip()
    if not text:
        return None  # not yet registered: numbered when it is
    try:
        number = int(text)
    except ValueError:
        errors.append(f"编号“{text}”不是数字。")
        return None
    if not 1 <= number <= MAX_NUMBER:
        errors.append(f"编号 {number} 超出范围（1 至 {MAX_NUMBER}）。")
        return None
    return number
