"""A year's scheme (考核办法): its settings and its indicators, edited by the government office while
the year is a draft and read by everyone else who may read the assessment. The inputs are checked
by banli.assessment.rules (through the actions); this module only turns the form's fields into the
values the actions take (a list of roles, an indicator's params)."""

import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from banli.assessment import actions, selectors
from banli.assessment.access import runs_assessment
from banli.assessment.metrics import METRICS
from banli.assessment.models import OverdueRule
from banli.assessment.peritem import NAMES as ITEM_FIGURES
from banli.assessment.presets import OVERDUE_DEDUCTIONS
from banli.deadlines.models import OVERDUE_LABEL
from banli.errors import BanliError, invalid
from banli.proposals.access import actor_for

from ..forms import field_errors
from ..templatetags.assessment_tags import pts
from .assessment import is_refusal, unless_beside

ROLES = [("lead", gettext_lazy("主办")), ("co", gettext_lazy("会办")), ("separate", gettext_lazy("分办"))]
# The overdue events a unit can incur, in the order of the deduction preset.
OVERDUE_KINDS = [kind for kind, _name, _each in OVERDUE_DEDUCTIONS]
SETTINGS = ("name", "base", "cap", "advanced_count", "tier_bonuses", "overdue_rule", "pass_mark", "self_assessment_due")
INDICATOR_FIELDS = ("name", "metric", "points", "per_event", "roles", "params")
# Which params each kind of figure takes (the add/edit form shows those groups).
NONE_KINDS = ("share", "hours", "per_item")


def _number(raw: str):
    """A typed number as a number, so that "24" is stored as 24; anything else as typed, for the
    rules to refuse with their message."""
    raw = raw.strip()
    try:
        f = float(raw)
    except ValueError:
        return raw
    return int(f) if f.is_integer() else f


def _components(raw: str) -> dict:
    """The per-item rule typed as JSON: {"lead": [{"figure": ..., "points": ...}, ...], "co": [...]}."""
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    ok = isinstance(value, dict) and set(value) <= {"lead", "co"} and all(
        isinstance(v, list) and all(isinstance(c, dict) for c in v) for v in value.values())
    if not ok:
        raise invalid("params", "单件考核计分项格式不正确：应为 {\"lead\": [...], \"co\": [...]}，每项写明 figure 和 points。",
                      'The per-item components must be {"lead": [...], "co": [...]}, each with a figure and points.')
    return value


def _put(params: dict, key: str, value) -> None:
    """Set a param, or drop it when left empty (the rule's default then applies)."""
    if value in (None, "", []):
        params.pop(key, None)
    else:
        params[key] = value


def indicator_fields(post, current=None) -> dict:
    """The action's fields from the form: the params of the chosen figure's kind, the rest of the
    indicator's params kept as they were."""
    metric = post.get("metric", "")
    kind = METRICS[metric].kind if metric in METRICS else ""
    params = dict(current.params or {}) if current is not None and current.metric == metric else {}
    if kind in NONE_KINDS:
        none = post.get("none") or "full"
        if none != "full" or "none" in params:
            params["none"] = none
    if kind == "hours":
        for k in ("good", "bad"):
            raw = (post.get(k) or "").strip()
            _put(params, k, _number(raw) if raw else "")
    if metric == "ab_share":
        codes = [c.strip().upper() for c in re.split(r"[,，、\s]+", post.get("codes") or "") if c.strip()]
        _put(params, "codes", codes)
    if metric == "overdue":
        picked = post.getlist("kinds")
        params["kinds"] = [k for k in OVERDUE_KINDS if k in picked] + [k for k in picked if k not in OVERDUE_KINDS]
    if metric == "liaison_changes":
        _put(params, "allowed", (post.get("allowed") or "").strip())
    if metric == "per_item" and (post.get("components") or "").strip():
        params.update(_components(post["components"]))
    return {"name": post.get("name", ""), "metric": metric, "points": post.get("points", ""), "per_event": post.get("per_event", ""),
            "roles": post.getlist("roles"), "params": params, "note": post.get("note", "")}


def _params_words(ind) -> list[str]:
    p = ind.params or {}
    out = []
    if p.get("none") == "zero":
        out.append(_("无适用事项不得分"))
    if "good" in p or "bad" in p:
        out.append(_("平均不超过 %(g)s 小时满分，达到 %(b)s 小时不得分") % {"g": p.get("good", 24), "b": p.get("bad", 120)})
    if p.get("codes"):
        out.append(_("计入 %(c)s 类答复") % {"c": "、".join(p["codes"])})
    if "kinds" in p:
        out.append(_("超期类型：%(k)s") % {"k": "、".join(OVERDUE_LABEL.get(k, k) for k in p["kinds"]) or _("全部")})
    if "allowed" in p:
        out.append(_("每年允许更换 %(n)s 次") % {"n": p["allowed"]})
    for group, label in (("lead", _("主办件")), ("co", _("会办件"))):
        if p.get(group):
            parts = [f"{ITEM_FIGURES.get(c.get('figure'), c.get('figure'))} {c.get('points')}" for c in p[group]]
            out.append(_("%(g)s：%(p)s（分）") % {"g": label, "p": "、".join(parts)})
    return out


