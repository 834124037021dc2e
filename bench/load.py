"""Load test: many concurrent users and background writers against `steward serve`.

    python bench/load.py [--engine sqlite|postgres|both] [--users 50] [--duration 60]

For each engine it builds the demo company into a temporary STEWARD_HOME (PostgreSQL: a
throwaway database, `--pg-database`, created and dropped by the script), starts `steward serve`
(gunicorn) on a free port, and then:

1. single user: one signed-in user runs the request mix alone for `--single` seconds, with no
   background work (the baseline of the same run);
2. under load: `--users` users sign in at once (the warm-up, reported apart: Argon2 makes a
   sign-in cost CPU on purpose), then run the same mix for `--duration` seconds while three
   background writers loop, each in its own `steward` process: `steward ingest git` of a
   folder of fresh copies of the demo repositories (about 30,000 new commits per round),
   `steward import deployments` of a new CSV (50 rows per round) and `steward backup`.

The request mix per user: pages and API reads of the main areas (as the user's role sees them),
API check-ins of key results (POST, Bearer token, ~15 %) and a fresh sign-in (~2 %; a login
writes a session). Each user keeps one keep-alive connection. It prints requests, errors (any
status other than 2xx/302, or no answer) and p50/p95/p99 per kind, under load next to the
single-user figures, and the background rounds done and failed. Exit code 1 if any request or
background round failed.

The client is plain threads and http.client (no dependency); it runs on the same machine as
the server, so its own CPU use is part of the latency measured.
"""

from __future__ import annotations

import argparse
import csv
import functools
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGINS = ["cto", "executive", "finance", "people", "architect", "manager", "engineer"]
READ_PATHS = [
    "/",
    "/org/people/",
    "/org/people/E0007/",
    "/org/chart/",
    "/org/teams/",
    "/org/teams/platform-core/",
    "/org/health/",
    "/engineering/delivery/",
    "/engineering/repositories/",
    "/strategy/",
    "/strategy/roadmap/",
    "/strategy/prioritization/",
    "/healthz",
    "/api/v1/org/people?limit=50",
    "/api/v1/org/teams",
    "/api/v1/engineering/deployments?limit=50",
    "/api/v1/engineering/dora",
    "/api/v1/strategy/objectives",
    "/api/v1/strategy/initiatives",
]
COLUMNS = ["id", "repo", "sha", "environment", "status", "started_at", "finished_at", "service"]
CHECK_IN_SHARE = 0.15
LOGIN_SHARE = 0.02


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Session:
    """A keep-alive HTTP connection with a session cookie (and optionally a Bearer token)."""

    def __init__(self, port: int, token: str = "") -> None:
        self.port = port
        self.token = token
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.used = False
        self.reconnects = 0

    def request(
        self, method: str, path: str, body: str | None = None, content_type: str = ""
    ) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}/accounts/login/"
        if self.token and path.startswith("/api/"):
            headers = {"Authorization": f"Bearer {self.token}"}
            if body is not None:
                headers["Content-Type"] = content_type
        for attempt in (1, 2):
            reused = self.used
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                self.used = True
                break
            except (OSError, http.client.HTTPException) as exc:
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                self.used = False
                # A keep-alive connection the server closed while idle (gunicorn closes them
                # after 2 s): the request never reached it; send it again once, as browsers do.
                stale = isinstance(
                    exc, http.client.RemoteDisconnected | ConnectionResetError | BrokenPipeError
                )
                if attempt == 2 or not (reused and stale):
                    raise
                self.reconnects += 1
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, username: str) -> int:
        self.cookies.clear()
        _, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            return 0
        form = urllib.parse.urlencode(
            {"username": username, "password": "demo", "csrfmiddlewaretoken": token.group(1)}
        )
        status, _ = self.request("POST", "/accounts/login/", form)
        return status


