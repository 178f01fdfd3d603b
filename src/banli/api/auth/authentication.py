"""API tokens (django-rest-knox): `Authorization: Token <key>`. Knox stores only a digest of each
key, so a key is shown once, by POST /api/token/, and never again (not in the admin, not in the
database); each token has an expiry (BANLI_API_TOKEN_HOURS) and an expired one is deleted on its
next use. Issuing and revoking are in api/views/tokens.py; revocation on a password change in
api/auth/revocation.py.

A module of its own (not views/tokens.py) because DRF imports the authentication classes named
in the settings while knox's views are being defined."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's, with the refusal in Chinese first (the exception handler adds the code)."""

    def authenticate_credentials(self, token):
        try:
            return super().authenticate_credentials(token)
        except exceptions.AuthenticationFailed:
            raise exceptions.AuthenticationFailed("令牌无效、已过期或已作废，请重新获取。") from None

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("令牌无效、已过期或已作废，请重新获取。") from None


class TokenScheme(OpenApiAuthenticationExtension):
    """How the schema names the token (so that clients and schemathesis send it)."""

    target_class = "banli.api.auth.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <key>：由 POST /api/token/ 取得，过期时间见其 expiry。"}
