"""Security settings (等保2.0 level 3, issue 15): passwords, login lockout, sessions, two-factor
authentication and API tokens, transport and headers. Imported whole by banli.settings."""

import datetime

from banli.conf.env import env_bool, env_int, env_str  # noqa: F401

# Production mode (BANLI_PRODUCTION=1): HTTPS only behind a proxy; see "Transport and headers" below.
PRODUCTION = env_bool("BANLI_PRODUCTION", False)

# Checked wherever a person or the office types a password (系统管理, 我的账户, the reset link, the
# admin, changepassword): accounts open case data and contact details, so not all digits, not a
# common password, not the username. 等保2.0 level 3 asks for complexity (复杂度): 10 characters of
# at least 3 of the 4 classes (upper, lower, digit, symbol), the usual reading of assessors and of
# GB/T 22239-2019 8.1.4.1 a); more than 8 because 8 of 3 classes falls to an offline search of a
# stolen hash in days. banli.org.passwords says why each rule.
BANLI_PASSWORD_MIN_LENGTH = env_int("BANLI_PASSWORD_MIN_LENGTH", 10, minimum=8)
BANLI_PASSWORD_MIN_CLASSES = env_int("BANLI_PASSWORD_MIN_CLASSES", 3, minimum=1)
# Days a password lasts before its owner must change it; 0 = no limit (90 is the usual 等保 choice).
BANLI_PASSWORD_MAX_DAYS = env_int("BANLI_PASSWORD_MAX_DAYS", 0, minimum=0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "banli.org.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": BANLI_PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "banli.org.passwords.UsernameValidator"},
    {"NAME": "banli.org.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": BANLI_PASSWORD_MIN_CLASSES}},
]

# --- Login lockout and session timeouts (issue 15.1; banli.org.lockouts, banli.web.session_timeout) ---
# django-axes counts failed logins at every door that authenticates (/login/, /admin/login/,
# /api/token/): an account is locked after BANLI_LOGIN_FAILURE_LIMIT failures, an address after
# BANLI_LOGIN_ADDRESS_FAILURE_LIMIT (higher, as a whole office may share one address), for
# BANLI_LOCKOUT_MINUTES; a success clears the account's count; the office unlocks at /office/lockouts/.
AUTHENTICATION_BACKENDS = [
    "banli.org.lockouts.LockoutBackend",  # first: refuses a locked account or address before any password check
    "django.contrib.auth.backends.ModelBackend",
]
BANLI_LOGIN_FAILURE_LIMIT = env_int("BANLI_LOGIN_FAILURE_LIMIT", 5, minimum=1)
BANLI_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("BANLI_LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
BANLI_LOCKOUT_MINUTES = env_int("BANLI_LOCKOUT_MINUTES", 30, minimum=1)
AXES_FAILURE_LIMIT = BANLI_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=BANLI_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_HANDLER = "banli.org.lockouts.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
# A try during the lock neither counts nor moves its end: the page's "30 minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "banli.web.lockout.lockout_response"
# The same address the security events record (REMOTE_ADDR, which the production proxy sets).
AXES_CLIENT_IP_CALLABLE = "banli.audit.security.client_address"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are security events (banli.audit.security) already
AXES_VERBOSE = False
# A logged-in session ends after BANLI_SESSION_IDLE_MINUTES without a request, and in any case
# BANLI_SESSION_MAX_HOURS after the login (the cookie's own age too).
BANLI_SESSION_IDLE_MINUTES = env_int("BANLI_SESSION_IDLE_MINUTES", 30, minimum=1)
BANLI_SESSION_MAX_HOURS = env_int("BANLI_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = BANLI_SESSION_MAX_HOURS * 3600

# --- Two-factor authentication and API tokens (issue 15.1; banli.org.twofactor, banli.api.views.tokens) ---
# The office, the assembly offices, unit leaders, district leaders and administrators must log in
# with a TOTP code besides the password; members, deputies and liaisons may choose to. Off only for
# the demo (`make run`) and the test suite, whose accounts have no phone.
BANLI_2FA_REQUIRED = env_bool("BANLI_2FA_REQUIRED", True)
OTP_TOTP_ISSUER = "提案办理"
# Wrong codes wait 1, 2, 4, 8 … seconds (per device; the password failures are axes's).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# API tokens: hours a token lasts from its issue (expired ones are refused and deleted).
BANLI_API_TOKEN_HOURS = env_int("BANLI_API_TOKEN_HOURS", 8, minimum=1)
REST_KNOX = {"AUTH_HEADER_PREFIX": "Token", "TOKEN_TTL": datetime.timedelta(hours=BANLI_API_TOKEN_HOURS), "AUTO_REFRESH": False}

# --- Transport and headers (issue 15.3; banli.web.headers) ---
# Production runs behind a proxy that ends TLS (nginx or the like) and must set X-Forwarded-Proto
# (overwriting what the client sent) and pass Host. Each switch has its own variable for the
# operator whose proxy already does that part (e.g. BANLI_SSL_REDIRECT=0 when the proxy redirects).
# The development mode (`make run`) stays plain http: none of this is on there.
SECURE_SSL_REDIRECT = env_bool("BANLI_SSL_REDIRECT", PRODUCTION)
# Trusted only behind the proxy: a client reaching the app directly could claim https.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BANLI_BEHIND_PROXY", PRODUCTION) else None
# How many proxies in front append to X-Forwarded-For: the client's address is taken from there
# (banli.web.headers.ClientAddressMiddleware) for the audit and the lockout; 0: REMOTE_ADDR as is.
BANLI_PROXY_COUNT = env_int("BANLI_PROXY_COUNT", 1 if SECURE_PROXY_SSL_HEADER else 0, minimum=0)
SECURE_HSTS_SECONDS = env_int("BANLI_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("BANLI_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
# Off unless the domain's owner decides: once on browsers' preload lists a domain is hard to take off.
SECURE_HSTS_PRELOAD = env_bool("BANLI_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("BANLI_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# The pages' script sends the token from the form's hidden field (banli.js posts the form's
# FormData), and the API docs get it in their script: no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# What banli.web.headers.SecurityHeadersMiddleware adds to every answer (django-csp does not).
BANLI_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# check --deploy warns (security.W021) whenever preload is off; off is the deliberate default above.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Content-Security-Policy (django-csp): scripts, styles, fonts and frames from this site only; no
# inline script or style anywhere (pages' script is in static/web/*.js; the API docs use drf-
# spectacular's split view). data: images for icons in stylesheets and inline QR codes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
