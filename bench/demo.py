"""Time `steward demo --no-serve` from an empty STEWARD_HOME (target: under 30 s).

Baseline measured in the same run: `steward init` into another empty home, which is the
unavoidable part (interpreter start, Django set-up, migrations); the ratio shows what building
the company itself costs on top.

    python bench/demo.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def timed(args: list[str]) -> float:
    home = tempfile.mkdtemp(prefix="steward-bench-")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["STEWARD_HOME"] = home
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "steward", *args], env=env, check=True,
                   capture_output=True)  # fmt: skip
    elapsed = time.perf_counter() - started
    shutil.rmtree(home, ignore_errors=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    init = [timed(["init"]) for _ in range(args.repeat)]
    demo = [timed(["demo", "--no-serve"]) for _ in range(args.repeat)]
    print(f"steward init (baseline):   median {statistics.median(init):6.2f} s")
    print(f"steward demo --no-serve:   median {statistics.median(demo):6.2f} s  (target < 30 s)")
    print(f"ratio demo / init:         {statistics.median(demo) / statistics.median(init):6.2f}")


if __name__ == "__main__":
    main()
