"""Running a large import in the background (banli.background: a Celery task with a broker, a
thread of this process without one), so that the page answers at once and shows the progress."""

from banli import background

from .running import run

RUN_TASK = "banli.run_import"  # tasks.run_import


def dispatch(batch_id: int) -> None:
    background.dispatch(RUN_TASK, run, batch_id)
