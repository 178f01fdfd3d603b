"""Banli settings: one module; the environment is read through small typed parsers that fail loudly."""

import datetime
import os
import tempfile
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name) or default
    if raw not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def env_hours(name: str, default: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """A daily window "HH:MM-HH:MM" (may wrap past midnight); empty or "off" means none."""
    raw = os.environ.get(name, default).strip()
    if raw.lower() in ("", "off", "none"):
        return None
    try:
        start, end = raw.split("-")
        window = tuple(tuple(int(x) for x in part.strip().split(":")) for part in (start, end))
        if any(len(t) != 2 or not (0 <= t[0] < 24 and 0 <= t[1] < 60) for t in window) or window[0] == window[1]:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(f"{name} must look like 21:00-08:00 (or be empty for none), got {raw!r}") from None
    return window


DEBUG = env_bool("BANLI_DEBUG", False)
# Production mode (BANLI_PRODUCTION=1): HTTPS only behind a proxy; see "Transport and headers" below.
PRODUCTION = env_bool("BANLI_PRODUCTION", False)
# The embedded default is a laptop or a single office PC; production must set its own key.
DEV_SECRET_KEY = "banli-dev-insecure-key-change-me"
SECRET_KEY = env_str("BANLI_SECRET_KEY", DEV_SECRET_KEY if not PRODUCTION else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("BANLI_SECRET_KEY must be set when BANLI_PRODUCTION is set")
if PRODUCTION:
    # What Django's check --deploy asks (security.W009), refused at start rather than warned of:
    # the key signs sessions and password-reset links.
    if SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure-") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "BANLI_SECRET_KEY must be a random key of at least 50 characters in production, e.g. "
            'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    if DEBUG:
        raise ImproperlyConfigured("BANLI_DEBUG must be off when BANLI_PRODUCTION is set: debug pages show settings and data")
ALLOWED_HOSTS = env_list("BANLI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("BANLI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Login lockout (issue 15.1); before banli.org, whose failed-login receiver reads what axes counted.
    "axes",
    "rest_framework",
    # Two-factor authentication and expiring API tokens (issue 15.1; banli.org.twofactor,
    # banli.api.views.tokens). Before banli.api, whose admin.py replaces their admin pages.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_htmx",
    "banli.audit",
    "banli.workdays",
    "banli.org",
    "banli.proposals",
    "banli.notify",
    "banli.deadlines",
    "banli.api",
    "banli.web",
    "banli.reports",
    "banli.assessment",
    "banli.portal",
    "banli.search",
    "banli.paper",
    "banli.drafting",
    "banli.imports",
    # Backup and restore of the database and the attachment files (issue 15.7): manage.py backup / restore.
    "banli.ops",
    # Idempotency keys of the creating steps (issue 15.5): a retry creates nothing twice.
    "banli.idempotency",
]

MIDDLEWARE = [
    # First: a body over the limit is answered 413 from its headers, before anything reads it (issue 15.4).
    "banli.body_limit.BodyLimitMiddleware",
    # First: behind the proxy, the client's address from X-Forwarded-For for all that follows (issue 15.3).
    "banli.web.headers.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every page (issue 15.3)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified() (two-factor, issue 15.1)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # no-store on a signed-in user's answers, Permissions-Policy (issue 15.3); needs request.user.
    "banli.web.headers.SecurityHeadersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Session timeouts, then a forced password change, then the lockout answer (issue 15.1).
    "banli.web.session_timeout.SessionTimeoutMiddleware",
    # Two-factor: an unverified person who needs the code reaches only the login steps (issue 15.1).
    "banli.web.second_factor.SecondFactorMiddleware",
    "banli.web.password_gate.PasswordChangeMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that an answer they give has the user's language, session and menu.
    "banli.middleware.RejectNulBytesMiddleware",
    "banli.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "banli.urls"
WSGI_APPLICATION = "banli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "banli.web.context.chrome",
            ],
        },
    },
]

