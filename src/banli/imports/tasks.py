from celery import shared_task

from .running import run
from .jobs import RUN_TASK


@shared_task(name=RUN_TASK)
def run_import(batch_id: int) -> dict:
    return run(batch_id)
