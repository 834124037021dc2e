"""Time to first and tenth commit (the onboarding page) on the demo company: the grouped query
(`onboarding.commit_figures`, one ranked query over the joiners' commits) against the path the
page took before (`commit_figures_by_days`: every active person-day of everyone, folded in
Python), in the same run, with the figures checked identical; then the whole page.

Runs in-process against the demo database in STEWARD_HOME (build it first with
`steward demo --no-serve`), signed in as the CTO.

    STEWARD_HOME=/path/to/demo python bench/growth_onboarding.py [--rounds 20] [--years 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any


def median_ms(run: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    """Median milliseconds of `rounds` calls (after one warm-up call), and the last result."""
    result = run()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main() -> None:
    """Time both paths and the page; print medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--years", type=int, default=1, help="joiners who started this far back (the page: 1)"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from steward.core.policy import SYSTEM
    from steward.growth import onboarding
    from steward.org import selectors as org_selectors

    today = date.today()
    start = today - timedelta(days=365 * args.years)
    joiners = org_selectors.person_list(actor=SYSTEM, started_from=start, started_to=today)
    starts = {p.pk: p.start_date for p in joiners if p.start_date <= today}

    new_ms, new = median_ms(lambda: onboarding.commit_figures(starts, today), args.rounds)
    old_ms, old = median_ms(
        lambda: onboarding.commit_figures_by_days(starts, start, today), args.rounds
    )
    assert new == old, "the grouped query and the old path disagree"
    with CaptureQueriesContext(connection) as queries:
        onboarding.commit_figures(starts, today)
    reached = sum(1 for f in new.values() if f["tenth"] is not None)
    print(f"joiners since {start}: {len(starts):,}; reached the tenth commit: {reached:,}")
    print(f"figures identical: yes ({len(new):,} people)")
    print(f"grouped query {new_ms:8.1f} ms  ({len(queries)} queries)")
    print(f"old path      {old_ms:8.1f} ms")
    print(f"ratio old / new: {old_ms / new_ms:.1f}x")

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="cto"))
    health_ms, _ = median_ms(lambda: client.get("/healthz"), args.rounds)
    page_ms, response = median_ms(lambda: client.get("/growth/onboarding/"), args.rounds)
    assert response.status_code == 200
    grouped = onboarding.commit_figures
    # The page looks one year back, as it did before.
    page_start = today - timedelta(days=365)
    onboarding.commit_figures = lambda s, on: onboarding.commit_figures_by_days(s, page_start, on)  # type: ignore[assignment]
    old_page_ms, response = median_ms(lambda: client.get("/growth/onboarding/"), args.rounds)
    onboarding.commit_figures = grouped  # type: ignore[assignment]
    assert response.status_code == 200
    print(f"/growth/onboarding/ {page_ms:8.1f} ms  ({page_ms / health_ms:.1f}x /healthz)")
    print(f"  with the old path {old_page_ms:8.1f} ms  (ratio {old_page_ms / page_ms:.1f}x)")


if __name__ == "__main__":
    main()
