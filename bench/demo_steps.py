"""Each step of the demo build: wall and CPU seconds and its queries, on either engine.

    python bench/demo_steps.py HOME [DATABASE_URL]

Builds the demo into HOME (an empty folder; with DATABASE_URL, an empty PostgreSQL database),
printing per step: wall seconds, this process's CPU seconds, the PostgreSQL server backend's
CPU seconds (from /proc/<pid>/schedstat: the server must run on this machine; 0 on SQLite),
queries and `executemany` calls; then the statements that took the most time. Run it for both
engines at the same time to compare them under the same load.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from typing import Any

home = sys.argv[1]
os.environ["STEWARD_HOME"] = home
if len(sys.argv) > 2:
    os.environ["DATABASE_URL"] = sys.argv[2]
else:
    os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))


def main() -> None:
    import django

    django.setup()
    from django.db import connection

    from steward.core.cli_support import migrate
    from steward.demo import builder

    os.makedirs(home, exist_ok=True)
    started = time.perf_counter()
    migrate()
    print(f"migrate: {time.perf_counter() - started:.1f} s wall", flush=True)
    counts: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    spent: Counter[str] = Counter()

    def wrap(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counts["queries"] += 1
        counts["many"] += int(many)
        begun = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            calls[sql[:90]] += 1
            spent[sql[:90]] += time.perf_counter() - begun

    def server_cpu() -> float:
        if connection.vendor != "postgresql":
            return 0.0
        connection.ensure_connection()
        pid = connection.connection.info.backend_pid
        with open(f"/proc/{pid}/schedstat") as fh:
            return int(fh.read().split()[0]) / 1e9

    def timed(step: Any) -> Any:
        def run(ctx: Any) -> None:
            counts.clear()
            s0, w0, c0 = server_cpu(), time.perf_counter(), time.process_time()
            with connection.execute_wrapper(wrap):
                step(ctx)
            print(
                f"{step.__name__:24} {time.perf_counter() - w0:8.1f} s wall "
                f"{time.process_time() - c0:7.2f} s CPU {server_cpu() - s0:7.2f} s server CPU "
                f"{counts['queries']:7d} queries {counts['many']:5d} executemany",
                flush=True,
            )

        return run

    builder.STEPS[:] = [timed(s) for s in list(builder.STEPS)]
    w0, c0, s0 = time.perf_counter(), time.process_time(), server_cpu()
    builder.demo_build(seed=1)
    print(
        f"total ({connection.vendor}): {time.perf_counter() - w0:.1f} s wall, "
        f"{time.process_time() - c0:.2f} s CPU, {server_cpu() - s0:.2f} s server CPU"
    )
    print("statements by time:")
    for key, seconds in spent.most_common(20):
        print(f"{seconds:8.2f} s {calls[key]:7d}  {key}")


if __name__ == "__main__":
    main()
