"""The strategy API under /api/v1/strategy: objectives, initiatives, plans and alignment."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.errors import HttpError

from steward.core import policy
from steward.core.api_writes import body_error, require, service_call
from steward.core.errors import BadInput
from steward.core.filters import filter_rows
from steward.core.limits import expensive_slot
from steward.core.pagination import paginate
from steward.core.periods import parse_period, quarter_of
from steward.org import selectors as org_selectors
from steward.strategy import selectors, services
from steward.strategy.filtersets import InitiativeFilterSet
from steward.strategy.models import (
    CheckIn,
    Idea,
    ImprovementAction,
    Initiative,
    KeyResult,
    Objective,
)
from steward.strategy.schemas import (
    ActionIn,
    ActionOut,
    ActionPage,
    ActionPatch,
    AlignmentCommitPage,
    AlignmentOut,
    CheckInIn,
    IdeaIn,
    IdeaOut,
    IdeaPage,
    IdeaPatch,
    InitiativeIn,
    InitiativeOut,
    InitiativePage,
    InitiativePatch,
    KeyResultHistoryOut,
    KeyResultIn,
    KeyResultOut,
    KeyResultPatch,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePage,
    ObjectivePatch,
    PlanOut,
    PrioritizationOut,
    RoadmapOut,
    SolutionOut,
)
from steward.strategy.solving import live_plan_limits, solve_limited

if TYPE_CHECKING:
    from steward.org.models import Person, Team

router = Router(tags=["strategy"])


def _period(from_: date | None, to: date | None) -> tuple[date, date]:
    return parse_period(from_, to)


@router.get("/objectives", response=ObjectivePage)
def objectives_list(
    request: HttpRequest, limit: int | None = None, offset: int | None = None
) -> dict[str, Any]:
    """Objectives with their key results and progress."""
    return paginate(
        selectors.objective_list(actor=request.user),
        limit=limit,
        offset=offset,
        render=selectors.objective_dict,
    )


@router.get("/objectives/{key}", response=ObjectiveOut)
def objectives_detail(request: HttpRequest, key: str) -> dict[str, Any]:
    """One objective."""
    objective = selectors.objective_get(actor=request.user, key=key)
    if objective is None:
        raise Http404("no such objective")
    return selectors.objective_dict(objective)


@router.get("/objectives/{key}/key-results/{kr}/check-ins", response=KeyResultHistoryOut)
def check_ins_list(request: HttpRequest, key: str, kr: str) -> dict[str, Any]:
    """A key result with its check-in history."""
    data = selectors.key_result_history(actor=request.user, objective_key=key, key=kr)
    if data is None:
        raise Http404("no such key result")
    return data


@router.post("/objectives/{key}/key-results/{kr}/check-ins", response={201: KeyResultHistoryOut})
def check_ins_create(request: HttpRequest, key: str, kr: str, body: CheckInIn) -> Any:
    """Record a check-in of a key result (strategy editors)."""
    result = (
        policy.visible(request.user, "strategy.KeyResult")
        .filter(objective__key=key, key=kr)
        .first()
    )
    if not isinstance(result, KeyResult):
        raise Http404("no such key result")
    if not policy.may_change_strategy(request.user):
        raise HttpError(403, "may not change the strategy")
    try:
        services.check_in_record(
            actor=request.user,  # type: ignore[arg-type]
            key_result=result,
            value=body.value,
            confidence=body.confidence,
            on=body.on or date.today(),
            note=body.note,
        )
    except (BadInput, PermissionDenied) as exc:
        raise HttpError(422, str(exc)) from exc
    return 201, selectors.key_result_history(actor=request.user, objective_key=key, key=kr)


@router.get("/initiatives", response=InitiativePage)
def initiatives_list(
    request: HttpRequest,
    limit: int | None = None,
    offset: int | None = None,
    team: str | None = None,
    horizon: str | None = None,
    status: str | None = None,
    owner: str | None = Query(  # type: ignore[type-arg]
        None, description='The owner: "Name (E0012)", a name or a unique part of one'
    ),
) -> dict[str, Any]:
    """Initiatives (the roadmap), filtered by team, horizon and status; `owner` is the
    initiatives page's filter (strategy.filtersets.InitiativeFilterSet)."""
    rows = selectors.initiative_list(actor=request.user, team=team, horizon=horizon, status=status)
    return paginate(
        filter_rows(InitiativeFilterSet, rows, actor=request.user, owner=owner),
        limit=limit,
        offset=offset,
        render=selectors.initiative_dict,
    )


