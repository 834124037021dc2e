"""Every navigation page and API list at demo size and at scale, side by side.

    python bench/scale.py [--commits 1000000] [--people 2000] [--teams 245]
                          [--deployments 16000] [--rounds 5] [--engine sqlite|postgres|both]
                          [--keep DIR] [--pg-database NAME] [--sizes demo,scale] [--only TEXT]
                          [--build-only]

Builds two companies into temporary STEWARD_HOMEs (or PostgreSQL databases `steward_scale_demo`
and `steward_scale_big` with `--engine postgres`; `--pg-database NAME` for NAME_demo and
NAME_big), reproducibly (fixed seeds):
- demo size: `steward demo --no-serve` (30,000 commits in 40 repositories);
- at scale: the demo with `STEWARD_DEMO_COMMITS=--commits` (the demo's `git fast-import`
  generator writes the 40 repositories, authored by the demo's people, and they are ingested as
  any repository), then teams and people added with `steward import teams/people` up to
  `--teams` and `--people`, then deployments of real commits of those repositories up to
  `--deployments` (linked to the commits they ship with the same service as CSV imports).
Then, in a fresh process per company, Django's test client signed in as the CTO requests each
URL once to warm up and `--rounds` times more, and the medians are printed side by side with
`/healthz` (same process, one trivial query) as the baseline. Targets (issue 18): every URL
under 200 ms at scale and at most 2x its demo time.

`--engine both` builds each company on both engines (DIR/sqlite, DIR/pg) and runs one measuring
process per engine, alternating their requests URL by URL and round by round, and prints
PostgreSQL against SQLite per URL: wall ms and CPU ms (Django's process plus, on PostgreSQL, its
server backend's CPU read from /proc; issue 18 item 5: at most 1.2x).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

# Detail pages of the scaled data (repository pages need a name; the biggest demo repository).
DETAILS = [
    "/engineering/repositories/{repo}/",
    "/api/v1/engineering/repositories/{repo}/contributors",
    "/strategy/alignment/commits/",
    "/api/v1/strategy/alignment/commits",
]
ADMIN_PATHS = ["/engineering/identities/", "/engineering/identities/?state=all"]


def _env(home: Path, database: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(STEWARD_HOME=str(home), PYTHONPATH=str(ROOT / "src"), **extra)
    if database:
        env["DATABASE_URL"] = database
    return env


def _steward(env: dict[str, str], *args: str) -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "steward", *args], env=env, check=True)
    print(f"  steward {' '.join(args)}: {time.perf_counter() - started:.0f} s", flush=True)


def _fresh_postgres(name: str) -> str:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


# ------------------------------------------------------------------ growing the company


def _grow(home: str, people: int, teams: int, deployments: int) -> None:
    """Runs in a child process: add teams, people (through the importers) and deployments."""
    os.environ["STEWARD_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from import_people import FIRST, LAST, PEOPLE_HEADER, PLACES, TEAM_TYPES

    from steward.engineering import services
    from steward.engineering.models import Deployment, RecordSource, Repository
    from steward.org.models import Person, Team

    rng = random.Random(18)
    folder = Path(home) / "scale-input"
    folder.mkdir(exist_ok=True)
    have_teams, have_people = Team.objects.count(), Person.objects.count()
    new_teams = [f"scale-team-{i:03d}" for i in range(max(0, teams - have_teams))]
    with (folder / "teams.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["slug", "name", "type", "parent", "lead_employee_id", "mission"])
        for i, slug in enumerate(new_teams):
            out.writerow(
                [slug, f"Scale team {i}", TEAM_TYPES[i % 4], f"scale-dept-{i % 12}", "", ""]
            )
    cto = Person.objects.order_by("employee_id").first()  # the demo's CTO is E0001
    managers: list[str] = []
    with (folder / "people.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(PEOPLE_HEADER)
        for n in range(max(0, people - have_people)):
            eid = f"S{n:05d}"
            city, tz, currency = rng.choice(PLACES)
            team = new_teams[n % len(new_teams)] if new_teams else ""
            if n < len(new_teams):
                title, level, track = "Engineering Manager", "M3", "manager"
                manager = cto.employee_id if cto else ""
                managers.append(eid)
            else:
                title, level, track = "Software Engineer", f"L{rng.randint(1, 5)}", "ic"
                manager = managers[n % len(managers)] if managers else ""
            row = {
                "employee_id": eid,
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "email": f"{eid.lower()}@scale.example.com",
                "title": title,
                "level": level,
                "track": track,
                "team": team,
                "manager_employee_id": manager,
                "location": city,
                "employment_type": "full-time",
                "start_date": (date(2016, 1, 1) + timedelta(days=rng.randrange(3000))).isoformat(),
                "end_date": "",
                "salary": f"{rng.randrange(50, 180) * 1000}.00",
                "currency": currency,
                "department": f"scale-dept-{n % 12}",
                "fte": "1.00",
                "timezone": tz,
                "termination_type": "",
                "regretted": "",
                "cost_center": f"CC-{n % 50:02d}",
            }
            out.writerow([row.get(column, "") for column in PEOPLE_HEADER])
    env = dict(os.environ)
    if new_teams:
        _steward(env, "import", "teams", str(folder / "teams.csv"))
        _steward(env, "import", "people", str(folder / "people.csv"))
    # Deployments of real commits: every repository gets its share, spread over two years.
    missing = max(0, deployments - Deployment.objects.count())
    repos = list(Repository.objects.exclude(path=""))
    now = datetime.now(tz=UTC).replace(microsecond=0)
    started = time.perf_counter()
    rows = []
    for index, repo in enumerate(repos):
        shas = subprocess.run(
            ["git", "-C", repo.path, "rev-list", "--first-parent", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.split()[::-1]  # fmt: skip
        share = missing // len(repos) + (1 if index < missing % len(repos) else 0)
        for k in range(share):
            at = (
                now
                - timedelta(days=730)
                + timedelta(seconds=int(730 * 86400 * (k + 1) / (share + 1)))
            )
            rows.append(
                Deployment(
                    external_id=f"scale-{repo.name}-{k}",
                    repository=repo,
                    repo_name=repo.name,
                    sha=shas[min(len(shas) - 1, (k + 1) * len(shas) // (share + 1))],
                    environment="production" if rng.random() < 0.9 else "staging",
                    status="success" if rng.random() < 0.93 else "failure",
                    started_at=at - timedelta(minutes=10),
                    finished_at=at,
                    source=RecordSource.DEMO,
                )
            )
    Deployment.objects.bulk_create(rows, batch_size=2000)
    for repo in repos:
        services.deployments_link(repository=repo)
    print(f"  {len(rows)} deployments added and linked: {time.perf_counter() - started:.0f} s")
    from steward.core.dbstats import refresh_statistics

    refresh_statistics()  # PostgreSQL: plans for the grown tables (as `steward demo` does)


# ------------------------------------------------------------------ measuring


def _targets(home: str) -> list[tuple[Any, str]]:
    """(signed-in test client, path) for every URL measured: the CTO, the admin for admin pages."""
    os.environ["STEWARD_HOME"] = home
    os.environ["STEWARD_ALLOWED_HOSTS"] = "testserver"  # Django's test client's host
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    from pages import DETAIL_PATHS, discovered_paths

    paths = discovered_paths(home)
    from django.contrib.auth.models import User
    from django.test import Client

    from steward.engineering.models import Repository

    biggest = Repository.objects.order_by("-reachable_commits").first()
    extra = [p.format(repo=biggest.name) for p in DETAILS] if biggest else []
    client = Client()
    client.force_login(User.objects.get(username="cto"))
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    targets = [(client, p) for p in dict.fromkeys([*paths, *DETAIL_PATHS, *extra])]
    # Admin-only pages, measured as the admin (the CTO gets 403 there).
    targets += [(admin, p) for p in ADMIN_PATHS]
    return targets


def _counts() -> dict[str, int]:
    from steward.engineering.models import Commit, Deployment, Repository
    from steward.org.models import Person, Team

    return {
        "people": Person.objects.count(),
        "teams": Team.objects.count(),
        "commits": Commit.objects.count(),
        "repositories": Repository.objects.count(),
        "deployments": Deployment.objects.count(),
    }


def _server_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (0 on SQLite).

    The server runs on this machine, so /proc tells its backend's user + system time; with
    the request's own CPU time this is the whole CPU cost of a request on PostgreSQL, the
    figure comparable with SQLite's (whose work runs inside the requesting process)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    # schedstat's first field: nanoseconds on a CPU (exact, unlike stat's 10 ms ticks).
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def _serve(home: str) -> None:
    """Runs in a child process: answers `path` lines with one timed request each (JSON).

    `--engine both` runs one such child per engine and alternates their requests, so both
    engines see the same load on a shared machine."""
    targets = _targets(home)
    from django.db import connection

    # One connection for the whole run (a new backend per minute would reset its CPU count).
    connection.settings_dict["CONN_MAX_AGE"] = None
    by_path = {path: client for client, path in targets}
    print("@@" + json.dumps({"paths": list(by_path), "counts": _counts()}), flush=True)
    for line in sys.stdin:
        path = line.rstrip("\n")
        server = _server_cpu()
        started, started_cpu = time.perf_counter(), time.process_time()
        status = by_path[path].get(path).status_code
        wall = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - started_cpu) * 1000
        server = (_server_cpu() - server) * 1000
        print("@@" + json.dumps({"status": status, "ms": wall, "cpu": cpu, "server": server}),
              flush=True)  # fmt: skip


def _measure(home: str, rounds: int) -> None:
    """Runs in a child process: median ms per URL as the CTO, printed as JSON."""
    targets = _targets(home)
    result: dict[str, float] = {}
    cpu_result: dict[str, float] = {}
    for client, path in targets:
        first = client.get(path)
        if first.status_code != 200:
            print(f"  skipped {path}: status {first.status_code}", file=sys.stderr)
            continue
        times, cpu = [], []
        for _ in range(rounds):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        result[path] = statistics.median(times)
        cpu_result[path] = statistics.median(cpu)
    print("@@" + json.dumps({"times": result, "cpu": cpu_result, "counts": _counts()}))


def _child(mode: str, env: dict[str, str], *args: str) -> dict | None:  # type: ignore[type-arg]
    proc = subprocess.run(
        [sys.executable, __file__, mode, *args], env=env, capture_output=True, text=True
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"{mode} failed")
    for line in proc.stdout.splitlines():
        if line.startswith("@@"):
            return json.loads(line[2:])  # type: ignore[no-any-return]
        print(line)
    return None


def _build(args: argparse.Namespace, base: Path, engine: str, label: str) -> dict[str, str]:
    """Build the demo-size or at-scale company for `engine` under `base` (once); its env."""
    commits = args.commits if label == "scale" else None
    home = base / label
    fresh = not (home / "built").exists()
    database = None
    if engine == "postgres":
        name = f"{args.pg_database}_{'demo' if label == 'demo' else 'big'}"
        database = (
            _fresh_postgres(name) if fresh else f"postgresql://postgres@127.0.0.1:5432/{name}"
        )
    extra = {"STEWARD_DEMO_COMMITS": str(commits)} if commits else {}
    env = _env(home, database, **extra)
    if fresh:
        home.mkdir(parents=True, exist_ok=True)
        print(f"building {label} ({engine}) in {home}", flush=True)
        _steward(env, "demo", "--no-serve")
        if label == "scale":
            _child(
                "--grow-child", env, str(home), str(args.people), str(args.teams),
                str(args.deployments),
            )  # fmt: skip
        (home / "built").write_text("ok")
    return env


class _Server:
    """A `--serve-child` process: one timed request per `ask`."""

    def __init__(self, env: dict[str, str], home: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve-child", str(home)],
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.hello = self._read()

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("@@"):
                return json.loads(line[2:])  # type: ignore[no-any-return]
        raise SystemExit("serve child ended")

    def ask(self, path: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(path + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


_DIR = {"sqlite": "sqlite", "postgres": "pg"}  # `--engine both`: DIR/sqlite, DIR/pg


def _compare(args: argparse.Namespace, base: Path) -> None:
    """`--engine both`: SQLite and PostgreSQL, requests alternated URL by URL, round by round."""
    result: dict[str, dict[str, dict[str, list[float]]]] = {}
    for label in args.sizes.split(","):
        envs = {e: _build(args, base / _DIR[e], e, label) for e in _DIR}
        print(f"measuring {label} (SQLite and PostgreSQL alternately)", flush=True)
        servers = {e: _Server(envs[e], base / _DIR[e] / label) for e in envs}
        try:
            for e, server in servers.items():
                c = server.hello["counts"]
                print(
                    f"{label} ({e}): {c['people']} people, {c['teams']} teams, {c['commits']} "
                    f"commits in {c['repositories']} repositories, {c['deployments']} deployments"
                )
            paths = [
                p
                for p in servers["sqlite"].hello["paths"]
                if p in servers["postgres"].hello["paths"]
                and (not args.only or any(o in p for o in args.only) or p == "/healthz")
            ]
            for path in paths:
                times: dict[str, dict[str, list[float]]] = {e: defaultdict(list) for e in servers}
                warm = {e: s.ask(path)["status"] for e, s in servers.items()}
                if set(warm.values()) != {200}:
                    print(f"  skipped {path}: status {warm}", file=sys.stderr)
                    continue
                for r in range(args.rounds):
                    order = list(servers) if r % 2 == 0 else list(servers)[::-1]
                    for e in order:
                        answer = servers[e].ask(path)
                        for k in ("ms", "cpu", "server"):
                            times[e][k].append(answer[k])
                result.setdefault(path, {})
                for e in servers:
                    result[path][f"{label} {e}"] = times[e]  # type: ignore[assignment]
        finally:
            for server in servers.values():
                server.close()
    _print_comparison(result)


def _print_comparison(result: dict[str, dict[str, dict[str, list[float]]]]) -> None:
    def ms(path: str, key: str) -> float | None:
        got = result[path].get(key)
        return statistics.median(got["ms"]) if got else None

    def cpu(path: str, key: str) -> float | None:
        got = result[path].get(key)
        # The request's CPU time: Django's process plus, on PostgreSQL, its server backend's.
        return (
            statistics.median(a + b for a, b in zip(got["cpu"], got["server"], strict=True))
            if got
            else None
        )

    def cell(v: float | None, width: int) -> str:
        return f"{v:{width}.1f}" if v is not None else " " * (width - 1) + "-"

    def ratio(a: float | None, b: float | None) -> str:
        return f"{b / a:6.2f}" if a and b is not None else "     -"

    sizes = [s for s in ("demo", "scale") if any(f"{s} sqlite" in r for r in result.values())]
    head = f"{'path':58}"
    for size in sizes:
        head += (
            f" | {size + ' SQ':>10} {'PG':>7} {'PG/SQ':>6} {'SQ cpu':>7} {'PG cpu':>7} {'PG/SQ':>6}"
        )
    print("\nms: median wall; cpu: median CPU ms of the request (PG: Django + its server backend)")
    print(head)
    over: dict[str, list[str]] = {size: [] for size in sizes}
    for path in result:
        line = f"{path[:58]:58}"
        for size in sizes:
            w_sq, w_pg = ms(path, f"{size} sqlite"), ms(path, f"{size} postgres")
            c_sq, c_pg = cpu(path, f"{size} sqlite"), cpu(path, f"{size} postgres")
            line += (
                f" | {cell(w_sq, 10)} {cell(w_pg, 7)} {ratio(w_sq, w_pg)} {cell(c_sq, 7)} "
                f"{cell(c_pg, 7)} {ratio(c_sq, c_pg)}"
            )
            if w_sq and w_pg and c_sq and c_pg and min(w_pg / w_sq, c_pg / c_sq) > 1.2:
                over[size].append(path)
        print(line)
    for size in sizes:
        print(f"\n{size}: PostgreSQL over 1.2x SQLite in wall and CPU: {over[size] or 'none'}")
    print(f"load average at the end: {os.getloadavg()}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--grow-child":
        _grow(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--measure-child":
        _measure(sys.argv[2], int(sys.argv[3]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-child":
        _serve(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--teams", type=int, default=245)
    parser.add_argument("--deployments", type=int, default=16000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--engine",
        choices=["sqlite", "postgres", "both"],
        default="sqlite",
        help="both: build on each engine (DIR/sqlite, DIR/pg) and alternate their requests",
    )
    parser.add_argument("--keep", help="build into this folder and keep it (reused if present)")
    parser.add_argument(
        "--pg-database",
        default="steward_scale",
        help="PostgreSQL: the company at scale goes into NAME_big, the demo into NAME_demo",
    )
    parser.add_argument(
        "--only", action="append", help="--engine both: measure only paths containing this"
    )
    parser.add_argument(
        "--sizes", default="demo,scale", help="--engine both: which companies (demo,scale)"
    )
    parser.add_argument(
        "--build-only", action="store_true", help="build the companies (with --keep) and stop"
    )
    args = parser.parse_args()
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="steward-scale-"))
    if args.build_only:
        for engine in ("sqlite", "postgres") if args.engine == "both" else (args.engine,):
            for label in args.sizes.split(","):
                where = base / _DIR[engine] if args.engine == "both" else base
                _build(args, where, engine, label)
        return
    if args.engine == "both":
        try:
            _compare(args, base)
        finally:
            if not args.keep:
                shutil.rmtree(base, ignore_errors=True)
        return
    measured = {}
    try:
        for label in ("demo", "scale"):
            env = _build(args, base, args.engine, label)
            print(f"measuring {label}", flush=True)
            measured[label] = _child("--measure-child", env, str(base / label), str(args.rounds))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    demo, scale = measured["demo"], measured["scale"]
    for label in ("demo", "scale"):
        c = measured[label]["counts"]
        print(
            f"{label}: {c['people']} people, {c['teams']} teams, {c['commits']} commits in "
            f"{c['repositories']} repositories, {c['deployments']} deployments"
        )
    floor = scale["times"].get("/healthz", 1.0)
    # CPU ms: the request's CPU time in this process (SQLite runs in it; PostgreSQL's server
    # time is not included), which a loaded machine inflates far less than wall time.
    print(
        f"\n{'path':60} {'demo ms':>8} {'scale ms':>9} {'x demo':>7} {'x healthz':>9} "
        f"{'demo cpu':>9} {'scale cpu':>9}"
    )
    over = []
    for path, at_scale in scale["times"].items():
        small = demo["times"].get(path)
        ratio = f"{at_scale / small:7.1f}" if small else "      -"
        shown = f"{small:8.1f}" if small is not None else "       -"
        cpu_demo = demo.get("cpu", {}).get(path)
        cpu_scale = scale.get("cpu", {}).get(path)
        cpu_shown = f"{cpu_demo:9.1f}" if cpu_demo is not None else "        -"
        cpu_big = f"{cpu_scale:9.1f}" if cpu_scale is not None else "        -"
        print(
            f"{path[:60]:60} {shown} {at_scale:9.1f} {ratio} {at_scale / floor:9.1f} "
            f"{cpu_shown} {cpu_big}"
        )
        if at_scale >= 200:
            over.append(path)
    print(f"\n{len(scale['times'])} URLs; at or over 200 ms at scale: {over or 'none'}")


if __name__ == "__main__":
    main()
