"""Benchmark: import 100,000 generated GitHub pull requests with their reviews.

    python bench/import_pulls.py [--pulls 100000]

Writes `gh api --paginate`-shaped pages (100 pull requests each, two reviews and two commits
embedded per pull request, over 50 repositories that are not ingested) to a temporary file,
creates a fresh SQLite database under a temporary STEWARD_HOME, then times, end to end as a
user runs them:
  1. `steward import pulls FILE` (target, issue 16: 100,000 pull requests under 60 s),
  2. the same command again (everything unchanged, nothing written),
and `steward --help` (interpreter and CLI start-up) so the fixed cost is visible. The ratio
printed is the import's wall time over the target.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def pull(n: int) -> dict[str, object]:
    """Pull request `n` in the shape of GitHub's /pulls answer, with `reviews` and `commits`."""
    repo = f"acme/service-{n % 50}"
    number = n // 50 + 1
    day = 1 + n % 28
    opened = f"2026-02-{day:02d}T09:{n % 60:02d}:00Z"
    merged = f"2026-02-{day:02d}T17:{n % 60:02d}:00Z" if n % 5 else None
    user = {"login": f"dev{n % 400}", "type": "User"}
    return {
        "url": f"https://api.github.com/repos/{repo}/pulls/{number}",
        "html_url": f"https://github.com/{repo}/pull/{number}",
        "number": number,
        "state": "closed" if merged else "open",
        "title": f"PAY-{n}: change {n}",
        "user": user,
        "created_at": opened,
        "updated_at": merged or opened,
        "closed_at": merged,
        "merged_at": merged,
        "merge_commit_sha": f"{n:040x}" if merged else None,
        "draft": False,
        "labels": [{"name": "feature"}],
        "head": {"ref": f"feature/PAY-{n}", "sha": f"{n + 10**9:040x}"},
        "base": {"ref": "main", "repo": {"full_name": repo}},
        "reviews": [
            {"id": 2 * n, "user": {"login": f"dev{(n + 1) % 400}", "type": "User"},
             "state": "COMMENTED", "submitted_at": f"2026-02-{day:02d}T11:00:00Z"},
            {"id": 2 * n + 1, "user": {"login": f"dev{(n + 2) % 400}", "type": "User"},
             "state": "APPROVED", "submitted_at": f"2026-02-{day:02d}T12:00:00Z"},
        ],
        "commits": [
            {"sha": f"{n + k * 10**10:040x}", "author": user,
             "commit": {"author": {"email": f"dev{n % 400}@example.test",
                                   "date": f"2026-02-{day:02d}T08:0{k}:00Z"}}}
            for k in (1, 2)
        ],
    }  # fmt: skip


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
    parser.add_argument("--pulls", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / "pulls.json"
        with path.open("w") as out:
            for start in range(0, args.pulls, 100):
                out.write(json.dumps([pull(n) for n in range(start, min(start + 100, args.pulls))]))
                out.write("\n")
        print(f"file: {path.stat().st_size / 1e6:.1f} MB")
        home = root / "home"
        run(home, "init")
        target = 60.0 * args.pulls / 100_000
        for label, cmd in [
            ("steward --help", ["--help"]),
            (f"import {args.pulls} pull requests", ["import", "pulls", str(path)]),
            ("re-import (unchanged)", ["import", "pulls", str(path)]),
        ]:
            wall, cpu = run(home, *cmd)
            ratio = f"  {wall / target:.2f} of the target" if "import" in label else ""
            print(f"{label:34} {wall:6.2f} s wall  {cpu:6.2f} s CPU{ratio}")


if __name__ == "__main__":
    main()
