"""Vendor evaluation criteria, weights and scores edited in the browser: a grid through the
service, errors inline, every change audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from steward.core.policy import SYSTEM
from steward.finance import services
from steward.finance.evaluations import weighted_scores
from steward.finance.models import VendorEvaluation

pytestmark = pytest.mark.usefixtures("no_finance")

URL = "/finance/evaluations/obs/edit/"


@pytest.fixture
def evaluation() -> VendorEvaluation:
    return services.evaluation_save(  # type: ignore[no-any-return]
        actor=SYSTEM,
        key="obs",
        title="Observability",
        date=date(2030, 3, 1),
        weights={"Cost": D(3), "Features": D(1)},
        scores={"Acme": {"Cost": D(4), "Features": D(2)}, "Zeta": {"Cost": D(2), "Features": D(5)}},
    )


def _post(rows: list[dict[str, Any]], stored: int = 2, **head: Any) -> dict[str, Any]:
    """Form data as the page posts it: the head and one grid row per dict (vendors sorted:
    Acme score_0, Zeta score_1); the first `stored` rows are the stored criteria."""
    data: dict[str, Any] = {
        "title": head.get("title", "Observability"),
        "date": head.get("date", "2030-03-01"),
        "add_vendor": head.get("add_vendor", ""),
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(min(stored, len(rows))),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    if "remove_vendors" in head:
        data["remove_vendors"] = head["remove_vendors"]
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{i}-{key}"] = value
    return data


def test_the_grid_saves_criteria_weights_and_scores(
    evaluation: VendorEvaluation, client_as: Callable[..., Any]
) -> None:
    client = client_as("finance")
    page = client.get(URL)
    assert page.status_code == 200 and "Observability" in page.content.decode()
    response = client.post(
        URL,
        _post(
            [
                {"name": "Cost", "weight": "1", "score_0": "4", "score_1": "2"},
                {"name": "Features", "weight": "1", "score_0": "", "score_1": "5"},
                {"name": "Support", "weight": "2", "score_0": "5", "score_1": "1"},
            ]
        ),
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.weights == {"Cost": "1", "Features": "1", "Support": "2"}
    # A cleared score counts 0. Acme (4 + 0 + 2 x 5) / 4 = 3.5; Zeta (2 + 5 + 2 x 1) / 4 = 2.25.
    assert weighted_scores(evaluation.weights, evaluation.scores) == [
        ("Acme", D("3.50")), ("Zeta", D("2.25")),
    ]  # fmt: skip
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(VendorEvaluation),
        object_pk=str(evaluation.pk),
    )
    assert entries.count() == 2  # created, then changed
    assert entries.latest("timestamp").actor.username == "finance"


def test_errors_show_inline_and_nothing_changes(
    evaluation: VendorEvaluation, client_as: Callable[..., Any]
) -> None:
    client = client_as("cto")
    response = client.post(
        URL,
        _post(
            [
                {"name": "Cost", "weight": "3", "score_0": "7", "score_1": "2"},
                {"name": "cost", "weight": "1", "score_0": "1", "score_1": "1"},
                {"name": "", "weight": "2"},
            ]
        ),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Acme: Ensure this value is less than or equal to 5." in html
    # The duplicate and the nameless weight are only found once the cells are valid.
    response = client.post(
        URL,
        _post(
            [
                {"name": "Cost", "weight": "3", "score_0": "4", "score_1": "2"},
                {"name": "cost", "weight": "1", "score_0": "1", "score_1": "1"},
                {"name": "", "weight": "2"},
            ]
        ),
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "the same criterion as row 1" in html
    assert "name the criterion, or clear its weight" in html
    response = client.post(URL, _post([{"name": "Cost", "weight": "0"}]))
    assert "Ensure this value is greater than or equal to 0.01." in response.content.decode()
    response = client.post(URL, _post([{"name": "Cost", "weight": "1"}], add_vendor="acme"))
    assert "acme is in the evaluation already" in response.content.decode()
    response = client.post(URL, _post([], title="Observability"))
    assert "add at least one criterion" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.weights == {"Cost": "3", "Features": "1"}


def test_add_and_remove_vendors(
    evaluation: VendorEvaluation, client_as: Callable[..., Any]
) -> None:
    client = client_as("finance")
    response = client.post(
        URL,
        _post(
            [{"name": "Cost", "weight": "3", "score_0": "4", "score_1": "2"}],
            add_vendor="Nova",
            remove_vendors=["Zeta"],
        ),
    )
    assert response.status_code == 302 and response["Location"] == URL  # score the new vendor
    evaluation.refresh_from_db()
    assert evaluation.scores == {"Acme": {"Cost": "4"}, "Nova": {}}
    assert "Nova" in client.get(URL).content.decode()


def test_new_evaluation_and_who_may_edit(client_as: Callable[..., Any]) -> None:
    client = client_as("finance")
    response = client.post(
        "/finance/evaluations/new/",
        {
            "key": "ci",
            "title": "CI service",
            "date": "2030-04-01",
            "vendors": "Buildkite\nCircleCI\n",
            "criteria": "Cost: 2\nSpeed: 1\n",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/finance/evaluations/ci/edit/"
    made = VendorEvaluation.objects.get(key="ci")
    assert made.weights == {"Cost": "2", "Speed": "1"}
    assert made.scores == {"Buildkite": {}, "CircleCI": {}}
    bad = client.post(
        "/finance/evaluations/new/",
        {"key": "ci", "title": "x", "date": "2030-04-01", "vendors": "A", "criteria": "Cost"},
    )
    assert bad.status_code == 422
    assert "write the criterion, a colon and a weight above 0" in bad.content.decode()
    assert client_as("executive").get("/finance/evaluations/ci/edit/").status_code == 403
    assert client_as("engineer").get("/finance/evaluations/new/").status_code == 403


def test_a_recorded_evaluation_cannot_change(
    evaluation: VendorEvaluation, client_as: Callable[..., Any]
) -> None:
    VendorEvaluation.objects.filter(pk=evaluation.pk).update(decision_number=7)
    response = client_as("cto").post(URL, _post([{"name": "Cost", "weight": "1"}]))
    assert response.status_code == 422
    assert "recorded as decision ADR-0007 and cannot change" in response.content.decode()
