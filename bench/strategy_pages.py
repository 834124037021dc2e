"""Median time of the strategy pages on the demo company (target: alignment page under 200 ms).

Runs in-process against the demo database in STEWARD_HOME (build it first with
`steward demo --no-serve`), signed in as the CTO, through Django's test client. The baseline is
`/healthz` measured in the same run, so the ratio shows what each page costs beyond the floor.

    STEWARD_HOME=/path/to/demo python bench/strategy_pages.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

PATHS = [
    "/healthz",
    "/strategy/alignment/",
    "/api/v1/strategy/alignment",
    "/strategy/alignment/commits/?initiative=PLAT-SELF",
    "/strategy/",
    "/strategy/roadmap/",
    "/strategy/board/",
    "/strategy/prioritization/",
    "/strategy/plan/",
    "/api/v1/strategy/initiatives",
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

    client = Client()
    client.force_login(User.objects.get(username="cto"))
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
    print(
        f"alignment page target (< 200 ms median): "
        f"{'met' if medians['/strategy/alignment/'] < 200 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
