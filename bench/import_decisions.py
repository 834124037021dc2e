"""Benchmark: import 1,000 generated decision records (all dialects) into a fresh SQLite database.

    python bench/import_decisions.py [--records 1000]

Writes the records (deterministically) to a temporary folder, a quarter in each of MADR 4,
MADR 2, log4brains and Nygard (every 10th superseded by the next), creates a fresh database
under a temporary STEWARD_HOME, then times, end to end as a user runs them:
  1. `steward import decisions DIR` (target, issue 11: under 5 s),
  2. the same command again (everything unchanged, nothing written),
  3. `steward export decisions OUT`,
and `steward --help` (interpreter and CLI start-up) so the fixed cost is visible.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BODY = "## Context and Problem Statement\n\nWhy {n}.\n\n## Decision Outcome\n\nChosen.\n"


def record(n: int, total: int) -> str:
    """Record `n` in one of four dialects."""
    status = "superseded" if n % 10 == 0 and n < total else "accepted"
    body = BODY.format(n=n)
    dialect = n % 4
    if dialect == 0:
        value = f"superseded by ADR-{n + 1:04d}" if status == "superseded" else status
        return (
            f'---\nstatus: "{value}"\ndate: 2024-01-{n % 28 + 1:02d}\n'
            f"decision-makers: [Ana Ruiz, Li Wei]\ntags: [t{n % 7}]\n---\n# Decision {n}\n\n{body}"
        )
    if dialect == 1:
        return (
            f"# Decision {n}\n\n* Status: {status}\n* Deciders: Ana, Li\n* Date: 2023-5-7\n\n{body}"
        )
    if dialect == 2:
        return f"# Decision {n}\n\n- Status: {status}\n- Date: 2022-02-02\n- Tags: a b\n\n{body}"
    line = f"Superceded by [{n + 1}. X]({n + 1:04d}-x.md)" if status == "superseded" else "Accepted"
    return f"# {n}. Decision {n}\n\nDate: 2021-03-04\n\n## Status\n\n{line}\n\n{body}"


def run(home: Path, *args: str) -> tuple[float, float]:
    """Wall and child CPU seconds of `steward ARGS`."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["STEWARD_HOME"] = str(home)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "steward", *args], env=env, check=True,
                   capture_output=True)  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "adr"
        folder.mkdir()
        for n in range(1, args.records + 1):
            (folder / f"{n:04d}-decision-{n}.md").write_text(record(n, args.records))
        (folder / "README.md").write_text("# Decisions\n")
        home = root / "home"
        run(home, "init")
        for label, cmd in [
            ("steward --help", ["--help"]),
            (f"import {args.records} records", ["import", "decisions", str(folder)]),
            ("re-import (unchanged)", ["import", "decisions", str(folder)]),
            ("export", ["export", "decisions", str(root / "out")]),
        ]:
            wall, cpu = run(home, *cmd)
            print(f"{label:32} {wall:6.2f} s wall  {cpu:6.2f} s CPU")


if __name__ == "__main__":
    main()
