"""Alignment reads before and after, on the same company, in the same run.

    python bench/alignment_reads.py --home STEWARD_HOME [--baseline main] [--rounds 5]
                                    [--passes 2] [--path URL]... [--dump FOLDER]
                                    [--user cto] [--cold]

The baseline's `src/` is taken from git (`git archive BASELINE src`) into a temporary folder;
then, in fresh processes alternating between the versions (baseline, current, baseline, ...:
`--passes` each, so a machine whose load changes favours neither), Django's test client signed
in as the CTO requests each URL once to warm up and `--rounds` times more, measuring the
request's CPU time in the process (SQLite runs in it) and its wall time. Prints, per version,
the lowest of the passes' medians side by side with the ratio after / before, and whether every
answer is byte-identical between the two versions (pages are compared after removing the CSRF
token). `--dump` keeps the answers. `--user` signs in as another demo login (e.g. `engineer`);
`--cold` empties Django's cache before each pass and reports the first request's CPU time too
(what a request pays after the data moved, when a figure kept in the cache is recomputed).
With `DATABASE_URL` (PostgreSQL), the server backend's CPU per request is printed beside.

A company to run it on: `python bench/scale.py --commits 200000 --keep /tmp/scale-200k`
(then `--home /tmp/scale-200k/scale`), or `steward demo --no-serve` (its STEWARD_HOME).
The home must be migrated by the newer version (`steward init`); the baseline ignores tables
it does not know.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PATHS = [
    "/api/v1/engineering/team-alignment",
    "/engineering/knowledge/coupling/",
    "/api/v1/architecture/cross-team-coupling",
    "/api/v1/strategy/alignment",
    "/strategy/alignment/",
    "/api/v1/strategy/alignment/commits",
    "/api/v1/strategy/alignment/commits?objective=unaligned&limit=50&offset=200",
    "/strategy/alignment/commits/",
]


def _server_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (0 on SQLite), read
    from /proc (the server runs on this machine): with the request's own CPU time, the whole
    CPU cost of a request on PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def _measure(
    home: str, rounds: int, paths: list[str], dump: str, user: str = "cto", cold: bool = False
) -> None:
    """Runs in a child process: CPU and wall ms per path, and a digest of each answer."""
    os.environ["STEWARD_HOME"] = home
    os.environ["STEWARD_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=user))
    if cold:
        from django.core.cache import cache

        cache.clear()
    out: dict[str, dict[str, object]] = {}
    for index, path in enumerate(paths):
        started_cpu = time.process_time()
        first = client.get(path)
        first_cpu = (time.process_time() - started_cpu) * 1000
        body = first.content
        if not first.get("Content-Type", "").startswith("application/json"):
            body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", body)
            body = re.sub(rb'"csrfToken": "[^"]*"|csrf[-_]token[^>]*>', b"", body)
        if dump:
            Path(dump, f"{index:02d}.out").write_bytes(body)
        cpu, wall, server = [], [], []
        for _ in range(rounds):
            started_server = _server_cpu()
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(path)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            server.append((_server_cpu() - started_server) * 1000)
        is_json = first.get("Content-Type", "").startswith("application/json")
        out[path] = {
            "status": first.status_code,
            # For an answer that gained keys: the digest of only the keys it had before.
            "keys": sorted(json.loads(body)) if is_json and body.startswith(b"{") else None,
            "cpu": statistics.median(cpu),
            "server": statistics.median(server),
            "first": first_cpu,
            "wall": statistics.median(wall),
            "digest": hashlib.sha256(body).hexdigest(),
            "json": is_json,
            "body": body.decode() if is_json else None,
        }
    print("@@" + json.dumps(out))


def _run(  # type: ignore[type-arg]
    src: Path, home: str, rounds: int, paths: list[str], dump: str, user: str, cold: bool
) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src), "STEWARD_HOME": home}
    proc = subprocess.run(
        [sys.executable, __file__, "--child", home, str(rounds), json.dumps(paths), dump,
         user, "1" if cold else ""],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"measuring with {src} failed")
    for line in proc.stdout.splitlines():
        if line.startswith("@@"):
            return json.loads(line[2:])  # type: ignore[no-any-return]
    raise SystemExit("no result")


def main(default_paths: list[str] | None = None, description: str | None = None) -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child = sys.argv[2:]
        _measure(child[0], int(child[1]), json.loads(child[2]), child[3], child[4], child[5] == "1")
        return
    parser = argparse.ArgumentParser(description=description or __doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="the STEWARD_HOME of the company")
    parser.add_argument("--baseline", default="main", help="git revision measured as before")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--path", action="append", help="a URL (default: the alignment reads)")
    parser.add_argument("--dump", help="keep every answer in FOLDER/before and FOLDER/after")
    parser.add_argument("--user", default="cto", help="the demo login measured (default: cto)")
    parser.add_argument("--cold", action="store_true", help="empty the cache before each pass")
    args = parser.parse_args()
    paths = args.path or default_paths or PATHS
    with tempfile.TemporaryDirectory(prefix="steward-baseline-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.baseline, "src"],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        dumps = {}
        for label in ("before", "after"):
            dumps[label] = ""
            if args.dump:
                dumps[label] = str(Path(args.dump) / label)
                Path(dumps[label]).mkdir(parents=True, exist_ok=True)
        passes: dict[str, list[dict]] = {"before": [], "after": []}  # type: ignore[type-arg]
        for _ in range(max(1, args.passes)):
            for label, src in (("before", Path(tmp) / "src"), ("after", ROOT / "src")):
                passes[label].append(
                    _run(src, args.home, args.rounds, paths, dumps[label], args.user, args.cold)
                )
    before, after = ({} for _ in range(2))
    for label, merged in (("before", before), ("after", after)):
        for path in paths:
            runs = [p[path] for p in passes[label]]
            merged[path] = {
                **runs[0],
                "cpu": min(r["cpu"] for r in runs),
                "wall": min(r["wall"] for r in runs),
                "first": min(r["first"] for r in runs),
                "server": min(r.get("server", 0.0) for r in runs),
                "same": len({r["digest"] for r in runs}) == 1,
            }
    # On PostgreSQL: its backend's CPU per request too (SQLite's work is in "cpu").
    postgres = any(before[p]["server"] or after[p]["server"] for p in paths)
    print(
        f"{'path':62} {'cpu before':>10} {'cpu after':>9} {'x':>6} "
        f"{'wall before':>11} {'wall after':>10} {'same answer':>11}"
        + (f" {'first before':>12} {'first after':>11}" if args.cold else "")
        + (f" {'pg cpu before':>13} {'pg cpu after':>12}" if postgres else "")
    )
    for path in paths:
        b, a = before[path], after[path]
        same = (
            "yes"
            if b["digest"] == a["digest"] and b["status"] == a["status"] and b["same"] and a["same"]
            else "NO"
        )
        if same == "NO" and b["keys"] and a["keys"] and set(b["keys"]) < set(a["keys"]):
            # New keys added, the old ones unchanged: "yes" for what was there before.
            old, new = json.loads(b["body"]), json.loads(a["body"])
            if all(old[k] == new[k] for k in old):
                same = "yes, +" + ",".join(sorted(set(a["keys"]) - set(b["keys"])))
        print(
            f"{path[:62]:62} {b['cpu']:10.1f} {a['cpu']:9.1f} "
            f"{a['cpu'] / max(b['cpu'], 0.01):6.2f} "
            f"{b['wall']:11.1f} {a['wall']:10.1f} {same:>11}"
            + (f" {b['first']:12.1f} {a['first']:11.1f}" if args.cold else "")
            + (f" {b['server']:13.1f} {a['server']:12.1f}" if postgres else "")
        )


if __name__ == "__main__":
    main()
