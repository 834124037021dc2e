"""Background jobs of the cockpit (run by `steward worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_findings_job() -> int:
    """Recompute every finding rule's findings (and, after a quarter closed, freeze its key
    figures once); returns how many findings were found."""
    from datetime import date

    from steward.cockpit import reports, services

    reports.snapshot_closed_quarter(date.today())
    run = services.findings_refresh()
    return run.findings.count()


def refresh_findings_requested() -> bool:
    """Ask for a refresh unless one is already waiting or running; True when one was queued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path__endswith="refresh_findings_job", status__in=["READY", "RUNNING"]
    ).exists()
    if waiting:
        return False
    refresh_findings_job.enqueue()
    return True