@dataclass
class Recorder:
    """Latencies (ms) per kind and the errors seen, shared by the user threads."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    reconnects: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, kind: str, call: Callable[[], int], ok: tuple[int, ...]) -> None:
        started = time.perf_counter()
        try:
            status = call()
            problem = "" if status in ok else f"{kind}: status {status}"
        except Exception as exc:  # every failure is an error to report
            problem = f"{kind}: {type(exc).__name__}: {exc}"
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.times[kind].append(elapsed)
            if problem:
                self.errors.append(problem)

    def requests(self) -> int:
        return sum(len(v) for v in self.times.values())


@dataclass
class Site:
    """A served demo company: where it lives and what the users need to drive it."""

    engine: str
    home: Path
    env: dict[str, str]
    port: int
    server: subprocess.Popen[bytes]
    token: str
    key_results: list[tuple[str, str]]
    paths: dict[str, list[str]]
    repos: list[str]


def steward(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "steward", *args], env=env, capture_output=True, text=True
    )


def build(engine: str, args: argparse.Namespace) -> Site:
    """Demo company, server, API token, and the paths each role may read."""
    home = Path(tempfile.mkdtemp(prefix=f"steward-load-{engine}-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["STEWARD_HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    if engine == "postgres":
        env["DATABASE_URL"] = f"{args.pg_server}/{args.pg_database}"
        _pg(args, f'CREATE DATABASE "{args.pg_database}"')
    started = time.perf_counter()
    demo = steward(env, "demo", "--no-serve")
    if demo.returncode != 0:
        raise SystemExit(f"steward demo failed:\n{demo.stderr}")
    print(f"[{engine}] demo built in {time.perf_counter() - started:.0f} s", flush=True)
    made = steward(env, "token", "create", "cto", "--name", "load")
    if made.returncode != 0:
        raise SystemExit(f"steward token create failed:\n{made.stderr}")
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "steward",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(home / "server.log").open("wb"),
    )
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    token = made.stdout.strip()
    api = Session(port, token)
    status, body = api.request("GET", "/api/v1/strategy/objectives?limit=1000")
    assert status == 200, status
    key_results = [
        (o["key"], kr["key"])
        for o in json.loads(body)["items"]
        for kr in o.get("key_results", [])
        if o.get("key") and kr.get("key")
    ]
    status, body = api.request("GET", "/api/v1/engineering/repositories?limit=1000")
    repos = [r["name"] for r in json.loads(body)["items"]]
    paths = {}
    for login in LOGINS:
        session = Session(port)
        assert session.login(login) == 302, f"login {login} failed"
        paths[login] = [p for p in READ_PATHS if session.request("GET", p)[0] == 200]
    print(
        f"[{engine}] serving on port {port} ({args.workers} gunicorn workers); "
        f"{len(key_results)} key results, {len(repos)} repositories; "
        f"readable paths per role: {', '.join(f'{k} {len(v)}' for k, v in paths.items())}",
        flush=True,
    )
    return Site(engine, home, env, port, server, token, key_results, paths, repos)


def _pg(args: argparse.Namespace, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{args.pg_server}/postgres", autocommit=True) as admin:
        admin.execute(statement)


def status(
    session: Session, method: str, path: str, body: str | None = None, content_type: str = ""
) -> int:
    """The status of one request."""
    return session.request(method, path, body, content_type)[0]


def user(
    site: Site,
    login: str,
    recorders: tuple[Recorder, Recorder],
    stop: threading.Event,
    seed: int,
    ready: threading.Barrier,
) -> None:
    """One user: signs in, waits for the others, then reads, checks in and signs in again
    until `stop`."""
    warmup, recorder = recorders
    rng = random.Random(seed)
    session = Session(site.port)
    api = Session(site.port, site.token)
    warmup.timed("login", functools.partial(session.login, login), (302,))
    ready.wait()
    while not stop.is_set():
        roll = rng.random()
        if roll < LOGIN_SHARE:
            recorder.timed("login", functools.partial(session.login, login), (302,))
        elif roll < LOGIN_SHARE + CHECK_IN_SHARE and site.key_results:
            objective, kr = rng.choice(site.key_results)
            body = json.dumps(
                {
                    "value": round(rng.uniform(0, 100), 1),
                    "confidence": round(rng.uniform(0.1, 0.9), 2),
                    "note": "load test",
                }
            )
            path = f"/api/v1/strategy/objectives/{objective}/key-results/{kr}/check-ins"
            recorder.timed(
                "check-in",
                functools.partial(status, api, "POST", path, body, "application/json"),
                (201,),
            )
        else:
            path = rng.choice(site.paths[login])
            kind = "api read" if path.startswith("/api/") else "page read"
            recorder.timed(kind, functools.partial(status, session, "GET", path), (200,))
    with recorder.lock:
        recorder.reconnects += session.reconnects + api.reconnects


@dataclass
class Background:
    """Rounds of one background command: done, failed, seconds, last failure."""

    name: str
    done: int = 0
    failed: int = 0
    seconds: list[float] = field(default_factory=list)
    last_error: str = ""


def background(
    site: Site, name: str, step: Callable[[int], list[str]], stop: threading.Event
) -> Background:
    """Run `steward <step(round)>` again and again until `stop` (a round is not cut short)."""
    record = Background(name)

    def loop() -> None:
        round_ = 0
        while not stop.is_set():
            round_ += 1
            started = time.perf_counter()
            result = steward(site.env, *step(round_))
            record.seconds.append(time.perf_counter() - started)
            if result.returncode == 0:
                record.done += 1
            else:
                record.failed += 1
                record.last_error = (result.stderr or result.stdout).strip()[-400:]

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    record.thread = thread  # type: ignore[attr-defined]
    return record


def ingest_step(site: Site, scratch: Path) -> Callable[[int], list[str]]:
    demo_repos = sorted((site.home / "demo-repos").glob("*/*.git"))

    def step(round_: int) -> list[str]:
        folder = scratch / f"ingest-{round_}"
        folder.mkdir()

        def copy(repo: Path) -> Path:
            return folder / f"{repo.stem}-load{round_}.git"

        for repo in demo_repos:
            subprocess.run(
                ["git", "clone", "-q", "--bare", "--local", str(repo), str(copy(repo))],
                check=True,
                capture_output=True,
            )
        return ["ingest", "git", str(folder), "--workers", "2"]

    return step


def import_step(site: Site, scratch: Path) -> Callable[[int], list[str]]:
    run_id = uuid.uuid4().hex[:6]

    def step(round_: int) -> list[str]:
        file = scratch / f"deployments-{round_}.csv"
        with file.open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            for n in range(50):
                day = 1 + (round_ * 50 + n) % 28
                writer.writerow(
                    [
                        f"load-{run_id}-{round_}-{n}",
                        site.repos[n % len(site.repos)] if site.repos else "",
                        "",
                        "production",
                        "success" if n % 7 else "failure",
                        f"2026-10-{day:02d}T10:00:00+00:00",
                        f"2026-10-{day:02d}T10:05:00+00:00",
                        "",
                    ]
                )
        return ["import", "deployments", str(file)]

    return step


def backup_step(scratch: Path) -> Callable[[int], list[str]]:
    def step(round_: int) -> list[str]:
        return ["backup", str(scratch / f"backup-{round_ % 2}.jsonl.gz")]

    return step


def run_users(
    site: Site, users: int, seconds: float, on_start: Callable[[], None] = lambda: None
) -> tuple[Recorder, Recorder, float]:
    """`users` users sign in (the warm-up), then run the mix for `seconds` from `on_start`.

    Returns the warm-up's figures, the window's figures and the window's length."""
    warmup, recorder = Recorder(), Recorder()
    stop = threading.Event()
    ready = threading.Barrier(users + 1)
    threads = [
        threading.Thread(
            target=user,
            args=(site, LOGINS[i % len(LOGINS)], (warmup, recorder), stop, i, ready),
            daemon=True,
        )
        for i in range(users)
    ]
    for thread in threads:
        thread.start()
    ready.wait()
    on_start()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=180)
    return warmup, recorder, time.perf_counter() - started


def quantiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        v = values[0] if values else float("nan")
        return v, v, v
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return statistics.median(values), cuts[94], cuts[98]


def report(
    site: Site,
    single: Recorder,
    loaded: Recorder,
    args: argparse.Namespace,
    jobs: list[Background],
    seconds: float,
) -> bool:
    print(
        f"\n== {site.engine}: {args.users} users for {seconds:.0f} s "
        f"(single user {args.single:.0f} s) =="
    )
    print(
        f"{'kind':10} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        f"   | single user: {'requests':>8} {'p50 ms':>7} {'p95 ms':>7}"
    )
    kinds = sorted(set(loaded.times) | set(single.times))
    everything_loaded = [t for k in kinds for t in loaded.times.get(k, [])]
    everything_single = [t for k in kinds for t in single.times.get(k, [])]
    rows = [(k, loaded.times.get(k, []), single.times.get(k, [])) for k in kinds]
    rows.append(("all", everything_loaded, everything_single))
    errors_by_kind: dict[str, int] = defaultdict(int)
    for problem in loaded.errors:
        errors_by_kind[problem.split(":", 1)[0]] += 1
    for kind, under, alone in rows:
        p50, p95, p99 = quantiles(under)
        s50, s95, _ = quantiles(alone)
        errors = len(loaded.errors) if kind == "all" else errors_by_kind.get(kind, 0)
        print(
            f"{kind:10} {len(under):9d} {errors:7d} {p50:8.0f} {p95:8.0f} {p99:8.0f}"
            f"   | {'':12} {len(alone):8d} {s50:7.0f} {s95:7.0f}"
        )
    print(
        f"throughput under load: {loaded.requests() / seconds:.1f} requests/s; "
        f"single user: {single.requests() / args.single:.1f} requests/s"
    )
    print(f"idle keep-alive connections the server had closed, sent again: {loaded.reconnects}")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for job in jobs:
        mean = statistics.mean(job.seconds) if job.seconds else 0.0
        print(
            f"background {job.name}: {job.done} rounds done, {job.failed} failed "
            f"(mean {mean:.1f} s per round)"
        )
        if job.last_error:
            print(f"  last failure: {job.last_error}")
    for problem in sorted(set(loaded.errors + single.errors))[:10]:
        print(f"  error: {problem}")
    log = (site.home / "server.log").read_text(errors="replace").splitlines()
    trouble = [line for line in log if "Error" in line or "WORKER TIMEOUT" in line]
    for line in trouble[-10:]:
        print(f"  server: {line}")
    return not loaded.errors and not single.errors and not any(j.failed for j in jobs)


