"""The requisitions table of the hiring plan (core.tables): the budget column through the
talent money rule on the page and in the CSV, filters by name, a bad status."""

from __future__ import annotations

import csv
import io

import pytest

from steward.org.models import Person, Team
from steward.talent.models import Requisition

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def manager_pk() -> int:
    return Person.objects.get(user__username="manager").pk


def _shown() -> list[Requisition]:
    return list(Requisition.objects.exclude(status="cancelled"))


def test_csv_has_the_budget_for_money_roles_only(client_as) -> None:  # type: ignore[no-untyped-def]
    expected = {f"{r.key} {r.title}" for r in _shown()}
    assert expected
    cto = _csv(client_as("cto").get("/talent/requisitions/export.csv"))
    assert {r["Requisition"] for r in cto} == expected
    budgeted = next(r for r in _shown() if r.budgeted_cost is not None)
    row = next(r for r in cto if r["Requisition"].startswith(budgeted.key + " "))
    assert row["Budgeted cost"] == str(budgeted.budgeted_cost)
    assert row["Quarter"] == budgeted.quarter
    # The manager sees the requisitions they hire for, without money (talent.rules).
    manager = _csv(client_as("manager").get("/talent/requisitions/export.csv"))
    assert "Budgeted cost" not in manager[0]
    own = {f"{r.key} {r.title}" for r in _shown() if r.hiring_manager_id == manager_pk()}
    assert own and {r["Requisition"] for r in manager} == own
    page = client_as("manager").get("/talent/").content.decode()
    assert "Budgeted cost" not in page and "Download CSV" in page
    assert "Budgeted cost" in client_as("cto").get("/talent/").content.decode()


def test_filter_by_team_name_and_a_bad_status(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    team = Team.objects.get(pk=_shown()[0].team_id)
    rows = _csv(client.get("/talent/requisitions/export.csv", {"team": team.name}))
    assert {r["Requisition"] for r in rows} == {
        f"{r.key} {r.title}" for r in _shown() if r.team_id == team.pk
    }
    bad = client.get("/talent/", {"status": "cancelled"})
    assert bad.status_code == 400
    assert "Select a valid choice. cancelled is not one of the available choices." in (
        bad.content.decode()
    )
