"""Banli settings. The environment is read through small typed parsers that fail loudly
(banli.conf.env); the security controls (banli.conf.security) and the messaging channels
(banli.conf.messaging) have modules of their own, imported here whole."""

import os
import tempfile
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from banli.conf.env import env_bool, env_choice, env_int, env_list, env_str  # noqa: F401

BASE_DIR = Path(__file__).resolve().parent.parent.parent  # the repository (banli.conf.env has the same)


DEBUG = env_bool("BANLI_DEBUG", False)
# Production mode (BANLI_PRODUCTION=1): HTTPS only behind a proxy (banli.conf.security).
from banli.conf.security import PRODUCTION  # noqa: E402

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
    # Health, metrics, structured logs (issue 16.2).
    "banli.observe",
]

MIDDLEWARE = [
    # Outermost (issue 16.2): the request id for every log line below, and the metrics of every
    # answer, the 413s and refusals of the middleware that follows included.
    "banli.observe.logs.RequestIdMiddleware",
    "banli.observe.metrics.MetricsMiddleware",
    "banli.observe.live.LivenessMiddleware",  # /health/live answered here, touching nothing below
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
            # |ymd and |ymd_hm in every template: the dates of every list (web/templatetags/dates.py).
            "builtins": ["banli.web.templatetags.dates"],
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

# Passwords, lockout, sessions, two-factor, tokens, transport and headers (等保2.0, issue 15).
from banli.conf.security import *  # noqa: E402,F401,F403

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
# Static file names carrying a hash of their content (style.3f2a9c1b7d4e.css): nginx then caches them
# for a year (deploy/nginx) and the app's service worker keeps them, yet an upgrade's new CSS is seen
# at once. Needs `collectstatic` before the app starts (it always runs in production and in
# `make stack`); off by default because `make test` and the check --deploy probes never collect.
if env_bool("BANLI_STATIC_HASHED", False):
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
# Who sends a stored file once Banli has checked access (banli.downloads): "nginx" answers with
# X-Accel-Redirect to the proxy's internal /protected/ location (deploy/nginx); empty: the app streams it.
BANLI_SENDFILE = env_choice("BANLI_SENDFILE", "", ("", "nginx"))

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

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# DRF's browsable API is a developer's tool whose pages carry an inline event handler (its logout
# link), which the CSP blocks: production answers the API in JSON only, unless asked for.
if PRODUCTION and not env_bool("BANLI_BROWSABLE_API", False):
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.JSONRenderer"]

# Health check limits, log format (issue 16.2).
from banli.conf.observe import *  # noqa: E402,F401,F403
from banli.observe.logs import logging_config  # noqa: E402

# One line per record with the request id (and task id in a worker): JSON or text (banli.observe.logs).
LOGGING = logging_config(fmt=BANLI_LOG_FORMAT, level=env_str("BANLI_LOG_LEVEL", "WARNING"), access=BANLI_ACCESS_LOG)  # noqa: F405


# Notifications, SMS and e-mail.
from banli.conf.messaging import *  # noqa: E402,F401,F403

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
