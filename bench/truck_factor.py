"""Benchmark code knowledge on an ingested repository against `git log` of the same repository.

    python bench/truck_factor.py REPO [--baseline-src PATH]

`--baseline-src` names another checkout's `src` (e.g. main before this change): its ingestion
is timed in the same run, so the cost of keeping file statuses is a ratio, not a guess.

Measured in this run, on this machine, each in a fresh subprocess:
- `git log -z --numstat -M` (ingestion's command before statuses were kept) and
  `git log -z --raw --no-abbrev --numstat -M` (the command Steward runs now): git's own cost
  of keeping statuses;
- `git log --name-status --find-renames` (what the authors' tool reads): the baseline for the
  truck factor;
- Steward's ingestion end to end (parse + store, fresh SQLite) and its ratio to the numstat-only
  `git log` (issue 10's target: within 1.1×);
- the truck factor computed from the ingested history (cold: reads the database, `git ls-tree`
  and `.mailmap`; target under 10 s), its ratio to `git log --name-status`, and again warm
  (cached analysis); hotspots and change coupling likewise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.environ.get("BENCH_SRC") or str(ROOT / "src"))

FORMAT = "--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aN%x1f%aE%x1f%ad%x1f%cn%x1f%ce%x1f%cd%x1f%B"
COMMANDS = {
    "numstat": ["log", "-z", "--numstat", "-M", "--date=raw", FORMAT, "HEAD", "--"],
    "raw+numstat": [
        "log",
        "-z",
        "--raw",
        "--no-abbrev",
        "--numstat",
        "-M",
        "--date=raw",
        FORMAT,
        "HEAD",
        "--",
    ],
    "name-status": ["log", "--name-status", "--pretty=format:commit\t%H", "--find-renames"],
}


def _git_time(repo: str, args: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(["git", "-C", repo, *args], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    while proc.stdout.read(1 << 18):
        pass
    proc.wait()
    return time.perf_counter() - start


def _child(mode: str, repo: str, home: str) -> None:
    if mode in COMMANDS:
        print(json.dumps({"seconds": _git_time(repo, COMMANDS[mode])}))
        return
    os.environ["STEWARD_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from steward.core.cli_support import migrate

    migrate()
    if mode == "ingest":
        from steward.engineering.ingest import ingest_paths

        start = time.perf_counter()
        [result] = ingest_paths([repo], workers=1)
        if not result.ok:
            raise SystemExit(result.error)
        print(json.dumps({"seconds": time.perf_counter() - start, "new": result.new_commits}))
        return
    from steward.core.policy import SYSTEM
    from steward.engineering.ingest import repository_name
    from steward.knowledge import selectors

    repository = selectors.repository_by_name(repository_name(Path(repo)))
    start = time.perf_counter()
    data = selectors.repository_truck_factor(actor=SYSTEM, repository=repository)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    selectors.repository_truck_factor(actor=SYSTEM, repository=repository)
    warm = time.perf_counter() - start
    start = time.perf_counter()
    selectors.hotspots(actor=SYSTEM, repository=repository)
    hot = time.perf_counter() - start
    start = time.perf_counter()
    selectors.repository_coupling(actor=SYSTEM, repository=repository)
    coupling = time.perf_counter() - start
    print(
        json.dumps(
            {
                "cold": cold,
                "warm": warm,
                "hotspots": hot,
                "coupling": coupling,
                "truck_factor": data["truck_factor"],
                "files": data["files_analyzed"],
                "authors": [(a["name"], a["files"]) for a in data["authors"]],
            }
        )
    )


def _run(mode: str, repo: Path, home: Path, src: str | None = None) -> dict:  # type: ignore[type-arg]
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
        env["BENCH_SRC"] = src
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(repo), str(home)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    """Parse arguments and print the figures."""
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    repo = Path(sys.argv[1])
    baseline = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--baseline-src" else None
    count = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--count", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"== {repo} ({count} commits)")
    with tempfile.TemporaryDirectory() as home:
        times = {name: _run(name, repo, Path(home))["seconds"] for name in COMMANDS}
        for name, seconds in times.items():
            print(f"git log {name:<24} {seconds:8.2f} s")
        print(f"  --raw costs git            {times['raw+numstat'] / times['numstat']:8.2f}x")
        ingest = _run("ingest", repo, Path(home))
        print(
            f"steward ingest (end to end)  {ingest['seconds']:8.2f} s   "
            f"{ingest['seconds'] / times['numstat']:.2f}x git log --numstat (target <= 1.1)"
        )
        tf = _run("tf", repo, Path(home))
        if baseline:
            with tempfile.TemporaryDirectory() as other:
                before = _run("ingest", repo, Path(other), baseline)
            print(
                f"ingest before (from {baseline}) {before['seconds']:8.2f} s   "
                f"{before['seconds'] / times['numstat']:.2f}x git log --numstat; "
                f"now / before = {ingest['seconds'] / before['seconds']:.2f}"
            )
    print(
        f"truck factor, cold           {tf['cold']:8.2f} s   "
        f"{tf['cold'] / times['name-status']:.2f}x git log --name-status (target < 10 s)"
    )
    print(f"truck factor, warm (cached)  {tf['warm']:8.3f} s")
    print(f"hotspots (12 months)         {tf['hotspots']:8.2f} s")
    print(f"change coupling (12 months)  {tf['coupling']:8.2f} s")
    print(f"truck factor {tf['truck_factor']} over {tf['files']} files: {tf['authors']}")


if __name__ == "__main__":
    main()
