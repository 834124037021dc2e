"""The org design answers through their response schemas: keys the selectors leave out stay out
(not null), and decimals stay decimal strings."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from steward.orgdesign.models import Scenario

pytestmark = pytest.mark.django_db


def test_a_scenario_answer_leaves_out_what_the_caller_may_not_see(client_as) -> None:  # type: ignore[no-untyped-def]
    manager = client_as("manager")
    created = manager.post(
        "/api/v1/org/scenarios",
        json.dumps({"name": "mine", "effective_date": "2027-01-04"}),
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert list(body) == [
        "id",
        "name",
        "description",
        "effective_date",
        "status",
        "owner",
        "updated_at",
    ]
    assert (body["name"], body["effective_date"], body["owner"]) == (
        "mine",
        "2027-01-04",
        "manager",
    )
    compared = manager.get(f"/api/v1/org/scenarios/{body['id']}/compare").json()
    assert "cost" not in compared  # a manager sees no pay aggregates
    assert compared["scenario"]["changes"] == 0 and compared["problems"] == []
    assert compared["quarters"] == ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
    total = (
        client_as("cto").get(f"/api/v1/org/scenarios/{body['id']}/compare").json()["cost"]["total"]
    )
    # No change, no cost change; no `suppressed` key for a caller who may see pay.
    assert list(total) == ["before", "after", "delta"]
    assert total["before"] == total["after"] and total["delta"] == "0.00"


def test_structure_has_a_scenario_key_only_for_a_scenario(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    live = client.get("/api/v1/org/structure").json()
    assert "scenario" not in live
    scenario = Scenario.objects.get(name="Merge two small teams")
    planned = client.get(f"/api/v1/org/structure?scenario={scenario.pk}").json()
    assert planned["scenario"] == {"id": scenario.pk, "name": scenario.name, "problems": []}
    assert list(planned)[-1] == "scenario"


def test_headcount_plan_keeps_decimals_as_strings_and_pay_for_pay_roles(client_as) -> None:  # type: ignore[no-untyped-def]
    full = client_as("cto").get("/api/v1/org/headcount-plan").json()
    item = full["items"][0]
    assert isinstance(item["fte"], str) and Decimal(item["fte"]) > 0
    assert {"salary", "currency", "fully_loaded_cost"} <= set(item)
    assert isinstance(full["totals"]["cost_total"], str)
    assert "cost_suppressed" not in full["totals"]  # only when costs are blanked
    masked = client_as("executive").get("/api/v1/org/headcount-plan").json()
    assert not {"salary", "currency", "fully_loaded_cost"} & set(masked["items"][0])
    assert masked["totals"]["cost_suppressed"] is True
