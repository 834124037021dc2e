"""The strategy API under /api/v1/strategy: objectives, initiatives, plans and alignment."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from steward.core import policy
from steward.core.errors import BadInput
from steward.core.pagination import paginate
from steward.core.periods import quarter_of
from steward.strategy import selectors, services
from steward.strategy.models import KeyResult

router = Router(tags=["strategy"])


def _period(from_: date | None, to: date | None) -> tuple[date, date]:
    end = to or date.today()
    start = from_ or end - timedelta(days=90)
    if start >= end:
        raise HttpError(422, "from: must be before to")
    return start, end


@router.get("/objectives")
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


@router.get("/objectives/{key}")
def objectives_detail(request: HttpRequest, key: str) -> dict[str, Any]:
    """One objective."""
    objective = selectors.objective_get(actor=request.user, key=key)
    if objective is None:
        raise Http404("no such objective")
    return selectors.objective_dict(objective)


@router.get("/objectives/{key}/key-results/{kr}/check-ins")
def check_ins_list(request: HttpRequest, key: str, kr: str) -> dict[str, Any]:
    """A key result with its check-in history."""
    data = selectors.key_result_history(actor=request.user, objective_key=key, key=kr)
    if data is None:
        raise Http404("no such key result")
    return data


class CheckInIn(Schema):
    value: Decimal
    confidence: Decimal
    on: date | None = None
    note: str = ""


@router.post("/objectives/{key}/key-results/{kr}/check-ins", response={201: dict})
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


@router.get("/initiatives")
def initiatives_list(
    request: HttpRequest,
    limit: int | None = None,
    offset: int | None = None,
    team: str | None = None,
    horizon: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """Initiatives (the roadmap), filtered by team, horizon and status."""
    return paginate(
        selectors.initiative_list(actor=request.user, team=team, horizon=horizon, status=status),
        limit=limit,
        offset=offset,
        render=selectors.initiative_dict,
    )


@router.get("/initiatives/{key}")
def initiatives_detail(request: HttpRequest, key: str) -> dict[str, Any]:
    """One initiative."""
    initiative = selectors.initiative_get(actor=request.user, key=key)
    if initiative is None:
        raise Http404("no such initiative")
    return selectors.initiative_dict(initiative)


@router.get("/prioritization")
def prioritization(
    request: HttpRequest, sort: str = "wsjf", team: str | None = None
) -> dict[str, Any]:
    """WSJF and RICE side by side with cost and feasibility, and rank changes of one step."""
    try:
        return selectors.prioritization(actor=request.user, sort=sort, team=team)
    except BadInput as exc:
        raise HttpError(422, str(exc)) from exc


@router.get("/roadmap")
def roadmap(request: HttpRequest) -> dict[str, Any]:
    """The quarter-by-quarter timeline, one lane per team."""
    return selectors.roadmap(actor=request.user)


@router.get("/plan")
def plan(request: HttpRequest, quarters: str | None = None) -> dict[str, Any]:
    """Solve the portfolio of the live data for `quarters` (default: the next four quarters,
    e.g. 2027Q1..2027Q4); writes nothing."""
    if not quarters:
        first = quarter_of(date.today()) + 1
        quarters = f"{first}..{first + 3}"
    try:
        return services.plan_solve(
            actor=None, quarters=quarters, time_limit=20, bottleneck_time_limit=5
        )
    except BadInput as exc:
        raise HttpError(422, str(exc)) from exc


@router.post("/plan/solve", openapi_extra={"requestBody": {"content": {"application/json": {}}}})
def plan_solve_instance(request: HttpRequest) -> dict[str, Any]:
    """Solve a self-contained portfolio instance (CONTRACT.md, the JSON body); 422 names the
    bad field."""
    import json

    from steward.strategy.optimizer import solve_data

    try:
        instance = json.loads(request.body or b"null")
    except ValueError as exc:
        raise HttpError(422, f"body: invalid JSON ({exc})") from exc
    try:
        return solve_data(instance, time_limit=20, bottleneck_time_limit=5)
    except BadInput as exc:
        raise HttpError(422, str(exc)) from exc


@router.get("/alignment")
def alignment(
    request: HttpRequest,
    team: str | None = None,
    to: date | None = None,
    from_: date | None = Query(None, alias="from"),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """Where engineering time went, per objective, team and month, beside the plan."""
    start, end = _period(from_, to)
    return selectors.alignment_report(actor=request.user, start=start, end=end, team=team)


@router.get("/alignment/commits")
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


@router.get("/ideas")
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


@router.get("/improvement-actions")
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
