"""Median time and query count of the work-item and investment pages on the demo company
(target, issue 16: under 200 ms).

Runs in-process against the demo database in STEWARD_HOME (build it first with
`steward demo --no-serve`) through Django's test client, as the CTO (who sees people cost per
category) and as an engineer (who does not). The baseline is `/healthz` measured in the same
run, so the ratio shows what each page costs beyond the floor on a machine of any speed. The
alignment page is measured with and without the investment panel worktracking adds to it. The
investment figures are kept in Django's cache until the audit log moves (a write); the last
line is their computation afresh, which the first request after a write pays.

    STEWARD_HOME=/path/to/demo python bench/investment_pages.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

PERIOD = "from=2026-08-29&to=2026-11-27"
PATHS = [
    ("cto", "/healthz"),
    ("cto", "/work/items/"),
    ("engineer", "/work/items/"),
    ("cto", f"/work/investment/?{PERIOD}"),
    ("engineer", f"/work/investment/?{PERIOD}"),
    ("cto", "/work/investment/rules/"),
    ("cto", f"/api/v1/worktracking/investment?{PERIOD}"),
    ("engineer", f"/strategy/alignment/?{PERIOD}"),
]


def main() -> None:
    """Request every path `rounds` times; print medians, ratios to /healthz and queries."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from steward.core import registry
    from steward.worktracking.models import InvestmentRule, Review, WorkItem

    clients = {}
    for role in ("cto", "engineer"):
        clients[role] = Client(HTTP_HOST="localhost")
        clients[role].force_login(User.objects.get(username=role))
    print(
        f"{WorkItem.objects.count()} work items, {Review.objects.count()} reviews, "
        f"{InvestmentRule.objects.count()} rules in the demo"
    )

    def measure(role: str, path: str) -> tuple[float, int]:
        client = clients[role]
        client.get(path)  # warm caches and imports
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        return statistics.median(times), len(queries)

    results = [(role, path, *measure(role, path)) for role, path in PATHS]
    alignment = f"/strategy/alignment/?{PERIOD}"
    entry = registry.page_panel_providers["strategy:alignment"]
    saved = entry.items()
    for name, _provider in saved:
        entry.unregister(name)
    try:
        results.append(("engineer", alignment + " (no panel)", *measure("engineer", alignment)))
    finally:
        for name, provider in saved:
            entry.register(name, provider)
    # The first request after a write computes the figures (then kept until the data moves).
    from datetime import date

    from steward.worktracking import investment

    start, end = date(2026, 8, 29), date(2026, 11, 27)
    cold = []
    for _ in range(max(3, args.rounds // 4)):
        started = time.perf_counter()
        effort = investment._effort(start, end)
        investment._cost_figures(
            start, end, effort["cells"], sorted(effort["totals"]), effort["item_cells"]
        )
        cold.append((time.perf_counter() - started) * 1000)
    base = results[0][2]
    for role, path, ms, count in results:
        print(f"{ms:9.1f} ms  {ms / base:7.1f}x healthz  {count:3d} queries  {role:8s}  {path}")
    cold_ms = statistics.median(cold)
    print(
        f"{cold_ms:9.1f} ms  {cold_ms / base:7.1f}x healthz  the figures computed afresh (uncached)"
    )
    worst = max(ms for _role, path, ms, _n in results if path.startswith("/work/"))
    print(f"items and investment pages (< 200 ms median): {'met' if worst < 200 else 'NOT met'}")


if __name__ == "__main__":
    main()
