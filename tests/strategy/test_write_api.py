"""The strategy write API: Bearer tokens, the services' rules, 422/404/403, audit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.test import Client

from steward.strategy.models import (
    CheckIn,
    Idea,
    ImprovementAction,
    Initiative,
    KeyResult,
    Objective,
)
from tests.org.test_write_api import Api

pytestmark = pytest.mark.django_db


def _actor(obj: object, action: int) -> str:
    entry = LogEntry.objects.get_for_object(obj).filter(action=action).first()  # type: ignore[arg-type]
    assert entry is not None and entry.actor is not None, "no audit entry with an actor"
    return str(entry.actor.username)


def test_objectives_create_patch_delete() -> None:
    api = Api("executive")
    response = api.post(
        "/strategy/objectives",
        {
            "key": "O9",
            "title": "B2B",
            "start": "2027-01-01",
            "end": "2027-12-31",
            "priority": 2,
            "owner_employee_id": "E0001",
        },
    )
    assert response.status_code == 201, response.content
    assert (response.json()["owner_employee_id"], response.json()["key_results"]) == ("E0001", [])
    objective = Objective.objects.get(key="O9")
    assert _actor(objective, LogEntry.Action.CREATE) == "executive"
    response = api.patch("/strategy/objectives/O9", {"priority": 4, "owner_employee_id": None})
    assert response.status_code == 200
    objective.refresh_from_db()
    assert (objective.priority, objective.owner, objective.title) == (4, None, "B2B")
    bad = api.patch("/strategy/objectives/O9", {"end": "2026-01-01"})
    assert bad.status_code == 422
    assert "end must be after start" in bad.json()["detail"][0]["msg"]
    assert api.delete("/strategy/objectives/O9").status_code == 204
    assert not Objective.objects.filter(key="O9").exists()
    assert api.patch("/strategy/objectives/O9", {"priority": 1}).status_code == 404


def test_key_results_and_check_ins() -> None:
    api = Api("cto")
    response = api.post(
        "/strategy/objectives/O1/key-results",
        {"key": "KR9", "title": "Partners", "baseline": 0, "target": 10, "current": 1},
    )
    assert response.status_code == 201, response.content
    assert response.json()["progress"] == pytest.approx(0.1)
    kr = KeyResult.objects.get(objective__key="O1", key="KR9")
    response = api.patch("/strategy/objectives/O1/key-results/KR9", {"current": 4})
    assert response.status_code == 200 and response.json()["current"] == 4.0
    assert kr.check_ins.count() == 2  # the first value and the change
    same = api.patch("/strategy/objectives/O1/key-results/KR9", {"target": 0})
    assert same.status_code == 422
    assert same.json()["detail"][0]["msg"] == "target must differ from baseline"
    posted = api.post(
        "/strategy/objectives/O1/key-results/KR9/check-ins",
        {"value": 6, "confidence": 0.9, "on": "2099-01-01"},
    )
    assert posted.status_code == 201
    latest = CheckIn.objects.get(key_result=kr, on="2099-01-01")
    assert (
        api.delete(f"/strategy/objectives/O1/key-results/KR9/check-ins/{latest.pk}").status_code
        == 204
    )
    kr.refresh_from_db()
    assert kr.current == Decimal("4")
    assert api.delete("/strategy/objectives/O1/key-results/KR9").status_code == 204
    assert not KeyResult.objects.filter(pk=kr.pk).exists()


def test_initiatives_with_the_importer_rules() -> None:
    api = Api("cto")
    body = {
        "key": "FRAUD",
        "title": "Fraud scoring",
        "objectives": [{"key": "O1", "weight": 0.6}, {"key": "O3", "weight": 0.4}],
        "owner_team": "payments",
        "effort_person_weeks": {"payments": 10, "checkout": 2},
        "value": 13,
        "job_size": 5,
        "depends_on": ["PAY-LAUNCH"],
        "earliest": "2027q3",
    }
    response = api.post("/strategy/initiatives", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["effort_person_weeks"] == {"payments": 10.0, "checkout": 2.0}
    assert data["objectives"] == [{"key": "O1", "weight": 0.6}, {"key": "O3", "weight": 0.4}]
    assert (data["earliest"], data["value"], data["depends_on"]) == ("2027Q3", 13, ["PAY-LAUNCH"])
    initiative = Initiative.objects.get(key="FRAUD")
    assert _actor(initiative, LogEntry.Action.CREATE) == "cto"
    # The same rules as `steward import initiatives`.
    off_scale = api.patch("/strategy/initiatives/FRAUD", {"value": 4})
    assert off_scale.status_code == 422
    assert off_scale.json()["detail"][0]["loc"] == ["body", "value"]
    assert "4 is not on the scale" in off_scale.json()["detail"][0]["msg"]
    weights = api.patch(
        "/strategy/initiatives/FRAUD", {"objectives": [{"key": "O1", "weight": 0.5}]}
    )
    assert weights.status_code == 422
    assert "weights sum to 0.5, not 1" in weights.json()["detail"][0]["msg"]
    cycle = api.patch("/strategy/initiatives/PAY-LAUNCH", {"depends_on": ["FRAUD"]})
    assert cycle.status_code == 422
    assert "dependency cycle" in cycle.json()["detail"][0]["msg"]
    unknown = api.patch("/strategy/initiatives/FRAUD", {"effort_person_weeks": {"nowhere": 1}})
    assert unknown.status_code == 422
    response = api.patch("/strategy/initiatives/FRAUD", {"status": "planned", "cost": 5000})
    assert response.status_code == 200
    initiative.refresh_from_db()
    assert (initiative.status, initiative.cost, initiative.value) == ("planned", Decimal(5000), 13)
    assert initiative.efforts.count() == 2  # lists not given are kept
    assert api.delete("/strategy/initiatives/FRAUD").status_code == 204
    assert not Initiative.objects.filter(key="FRAUD").exists()


def test_ideas_and_actions() -> None:
    api = Api("executive")
    response = api.post(
        "/strategy/ideas", {"title": "Voice", "hypothesis": "People talk", "team": "checkout"}
    )
    assert response.status_code == 201, response.content
    idea = Idea.objects.get(pk=response.json()["id"])
    moved = api.patch(f"/strategy/ideas/{idea.pk}", {"status": "experimenting"})
    assert moved.status_code == 200 and moved.json()["status"] == "experimenting"
    final = api.patch(f"/strategy/ideas/{idea.pk}", {"status": "adopted"})
    assert final.status_code == 422 and "outcome" in str(final.json())
    assert api.delete(f"/strategy/ideas/{idea.pk}").status_code == 204
    response = api.post(
        "/strategy/improvement-actions",
        {
            "title": "Canary",
            "source": "incident",
            "due_on": "2027-01-15",
            "owner_employee_id": "E0005",
        },
    )
    assert response.status_code == 201, response.content
    action = ImprovementAction.objects.get(pk=response.json()["id"])
    closed = api.patch(f"/strategy/improvement-actions/{action.pk}", {"closed_on": "2027-01-10"})
    assert closed.status_code == 200 and closed.json()["closed_on"] == "2027-01-10"
    assert _actor(action, LogEntry.Action.UPDATE) == "executive"
    bad = api.post(
        "/strategy/improvement-actions", {"title": "x", "source": "gossip", "due_on": "2027-01-01"}
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "source"]


def test_forbidden_strategy_writes_are_403() -> None:
    for role in ("people", "engineer", "manager", "finance"):
        api = Api(role)
        assert api.delete("/strategy/objectives/O1").status_code == 403
        assert api.patch("/strategy/initiatives/PAY-LAUNCH", {"title": "x"}).status_code == 403
        assert api.post("/strategy/ideas", {"title": "x", "hypothesis": "y"}).status_code == 403
    assert Objective.objects.filter(key="O1").exists()
    assert Initiative.objects.get(key="PAY-LAUNCH").title != "x"
    assert Api("cto").delete("/strategy/initiatives/NOPE").status_code == 404
    assert Client().delete("/api/v1/strategy/objectives/O1").status_code == 401
