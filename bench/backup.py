"""Backup/restore and org-as-code speed on the demo company, against Django's own dump/load.

    python bench/backup.py [--keep DIR]

Builds the demo company in a temporary STEWARD_HOME (SQLite), then times, each in its own
process: `steward backup` vs `django-admin dumpdata` (the baseline, same data), `steward
restore` into a fresh home vs `migrate` + `loaddata` of the dump, and `steward export` /
`steward import-all` into an empty database. Prints seconds and ratios to the baseline.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(args: list[str], home: Path) -> float:
    """Seconds one command takes in its own process (STEWARD_HOME = home, SQLite)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["STEWARD_HOME"] = str(home)
    env["DJANGO_SETTINGS_MODULE"] = "steward.settings"
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", help="work in this folder and keep it")
    work = Path(parser.parse_args().keep or tempfile.mkdtemp(prefix="steward-bench-"))
    steward = [sys.executable, "-m", "steward"]
    django = [sys.executable, "-m", "django"]
    source = work / "source"
    print(f"demo build: {run([*steward, 'demo', '--no-serve'], source):.1f} s")
    excluded = ["-e", "sessions", "-e", "contenttypes", "-e", "auth.permission"]
    dump = work / "dump.json.gz"
    ours = work / "backup.jsonl.gz"
    t_dump = run([*django, "dumpdata", "--natural-foreign", *excluded, "-o", str(dump)], source)
    t_backup = run([*steward, "backup", str(ours)], source)
    t_load = run([*django, "migrate", "-v0"], work / "load") + run(
        [*django, "loaddata", str(dump)], work / "load"
    )
    t_restore = run([*steward, "restore", str(ours)], work / "restore")
    t_export = run([*steward, "export", str(work / "org")], source)
    t_import = run([*steward, "init"], work / "org-home") + run(
        [*steward, "import-all", str(work / "org")], work / "org-home"
    )
    mb = 1e6
    print(f"backup  {t_backup:6.2f} s   dumpdata {t_dump:6.2f} s   ratio {t_backup / t_dump:.2f}")
    print(f"restore {t_restore:6.2f} s   migrate+loaddata {t_load:6.2f} s   ratio", end=" ")
    print(f"{t_restore / t_load:.2f}")
    print(
        f"files: backup {ours.stat().st_size / mb:.1f} MB,",
        f"dumpdata {dump.stat().st_size / mb:.1f} MB",
    )
    print(
        f"org export {t_export:.2f} s; import-all into an empty database {t_import:.2f} s", end=""
    )
    print(" (includes migrate)")


if __name__ == "__main__":
    main()