def run_engine(engine: str, args: argparse.Namespace) -> bool:
    site = build(engine, args)
    scratch = Path(tempfile.mkdtemp(prefix="steward-load-scratch-"))
    try:
        _, single, _ = run_users(site, 1, args.single)
        stop = threading.Event()
        jobs: list[Background] = []

        def start_background() -> None:
            jobs.append(background(site, "steward ingest git", ingest_step(site, scratch), stop))
            jobs.append(
                background(site, "steward import deployments", import_step(site, scratch), stop)
            )
            jobs.append(background(site, "steward backup", backup_step(scratch), stop))

        warmup, loaded, seconds = run_users(site, args.users, args.duration, start_background)
        stop.set()
        for job in jobs:
            job.thread.join(timeout=600)  # type: ignore[attr-defined]
        p50, p95, _ = quantiles(warmup.times["login"])
        print(
            f"\n[{engine}] warm-up: {args.users} users signed in at once before the window: "
            f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, {len(warmup.errors)} errors"
        )
        loaded.errors.extend(warmup.errors)
        return report(site, single, loaded, args, jobs, seconds)
    finally:
        site.server.terminate()
        site.server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(site.home, ignore_errors=True)
        if engine == "postgres":
            _pg(args, f'DROP DATABASE IF EXISTS "{args.pg_database}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    parser.add_argument("--duration", type=float, default=60, help="seconds under load")
    parser.add_argument("--single", type=float, default=15, help="seconds of the single user")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--pg-server", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server"
    )
    parser.add_argument(
        "--pg-database", default="steward_load", help="throwaway database (created, dropped)"
    )
    args = parser.parse_args()
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    ok = all([run_engine(engine, args) for engine in engines])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
