"""Organization design API under /api/v1/org: structure, capacity, headcount plan, scenarios."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Status

from steward.core import policy
from steward.core.errors import BadInput
from steward.core.pagination import paginate
from steward.core.periods import quarter_range
from steward.orgdesign import selectors as sel
from steward.orgdesign import services as design
from steward.orgdesign.models import Scenario
from steward.orgdesign.schemas import (
    CapacityOut,
    ChangeIn,
    ChangeOut,
    ErrorOut,
    HeadcountPlanOut,
    ScenarioComparisonOut,
    ScenarioDetailOut,
    ScenarioIn,
    ScenarioOut,
    ScenarioPage,
    ScenarioStructureOut,
)

router = Router(tags=["org design"])


def _quarters(text: str | None, on: date) -> Any:
    return quarter_range(text) if text else sel.default_quarters(on)


def _scenario(request: HttpRequest, scenario_id: int) -> Scenario:
    scenario = sel.scenario_get(actor=request.user, scenario_id=scenario_id)
    if scenario is None:
        raise Http404("no such scenario")
    return scenario


def _require_planner(request: HttpRequest) -> None:
    if not policy.may_plan_org(request.user):
        raise PermissionDenied("may not see organization plans")


@router.get("/structure", response={200: ScenarioStructureOut, 400: ErrorOut}, exclude_unset=True)
def structure(request: HttpRequest, date: date | None = None, scenario: int | None = None) -> Any:
    """Structure analysis of the live org on `date` (default today), or of a scenario."""
    if scenario is not None:
        return sel.scenario_analysis(actor=request.user, scenario=_scenario(request, scenario))
    return sel.structure_analysis(actor=request.user, on=date)


@router.get("/capacity", response={200: CapacityOut, 400: ErrorOut})
def capacity(request: HttpRequest, quarters: str | None = None, team: str | None = None) -> Any:
    """Available person-weeks per team and quarter (`quarters=2027Q1..2027Q4`)."""
    try:
        qs = _quarters(quarters, date.today())
    except BadInput as exc:
        return Status(400, {"detail": str(exc)})
    return sel.capacity_report(actor=request.user, quarters=qs, team=team)


@router.get("/headcount-plan", response=HeadcountPlanOut, exclude_unset=True)
def headcount_plan(request: HttpRequest, team: str | None = None) -> Any:
    """Planned hires and backfills with totals per quarter and team (costs per policy)."""
    _require_planner(request)
    return sel.headcount_plan(actor=request.user, team=team)


def _scenario_dict(scenario: Scenario) -> dict[str, Any]:
    return {
        "id": scenario.pk,
        "name": scenario.name,
        "description": scenario.description,
        "effective_date": scenario.effective_date,
        "status": scenario.status,
        "owner": scenario.owner.username if scenario.owner else None,
        "updated_at": scenario.updated_at,
    }


@router.get("/scenarios", response=ScenarioPage)
def scenarios_list(
    request: HttpRequest, limit: int | None = None, offset: int | None = None
) -> Any:
    """Scenarios the caller may see (managers: their own)."""
    _require_planner(request)
    return paginate(
        sel.scenario_list(actor=request.user), limit=limit, offset=offset, render=_scenario_dict
    )


@router.post("/scenarios", response={201: ScenarioOut, 422: ErrorOut})
def scenarios_create(request: HttpRequest, body: ScenarioIn) -> Any:
    """Start a draft scenario."""
    try:
        scenario = design.scenario_create(
            actor=request.user,  # type: ignore[arg-type]
            name=body.name,
            description=body.description,
            effective_date=body.effective_date,
        )
    except BadInput as exc:
        return Status(422, {"detail": str(exc)})
    return Status(201, _scenario_dict(scenario))


@router.get("/scenarios/{scenario_id}", response=ScenarioDetailOut)
def scenarios_detail(request: HttpRequest, scenario_id: int) -> Any:
    """A scenario with its changes."""
    scenario = _scenario(request, scenario_id)
    data = _scenario_dict(scenario)
    data["changes"] = [
        {
            "position": c.position,
            "kind": c.kind,
            "payload": sel.payload_visible(request.user, c.payload),
        }
        for c in scenario.changes.order_by("position")  # type: ignore[attr-defined]
    ]
    return data


@router.get(
    "/scenarios/{scenario_id}/compare",
    response={200: ScenarioComparisonOut, 400: ErrorOut},
    exclude_unset=True,
)
def scenarios_compare(request: HttpRequest, scenario_id: int, quarters: str | None = None) -> Any:
    """The scenario against the live org: structure, capacity, cost (per policy), managers."""
    scenario = _scenario(request, scenario_id)
    try:
        qs = _quarters(quarters, scenario.effective_date)
    except BadInput as exc:
        return Status(400, {"detail": str(exc)})
    return sel.scenario_comparison(actor=request.user, scenario=scenario, quarters=qs)


@router.post("/scenarios/{scenario_id}/changes", response={201: ChangeOut, 422: ErrorOut})
def scenarios_add_change(request: HttpRequest, scenario_id: int, body: ChangeIn) -> Any:
    """Add a change; 422 with the reason when the change is refused."""
    scenario = _scenario(request, scenario_id)
    try:
        row = design.scenario_add_change(
            actor=request.user,  # type: ignore[arg-type]
            scenario=scenario,
            kind=body.kind,
            payload=body.payload,
        )
    except BadInput as exc:
        return Status(422, {"detail": str(exc)})
    payload = sel.payload_visible(request.user, row.payload)
    return Status(201, {"position": row.position, "kind": row.kind, "payload": payload})


@router.delete("/scenarios/{scenario_id}/changes/{position}", response={204: None, 422: ErrorOut})
def scenarios_remove_change(request: HttpRequest, scenario_id: int, position: int) -> Any:
    """Remove a change from a draft."""
    scenario = _scenario(request, scenario_id)
    try:
        design.scenario_remove_change(actor=request.user, scenario=scenario, position=position)  # type: ignore[arg-type]
    except BadInput as exc:
        return Status(422, {"detail": str(exc)})
    return Status(204, None)


@router.post("/scenarios/{scenario_id}/apply", response={200: ScenarioOut, 409: ErrorOut})
def scenarios_apply(request: HttpRequest, scenario_id: int) -> Any:
    """Apply a draft to the live org; 409 naming the conflicts when the live org changed."""
    scenario = _scenario(request, scenario_id)
    try:
        design.scenario_apply(actor=request.user, scenario=scenario)  # type: ignore[arg-type]
    except BadInput as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, _scenario_dict(scenario))