def _prepare(ind):
    m = METRICS.get(ind.metric)
    ind.metric_label, ind.kind = (m.label, m.kind) if m else (ind.metric, "")
    ind.params_words = _params_words(ind)
    ind.role_labels = [str(label) for code, label in ROLES if code in (ind.roles or [])]
    ind.components = json.dumps({k: v for k, v in (ind.params or {}).items() if k in ("lead", "co")}, ensure_ascii=False, indent=2) \
        if ind.metric == "per_item" else ""
    return ind


def _typed(post) -> dict:
    """The indicator form as it was sent, to show it again with the message."""
    keys = ("name", "metric", "points", "per_event", "none", "good", "bad", "codes", "allowed", "components", "note")
    return {**{k: post.get(k, "") for k in keys}, "roles": post.getlist("roles"), "kinds": post.getlist("kinds")}


def _values(ind) -> dict:
    """An indicator as its form shows it."""
    p = ind.params or {}
    return {"name": ind.name, "metric": ind.metric, "points": pts(ind.points), "per_event": pts(ind.per_event), "roles": ind.roles or [],
            "none": p.get("none", "full"), "good": p.get("good", ""), "bad": p.get("bad", ""), "codes": ",".join(p.get("codes") or []),
            "kinds": p.get("kinds") or [], "allowed": p.get("allowed", ""), "components": ind.components, "note": ind.note}


def _settings(scheme) -> dict:
    return {"name": scheme.name, "base": pts(scheme.base), "cap": pts(scheme.cap), "advanced_count": scheme.advanced_count,
            "tier_bonuses": ", ".join(f"{b:g}" for b in scheme.tier_bonuses or []), "overdue_rule": scheme.overdue_rule,
            "pass_mark": pts(scheme.pass_mark), "self_assessment_due": scheme.self_assessment_due.isoformat() if scheme.self_assessment_due else ""}


def _page(request, year, *, failed="", errors=None, data=None, page_error="", status=200):
    scheme = selectors.scheme_for(request.user, year)
    runs = runs_assessment(actor_for(request.user))
    indicators = [_prepare(i) for i in sorted(scheme.indicators.all(), key=lambda i: (i.position, i.pk))]
    for ind in indicators:
        ind.key = f"ind-{ind.pk}"
        ind.form = _typed(data) if failed == f"ind-{ind.pk}" and data is not None and "metric" in data else _values(ind)
    return render(request, "web/assessment/scheme.html", {
        "scheme": scheme, "indicators": indicators, "editable": runs and not scheme.frozen,
        "settings": {k: data.get(k, "") for k in SETTINGS} if failed == "settings" else _settings(scheme),
        "add": _typed(data) if failed == "add" else {"metric": "", "roles": [], "kinds": [], "none": "full"},
        "metrics": [(code, m.label, m.kind) for code, m in METRICS.items()], "roles": ROLES,
        "overdue_kinds": [(k, OVERDUE_LABEL[k]) for k in OVERDUE_KINDS], "overdue_rules": OverdueRule.choices,
        "figures": ITEM_FIGURES, "failed": failed, "errors": errors or {}, "data": data, "page_error": page_error,
    }, status=status)


@login_required
def scheme_page(request, year):
    if request.method != "POST":
        return _page(request, year)
    try:
        actions.update_scheme(request.user, year, **{k: request.POST.get(k, "") for k in SETTINGS})
    except BanliError as err:
        if is_refusal(err):
            raise
        return _page(request, year, failed="settings", errors=field_errors(err), data=request.POST, page_error=unless_beside(err, SETTINGS),
                     status=err.status)
    messages.success(request, _("考核办法的设置已保存。"))
    return redirect("web:assessment_scheme", year=year)


@require_POST
@login_required
def save_indicator(request, year):
    raw_id = (request.POST.get("indicator_id") or "").strip()
    form = f"ind-{raw_id}" if raw_id else "add"
    try:
        current = None
        if raw_id:
            scheme = selectors.scheme_for(request.user, year)
            current = next((i for i in scheme.indicators.all() if str(i.pk) == raw_id), None)
        fields = indicator_fields(request.POST, current)
        ind = actions.save_indicator(request.user, year, indicator_id=raw_id or None, **fields)
    except BanliError as err:
        if is_refusal(err):
            raise
        return _page(request, year, failed=form, errors=field_errors(err), data=request.POST, status=err.status,
                     page_error=unless_beside(err, INDICATOR_FIELDS))
    messages.success(request, _("指标“%(name)s”已保存。") % {"name": ind.name})
    return redirect(f"/assessment/{int(year)}/scheme/#ind-{ind.pk}")


@require_POST
@login_required
def remove_indicator(request, year, indicator_id):
    try:
        if request.POST.get("confirm") != "yes":
            raise invalid("confirm", "请勾选确认后再删除。", "Tick the box to confirm.")
        actions.remove_indicator(request.user, year, indicator_id)
    except BanliError as err:
        if is_refusal(err):
            raise
        return _page(request, year, failed=f"ind-{indicator_id}", errors=field_errors(err), data=request.POST, status=err.status,
                     page_error=unless_beside(err, ("confirm",)))
    messages.success(request, _("指标已删除。"))
    return redirect("web:assessment_scheme", year=year)
