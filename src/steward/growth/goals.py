"""Goals and expectations: team and individual goals that cascade from the strategy's objectives
and key results, measured against the expectations of a ladder level (issue 14, item 4).

Objectives and key results are read through strategy's selectors and the policy (growth never
imports strategy's models). Every write checks `growth.rules`, runs in one transaction and is
audited (auditlog on `save()`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from steward.core import policy
from steward.growth import rules
from steward.growth.models import Expectation, Goal, GoalProgress, PersonLevel
from steward.growth.services import GrowthError, _save
from steward.strategy import selectors as strategy_selectors

# --- reads ----------------------------------------------------------------------------------


def goal_list(*, actor: Any, objective_id: int | None = None) -> QuerySet[Goal]:
    """Goals `actor` may see (a team's: everyone; a person's: as their plan), by objective."""
    rows = policy.visible(actor, "growth.Goal").select_related(
        "objective", "key_result", "team", "person", "level", "level__track"
    )
    if objective_id is not None:
        rows = rows.filter(objective_id=objective_id)
    return rows.order_by(
        "objective__priority", "objective__key", "team__name", "person__name", "pk"
    )


def check_ins(*, actor: Any, goal: Goal) -> list[GoalProgress]:
    """A goal's check-ins, newest first."""
    rows = policy.visible(actor, "growth.GoalProgress").filter(goal=goal)
    return list(rows.order_by("-on", "-pk"))


def goal_get(*, actor: Any, pk: int) -> Goal | None:
    """One goal if `actor` may see it."""
    return goal_list(actor=actor).filter(pk=pk).first()


def objective_rows(*, actor: Any) -> QuerySet[Any]:
    """The objectives a goal can cascade from (strategy's selector)."""
    return strategy_selectors.objective_list(actor=actor)


def objective_of(*, actor: Any, key: str) -> Any | None:
    """An objective by its key (strategy's selector), with its key results."""
    return strategy_selectors.objective_get(actor=actor, key=key)


def key_result_rows(*, actor: Any) -> QuerySet[Any]:
    """Key results one may pick for a goal."""
    return (
        policy.visible(actor, "strategy.KeyResult")
        .select_related("objective")
        .order_by("objective__priority", "objective__key", "key")
    )


def expectations(level: Any) -> list[dict[str, Any]]:
    """What the ladder expects at `level`: per competency, its criteria and examples."""
    if level is None:
        return []
    rows = Expectation.objects.filter(level=level).select_related("competency")
    return [
        {
            "competency": e.competency.name,
            "criteria": list(e.criteria),
            "examples": list(e.examples),
        }
        for e in rows.order_by("competency__position", "competency__key")
    ]


def level_of(person: Any, on: date) -> Any | None:
    """The ladder level `person` holds on `on`, or None."""
    row = (
        PersonLevel.objects.filter(person=person, start__lte=on)
        .exclude(end__lte=on)
        .select_related("level")
        .order_by("-start")
        .first()
    )
    return None if row is None else row.level


def owner_name(goal: Goal) -> str:
    """Whose goal it is, in words."""
    if goal.team is not None:
        return f"{goal.team.name} team"
    return goal.person.name if goal.person is not None else ""


def status_label(goal: Goal) -> str:
    """Open, Done or Dropped."""
    return str(dict(Goal.Status.choices)[goal.status])


def goal_dict(goal: Goal) -> dict[str, Any]:
    """A goal for the API."""
    return {
        "id": goal.pk,
        "title": goal.title,
        "description": goal.description,
        "objective": goal.objective.key,
        "objective_title": goal.objective.title,
        "key_result": goal.key_result.key if goal.key_result else None,
        "team": goal.team.slug if goal.team else None,
        "employee_id": goal.person.employee_id if goal.person else None,
        "owner": owner_name(goal),
        "level": goal.level.key if goal.level else None,
        "track": goal.level.track.key if goal.level else None,
        "due_on": goal.due_on,
        "progress": goal.progress,
        "status": goal.status,
    }


def may_add(actor: Any) -> bool:
    """Whether to offer "New goal": anyone who may keep some goal (the service decides)."""
    return rules.may_start_own(actor) or policy.may_change_strategy(actor)


def may_change(actor: Any, goal: Any) -> bool:
    """Change or delete this goal."""
    return rules.may_keep_goal(actor, team_id=goal.team_id, person_id=goal.person_id)


# --- writes ---------------------------------------------------------------------------------


def _check(goal: Any) -> None:
    if goal.key_result is not None and goal.key_result.objective_id != goal.objective_id:
        raise GrowthError(
            "the key result is of another objective",
            fields={"key_result": ["pick a key result of the chosen objective"]},
        )
    if (goal.team is None) == (goal.person is None):
        raise GrowthError(
            "a goal belongs to a team or to one person",
            fields={"team": ["give a team or a person, not both"]},
        )


@transaction.atomic
def goal_create(
    *,
    actor: Any,
    objective: Any,
    title: str,
    team: Any = None,
    person: Any = None,
    key_result: Any = None,
    level: Any = None,
    description: str = "",
    due_on: date | None = None,
) -> Goal:
    """Set a team's or a person's goal under an objective. An individual goal without a level
    is measured against the level the person holds today."""
    goal = Goal(
        objective=objective,
        key_result=key_result,
        team=team,
        person=person,
        level=level,
        title=title.strip(),
        description=description.strip(),
        due_on=due_on,
    )
    _check(goal)
    if not may_change(actor, goal):
        raise PermissionDenied("may not set this goal")
    if goal.level is None and person is not None:
        goal.level = level_of(person, date.today())
    _save(goal)
    return goal


@transaction.atomic
def goal_update(
    *,
    actor: Any,
    goal: Goal,
    title: str,
    key_result: Any = None,
    level: Any = None,
    description: str = "",
    due_on: date | None = None,
    progress: int = 0,
    status: str = Goal.Status.OPEN,
    note: str = "",
) -> Goal:
    """Change a goal: its wording, key result, level, due day, progress (0-100 %) and status.
    Its objective and owner stay (set a new goal to move it). A new progress or status is
    also kept as a check-in of today, with `note`."""
    if not may_change(actor, goal):
        raise PermissionDenied("may not change this goal")
    moved = (progress, status) != (goal.progress, goal.status)
    goal.title = title.strip()
    goal.key_result = key_result
    goal.level = level
    goal.description = description.strip()
    goal.due_on = due_on
    goal.progress = progress
    goal.status = status
    _check(goal)
    _save(goal)
    if moved:
        check_in = GoalProgress(
            goal=goal, on=date.today(), progress=progress, status=status, note=note.strip()
        )
        _save(check_in)
    return goal


@transaction.atomic
def goal_delete(*, actor: Any, goal: Goal) -> None:
    """Delete a goal (nothing else goes with it)."""
    if not may_change(actor, goal):
        raise PermissionDenied("may not delete this goal")
    goal.delete()
