"""Browser tests of the editing forms: create, edit and refusal, in Debian's chromium.

The server runs on a copy of the demo home, so these writes do not leak into other tests.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import test_org_browser as base

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAVE = "form.edit-form button[type=submit]"  # not the header's "Sign out"


@pytest.fixture(scope="module")
def demo_copy(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the demo home (the forms write to it)."""
    home = tmp_path_factory.mktemp("forms-home") / "home"
    shutil.copytree(demo_home, home, symlinks=True)
    return home


@pytest.fixture(scope="module")
def server(demo_copy: Path) -> Iterator[str]:
    yield from base.server.__wrapped__(demo_copy)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    yield from base.browser.__wrapped__(server)  # type: ignore[attr-defined]


def _pick(page, selector: str, typed: str, choice: str) -> None:  # type: ignore[no-untyped-def]
    """Type into a picker, wait for the HTMX suggestion `choice`, then take it."""
    page.fill(selector, typed)
    options = page.locator(f"{selector} + datalist option[value='{choice}']")
    options.wait_for(state="attached")
    page.fill(selector, choice)


def test_cto_creates_and_edits_a_team(browser: object, server: str) -> None:
    page = base._login(browser, server, "cto")
    page.goto(f"{server}/org/teams/")
    page.click("#team-create")
    page.fill("#id_name", "Browser Guild")
    page.select_option("#id_type", "enabling")
    _pick(page, "#id_lead", "Amara", "Amara Almeida (E0006)")
    page.click(SAVE)
    page.wait_for_url(f"{server}/org/teams/browser-guild/")
    assert page.locator("h1").inner_text().startswith("Browser Guild")
    assert "Amara Almeida" in page.content()
    page.click("#team-edit")
    page.fill("#id_mission", "Make browsers happy")
    page.click(SAVE)
    page.wait_for_url(f"{server}/org/teams/browser-guild/")
    assert "Make browsers happy" in page.content()
    page.close()


def test_errors_are_shown_beside_the_field(browser: object, server: str) -> None:
    page = base._login(browser, server, "cto")
    page.goto(f"{server}/org/moves/new/")
    page.fill("#id_person", "Nobody Atall")
    page.fill("#id_team", "Payments")
    page.click(SAVE)
    error = page.locator("#person-error")
    error.wait_for()
    assert "pick one from the list" in error.inner_text()
    page.close()


def test_cto_creates_an_objective_and_checks_in(browser: object, server: str) -> None:
    page = base._login(browser, server, "cto")
    page.goto(f"{server}/strategy/")
    page.click("#objective-create")
    page.fill("#id_key", "O42")
    page.fill("#id_title", "Answer everything")
    page.fill("#id_start", "2027-01-01")
    page.fill("#id_end", "2027-12-31")
    page.click(SAVE)
    page.wait_for_url(f"{server}/strategy/objectives/O42/")
    page.click("#key-result-create")
    for field, value in (
        ("key", "KR1"),
        ("title", "Questions answered"),
        ("baseline", "0"),
        ("target", "42"),
        ("current", "7"),
    ):
        page.fill(f"#id_{field}", value)
    page.click(SAVE)
    page.wait_for_url(f"{server}/strategy/objectives/O42/")
    assert "Questions answered" in page.content()
    page.click("#objective-edit")
    page.fill("#id_title", "Answer almost everything")
    page.click(SAVE)
    page.wait_for_url(f"{server}/strategy/objectives/O42/")
    assert "Answer almost everything" in page.locator("h1").inner_text()
    page.close()


def test_engineer_sees_no_buttons_and_is_refused(browser: object, server: str) -> None:
    page = base._login(browser, server, "engineer")
    page.goto(f"{server}/org/teams/payments/")
    assert page.locator("#team-edit").count() == 0
    page.goto(f"{server}/strategy/objectives/O1/")
    assert page.locator("#objective-edit").count() == 0
    response = page.goto(f"{server}/org/teams/payments/edit/")
    assert response is not None and response.status == 403
    response = page.goto(f"{server}/strategy/objectives/new/")
    assert response is not None and response.status == 403
    page.close()
