"""Banli settings: one module; the environment is read through small typed parsers that fail loudly."""

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
# The embedded default is a laptop or a single office PC; production must set its own key.
SECRET_KEY = env_str("BANLI_SECRET_KEY", "banli-dev-insecure-key-change-me" if not os.environ.get("BANLI_PRODUCTION") else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("BANLI_SECRET_KEY must be set when BANLI_PRODUCTION is set")
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
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Test databases are files, not memory, so that a real Celery worker process can share one;
    # one per process, so that two test runs side by side never share a file.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"banli-test-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] not in ("django.db.backends.postgresql",):
    raise ImproperlyConfigured("DATABASE_URL must name SQLite or PostgreSQL")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Checked wherever a person or the office types a password (系统管理, 我的账户, the reset link):
# accounts open case data and contact details, so not all digits, not a common password, not the username.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

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

# The year-end assessment's defaults for a new year's scheme (the office changes them per year on
# the scheme page): how many advanced units (先进单位), the bonus of each tier, and whether a unit
# with any overdue milestone cannot be advanced ("exclude") or drops one tier ("drop_tier").
BANLI_ADVANCED_UNITS = int(env_str("BANLI_ADVANCED_UNITS", "12"))
BANLI_ADVANCED_BONUSES = [float(x) for x in env_str("BANLI_ADVANCED_BONUSES", "0.3,0.2,0.1").split(",")]
BANLI_ADVANCED_OVERDUE_RULE = env_str("BANLI_ADVANCED_OVERDUE_RULE", "exclude")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "banli.api.pagination.ItemPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "banli.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
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
    "ENUM_NAME_OVERRIDES": {"SchemeStateEnum": "banli.assessment.models.Scheme.State"},
}

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

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
