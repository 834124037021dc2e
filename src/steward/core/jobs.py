"""Daily background jobs: an app registers a django-tasks task here (from `AppConfig.ready()`),
and the job worker (`steward worker`, also started by `steward serve`) runs each once a day.

There is no scheduler process: when the worker starts, `queue_daily_jobs` queues the next run
of every registered job that has none waiting (at `DAILY_HOUR` local time, the next such hour
to come); a daily job queues its own next run when it has run (`queue_next_run`), so one run is
always waiting. A worker that was down runs the missed run once when it starts again.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.module_loading import import_string

from steward.core.registry import Registry

# The local hour at which daily jobs run.
DAILY_HOUR = 3

# name -> dotted path of the task (imported when queued, so registering imports nothing).
DAILY_JOBS: Registry[str] = Registry("daily job")


def register_daily_job(name: str, task_path: str) -> None:
    """Run the django-tasks task at `task_path` once a day."""
    DAILY_JOBS.register(name, task_path)


def next_run(now: datetime | None = None) -> datetime:
    """The next `DAILY_HOUR` o'clock, local time, after `now`."""
    now = timezone.localtime(now or timezone.now())
    at = timezone.make_aware(
        datetime.combine(now.date(), time(DAILY_HOUR)), timezone.get_current_timezone()
    )
    return at if at > now else at + timedelta(days=1)


def _waiting(task: Any) -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY").exists()


def queue_next_run(task: Any, now: datetime | None = None) -> bool:
    """Queue the next daily run of `task` unless one is waiting; True when one was queued."""
    if _waiting(task):
        return False
    task.using(run_after=next_run(now)).enqueue()
    return True


def queue_daily_jobs(now: datetime | None = None) -> list[str]:
    """Queue the next run of every registered daily job that has none waiting (the worker
    calls this when it starts); returns the names of the jobs queued."""
    return [
        name for name, path in DAILY_JOBS.items() if queue_next_run(import_string(path), now=now)
    ]
