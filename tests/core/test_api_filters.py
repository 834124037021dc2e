"""The API's list endpoints filter with the list pages' filter sets (core.filters.filter_rows):
the new parameters give the rows the models say, a bad value answers 422 with the message the
page shows beside its field (the page answers 400), and the endpoints answer as before when the
new parameters are absent. Expected rows come from the models, not from the filter sets."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from steward.engineering.models import Repository
from steward.finance.models import Contract, Vendor
from steward.org.models import Person, Team
from steward.strategy.models import Initiative
from steward.talent.models import Requisition, RequisitionStatus

pytestmark = pytest.mark.django_db


def _all(client, url: str, params: dict[str, str]) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    response = client.get(url, {**params, "limit": 1000})
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert body["count"] == len(body["items"])
    return body["items"]  # type: ignore[no-any-return]


def _page_problem(client, url: str, params: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    """The message the list page shows for a bad value (in its summary above the table)."""
    response = client.get(url, params)
    assert response.status_code == 400
    found = re.search(r'id="filter-problems">.*?<li>(.*?)</li>', response.content.decode(), re.S)
    assert found
    return html.unescape(found.group(1))


def _api_problem(client, url: str, params: dict[str, str]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.get(url, params)
    assert response.status_code == 422, response.content[:300]
    return response.json()  # type: ignore[no-any-return]


def test_people_by_manager(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    boss = Person.objects.get(employee_id="E0005")
    reports = sorted(Person.objects.filter(manager=boss).values_list("employee_id", flat=True))
    assert len(reports) >= 2
    for typed in (f"{boss.name} ({boss.employee_id})", boss.name):
        rows = _all(client, "/api/v1/org/people", {"manager": typed})
        assert sorted(r["employee_id"] for r in rows) == reports
    # With the existing parameters too: the active reports only.
    active = _all(client, "/api/v1/org/people", {"manager": boss.name, "active": "true"})
    assert {r["employee_id"] for r in active} <= set(reports)
    # A bad value: the page's message, 422 in the API, 400 on the page.
    page = _page_problem(client, "/org/people/", {"manager": "Nobody Atall"})
    body = _api_problem(client, "/api/v1/org/people", {"manager": "Nobody Atall"})
    assert page == "Reports to: no person named 'Nobody Atall': pick one from the list"
    assert body["detail"] == page
    assert body["errors"] == [
        {
            "field": "query.manager",
            "message": "no person named 'Nobody Atall': pick one from the list",
        }
    ]


def test_people_without_the_new_filter_answer_as_before(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    rows = _all(client, "/api/v1/org/people", {})
    # Leavers included (the page's "include people who left" box is not read as unticked).
    assert len(rows) == Person.objects.count()
    assert len(_all(client, "/api/v1/org/people", {"team": "payments"})) > 0


def test_teams_by_name(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    expected = sorted(t.slug for t in Team.objects.all() if "pay" in t.name.lower())
    assert expected
    rows = _all(client, "/api/v1/org/teams", {"name": "PAY"})
    assert sorted(r["slug"] for r in rows) == expected
    assert len(_all(client, "/api/v1/org/teams", {})) == Team.objects.count()


def test_requisitions_by_hiring_manager(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    requisition = Requisition.objects.exclude(status=RequisitionStatus.CANCELLED).first()
    assert requisition is not None
    manager = requisition.hiring_manager
    expected = sorted(
        Requisition.objects.filter(hiring_manager=manager).values_list("key", flat=True)
    )
    typed = f"{manager.name} ({manager.employee_id})"
    rows = _all(client, "/api/v1/talent/requisitions", {"hiring_manager": typed})
    assert sorted(r["key"] for r in rows) == expected
    page = _page_problem(client, "/talent/", {"hiring_manager": "Nobody Atall"})
    body = _api_problem(client, "/api/v1/talent/requisitions", {"hiring_manager": "Nobody Atall"})
    assert (
        body["detail"]
        == page
        == ("Hiring manager: no person named 'Nobody Atall': pick one from the list")
    )


def test_contracts_by_vendor_and_category(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    contract = Contract.objects.select_related("vendor").first()
    assert contract is not None
    vendor = contract.vendor
    expected = sorted(Contract.objects.filter(vendor=vendor).values_list("key", flat=True))
    rows = _all(client, "/api/v1/finance/contracts", {"vendor": vendor.name.upper()})
    assert sorted(r["key"] for r in rows) == expected
    category = contract.category
    expected = sorted(Contract.objects.filter(category=category).values_list("key", flat=True))
    rows = _all(client, "/api/v1/finance/contracts", {"category": category})
    assert sorted(r["key"] for r in rows) == expected
    assert len(_all(client, "/api/v1/finance/contracts", {})) == Contract.objects.count()
    page = _page_problem(client, "/finance/contracts/", {"category": "snacks"})
    body = _api_problem(client, "/api/v1/finance/contracts", {"category": "snacks"})
    assert (
        body["detail"]
        == page
        == ("Category: Select a valid choice. snacks is not one of the available choices.")
    )
    missing = _api_problem(client, "/api/v1/finance/contracts", {"vendor": "No Such Vendor"})
    assert missing["detail"].startswith("Vendor: Select a valid choice.")
    assert not Vendor.objects.filter(name__iexact="No Such Vendor").exists()


def test_initiatives_by_owner(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    initiative = Initiative.objects.exclude(owner=None).select_related("owner").first()
    assert initiative is not None and initiative.owner is not None
    owner = initiative.owner
    expected = sorted(Initiative.objects.filter(owner=owner).values_list("key", flat=True))
    typed = f"{owner.name} ({owner.employee_id})"
    rows = _all(client, "/api/v1/strategy/initiatives", {"owner": typed})
    assert sorted(r["key"] for r in rows) == expected
    page = _page_problem(client, "/strategy/initiatives/", {"owner": "Nobody Atall"})
    body = _api_problem(client, "/api/v1/strategy/initiatives", {"owner": "Nobody Atall"})
    assert body["detail"] == page == "Owner: no person named 'Nobody Atall': pick one from the list"


def test_repositories_by_name_and_status(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    expected = sorted(r.name for r in Repository.objects.all() if "pay" in r.name.lower())
    assert expected
    rows = _all(client, "/api/v1/engineering/repositories", {"name": "Pay"})
    assert sorted(r["name"] for r in rows) == expected
    rows = _all(client, "/api/v1/engineering/repositories", {"status": "ok"})
    assert sorted(r["name"] for r in rows) == sorted(
        Repository.objects.filter(status="ok").values_list("name", flat=True)
    )
    page = _page_problem(client, "/engineering/repositories/", {"status": "broken"})
    body = _api_problem(client, "/api/v1/engineering/repositories", {"status": "broken"})
    assert (
        body["detail"]
        == page
        == ("Ingestion: Select a valid choice. broken is not one of the available choices.")
    )


def test_the_new_parameters_are_documented() -> None:
    from steward.api import api

    paths = api.get_openapi_schema()["paths"]

    def names(path: str) -> set[str]:
        return {p["name"] for p in paths[path]["get"].get("parameters", [])}

    assert "manager" in names("/api/v1/org/people")
    assert "name" in names("/api/v1/org/teams")
    assert "hiring_manager" in names("/api/v1/talent/requisitions")
    assert {"vendor", "category"} <= names("/api/v1/finance/contracts")
    assert "owner" in names("/api/v1/strategy/initiatives")
    assert {"name", "status"} <= names("/api/v1/engineering/repositories")