_default_db = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE takes the write lock at BEGIN,
    # which on SQLite stands in for select_for_update (a no-op there) and serialises actions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Django's backend, with the writers of one process queued in turn before SQLite's lock, so
    # that a burst of writes waits its turn instead of some of it timing out (issue 15.6; why: banli/ops/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "banli.ops.sqlite"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Test databases are files, not memory, so that a real Celery worker process can share one;
    # one per process, so that two test runs side by side never share a file.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"banli-test-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] not in ("django.db.backends.postgresql",):
    raise ImproperlyConfigured("DATABASE_URL must name SQLite or PostgreSQL")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Message ids are the Chinese text (the language every user starts in); locale/en holds English.
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("BANLI_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Attachments: what the office accepts, and how large.
BANLI_UPLOAD_MAX_BYTES = int(env_str("BANLI_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
BANLI_UPLOAD_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".txt": "text/plain",
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Request bodies (issue 15.4, banli/body_limit.py): a multipart body (uploads) and any other (a form,
# JSON) above these are answered 413 before they are read; the upload handler stops a body whose
# length was not declared at the same limit. Office files are checked inside too (banli/uploads.py).
BANLI_BODY_MAX_BYTES = int(env_str("BANLI_BODY_MAX_BYTES", str(50 * 1024 * 1024)))
BANLI_FORM_MAX_BYTES = int(env_str("BANLI_FORM_MAX_BYTES", str(1024 * 1024)))
BANLI_JSON_MAX_BYTES = BANLI_FORM_MAX_BYTES
BANLI_UPLOAD_ZIP_MAX_BYTES = int(env_str("BANLI_UPLOAD_ZIP_MAX_BYTES", str(100 * 1024 * 1024)))
BANLI_UPLOAD_ZIP_MAX_RATIO = int(env_str("BANLI_UPLOAD_ZIP_MAX_RATIO", "100"))
BANLI_UPLOAD_IMAGE_MAX_PIXELS = int(env_str("BANLI_UPLOAD_IMAGE_MAX_PIXELS", "50000000"))
FILE_UPLOAD_HANDLERS = [
    "banli.body_limit.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# The year-end assessment's defaults for a new year's scheme (the office changes them per year on
# the scheme page): how many advanced units (先进单位), the bonus of each tier, and whether a unit
# with any overdue milestone cannot be advanced ("exclude") or drops one tier ("drop_tier").
BANLI_ADVANCED_UNITS = int(env_str("BANLI_ADVANCED_UNITS", "12"))
BANLI_ADVANCED_BONUSES = [float(x) for x in env_str("BANLI_ADVANCED_BONUSES", "0.3,0.2,0.1").split(",")]
BANLI_ADVANCED_OVERDUE_RULE = env_str("BANLI_ADVANCED_OVERDUE_RULE", "exclude")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "banli.api.auth.authentication.TokenAuthentication",  # django-rest-knox: digests only, expiring
    ],
    # PasswordIsCurrent: a token's owner with an initial or expired password is sent to the web first (issue 15.1).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "banli.web.password_gate.PasswordIsCurrent"],
    # Every operation documents its error answers too (issue 15.4, schema fuzzing): banli.api.schema.
    "DEFAULT_SCHEMA_CLASS": "banli.api.schema.BanliAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "banli.api.pagination.ItemPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "banli.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # JSON bounded in size and nesting, so a deep or huge body is a 4xx, not a server error (issue 15.4).
    "DEFAULT_PARSER_CLASSES": ["banli.api.parsers.BoundedJSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Banli 提案办理系统 API",
    "DESCRIPTION": "Items (提案/建议), their handling steps, and reference data.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # An assessment year's state beside an item's: named apart so that neither is renamed.
    "ENUM_NAME_OVERRIDES": {"SchemeStateEnum": "banli.assessment.models.Scheme.State",
                            # An item's state and a milestone's kind, named for what they are (not StateC74Enum).
                            "ItemStateEnum": "banli.proposals.models.ItemState",
                            "MilestoneKindEnum": "banli.deadlines.models.Milestone",
                            "ReplyRecommendationEnum": "banli.proposals.models.Reply.Recommendation",
                            "RecommendationInputEnum": ["publish", "withhold"]},
}

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

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

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
# DRF's browsable API is a developer's tool whose pages carry an inline event handler (its logout
# link), which the CSP blocks: production answers the API in JSON only, unless asked for.
if PRODUCTION and not env_bool("BANLI_BROWSABLE_API", False):
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.JSONRenderer"]
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BANLI_LOG_LEVEL", "WARNING")},
}


# Notifications (DOMAIN.md §5): in-app always; SMS and e-mail through the outbox, delivered by
# banli.notify.outbox.deliver_due() with retries and exponential backoff.
BANLI_NOTIFY_MAX_ATTEMPTS = env_int("BANLI_NOTIFY_MAX_ATTEMPTS", 5, minimum=1)
BANLI_NOTIFY_RETRY_SECONDS = env_int("BANLI_NOTIFY_RETRY_SECONDS", 300, minimum=1)  # first retry; doubles each time
BANLI_NOTIFY_RETRY_MAX_SECONDS = env_int("BANLI_NOTIFY_RETRY_MAX_SECONDS", 6 * 3600, minimum=1)
# Transactional outbox (issue 15.5): the rows are written in the action's transaction; after it
# commits a delivery pass starts (Celery task with a broker, else a thread). Off: beat, the scan or
# `manage.py deliver_notifications` deliver them alone.
BANLI_NOTIFY_DELIVER_ON_COMMIT = env_bool("BANLI_NOTIFY_DELIVER_ON_COMMIT", True)
# Idempotency keys (issue 15.5, banli.idempotency): how long a key answers a retry, in hours.
BANLI_IDEMPOTENCY_HOURS = env_int("BANLI_IDEMPOTENCY_HOURS", 24, minimum=24)
# No SMS in this local-time window (TIME_ZONE, Asia/Shanghai); held until it ends. E-mail is not held.
BANLI_SMS_QUIET_HOURS = env_hours("BANLI_SMS_QUIET_HOURS", "21:00-08:00")
# Except deadline reminders and urge notices, SMS and e-mail come once a day as a digest
# (banli.notify.digest), queued by the first delivery pass after this local hour (0-23).
BANLI_DIGEST_HOUR = env_int("BANLI_DIGEST_HOUR", 17, minimum=0)
# Where the digest's links point: this installation's address as its users reach it.
BANLI_SITE_URL = env_str("BANLI_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# SMS gateway: "outbox" (development: marks the message sent without sending it), "http" (the
# generic HTTP adapter below), or the dotted path of a gateway class.
BANLI_SMS_BACKEND = env_str("BANLI_SMS_BACKEND", "outbox")
BANLI_SMS_HTTP_URL = env_str("BANLI_SMS_HTTP_URL", "")
BANLI_SMS_HTTP_FORMAT = env_choice("BANLI_SMS_HTTP_FORMAT", "json", ("json", "form"))
# The request body; {phone}, {text}, {id}, {user}, {password}, {token} are filled in after parsing,
# so a text with quotes or ampersands cannot break the JSON or the form.
BANLI_SMS_HTTP_BODY = env_str(
    "BANLI_SMS_HTTP_BODY",
    '{"mobile": "{phone}", "content": "{text}", "id": "{id}"}' if BANLI_SMS_HTTP_FORMAT == "json" else "mobile={phone}&content={text}&id={id}",
)
BANLI_SMS_HTTP_USER = env_str("BANLI_SMS_HTTP_USER", "")
BANLI_SMS_HTTP_PASSWORD = env_str("BANLI_SMS_HTTP_PASSWORD", "")
BANLI_SMS_HTTP_BASIC_AUTH = env_bool("BANLI_SMS_HTTP_BASIC_AUTH", False)  # send user/password as HTTP Basic
BANLI_SMS_HTTP_TOKEN = env_str("BANLI_SMS_HTTP_TOKEN", "")  # sent verbatim in the header below when set
BANLI_SMS_HTTP_TOKEN_HEADER = env_str("BANLI_SMS_HTTP_TOKEN_HEADER", "Authorization")
BANLI_SMS_HTTP_SUCCESS_TEXT = env_str("BANLI_SMS_HTTP_SUCCESS_TEXT", "")  # if set, a 2xx body must also contain it
BANLI_SMS_HTTP_TIMEOUT = env_int("BANLI_SMS_HTTP_TIMEOUT", 10, minimum=1)

# E-mail through Django's mail. The embedded install writes messages to files; production sets
# BANLI_EMAIL_BACKEND=smtp and the host. (Tests swap in Django's in-memory backend.)
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}
_email_backend = env_str("BANLI_EMAIL_BACKEND", "file")
if _email_backend not in _EMAIL_BACKENDS and "." not in _email_backend:
    raise ImproperlyConfigured(f"BANLI_EMAIL_BACKEND must be smtp, file, console or a dotted path, got {_email_backend!r}")
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_email_backend, _email_backend)
EMAIL_FILE_PATH = env_str("BANLI_EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env_str("BANLI_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("BANLI_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("BANLI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("BANLI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("BANLI_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("BANLI_EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("BANLI_EMAIL_USE_TLS and BANLI_EMAIL_USE_SSL exclude each other")
EMAIL_TIMEOUT = env_int("BANLI_EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("BANLI_EMAIL_FROM", "Banli 提案办理 <banli@localhost>")
BANLI_EMAIL_SUBJECT_PREFIX = env_str("BANLI_EMAIL_SUBJECT_PREFIX", "【提案办理】")
# A forgotten password: the login page offers a reset link by e-mail (to the account's address).
# Off where the installation sends no e-mail: then only the office resets passwords.
BANLI_PASSWORD_RESET_BY_EMAIL = env_bool("BANLI_PASSWORD_RESET_BY_EMAIL", True)
PASSWORD_RESET_TIMEOUT = env_int("BANLI_PASSWORD_RESET_SECONDS", 24 * 3600, minimum=600)  # how long a reset link works

# The cache: the public site's pages (banli.portal.cache). With several app processes it must be
# shared, or a revoked publication would still be served by the processes that cached it:
# production sets BANLI_CACHE=redis://host:6379/1. The embedded default is per process (one process).
_cache_url = env_str("BANLI_CACHE", "")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url, "KEY_PREFIX": "banli"}
          if _cache_url else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "banli"}}

# Background work. Production: BANLI_CELERY_BROKER=redis://host:6379/0, then run
#   celery -A banli worker -l info   and   celery -A banli beat -l info
# Embedded default (no broker): tasks run in-process, and `make run` runs the scan on a timer.
_broker = env_str("BANLI_CELERY_BROKER", "")
CELERY_BROKER_URL = _broker or "memory://"
CELERY_RESULT_BACKEND = env_str("BANLI_CELERY_RESULTS", _broker) or None
CELERY_TASK_ALWAYS_EAGER = not _broker
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves the task for another
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # Before the office opens, so the day's reminders are waiting at 08:00.
    "daily-deadline-scan": {"task": "banli.daily_scan", "schedule": crontab(hour=7, minute=30)},
    "deliver-outbox": {"task": "banli.deliver_outbox", "schedule": 60.0},
}
