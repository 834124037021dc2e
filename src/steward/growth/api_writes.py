"""The growth write API under /api/v1/growth: goals under objectives (create, change, delete),
onboarding tasks (tick off), 1:1 action items (add, change). The same services and policy as
the pages: a row one may not see is a 404, a change one may not make a 403, a refused field a
422; every write is audited as the token's user. Survey answers and retention figures are not
written here (they are never per person)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.errors import HttpError

from steward.core import policy
from steward.core.api_writes import body_error, service_call
from steward.core.pagination import paginate
from steward.growth import goals, rules, selectors, services
from steward.growth.models import Goal, LadderLevel
from steward.growth.schemas import (
    ActionItemIn,
    ActionItemPatch,
    GoalIn,
    GoalOut,
    GoalPage,
    GoalPatch,
    GrowthActionItemOut,
    OnboardingTaskOut,
    OnboardingTaskPatch,
)
from steward.org import selectors as org_selectors

router = Router(tags=["growth"])


# --- goals ----------------------------------------------------------------------------------


def _goal(request: HttpRequest, pk: int) -> Goal:
    goal = goals.goal_get(actor=request.user, pk=pk)
    if goal is None:
        raise Http404("no such goal")
    return goal


def _key_result(objective: Any, key: str | None) -> Any:
    if not key:
        return None
    found = objective.key_results.filter(key=key).first()
    if found is None:
        raise body_error("key_result", f"{key!r}: no such key result of {objective.key}")
    return found


def _level(track: str | None, level: str | None) -> LadderLevel | None:
    if not level:
        return None
    rows = LadderLevel.objects.filter(key=level)
    if track:
        rows = rows.filter(track__key=track)
    found = list(rows.select_related("track")[:2])
    if len(found) != 1:
        why = "no such level" if not found else "several tracks have it: give `track`"
        raise body_error("level", f"{level!r}: {why}")
    return found[0]


@router.get("/goals", response=GoalPage)
def goals_list(
    request: HttpRequest,
    objective: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> dict[str, Any]:
    """Goals one may see (a team's: everyone; a person's: them, their managers, people/CTO/
    admin), by objective; `?objective=O1` only the goals under it."""
    objective_id = None
    if objective:
        found = goals.objective_of(actor=request.user, key=objective)
        if found is None:
            raise Http404("no such objective")
        objective_id = found.pk
    rows = goals.goal_list(actor=request.user, objective_id=objective_id)
    return paginate(rows, limit=limit, offset=offset, render=goals.goal_dict)


@router.get("/goals/{pk}", response=GoalOut)
def goals_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    """One goal."""
    return goals.goal_dict(_goal(request, pk))


@router.post("/goals", response={201: GoalOut})
def goals_create(request: HttpRequest, body: GoalIn) -> tuple[int, dict[str, Any]]:
    """Set a goal under an objective for a team or one person (people/CTO/admin, the strategy
    editors and the team's managers for a team; the person and managers above for a person)."""
    objective = goals.objective_of(actor=request.user, key=body.objective)
    if objective is None:
        raise body_error("objective", f"{body.objective!r}: no such objective")
    team = person = None
    if body.team:
        team = org_selectors.team_get(actor=request.user, slug=body.team)
        if team is None:
            raise body_error("team", f"{body.team!r}: no such team")
    if body.employee_id:
        person = org_selectors.person_get(actor=request.user, employee_id=body.employee_id)
        if person is None:
            raise body_error("employee_id", f"{body.employee_id!r}: no such person")
    with service_call(request):
        goal = goals.goal_create(
            actor=request.user,
            objective=objective,
            key_result=_key_result(objective, body.key_result),
            team=team,
            person=person,
            level=_level(body.track, body.level),
            title=body.title,
            description=body.description,
            due_on=body.due_on,
        )
    return 201, goals.goal_dict(_goal(request, goal.pk))


@router.patch("/goals/{pk}", response=GoalOut)
def goals_update(request: HttpRequest, pk: int, body: GoalPatch) -> dict[str, Any]:
    """Change the fields given of a goal: wording, key result, level, due day, progress, status."""
    goal = _goal(request, pk)
    given = body.model_dump(exclude_unset=True)
    key_result = goal.key_result
    if "key_result" in given:
        key_result = _key_result(goal.objective, given["key_result"])
    level = goal.level
    if "level" in given:
        level = _level(given.get("track"), given["level"])
    if given.get("status", goal.status) not in Goal.Status.values:
        raise body_error("status", f"one of {', '.join(Goal.Status.values)}")
    with service_call(request):
        goals.goal_update(
            actor=request.user,
            goal=goal,
            title=given.get("title") or goal.title,
            key_result=key_result,
            level=level,
            description=given.get("description", goal.description) or "",
            due_on=given.get("due_on", goal.due_on),
            progress=given.get("progress", goal.progress),
            status=given.get("status", goal.status),
            note=body.note,
        )
    return goals.goal_dict(_goal(request, pk))


@router.delete("/goals/{pk}", response={204: None})
def goals_delete(request: HttpRequest, pk: int) -> tuple[int, None]:
    """Delete a goal."""
    goal = _goal(request, pk)
    with service_call(request):
        goals.goal_delete(actor=request.user, goal=goal)
    return 204, None


# --- onboarding tasks -----------------------------------------------------------------------


def _task_dict(task: Any) -> dict[str, Any]:
    return {
        "id": task.pk,
        "plan": task.plan_id,
        "title": task.title,
        "owner_employee_id": task.owner.employee_id if task.owner else None,
        "due_on": task.due_on,
        "done_on": task.done_on,
    }


@router.patch("/onboarding/tasks/{pk}", response=OnboardingTaskOut)
def onboarding_tasks_update(
    request: HttpRequest, pk: int, body: OnboardingTaskPatch
) -> dict[str, Any]:
    """Tick an onboarding task off on `done_on`, or open it again with null (its owner, the
    joiner, the managers above them, people/CTO/admin)."""
    task = (
        policy.visible(request.user, "growth.OnboardingTask")
        .select_related("plan", "owner")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404("no such onboarding task")
    with service_call(request):
        services.onboarding_task_set_done(actor=request.user, task=task, done_on=body.done_on)
    return _task_dict(task)


# --- 1:1 action items -----------------------------------------------------------------------


def _item_dict(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "text": item.text,
        "owner_employee_id": item.owner.employee_id,
        "due_on": item.due_on,
        "done_on": item.done_on,
    }


@router.post(
    "/one-on-ones/{pk}/meetings/{meeting}/action-items", response={201: GrowthActionItemOut}
)
def action_items_create(
    request: HttpRequest, pk: int, meeting: int, body: ActionItemIn
) -> tuple[int, dict[str, Any]]:
    """Add an action item to a 1:1 (the two people of the pair only)."""
    found = (
        policy.visible(request.user, "growth.OneOnOneMeeting")
        .select_related("pair", "pair__manager", "pair__report")
        .filter(pk=meeting, pair_id=pk)
        .first()
    )
    if found is None:
        raise Http404("no such 1:1")
    if not rules.is_in_pair(request.user, found.pair):
        raise HttpError(403, "only the two people of a 1:1 add action items")
    pair = found.pair
    owner = policy.person_of(request.user)
    if body.owner_employee_id:
        by_id = {p.employee_id: p for p in (pair.manager, pair.report)}
        owner = by_id.get(body.owner_employee_id)
        if owner is None:
            raise body_error("owner_employee_id", "the manager or the report of this 1:1")
    with service_call(request):
        item = services.action_item_add(
            actor=request.user, meeting=found, text=body.text, owner=owner, due_on=body.due_on
        )
    return 201, _item_dict(item)


@router.patch("/action-items/{pk}", response=GrowthActionItemOut)
def action_items_update(request: HttpRequest, pk: int, body: ActionItemPatch) -> dict[str, Any]:
    """Change the fields given of an action item (the pair only; 404 for everyone else)."""
    item = selectors.action_item_get(actor=request.user, pk=pk)
    if item is None:
        raise Http404("no such action item")
    given = body.model_dump(exclude_unset=True)
    with service_call(request):
        services.action_item_update(
            actor=request.user,
            item=item,
            text=given.get("text") or item.text,
            due_on=given.get("due_on", item.due_on),
            done_on=given.get("done_on", item.done_on),
        )
    return _item_dict(item)
