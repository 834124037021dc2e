"""Item 1 of issue 17: no individual's pay follows from org-design costs by differencing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from steward.orgdesign.models import Scenario

pytestmark = pytest.mark.django_db


def _compare(client_as, role: str, name: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    scenario = Scenario.objects.get(name=name)
    return client_as(role).get(f"/api/v1/org/scenarios/{scenario.pk}/compare").json()["cost"]


def _derivable(cost: dict[str, Any]) -> list[Decimal]:
    """Every value shown, and each shown total minus its shown rows (what differencing gives)."""
    values = []
    for column in ("before", "after", "delta"):
        shown = [Decimal(r[column]) for r in cost["by_team"].values() if r[column] is not None]
        values += shown
        if cost["total"][column] is not None:
            values.append(Decimal(cost["total"][column]) - sum(shown, Decimal(0)))
    return values


def test_merge_of_a_one_person_team_does_not_reveal_that_persons_cost(client_as) -> None:  # type: ignore[no-untyped-def]
    full = _compare(client_as, "cto", "Merge two small teams")
    one_person = Decimal(full["by_team"]["security"]["before"])
    assert Decimal(full["by_team"]["sre-enablement"]["delta"]) == one_person  # the CTO may
    masked = _compare(client_as, "executive", "Merge two small teams")
    assert masked["by_team"]["security"]["suppressed"]
    assert masked["by_team"]["sre-enablement"]["suppressed"]
    assert all(abs(v) != one_person for v in _derivable(masked))


def test_a_single_planned_hire_does_not_show_in_the_scenario_total(client_as) -> None:  # type: ignore[no-untyped-def]
    full = _compare(client_as, "cto", "Split Core Platform into two teams")
    # Moving people between teams costs nothing overall: the total delta is the hire alone,
    # 88000 EUR with the demo's Berlin burden of 21 %.
    hire = Decimal("88000") * Decimal("1.21")
    assert Decimal(full["total"]["delta"]) == hire
    masked = _compare(client_as, "executive", "Split Core Platform into two teams")
    assert masked["total"]["delta"] is None
    assert all(abs(v) != hire for v in _derivable(masked))
    shown_deltas = [Decimal(r["delta"]) for r in masked["by_team"].values() if r["delta"]]
    assert sum(shown_deltas, Decimal(0)) != hire


def test_headcount_plan_hides_team_quarters_of_fewer_than_five_hires(client_as) -> None:  # type: ignore[no-untyped-def]
    full = client_as("cto").get("/api/v1/org/headcount-plan").json()
    singles = {}
    for item in full["items"]:
        if item["status"] != "cancelled" and item["fully_loaded_cost"] is not None:
            singles.setdefault((item["team"], item["quarter"]), []).append(
                Decimal(item["fully_loaded_cost"])
            )
    masked = client_as("executive").get("/api/v1/org/headcount-plan").json()
    assert masked["totals"]["cost_suppressed"] is True
    one_hire_costs = {v[0] for v in singles.values() if len(v) == 1}
    assert one_hire_costs, "the demo plan has team-quarters of one hire"
    for row in masked["teams"]:
        for q, value in row["cost_by_quarter"].items():
            if len(singles.get((row["team"], q), [])) in (1, 2, 3, 4):
                assert value is None, (row["team"], q)
        shown = [Decimal(v) for v in row["cost_by_quarter"].values() if v is not None]
        if row["cost_total"] is not None:
            assert Decimal(row["cost_total"]) - sum(shown, Decimal(0)) not in one_hire_costs
    assert "fully_loaded_cost" not in masked["items"][0]
