"""Fixtures for browser tests that write: a server on a private copy of the demo home.

A module that saves forms declares `demo_copy, server, browser = private_demo("name")`; its
writes land in its own copy of the demo (built once per run), not in the shared one.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import test_org_browser as base


def private_demo(name: str) -> tuple[Any, Any, Any]:
    """Module-scoped fixtures `demo_copy`, `server` and `browser` on a copy named `name`."""

    @pytest.fixture(scope="module")
    def demo_copy(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
        """A private copy of the demo home (the forms write to it)."""
        home = tmp_path_factory.mktemp(name) / "home"
        shutil.copytree(demo_home, home, symlinks=True)
        return home

    @pytest.fixture(scope="module")
    def server(demo_copy: Path) -> Iterator[str]:
        """The copy served without the job worker (no test here needs one; the shared
        server runs it)."""
        yield from base.serve_home(demo_copy, jobs=False)

    @pytest.fixture(scope="module")
    def browser(server: str) -> Iterator[object]:
        yield from base.launch_chromium()

    return demo_copy, server, browser
