"""Median wall and CPU time of the work-tracking pages on the demo company (target, issue 16:
the flow page under 200 ms). CPU time (`time.process_time`, the request runs in this process)
is what the page costs when the machine is shared; wall time is what a user waits.

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
    medians: dict[str, float] = {}
    cpu_medians: dict[str, float] = {}
    for path in PATHS:
        client.get(path)  # warm caches and imports
        times, cpu = [], []
        for _ in range(args.rounds):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        medians[path] = statistics.median(times)
        cpu_medians[path] = statistics.median(cpu)
    base = medians["/healthz"]
    print(f"load average {os.getloadavg()[0]:.2f} (1 min); medians of {args.rounds} requests")
    print("  wall ms    CPU ms   wall/healthz  path")
    for path, ms in medians.items():
        print(f"{ms:9.1f} {cpu_medians[path]:9.1f} {ms / base:9.1f}x     {path}")
    flow_path = f"/work/flow/?{PERIOD}"
    flow, flow_cpu = medians[flow_path], cpu_medians[flow_path]
    print(
        f"flow page target (< 200 ms median): wall {flow:.0f} ms "
        f"{'met' if flow < 200 else 'NOT met'}, CPU {flow_cpu:.0f} ms "
        f"{'met' if flow_cpu < 200 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
