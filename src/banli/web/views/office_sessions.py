"""系统管理 · terms and sessions (届次会议), and each session's time limits and reminder schedule."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banli.errors import not_found
from banli.org import office_selectors as sel
from banli.org.actions import sessions
from banli.org.models import LIMITS, Session

from ..office import attempt, office_only
from ..office_forms import NewSessionForm, PolicyForm, SessionForm, TermForm


def _list_page(request, *, status=200, term_form=None, session_form=None):
    terms = list(sel.terms())
    return render(request, "web/office/sessions.html", {
        "terms": terms, "term_form": term_form or TermForm(),
        "session_form": session_form or NewSessionForm(terms=terms),
    }, status=status)


@office_only
def session_list(request):
    return _list_page(request)


@require_POST
@office_only
def term_new(request):
    form = TermForm(request.POST)
    _term, ok = attempt(form, lambda d: sessions.create_term(request.user, **d))
    if not ok:
        return _list_page(request, status=400, term_form=form)
    messages.success(request, _("届次已添加。"))
    return redirect("web:office_sessions")


@require_POST
@office_only
def session_new(request):
    form = NewSessionForm(request.POST, terms=sel.terms())
    session, ok = attempt(form, lambda d: sessions.save_session(request.user, **d))
    if not ok:
        return _list_page(request, status=400, session_form=form)
    messages.success(request, _("会次已添加，时限按默认值设置，可在此修改。"))
    return redirect("web:office_session", session_id=session.pk)


def _session(session_id) -> Session:
    session = Session.objects.select_related("term").filter(pk=session_id).first()
    if session is None:
        raise not_found()
    return session


def _page(request, session, *, status=200, form=None, policy_form=None):
    policy = sel.session_policy(session)
    policy_form = policy_form or PolicyForm(instance=policy)
    limits = [(policy_form[amount], policy_form[f"{name}_unit"]) for name, (amount, _unit) in LIMITS.items()]
    scan = [policy_form[f] for f in sessions.SCAN_FIELDS]
    return render(request, "web/office/session.html", {
        "session": session, "policy_form": policy_form, "limits": limits, "scan": scan,
        "form": form or SessionForm(initial={"ordinal": session.ordinal, "name": session.name, "year": session.year,
                                             "opens_on": session.opens_on, "is_current": session.is_current}),
    }, status=status)


@office_only
def session_page(request, session_id):
    session = _session(session_id)
    if request.method != "POST":
        return _page(request, session)
    form = SessionForm(request.POST)
    _s, ok = attempt(form, lambda d: sessions.save_session(request.user, session.pk, term_id=session.term_id, **d))
    if not ok:
        return _page(request, session, status=400, form=form)
    messages.success(request, _("会次信息已保存。"))
    return redirect("web:office_session", session_id=session.pk)


@require_POST
@office_only
def policy(request, session_id):
    session = _session(session_id)
    form = PolicyForm(request.POST, instance=sel.session_policy(session))
    _p, ok = attempt(form, lambda d: sessions.update_policy(request.user, session.pk, **{f: d[f] for f in sessions.POLICY_FIELDS}))
    if not ok:
        return _page(request, session, status=400, policy_form=form)
    messages.success(request, _("办理时限和提醒设置已保存，此后计算的期限按新设置。"))
    return redirect("/office/sessions/%d/#policy" % session.pk)
