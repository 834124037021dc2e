"""Per-deployment shipped-commit times kept at link time, so the four keys never read commits.

`Deployment.shipped_times` holds the commit times (integer microseconds since 1970-01-01 UTC,
little-endian int64, ascending) of the reachable commits a deployment shipped first. It is
written by `services.deployments_link` in the same transaction as the links it summarizes, and
ingestion re-links a repository whenever its commits' reachability changes, so it always
equals what a read of the commit table would give (`recompute` is that read; the tests
compare them). Lead times then read one short blob per deployment of the period instead of
one commit row per shipped commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np
from django.db import connection

DTYPE = np.dtype("<i8")


def epoch_micros_sql(column: str) -> str:
    """SQL for a datetime column as integer microseconds since 1970-01-01 UTC.

    SQLite stores UTC text `YYYY-MM-DD HH:MM:SS[.ffffff]` (Django and ingestion alike);
    PostgreSQL's EXTRACT(EPOCH) is numeric (exact). `%%` because it runs with parameters."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) * 1000000 AS BIGINT)"
    return (
        f"(CAST(strftime('%%s', {column}) AS INTEGER) * 1000000"
        f" + CAST(substr({column}, 21, 6) AS INTEGER))"
    )


def pack(times: Iterable[int]) -> bytes:
    """Commit times (microseconds) as the stored blob, ascending."""
    return np.sort(np.fromiter(times, dtype=DTYPE)).astype(DTYPE).tobytes()


def unpack(blob: Any) -> np.ndarray:
    """The stored blob (bytes or memoryview; empty for none) as an int64 array."""
    return np.frombuffer(bytes(blob) if blob else b"", dtype=DTYPE)


def recompute(
    deployment_ids: Iterable[int] | None = None, repository_id: int | None = None
) -> dict[int, bytes]:
    """The blobs of the deployments (with at least one reachable shipped commit) from the
    commit table: of `deployment_ids`, or of all deployments of `repository_id`."""
    from steward.engineering.models import Commit

    table = connection.ops.quote_name(Commit._meta.db_table)
    true = "true" if connection.vendor == "postgresql" else "1"
    times: dict[int, list[int]] = defaultdict(list)
    sql = (
        f"SELECT c.deployment_id, {epoch_micros_sql('c.committed_at')} FROM {table} c "
        f"WHERE c.reachable = {true} AND c.deployment_id IS NOT NULL"
    )
    with connection.cursor() as cursor:
        if repository_id is not None:
            cursor.execute(sql + " AND c.repository_id = %s", [repository_id])
            rows = cursor.fetchall()
        else:
            ids = list(deployment_ids or [])
            rows = []
            for start in range(0, len(ids), 900):
                part = ids[start : start + 900]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(sql + f" AND c.deployment_id IN ({marks})", part)
                rows.extend(cursor.fetchall())
    for deployment_id, at in rows:
        times[deployment_id].append(at)
    return {pk: pack(values) for pk, values in times.items()}


def store(repository_id: int) -> None:
    """Write the blobs of every deployment of a repository (after its links changed)."""
    from steward.engineering.models import Deployment

    blobs = recompute(repository_id=repository_id)
    current = dict(
        Deployment.objects.filter(repository_id=repository_id).values_list("pk", "shipped_times")
    )
    table = connection.ops.quote_name(Deployment._meta.db_table)
    changes = [
        (blobs.get(pk, b""), pk)
        for pk, old in current.items()
        if bytes(old or b"") != blobs.get(pk, b"")
    ]
    if changes:
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET shipped_times = %s WHERE id = %s", changes)


def rebuild_all() -> int:
    """Write every deployment's blob from the commit table (the data migration); returns how
    many deployments have shipped commits. Raw SQL, so historical models need not match."""
    from steward.engineering.models import Commit, Deployment

    table = connection.ops.quote_name(Commit._meta.db_table)
    deployments = connection.ops.quote_name(Deployment._meta.db_table)
    true = "true" if connection.vendor == "postgresql" else "1"
    times: dict[int, list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.deployment_id, {epoch_micros_sql('c.committed_at')} FROM {table} c "
            f"WHERE c.reachable = {true} AND c.deployment_id IS NOT NULL".replace("%%", "%")
        )
        for deployment_id, at in cursor.fetchall():
            times[deployment_id].append(at)
        cursor.executemany(
            f"UPDATE {deployments} SET shipped_times = %s WHERE id = %s",
            [(pack(values), pk) for pk, values in times.items()],
        )
    return len(times)
