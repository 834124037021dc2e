"""The growth write API: goals under objectives, onboarding tasks, 1:1 action items. Bearer
tokens, the same services and policy as the pages (404 for rows one may not see, 403 for a
change one may not make, 422 beside the field), audited as the token's user."""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry

from steward.growth.models import ActionItem, Goal, OnboardingTask, OneOnOneMeeting, PersonLevel
from tests.org.test_write_api import Api

pytestmark = pytest.mark.django_db


def _goal(**where: str) -> Goal:
    return Goal.objects.get(objective__key="O1", **where)


def test_a_manager_sets_changes_and_deletes_a_team_goal() -> None:
    api = Api("manager")
    body = {
        "objective": "O1",
        "key_result": "KR2",
        "title": "Invoices in złoty",
        "team": "payments",
        "due_on": "2031-03-31",
    }
    response = api.post("/growth/goals", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["objective"], data["key_result"], data["team"], data["employee_id"]) == (
        "O1",
        "KR2",
        "payments",
        None,
    )
    assert (data["due_on"], data["progress"], data["status"]) == ("2031-03-31", 0, "open")
    goal = Goal.objects.get(pk=data["id"])
    entry = LogEntry.objects.get_for_object(goal).get(action=LogEntry.Action.CREATE)
    assert entry.actor.username == "manager"  # type: ignore[union-attr]

    changed = api.patch(
        f"/growth/goals/{goal.pk}", {"progress": 80, "status": "done", "note": "invoices out"}
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["progress"], changed.json()["status"], changed.json()["title"]) == (
        80,
        "done",
        "Invoices in złoty",
    )
    assert [(c.progress, c.status, c.note) for c in goal.check_ins.all()] == [
        (80, "done", "invoices out")
    ]
    assert api.patch(f"/growth/goals/{goal.pk}", {"status": "finished"}).status_code == 422
    assert api.patch(f"/growth/goals/{goal.pk}", {"progress": 101}).status_code == 422
    assert api.delete(f"/growth/goals/{goal.pk}").status_code == 204
    assert not Goal.objects.filter(pk=goal.pk).exists()


def test_goal_field_errors_are_422_beside_the_field_and_nothing_is_written() -> None:
    api = Api("cto")
    before = Goal.objects.count()
    base = {"objective": "O1", "title": "X", "team": "payments"}
    cases = [
        ({**base, "key_result": "KR9"}, ["body", "key_result"]),
        ({**base, "objective": "O99"}, ["body", "objective"]),
        ({**base, "employee_id": "E0006"}, ["body", "team"]),
        ({"objective": "O1", "title": "X"}, ["body", "team"]),
        ({**base, "team": "no-such-team"}, ["body", "team"]),
        ({**base, "level": "L99"}, ["body", "level"]),
    ]
    for body, loc in cases:
        response = api.post("/growth/goals", body)
        assert response.status_code == 422, (body, response.content)
        assert loc in [e["loc"] for e in response.json()["detail"]], (body, response.json())
    assert Goal.objects.count() == before


def test_an_individual_goal_takes_the_persons_level_and_stays_private() -> None:
    response = Api("engineer").post(
        "/growth/goals", {"objective": "O1", "title": "Learn Polish", "employee_id": "E0006"}
    )
    assert response.status_code == 201, response.content
    held = PersonLevel.objects.select_related("level__track").get(
        person__employee_id="E0006", end__isnull=True
    )
    data = response.json()
    assert (data["level"], data["track"], data["owner"]) == (
        held.level.key,
        held.level.track.key,
        held.person.name,
    )
    pk = data["id"]
    assert Api("manager").get(f"/growth/goals/{pk}").status_code == 200
    assert Api("architect").get(f"/growth/goals/{pk}").status_code == 404
    assert Api("architect").patch(f"/growth/goals/{pk}", {"progress": 10}).status_code == 404
    listed = [g["id"] for g in Api("architect").get("/growth/goals?objective=O1").json()["items"]]
    assert pk not in listed and _goal(team__slug="payments").pk in listed


def test_who_may_change_the_payments_team_goal() -> None:
    pk = _goal(team__slug="payments").pk
    for role, status in (("engineer", 403), ("architect", 403), ("finance", 403)):
        got = Api(role).patch(f"/growth/goals/{pk}", {"progress": 5}).status_code
        assert (role, got) == (role, status)
    assert Api("executive").patch(f"/growth/goals/{pk}", {"progress": 5}).status_code == 200
    assert Goal.objects.get(pk=pk).progress == 5


def test_onboarding_tasks_are_ticked_off_and_reopened() -> None:
    task = OnboardingTask.objects.filter(done_on__isnull=True).order_by("pk").first()
    assert task is not None
    api = Api("people")
    done = api.patch(f"/growth/onboarding/tasks/{task.pk}", {"done_on": "2026-11-30"})
    assert done.status_code == 200, done.content
    assert (done.json()["done_on"], done.json()["plan"]) == ("2026-11-30", task.plan_id)
    task.refresh_from_db()
    assert task.done_on == date(2026, 11, 30)
    entry = LogEntry.objects.get_for_object(task).filter(action=LogEntry.Action.UPDATE).first()
    assert entry is not None and entry.actor.username == "people"  # type: ignore[union-attr]
    assert (
        api.patch(f"/growth/onboarding/tasks/{task.pk}", {"done_on": None}).json()["done_on"]
        is None
    )
    task.refresh_from_db()
    assert task.done_on is None
    if task.plan.person.user is None or task.plan.person.user.username != "finance":
        assert (
            Api("finance")
            .patch(f"/growth/onboarding/tasks/{task.pk}", {"done_on": "2026-11-30"})
            .status_code
            == 404
        )


def test_action_items_are_written_by_the_pair_only() -> None:
    meeting = (
        OneOnOneMeeting.objects.filter(
            pair__manager__employee_id="E0005", pair__report__employee_id="E0006"
        )
        .order_by("-held_on")
        .first()
    )
    assert meeting is not None
    path = f"/growth/one-on-ones/{meeting.pair_id}/meetings/{meeting.pk}/action-items"
    body = {
        "text": "Draft the BLIK rollout plan",
        "owner_employee_id": "E0005",
        "due_on": "2031-01-15",
    }
    created = Api("engineer").post(path, body)
    assert created.status_code == 201, created.content
    assert (created.json()["owner_employee_id"], created.json()["due_on"]) == (
        "E0005",
        "2031-01-15",
    )
    item = ActionItem.objects.get(pk=created.json()["id"])
    assert (item.meeting_id, item.text) == (meeting.pk, "Draft the BLIK rollout plan")

    outsider = Api("engineer").post(path, {**body, "owner_employee_id": "E0001"})
    assert outsider.status_code == 422
    # The CTO sees that the 1:1 took place but is not one of the pair; the architect sees nothing.
    assert Api("cto").post(path, body).status_code == 403
    assert Api("architect").post(path, body).status_code == 404

    done = Api("manager").patch(f"/growth/action-items/{item.pk}", {"done_on": "2031-01-10"})
    assert done.status_code == 200, done.content
    assert (done.json()["done_on"], done.json()["text"]) == ("2031-01-10", item.text)
    item.refresh_from_db()
    assert item.done_on == date(2031, 1, 10)
    for role in ("cto", "people", "admin"):
        got = Api(role).patch(f"/growth/action-items/{item.pk}", {"text": "x"}).status_code
        assert (role, got) == (role, 404)
    item.refresh_from_db()
    assert item.text == "Draft the BLIK rollout plan"
