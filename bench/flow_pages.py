"""Median time of the work-tracking pages on the demo company (target, issue 16: the flow page
under 200 ms).

Runs in-process against the demo database in STEWARD_HOME (build it first with
`steward demo --no-serve`), signed in as the CTO, through Django's test client. The baseline is
`/healthz` measured in the same run, so the ratio shows what each page costs beyond the floor.
The period is the demo's last 90 days (its reference date), so every page has data.

    STEWARD_HOME=/path/to/demo python bench/flow_pages.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

PERIOD = "from=2026-08-29&to=2026-11-27"
PATHS = [
    "/healthz",
    f"/work/flow/?{PERIOD}",
    f"/api/v1/worktracking/cycle-time?{PERIOD}",
    f"/api/v1/worktracking/review-load?{PERIOD}",
    "/work/pulls/",
    "/work/items/",
    f"/work/investment/?{PERIOD}",
    "/api/v1/worktracking/pull-requests",
]


def main() -> None:
    """Request every path `rounds` times and print medians and ratios to /healthz."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    from steward.worktracking.models import PullRequest

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="cto"))
    print(f"{PullRequest.objects.count()} pull requests in the demo")
    medians = {}
    for path in PATHS:
        client.get(path)  # warm caches and imports
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        medians[path] = statistics.median(times)
    base = medians["/healthz"]
    for path, ms in medians.items():
        print(f"{ms:9.1f} ms  {ms / base:7.1f}x healthz  {path}")
    flow = medians[f"/work/flow/?{PERIOD}"]
    print(f"flow page target (< 200 ms median): {'met' if flow < 200 else 'NOT met'}")


if __name__ == "__main__":
    main()
