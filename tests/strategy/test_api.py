"""The strategy API: contract shapes, filters, writes by role, and 422 on bad input."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_solve_an_instance_and_reject_bad_input(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("engineer")
    instance = {
        "quarters": ["2027Q1"],
        "teams": [{"id": "t", "capacity": {"2027Q1": 10}}],
        "initiatives": [
            {"id": "A", "value": 3, "effort": {"t": 10}},
            {"id": "B", "value": 2, "effort": {"t": 5}},
        ],
    }
    response = client.post(
        "/api/v1/strategy/plan/solve", json.dumps(instance), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["schedule"] == {"A": "2027Q1"}
    instance["initiatives"][0]["effort"] = {"ghost": 1}
    bad = client.post(
        "/api/v1/strategy/plan/solve", json.dumps(instance), content_type="application/json"
    )
    assert bad.status_code == 422
    assert "initiatives[0] (A).effort.ghost: unknown team" in bad.json()["detail"]


def test_check_in_by_role(client_as) -> None:  # type: ignore[no-untyped-def]
    url = "/api/v1/strategy/objectives/O1/key-results/KR1/check-ins"
    body = json.dumps({"value": 2, "confidence": 0.6, "on": "2026-11-26"})
    denied = client_as("engineer").post(url, body, content_type="application/json")
    assert denied.status_code == 403
    done = client_as("cto").post(url, body, content_type="application/json")
    assert done.status_code == 201
    latest = done.json()["check_ins"][-1]
    # `id` names the check-in for DELETE .../check-ins/{id}.
    assert isinstance(latest.pop("id"), int)
    assert latest == {
        "on": "2026-11-26",
        "value": 2.0,
        "confidence": 0.6,
        "note": "",
    }


def test_initiative_list_shape_filters_and_queries(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("executive")
    with CaptureQueriesContext(connection) as queries:
        data = client.get("/api/v1/strategy/initiatives?limit=50").json()
    assert len(queries) <= 12
    assert data["count"] >= 30 and len(data["items"]) == min(50, data["count"])
    item = data["items"][0]
    for field in (
        "key",
        "title",
        "objectives",
        "owner_team",
        "teams",
        "effort_person_weeks",
        "cost",
        "value",
        "time_criticality",
        "risk_reduction",
        "job_size",
        "confidence",
        "earliest",
        "deadline",
        "depends_on",
        "status",
        "link_keys",
        "horizon",
    ):
        assert field in item
    payments = client.get("/api/v1/strategy/initiatives?team=payments&limit=500").json()
    assert payments["items"] and all(
        "payments" in i["teams"] or i["owner_team"] == "payments" for i in payments["items"]
    )
    now = client.get("/api/v1/strategy/initiatives?horizon=now&limit=500").json()["items"]
    assert now and {i["horizon"] for i in now} == {"now"}


def test_alignment_shows_the_demo_gap(client_as) -> None:  # type: ignore[no-untyped-def]
    data = client_as("cto").get("/api/v1/strategy/alignment?from=2026-08-29&to=2026-11-27").json()
    assert data["person_days"] > 0
    o1 = next(o for o in data["objectives"] if o["key"] == "O1")
    assert o1["priority"] == 1 and o1["share"] < o1["intended_share"] / 2
    assert any(c.startswith("objective O1 ") for c in data["callouts"])


def test_typed_answers_keep_absent_keys_absent_and_the_from_key(client_as) -> None:  # type: ignore[no-untyped-def]
    """The response schemas filter what they serialize: keys a dictionary leaves out stay out
    (not null), and `from` keeps its name."""
    client = client_as("engineer")
    instance = {
        "quarters": ["2027Q1"],
        "teams": [{"id": "t", "capacity": {"2027Q1": 10}}],
        "initiatives": [
            {"id": "A", "value": 3, "effort": {"t": 10}},
            {"id": "B", "value": 2, "effort": {"t": 5}},
        ],
    }
    solved = client.post(
        "/api/v1/strategy/plan/solve", json.dumps(instance), content_type="application/json"
    ).json()
    assert list(solved) == [
        "status",
        "objective",
        "schedule",
        "unscheduled",
        "bottlenecks",
        "mip_gap",
        "solve_seconds",
        "unschedulable",
        "seconds",
    ]
    assert (solved["status"], solved["objective"], solved["unscheduled"]) == ("optimal", 3.0, ["B"])
    instance["initiatives"][0].update(mandatory=True, effort={"t": 20})
    refused = client.post(
        "/api/v1/strategy/plan/solve", json.dumps(instance), content_type="application/json"
    ).json()
    assert (refused["status"], refused["objective"], refused["schedule"]) == (
        "infeasible",
        None,
        {},
    )
    assert refused["reason"] == "mandatory initiative A exceeds the capacity of team t"
    assert list(refused)[-2:] == ["reason", "seconds"]

    roadmap = client.get("/api/v1/strategy/roadmap").json()
    assert roadmap["unplanned"], "the demo has initiatives without a planned start"
    for item in roadmap["unplanned"]:
        assert list(item) == ["key", "title", "status", "start", "duration"]
        assert item["start"] is None
    for lane in roadmap["lanes"]:
        for item in lane["items"]:
            assert len(item["cells"]) == len(roadmap["quarters"]) == 6

    ranking = client.get("/api/v1/strategy/prioritization").json()
    assert ranking["sensitivity"]
    assert all("from" in row and "from_" not in row for row in ranking["sensitivity"])
    report = client.get("/api/v1/strategy/alignment?from=2026-08-29&to=2026-11-27").json()
    assert (report["from"], report["to"]) == ("2026-08-29", "2026-11-27")
