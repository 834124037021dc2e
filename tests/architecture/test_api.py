"""/api/v1/architecture/decisions: CONTRACT.md fields, filters, pagination, detail."""

from __future__ import annotations

from datetime import date

import pytest

from steward.architecture import services
from steward.architecture.models import Decision
from steward.core.policy import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def three() -> list[Decision]:
    Decision.objects.update(supersedes=None)
    Decision.objects.all().delete()
    old = Decision.objects.create(
        number=7, title="Use Oracle", status="superseded", tags=["db"], date=date(2020, 1, 2)
    )
    new = Decision.objects.create(
        number=9,
        title="Use PostgreSQL",
        status="accepted",
        tags=["db", "billing"],
        decision_makers=["Ana Ruiz"],
        supersedes=old,
        body="## Context\n\nCost.\n",
    )
    draft = services.decision_create(actor=SYSTEM, title="Use Kafka", tags=["events"])
    return [old, new, draft]


def test_list_has_the_contract_fields(client_as, three: list[Decision]) -> None:  # type: ignore[no-untyped-def]
    data = client_as("engineer").get("/api/v1/architecture/decisions").json()
    assert data["count"] == 3
    first, second, third = data["items"]
    assert first == {
        "number": 7,
        "title": "Use Oracle",
        "status": "superseded",
        "date": "2020-01-02",
        "decision_makers": [],
        "consulted": [],
        "informed": [],
        "tags": ["db"],
        "supersedes": None,
        "superseded_by": 9,
        "initiatives": [],
    }
    assert (second["supersedes"], second["decision_makers"]) == (7, ["Ana Ruiz"])
    assert (third["number"], third["status"]) == (10, "draft")


def test_filters_and_pagination(client_as, three: list[Decision]) -> None:  # type: ignore[no-untyped-def]
    client = client_as("manager")
    by_tag = client.get("/api/v1/architecture/decisions?tag=db").json()
    assert [d["number"] for d in by_tag["items"]] == [7, 9]
    accepted = client.get("/api/v1/architecture/decisions?status=accepted").json()
    assert [d["number"] for d in accepted["items"]] == [9]
    page = client.get("/api/v1/architecture/decisions?limit=1&offset=1").json()
    assert (page["count"], [d["number"] for d in page["items"]]) == (3, [9])
    assert client.get("/api/v1/architecture/decisions?status=maybe").status_code == 422


def test_detail_and_missing(client_as, three: list[Decision]) -> None:  # type: ignore[no-untyped-def]
    client = client_as("finance")
    data = client.get("/api/v1/architecture/decisions/9").json()
    assert data["body"] == "## Context\n\nCost.\n"
    assert data["supersedes"] == 7
    assert client.get("/api/v1/architecture/decisions/99").status_code == 404
    assert client_as(None).get("/api/v1/architecture/decisions").status_code == 401
