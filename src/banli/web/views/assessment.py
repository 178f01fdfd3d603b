"""The year-end assessment (年度考核): the years and a new year's scheme, and one year's table with
the office's finalising and publishing. Reads through banli.assessment.selectors, writes through
its actions; who sees what is banli.assessment.access's to say. A unit's own page is in
assessment_unit.py, the scheme's settings and indicators in assessment_scheme.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from banli.assessment import actions, selectors
from banli.assessment.access import readable_units, runs_assessment
from banli.assessment.presets import PRESET_NAMES
from banli.errors import BanliError, invalid
from banli.proposals.access import actor_for
from banli.reports.asof import parse_as_of

from ..forms import field_errors

PRESET_HELP = {
    "weighted": gettext_lazy("按时签收、面商、答复，委员满意度、A/B类答复占比等指标各有分值，按比率得分。"),
    "per_item": gettext_lazy("每件主办件、会办件按答复时效、答复质量、办理效果单独打分后取平均，另加综合指标。"),
    "deduction": gettext_lazy("基础分100分，按超期、被催办、调整申请不成立、联络员更换等事件逐次扣分，扣完为止。"),
}


def is_refusal(err: BanliError) -> bool:
    """Refusals that are not about what was typed (missing, not yours, not allowed) go to the
    error page; the rest are shown beside the form."""
    return err.status in (403, 404)


def unless_beside(err: BanliError, fields) -> str:
    """The message for the top of the page, when the form has no field to show it beside (a
    refusal of the whole request, or a field the form does not show)."""
    return "" if err.field in fields else err.message


# -- the years ------------------------------------------------------------------------------------

@login_required
def index(request):
    if request.method == "POST":
        return _create(request)
    return _index(request)


def _index(request, *, errors=None, data=None, status=200, page_error=""):
    schemes = list(selectors.schemes(request.user))
    this_year = timezone.localdate().year
    by_year = {s.year: s for s in schemes}
    return render(request, "web/assessment/index.html", {
        "schemes": schemes, "runs": runs_assessment(actor_for(request.user)), "this_year": this_year,
        "current": by_year.get(this_year), "last": by_year.get(this_year - 1),
        "presets": [(k, v, PRESET_HELP.get(k, "")) for k, v in PRESET_NAMES.items()],
        "errors": errors or {}, "data": data or {"year": str(this_year), "preset": "weighted"}, "page_error": page_error,
    }, status=status)


def _create(request):
    post = request.POST
    copy_from = (post.get("copy_from") or "").strip()
    try:
        if copy_from and not copy_from.isdigit():
            raise invalid("copy_from", "请选择要复制的年度。", "Choose the year to copy.")
        scheme = actions.create_scheme(request.user, post.get("year", ""), preset=post.get("preset", ""),
                                       copy_from=int(copy_from) if copy_from else None)
    except BanliError as err:
        if is_refusal(err):
            raise
        return _index(request, errors=field_errors(err), data=post, status=err.status,
                      page_error=unless_beside(err, ("year", "preset", "copy_from")))
    messages.success(request, _("%(year)s年度考核办法已建立，请核对各项指标。") % {"year": scheme.year})
    return redirect("web:assessment_scheme", year=scheme.year)


# -- one year's table -----------------------------------------------------------------------------

def _file_links(year) -> list:
    """The results notice and the table as files, once their views exist (another module)."""
    out = []
    for name, label in (("web:assessment_docx", _("考核结果通报（Word）")), ("web:assessment_xlsx", _("考核结果表（Excel）"))):
        try:
            out.append((reverse(name, kwargs={"year": year}), label))
        except NoReverseMatch:
            pass
    return out


def _tiers(advanced) -> list:
    """The advanced units grouped by tier: [(tier, bonus, [names])]."""
    out = {}
    for r in sorted(advanced, key=lambda r: (r["tier"], r["rank"] or 0)):
        out.setdefault(r["tier"], (r["tier"], r["bonus"], []))[2].append(r)
    return list(out.values())


@login_required
def year_page(request, year):
    return _year_page(request, year)


def _year_page(request, year, *, errors=None, failed="", data=None, status=200, page_error=""):
    as_of = None
    as_of_error = ""
    if request.method == "GET" and request.GET.get("as_of"):
        try:
            as_of = parse_as_of(request.GET.get("as_of"))
        except BanliError as err:
            as_of_error, status = err.message, 400
    t = selectors.table(request.user, year, as_of=as_of)
    scheme = t["scheme"]
    actor = actor_for(request.user)
    runs = runs_assessment(actor)
    readable = readable_units(actor)
    codes = [i["code"] for i in t["indicators"]]
    rows = t["rows"]
    for r in rows:
        r["link"] = readable is None or r["unit"] in readable
        by_code = {ln["code"]: ln["points"] for ln in r["lines"] if ln["kind"] == "indicator"}
        r["cells"] = [by_code.get(c) for c in codes]
        r["others"] = sum((ln["points"] for ln in r["lines"] if ln["kind"] != "indicator"), start=0)  # base, adjustments, floor, cap
    own = [r for r in rows if r["unit"] in actor.unit_ids]
    return render(request, "web/assessment/year.html", {
        **t, "rows": rows, "runs": runs, "any_others": any(r["others"] for r in rows), "own": own, "tiers": _tiers(t["advanced"]), "files": _file_links(scheme.year),
        # Asked for, not on every view: it computes the whole year again (seconds at a province's size).
        "can_recompute": runs and scheme.frozen,
        "recomputation": selectors.recomputation(request.user, scheme.year) if runs and scheme.frozen and request.GET.get("recompute") else None,
        "today": timezone.localdate().isoformat(), "as_of_error": as_of_error, "asked_as_of": request.GET.get("as_of", ""),
        "errors": errors or {}, "failed": failed, "data": data or {}, "page_error": page_error,
    }, status=status)


@require_POST
@login_required
def finalise(request, year):
    try:
        if request.POST.get("confirm") != "yes":
            raise invalid("confirm", "请勾选确认后再定稿。", "Tick the box to confirm.")
        day = parse_as_of(request.POST.get("as_of"))
        actions.finalise(request.user, year, as_of=day)
    except BanliError as err:
        if is_refusal(err):
            raise
        return _year_page(request, year, errors=field_errors(err), failed="finalise", data=request.POST, status=err.status,
                          page_error=unless_beside(err, ("confirm", "as_of")))
    messages.success(request, _("考核结果已定稿，分数已冻结。确认无误后请通报。"))
    return redirect("web:assessment_year", year=year)


@require_POST
@login_required
def publish(request, year):
    try:
        if request.POST.get("confirm") != "yes":
            raise invalid("confirm", "请勾选确认后再通报。", "Tick the box to confirm.")
        actions.publish(request.user, year)
    except BanliError as err:
        if is_refusal(err):
            raise
        return _year_page(request, year, errors=field_errors(err), failed="publish", data=request.POST, status=err.status,
                          page_error=unless_beside(err, ("confirm", "as_of")))
    messages.success(request, _("考核结果已通报，各承办单位现在可以查看排名和本单位得分明细。"))
    return redirect("web:assessment_year", year=year)
