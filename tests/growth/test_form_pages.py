"""The growth form pages that had no browser test (levels, plans, goals, promotions, 1:1
cadences): each post reaches its service with every field, saves, and goes back where the page
says; a bad post is answered 422 with nothing saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from steward.growth.models import (
    Competency,
    DevelopmentPlan,
    LadderLevel,
    OneOnOnePair,
    PersonLevel,
    PromotionCase,
)
from steward.org.models import Person

pytestmark = pytest.mark.django_db


def test_level_plan_and_goal_pages(client_as: Callable[..., object]) -> None:
    client = client_as("people")
    level = LadderLevel.objects.order_by("pk").last()
    competency = Competency.objects.order_by("pk").first()
    assert level is not None and competency is not None
    person = Person.objects.get(employee_id="E0006")

    url = "/growth/people/E0006/level/"
    response = client.post(url, {"level": level.pk, "start": "2031-01-01", "note": "tidy"})  # type: ignore[attr-defined]
    assert (response.status_code, response["Location"]) == (302, "/growth/people/E0006/")
    row = PersonLevel.objects.get(person=person, start=date(2031, 1, 1))
    assert (row.level_id, row.note, row.end) == (level.pk, "tidy", None)

    url = "/growth/people/E0006/plans/new/"
    bad = client.post(url, {"title": "", "started_on": "2031-01-02"})  # type: ignore[attr-defined]
    assert bad.status_code == 422
    data = {"title": "Tidy plan", "started_on": "2031-01-02", "target_level": level.pk}
    assert client.post(url, data).status_code == 302  # type: ignore[attr-defined]
    plan = DevelopmentPlan.objects.get(person=person, title="Tidy plan")
    assert (plan.started_on, plan.target_level_id) == (date(2031, 1, 2), level.pk)

    data = {"title": "Write less code", "competency": competency.pk, "due_on": "2031-03-01"}
    response = client.post(f"/growth/plans/{plan.pk}/goals/new/", data)  # type: ignore[attr-defined]
    assert (response.status_code, response["Location"]) == (302, "/growth/people/E0006/")
    goal = plan.goals.get()
    assert (goal.title, goal.competency_id, goal.due_on) == (
        "Write less code",
        competency.pk,
        date(2031, 3, 1),
    )


def test_promotion_pages(client_as: Callable[..., object]) -> None:
    client = client_as("people")
    level = LadderLevel.objects.order_by("pk").last()
    assert level is not None
    person = Person.objects.get(employee_id="E0006")
    data = {
        "person": f"{person.name} (E0006)",
        "to_level": level.pk,
        "opened_on": "2031-02-01",
        "summary": "Ready for it",
    }
    response = client.post("/growth/promotions/new/", data)  # type: ignore[attr-defined]
    case = PromotionCase.objects.get(person=person, opened_on=date(2031, 2, 1))
    assert (response.status_code, response["Location"]) == (302, f"/growth/promotions/{case.pk}/")
    assert (case.to_level_id, case.summary) == (level.pk, "Ready for it")

    data = {"competency": "", "text": "Led the migration", "url": "example.org/pr/1"}
    assert client.post(f"/growth/promotions/{case.pk}/evidence/", data).status_code == 302  # type: ignore[attr-defined]
    evidence = case.evidence.get()
    assert (evidence.text, evidence.url) == ("Led the migration", "https://example.org/pr/1")

    data = {"outcome": "declined", "on": "2031-03-01", "note": "Not yet"}
    assert client.post(f"/growth/promotions/{case.pk}/decide/", data).status_code == 302  # type: ignore[attr-defined]
    case.refresh_from_db()
    assert case.status == PromotionCase.Status.DECLINED
    assert [(d.outcome, d.note) for d in case.decisions.all()] == [("declined", "Not yet")]


def test_one_on_one_cadence_pages(client_as: Callable[..., object]) -> None:
    client = client_as("people")
    person = Person.objects.get(employee_id="E0006")
    manager = Person.objects.exclude(pk=person.pk).order_by("employee_id").first()
    assert manager is not None
    data = {
        "manager": f"{manager.name} ({manager.employee_id})",
        "report": f"{person.name} (E0006)",
        "cadence_days": "9",
        "started_on": "2031-01-05",
    }
    response = client.post("/growth/one-on-ones/new/", data)  # type: ignore[attr-defined]
    pair = OneOnOnePair.objects.get(manager=manager, report=person, started_on=date(2031, 1, 5))
    assert (response.status_code, response["Location"]) == (302, f"/growth/one-on-ones/{pair.pk}/")
    assert pair.cadence_days == 9

    url = f"/growth/one-on-ones/{pair.pk}/edit/"
    assert client.post(url, {"cadence_days": "0"}).status_code == 422  # type: ignore[attr-defined]
    data = {"cadence_days": "21", "ended_on": "2031-06-30"}
    assert client.post(url, data).status_code == 302  # type: ignore[attr-defined]
    pair.refresh_from_db()
    assert (pair.cadence_days, pair.ended_on) == (21, date(2031, 6, 30))
