"""Median response time of every page and API endpoint on the demo company.

Builds the demo into a temporary STEWARD_HOME, serves it with `steward serve` (gunicorn, one
worker), signs in as the CTO and requests each URL many times: every GET page and endpoint
without path parameters (discovered from the URL resolver) plus the organization's detail
pages. The baseline is `/healthz` measured in the same run (same server, same connection
handling, one trivial query), so the ratio shows what each page costs beyond the framework's
floor. Target (issue 2): median under 100 ms for every page and API call.

    python bench/pages.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

DETAIL_PATHS = [
    "/org/chart/?view=reporting",
    "/org/chart/teams/platform-core/",
    "/org/chart/reports/E0001/",
    "/org/teams/platform-core/",
    "/org/people/?leavers=1",
    "/org/people/E0007/",
    "/org/roles/cto-role-descriptiom/",
    "/api/v1/org/people?limit=1000",
    "/api/v1/org/people/E0007",
    "/api/v1/org/teams/platform-core",
]
# Not plain GET pages: POST-only endpoints, the logout form, forms that change data.
SKIP = ("accounts/", "api/v1/webhooks/", "api/v1/strategy/plan/solve", "api/v1/docs", "admin/")


def discovered_paths(home: str) -> list[str]:
    """GET paths without parameters from the URL resolver, /healthz first."""
    os.environ["STEWARD_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django
    from django.urls import URLResolver, get_resolver

    django.setup()

    def walk(patterns: list[object], prefix: str) -> list[str]:
        found = []
        for p in patterns:
            if isinstance(p, URLResolver):
                found += walk(p.url_patterns, prefix + str(p.pattern))
            else:
                found.append(prefix + str(p.pattern))  # type: ignore[attr-defined]
        return found

    paths = {
        "/" + u
        for u in walk(get_resolver().url_patterns, "")
        if "<" not in u and "(" not in u and not u.startswith(SKIP) and u != "api/v1/"
    }
    paths.discard("/healthz")
    return ["/healthz", *sorted(paths), *DETAIL_PATHS]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Session:
    """A keep-alive HTTP connection with a session cookie."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.conn.port}/accounts/login/"
        for attempt in range(3):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError, TimeoutError):
                # gunicorn closes an idle keep-alive connection after 2 s (a loaded machine
                # pauses that long): reconnect and send the request again.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.conn.port, timeout=30)
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, username: str) -> None:
        _, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        form = urllib.parse.urlencode(
            {"username": username, "password": "demo", "csrfmiddlewaretoken": token.group(1)}
        )
        status, _ = self.request("POST", "/accounts/login/", form)
        assert status == 302, f"login failed: {status}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="steward-bench-")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["STEWARD_HOME"] = home
    steward = [sys.executable, "-m", "steward"]
    subprocess.run([*steward, "demo", "--no-serve"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*steward, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        # django.setup() (seconds on a loaded machine) before signing in, not in between.
        paths = discovered_paths(home)
        session = Session(port)
        session.login("cto")
        results = []
        for path in paths:
            status, _ = session.request("GET", path)
            if status != 200:
                print(f"skipped {path}: status {status}")
                continue
            times = []
            for _ in range(args.rounds):
                started = time.perf_counter()
                session.request("GET", path)
                times.append((time.perf_counter() - started) * 1000)
            results.append((path, statistics.median(times), statistics.quantiles(times, n=10)[-1]))
        floor = results[0][1]
        print(f"{'path':45} {'median ms':>10} {'p90 ms':>8} {'x healthz':>10}")
        for path, median, p90 in results:
            print(f"{path:45} {median:10.1f} {p90:8.1f} {median / floor:10.1f}")
        medians = sorted(r[1] for r in results)
        worst = max(results, key=lambda r: r[1])
        print(f"\n{len(results)} URLs; median of medians {statistics.median(medians):.1f} ms;")
        print(f"slowest median: {worst[0]} {worst[1]:.1f} ms (target < 100 ms; 200 ms at scale)")
        over = [r[0] for r in results if r[1] >= 100]
        print(f"URLs at or over 100 ms: {over or 'none'}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
