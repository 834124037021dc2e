"""Browser test of the finance forms in Debian's chromium: finance edits the budget grid (an
error beside its cell, then a saved amount), adds a contract and changes it, sets and changes
a variance threshold, sets an exchange rate and adds a mapping rule; an executive (who reads
money) sees none of the buttons and forms and is refused the form pages; an engineer is refused
every finance page.

The server runs on a private copy of the demo home, so these writes do not leak into other
tests.
"""

from __future__ import annotations

import pytest

from tests.browser import test_org_browser as base
from tests.browser.private_demo import private_demo

# One xdist group: the private demo copy and its server start once, on one worker.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("finance-browser")]

SAVE = "main form button[type=submit].btn-primary"


demo_copy, server, browser = private_demo("finance-home")


def test_finance_forms_and_the_roles_that_may_not_use_them(browser: object, server: str) -> None:
    page = base._login(browser, server, "finance")
    # The budget grid: a wrong amount is shown beside its cell, nothing saved; then a save.
    page.goto(f"{server}/finance/budget/?year=2026")
    page.click("#budget-edit")
    page.wait_for_url("**/finance/budget/2026/*/edit/")
    page.fill("input[name=form-0-m01]", "-5")
    page.click(SAVE)
    assert page.locator("input[name=form-0-m01] ~ .invalid-feedback").count() == 1
    page.fill("input[name=form-0-m01]", "123457")
    page.click(SAVE)
    page.wait_for_url("**/finance/budget/?year=2026&version=*")
    first_row = page.locator("main table").first.locator("tbody tr").first
    assert first_row.locator("td").nth(2).inner_text() == "123,457"

    # A new contract with a new vendor: it joins the renewal calendar with its cancel-by date.
    page.goto(f"{server}/finance/contracts/")
    page.click("#contract-create")
    page.wait_for_url("**/finance/contracts/new/")
    page.fill("#id_key", "C-BROWSER")
    page.fill("#id_vendor", "Browserstack")
    page.fill("#id_title", "Cross-browser testing")
    page.fill("#id_start", "2026-06-01")
    page.fill("#id_end", "2028-06-01")
    page.fill("#id_notice_days", "60")
    page.fill("#id_annual_value", "18000")
    page.click("form.edit-form button[type=submit]")
    page.wait_for_url(f"{server}/finance/contracts/")
    row = page.locator("tr", has_text="Cross-browser testing").first
    # Cancel-by = 1 Jun 2028 - 60 days = 2 Apr 2028.
    assert "Browserstack" in row.inner_text() and "2 Apr 2028" in row.inner_text()
    # Changed from its title in the calendar: 90 days' notice moves cancel-by to 3 Mar 2028.
    row.locator("a", has_text="Cross-browser testing").click()
    page.wait_for_url("**/finance/contracts/C-BROWSER/edit/")
    assert page.locator("#id_key").is_disabled()
    page.fill("#id_notice_days", "90")
    page.click("form.edit-form button[type=submit]")
    page.wait_for_url(f"{server}/finance/contracts/")
    row = page.locator("tr", has_text="Cross-browser testing").first
    assert "3 Mar 2028" in row.inner_text() and "90 days" in row.inner_text()

    # A threshold for the search team's cloud line, then changed to an amount.
    page.goto(f"{server}/finance/thresholds/")
    page.select_option("#id_category", "cloud")
    page.select_option("#id_cost_center", "CC-SEARCH")
    page.fill("#id_percent", "50")
    page.click("form.edit-form button[type=submit]")
    page.wait_for_url(f"{server}/finance/thresholds/")
    table = page.locator("#thresholds")
    assert "Search" in table.inner_text() and "50 %" in table.inner_text()
    table.locator("a", has_text="Change").first.click()
    page.wait_for_url("**/finance/thresholds/?edit=*")
    assert page.input_value("#id_percent") == "50.00"
    page.fill("#id_percent", "")
    page.fill("#id_amount", "1000000")
    page.click("form.edit-form button[type=submit]")
    page.wait_for_url(f"{server}/finance/thresholds/")
    assert "1,000,000 EUR" in page.locator("#thresholds").inner_text()
    # The plan-vs-actual page flags the line by it: 1,000,000 EUR is not exceeded.
    page.goto(f"{server}/finance/plan-vs-actual/?year=2026")
    assert "above 1,000,000 EUR (the line's)" in page.locator("main").inner_text()

    # An exchange rate and a cloud mapping rule, each listed once saved.
    page.goto(f"{server}/finance/rates/")
    page.fill("#id_month", "2027-01-01")
    page.fill("#id_currency", "CHF")
    page.fill("#id_rate", "1.05")
    page.click("form.edit-form button[type=submit]")
    page.wait_for_url(f"{server}/finance/rates/")
    assert "Jan 2027\tCHF\t1.0500" in page.locator("main table").inner_text()
    page.goto(f"{server}/finance/cloud/")
    page.select_option("#id_source", "focus")
    page.fill("#id_priority", "5")
    page.fill("#id_field", "tag:product")
    page.fill("#id_pattern", "browser-*")
    page.fill("#id_service", "browser-api")
    page.click("form.edit-form button[type=submit]")
    page.wait_for_url(f"{server}/finance/cloud/")
    assert "browser-*" in page.locator("main").inner_text()
    page.close()

    # The executive reads money but changes none of it: no buttons, no forms, 403 on the forms.
    executive = base._login(browser, server, "executive")
    executive.goto(f"{server}/finance/budget/?year=2026")
    assert executive.locator("#budget-edit").count() == 0
    executive.goto(f"{server}/finance/contracts/")
    assert executive.locator("#contract-create").count() == 0
    assert executive.locator("a[href$='/C-BROWSER/edit/']").count() == 0
    executive.goto(f"{server}/finance/thresholds/")
    assert "1,000,000 EUR" in executive.locator("#thresholds").inner_text()
    assert executive.locator("form.edit-form").count() == 0
    for path in ("/finance/contracts/new/", "/finance/contracts/C-BROWSER/edit/"):
        response = executive.goto(f"{server}{path}")
        assert response is not None and response.status == 403, path
    executive.close()

    engineer = base._login(browser, server, "engineer")
    for path in (
        "/finance/budget/2026/0/edit/",
        "/finance/contracts/new/",
        "/finance/thresholds/",
    ):
        response = engineer.goto(f"{server}{path}")
        assert response is not None and response.status == 403, path
    engineer.close()
