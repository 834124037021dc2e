"""The cockpit on the demo company: the home page (findings served from the stored run) and
the board report as PDF.

Builds the demo into a temporary STEWARD_HOME (or uses `--home`), serves it with `steward
serve` (one worker), signs in and requests the home page many times as the CTO and as the
manager; the baseline is `/healthz` in the same run. Then builds the board report of the
demo's quarter in this process, HTML and PDF, timed against WeasyPrint rendering a one-line
document (the library's own floor) in the same run. Targets (issue 15): home page median under
200 ms; board PDF under 15 s.

    python bench/cockpit.py [--rounds 30] [--home DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import Session, free_port


def _median_ms(session: Session, path: str, rounds: int) -> float:
    status, _ = session.request("GET", path)
    assert status == 200, f"{path}: {status}"
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        session.request("GET", path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _timed(what: object) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    what()  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--home", help="an existing demo STEWARD_HOME (default: build one)")
    parser.add_argument("--quarter", default="2026Q4")
    args = parser.parse_args()
    home = args.home or tempfile.mkdtemp(prefix="steward-bench-")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["STEWARD_HOME"] = home
    steward = [sys.executable, "-m", "steward"]
    if not args.home:
        subprocess.run([*steward, "demo", "--no-serve"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*steward, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(400):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        print(f"{'page':30} {'median ms':>10} {'x healthz':>10}")
        for username in ("cto", "manager"):
            session = Session(port)
            session.login(username)
            floor = _median_ms(session, "/healthz", args.rounds)
            home_ms = _median_ms(session, "/", args.rounds)
            print(f"{'/healthz (' + username + ')':30} {floor:10.1f} {1.0:10.1f}")
            print(f"{'/ (' + username + ')':30} {home_ms:10.1f} {home_ms / floor:10.1f}")
    finally:
        server.terminate()
        server.wait(timeout=10)

    os.environ["STEWARD_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from weasyprint import HTML

    from steward.cockpit import reports
    from steward.core import policy

    out: dict[str, object] = {}
    floor_wall, floor_cpu = _timed(lambda: HTML(string="<p>floor</p>").write_pdf())
    period = reports.parse_period("board", args.quarter)
    build_wall, build_cpu = _timed(lambda: out.update(built=reports.build(policy.SYSTEM, period)))
    pdf_wall, pdf_cpu = _timed(lambda: out.update(pdf=reports.pdf(out["built"])))  # type: ignore[arg-type]
    total = build_wall + pdf_wall
    print(f"\nboard report {args.quarter}: build {build_wall:.2f} s wall / {build_cpu:.2f} s CPU;")
    print(f"  HTML to PDF {pdf_wall:.2f} s wall / {pdf_cpu:.2f} s CPU ({len(out['pdf'])} bytes);")  # type: ignore[arg-type]
    print(f"  one-line PDF (floor) {floor_wall:.2f} s wall / {floor_cpu:.2f} s CPU;")
    print(f"  total {total:.2f} s wall = {total / max(floor_wall, 1e-6):.0f}x the floor "
          "(target < 15 s)")  # fmt: skip
    if not args.home:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
