"""What a scheme's settings and indicators may be: every value the office types on the scheme page
is checked here, with a message that names the field, before anything is written."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from banli.deadlines.models import Milestone
from banli.errors import invalid

from .metrics import METRICS
from .models import OverdueRule
from .peritem import NAMES as ITEM_FIGURES

# The rule follows from what the figure is: a share scores in proportion, a count per event …
RULE_FOR = {"share": "rate", "count": "per_event", "hours": "hours", "entered": "entered", "per_item": "per_item"}
ROLES = ("lead", "co", "separate")


def number(value, field, zh, *, en=None, allow_none=False, low=None, high=None):
    """A number the office typed (points, a weight, a bonus), to hundredths, or a refusal that
    names the field. The one parser of typed points, for the scheme and for the entries alike."""
    if value in (None, "") and allow_none:
        return None
    en = en or field
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise invalid(field, f"{zh}应为数字，例如 1.5。", f"{en} must be a number, e.g. 1.5.") from None
    if not d.is_finite() or (low is not None and d < low) or (high is not None and d > high):
        raise invalid(field, f"{zh}超出范围。", f"{en} is out of range.")
    return d.quantize(Decimal("0.01"))


def clean_settings(fields: dict) -> dict:
    out = {}
    for k, v in fields.items():
        if k == "name":
            v = (v or "").strip()
            if not v or len(v) > 100:
                raise invalid("name", "请填写考核办法名称（不超过100字）。", "Give the scheme a name (at most 100 characters).")
        elif k == "base":
            v = number(v, k, "基础分", low=0, high=1000)
        elif k == "pass_mark":
            v = number(v, k, "合格分", low=0, high=1000)
        elif k == "cap":
            v = number(v, k, "满分上限", allow_none=True, low=0, high=1000)
        elif k == "advanced_count":
            try:
                v = int(v)
            except (TypeError, ValueError):
                raise invalid(k, "先进单位数应为整数。", "The number of advanced units must be a whole number.") from None
            if not 0 <= v <= 200:
                raise invalid(k, "先进单位数超出范围。", "The number of advanced units is out of range.")
        elif k == "tier_bonuses":
            if isinstance(v, str):
                v = [x for x in v.replace("，", ",").split(",") if x.strip()]
            if not isinstance(v, list) or not 1 <= len(v) <= 5:
                raise invalid(k, "请填写1至5档的加分，用逗号分隔，如 0.3,0.2,0.1。", "Give 1 to 5 tier bonuses, e.g. 0.3,0.2,0.1.")
            v = [float(number(x, k, "各档加分", low=0, high=10)) for x in v]
        elif k == "overdue_rule":
            if v not in OverdueRule.values:
                raise invalid(k, "请选择有超期单位的处理方式。", "Choose how units with overdue events are treated.")
        elif k == "self_assessment_due":
            if v in (None, ""):
                v = None
            elif not isinstance(v, datetime.date):
                try:
                    v = datetime.date.fromisoformat(str(v).strip())
                except ValueError:
                    raise invalid(k, "日期应为“年-月-日”。", "The date must be YYYY-MM-DD.") from None
        else:
            raise invalid(k, "不能修改该项。", f"{k} cannot be changed.")
        out[k] = v
    return out


def _params(metric: str, params) -> dict:
    params = dict(params or {})
    if params.get("none", "full") not in ("full", "zero"):
        raise invalid("params", "无适用事项时只能按满分或零分计。", "With nothing to count, score full or zero.")
    if metric.endswith("_hours"):
        try:
            good, bad = float(params.get("good", 24)), float(params.get("bad", 120))
        except (TypeError, ValueError):
            raise invalid("params", "时长应为数字（小时）。", "Hours must be numbers.") from None
        if not 0 <= good < bad:
            raise invalid("params", "满分时长应小于不得分时长。", "The full-marks time must be below the no-marks time.")
    if metric == "overdue":
        bad = set(params.get("kinds") or []) - set(Milestone.values)
        if bad:
            raise invalid("params", f"未知的超期类型：{'、'.join(sorted(bad))}。", f"Unknown overdue kinds: {', '.join(sorted(bad))}.")
    if metric == "liaison_changes":
        try:
            params["allowed"] = int(params.get("allowed", 1))
        except (TypeError, ValueError):
            raise invalid("params", "允许更换次数应为整数。", "The changes allowed must be a whole number.") from None
    if metric == "per_item":
        for group in ("lead", "co"):
            for comp in params.get(group) or []:
                if comp.get("figure") not in ITEM_FIGURES:
                    raise invalid("params", f"单件考核的计分项不正确：{comp.get('figure')}。", f"Unknown per-item component {comp.get('figure')}.")
                number(comp.get("points"), "params", "单件考核分值", low=0, high=100)
    return params


def clean_indicator(fields: dict, scheme, current=None) -> dict:
    out = {}
    metric = fields.get("metric", current.metric if current else None)
    if metric not in METRICS:
        raise invalid("metric", "请选择指标的数据来源。", "Choose what the indicator counts.")
    out["metric"] = metric
    out["rule"] = RULE_FOR[METRICS[metric].kind]
    name = (fields.get("name", current.name if current else "") or "").strip()
    if not name or len(name) > 60:
        raise invalid("name", "请填写指标名称（不超过60字）。", "Give the indicator a name (at most 60 characters).")
    out["name"] = name
    code = (fields.get("code") or (current.code if current else "") or "").strip()
    if not code:
        existing = {i.code for i in scheme.indicators.all()}
        code = next(f"{metric}_{n}" if n else metric for n in range(100) if (f"{metric}_{n}" if n else metric) not in existing)
    if scheme.indicators.filter(code=code).exclude(pk=current.pk if current else None).exists():
        raise invalid("code", "指标代码重复。", "Another indicator has this code.")
    out["code"] = code[:40]
    points = fields.get("points", current.points if current else None)
    out["points"] = number(points, "points", "分值", allow_none=out["rule"] == "per_event", low=0, high=1000)
    if out["rule"] == "per_event":
        each = number(fields.get("per_event", current.per_event if current else None), "per_event", "每次分值", low=-100, high=100)
        if not each:
            raise invalid("per_event", "请填写每次加（扣）的分值，扣分填负数。", "Give the points per event (negative to deduct).")
        out["per_event"] = each
    else:
        out["per_event"] = None
    roles = fields.get("roles", current.roles if current else [])
    if isinstance(roles, str):
        roles = [r for r in roles.split(",") if r]
    if set(roles or []) - set(ROLES):
        raise invalid("roles", "适用范围只能是主办、会办、分办。", "Roles are lead, co and separate.")
    out["roles"] = [r for r in ROLES if r in (roles or [])]
    out["params"] = _params(metric, fields.get("params", current.params if current else {}))
    for k in ("note", "position"):
        if k in fields:
            out[k] = (fields[k] or "").strip()[:200] if k == "note" else int(fields[k])
    return out
