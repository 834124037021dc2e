"""Browser tests of the editing forms (issue 9 item 3, issue 14): for every form, create, edit and
the refusal for a role that may not, in Debian's chromium.

The server runs on a private copy of the demo home, so these writes do not leak into other
tests. One server and one logged-in page per role serve the whole module; each test works on
rows it creates itself (names no other test uses), so the tests do not depend on their order.
docs/testing.md ("Forms and their browser tests") lists every form and the test covering it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import test_org_browser as base
from tests.browser.private_demo import private_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("forms-browser")]

FORM = "form.edit-form"
SAVE = f"{FORM} button[type=submit]"  # not the header's "Sign out"


demo_copy, server, browser = private_demo("forms-home")


def _role_page(browser: object, server: str, username: str) -> Iterator[Any]:
    page = base._login(browser, server, username)
    page.set_default_timeout(15_000)
    yield page
    page.close()


@pytest.fixture(scope="module")
def cto(browser: object, server: str) -> Iterator[Any]:
    yield from _role_page(browser, server, "cto")


@pytest.fixture(scope="module")
def engineer(browser: object, server: str) -> Iterator[Any]:
    """Amara Almeida (E0006): reports to Sami Zhang, leads no team, edits nothing shared."""
    yield from _role_page(browser, server, "engineer")


@pytest.fixture(scope="module")
def executive(browser: object, server: str) -> Iterator[Any]:
    """Reads the reports; writes none."""
    yield from _role_page(browser, server, "executive")


@pytest.fixture(scope="module")
def manager(browser: object, server: str) -> Iterator[Any]:
    """Sami Zhang (E0005): manages E0006 and others."""
    yield from _role_page(browser, server, "manager")


# --- helpers ---------------------------------------------------------------------------------


def _pick(page: Any, selector: str, typed: str, choice: str) -> None:
    """Type into a picker, wait for the HTMX suggestion `choice`, then take it."""
    page.fill(selector, typed)
    options = page.locator(f"{selector} + datalist option[value='{choice}']")
    options.wait_for(state="attached")
    page.fill(selector, choice)


def _open(page: Any, server: str, path: str, *, via: str | None = None) -> None:
    """Open the form at `path`: by clicking its button (a link to it) on the page `via` (the
    current page when `via` is ""), or directly when `via` is None."""
    if via is None:
        response = page.goto(f"{server}{path}")
        assert response is not None and response.status == 200, (path, response.status)
        return
    if via:
        page.goto(f"{server}{via}")
    button = page.locator(f"main a[href='{path}']").first
    button.click()
    page.wait_for_url(f"{server}{path}")


def _fill(page: Any, values: dict[str, Any], *, form: str = FORM) -> None:
    """Fill fields by name: selects by value or label (a list for a multiple select),
    checkboxes by truth, everything else typed (pickers take the label of the row)."""
    for name, value in values.items():
        field = page.locator(f"{form} [name='{name}']")
        kind = field.evaluate("e => e.tagName == 'SELECT' ? 'select' : e.type")
        if kind == "select":
            field.select_option(value)
        elif kind == "checkbox":
            field.set_checked(bool(value))
        else:
            field.fill(str(value))


def _save(page: Any, server: str, lands_on: str, *, form: str = FORM) -> str:
    """Submit the form; it must redirect (saved) to `lands_on` (a path, or a regular expression
    of one). Returns the text of the page it lands on."""
    with page.expect_navigation() as navigation:
        page.click(f"{form} button:not([type=button])")
    response = navigation.value
    if response.request.redirected_from is None:
        errors = page.locator(".invalid-feedback, .alert-danger").all_inner_texts()
        raise AssertionError(f"not saved ({response.status}): {errors}")
    path = page.url.removeprefix(server)
    assert re.fullmatch(lands_on, path), f"landed on {path}, expected {lands_on}"
    return str(page.locator("main").inner_text())


def _refused(page: Any, server: str, path: str, *, hidden_on: str | None = None) -> None:
    """`path` answers 403 to this role; on `hidden_on` there is no button (link) to it."""
    if hidden_on is not None:
        page.goto(f"{server}{hidden_on}")
        assert page.locator(f"main a[href='{path}']").count() == 0, (hidden_on, path)
    response = page.goto(f"{server}{path}")
    assert response is not None and response.status == 403, (path, response.status)


def _error_beside(page: Any, field: str, words: str) -> None:
    """Submitting shows the error `words` beside `field` (422, the form kept)."""
    with page.expect_navigation() as navigation:
        page.click(SAVE)
    assert navigation.value.status == 422
    error = page.locator(f"#{field}-error")
    assert words in error.inner_text()
    # beside the field: in the same .field block as the input
    block = page.locator(f"{FORM} .field.has-error", has=page.locator(f"[name='{field}']"))
    assert block.locator(f"#{field}-error").count() == 1


def _row(page: Any, text: str) -> Any:
    """The table row holding `text` (exactly one)."""
    row = page.locator("main tr", has_text=text)
    assert row.count() == 1, (text, row.count())
    return row


# --- organization ----------------------------------------------------------------------------


def test_cto_creates_and_edits_a_team(cto: Any, server: str) -> None:
    page = cto
    page.goto(f"{server}/org/teams/")
    page.click("#team-create")
    page.fill("#id_name", "Browser Guild")
    page.select_option("#id_type", "enabling")
    _pick(page, "#id_lead", "Omar", "Omar Gupta (E0010)")
    page.click(SAVE)
    page.wait_for_url(f"{server}/org/teams/browser-guild/")
    assert page.locator("h1").inner_text().startswith("Browser Guild")
    assert "Omar Gupta" in page.content()
    page.click("#team-edit")
    page.fill("#id_mission", "Make browsers happy")
    page.click(SAVE)
    page.wait_for_url(f"{server}/org/teams/browser-guild/")
    assert "Make browsers happy" in page.content()


def test_errors_are_shown_beside_the_field(cto: Any, server: str) -> None:
    page = cto
    page.goto(f"{server}/org/moves/new/")
    page.fill("#id_person", "Nobody Atall")
    page.fill("#id_team", "Payments")
    _error_beside(page, "person", "pick one from the list")


def test_org_people_moves_departments_and_roles(cto: Any, engineer: Any, server: str) -> None:
    page = cto
    # A person: the HR and compensation fields are the CTO's to set.
    _open(page, server, "/org/people/new/", via="/org/people/")
    _fill(
        page,
        {
            "employee_id": "B0001",
            "name": "Bea Browser",
            "track": "ic",
            "team": "Payments",
            "manager": "Sami Zhang (E0005)",
            "start_date": "2026-11-02",
            "salary": "70000",
            "currency": "eur",
        },
    )
    text = _save(page, server, "/org/people/B0001/")
    assert page.locator("h1").inner_text().startswith("Bea Browser")
    assert "Payments" in text and "Sami Zhang" in text
    amount, currency = page.locator("#salary").inner_text().split()
    assert float(amount.replace(",", "")) == 70000 and currency == "EUR"  # upper-cased
    _open(page, server, "/org/people/B0001/edit/", via="")
    _fill(page, {"title": "Staff Browser"})
    assert "Staff Browser" in _save(page, server, "/org/people/B0001/")
    # A move: the person is filled in from their page.
    _open(page, server, "/org/moves/new/?person=B0001", via="")
    assert page.input_value("#id_person") == "Bea Browser (B0001)"
    _fill(page, {"team": "Checkout", "on": "2026-12-01"})
    _save(page, server, "/org/people/B0001/")
    assert "Checkout" in page.locator("#person-fields").inner_text()
    # A department, renamed.
    _open(page, server, "/org/departments/new/", via="/org/departments/")
    _fill(page, {"name": "Browser Department", "parent": "Engineering"})
    assert "Browser Department" in _save(page, server, "/org/departments/")
    _open(page, server, "/org/departments/browser-department/edit/", via="")
    _fill(page, {"name": "Browser Division"})
    _save(page, server, "/org/departments/")
    table = page.locator("main table").inner_text()
    assert "Browser Division" in table and "Browser Department" not in table
    assert "Engineering" in _row(page, "Browser Division").inner_text()  # still part of it
    # A role description in Markdown.
    _open(page, server, "/org/roles/new/", via="/org/roles/")
    _fill(
        page,
        {
            "title": "Browser Role",
            "description": "Keeps the forms honest",
            "body": "Clicks every button.\n\n## Duties\n- Fill every form",
        },
    )
    text = _save(page, server, "/org/roles/browser-role/")
    assert "Fill every form" in text
    _open(page, server, "/org/roles/browser-role/edit/", via="")
    _fill(page, {"description": "Keeps every form honest"})
    assert "Keeps every form honest" in _save(page, server, "/org/roles/browser-role/")

    # The engineer sees none of the buttons and is refused every form.
    page = engineer
    _refused(page, server, "/org/people/new/", hidden_on="/org/people/")
    _refused(page, server, "/org/moves/new/", hidden_on="/org/teams/")
    _refused(page, server, "/org/people/E0006/edit/", hidden_on="/org/people/E0006/")
    _refused(page, server, "/org/departments/new/", hidden_on="/org/departments/")
    _refused(page, server, "/org/departments/engineering/edit/", hidden_on="/org/departments/")
    _refused(page, server, "/org/roles/new/", hidden_on="/org/roles/")
    _refused(page, server, "/org/teams/new/", hidden_on="/org/teams/")
    _refused(page, server, "/org/teams/payments/edit/", hidden_on="/org/teams/payments/")


def test_org_design_allocations_plan_and_scenarios(
    cto: Any, engineer: Any, manager: Any, server: str
) -> None:
    page = cto
    # A capacity allocation: a share that is not a percentage is refused beside the field.
    _open(page, server, "/org/capacity/allocations/new/", via="/org/capacity/")
    _fill(page, {"team": "Payments", "kind": "other", "quarter": "2027q4", "share": "0"})
    _error_beside(page, "share", "0.1")
    _fill(page, {"share": "12.5", "note": "Browser hack week"})
    _save(page, server, "/org/capacity/")
    row = _row(page, "2027Q4")  # the quarter written as the form normalizes it
    # the share as typed (one decimal), not rounded to "12 %"
    assert row.inner_text().split("\t")[:4] == ["Payments", "Other", "2027Q4", "12.5 %"]
    edit = str(row.locator("a", has_text="Edit").get_attribute("href"))
    _open(page, server, edit, via="")
    _fill(page, {"share": "20"})
    _save(page, server, "/org/capacity/")
    assert "20.0 %" in _row(page, "2027Q4").inner_text()
    # A planned hire, then approved.
    _open(page, server, "/org/headcount-plan/new/", via="/org/headcount-plan/")
    _fill(
        page,
        {
            "key": "hc-browser-1",
            "team": "Payments",
            "kind": "hire",
            "title": "Browser Engineer",
            "level": "L3",
            "expected_start": "2027-04-01",
            "salary": "80000",
            "currency": "eur",
            "manager": "Sami Zhang (E0005)",
        },
    )
    _save(page, server, "/org/headcount-plan/")
    # blank quarter: the quarter of the expected start (April 2027)
    cells = _row(page, "hc-browser-1").inner_text().split("\t")
    assert cells[:6] == ["hc-browser-1", "Payments", "New hire", "Planned", "L3", "2027Q2"]
    _open(page, server, "/org/headcount-plan/hc-browser-1/edit/", via="")
    _fill(page, {"status": "approved", "level": "L4"})
    _save(page, server, "/org/headcount-plan/")
    cells = _row(page, "hc-browser-1").inner_text().split("\t")
    assert cells[3:5] == ["Approved", "L4"]
    # Scenario changes: one small form per kind.
    scenario = "/org/scenarios/1/"
    page.goto(f"{server}{scenario}?kind=create_team")
    change = "form.change-form"
    _fill(page, {"change-name": "Browser Squad", "change-type": "enabling"}, form=change)
    _save(page, server, re.escape(scenario) + r"\?kind=create_team", form=change)
    assert "Browser Squad" in page.locator("#editor > ol > li").last.inner_text()
    for kind, values, shown in (
        ("move_person", {"person": "Amara Almeida (E0006)", "team": "checkout"}, "Amara Almeida"),
        (
            "change_manager",
            {"person": "Omar Gupta (E0010)", "manager": "Sami Zhang (E0005)"},
            "Omar Gupta",
        ),
        (
            "split_team",
            {"team": "catalog", "new_name": "Catalog Two", "people": "Rosa Kim\nBjörn Kim"},
            "Catalog Two",
        ),
        (
            "merge_teams",
            {"source": "mobile", "into": "identity"},
            "Mobile Apps",
        ),
        ("dissolve_team", {"team": "observability", "into": "sre-enablement"}, "Observability"),
        (
            "add_hire",
            {"team": "payments", "title": "Browser hire", "expected_start": "2027-03-01"},
            "Browser hire",
        ),
        ("mark_departure", {"person": "Milan Hansen (E0029)", "on": "2027-01-31"}, "Milan Hansen"),
    ):
        page.goto(f"{server}{scenario}?kind={kind}")
        before = page.locator("#editor > ol > li:not(.muted)").count()
        _fill(page, {f"change-{name}": value for name, value in values.items()}, form=change)
        _save(page, server, re.escape(scenario) + rf"\?kind={kind}", form=change)
        added = page.locator("#editor > ol > li")
        assert added.count() == before + 1, kind
        assert shown in added.last.inner_text(), kind

    # The engineer: no allocation button and 403; the headcount plan is not theirs to open.
    _refused(engineer, server, "/org/capacity/allocations/new/", hidden_on="/org/capacity/")
    _refused(engineer, server, "/org/headcount-plan/hc-browser-1/edit/")
    # The manager reads the plan but may not add to it; others' scenarios are not theirs.
    _refused(manager, server, "/org/headcount-plan/new/", hidden_on="/org/headcount-plan/")
    response = manager.goto(f"{server}{scenario}")
    assert response is not None and response.status == 404


# --- strategy --------------------------------------------------------------------------------


def test_cto_creates_an_objective_and_checks_in(cto: Any, server: str) -> None:
    page = cto
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
    # The key result edited, then a check-in recorded.
    kr = "/strategy/objectives/O42/key-results/KR1/"
    _open(page, server, f"{kr}edit/", via="")
    _fill(page, {"title": "Questions answered well", "target": "40"})
    assert "Questions answered well" in _save(page, server, "/strategy/objectives/O42/")
    _open(page, server, f"{kr}check-ins/new/", via="")
    _fill(page, {"on": "2027-02-01", "value": "12345", "confidence": "0.7", "note": "Halfway"})
    assert "12,345" in _save(page, server, "/strategy/objectives/O42/")


def test_engineer_sees_no_buttons_and_is_refused(engineer: Any, server: str) -> None:
    page = engineer
    page.goto(f"{server}/org/teams/payments/")
    assert page.locator("#team-edit").count() == 0
    page.goto(f"{server}/strategy/objectives/O1/")
    assert page.locator("#objective-edit").count() == 0
    assert page.locator("#key-result-create").count() == 0
    response = page.goto(f"{server}/org/teams/payments/edit/")
    assert response is not None and response.status == 403
    response = page.goto(f"{server}/strategy/objectives/new/")
    assert response is not None and response.status == 403
    kr = "/strategy/objectives/O1/key-results/KR1/"
    _refused(page, server, f"{kr}edit/", hidden_on="/strategy/objectives/O1/")
    _refused(page, server, f"{kr}check-ins/new/", hidden_on="/strategy/objectives/O1/")
    _refused(page, server, "/strategy/objectives/O1/key-results/new/")


def test_strategy_initiatives_ideas_and_actions(cto: Any, engineer: Any, server: str) -> None:
    page = cto
    _open(page, server, "/strategy/initiatives/new/", via="/strategy/initiatives/")
    _fill(
        page,
        {
            "key": "BRW-1",
            "title": "Browser initiative",
            "owner_team": "Payments",
            "status": "planned",
            "horizon": "next",
            "cost": "5000",
            "value": "8",
            "job_size": "3",
            "objective_0": "O1",
            "weight_0": "0.6",
            "objective_1": "O2",
            "weight_1": "0.5",
            "effort_team_0": "Payments",
            "effort_weeks_0": "6",
            "depends_on": ["PAY-LAUNCH"],
        },
    )
    # 0.6 + 0.5 is not 1: the service's error is shown above the form, nothing saved.
    with page.expect_navigation() as navigation:
        page.click(SAVE)
    assert navigation.value.status == 422
    assert "weights sum to 1.1, not 1" in page.locator(f"{FORM} .alert-danger").inner_text()
    _fill(page, {"weight_1": "0.4"})
    text = _save(page, server, "/strategy/initiatives/BRW-1/")
    assert "Browser initiative" in page.locator("h1").inner_text()
    assert "PAY-LAUNCH" in text and "Payments" in text
    _open(page, server, "/strategy/initiatives/BRW-1/edit/", via="")
    assert page.input_value("[name=weight_0]") == "0.6"
    _fill(page, {"title": "Browser initiative, second cut", "effort_weeks_0": "8"})
    _save(page, server, "/strategy/initiatives/BRW-1/")
    assert "second cut" in page.locator("h1").inner_text()
    _open(page, server, "/strategy/initiatives/BRW-1/decisions/", via="")
    _fill(page, {"decisions": "ADR-2, 4"})
    text = _save(page, server, "/strategy/initiatives/BRW-1/")
    assert "Use PostgreSQL as the default database" in text
    # An idea, then moved to experimenting.
    _open(page, server, "/strategy/innovation/ideas/new/", via="/strategy/innovation/")
    _fill(
        page,
        {
            "title": "Browser idea",
            "hypothesis": "Forms tested in a browser break less",
            "owner": "Sami Zhang (E0005)",
            "team": "Payments",
            "timebox_start": "2027-01-04",
            "timebox_end": "2027-02-26",
            "budget": "2500",
        },
    )
    _save(page, server, "/strategy/innovation/")
    column = page.locator("main .card", has=page.locator("p", has_text="Browser idea"))
    assert column.locator("h2").inner_text().startswith("Proposed")
    idea = column.locator("p", has_text="Browser idea")
    edit = str(idea.locator("a[href$='/edit/']").get_attribute("href"))
    _open(page, server, edit, via="")
    _fill(page, {"status": "experimenting"})
    _save(page, server, "/strategy/innovation/")
    column = page.locator("main .card", has=page.locator("p", has_text="Browser idea"))
    assert column.locator("h2").inner_text().startswith("Experimenting")
    # An improvement action: due before it was created is refused beside the field.
    _open(page, server, "/strategy/innovation/actions/new/", via="")
    _fill(
        page,
        {
            "title": "Browser action",
            "source": "incident",
            "source_ref": "INC-4242",
            "owner": "Sami Zhang (E0005)",
            "created_on": "2026-12-01",
            "due_on": "2026-11-01",
        },
    )
    _error_beside(page, "due_on", "is before the day the action was created")
    _fill(page, {"due_on": "2026-12-15"})
    _save(page, server, "/strategy/innovation/")
    edit = str(_row(page, "Browser action").locator("a[href$='/edit/']").get_attribute("href"))
    _open(page, server, edit, via="")
    _fill(page, {"closed_on": "2026-12-10"})
    _save(page, server, "/strategy/innovation/")
    assert "2026" in _row(page, "Browser action").inner_text()

    page = engineer
    _refused(page, server, "/strategy/initiatives/new/", hidden_on="/strategy/initiatives/")
    _refused(
        page, server, "/strategy/initiatives/BRW-1/edit/", hidden_on="/strategy/initiatives/BRW-1/"
    )
    _refused(
        page,
        server,
        "/strategy/initiatives/BRW-1/decisions/",
        hidden_on="/strategy/initiatives/BRW-1/",
    )
    _refused(page, server, "/strategy/innovation/ideas/new/", hidden_on="/strategy/innovation/")
    _refused(page, server, "/strategy/innovation/actions/new/", hidden_on="/strategy/innovation/")
    _refused(page, server, "/strategy/innovation/ideas/1/edit/", hidden_on="/strategy/innovation/")
    _refused(
        page, server, "/strategy/innovation/actions/1/edit/", hidden_on="/strategy/innovation/"
    )


# --- architecture ----------------------------------------------------------------------------


def test_architecture_decisions_radar_catalog_and_debt(
    cto: Any, engineer: Any, server: str
) -> None:
    # Anyone drafts a decision; its author edits it while it is a draft or proposed.
    page = engineer
    _open(page, server, "/architecture/decisions/new/", via="/architecture/decisions/")
    _fill(
        page,
        {
            "title": "Test every form in a browser",
            "tags": "testing",
            "body": "## Context\nForms break.\n\n## Decision\nDrive them in Chromium.",
        },
    )
    _save(page, server, r"/architecture/decisions/\d+/")
    decision = page.url.removeprefix(server)
    assert "Drive them in Chromium" in page.locator("main").inner_text()
    _open(page, server, f"{decision}edit/", via="")
    _fill(page, {"status": "proposed"})
    _save(page, server, decision)
    # The CTO accepts it; then it is no longer its author's to edit.
    _open(cto, server, f"{decision}edit/", via=decision)
    _fill(cto, {"status": "accepted", "decision_makers": "Chiara Rossi"})
    text = _save(cto, server, decision)
    assert "accepted" in text.lower() and "Chiara Rossi" in text
    _refused(page, server, f"{decision}edit/", hidden_on=decision)

    page = cto
    # A technology on the radar, edited, then moved to another ring.
    _open(page, server, "/architecture/radar/new/", via="/architecture/radar/")
    _fill(
        page,
        {
            "name": "Playwright",
            "quadrant": "Tools",
            "ring": "Trial",
            "date": "2026-12-01",
            "reason": "Browser tests",
        },
    )
    _save(page, server, "/architecture/radar/playwright/")
    _open(page, server, "/architecture/radar/playwright/edit/", via="")
    _fill(page, {"description": "Drives Chromium for the form tests"})
    assert "Drives Chromium" in _save(page, server, "/architecture/radar/playwright/")
    _open(page, server, "/architecture/radar/playwright/move/", via="")
    _fill(page, {"ring": "Adopt", "date": "2026-12-03", "reason": "Used by every form test"})
    assert "Used by every form test" in _save(page, server, "/architecture/radar/playwright/")
    # The radar's set-up: a quadrant and a ring, each renamed.
    setup = "/architecture/radar/setup/"
    _open(page, server, f"{setup}quadrants/new/", via=setup)
    _fill(page, {"name": "Browsers", "position": "9"})
    assert "Browsers" in _save(page, server, setup)
    _open(page, server, f"{setup}quadrants/browsers/", via=None)
    _fill(page, {"name": "Browser tools"})
    assert "Browser tools" in _save(page, server, setup)
    _open(page, server, f"{setup}rings/new/", via=setup)
    _fill(page, {"name": "Probe", "position": "9", "color": "#888888"})
    assert "Probe" in _save(page, server, setup)
    _open(page, server, f"{setup}rings/probe/", via=None)
    _fill(page, {"description": "Tried in a browser"})
    assert "Tried in a browser" in _save(page, server, setup)
    # A catalog entry and a tech-debt item.
    _open(page, server, "/architecture/catalog/new/", via="/architecture/catalog/")
    _fill(
        page,
        {
            "kind": "component",
            "name": "browser-tests",
            "title": "Browser tests",
            "owner_team": "Payments",
            "lifecycle": "experimental",
            "tier": "3",
        },
    )
    component = "/architecture/catalog/component/default/browser-tests/"
    _save(page, server, component)
    _open(page, server, f"{component}edit/", via="")
    _fill(page, {"description": "Every form, driven in Chromium", "lifecycle": "production"})
    assert "Every form, driven in Chromium" in _save(page, server, component)
    _open(page, server, "/architecture/debt/new/", via="/architecture/debt/")
    _fill(page, {"title": "Flaky browser waits", "owner_team": "Payments", "interest": "2"})
    _save(page, server, r"/architecture/debt/\d+/")
    item = page.url.removeprefix(server)
    assert "Flaky browser waits" in page.locator("main h1", has_text="Flaky").inner_text()
    _open(page, server, f"{item}edit/", via="")
    _fill(page, {"status": "planned"})
    assert "planned" in _save(page, server, item).lower()

    page = engineer
    _refused(
        page, server, "/architecture/decisions/1/edit/", hidden_on="/architecture/decisions/1/"
    )
    _refused(page, server, "/architecture/radar/new/", hidden_on="/architecture/radar/")
    _refused(
        page, server, "/architecture/radar/python/edit/", hidden_on="/architecture/radar/python/"
    )
    _refused(
        page, server, "/architecture/radar/python/move/", hidden_on="/architecture/radar/python/"
    )
    _refused(page, server, f"{setup}quadrants/new/", hidden_on=setup)
    _refused(page, server, f"{setup}rings/new/", hidden_on=setup)
    _refused(page, server, "/architecture/catalog/new/", hidden_on="/architecture/catalog/")
    _refused(page, server, f"{component}edit/", hidden_on=component)
    _refused(page, server, "/architecture/debt/new/", hidden_on="/architecture/debt/")
    _refused(page, server, f"{item}edit/", hidden_on=item)


# --- growth ----------------------------------------------------------------------------------


def test_growth_one_on_ones_levels_plans_and_goals(cto: Any, engineer: Any, server: str) -> None:
    page = cto
    # A 1:1 cadence with a report, changed, then a 1:1 recorded.
    _open(page, server, "/growth/one-on-ones/new/", via="/growth/one-on-ones/")
    assert page.input_value("[name=manager]") == "Chiara Rossi (E0001)"
    _fill(page, {"report": "Omar Gupta (E0010)", "cadence_days": "21", "started_on": "2026-11-02"})
    _save(page, server, r"/growth/one-on-ones/\d+/")
    pair = page.url.removeprefix(server)
    assert "Omar Gupta" in page.locator("main").inner_text()
    _open(page, server, f"{pair}edit/", via="")
    _fill(page, {"cadence_days": "28"})
    assert "28 days since 2 Nov 2026" in _save(page, server, pair)
    _open(page, server, f"{pair}record/", via="")
    _fill(
        page,
        {
            "held_on": "2026-12-02",
            "agenda": "Browser tests",
            "private_notes": "A private browser note",
            "actions_report": "Write the growth form test",
        },
    )
    assert "Write the growth form test" in _save(page, server, pair)
    # A level, a development plan with a goal, and a check-in on it (the engineer's).
    person = "/growth/people/E0006/"
    _open(page, server, f"{person}level/", via=person)
    _fill(page, {"level": "Engineering · L3 Senior Software Engineer", "start": "2026-12-01"})
    assert "Senior Software Engineer" in _save(page, server, person)
    _open(page, server, f"{person}plans/new/", via="")
    _fill(page, {"title": "Browser plan", "started_on": "2026-12-01"})
    _save(page, server, person)
    plan = page.locator("main section, main .card", has_text="Browser plan").last
    new_goal = str(plan.locator("a[href$='/goals/new/']").first.get_attribute("href"))
    _open(page, server, new_goal, via="")
    _fill(page, {"title": "Demo the form tests", "competency": "Communication"})
    assert "Demo the form tests" in _save(page, server, person)
    goal = page.locator("main li, main tr", has_text="Demo the form tests").last
    check_in = str(goal.locator("a[href$='/check-in/']").get_attribute("href"))
    _open(page, server, check_in, via="")
    _fill(page, {"progress": "40", "note": "Two of five apps"})
    _save(page, server, person)
    assert (
        "40" in page.locator("main li, main tr", has_text="Demo the form tests").last.inner_text()
    )
    # A goal under an objective, then its progress.
    _open(page, server, "/growth/objective-goals/new/", via="/growth/objective-goals/")
    _fill(
        page,
        {
            "objective": "Launch in three new markets",
            "key_result": "Launch in three new markets · Markets live",
            "title": "Browser goal",
            "team": "Payments",
        },
    )
    _save(page, server, r"/growth/objective-goals/\d+/")
    goal_page = page.url.removeprefix(server)
    _open(page, server, f"{goal_page}edit/", via="")
    _fill(page, {"progress": "60"})
    assert "60 % done" in _save(page, server, goal_page)

    page = engineer
    _refused(page, server, "/growth/one-on-ones/5/edit/", hidden_on="/growth/one-on-ones/5/")
    _refused(page, server, f"{person}level/", hidden_on=person)
    _refused(page, server, f"{goal_page}edit/", hidden_on=goal_page)


def test_growth_promotions_onboarding_coaching_training_surveys(
    cto: Any, engineer: Any, server: str
) -> None:
    page = cto
    # A promotion case: evidence, then the decision.
    _open(page, server, "/growth/promotions/new/", via="/growth/promotions/")
    _fill(
        page,
        {
            "person": "Omar Gupta (E0010)",
            "to_level": "Engineering · L3 Senior Software Engineer",
            "summary": "Led the browser tests",
        },
    )
    _save(page, server, r"/growth/promotions/\d+/")
    case = page.url.removeprefix(server)
    _open(page, server, f"{case}evidence/", via="")
    _fill(page, {"competency": "Impact", "text": "Shipped the form tests"})
    assert "Shipped the form tests" in _save(page, server, case)
    _open(page, server, f"{case}decide/", via="")
    _fill(page, {"outcome": "approved", "on": "2026-12-03", "note": "Well earned"})
    assert "Approved" in _save(page, server, case)
    # An onboarding template (a malformed task line is refused beside the field), edited,
    # then a joiner's plan started from it.
    _open(page, server, "/growth/onboarding/templates/new/", via="/growth/onboarding/")
    _fill(page, {"title": "Browser onboarding", "key": "browser-onboarding", "tasks": "soon: x"})
    _error_beside(page, "tasks", "line 1")
    _fill(page, {"tasks": "0 joiner: Run the browser tests\n3 buddy: Review a form test"})
    _save(page, server, "/growth/onboarding/")
    _open(page, server, "/growth/onboarding/templates/browser-onboarding/edit/", via="")
    _fill(page, {"title": "Browser onboarding, short"})
    assert "Browser onboarding, short" in _save(page, server, "/growth/onboarding/")
    _open(page, server, "/growth/onboarding/new/", via="")
    _fill(
        page,
        {
            "person": "Omar Gupta (E0010)",
            "template": "Browser onboarding, short",
            "buddy": "Sami Zhang (E0005)",
            "start": "2026-12-07",
        },
    )
    text = _save(page, server, r"/growth/onboarding/\d+/")
    assert "Run the browser tests" in text and "Review a form test" in text
    # Coaching, a session, training, a budget and a course.
    _open(page, server, "/growth/coaching/new/", via="/growth/coaching/")
    _fill(page, {"lead": "Omar Gupta (E0010)", "goals": "Coach through the forms"})
    _save(page, server, "/growth/coaching/")
    block = page.locator("main section.card", has_text="Chiara Rossi coaching Omar Gupta")
    session = str(block.locator("a[href$='/sessions/new/']").first.get_attribute("href"))
    _open(page, server, session, via="")
    _fill(page, {"topic": "Browser testing", "notes": "Waits, not sleeps"})
    assert "Browser testing" in _save(page, server, "/growth/coaching/")
    _open(page, server, "/growth/courses/new/", via="")
    _fill(
        page,
        {
            "title": "Playwright in practice",
            "key": "playwright-practice",
            "hours": "6",
            "cost": "400",
        },
    )
    assert "Playwright in practice" in _save(page, server, "/growth/coaching/")
    _open(page, server, "/growth/courses/playwright-practice/edit/", via="")
    _fill(page, {"title": "Playwright in depth"})
    assert "Playwright in depth" in _save(page, server, "/growth/coaching/")
    _open(page, server, "/growth/training/new/", via="")
    _fill(page, {"course": "Playwright in depth", "completed_on": "2026-12-02", "cost": "400"})
    _save(page, server, "/growth/coaching/")
    _open(page, server, "/growth/training/budgets/new/", via="")
    _fill(page, {"person": "Sami Zhang (E0005)", "year": "2027", "amount": "1500"})
    _save(page, server, "/growth/coaching/")
    # A survey round, renamed.
    _open(page, server, "/growth/engagement/surveys/new/", via="/growth/engagement/")
    _fill(
        page,
        {
            "title": "Browser pulse",
            "key": "browser-pulse",
            "opened_on": "2026-12-01",
            "questions": "enps: How likely are you to recommend working here?",
        },
    )
    _save(page, server, re.escape("/growth/engagement/?survey=browser-pulse"))
    _open(page, server, "/growth/engagement/surveys/browser-pulse/edit/", via="")
    _fill(page, {"title": "Browser pulse, winter"})
    text = _save(page, server, re.escape("/growth/engagement/?survey=browser-pulse"))
    assert "Browser pulse, winter" in text

    page = engineer
    _refused(page, server, "/growth/promotions/new/", hidden_on="/growth/promotions/")
    _refused(page, server, "/growth/promotions/1/decide/", hidden_on="/growth/promotions/1/")
    response = page.goto(f"{server}{case}decide/")  # someone else's case: not even shown
    assert response is not None and response.status == 404
    _refused(page, server, "/growth/onboarding/new/", hidden_on="/growth/onboarding/")
    _refused(page, server, "/growth/onboarding/templates/new/", hidden_on="/growth/onboarding/")
    _refused(page, server, "/growth/courses/new/", hidden_on="/growth/coaching/")
    _refused(
        page, server, "/growth/courses/playwright-practice/edit/", hidden_on="/growth/coaching/"
    )
    _refused(page, server, "/growth/training/budgets/new/", hidden_on="/growth/coaching/")
    _refused(page, server, "/growth/engagement/surveys/new/", hidden_on="/growth/engagement/")
    _refused(
        page,
        server,
        "/growth/engagement/surveys/browser-pulse/edit/",
        hidden_on="/growth/engagement/",
    )


# --- work tracking and the cockpit ------------------------------------------------------------


def test_investment_rules_the_vision_and_report_notes(
    cto: Any, engineer: Any, executive: Any, server: str
) -> None:
    page = cto
    rules = "/work/investment/rules/"
    _open(page, server, f"{rules}new/", via=rules)
    _fill(page, {"field": "label", "value": "browser", "category": "Quality", "ktlo": True})
    _save(page, server, rules)
    row = _row(page, "browser")
    assert "Quality" in row.inner_text()
    edit = str(row.locator("a[href$='/edit/']").get_attribute("href"))
    _open(page, server, edit, via="")
    _fill(page, {"category": "Testing"})
    _save(page, server, rules)
    assert "Testing" in _row(page, "browser").inner_text()
    move = edit.replace("/edit/", "/move/")
    _open(page, server, move, via=None)
    _fill(page, {"position": "1"})
    _save(page, server, rules)
    assert "browser" in page.locator("main tbody tr").first.inner_text()
    # The technology vision (its own form).
    vision_form = "main form.card"  # the vision's own form (not a ServiceForm)
    _open(page, server, "/cockpit/vision/edit/", via="/cockpit/vision/")
    _fill(
        page,
        {"text": "Every form **tested in a browser**.", "objectives": ["1", "4"]},
        form=vision_form,
    )
    text = _save(page, server, "/cockpit/vision/", form=vision_form)
    assert "Every form tested in a browser." in text
    assert "Make teams self-sufficient" in text and "Launch in three new markets" in text

    # The CTO's commentary on a section of the board report.
    page.goto(f"{server}/cockpit/reports/")
    page.locator("main a[href^='/cockpit/reports/board/']:not([href$='/pdf/'])").first.click()
    report = page.url.removeprefix(server)
    note = "main form:has(#note-delivery)"
    _fill(page, {"text": "Every form now has a browser test."}, form=note)
    _save(page, server, re.escape(report) + "#section-.+", form=note)
    assert (
        page.locator(f"{note} textarea").first.input_value() == "Every form now has a browser test."
    )
    # The executive reads the report but writes no commentary and edits no vision.
    response = executive.goto(f"{server}{report}")
    assert response is not None and response.status == 200
    assert "Every form now has a browser test." in executive.locator("main").inner_text()
    assert executive.locator("main form[action$='/notes/']").count() == 0
    _refused(executive, server, "/cockpit/vision/edit/", hidden_on="/cockpit/vision/")

    page = engineer
    _refused(page, server, f"{rules}new/", hidden_on=rules)
    _refused(page, server, edit, hidden_on=rules)
    _refused(page, server, move)
    _refused(page, server, "/cockpit/vision/edit/", hidden_on="/cockpit/vision/")


# --- deleting --------------------------------------------------------------------------------


def _confirmation(page: Any, server: str, path: str, *, via: str) -> str:
    """Click the Delete button (link) to `path` on `via`: the confirmation page opens, nothing
    is deleted yet. Returns what it says goes with the row."""
    _open(page, server, path, via=via)
    return str(page.locator("#deletion-summary").inner_text())


def _confirm_delete(page: Any, server: str, lands_on: str) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]", has_text="Delete").click()
    assert page.url.removeprefix(server) == lands_on


def test_deleting_asks_first_and_says_what_goes_with_it(
    cto: Any, engineer: Any, server: str
) -> None:
    """Issue 9 item 3: a delete asks for confirmation and says what else goes with it."""
    page = cto
    # A department holding a team: its delete says the team stops it and offers no Delete.
    _open(page, server, "/org/departments/new/", via="/org/departments/")
    _fill(page, {"name": "Doomed Department"})
    _save(page, server, "/org/departments/")
    _open(page, server, "/org/teams/new/", via="/org/teams/")
    _fill(page, {"name": "Doomed Team", "type": "enabling", "department": "Doomed Department"})
    _save(page, server, "/org/teams/doomed-team/")
    department = "/org/departments/doomed-department/delete/"
    said = _confirmation(page, server, department, via="/org/departments/")
    assert page.locator("h1").inner_text() == "Delete department Doomed Department?"
    assert "cannot be deleted while these refer to it" in page.locator("main").inner_text()
    assert said.strip() == "1 team"
    assert page.locator("main button", has_text="Delete").count() == 0
    # The team: nothing else goes; Cancel keeps it, Delete removes it.
    team = "/org/teams/doomed-team/delete/"
    said = _confirmation(page, server, team, via="/org/teams/doomed-team/")
    assert said == "Nothing else is deleted or changed."
    page.locator("main a", has_text="Cancel").click()
    page.wait_for_url(f"{server}/org/teams/doomed-team/")
    _confirmation(page, server, team, via="")
    _confirm_delete(page, server, "/org/teams/")
    assert page.goto(f"{server}/org/teams/doomed-team/").status == 404  # type: ignore[union-attr]
    # Now the department goes, alone.
    said = _confirmation(page, server, department, via="/org/departments/")
    assert said == "Nothing else is deleted or changed."
    _confirm_delete(page, server, "/org/departments/")
    assert "Doomed Department" not in page.locator("main table").inner_text()
    # An objective with two key results: its delete says both go with it.
    page.goto(f"{server}/strategy/")
    page.click("#objective-create")
    _fill(page, {"key": "O77", "title": "Doomed goal", "start": "2027-01-01", "end": "2027-12-31"})
    _save(page, server, "/strategy/objectives/O77/")
    for key in ("KR1", "KR2"):
        page.click("#key-result-create")
        _fill(
            page,
            {"key": key, "title": f"Doomed {key}", "baseline": "0", "target": "10", "current": "3"},
        )
        _save(page, server, "/strategy/objectives/O77/")
    said = _confirmation(page, server, "/strategy/objectives/O77/delete/", via="")
    assert "deletes 2 key results" in said
    _confirm_delete(page, server, "/strategy/")
    assert page.locator(".messages").inner_text() == "Deleted objective O77 Doomed goal."
    assert page.goto(f"{server}/strategy/objectives/O77/").status == 404  # type: ignore[union-attr]
    # The engineer has no Delete button and is refused.
    _refused(engineer, server, "/org/teams/payments/delete/", hidden_on="/org/teams/payments/")
    _refused(engineer, server, "/org/departments/engineering/delete/")
