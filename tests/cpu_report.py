"""CPU time per test, for measuring the suite on a shared machine (docs/testing.md, "Timings").

`pytest --durations` reports wall time, which on a busy machine says more about the other
processes than about the test. With `STEWARD_TEST_CPU=PREFIX`, every pytest process (each xdist
worker, or the only one with `-n 0`) writes `PREFIX.<worker>`: one line per test with the CPU
seconds (user + system) spent by the process and by the subprocesses it waited for during the
test's set-up, call and tear-down, its wall seconds and when it started (seconds since the
process started), then a `TOTAL` line for the whole process (collection and start-up
included). A subprocess is counted when it is waited for (a server stopped at the end
of a module counts towards that module's last test).

    STEWARD_TEST_CPU=/tmp/cpu pytest tests/core/test_backup.py
    python -m tests.cpu_report /tmp/cpu.*          # per module, most expensive first
    python -m tests.cpu_report --tests 20 /tmp/cpu.*   # and the 20 most expensive tests
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest


def cpu_seconds() -> float:
    """CPU seconds of this process and of the children it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class CpuReport:
    """The pytest plugin: registered by tests/conftest.py when STEWARD_TEST_CPU is set."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.started = time.monotonic()
        self.rows: list[tuple[float, float, float, str]] = []

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterator[None]:
        before, start = cpu_seconds(), time.monotonic()
        yield
        wall = time.monotonic() - start
        self.rows.append((cpu_seconds() - before, wall, start - self.started, item.nodeid))

    def pytest_sessionfinish(self) -> None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        lines = [f"{cpu:.3f} {wall:.3f} {at:.3f} {nodeid}" for cpu, wall, at, nodeid in self.rows]
        elapsed = time.monotonic() - self.started
        lines.append(f"{cpu_seconds():.3f} {elapsed:.3f} 0 TOTAL")
        Path(f"{self.prefix}.{worker}").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="Sum the files written with STEWARD_TEST_CPU.")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--tests", type=int, default=0, help="also list the N costliest tests")
    args = parser.parse_args()
    modules: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    tests: list[tuple[float, float, str]] = []
    totals = []
    for file in args.files:
        in_tests = 0.0
        for line in file.read_text(encoding="utf-8").splitlines():
            cpu, wall, _at, name = line.split(" ", 3)
            if name == "TOTAL":
                totals.append((float(cpu), float(wall), in_tests, file.name))
                continue
            module = modules[name.split("::")[0]]
            module[0] += float(cpu)
            module[1] += float(wall)
            in_tests += float(wall)
            tests.append((float(cpu), float(wall), name))
    workers = [total for total in totals if not total[3].endswith(".main")]
    print("      CPU       wall")
    for cpu, wall, in_tests, name in workers or totals:
        print(f"{cpu:9.1f} s {wall:7.1f} s  process {name} ({in_tests:.1f} s of it in tests)")
    # Under xdist the controller (`.main`) waited for its workers: its figure includes theirs.
    print(f"{sum(total[0] for total in workers or totals):9.1f} s  all processes")
    print(f"{sum(m[0] for m in modules.values()):9.1f} s  in tests (set-up, call, tear-down)")
    for module_name, (cpu, wall) in sorted(modules.items(), key=lambda kv: -kv[1][0]):
        print(f"{cpu:9.1f} s {wall:7.1f} s  {module_name}")
    for cpu, wall, name in sorted(tests, reverse=True)[: args.tests]:
        print(f"{cpu:9.1f} s {wall:7.1f} s  {name}")


if __name__ == "__main__":
    main()
