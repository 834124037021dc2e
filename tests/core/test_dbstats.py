"""`refresh_statistics` gives PostgreSQL's planner the tables' real sizes after a bulk load
(`ANALYZE`); on SQLite it sends nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core.dbstats import refresh_statistics
from steward.engineering.models import Deployment

pytestmark = pytest.mark.django_db(transaction=False)


def _estimated_rows() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'engineering_deployment'")
        return float(cursor.fetchone()[0])


def test_refresh_statistics() -> None:
    if connection.vendor != "postgresql":
        with CaptureQueriesContext(connection) as queries:
            refresh_statistics()
        assert len(queries) == 0
        return
    at = datetime(2026, 1, 5, tzinfo=UTC)
    Deployment.objects.bulk_create(
        Deployment(
            external_id=f"stats-{i}",
            repo_name="x",
            sha="a" * 40,
            finished_at=at,
            environment="production",
            status="success",
            source="demo",
        )
        for i in range(500)
    )
    stored = Deployment.objects.count()
    assert _estimated_rows() != stored  # the planner does not know the 500 new rows yet
    refresh_statistics()
    assert _estimated_rows() == stored
