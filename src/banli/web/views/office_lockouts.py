"""系统管理 · 登录锁定: accounts and addresses locked out after repeated failed logins, the
failures not (yet) locking anything, and the office's unlock (banli.org.actions.lockouts)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banli.org import lockouts as sel
from banli.org.actions import lockouts

from ..office import office_only


@office_only
def lockout_list(request):
    return render(request, "web/office/lockouts.html", {
        "accounts": sel.locked_accounts(), "addresses": sel.locked_addresses(), "failures": sel.recent_failures(),
        "limit": sel.account_limit(), "address_limit": sel.address_limit(),
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    })


@require_POST
@office_only
def unlock(request):
    if "ip_address" in request.POST:
        ip = request.POST.get("ip_address", "")
        lockouts.unlock_address(request.user, ip, request=request)
        messages.success(request, _("已解除地址 %(ip)s 的登录锁定。") % {"ip": ip.strip()})
    else:
        username = request.POST.get("username", "")
        lockouts.unlock_account(request.user, username, request=request)
        messages.success(request, _("已解除账号 %(name)s 的登录锁定。") % {"name": username.strip()})
    return redirect("web:office_lockouts")
