"""Browser test: from a finding on the home page to its evidence, then dismissing it."""

from __future__ import annotations

import pytest

from tests.browser.test_org_browser import _login, browser, server  # noqa: F401

# The xdist group of the modules that browse the shared demo home: see test_org_browser.py.
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_cto_clicks_a_finding_to_its_evidence(browser: object, server: str) -> None:  # noqa: F811
    page = _login(browser, server, "cto")
    findings = page.locator("#findings li.finding")
    assert findings.count() > 0  # the demo computes its findings when it is built
    # The starved objective: its evidence is the alignment page for the same period.
    starved = page.locator("#findings li.finding[data-rule='starved-objective'] a.finding-link")
    statement = starved.first.inner_text()
    objective = statement.split(" ")[0]  # "O1 (Launch ...) is priority 1 and received ..."
    starved.first.click()
    page.wait_for_url("**/strategy/alignment/**")
    assert "from=" in page.url and "to=" in page.url
    body = page.locator("main").inner_text()
    assert objective in body and "Alignment" in page.title()
    # Back home, dismiss the first finding: it leaves the list for this user.
    page.goto(f"{server}/")
    first = page.locator("#findings li.finding").first
    text = first.locator("a.finding-link").inner_text()
    first.locator("button[value=dismiss]").click()
    page.wait_for_url(f"{server}/")
    remaining = page.locator("#findings li.finding a.finding-link").all_inner_texts()
    assert text not in remaining
    assert page.locator("#findings details summary").inner_text().endswith("set aside")
    page.close()
