"""系统管理 · units (承办单位) with their liaisons' terms of service, and district leaders'
portfolios (the units each supervises, Unit.supervising_leader)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banli.errors import not_found
from banli.org import office_selectors as sel
from banli.org.actions import roles, units
from banli.org.models import UnitKind

from ..office import attempt, office_only
from ..office_forms import ACTIVE_CHOICES, EndLiaisonForm, LiaisonForm, PortfolioForm, UnitForm
from ..unit_choices import choices_of


def _unit_form(data=None, initial=None):
    return UnitForm(data, initial=initial, users=sel.active_users(), leaders=[u for u in sel.district_leaders() if u.is_active])


def _run_unit(request, form, unit_id=None):
    return attempt(form, lambda d: units.save_unit(request.user, unit_id, **d))


@office_only
def unit_list(request):
    q, kind, active = (request.GET.get(k, "").strip()[:60] for k in ("q", "kind", "active"))
    rows = list(sel.units(q, kind if kind in UnitKind.values else "", active))
    return render(request, "web/office/units.html", {
        "units": rows, "q": q, "kind": kind, "active": active, "kinds": UnitKind.choices, "active_choices": ACTIVE_CHOICES,
    })


@office_only
def unit_new(request):
    form = _unit_form(request.POST or None, initial={"active": True})
    if request.method == "POST":
        unit, ok = _run_unit(request, form)
        if ok:
            messages.success(request, _("单位“%(name)s”已建立，可在下方添加联络员。") % {"name": unit.name})
            return redirect("web:office_unit", unit_id=unit.pk)
    return render(request, "web/office/unit_new.html", {"form": form}, status=400 if form.errors else 200)


def _unit_page(request, unit_id, *, status=200, form=None, liaison_form=None, end_forms=None):
    unit = sel.unit_detail(unit_id)
    if unit is None:
        raise not_found()
    form = form or _unit_form(initial={"name": unit.name, "short_name": unit.short_name, "kind": unit.kind, "leader_id": unit.leader_id,
                                       "supervising_leader_id": unit.supervising_leader_id, "phone": unit.phone, "active": unit.active})
    today = timezone.localdate()
    for row in unit.history:
        row.end_form = (end_forms or {}).get(row.pk) or EndLiaisonForm(initial={"ended_on": today}, prefix=f"end{row.pk}")
    return render(request, "web/office/unit.html", {
        "unit": unit, "form": form, "current": [r for r in unit.history if r.ended_on is None],
        "ended": [r for r in unit.history if r.ended_on is not None],
        "liaison_form": liaison_form or LiaisonForm(initial={"started_on": today, "replace": True}, users=sel.active_users()),
    }, status=status)


@office_only
def unit_page(request, unit_id):
    if request.method != "POST":
        return _unit_page(request, unit_id)
    form = _unit_form(request.POST)
    _unit, ok = _run_unit(request, form, unit_id)
    if not ok:
        return _unit_page(request, unit_id, status=400, form=form)
    messages.success(request, _("单位信息已保存。"))
    return redirect("web:office_unit", unit_id=unit_id)


@require_POST
@office_only
def liaison_add(request, unit_id):
    form = LiaisonForm(request.POST, users=sel.active_users())
    _row, ok = attempt(form, lambda d: units.add_liaison(request.user, unit_id, user_id=d["user_id"], started_on=d["started_on"],
                                                         replace=d["replace"]))
    if not ok:
        return _unit_page(request, unit_id, status=400, liaison_form=form)
    messages.success(request, _("联络员已添加。"))
    return redirect("web:office_unit", unit_id=unit_id)


@require_POST
@office_only
def liaison_end(request, unit_id, liaison_id):
    form = EndLiaisonForm(request.POST, prefix=f"end{liaison_id}")
    _row, ok = attempt(form, lambda d: units.end_liaison(request.user, liaison_id, unit_id=unit_id, ended_on=d["ended_on"]))
    if not ok:
        return _unit_page(request, unit_id, status=400, end_forms={int(liaison_id): form})
    messages.success(request, _("该联络员的任期已结束；任职记录保留，年度考核按起止日期计算。"))
    return redirect("web:office_unit", unit_id=unit_id)


def _leaders_page(request, *, status=200, failed=None, failed_form=None):
    leaders = list(sel.district_leaders())
    all_units = list(sel.units())
    shared = choices_of(all_units)  # one list for every leader's picker, embedded once
    if failed_form is not None:
        failed_form.fields["unit_ids"].widget.units = shared
    for leader in leaders:
        leader.title = next((r.title for r in leader.staff_roles.all() if r.title), "")
        leader.form = failed_form if failed == leader.pk else PortfolioForm(
            initial={"unit_ids": [u.pk for u in leader.portfolio_units.all()]}, units=all_units, choices=shared, prefix=f"p{leader.pk}")
    return render(request, "web/office/leaders.html", {
        "leaders": leaders, "unsupervised": [u for u in all_units if u.supervising_leader_id is None],
    }, status=status)


@office_only
def leaders(request):
    return _leaders_page(request)


@require_POST
@office_only
def portfolio(request, leader_id):
    form = PortfolioForm(request.POST, units=sel.units(), prefix=f"p{leader_id}")
    changed, ok = attempt(form, lambda d: roles.set_portfolio(request.user, leader_id, unit_ids=d["unit_ids"]))
    if not ok:
        return _leaders_page(request, status=400, failed=int(leader_id), failed_form=form)
    messages.success(request, _("分管单位已保存（%(n)d 个单位有变动）。") % {"n": len(changed)})
    return redirect("/office/leaders/#leader-%d" % int(leader_id))
