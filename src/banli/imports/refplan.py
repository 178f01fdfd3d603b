"""The preview of a reference-data file: the sheet 单位 (units, their liaisons and leaders) and
the sheet 委员代表 (members and deputies with their sectors and parties). A unit is matched by
its name, a person by assembly and name (and sector, where two share a name), an account by its
username; a matched record whose fields differ is updated, and the preview names each change."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from banli.org.models import Assembly, Person, Unit, UnitKind, UnitLiaison

from .columns import PERSON_COLUMNS, PERSON_SHEET, UNIT_COLUMNS, UNIT_SHEET
from .plan import CREATE, ERROR, UNCHANGED, UPDATE, Plan, RowPlan
from .reading import open_workbook, read_sheet

KINDS = {label: value for value, label in UnitKind.choices} | {"委办局": UnitKind.BUREAU, "部门": UnitKind.BUREAU, "街道": UnitKind.TOWN,
                                                              "镇": UnitKind.TOWN, "乡镇": UnitKind.TOWN}
ASSEMBLIES = {"政协": Assembly.CPPCC, "人大": Assembly.NPC, "cppcc": Assembly.CPPCC, "npc": Assembly.NPC}
YES = {"是", "集体", "y", "yes", "1", "true", "√"}
UNIT_FIELDS = {"short_name": "简称", "kind": "类型", "phone": "联系电话"}
PERSON_FIELDS = {"sector": "界别/代表团", "party": "党派", "employer": "工作单位", "phone": "电话", "address": "地址", "is_collective": "集体"}
MAX = {f.name: f.max_length for f in (*Unit._meta.fields, *Person._meta.fields) if getattr(f, "max_length", None)}


def _changes(current: dict, wanted: dict, labels: dict) -> list[str]:
    return [f"{labels[k]}：{_shown(current[k])} → {_shown(v)}" for k, v in wanted.items() if current[k] != v]


def _shown(v) -> str:
    if isinstance(v, bool):
        return "是" if v else "否"
    return v or "（空）"


def _too_long(values: dict, fields: dict, errors: list[str], model_fields=MAX) -> None:
    for k, v in values.items():
        if isinstance(v, str) and k in model_fields and len(v) > model_fields[k]:
            errors.append(f"{fields.get(k, k)}过长（最多 {model_fields[k]} 字）。")


def plan_reference(data: bytes) -> Plan:
    wb = open_workbook(data)
    rows, sheets = [], []
    users = {u.username: u for u in get_user_model().objects.only("pk", "username", "first_name")}
    if UNIT_SHEET in wb.sheetnames:
        sheets.append(UNIT_SHEET)
        rows += _units(read_sheet(wb[UNIT_SHEET], UNIT_COLUMNS, sheet_label=UNIT_SHEET), users)
    if PERSON_SHEET in wb.sheetnames:
        sheets.append(PERSON_SHEET)
        rows += _people(read_sheet(wb[PERSON_SHEET], PERSON_COLUMNS, sheet_label=PERSON_SHEET))
    if not sheets:
        rows.append(RowPlan(0, ERROR, "（文件）", errors=[f"没有找到名为“{UNIT_SHEET}”或“{PERSON_SHEET}”的工作表。请使用下载的模板。"]))
    return Plan("reference", rows, sheets)


def _account(username: str, name: str, users: dict, role: str, errors: list[str], notes: list[str], planned: dict) -> str | None:
    """The account for a liaison or leader: an existing one by username, or a new one to create."""
    if not username:
        if name:
            errors.append(f"{role}“{name}”缺少账号。")
        return None
    if len(username) > 150 or not all(ch.isalnum() or ch in "@.+-_" for ch in username):
        errors.append(f"{role}账号“{username}”只能包含字母、数字和 @.+-_。")
        return None
    if username not in users and username not in planned:
        if not name:
            errors.append(f"{role}账号“{username}”是新账号，请填写姓名。")
            return None
        planned[username] = name
        notes.append(f"新建账号 {username}（{name}），初始密码由办公室设置")
    return username


def _units(sheet, users) -> list[RowPlan]:
    existing = {u.name: u for u in Unit.objects.all()}
    liaisons = set(UnitLiaison.objects.filter(ended_on__isnull=True).values_list("unit__name", "user__username"))
    planned_users: dict[str, str] = {}
    seen, out = {}, []
    for n, v in sheet.rows:
        errors, notes = [], []
        name = v.get("name", "")
        label = f"{UNIT_SHEET} · {name or '（无名称）'}"
        if not name:
            errors.append("缺少单位名称。")
        elif name in seen:
            errors.append(f"单位“{name}”与第 {seen[name]} 行重复。")
        seen.setdefault(name, n)
        kind = KINDS.get(v.get("kind", ""), None) if v.get("kind") else UnitKind.BUREAU
        if kind is None:
            errors.append(f"类型“{v['kind']}”不对，应为委办局、街镇或其他。")
        wanted = {"short_name": v.get("short_name", ""), "kind": kind or UnitKind.BUREAU, "phone": v.get("phone", "")}
        _too_long({"name": name, **wanted}, {"name": "单位名称", **UNIT_FIELDS}, errors)
        liaison = _account(v.get("liaison_username", ""), v.get("liaison_name", ""), users, "联络员", errors, notes, planned_users)
        leader = _account(v.get("leader_username", ""), v.get("leader_name", ""), users, "主要领导", errors, notes, planned_users)
        unit = existing.get(name)
        values = {"name": name, **wanted, "liaison": liaison, "leader": leader,
                  "new_users": {u: planned_users[u] for u in (liaison, leader) if u in planned_users}}
        outcome = CREATE
        if unit is not None:
            current = {"short_name": unit.short_name, "kind": unit.kind, "phone": unit.phone}
            changes = _changes(current, wanted, UNIT_FIELDS)
            leader_user = users.get(leader) if leader else None
            if leader and (leader_user is None or unit.leader_id != leader_user.pk):
                changes.append(f"主要领导 → {leader}")
            if liaison and (name, liaison) not in liaisons:
                changes.append(f"新增联络员 {liaison}（今日起任）")
            notes += changes
            outcome = UPDATE if changes else UNCHANGED
            values["unit_id"] = unit.pk
        elif not errors:
            notes.insert(0, "新建单位" + (f"，联络员 {liaison}" if liaison else ""))
        out.append(RowPlan(n, ERROR if errors else outcome, label, notes, errors, values))
    return out


def _people(sheet) -> list[RowPlan]:
    existing: dict[tuple, list[Person]] = {}
    for p in Person.objects.all():
        existing.setdefault((p.assembly, p.name), []).append(p)
    seen, out = {}, []
    for n, v in sheet.rows:
        errors, notes = [], []
        name = v.get("name", "")
        assembly = ASSEMBLIES.get(v.get("assembly", "").lower() if v.get("assembly", "").isascii() else v.get("assembly", ""))
        label = f"{PERSON_SHEET} · {v.get('assembly', '')} {name or '（无姓名）'}"
        if assembly is None:
            errors.append(f"会别“{v.get('assembly', '')}”不对，应为政协或人大。")
        if not name:
            errors.append("缺少姓名。")
        wanted = {"sector": v.get("sector", ""), "party": v.get("party", ""), "employer": v.get("employer", ""),
                  "phone": v.get("phone", ""), "address": v.get("address", ""), "is_collective": v.get("is_collective", "").lower() in YES}
        _too_long({"name": name, **wanted}, {"name": "姓名", **PERSON_FIELDS}, errors)
        key = (assembly, name, wanted["sector"])
        if key in seen:
            errors.append(f"与第 {seen[key]} 行重复（同一会别、姓名和界别）。")
        seen.setdefault(key, n)
        same = existing.get((assembly, name), [])
        if len(same) > 1:
            same = [p for p in same if p.sector == wanted["sector"]]
        values = {"assembly": assembly, "name": name, **wanted}
        outcome = CREATE
        if len(same) == 1:
            p = same[0]
            changes = _changes({k: getattr(p, k) for k in wanted}, wanted, PERSON_FIELDS)
            notes += changes
            outcome = UPDATE if changes else UNCHANGED
            values["person_id"] = p.pk
        elif len(same) > 1:
            errors.append(f"已有多位同名同界别的“{name}”，无法确定是哪一位，请在系统管理中处理。")
        elif not errors:
            notes.append("新建")
        out.append(RowPlan(n, ERROR if errors else outcome, label, notes, errors, values))
    return out
