# The Celery app loads with Django, so shared tasks bind to its settings (eager when no broker).
from .celery import app as celery_app

__all__ = ["celery_app"]
