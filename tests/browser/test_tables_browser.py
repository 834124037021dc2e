"""Browser tests of the list pages (core.tables, core.filters) in Debian's chromium: a team
picked by name through the HTMX suggestions filters the people, a header sorts, and no list
page scrolls sideways at 1,280 px."""

from __future__ import annotations

import pytest

from tests.browser.test_org_browser import _login, browser, server  # noqa: F401 (fixtures)

# The xdist group of the modules that browse the shared demo home: see test_org_browser.py.
pytestmark = [pytest.mark.browser, pytest.mark.slow]

LIST_PAGES = [
    "/org/people/",
    "/org/teams/",
    "/strategy/initiatives/",
    "/talent/",
    "/architecture/decisions/",
    "/finance/contracts/",
]


def test_pick_a_team_by_name_then_sort_by_a_header(browser, server: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = _login(browser, server, "cto")
    page.goto(f"{server}/org/people/")
    page.fill("#id_team", "Paym")
    page.locator("#id_team + datalist option[value='Payments']").wait_for(state="attached")
    page.fill("#id_team", "Payments")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/org/people/?*team=Payments*")
    teams = page.locator("table tbody tr td:nth-child(3)").all_inner_texts()
    assert teams and set(teams) == {"Payments"}
    page.click("th a.sort-link:has-text('Started')")
    page.wait_for_url("**sort=start_date*")
    assert "team=Payments" in page.url
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Started")
    page.close()


@pytest.mark.parametrize("path", LIST_PAGES)
def test_list_pages_do_not_scroll_sideways_at_1280(browser, server: str, path: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = _login(browser, server, "cto")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server}{path}")
    assert page.locator("#download-csv").count() == 1
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= 1280, f"{path} is {scroll} px wide"
    page.close()
