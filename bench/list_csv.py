"""Speed of the converted engineering lists on the demo company: the deployments CSV written
straight from the records (`DeploymentTable.csv_values`) against django-tables2's cell-by-cell
export (`as_values`, the baseline, measured in the same run), and the deployments page.

Runs in-process against the demo database in STEWARD_HOME (build it first with
`steward demo --no-serve`). Checks that both CSV ways give the same rows, then prints the
median CPU milliseconds of `--rounds` and the queries of each request.

    STEWARD_HOME=/path/to/demo python bench/list_csv.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def _median_cpu_ms(call: Callable[[], Any], rounds: int) -> float:
    call()  # warm caches and imports
    times = []
    for _ in range(rounds):
        started = time.process_time()
        call()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    os.environ.setdefault("STEWARD_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from steward.core.tables import StewardTable
    from steward.engineering.tables import DeploymentTable

    cto = User.objects.get(username="cto")
    client = Client()
    client.force_login(cto)
    period = "from=2016-12-01&to=2026-11-30"  # ten years: every demo deployment
    csv_url = f"/engineering/delivery/deployments/export.csv?{period}"

    def csv() -> bytes:
        response = client.get(csv_url)
        assert response.status_code == 200
        return response.content

    def cell_by_cell() -> bytes:
        fast = DeploymentTable.csv_values
        DeploymentTable.csv_values = StewardTable.csv_values  # type: ignore[method-assign]
        try:
            return csv()
        finally:
            DeploymentTable.csv_values = fast  # type: ignore[method-assign]

    assert csv() == cell_by_cell(), "the two CSV ways differ"
    rows = csv().count(b"\n") - 1

    def page() -> Any:
        response = client.get(f"/engineering/delivery/deployments/?{period}")
        assert response.status_code == 200
        return response

    for name, call in (("csv", csv), ("page", page)):
        with CaptureQueriesContext(connection) as queries:
            call()
        print(f"{name}: {len(queries)} queries")
    fast_ms = _median_cpu_ms(csv, args.rounds)
    slow_ms = _median_cpu_ms(cell_by_cell, args.rounds)
    page_ms = _median_cpu_ms(page, args.rounds)
    print(f"deployments CSV, {rows:,} rows, identical both ways")
    print(f"  csv_values: {fast_ms:.0f} ms CPU; as_values (baseline): {slow_ms:.0f} ms CPU")
    print(f"  ratio {fast_ms / slow_ms:.2f}")
    print(f"deployments page (100 rows of {rows:,}): {page_ms:.0f} ms CPU")


if __name__ == "__main__":
    main()
