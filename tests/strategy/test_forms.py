"""Editing the strategy in the browser: create, edit, inline errors, refusal, deletion."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from steward.org.models import Person, Team
from steward.strategy.models import (
    CheckIn,
    Idea,
    ImprovementAction,
    Initiative,
    InitiativeObjective,
    KeyResult,
    Objective,
    TeamGoal,
)

pytestmark = pytest.mark.django_db


def _actor_of(obj: object, action: int) -> str:
    entry = LogEntry.objects.get_for_object(obj).filter(action=action).first()  # type: ignore[arg-type]
    assert entry is not None and entry.actor is not None
    return str(entry.actor.username)


def test_objective_create_and_edit(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("executive")
    owner = Person.objects.get(employee_id="E0001")
    response = client.post(
        "/strategy/objectives/new/",
        {
            "key": "O9",
            "title": "Enter the B2B market",
            "owner": f"{owner.name} ({owner.employee_id})",
            "start": "2027-01-01",
            "end": "2027-12-31",
            "priority": "3",
        },
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    objective = Objective.objects.get(key="O9")
    assert (objective.title, objective.owner, objective.priority) == (
        "Enter the B2B market",
        owner,
        3,
    )
    assert _actor_of(objective, LogEntry.Action.CREATE) == "executive"
    response = client.post(
        "/strategy/objectives/O9/edit/",
        {"title": "Enter B2B", "start": "2027-01-01", "end": "2027-06-30", "priority": "2"},
    )
    assert response.status_code == 302
    objective.refresh_from_db()
    assert (objective.title, objective.end, objective.owner) == (
        "Enter B2B",
        date(2027, 6, 30),
        None,
    )
    assert _actor_of(objective, LogEntry.Action.UPDATE) == "executive"


def test_objective_errors_inline(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    response = client.post(
        "/strategy/objectives/new/",
        {"key": "O1", "title": "Dup", "start": "2027-02-01", "end": "2027-01-01", "priority": "1"},
    )
    assert response.status_code == 422
    assert "objective O1 exists already" in response.content.decode()
    response = client.post(
        "/strategy/objectives/new/",
        {"key": "O9", "title": "Back", "start": "2027-02-01", "end": "2027-01-01", "priority": "1"},
    )
    assert response.status_code == 422
    assert "end must be after start" in response.content.decode()
    assert not Objective.objects.filter(key="O9").exists()


def test_objective_delete_says_what_goes_with_it(client_as) -> None:  # type: ignore[no-untyped-def]
    objective = Objective.objects.get(key="O1")
    krs = KeyResult.objects.filter(objective=objective).count()
    check_ins = CheckIn.objects.filter(key_result__objective=objective).count()
    goals = TeamGoal.objects.filter(objective=objective).count()
    links = InitiativeObjective.objects.filter(objective=objective).count()
    initiatives = Initiative.objects.count()
    client = client_as("cto")
    body = client.get("/strategy/objectives/O1/delete/").content.decode()
    assert f"deletes {krs} key results" in body
    assert f"deletes {check_ins} check-ins" in body
    assert f"deletes {links} links from initiatives (the initiatives stay)" in body
    if goals:
        assert f"deletes {goals} team goal" in body
    assert client.post("/strategy/objectives/O1/delete/").status_code == 302
    assert not Objective.objects.filter(key="O1").exists()
    assert Initiative.objects.count() == initiatives
    assert LogEntry.objects.filter(
        object_pk=str(objective.pk), action=LogEntry.Action.DELETE, actor__username="cto"
    ).exists()


def test_objective_editing_refused_and_buttons_absent(client_as) -> None:  # type: ignore[no-untyped-def]
    for role in ("people", "manager", "engineer", "finance"):
        client = client_as(role)
        assert client.get("/strategy/objectives/new/").status_code == 403
        assert client.post("/strategy/objectives/O1/delete/").status_code == 403
        assert client.post("/strategy/objectives/O1/key-results/KR1/edit/", {}).status_code == 403
        page = client.get("/strategy/objectives/O1/").content.decode()
        assert 'id="objective-edit"' not in page and "check-ins/new" not in page
    assert Objective.objects.filter(key="O1").exists()
    assert (
        'id="objective-edit"' in client_as("cto").get("/strategy/objectives/O1/").content.decode()
    )


def test_key_result_and_check_in(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    response = client.post(
        "/strategy/objectives/O1/key-results/new/",
        {
            "key": "KR7",
            "title": "Partners signed",
            "metric": "signed partners",
            "unit": "partners",
            "baseline": "0",
            "target": "10",
            "current": "2",
            "confidence": "0.6",
        },
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    kr = KeyResult.objects.get(objective__key="O1", key="KR7")
    assert (kr.current, kr.confidence) == (Decimal("2"), Decimal("0.6"))
    assert kr.check_ins.count() == 1
    response = client.post(
        "/strategy/objectives/O1/key-results/KR7/check-ins/new/",
        {"on": "2099-01-01", "value": "5", "confidence": "0.7", "note": "two more"},
    )
    assert response.status_code == 302
    kr.refresh_from_db()
    assert (kr.current, kr.confidence) == (Decimal("5"), Decimal("0.7"))
    latest = kr.check_ins.get(on=date(2099, 1, 1))
    assert _actor_of(latest, LogEntry.Action.CREATE) == "cto"
    # Deleting the latest check-in: the value follows the one before.
    assert (
        client.post(
            f"/strategy/objectives/O1/key-results/KR7/check-ins/{latest.pk}/delete/"
        ).status_code
        == 302
    )
    kr.refresh_from_db()
    assert (kr.current, kr.confidence) == (Decimal("2"), Decimal("0.6"))
    response = client.post(
        "/strategy/objectives/O1/key-results/KR7/edit/",
        {"title": "Partners", "baseline": "3", "target": "3", "current": "3", "confidence": "2"},
    )
    assert response.status_code == 422
    assert 'id="confidence-error"' in response.content.decode()
    response = client.post(
        "/strategy/objectives/O1/key-results/KR7/edit/",
        {"title": "Partners", "baseline": "3", "target": "3", "current": "3", "confidence": "1"},
    )
    assert response.status_code == 422
    assert "target must differ from baseline" in response.content.decode()
    kr.refresh_from_db()
    assert (kr.title, kr.target) == ("Partners signed", Decimal("10"))
    body = client.get("/strategy/objectives/O1/key-results/KR7/delete/").content.decode()
    assert "deletes 1 check-in" in body
    assert client.post("/strategy/objectives/O1/key-results/KR7/delete/").status_code == 302
    assert not KeyResult.objects.filter(pk=kr.pk).exists()


def _initiative_data(**extra: str) -> dict[str, str]:
    data = {
        "key": "FRAUD-ML",
        "title": "Fraud scoring",
        "status": "proposed",
        "horizon": "next",
        "cost": "120000",
        "value": "8",
        "time_criticality": "5",
        "risk_reduction": "3",
        "job_size": "5",
        "reach": "1000",
        "impact": "2.0",
        "confidence": "0.8",
        "feasibility": "medium",
        "technical_risk": "high",
        "earliest": "2027q2",
        "deadline": "",
        "duration": "2",
        "planned_start": "",
        "objective_0": "O1",
        "weight_0": "0.75",
        "objective_1": "O3",
        "weight_1": "0.25",
        "effort_team_0": "Payments",
        "effort_weeks_0": "12",
        "effort_team_1": "Checkout",
        "effort_weeks_1": "4.5",
        "owner_team": "Payments",
    }
    data.update(extra)
    return data


def test_initiative_create_with_links_and_efforts(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    response = client.post("/strategy/initiatives/new/", _initiative_data(depends_on="PAY-LAUNCH"))
    assert response.status_code == 302, response.content.decode()[-3000:]
    initiative = Initiative.objects.get(key="FRAUD-ML")
    assert initiative.owner_team == Team.objects.get(slug="payments")
    assert (initiative.value, initiative.impact, initiative.earliest) == (8, Decimal("2"), "2027Q2")
    links = {link.objective.key: link.weight for link in initiative.objective_links.all()}
    assert links == {"O1": Decimal("0.75"), "O3": Decimal("0.25")}
    efforts = {e.team.slug: e.person_weeks for e in initiative.efforts.all()}
    assert efforts == {"payments": Decimal("12"), "checkout": Decimal("4.5")}
    assert [d.key for d in initiative.depends_on.all()] == ["PAY-LAUNCH"]
    assert _actor_of(initiative, LogEntry.Action.CREATE) == "cto"
    # Edit: drop a link, keep the weights summing to 1.
    edit = _initiative_data(objective_1="", weight_1="", weight_0="1", title="Fraud scoring v2")
    del edit["key"]
    response = client.post("/strategy/initiatives/FRAUD-ML/edit/", edit)
    assert response.status_code == 302, response.content.decode()[-3000:]
    initiative.refresh_from_db()
    assert initiative.title == "Fraud scoring v2"
    assert [(lnk.objective.key, lnk.weight) for lnk in initiative.objective_links.all()] == [
        ("O1", Decimal("1"))
    ]


def test_initiative_errors_inline(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    response = client.post(
        "/strategy/initiatives/new/",
        _initiative_data(weight_1="0.5", earliest="2027Q5", effort_team_1="Nowhere"),
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "no team named &#x27;Nowhere&#x27;" in body
    assert not Initiative.objects.filter(key="FRAUD-ML").exists()
    response = client.post("/strategy/initiatives/new/", _initiative_data(weight_1="0.5"))
    assert response.status_code == 422
    # The importer's rule and message (steward.strategy.rules.weights_problem).
    assert "weights sum to 1.25, not 1" in response.content.decode()
    response = client.post("/strategy/initiatives/new/", _initiative_data(earliest="2027Q5"))
    assert response.status_code == 422
    assert "is not a quarter like 2027Q1" in response.content.decode()
    assert not Initiative.objects.filter(key="FRAUD-ML").exists()


def test_initiative_delete_and_refusal(client_as) -> None:  # type: ignore[no-untyped-def]
    initiative = Initiative.objects.get(key="PAY-LAUNCH")
    efforts = initiative.efforts.count()
    assert client_as("engineer").post("/strategy/initiatives/PAY-LAUNCH/delete/").status_code == 403
    page = client_as("engineer").get("/strategy/initiatives/PAY-LAUNCH/").content.decode()
    assert 'id="initiative-edit"' not in page
    body = client_as("cto").get("/strategy/initiatives/PAY-LAUNCH/delete/").content.decode()
    assert f"deletes {efforts} effort estimates per team" in body
    assert client_as("cto").post("/strategy/initiatives/PAY-LAUNCH/delete/").status_code == 302
    assert not Initiative.objects.filter(key="PAY-LAUNCH").exists()


def test_idea_create_edit(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("executive")
    response = client.post(
        "/strategy/innovation/ideas/new/",
        {
            "title": "Voice checkout",
            "hypothesis": "Shoppers order by voice",
            "team": "Checkout",
            "timebox_start": "2027-01-01",
            "timebox_end": "2027-02-01",
            "budget": "5000",
        },
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    idea = Idea.objects.get(title="Voice checkout")
    assert (idea.team.slug, idea.budget) == ("checkout", Decimal("5000"))
    assert _actor_of(idea, LogEntry.Action.CREATE) == "executive"
    response = client.post(
        f"/strategy/innovation/ideas/{idea.pk}/edit/",
        {
            "title": "Voice checkout",
            "hypothesis": "Shoppers order by voice",
            "timebox_start": "2027-03-01",
            "timebox_end": "2027-02-01",
            "budget": "5000",
        },
    )
    assert response.status_code == 422
    assert "the time box ends before it starts" in response.content.decode()
    edit = {
        "title": "Voice checkout",
        "hypothesis": "Shoppers order by voice",
        "budget": "5000",
        "timebox_start": "2027-01-01",
        "timebox_end": "2027-02-01",
    }
    response = client.post(
        f"/strategy/innovation/ideas/{idea.pk}/edit/", {**edit, "status": "adopted"}
    )
    assert response.status_code == 422  # not allowed from proposed
    response = client.post(
        f"/strategy/innovation/ideas/{idea.pk}/edit/", {**edit, "status": "experimenting"}
    )
    assert response.status_code == 302
    response = client.post(
        f"/strategy/innovation/ideas/{idea.pk}/edit/",
        {**edit, "status": "dropped", "budget": "7000"},
    )
    assert response.status_code == 422
    assert "say what the experiment showed" in response.content.decode()
    idea.refresh_from_db()
    # One transaction: the new budget went with the refused move.
    assert (idea.status, idea.budget) == ("experimenting", Decimal("5000"))
    response = client.post(
        f"/strategy/innovation/ideas/{idea.pk}/edit/",
        {**edit, "status": "dropped", "outcome": "Nobody talks to shops"},
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.status, idea.outcome, idea.decided_on) == (
        "dropped",
        "Nobody talks to shops",
        date.today(),
    )
    assert (
        client_as("manager").get(f"/strategy/innovation/ideas/{idea.pk}/edit/").status_code == 403
    )


def test_action_create_close_delete(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    owner = Person.objects.get(employee_id="E0005")
    response = client.post(
        "/strategy/innovation/actions/new/",
        {
            "title": "Add canary deploys",
            "source": "incident",
            "source_ref": "INC-7",
            "owner": f"{owner.name} ({owner.employee_id})",
            "created_on": "2026-11-01",
            "due_on": "2026-12-15",
        },
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    action = ImprovementAction.objects.get(title="Add canary deploys")
    assert (action.owner, action.source_ref) == (owner, "INC-7")
    response = client.post(
        f"/strategy/innovation/actions/{action.pk}/edit/",
        {
            "title": "Add canary deploys",
            "source": "incident",
            "created_on": "2026-11-01",
            "due_on": "2026-12-15",
            "closed_on": "2026-12-10",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.closed_on, action.owner) == (date(2026, 12, 10), None)
    assert _actor_of(action, LogEntry.Action.UPDATE) == "cto"
    response = client.post(
        "/strategy/innovation/actions/new/",
        {"title": "x", "source": "retro", "created_on": "2026-11-01", "due_on": "2026-10-01"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="source-error"' in body and 'id="due_on-error"' in body
    assert client.post(f"/strategy/innovation/actions/{action.pk}/delete/").status_code == 302
    assert not ImprovementAction.objects.filter(pk=action.pk).exists()
    assert (
        'id="action-create"'
        not in client_as("architect").get("/strategy/innovation/").content.decode()
    )
