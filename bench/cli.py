"""Benchmark the CLI's start-up: commands with nothing to do, against `import django`.

    python bench/cli.py [--runs 7] [--commits 2000] [--tags 1000] [REPO ...]

In one run on this machine, each a fresh process, median of `--runs`:
- baseline: `python -c "import django"` (and `python -c pass`, the interpreter alone);
- `steward --help` (target under 0.3 s: no Django set-up, no solver, charts or tables);
- `steward ingest git` of unchanged repositories (target under 1 s whole process): a generated
  repository with `--commits` commits and `--tags` tags (made with `git fast-import`), plus
  any REPO given, ingested once before timing;
- `steward metrics contributors --json` of the generated repository (a small read command).
Each time is printed with its ratio to `import django`, and the CPU seconds the process used
(user + system, median): on a loaded machine wall time grows with the load, CPU time much less,
so it shows what the command costs on an idle one. Writes go to a temporary STEWARD_HOME.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(path: Path, commits: int, tags: int) -> Path:
    """A repository of `commits` commits (one file each) and `tags` lightweight tags."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    out = []
    when = 1_700_000_000
    for n in range(1, commits + 1):
        body = f"line {n}\n".encode()
        message = f"change {n}\n".encode()
        out.append(b"commit refs/heads/main\n")
        out.append(f"mark :{n}\n".encode())
        out.append(f"committer Bench <bench@example.com> {when + 60 * n} +0000\n".encode())
        out.append(f"data {len(message)}\n".encode() + message)
        if n > 1:
            out.append(f"from :{n - 1}\n".encode())
        out.append(f"M 644 inline file{n % 50}.txt\ndata {len(body)}\n".encode() + body)
    step = max(1, commits // max(1, tags))
    for t in range(tags):
        out.append(f"reset refs/tags/v{t}\nfrom :{min(commits, 1 + t * step)}\n".encode())
    subprocess.run(
        ["git", "-C", str(path), "fast-import", "--quiet"], input=b"".join(out), check=True
    )
    return path


def timed(args: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of `args` as a fresh process."""
    times = []
    cpu = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(args, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times), statistics.median(cpu)


def main() -> None:
    """Prepare a home, time each command, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("repos", nargs="*", help="more repositories to re-ingest")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--tags", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["STEWARD_HOME"] = str(home)
        env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
        steward = [sys.executable, "-m", "steward"]
        repo = generate(Path(tmp) / "bench-repo", args.commits, args.tags)
        repos = [str(repo), *args.repos]
        for prepare in (["init"], ["ingest", "git", *repos]):
            subprocess.run([*steward, *prepare], env=env, check=True, capture_output=True)
        cases = [
            ("python -c pass", [sys.executable, "-c", "pass"], None),
            ('python -c "import django" (baseline)', [sys.executable, "-c", "import django"], None),
            ("steward --help", [*steward, "--help"], 0.3),
            (
                f"steward ingest git (unchanged: {args.commits} commits, {args.tags} tags"
                + (f", +{len(args.repos)} repos" if args.repos else "")
                + ")",
                [*steward, "ingest", "git", *repos],
                1.0,
            ),
            (
                "steward metrics contributors --json",
                [*steward, "metrics", "contributors", "--repo", "bench-repo", "--json"],
                1.0,
            ),
        ]
        results = [(name, timed(cmd, env, args.runs), target) for name, cmd, target in cases]
    baseline = results[1][1][0]
    print(f"median of {args.runs} runs each, fresh processes, this machine, this run")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, (seconds, cpu), target in results:
        verdict = ""
        if target is not None:
            verdict = f"  target < {target:g} s: {'met' if seconds < target else 'NOT met'}"
        print(
            f"{name:<62} {seconds:6.3f} s  {seconds / baseline:5.2f}x import django  "
            f"cpu {cpu:5.3f} s{verdict}"
        )


if __name__ == "__main__":
    main()
