"""The office's publication queue (公开审核): the replies awaiting its decision, in two groups (the
proposer consented; did not consent or has not said, 加强审核), and one form that publishes or
withholds the ones ticked, then lists what became of each. Reads through
banli.proposals.publication_queue and writes through its batch action, as the API does."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from banli.params import MAX_ID
from banli.proposals.publication_queue import (
    MAX_BATCH, Decision, check_may_decide, decide_publications, publication_queue,
)

from ..forms import FormErrors

DECISIONS = {"publish": True, "withhold": False}


@login_required
def publication_page(request):
    check_may_decide(request.user)  # before reading the form: others get the refusal, not its errors
    if request.method == "POST":
        return _decide(request)
    return _page(request)


def _page(request, *, outcomes=None, errors=None, data=None, status=200):
    queue = publication_queue(request.user, request.GET)
    pick = request.GET.get("pick", "")
    if data is not None:
        selected = set(_ids(data.getlist("assignment"))[0])
    elif outcomes is None:  # "全选本组": the group's rows come ticked (no script needed)
        group = {"yes": True, "no": False}.get(pick)
        selected = {r.assignment.pk for r in queue.rows if group is not None and r.consented == group}
    else:
        selected = set()
    params = request.GET.copy()
    params.pop("pick", None)
    return render(request, "web/publication/queue.html", {
        "queue": queue, "groups": _groups(queue), "selected": selected, "outcomes": outcomes, "errors": errors or {},
        "data": data or {}, "query": params.urlencode(), "params": queue.params,
        "done": sum(1 for o in outcomes or [] if o.ok), "failed": sum(1 for o in outcomes or [] if not o.ok),
    }, status=status)


def _groups(queue) -> list[dict]:
    want = queue.params.get("consent")
    out = []
    if want in ("", "yes"):
        out.append({"key": "yes", "title": _("同意公开"), "rows": queue.consented, "total": queue.consented_total})
    if want in ("", "no"):
        out.append({"key": "no", "title": _("不同意公开（加强审核）"), "rows": queue.not_consented, "total": queue.not_consented_total})
    return out


def _ids(values) -> tuple[list[int], bool]:
    """The ticked assignment ids, and whether any value was not an id."""
    ids, bad = [], False
    for v in values:
        try:
            n = int(v)
        except (TypeError, ValueError):
            bad = True
            continue
        if 1 <= n <= MAX_ID:
            ids.append(n)
        else:
            bad = True
    return ids, bad


def _read_form(post) -> list[Decision]:
    errors = {}
    ids, bad = _ids(post.getlist("assignment"))
    if bad:
        errors["assignment"] = [_("所选答复的编号无效，请刷新页面后重选。")]
    elif not ids:
        errors["assignment"] = [_("请勾选要决定的答复。")]
    elif len(ids) > MAX_BATCH:
        errors["assignment"] = [_("一次最多决定 %(n)d 件。") % {"n": MAX_BATCH}]
    decision = post.get("decision", "")
    reason = (post.get("reason") or "").strip()
    if decision not in DECISIONS:
        errors["decision"] = [_("请选择公开或不公开。")]
    elif decision == "withhold" and not reason:
        errors["reason"] = [_("不公开须说明理由。")]
    if len(reason) > 5000:
        errors["reason"] = [_("理由过长（最多5000字）。")]
    if post.get("confirm") != "yes":
        errors["confirm"] = [_("请勾选确认后再提交。")]
    if errors:
        raise FormErrors(errors)
    return [Decision(i, DECISIONS[decision], reason) for i in dict.fromkeys(ids)]


def _decide(request):
    try:
        decisions = _read_form(request.POST)
    except FormErrors as err:
        return _page(request, errors=err.fields, data=request.POST, status=400)
    return _page(request, outcomes=decide_publications(request.user, decisions))
