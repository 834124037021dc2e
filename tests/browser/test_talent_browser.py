"""Browser tests of the hiring forms in Debian's chromium, on a private copy of the demo: a
recruiter creates a requisition, moves an application on the kanban board, puts themself on
an interview panel and submits the scorecard (refused inline without evidence, then accepted);
an engineer gets no form (403)."""

from __future__ import annotations

import re

import pytest

from tests.browser import test_org_browser as base
from tests.browser.private_demo import private_demo

# One xdist group: the private demo copy and its server start once, on one worker.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("talent-browser")]

SAVE = "form.edit-form button[type=submit]"


demo_copy, server, browser = private_demo("talent-home")


def test_recruiter_requisition_board_move_and_scorecard(browser: object, server: str) -> None:
    page = base._login(browser, server, "people")

    # A new requisition through the form: planned, in the quarter of its target start.
    page.goto(f"{server}/talent/")
    page.click("#requisition-create")
    page.fill("#id_title", "Browser Engineer")
    page.fill("#id_team", "Paym")
    page.locator("#id_team + datalist option[value='Payments']").wait_for(state="attached")
    page.fill("#id_team", "Payments")
    page.fill("#id_level", "L3")
    page.fill("#id_target_start", "2027-08-16")
    page.fill("#id_stages", "Applied\nScreen\nOnsite")
    page.click(SAVE)
    page.wait_for_url(re.compile(r".*/talent/requisitions/REQ-\d{4}/$"))
    heading = page.locator("h1").inner_text()
    assert "Browser Engineer" in heading and "Planned" in heading
    assert "2027Q3" in page.locator("dl.facts").inner_text()

    # The board of REQ-0006: move the first application of the first non-empty column on.
    page.goto(f"{server}/talent/requisitions/REQ-0006/board/")
    stages = page.locator("#board section[data-stage]").evaluate_all(
        "els => els.map(e => e.dataset.stage)"
    )
    column = page.locator("#board section[data-stage]:has(div[data-application])").first
    stage = str(column.get_attribute("data-stage"))
    card = column.locator("div[data-application]").first
    app_id = str(card.get_attribute("data-application"))
    name = card.locator("a").first.inner_text()
    later = stages[stages.index(stage) + 1]
    card.locator("a:has-text('Move')").click()
    page.fill("#id_stage", later)
    page.click(SAVE)
    page.wait_for_url(f"{server}/talent/requisitions/REQ-0006/board/")
    moved = page.locator(f"#board section[data-stage='{later}'] div[data-application='{app_id}']")
    assert moved.count() == 1
    assert (
        page.locator(
            f"#board section[data-stage='{stage}'] div[data-application='{app_id}']"
        ).count()
        == 0
    )

    # Put themself on the panel, then submit the scorecard: without evidence it is refused
    # beside the form (nothing saved), with evidence it is submitted.
    page.goto(f"{server}/talent/applications/{app_id}/interviewer/")
    page.select_option("#id_interviewer", "people")
    page.fill("#id_interview", "Browser pairing")
    page.click(SAVE)
    page.wait_for_url(re.compile(r".*/talent/candidates/\d+/$"))
    assert name in page.locator("h1").inner_text()
    page.click("a:has-text('Submit your scorecard: Browser pairing')")
    page.select_option("#id_overall", "yes")
    page.select_option("#id_rating_0", "4")
    page.click(SAVE)
    error = page.locator("form.edit-form .errors")
    error.wait_for()
    assert "write the evidence for this rating" in error.inner_text()
    page.fill("#id_evidence_0", "Split the ledger service along its seams, with tests first.")
    page.click(SAVE)
    page.wait_for_url(re.compile(r".*/talent/candidates/\d+/$"))
    debrief = page.content()
    assert "Browser pairing" in debrief and "Split the ledger service" in debrief
    assert page.locator("a:has-text('Submit your scorecard: Browser pairing')").count() == 0
    page.close()


def test_engineer_gets_no_hiring_form(browser: object, server: str) -> None:
    page = base._login(browser, server, "engineer")
    for path in ("/talent/requisitions/new/", "/talent/requisitions/REQ-0006/board/"):
        response = page.goto(f"{server}{path}")
        assert response is not None and response.status == 403, path
        assert page.locator("form.edit-form").count() == 0
    page.close()
