"""Browser tests in Debian's chromium of the page parts that only a browser runs: the cockpit's
snapshot button, the HTMX parts (a scenario change removed in place, the decision preview, the
person picker of the identities page, the team picker of the Delivery page) and the flow page's
drill-down from a week's count to its pull requests and on to one pull request (issue 16).

The server runs on a private copy of the demo home: the snapshot, the removed change and the
linked identity do not leak into other tests.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import test_org_browser as base
from tests.browser.private_demo import private_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

demo_copy, server, browser = private_demo("htmx-home")


def test_the_snapshot_button_freezes_a_quarter(browser: object, server: str) -> None:
    page = base._login(browser, server, "cto")
    page.goto(f"{server}/cockpit/reports/")
    snapshots = page.locator("section.card:has(h2:has-text('Snapshots')) ul li")
    before = snapshots.all_inner_texts()
    quarter = page.locator("#snap-q option").first.inner_text()
    page.select_option("#snap-q", quarter)
    page.click("button:has-text('Take a snapshot now')")
    page.wait_for_url(f"{server}/cockpit/reports/")
    assert (
        page.locator(".alert, .messages").filter(has_text=f"Snapshot of {quarter} taken.").count()
    )
    after = snapshots.all_inner_texts()
    added = [t for t in after if t not in before]
    assert len(added) == 1 and added[0].startswith(f"{quarter} · on demand ·"), added
    page.close()
    # A reader of the reports who may not take snapshots has no button.
    reader = base._login(browser, server, "executive")
    reader.goto(f"{server}/cockpit/reports/")
    assert reader.locator("button:has-text('Take a snapshot now')").count() == 0
    reader.close()


def test_removing_a_scenario_change_swaps_the_editor_in_place(browser: object, server: str) -> None:
    page = base._login(browser, server, "cto")
    page.goto(f"{server}/org/scenarios/1/")
    changes = page.locator("#editor ol > li:not(.muted)")
    count = changes.count()
    assert count >= 1
    first = changes.first.inner_text()
    page.evaluate("window.__kept = true")  # gone if the page were reloaded
    changes.first.locator("button:has-text('remove')").click()
    expect(changes).to_have_count(count - 1)
    assert page.evaluate("window.__kept") is True  # swapped by HTMX, no navigation
    assert page.url == f"{server}/org/scenarios/1/"
    page.reload()
    assert page.locator("#editor ol > li:not(.muted)").count() == count - 1
    assert first not in page.locator("#editor ol").inner_text() or count > 1
    page.close()


def test_the_decision_preview_renders_markdown_as_one_types(browser: object, server: str) -> None:
    page = base._login(browser, server, "architect")
    page.goto(f"{server}/architecture/decisions/new/")
    page.fill("textarea[name=body]", "## Context\n\nWe need **one** queue.")
    preview = page.locator("#body-preview")
    preview.locator("strong").wait_for()
    assert preview.locator("h2").inner_text() == "Context"
    assert preview.locator("strong").inner_text() == "one"
    page.fill("textarea[name=body]", "<script>window.__bad = 1</script>plain")
    expect(preview).to_contain_text("plain")
    assert page.evaluate("window.__bad") is None  # sanitized
    page.close()


def test_link_an_identity_to_a_person_picked_by_name(browser: object, server: str) -> None:
    page = base._login(browser, server, "admin")
    page.goto(f"{server}/engineering/identities/?q=kim%40devagency.example")
    row = page.locator("table tbody tr").filter(has_text="kim@devagency.example")
    person = row.locator("input[name=person]")
    person.fill("Sami")
    option = page.locator("#people-options option").first
    option.wait_for(state="attached")
    label = option.get_attribute("value")
    assert label and label.startswith("Sami ") and re.search(r"\(E\d+\)$", label)
    person.fill(label)
    row.locator("button[value=link]").click()
    page.wait_for_url("**/engineering/identities/?state=unmatched")
    assert page.locator("table tbody").filter(has_text="kim@devagency.example").count() == 0
    page.goto(f"{server}/engineering/identities/?state=linked&q=kim%40devagency.example")
    linked = page.locator("table tbody tr").filter(has_text="kim@devagency.example")
    assert "Linked to a person (set by an admin)" in linked.inner_text()
    page.close()


def test_delivery_team_picked_by_name(browser: object, server: str) -> None:
    page = base._login(browser, server, "cto")
    page.goto(f"{server}/engineering/delivery/")
    page.fill("#id_team", "Paym")
    page.locator("#id_team + datalist option[value='Payments']").wait_for(state="attached")
    page.fill("#id_team", "Payments")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/engineering/delivery/?*team=Payments*")
    assert page.locator("h1").inner_text().startswith("Delivery · Payments")
    # The drill-down links carry the team's slug, and give the team's rows.
    page.click("a:has-text('per week')")
    page.wait_for_url("**/engineering/delivery/deployments/?team=payments*")
    assert "Payments" in page.locator("main p.muted").first.inner_text()
    page.close()


def test_flow_page_drills_down_to_a_pull_request(browser: object, server: str) -> None:
    page = base._login(browser, server, "cto")
    page.goto(f"{server}/work/flow/?from=2026-06-01&to=2026-12-01")
    weeks = page.locator("#by-week tbody tr")
    assert weeks.count() > 0
    link = next(
        a
        for a in (weeks.nth(i).locator("td a").first for i in range(weeks.count()))
        if int(a.inner_text().replace(",", "")) > 0
    )
    merged = int(link.inner_text().replace(",", ""))
    link.click()
    page.wait_for_url(re.compile(r".*[?&]week=\d{4}-\d{2}-\d{2}.*"))
    rows = page.locator("h2#pulls ~ table tbody tr")
    assert rows.count() == min(merged, 100)
    assert page.locator("h2#pulls + p").inner_text().startswith(f"{merged:,} pull requests")
    key = rows.first.locator("td a code").inner_text()
    rows.first.locator("td a").first.click()
    page.wait_for_url(re.compile(r".*/work/pulls/\d+/$"))
    assert page.locator("h1 code").inner_text() == key
    page.close()


def _first_link(page, pattern: str) -> str:  # type: ignore[no-untyped-def]
    """The first link of the main column whose path matches `pattern`."""
    for href in page.locator("main a").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        if href and re.fullmatch(pattern, href):
            return str(href)
    raise AssertionError(f"no link matching {pattern} on {page.url}")


def test_action_item_and_onboarding_task_toggles(browser: object, server: str) -> None:
    """The "mark done" / "open again" toggles: an action item of a one-on-one (in the pair)
    and a task of an onboarding plan; each toggles there and back."""
    page = base._login(browser, server, "manager")
    page.goto(f"{server}/growth/one-on-ones/")
    pairs = [
        h
        for h in page.locator("main a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        if h and re.fullmatch(r"/growth/one-on-ones/\d+/", h)
    ]
    assert pairs
    for pair in dict.fromkeys(pairs):
        page.goto(f"{server}{pair}")
        if page.locator("li:has(button:has-text('mark done'))").count():
            break
    item = page.locator("li:has(button:has-text('mark done'))").first
    text = item.inner_text().split(" · ")[0]
    item.locator("button").click()
    page.wait_for_url(f"{server}{pair}")
    done = page.locator("li").filter(has=page.locator(f"s:text-is('{text}')"))
    expect(done).to_have_count(1)
    assert "done " in done.inner_text() and "open again" in done.inner_text()
    done.locator("button:has-text('open again')").click()
    page.wait_for_url(f"{server}{pair}")
    expect(page.locator("li").filter(has=page.locator(f"s:text-is('{text}')"))).to_have_count(0)
    page.close()

    page = base._login(browser, server, "cto")
    page.goto(f"{server}/growth/onboarding/")
    plan = _first_link(page, r"/growth/onboarding/\d+/")
    page.goto(f"{server}{plan}")
    row = page.locator("tbody tr:has(button:has-text('mark done'))").first
    title = row.locator("td").first.inner_text()
    row.locator("button").click()
    page.wait_for_url(f"{server}{plan}")
    toggled = page.locator("tbody tr").filter(has=page.locator(f"td:text-is('{title}')"))
    assert "open again" in toggled.inner_text()
    assert toggled.locator("td").nth(3).inner_text() != "—"  # the day it was done
    toggled.locator("button").click()
    page.wait_for_url(f"{server}{plan}")
    again = page.locator("tbody tr").filter(has=page.locator(f"td:text-is('{title}')"))
    assert "mark done" in again.inner_text() and again.locator("td").nth(3).inner_text() == "—"
    page.close()
