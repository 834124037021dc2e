"""Background jobs of the talent app (run by `steward worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def purge_candidates_job() -> int:
    """Daily: erase the personal data of candidates past their retention date who have no open
    application (an anonymous stub stays, so funnel counts do not change), then queue the next
    day's run. Returns how many candidates were erased."""
    from steward.core.actors import SYSTEM
    from steward.core.jobs import queue_next_run
    from steward.talent.services import candidates_purge_expired

    try:
        return len(candidates_purge_expired(actor=SYSTEM))
    finally:
        queue_next_run(purge_candidates_job)
