"""The server the browser modules that only read share (org, tables, layout, cockpit)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.test_org_browser import serve_home


@pytest.fixture(scope="session")
def shared_server(demo_home: Path) -> Iterator[str]:
    """The demo company (built once per session) served by the production server with its job
    worker, as `steward serve` runs by default; started once per process, not per module.
    Each test opens its own page (its own cookies); the modules that save forms serve a
    private copy of the demo instead (private_demo.py)."""
    yield from serve_home(demo_home, jobs=True)
