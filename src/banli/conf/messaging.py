"""Notification settings: the outbox, SMS and e-mail channels, the digest, password reset by
e-mail. Imported whole by banli.settings."""

from django.core.exceptions import ImproperlyConfigured

from banli.conf.env import BASE_DIR, env_bool, env_choice, env_hours, env_int, env_str

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
