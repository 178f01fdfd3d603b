"""One unit's page of a year's assessment: each line of its score with the figure, the rule, the
points and the records they came from; the points people entered, with their reasons; the unit's
self-assessment. The office enters its own indicators and adjustments here, an assembly office its
evaluation, the unit its self-assessment. Who may open the page is selectors.unit_report's to
decide (someone else's unit answers as not found), and so is the file download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banli.assessment import actions, selectors
from banli.assessment.access import runs_assessment, sees_every_unit, sees_ranking
from banli.assessment.models import Entry
from banli.downloads import send_stored_file
from banli.errors import BanliError
from banli.org.models import Assembly
from banli.proposals.access import actor_for

from ..forms import field_errors
from .assessment import is_refusal, unless_beside


def _in_force(entries) -> set:
    """The ids of the entries that count: the latest of each (indicator, kind, assembly) not
    withdrawn, and every adjustment not withdrawn (the rule of banli.assessment.facts)."""
    latest = {}
    for e in entries:
        latest[(e.indicator_id, e.kind, e.assembly) if e.kind != Entry.Kind.ADJUSTMENT else ("adj", e.pk)] = e
    return {e.pk for e in latest.values() if not e.withdrawn}


def _page(request, year, unit_id, *, failed="", errors=None, data=None, page_error="", status=200):
    report = selectors.unit_report(request.user, year, unit_id)
    scheme = report["scheme"]
    actor = actor_for(request.user)
    runs = runs_assessment(actor)
    open_ = not scheme.frozen
    indicators = sorted(scheme.indicators.all(), key=lambda i: (i.position, i.pk))
    offices = sorted(actor.assembly_offices)
    in_force = _in_force(report["entries"])
    for e in report["entries"]:
        e.in_force = e.pk in in_force
        e.may_withdraw = open_ and not e.withdrawn and (runs or (e.kind == Entry.Kind.EVALUATION and e.assembly in actor.assembly_offices))
    for ln in report["lines"]:
        ln["n_refs"] = len(ln["refs"])
        ln["n_against"] = sum(1 for r in ln["refs"] if r["ok"] is False)
    due = scheme.self_assessment_due
    unit = report["unit"]
    return render(request, "web/assessment/unit.html", {
        **report, "runs": runs, "open": open_, "show_rank": scheme.frozen and sees_ranking(actor, scheme),
        "manual": [i for i in indicators if i.metric == "manual"] if runs and open_ else [],
        "evaluation": [i for i in indicators if i.metric == "evaluation"] if offices and open_ else [],
        "offices": [(a, Assembly(a).label) for a in offices], "show_by": sees_every_unit(actor),
        "own_unit": unit in actor.unit_ids, "self_closed": bool(due and timezone.localdate() > due),
        "failed": failed, "errors": errors or {}, "data": data or {}, "page_error": page_error,
    }, status=status)


@login_required
def unit_page(request, year, unit_id):
    return _page(request, year, unit_id)


# The fields each form shows a message beside.
FIELDS = {"points": ("indicator_id", "points", "reason"), "evaluate": ("indicator_id", "points", "reason"),
          "adjust": ("points", "reason"), "self": ("text", "score", "file")}


def _post(request, year, unit_id, form, do, done, anchor=""):
    """Run the action; on a refusal about the input, the page again with the message beside the form."""
    try:
        do()
    except BanliError as err:
        if is_refusal(err):
            raise
        return _page(request, year, unit_id, failed=form, errors=field_errors(err), data=request.POST,
                     page_error=unless_beside(err, FIELDS.get(form, ("reason",))),
                     status=err.status)
    messages.success(request, done)
    return redirect(f"/assessment/{int(year)}/units/{int(unit_id)}/{anchor}")


@require_POST
@login_required
def enter_points(request, year, unit_id):
    p = request.POST
    form = p.get("form") if p.get("form") in ("points", "evaluate") else "points"
    return _post(request, year, unit_id, form, lambda: actions.enter_points(
        request.user, year, indicator_id=p.get("indicator_id", ""), unit_id=unit_id, points=p.get("points", ""),
        reason=p.get("reason", ""), assembly=p.get("assembly", "")), _("评分已保存。"), "#entries")


@require_POST
@login_required
def adjust(request, year, unit_id):
    p = request.POST
    return _post(request, year, unit_id, "adjust", lambda: actions.adjust_score(
        request.user, year, unit_id=unit_id, points=p.get("points", ""), reason=p.get("reason", "")), _("加减分已保存。"), "#entries")


@require_POST
@login_required
def withdraw(request, year, unit_id):
    p = request.POST
    entry_id = p.get("entry_id", "")
    return _post(request, year, unit_id, f"withdraw-{entry_id}", lambda: actions.withdraw_entry(
        request.user, year, entry_id, reason=p.get("reason", "")), _("该评分已撤销。"), "#entries")


@require_POST
@login_required
def self_assessment(request, year, unit_id):
    p = request.POST
    return _post(request, year, unit_id, "self", lambda: actions.submit_self_assessment(
        request.user, year, unit_id=unit_id, text=p.get("text", ""), score=p.get("score", ""),
        files=request.FILES.getlist("file")), _("总结自评已提交。"), "#self")


@login_required
def self_assessment_file(request, year, unit_id, file_id):
    f = selectors.self_assessment_file(request.user, year, unit_id, file_id)
    return send_stored_file(f.file, f.name, f.content_type)
