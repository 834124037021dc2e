"""Goals that cascade from objectives: the demo's goals, the form pages (saved through the
service, audited, 422 beside the field), who sees an individual goal, the goal page's parent
objective and level expectations, and the panel on the objective's page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry

from steward.growth.models import Expectation, Goal, PersonLevel
from steward.org.models import Person, Team
from steward.strategy.models import KeyResult

pytestmark = pytest.mark.django_db

TEAM_GOAL = "Local payment methods live in Poland and Spain"
MY_GOAL = "Ship BLIK payments for Poland"


def _team_goal() -> Goal:
    return Goal.objects.get(objective__key="O1", team__slug="payments")


def _my_goal() -> Goal:
    return Goal.objects.get(objective__key="O1", person__employee_id="E0006")


def test_the_demo_goals_cascade_from_o1_and_the_individual_one_takes_the_persons_level() -> None:
    team, mine = _team_goal(), _my_goal()
    assert (team.title, team.key_result.key, team.progress, team.person) == (  # type: ignore[union-attr]
        TEAM_GOAL,
        "KR1",
        50,
        None,
    )
    held = PersonLevel.objects.get(person__employee_id="E0006", end__isnull=True)
    assert (mine.title, mine.level_id, mine.team) == (MY_GOAL, held.level_id, None)


def test_a_team_goal_is_set_changed_and_deleted_in_the_browser(
    client_as: Callable[..., Any],
) -> None:
    client = client_as("manager")
    payments = Team.objects.get(slug="payments")
    engineer = Person.objects.get(employee_id="E0006")
    kr2 = KeyResult.objects.get(objective__key="O1", key="KR2")
    other_kr = KeyResult.objects.get(objective__key="O2", key="KR1")
    form = client.get("/growth/objective-goals/new/?objective=O1")
    assert form.status_code == 200
    data = {
        "objective": kr2.objective_id,
        "key_result": other_kr.pk,
        "title": "Revenue dashboards per market",
        "team": payments.name,
        "person": "",
        "description": "",
        "due_on": "2031-06-30",
    }
    bad = client.post("/growth/objective-goals/new/", data)
    assert bad.status_code == 422
    assert "pick a key result of the chosen objective" in bad.content.decode()
    both = client.post(
        "/growth/objective-goals/new/",
        {**data, "key_result": kr2.pk, "person": f"{engineer.name} (E0006)"},
    )
    assert both.status_code == 422
    assert "give a team or a person, not both" in both.content.decode()
    assert not Goal.objects.filter(title="Revenue dashboards per market").exists()

    response = client.post("/growth/objective-goals/new/", {**data, "key_result": kr2.pk})
    goal = Goal.objects.get(title="Revenue dashboards per market")
    assert (response.status_code, response["Location"]) == (
        302,
        f"/growth/objective-goals/{goal.pk}/",
    )
    assert (goal.team_id, goal.key_result_id, goal.due_on, goal.person_id, goal.progress) == (
        payments.pk,
        kr2.pk,
        date(2031, 6, 30),
        None,
        0,
    )
    created = LogEntry.objects.get_for_object(goal).get(action=LogEntry.Action.CREATE)
    assert created.actor.username == "manager"  # type: ignore[union-attr]

    # The goal page shows the parent objective and key result with their progress.
    page = client.get(f"/growth/objective-goals/{goal.pk}/").content.decode()
    share = (kr2.current - kr2.baseline) / (kr2.target - kr2.baseline)
    assert "Launch in three new markets" in page
    assert f"Key result: {kr2.title} · {share * 100:,.0f} %" in page

    edit = {
        "title": "Revenue dashboards per market",
        "key_result": kr2.pk,
        "level": "",
        "description": "Per market and currency",
        "due_on": "2031-07-31",
        "progress": "75",
        "status": "done",
        "note": "Poland and Spain live",
    }
    assert client.post(f"/growth/objective-goals/{goal.pk}/edit/", edit).status_code == 302
    goal.refresh_from_db()
    assert (goal.progress, goal.status, goal.due_on, goal.description) == (
        75,
        "done",
        date(2031, 7, 31),
        "Per market and currency",
    )
    # The new progress is kept as today's check-in; saving again unchanged adds none.
    assert client.post(f"/growth/objective-goals/{goal.pk}/edit/", edit).status_code == 302
    assert [(c.on, c.progress, c.status, c.note) for c in goal.check_ins.all()] == [
        (date.today(), 75, "done", "Poland and Spain live")
    ]
    page = client.get(f"/growth/objective-goals/{goal.pk}/").content.decode()
    assert "75 % · Done — Poland and Spain live" in page
    too_much = client.post(f"/growth/objective-goals/{goal.pk}/edit/", {**edit, "progress": "101"})
    assert too_much.status_code == 422

    assert client.post(f"/growth/objective-goals/{goal.pk}/delete/").status_code == 302
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert LogEntry.objects.filter(
        object_pk=str(goal.pk), action=LogEntry.Action.DELETE, actor__username="manager"
    ).exists()


def test_an_engineer_may_not_set_a_team_goal(client_as: Callable[..., Any]) -> None:
    payments = Team.objects.get(slug="payments")
    objective_id = KeyResult.objects.get(objective__key="O1", key="KR1").objective_id
    data = {"objective": objective_id, "title": "Ours", "team": payments.name}
    response = client_as("engineer").post("/growth/objective-goals/new/", data)
    assert response.status_code == 403
    assert not Goal.objects.filter(title="Ours").exists()


def test_an_individual_goal_is_seen_by_the_person_their_manager_and_people_only(
    client_as: Callable[..., Any],
) -> None:
    mine = _my_goal()
    for role, status in (("engineer", 200), ("manager", 200), ("people", 200), ("architect", 404)):
        got = client_as(role).get(f"/growth/objective-goals/{mine.pk}/").status_code
        assert (role, got) == (role, status)
    listing = client_as("architect").get("/growth/objective-goals/").content.decode()
    assert TEAM_GOAL in listing and MY_GOAL not in listing
    listing = client_as("manager").get("/growth/objective-goals/").content.decode()
    assert TEAM_GOAL in listing and MY_GOAL in listing
    # Its check-ins follow the goal.
    from django.contrib.auth.models import User

    from steward.core import policy
    from steward.growth.models import GoalProgress

    GoalProgress.objects.create(goal=mine, on=date(2031, 1, 5), progress=20, status="open")
    for role, seen in (("architect", False), ("manager", True), ("engineer", True)):
        rows = policy.visible(User.objects.get(username=role), "growth.GoalProgress")
        assert (role, rows.filter(goal=mine).exists()) == (role, seen)


def test_the_goal_page_lists_what_the_ladder_expects_at_its_level(
    client_as: Callable[..., Any],
) -> None:
    mine = _my_goal()
    expected = Expectation.objects.filter(level_id=mine.level_id).exclude(criteria=[]).first()
    assert expected is not None
    page = client_as("engineer").get(f"/growth/objective-goals/{mine.pk}/").content.decode()
    assert expected.competency.name in page
    assert str(expected.criteria[0]) in page


def test_the_objective_page_shows_the_goals_under_it(client_as: Callable[..., Any]) -> None:
    page = client_as("engineer").get("/strategy/objectives/O1/").content.decode()
    assert "Goals under this objective" in page
    assert TEAM_GOAL in page and "Payments team · 50 % · open" in page
    assert MY_GOAL in page
    page = client_as("architect").get("/strategy/objectives/O1/").content.decode()
    assert TEAM_GOAL in page and MY_GOAL not in page
    page = client_as("architect").get("/strategy/objectives/O2/").content.decode()
    assert "No team or individual goals under this objective yet." in page


def test_the_objectives_page_counts_the_goals_under_each_objective(
    client_as: Callable[..., Any],
) -> None:
    # The demo: under O1 the payments team's goal (open) and the engineer's own goal (open).
    page = client_as("manager").get("/strategy/").content.decode()
    assert "Goals under the objectives" in page
    assert "Launch in three new markets" in page
    assert "2 goals: 1 of a team, 1 individual, 0 done" in page
    # The architect does not see the engineer's goal; marking the team's goal done shows.
    team = _team_goal()
    team.status = "done"
    team.save()
    page = client_as("architect").get("/strategy/").content.decode()
    assert "1 goal: 1 of a team, 0 individual, 1 done" in page
