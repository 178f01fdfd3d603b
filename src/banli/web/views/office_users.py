"""系统管理 · accounts: the list with its search, a new account, and an account's page (name and
e-mail, active or not, a new password, roles, the member or deputy it acts for). A password the
office sets or the system makes up is shown once, on the page that answers the form, and never
again: it is not put in a redirect, a message or the audit trail."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from banli.errors import not_found
from banli.org import office_selectors as sel
from banli.org import twofactor
from banli.org.actions import roles, users
from banli.org.actions.twofactor import reset_second_factor

from ..office import attempt, office_only
from ..office_forms import ACTIVE_CHOICES, PasswordChoice, PersonLinkForm, RoleForm, UserCreateForm, UserEditForm

PAGE_SIZE = 50
ROLE_CHOICES = [("", gettext_lazy("全部角色")), ("gov_office", gettext_lazy("区府办")), ("assembly_office", gettext_lazy("提案委/代表工委")),
                ("district_leader", gettext_lazy("区领导")), ("liaison", gettext_lazy("办理联络员")), ("unit_leader", gettext_lazy("单位主要领导")),
                ("person", gettext_lazy("委员/代表")), ("superuser", gettext_lazy("超级管理员"))]


@office_only
def user_list(request):
    q, role, active = (request.GET.get(k, "").strip()[:100] for k in ("q", "role", "active"))
    page = Paginator(sel.users(q, role, active), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "web/office/users.html", {
        "page": page, "q": q, "role": role, "active": active, "query": params.urlencode(),
        "role_choices": ROLE_CHOICES, "active_choices": ACTIVE_CHOICES,
    })


@office_only
def user_new(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST":
        made, ok = attempt(form, lambda d: users.create_user(request.user, username=d["username"], name=d["name"], email=d["email"],
                                                             **form.action_args()))
        if ok:
            user, password = made
            return _shown(request, user, password, created=True)
    return render(request, "web/office/user_new.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request, user_id, *, status=200, **forms):
    subject = sel.user_detail(user_id)
    if subject is None:
        raise not_found()
    users.user_for_office(request.user, subject.pk)  # a superuser's account: the superusers'
    pq = request.GET.get("pq", "").strip()[:50]
    people = list(sel.linkable_people(subject, pq))
    context = {
        "subject": subject, "pq": pq,
        "edit_form": forms.get("edit_form") or UserEditForm(initial={"name": subject.first_name, "email": subject.email}),
        "password_form": forms.get("password_form") or PasswordChoice(),
        "role_form": forms.get("role_form") or RoleForm(),
        "person_form": forms.get("person_form") or PersonLinkForm(people=people),
        "is_self": subject.pk == request.user.pk,
        "second_factor": twofactor.status(subject),  # two-factor (issue 15.1): enrolled, and the office's reset
        # Units that would be left without their liaison or leader if the account were deactivated.
        "duties": [p.unit for p in subject.posts if p.ended_on is None] + list(subject.led_units.all()),
    }
    return render(request, "web/office/user.html", context, status=status)


@office_only
def user_page(request, user_id):
    if request.method != "POST":
        return _detail(request, user_id)
    form = UserEditForm(request.POST)
    _user, ok = attempt(form, lambda d: users.update_user(request.user, user_id, name=d["name"], email=d["email"]))
    if not ok:
        return _detail(request, user_id, status=400, edit_form=form)
    messages.success(request, _("账号信息已保存。"))
    return redirect("web:office_user", user_id=user_id)


@require_POST
@office_only
def user_active(request, user_id):
    active = request.POST.get("active") == "1"
    users.set_user_active(request.user, user_id, active=active)
    messages.success(request, _("账号已启用。") if active else _("账号已停用，该用户不能再登录。"))
    return redirect("web:office_user", user_id=user_id)


@require_POST
@office_only
def user_password(request, user_id):
    form = PasswordChoice(request.POST)
    made, ok = attempt(form, lambda d: users.reset_password(request.user, user_id, **form.action_args()))
    if not ok:
        return _detail(request, user_id, status=400, password_form=form)
    subject, password = made
    return _shown(request, subject, password, created=False)


def _shown(request, subject, password, *, created):
    """The page that shows a password once; no browser or proxy keeps a copy of it."""
    response = render(request, "web/office/password_shown.html", {"subject": subject, "password": password, "created": created})
    add_never_cache_headers(response)
    return response


@require_POST
@office_only
def otp_reset(request, user_id):
    """Two-factor (issue 15.1): the person lost or replaced their phone; they enrol again at their next login."""
    reset_second_factor(request.user, user_id, request=request)
    messages.success(request, _("已重置双因素认证。该用户下次登录时须重新用手机完成设置。"))
    return redirect("web:office_user", user_id=user_id)


@require_POST
@office_only
def role_add(request, user_id):
    form = RoleForm(request.POST)
    _role, ok = attempt(form, lambda d: roles.add_role(request.user, user_id, kind=d["kind"], assembly=d["assembly"], title=d["title"]))
    if not ok:
        return _detail(request, user_id, status=400, role_form=form)
    messages.success(request, _("角色已设置。"))
    return redirect("web:office_user", user_id=user_id)


@require_POST
@office_only
def role_remove(request, role_id):
    subject = roles.remove_role(request.user, role_id)
    messages.success(request, _("角色已撤销。"))
    return redirect("web:office_user", user_id=subject.pk)


@require_POST
@office_only
def person_link(request, user_id):
    # The one person the form names is its only choice: the list on the page came from one search.
    form = PersonLinkForm(request.POST, people=sel.people_named(request.POST.get("person_id")))
    _person, ok = attempt(form, lambda d: roles.link_person(request.user, user_id, person_id=d["person_id"]))
    if not ok:
        return _detail(request, user_id, status=400, person_form=form)
    messages.success(request, _("已关联委员/代表。"))
    return redirect("web:office_user", user_id=user_id)


@require_POST
@office_only
def person_unlink(request, person_id):
    former = roles.unlink_person(request.user, person_id)
    messages.success(request, _("已解除关联。"))
    return redirect("web:office_user", user_id=former.pk) if former else redirect("web:office_users")
