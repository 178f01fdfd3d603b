"""gunicorn's settings for Banli (issue 16.1): `gunicorn -c deploy/gunicorn.conf.py banli.wsgi`.

Used by banli-web.service, by `make stack` and by the load test (bench/load). Each value can be
overridden from the environment (deploy/banli.env.example) or on the command line (-b, -w).

- Sync workers: nginx reads the whole request body before passing it on and buffers the answer, so
  a slow client never holds a worker; a request is then CPU plus short database waits.
- preload_app: the application is imported once in the master, and importing banli.wsgi warms
  what Django otherwise builds on a worker's first request (URLs, templates, catalogues; see its
  docstring): workers fork with it done, instead of each paying it on its first request.
  Mind: with preload, a HUP does not load new code; an upgrade restarts the service.
- max_requests with jitter: each worker is replaced after about a thousand requests (memory that a
  big export left behind is returned), never all at once.
- timeout: a request still running after 30 s is killed (a stuck query must not hold a worker for
  ever; exports and dossiers run in the Celery worker, not here). nginx waits longer (60 s), so the
  operator sees gunicorn's log line for it and the client a 502.
- graceful_timeout: on stop (SIGTERM from systemd) a worker finishes its request for up to 30 s."""

import multiprocessing
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# banli.wsgi lives in src/ (the project is not installed into the virtualenv as a package).
pythonpath = str(REPO / "src")


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use, not the host's
    except AttributeError:
        return multiprocessing.cpu_count()


wsgi_app = "banli.wsgi:application"
bind = [os.environ.get("BANLI_BIND", "unix:/run/banli/gunicorn.sock")]
workers = _int("BANLI_WORKERS", 2 * _cores() + 1)
worker_class = "sync"
preload_app = True
max_requests = _int("BANLI_MAX_REQUESTS", 1000)
max_requests_jitter = _int("BANLI_MAX_REQUESTS_JITTER", max(1, max_requests // 10))
timeout = _int("BANLI_WORKER_TIMEOUT", 30)
graceful_timeout = _int("BANLI_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# The socket is for nginx only: the group (www-data is added to it) may connect, others not.
umask = 0o007
# nginx on this machine is the only client; X-Forwarded-* are read by Django (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = "127.0.0.1,::1"
proc_name = "banli-web"

# One line per request on stdout (the journal), carrying the request id nginx set or passed on
# (X-Request-ID; the same id is in nginx's log and in Banli's own log lines), so one request can
# be followed through all three. %(M)s: the duration in milliseconds.
accesslog = os.environ.get("BANLI_GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s "%({x-forwarded-for}i)s" "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}i)s "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("BANLI_GUNICORN_LOG_LEVEL", "info")
capture_output = True


def child_exit(server, worker):
    """A worker that left (max_requests, a crash): its metrics files stop counting as live
    (banli.observe.metrics; PROMETHEUS_MULTIPROC_DIR is set by banli-web.service and make stack)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
