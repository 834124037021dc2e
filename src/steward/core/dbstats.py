"""Planner statistics after bulk loads.

PostgreSQL plans from statistics that `ANALYZE` gathers (autovacuum runs it some time after
tables change, and not at all where autovacuum is off). Until then a table loaded in bulk looks
empty or tiny to the planner, which then prefers sequential scans: on a demo database never
analysed, counting the commits of a page of deployments (`deployment_id IN (...)`) read the
whole commit table (29 ms at 30,000 commits, growing with every commit) instead of the
`deployment_id` index (0.15 ms). SQLite plans from its indexes without statistics, so this does
nothing there.
"""

from __future__ import annotations

from django.db import connection


def refresh_statistics() -> None:
    """`ANALYZE` the database on PostgreSQL (a few seconds at a million commits); SQLite: no-op.

    Call it after a bulk load (the demo, an ingestion that stored commits), outside the
    load's transaction."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