@router.get("/initiatives/{key}", response=InitiativeOut)
def initiatives_detail(request: HttpRequest, key: str) -> dict[str, Any]:
    """One initiative."""
    initiative = selectors.initiative_get(actor=request.user, key=key)
    if initiative is None:
        raise Http404("no such initiative")
    return selectors.initiative_dict(initiative)


@router.get("/prioritization", response=PrioritizationOut, by_alias=True)
def prioritization(
    request: HttpRequest, sort: str = "wsjf", team: str | None = None
) -> dict[str, Any]:
    """WSJF and RICE side by side with cost and feasibility, and rank changes of one step."""
    try:
        return selectors.prioritization(actor=request.user, sort=sort, team=team)
    except BadInput as exc:
        raise HttpError(422, str(exc)) from exc


@router.get("/roadmap", response=RoadmapOut, exclude_unset=True)
def roadmap(request: HttpRequest) -> dict[str, Any]:
    """The quarter-by-quarter timeline, one lane per team."""
    return selectors.roadmap(actor=request.user)


@router.get("/plan", response=PlanOut, exclude_unset=True)
def plan(
    request: HttpRequest, quarters: str | None = None, replan_in_progress: bool = False
) -> dict[str, Any]:
    """The portfolio plan of the live data for `quarters` (default: the next four quarters,
    e.g. 2027Q1..2027Q4): a stored solution, solved again only when its inputs changed
    (`stored`, `computed_at`); in-progress initiatives keep their start (`fixed`) unless
    `replan_in_progress`. Writes nothing but the stored solution. A solve runs in a worker
    process stopped at STEWARD_SOLVE_SECONDS (422, nothing stored)."""
    if not quarters:
        first = quarter_of(date.today()) + 1
        quarters = f"{first}..{first + 3}"
    with expensive_slot(str(request.user.pk), what="portfolio solve", retry_after=21):
        return services.plan_current(
            quarters=quarters, replan_in_progress=replan_in_progress, **live_plan_limits()
        )


@router.post(
    "/plan/solve",
    response=SolutionOut,
    exclude_unset=True,
    openapi_extra={"requestBody": {"content": {"application/json": {}}}},
)
def plan_solve_instance(request: HttpRequest) -> dict[str, Any]:
    """Solve a self-contained portfolio instance (CONTRACT.md, the JSON body); 422 names the
    bad field."""
    import json

    try:
        instance = json.loads(request.body or b"null")
    except ValueError as exc:
        raise HttpError(422, f"body: invalid JSON ({exc})") from exc
    return solve_limited(instance, user_key=str(request.user.pk))


