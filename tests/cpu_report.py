"""CPU time per test, for measuring the suite on a shared machine (docs/testing.md, "Timings").

`pytest --durations` reports wall time, which on a busy machine says more about the other
processes than about the test. With `STEWARD_TEST_CPU=PREFIX`, every pytest process (each xdist
worker, or the only one with `-n 0`) writes `PREFIX.<worker>`: one line per test with the CPU
seconds (user + system) spent by the process and by the subprocesses it waited for during the
test's set-up, call and tear-down, then a `TOTAL` line for the whole process (collection and
start-up included). A subprocess is counted when it is waited for (a server stopped at the end
of a module counts towards that module's last test).

    STEWARD_TEST_CPU=/tmp/cpu pytest tests/core/test_backup.py
    python -m tests.cpu_report /tmp/cpu.*          # per module, most expensive first
    python -m tests.cpu_report --tests 20 /tmp/cpu.*   # and the 20 most expensive tests
"""

from __future__ import annotations

import argparse
import os
import resource
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
        self.rows: list[tuple[float, str]] = []

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterator[None]:
        before = cpu_seconds()
        yield
        self.rows.append((cpu_seconds() - before, item.nodeid))

    def pytest_sessionfinish(self) -> None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        lines = [f"{seconds:.3f} {nodeid}" for seconds, nodeid in self.rows]
        lines.append(f"{cpu_seconds():.3f} TOTAL")
        Path(f"{self.prefix}.{worker}").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="Sum the files written with STEWARD_TEST_CPU.")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--tests", type=int, default=0, help="also list the N costliest tests")
    args = parser.parse_args()
    modules: dict[str, float] = defaultdict(float)
    tests: list[tuple[float, str]] = []
    totals = []
    for file in args.files:
        for line in file.read_text(encoding="utf-8").splitlines():
            seconds, name = line.split(" ", 1)
            if name == "TOTAL":
                totals.append((float(seconds), file.name))
                continue
            modules[name.split("::")[0]] += float(seconds)
            tests.append((float(seconds), name))
    workers = [(s, name) for s, name in totals if not name.endswith(".main")]
    for seconds, name in workers or totals:
        print(f"{seconds:9.1f} s  process {name}")
    # Under xdist the controller (`.main`) waited for its workers: its figure includes theirs.
    print(f"{sum(s for s, _ in workers or totals):9.1f} s  all processes")
    print(f"{sum(modules.values()):9.1f} s  in tests (set-up, call, tear-down)")
    for module, seconds in sorted(modules.items(), key=lambda kv: -kv[1]):
        print(f"{seconds:9.1f} s  {module}")
    for seconds, name in sorted(tests, reverse=True)[: args.tests]:
        print(f"{seconds:9.1f} s  {name}")


if __name__ == "__main__":
    main()
