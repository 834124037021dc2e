"""Screenshots of the main pages at 1,440 px, for docs/screenshots/ and the README.

Builds the demo company into a temporary STEWARD_HOME (or uses a running server with --url),
signs in as the CTO in Debian's chromium (Playwright drives /usr/bin/chromium; it cannot
download its own browser here) and saves one full-page PNG per page.

    python bench/screenshots.py [--url http://127.0.0.1:8000] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = os.environ.get("STEWARD_CHROMIUM", "/usr/bin/chromium")
WIDTH = 1440
# (file name, path, what it shows); the team, person and scenario are the demo's.
PAGES = [
    ("home", "/", "Home: the organization at a glance and the areas"),
    ("org-chart", "/org/chart/", "Org chart by reporting line"),
    ("team", "/org/teams/payments/", "A team"),
    ("person", "/org/people/E0005/", "A person (the demo manager)"),
    ("delivery", "/engineering/delivery/", "Delivery: the four keys and their weekly trends"),
    ("alignment", "/strategy/alignment/", "Evidence of alignment"),
    ("prioritization", "/strategy/prioritization/", "Prioritization: WSJF and RICE"),
    ("plan", "/strategy/plan/", "Portfolio plan"),
    ("scenarios", "/org/scenarios/", "Reorg scenarios"),
    ("health", "/org/health/", "Organization health"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_demo(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["STEWARD_HOME"] = str(home)
    steward = [sys.executable, "-m", "steward"]
    subprocess.run([*steward, "demo", "--no-serve"], env=env, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen(
        [*steward, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("steward serve did not answer /healthz")


def shoot(url: str, out: Path, user: str = "cto") -> list[Path]:
    """Sign in as `user` and save a full-page screenshot of every page in PAGES."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        page.goto(f"{url}/accounts/login/")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", "demo")
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/")
        for name, path, _what in PAGES:
            page.goto(f"{url}{path}")
            page.wait_for_load_state("networkidle")
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=True)
            saved.append(target)
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running Steward with the demo data (default: build one)")
    parser.add_argument("--out", default="docs/screenshots", type=Path)
    args = parser.parse_args()
    proc = None
    home = None
    url = args.url
    if url is None:
        home = Path(tempfile.mkdtemp(prefix="steward-shots-"))
        proc, url = _serve_demo(home)
    try:
        for path in shoot(url.rstrip("/"), args.out):
            print(path)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        if home is not None:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