@router.get("/alignment", response=AlignmentOut, by_alias=True)
def alignment(
    request: HttpRequest,
    team: str | None = None,
    to: date | None = None,
    from_: date | None = Query(None, alias="from"),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """Where engineering time went, per objective, team and month, beside the plan."""
    start, end = _period(from_, to)
    return selectors.alignment_report(actor=request.user, start=start, end=end, team=team)


@router.get("/alignment/commits", response=AlignmentCommitPage)
def alignment_commits(
    request: HttpRequest,
    initiative: str | None = None,
    objective: str | None = None,
    month: str | None = None,
    team: str | None = None,
    to: date | None = None,
    from_: date | None = Query(None, alias="from"),  # type: ignore[type-arg]
    limit: int | None = None,
    offset: int | None = None,
) -> dict[str, Any]:
    """The commits behind a figure: an initiative's effort (`unlinked`), an objective's
    (`unaligned`), or all effort of a team and month; each with its share of a person-day."""
    start, end = _period(from_, to)
    if initiative is None and objective is None and month is None:
        initiative = "unlinked"
    rows = selectors.alignment_commits(
        actor=request.user,
        start=start,
        end=end,
        initiative=initiative,
        objective=objective,
        team=team,
        month=month,
    )
    return paginate(rows, limit=limit, offset=offset, render=lambda r: r)


@router.get("/ideas", response=IdeaPage)
def ideas_list(
    request: HttpRequest,
    status: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> dict[str, Any]:
    """The innovation pipeline."""
    return paginate(
        selectors.idea_list(actor=request.user, status=status),
        limit=limit,
        offset=offset,
        render=lambda i: {
            "id": i.pk,
            "title": i.title,
            "hypothesis": i.hypothesis,
            "owner": i.owner.name if i.owner else None,
            "team": i.team.slug if i.team else None,
            "timebox_start": i.timebox_start,
            "timebox_end": i.timebox_end,
            "budget": float(i.budget),
            "status": i.status,
            "outcome": i.outcome,
            "decided_on": i.decided_on,
        },
    )


@router.get("/improvement-actions", response=ActionPage)
def improvement_actions_list(
    request: HttpRequest,
    team: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> dict[str, Any]:
    """Improvement actions with owner and due date; the closure rate is in `summary`."""
    page = paginate(
        selectors.action_list(actor=request.user, team=team),
        limit=limit,
        offset=offset,
        render=lambda a: {
            "id": a.pk,
            "title": a.title,
            "source": a.source,
            "source_ref": a.source_ref,
            "owner": a.owner.name if a.owner else None,
            "team": a.team.slug if a.team else None,
            "created_on": a.created_on,
            "due_on": a.due_on,
            "closed_on": a.closed_on,
        },
    )
    page["summary"] = selectors.action_closure(actor=request.user, today=date.today(), team=team)
    return page


# --- writes (strategy editors: policy.may_change_strategy) ---------------------------------


def _editor(request: HttpRequest) -> None:
    require(policy.may_change_strategy(request.user))


def _owner(request: HttpRequest, employee_id: str | None) -> Person | None:
    if not employee_id:
        return None
    person = policy.visible(request.user, "org.Person").filter(employee_id=employee_id).first()
    if person is None:
        raise body_error("owner_employee_id", f"unknown person {employee_id!r}")
    return person  # type: ignore[no-any-return]


def _team(slug: str | None, field: str = "team") -> Team | None:
    if not slug:
        return None
    team = org_selectors.team_by_slug(slug)
    if team is None:
        raise body_error(field, f"unknown team {slug!r}")
    return team


def _objective(request: HttpRequest, key: str) -> Objective:
    objective = selectors.objective_get(actor=request.user, key=key)
    if objective is None:
        raise Http404("no such objective")
    return objective


def _objective_out(key: str) -> dict[str, Any]:
    objective = Objective.objects.select_related("owner").get(key=key)
    return selectors.objective_dict(objective)


@router.post("/objectives", response={201: ObjectiveOut})
def objectives_create(request: HttpRequest, body: ObjectiveIn) -> tuple[int, dict[str, Any]]:
    """Create an objective (strategy editors)."""
    _editor(request)
    owner = _owner(request, body.owner_employee_id)
    with service_call(request):
        services.objective_create(
            actor=request.user,  # type: ignore[arg-type]
            key=body.key,
            title=body.title,
            start=body.start,
            end=body.end,
            priority=body.priority,
            description=body.description,
            owner=owner,
        )
    return 201, _objective_out(body.key)


@router.patch("/objectives/{key}", response=ObjectiveOut)
def objectives_update(request: HttpRequest, key: str, body: ObjectivePatch) -> dict[str, Any]:
    """Change the fields given of an objective (the key stays)."""
    objective = _objective(request, key)
    _editor(request)
    given = body.model_dump(exclude_unset=True)
    owner = (
        _owner(request, given["owner_employee_id"])
        if "owner_employee_id" in given
        else objective.owner
    )
    with service_call(request):
        services.objective_update(
            actor=request.user,  # type: ignore[arg-type]
            objective=objective,
            title=given.get("title") or objective.title,
            start=given.get("start") or objective.start,
            end=given.get("end") or objective.end,
            priority=given.get("priority") or objective.priority,
            description=given.get("description", objective.description) or "",
            owner=owner,
        )
    return _objective_out(key)


@router.delete("/objectives/{key}", response={204: None})
def objectives_delete(request: HttpRequest, key: str) -> tuple[int, None]:
    """Delete an objective with its key results, check-ins and team goals (initiatives stay,
    unlinked)."""
    objective = _objective(request, key)
    _editor(request)
    with service_call(request):
        services.objective_delete(actor=request.user, objective=objective)  # type: ignore[arg-type]
    return 204, None


def _key_result(request: HttpRequest, key: str, kr: str) -> KeyResult:
    result = (
        policy.visible(request.user, "strategy.KeyResult")
        .select_related("objective")
        .filter(objective__key=key, key=kr)
        .first()
    )
    if result is None:
        raise Http404("no such key result")
    return result  # type: ignore[no-any-return]


@router.post("/objectives/{key}/key-results", response={201: KeyResultOut})
def key_results_create(
    request: HttpRequest, key: str, body: KeyResultIn
) -> tuple[int, dict[str, Any]]:
    """Add a key result to an objective (its first check-in is recorded too)."""
    objective = _objective(request, key)
    _editor(request)
    with service_call(request):
        kr = services.key_result_create(
            actor=request.user,  # type: ignore[arg-type]
            objective=objective,
            **body.model_dump(),
        )
    return 201, selectors.key_result_dict(kr)


@router.patch("/objectives/{key}/key-results/{kr}", response=KeyResultOut)
def key_results_update(
    request: HttpRequest, key: str, kr: str, body: KeyResultPatch
) -> dict[str, Any]:
    """Change the fields given of a key result; a new current value is kept as a check-in."""
    result = _key_result(request, key, kr)
    _editor(request)
    given = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    values = {
        name: given.get(name, getattr(result, name))
        for name in ("title", "baseline", "target", "current", "metric", "unit", "confidence")
    }
    with service_call(request):
        updated = services.key_result_update(
            actor=request.user,  # type: ignore[arg-type]
            key_result=result,
            **values,
        )
    return selectors.key_result_dict(updated)


@router.delete("/objectives/{key}/key-results/{kr}", response={204: None})
def key_results_delete(request: HttpRequest, key: str, kr: str) -> tuple[int, None]:
    """Delete a key result with its check-ins."""
    result = _key_result(request, key, kr)
    _editor(request)
    with service_call(request):
        services.key_result_delete(actor=request.user, key_result=result)  # type: ignore[arg-type]
    return 204, None


@router.delete("/objectives/{key}/key-results/{kr}/check-ins/{check_in_id}", response={204: None})
def check_ins_delete(request: HttpRequest, key: str, kr: str, check_in_id: int) -> tuple[int, None]:
    """Delete a check-in; the key result's value follows the latest one left."""
    result = _key_result(request, key, kr)
    check_in = CheckIn.objects.filter(key_result=result, pk=check_in_id).first()
    if check_in is None:
        raise Http404("no such check-in")
    _editor(request)
    with service_call(request):
        services.check_in_delete(actor=request.user, check_in=check_in)  # type: ignore[arg-type]
    return 204, None


INITIATIVE_SCALARS = (
    "description",
    "cost",
    "value",
    "time_criticality",
    "risk_reduction",
    "job_size",
    "reach",
    "impact",
    "confidence",
    "feasibility",
    "technical_risk",
    "earliest",
    "deadline",
    "duration",
    "mandatory",
    "status",
    "horizon",
    "planned_start",
    "link_keys",
)


def _initiative_args(given: dict[str, Any]) -> dict[str, Any]:
    """The body in the service's vocabulary: keys and slugs to rows; only given fields."""
    fields = {k: v for k, v in given.items() if k in INITIATIVE_SCALARS and v is not None}
    for name in ("earliest", "deadline", "planned_start"):
        if name in given and given[name] is None:
            fields[name] = ""
        elif name in fields:
            fields[name] = str(fields[name]).upper()
    if "owner_team" in given:
        fields["owner_team"] = _team(given["owner_team"], "owner_team")
    args: dict[str, Any] = {"fields": fields}
    if given.get("objectives") is not None:
        by_key = {o.key: o for o in Objective.objects.all()}
        links = []
        for link in given["objectives"]:
            if link["key"] not in by_key:
                raise body_error("objectives", f"unknown objective {link['key']!r}")
            links.append((by_key[link["key"]], link["weight"]))
        args["objectives"] = links
    if given.get("effort_person_weeks") is not None:
        args["efforts"] = {
            _team(slug, "effort_person_weeks"): weeks
            for slug, weeks in given["effort_person_weeks"].items()
        }
    if given.get("depends_on") is not None:
        found = {i.key: i for i in Initiative.objects.filter(key__in=given["depends_on"])}
        missing = [k for k in given["depends_on"] if k not in found]
        if missing:
            raise body_error("depends_on", f"unknown initiative {missing[0]!r}")
        args["depends_on"] = [found[k] for k in given["depends_on"]]
    return args


def _initiative_out(key: str) -> dict[str, Any]:
    initiative = selectors.initiative_list(actor=policy.SYSTEM).get(key=key)
    return selectors.initiative_dict(initiative)


@router.post("/initiatives", response={201: InitiativeOut})
def initiatives_create(request: HttpRequest, body: InitiativeIn) -> tuple[int, dict[str, Any]]:
    """Create an initiative with its objective links (weights sum to 1) and efforts per team."""
    _editor(request)
    given = body.model_dump(exclude_unset=True)
    args = _initiative_args(given)
    with service_call(request):
        services.initiative_save(
            actor=request.user,  # type: ignore[arg-type]
            initiative=None,
            key=body.key,
            title=body.title,
            **args,
        )
    return 201, _initiative_out(body.key)


@router.patch("/initiatives/{key}", response=InitiativeOut)
def initiatives_update(request: HttpRequest, key: str, body: InitiativePatch) -> dict[str, Any]:
    """Change the fields given of an initiative (lists given replace the old ones)."""
    initiative = selectors.initiative_get(actor=request.user, key=key)
    if initiative is None:
        raise Http404("no such initiative")
    _editor(request)
    given = body.model_dump(exclude_unset=True)
    args = _initiative_args(given)
    with service_call(request):
        services.initiative_save(
            actor=request.user,  # type: ignore[arg-type]
            initiative=initiative,
            key=key,
            title=given.get("title") or initiative.title,
            **args,
        )
    return _initiative_out(key)


@router.delete("/initiatives/{key}", response={204: None})
def initiatives_delete(request: HttpRequest, key: str) -> tuple[int, None]:
    """Delete an initiative with its objective links, efforts and dependencies."""
    initiative = selectors.initiative_get(actor=request.user, key=key)
    if initiative is None:
        raise Http404("no such initiative")
    _editor(request)
    with service_call(request):
        services.initiative_delete(actor=request.user, initiative=initiative)  # type: ignore[arg-type]
    return 204, None


def _idea_dict(idea: Idea) -> dict[str, Any]:
    return {
        "id": idea.pk,
        "title": idea.title,
        "hypothesis": idea.hypothesis,
        "owner_employee_id": idea.owner.employee_id if idea.owner else None,
        "team": idea.team.slug if idea.team else None,
        "timebox_start": idea.timebox_start,
        "timebox_end": idea.timebox_end,
        "budget": float(idea.budget),
        "status": idea.status,
        "outcome": idea.outcome,
        "decided_on": idea.decided_on,
    }


@router.post("/ideas", response={201: IdeaOut})
def ideas_create(request: HttpRequest, body: IdeaIn) -> tuple[int, dict[str, Any]]:
    """Propose an idea or experiment."""
    _editor(request)
    owner = _owner(request, body.owner_employee_id)
    team = _team(body.team)
    with service_call(request):
        idea = services.idea_create(
            actor=request.user,  # type: ignore[arg-type]
            title=body.title,
            hypothesis=body.hypothesis,
            owner=owner,
            team=team,
            timebox_start=body.timebox_start,
            timebox_end=body.timebox_end,
            budget=body.budget,
        )
    return 201, _idea_dict(idea)


def _idea(request: HttpRequest, idea_id: int) -> Idea:
    idea = selectors.idea_list(actor=request.user).filter(pk=idea_id).first()
    if idea is None:
        raise Http404("no such idea")
    _editor(request)
    return idea


@router.patch("/ideas/{idea_id}", response=IdeaOut)
def ideas_update(request: HttpRequest, idea_id: int, body: IdeaPatch) -> dict[str, Any]:
    """Change an idea; `status` moves it along proposed → experimenting → adopted/dropped."""
    idea = _idea(request, idea_id)
    given = body.model_dump(exclude_unset=True)
    owner = (
        _owner(request, given["owner_employee_id"]) if "owner_employee_id" in given else idea.owner
    )
    team = _team(given["team"]) if "team" in given else idea.team
    status = given.pop("status", None)
    with service_call(request):
        services.idea_update(
            actor=request.user,  # type: ignore[arg-type]
            idea=idea,
            title=given.get("title") or idea.title,
            hypothesis=given.get("hypothesis") or idea.hypothesis,
            owner=owner,
            team=team,
            timebox_start=given.get("timebox_start", idea.timebox_start),
            timebox_end=given.get("timebox_end", idea.timebox_end),
            budget=idea.budget if given.get("budget") is None else given["budget"],
            outcome=given.get("outcome", idea.outcome) or "",
        )
        if status and status != idea.status:
            services.idea_move(
                actor=request.user,  # type: ignore[arg-type]
                idea=idea,
                status=status,
                on=date.today(),
                outcome=idea.outcome,
            )
    return _idea_dict(idea)


@router.delete("/ideas/{idea_id}", response={204: None})
def ideas_delete(request: HttpRequest, idea_id: int) -> tuple[int, None]:
    """Delete an idea."""
    idea = _idea(request, idea_id)
    with service_call(request):
        services.idea_delete(actor=request.user, idea=idea)  # type: ignore[arg-type]
    return 204, None


def _action_dict(action: ImprovementAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "title": action.title,
        "source": action.source,
        "source_ref": action.source_ref,
        "owner_employee_id": action.owner.employee_id if action.owner else None,
        "team": action.team.slug if action.team else None,
        "created_on": action.created_on,
        "due_on": action.due_on,
        "closed_on": action.closed_on,
    }


@router.post("/improvement-actions", response={201: ActionOut})
def improvement_actions_create(request: HttpRequest, body: ActionIn) -> tuple[int, dict[str, Any]]:
    """Record an improvement action."""
    _editor(request)
    owner = _owner(request, body.owner_employee_id)
    team = _team(body.team)
    with service_call(request):
        action = services.action_create(
            actor=request.user,  # type: ignore[arg-type]
            title=body.title,
            source=body.source,
            source_ref=body.source_ref,
            created_on=body.created_on or date.today(),
            due_on=body.due_on,
            owner=owner,
            team=team,
        )
    return 201, _action_dict(action)


def _action(request: HttpRequest, action_id: int) -> ImprovementAction:
    action = selectors.action_list(actor=request.user).filter(pk=action_id).first()
    if action is None:
        raise Http404("no such improvement action")
    _editor(request)
    return action


@router.patch("/improvement-actions/{action_id}", response=ActionOut)
def improvement_actions_update(
    request: HttpRequest, action_id: int, body: ActionPatch
) -> dict[str, Any]:
    """Change an improvement action; `closed_on` closes it."""
    action = _action(request, action_id)
    given = body.model_dump(exclude_unset=True)
    owner = (
        _owner(request, given["owner_employee_id"])
        if "owner_employee_id" in given
        else action.owner
    )
    team = _team(given["team"]) if "team" in given else action.team
    with service_call(request):
        services.action_update(
            actor=request.user,  # type: ignore[arg-type]
            action=action,
            title=given.get("title") or action.title,
            source=given.get("source") or action.source,
            source_ref=given.get("source_ref", action.source_ref) or "",
            created_on=given.get("created_on") or action.created_on,
            due_on=given.get("due_on") or action.due_on,
            closed_on=given.get("closed_on", action.closed_on),
            owner=owner,
            team=team,
        )
    return _action_dict(action)


@router.delete("/improvement-actions/{action_id}", response={204: None})
def improvement_actions_delete(request: HttpRequest, action_id: int) -> tuple[int, None]:
    """Delete an improvement action."""
    action = _action(request, action_id)
    with service_call(request):
        services.action_delete(actor=request.user, action=action)  # type: ignore[arg-type]
    return 204, None
