"""Celery for production: a worker and beat on Redis run the daily scan and deliver the outbox.
Without BANLI_CELERY_BROKER (the embedded default) tasks run in-process instead."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banli.settings")

app = Celery("banli")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["banli.deadlines", "banli.reports", "banli.imports"])
