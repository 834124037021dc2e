"""Background jobs of the engineering app (run by `steward worker`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django_tasks import task


@task()
def ingest_git_job(paths: list[str], team: str | None = None) -> list[dict[str, Any]]:
    """Ingest git repositories in the background; the same code as `steward ingest git`."""
    from steward.core.dbstats import refresh_statistics
    from steward.engineering.ingest import ingest_paths

    results = ingest_paths(paths, team_slug=team)
    if any(r.new_commits for r in results):
        refresh_statistics()  # PostgreSQL: plans for the tables as they now are
    return [asdict(r) for r in results]
