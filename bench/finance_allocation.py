"""Cost allocation speed: effort from one grouped query against the per-commit attribution it
replaced, on the demo company (issue 12: finance pages under 200 ms).

Runs in-process against the demo database in STEWARD_HOME (build it first with
`steward demo --no-serve`). For the fiscal year to date it times, `--rounds` times each:
- `effort_cells_per_commit`: one row per commit, attributed in Python (the old way, the
  baseline measured in the same run on the same machine);
- `effort_cells`: engineering's grouped query (commits counted per person, day and link keys);
- `effort_cells_cached`: the cells stored once per data change, read back;
- the allocation report end to end (`allocation_report`) with each of the three, and
  `cost_allocation`, which stores the whole report once per data change and reads it back;
- the page `/finance/allocation/` signed in as the CTO, and `/healthz` as the floor.
Prints medians and the ratios, and checks that both ways give the same cells.

    STEWARD_HOME=/path/to/demo python bench/finance_allocation.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def median_ms(fn: Callable[[], Any], rounds: int) -> float:
    """The median wall time of `fn` in milliseconds (after one warm-up call)."""
    fn()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    """Time both ways and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client
    from django.utils import timezone

    from steward.core.policy import SYSTEM
    from steward.finance import selectors

    today = timezone.localdate()
    fy = selectors.fiscal_year_of(actor=SYSTEM, day=today)
    start, end = fy.start, min(fy.end, today)
    grouped = selectors.effort_cells(start, end)
    per_commit = selectors.effort_cells_per_commit(start, end)
    assert grouped == per_commit, "the grouped cells differ from the per-commit ones"
    commits = sum(1 for _ in __import__(
        "steward.engineering.selectors", fromlist=["commit_evidence"]
    ).commit_evidence(start=start, end=end))  # fmt: skip
    print(f"FY{fy.year} {start} to {end}: {commits:,} commits, {len(grouped):,} effort cells")

    results: dict[str, float] = {}
    results["effort, per commit (baseline)"] = median_ms(
        lambda: selectors.effort_cells_per_commit(start, end), args.rounds
    )
    results["effort, grouped query"] = median_ms(
        lambda: selectors.effort_cells(start, end), args.rounds
    )
    results["effort, stored (read once computed)"] = median_ms(
        lambda: selectors.effort_cells_cached(start, end), args.rounds
    )

    def allocation() -> None:
        selectors.allocation_report(actor=SYSTEM, start=start, end=end)

    cached = selectors.effort_cells_cached
    try:
        selectors.effort_cells_cached = selectors.effort_cells_per_commit  # type: ignore[assignment]
        results["allocation, per-commit effort (baseline)"] = median_ms(allocation, args.rounds)
        selectors.effort_cells_cached = selectors.effort_cells  # type: ignore[assignment]
        results["allocation, grouped query"] = median_ms(allocation, args.rounds)
    finally:
        selectors.effort_cells_cached = cached  # type: ignore[assignment]
    results["allocation, stored effort"] = median_ms(allocation, args.rounds)
    results["cost_allocation, stored report"] = median_ms(
        lambda: selectors.cost_allocation(actor=SYSTEM, start=start, end=end), args.rounds
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="cto"))

    def get(path: str) -> Callable[[], None]:
        def call() -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return call

    results["/healthz (floor)"] = median_ms(get("/healthz"), args.rounds)
    results["/finance/allocation/"] = median_ms(get("/finance/allocation/"), args.rounds)
    for name, ms in results.items():
        print(f"{ms:9.1f} ms  {name}")
    base = results["allocation, per-commit effort (baseline)"]
    for name in (
        "allocation, grouped query",
        "allocation, stored effort",
        "cost_allocation, stored report",
    ):
        print(f"{name}: {base / results[name]:.1f}x faster than the baseline")
    page = results["/finance/allocation/"]
    print(
        f"allocation page: {page / results['/healthz (floor)']:.1f}x healthz; target < 200 ms: "
        f"{'met' if page < 200 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
