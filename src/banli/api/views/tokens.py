"""API tokens (django-rest-knox):

- POST /api/token/ with username and password (and `otp`, the 6-digit code or a backup code, for
  whoever has a second factor or must have one) answers {"token", "expiry"} once. The key is
  stored only as a digest: it cannot be shown again, to anyone.
- POST /api/logout/ revokes the token it is sent with; POST /api/logoutall/ all of the person's.
- A token expires BANLI_API_TOKEN_HOURS after it was issued (read at each issue, default 8), and
  all of a person's tokens are revoked when their password changes (api/auth/revocation.py).

Logging out of the web pages revokes no token: a token belongs to a program (a script, a phone
app) that logs out on its own, and it dies by the hour anyway.

The password is checked with authenticate(request=...), so django-axes counts failures here as
on the login page and locks the account and address out alike."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox import views as knox_views
from knox.models import get_token_model
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from banli.audit.security import security_event
from banli.errors import BanliError, invalid
from banli.org import twofactor

from ..auth.authentication import TokenAuthentication
from ..serializers.tokens import TokenAnswer, TokenRequest


# The error bodies are the API's one error shape (api/schema.py adds it to each code named here).
_BAD_LOGIN = OpenApiResponse(description="用户名或密码不正确，或验证码（otp）缺失、不正确 (wrong credentials or code)")
_NOT_ENROLLED = OpenApiResponse(description="须启用双因素认证而尚未启用：先在网页登录完成设置 (second factor required, not set up)")
_BAD_TOKEN = OpenApiResponse(description="令牌无效、已过期或已作废 (token invalid, expired or revoked)")


def token_hours() -> int:
    return int(getattr(settings, "BANLI_API_TOKEN_HOURS", 8))


def _refused() -> BanliError:
    return BanliError("bad_credentials", "用户名或密码不正确。", "Wrong username or password.", status=400)


class TokenCreateView(knox_views.LoginView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def get_token_ttl(self):
        return timedelta(hours=token_hours())

    @extend_schema(request=TokenRequest, responses={200: TokenAnswer, 400: _BAD_LOGIN, 403: _NOT_ENROLLED},
                   auth=[], summary="取得API令牌")
    def post(self, request, format=None):
        form = TokenRequest(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        user = authenticate(request=request._request, username=data["username"], password=data["password"])
        if user is None:
            raise _refused()
        if twofactor.requires_second_factor(user) or twofactor.has_device(user):
            self._second_factor(request, user, data.get("otp", ""))
        request.user = user
        instance, token = self.create_token()
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        # Nothing of the key is recorded: the expiry identifies the token well enough for an assessor.
        security_event("token_created", request=request._request, user=user, expiry=instance.expiry.isoformat())
        return Response({"token": token, "expiry": self.format_expiry_datetime(instance.expiry)})

    def _second_factor(self, request, user, code):
        if not twofactor.has_device(user):
            raise BanliError("second_factor_not_enrolled", "您的岗位须启用双因素认证：请先在网页登录，按提示用手机完成设置，再取得令牌。",
                             "Your role requires two-factor authentication: log in on the web first and set it up, then get a token.",
                             status=403)
        if not code:
            raise invalid("otp", "请填写手机验证器上的 6 位验证码（otp）。", "Enter the 6-digit code from your authenticator app (otp).")
        device, locked_until = twofactor.verify(user, code)
        if device is None:
            security_event("otp_failed", request=request._request, user=user, stage="api_token")
            if locked_until is not None:
                raise invalid("otp", "验证码错误次数过多，请稍后再试。", "Too many wrong codes; wait a little and try again.")
            raise invalid("otp", "验证码不正确。", "Wrong code.")


class _Revoke(APIView):
    authentication_classes = [TokenAuthentication]

    def _done(self, request, count):
        security_event("token_revoked", request=request._request, user=request.user, reason="logout", count=count)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenLogoutView(_Revoke):
    @extend_schema(request=None, responses={204: None, 401: _BAD_TOKEN}, summary="作废本令牌")
    def post(self, request, format=None):
        request.auth.delete()
        return self._done(request, 1)


class TokenLogoutAllView(_Revoke):
    @extend_schema(request=None, responses={204: None, 401: _BAD_TOKEN}, summary="作废本人全部令牌")
    def post(self, request, format=None):
        count, _ = get_token_model().objects.filter(user=request.user).delete()
        return self._done(request, count)
