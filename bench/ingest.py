"""Benchmark git ingestion against `git log --numstat` alone and against PyDriller.

    python bench/ingest.py [REPO ...] [--commits 100000] [--pydriller-limit 3000]

For each repository (those given, plus one generated with `git fast-import` with `--commits`
commits) it prints, measured in this run on this machine:
- `git log`: the time of the exact `git log -z --numstat -M` command Steward runs, output
  read and discarded (the baseline);
- Steward: end-to-end ingestion (parse + store into a fresh SQLite database) and the ratio to the
  baseline (issue 10's target: at most 1.1 on an idle machine), in wall seconds and in CPU
  seconds (this process and its git child: the comparable figure on a busy machine), and the
  Python side (Steward's CPU minus the baseline's: what runs beside git) with the load average;
- incremental: a second ingestion of the unchanged repository (target under 1 s);
- peak memory (max RSS of the process doing the ingestion, and its growth over the baseline);
- PyDriller (if installed: `pip install pydriller`) over the first `--pydriller-limit` commits,
  extrapolated per commit, and Steward's speed-up over it (target at least 20x).
Each measurement runs in a fresh subprocess so that memory and caches do not leak between them.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def generate(folder: Path, commits: int) -> Path:
    """A bare repository with `commits` commits by 60 authors, written with git fast-import."""
    import random
    from datetime import UTC, datetime, timedelta

    os.environ.setdefault("STEWARD_HOME", str(folder / "home"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from steward.demo.engineering import _RepoWriter

    repo = folder / f"generated-{commits}.git"
    if (repo / "complete").exists():
        return repo
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(repo)], check=True)
    rng = random.Random(42)
    writer = _RepoWriter(rng, "generated", "payments")
    when = datetime(2020, 1, 1, tzinfo=UTC)
    authors = [(f"Author {i}", f"author{i}@example.com") for i in range(60)]
    writer.commit(authors[0], when, "+0000", "Initial commit\n", first=True)
    proc = subprocess.Popen(
        ["git", "-C", str(repo), "fast-import", "--quiet"], stdin=subprocess.PIPE
    )
    assert proc.stdin is not None
    for i in range(1, commits):
        when += timedelta(minutes=rng.randint(1, 40))
        writer.commit(rng.choice(authors), when, "+0100", f"PAY-{i % 700}: change {i}\n")
        if len(writer.out) > 5000:
            proc.stdin.write(b"".join(writer.out))
            writer.out.clear()
    proc.stdin.write(b"".join(writer.out))
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    (repo / "complete").write_text("ok")
    return repo


def _cpu() -> float:
    """CPU seconds of this process and its finished children (git): comparable under load."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _child(mode: str, repo: str, home: str, limit: int) -> None:
    """Run one measurement in this (fresh) process and print JSON."""
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if mode == "gitlog":
        from steward.engineering.gitlog import log_args

        start, cpu = time.perf_counter(), _cpu()
        proc = subprocess.Popen(
            ["git", "-C", repo, *log_args(["HEAD"], [])], stdout=subprocess.PIPE
        )
        assert proc.stdout is not None
        total = 0
        while chunk := proc.stdout.read(1 << 18):
            total += len(chunk)
        proc.wait()
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        print(json.dumps({"seconds": seconds, "cpu": cpu, "bytes": total}))
        return
    if mode == "pydriller":
        from pydriller import Repository

        start = time.perf_counter()
        n = 0
        for commit in Repository(repo, only_in_branch=None).traverse_commits():
            _ = (commit.hash, commit.author.email, commit.insertions, commit.deletions)
            for mod in commit.modified_files:
                _ = (mod.new_path, mod.added_lines, mod.deleted_lines)
            n += 1
            if n >= limit:
                break
        print(json.dumps({"seconds": time.perf_counter() - start, "commits": n}))
        return
    os.environ["STEWARD_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from steward.core.cli_support import migrate

    migrate()
    from steward.engineering.ingest import ingest_paths
    from steward.engineering.models import Commit

    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu = time.perf_counter(), _cpu()
    [result] = ingest_paths([repo], workers=1)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    if not result.ok:
        raise SystemExit(result.error)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "new": result.new_commits,
                "stored": Commit.objects.count(),
                "peak_rss_mb": peak / 1024,
                "growth_mb": (peak - base_rss) / 1024,
            }
        )
    )


def _run(mode: str, repo: Path, home: Path, limit: int = 0) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(repo), str(home), str(limit)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench(repo: Path, pydriller_limit: int) -> None:
    """Measure and print the figures for one repository."""
    count = int(
        subprocess.run(
            ["git", "-C", str(repo), "rev-list", "--count", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    print(f"\n== {repo} ({count} commits)")
    load_before = f"{os.getloadavg()[0]:.2f}"
    with tempfile.TemporaryDirectory() as home:
        _run("gitlog", repo, Path(home))  # warm the page cache
        logs = [_run("gitlog", repo, Path(home)) for _ in range(2)]
        gitlog = min(t["seconds"] for t in logs)
        gitlog_cpu = min(t["cpu"] for t in logs)
        first = _run("ingest", repo, Path(home))
        again = _run("ingest", repo, Path(home))
    ratio = first["seconds"] / gitlog
    print(f"git log --numstat alone      {gitlog:8.2f} s   {gitlog_cpu:8.2f} s CPU")
    print(
        f"steward ingest (end to end)  {first['seconds']:8.2f} s   ratio {ratio:.2f}"
        f"  (target <= 1.1 on an idle machine)   {int(first['new'])} commits stored"
    )
    print(
        f"  in CPU seconds             {first['cpu']:8.2f} s   ratio "
        f"{first['cpu'] / gitlog_cpu:.2f} (Steward's CPU includes its own git log's)"
    )
    print(
        f"  Python side                {first['cpu'] - gitlog_cpu:8.2f} s CPU "
        "(Steward's CPU minus git log's: parse and store, on the core git does not use)"
    )
    print(
        f"  load average               {load_before} before, {os.getloadavg()[0]:.2f} after "
        "(on 2 cores, wall ratios are only meaningful near 0)"
    )
    print(f"incremental re-run           {again['seconds']:8.3f} s   (target < 1 s)")
    print(
        f"peak memory                  {first['peak_rss_mb']:8.0f} MB RSS"
        f"   (+{first['growth_mb']:.0f} MB during ingestion)"
    )
    try:
        import pydriller  # noqa: F401
    except ImportError:
        print("PyDriller                    not installed (pip install pydriller)")
        return
    limit = min(pydriller_limit, count)
    pyd = _run("pydriller", repo, Path("."), limit)
    per_commit = pyd["seconds"] / max(pyd["commits"], 1)
    estimate = per_commit * count
    steward_per_commit = first["seconds"] / max(count, 1)
    prefix = "" if limit >= count else f" (timed on the first {int(pyd['commits'])} commits)"
    print(
        f"PyDriller                    {pyd['seconds']:8.2f} s{prefix}; "
        f"{estimate:.1f} s estimated for all {count}"
    )
    print(
        f"Steward speed-up over PyDriller  {per_commit / steward_per_commit:.0f}x   (target >= 20x)"
    )


def main() -> None:
    """Parse arguments and run the benchmarks."""
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repos", nargs="*", type=Path)
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--pydriller-limit", type=int, default=3000)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "steward-bench")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    repos = [*args.repos]
    if args.commits:
        started = time.perf_counter()
        repos.append(generate(args.cache, args.commits))
        print(f"generated repository ready in {time.perf_counter() - started:.1f} s")
    for repo in repos:
        bench(repo.resolve(), args.pydriller_limit)


if __name__ == "__main__":
    main()
