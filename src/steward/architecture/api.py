"""The architecture API under /api/v1/architecture: decision records (read)."""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from steward.architecture import selectors, services
from steward.architecture.adr_format import STATUSES
from steward.core.api_types import Number
from steward.core.api_writes import body_error, service_call
from steward.core.pagination import paginate
from steward.core.policy import SYSTEM

router = Router(tags=["architecture"])


class DecisionOut(Schema):
    """One decision record (CONTRACT.md: number, title, status, date, decision_makers, tags,
    supersedes, superseded_by)."""

    number: int
    title: str
    status: str
    date: date | None
    decision_makers: list[str]
    consulted: list[str]
    informed: list[str]
    tags: list[str]
    supersedes: int | None
    superseded_by: int | None
    initiatives: list[str]


class DecisionDetailOut(DecisionOut):
    """A decision with its Markdown body."""

    body: str


class DecisionPage(Schema):
    """One page of decisions and the total count."""

    items: list[DecisionOut]
    count: int


@router.get("/decisions", response=DecisionPage)
def decisions_list(
    request: HttpRequest,
    status: str | None = None,
    tag: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> dict[str, object]:
    """Decision records by number; `?status=` and `?tag=` filter."""
    if status and status not in STATUSES:
        raise HttpError(422, f"status {status!r}: not one of {', '.join(STATUSES)}")
    rows = selectors.decision_list(actor=request.user, status=status, tag=tag)
    return paginate(rows, limit=limit, offset=offset, render=selectors.decision_dict)


@router.get("/decisions/{number}", response=DecisionDetailOut)
def decisions_detail(request: HttpRequest, number: int) -> dict[str, object]:
    """One decision record with its body."""
    decision = selectors.decision_get(actor=request.user, number=number)
    if decision is None:
        raise Http404("no such decision")
    return {**selectors.decision_dict(decision), "body": decision.body}


class RadarBlipOut(Schema):
    """A technology on the radar on the asked day."""

    key: str
    name: str
    quadrant: str
    ring: str
    moved: str
    since: date
    reason: str
    url: str


class RadarOut(Schema):
    """The radar as it stood on `date`: quadrants and rings in display order, the blips."""

    date: date
    quadrants: list[str]
    rings: list[str]
    items: list[RadarBlipOut]
    count: int


@router.get("/radar", response=RadarOut)
def radar(request: HttpRequest, date: date | None = None) -> dict[str, object]:
    """The radar on `?date=` (YYYY-MM-DD; default today): each blip's ring, last move, since."""
    day = date or timezone.localdate()
    blips = selectors.radar_on(actor=request.user, day=day)
    return {
        "date": day,
        "quadrants": [q.name for q in selectors.quadrants()],
        "rings": [r.name for r in selectors.rings()],
        "items": [
            {
                "key": b.technology.key,
                "name": b.technology.name,
                "quadrant": b.quadrant.name,
                "ring": b.ring.name,
                "moved": b.moved,
                "since": b.since,
                "reason": b.reason,
                "url": reverse("architecture:technology", args=[b.technology.key]),
            }
            for b in blips
        ],
        "count": len(blips),
    }


class ComponentOut(Schema):
    """A catalog entity with its flags (plain-language problems to fix) and the truck factor
    of its code (its repository's files in `paths`, all of them without paths; null without
    an ingested repository); `truck_factor_files` = the files that figure counts."""

    ref: str
    kind: str
    namespace: str
    name: str
    title: str
    type: str
    lifecycle: str
    owner_team: str | None
    owner_ref: str
    tier: int | None
    repository: str | None
    system: str | None
    depends_on: list[str]
    oncall: str
    runbook: str
    paths: list[str]
    truck_factor: int | None
    truck_factor_files: int
    flags: list[str]


class ComponentPage(Schema):
    """One page of catalog entities and the total count."""

    items: list[ComponentOut]
    count: int


@router.get("/components", response=ComponentPage)
def components_list(
    request: HttpRequest,
    team: str | None = None,
    kind: str | None = None,
    flagged: bool = False,
    limit: int | None = None,
    offset: int | None = None,
) -> dict[str, object]:
    """The service catalog; `?team=` (slug), `?kind=`, `?flagged=true` filter (tier 1 with
    truck factor 1 is a flag)."""
    today = timezone.localdate()
    rows = list(selectors.component_list(actor=request.user, team=team, kind=kind))
    trucks = selectors.component_truck_factors(rows, actor=request.user)
    if flagged:
        rows = [c for c in rows if selectors.component_flags(c, today, trucks.get(c.pk))]
    return paginate(
        rows,
        limit=limit,
        offset=offset,
        render=lambda c: selectors.component_dict(c, today, trucks.get(c.pk)),
    )


class DebtOut(Schema):
    """A tech-debt item with its WSJF and rank (1 = do first; 0 = done)."""

    id: int
    title: str
    status: str
    owner_team: str | None
    business_value: int
    time_criticality: int
    risk_reduction: int
    job_size: int
    cost_of_delay: int
    wsjf: Decimal
    rank: int
    interest_per_quarter: Decimal | None
    components: list[str]
    paths: list[str]
    decisions: list[int]
    initiative: str | None


class DebtPage(Schema):
    """One page of ranked debt items and the total count."""

    items: list[DebtOut]
    count: int


@router.get("/debt", response=DebtPage)
def debt_list(
    request: HttpRequest,
    status: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> dict[str, object]:
    """The tech-debt register by WSJF, highest first; `?status=` filters."""
    ranked = selectors.debt_ranked(actor=request.user, status=status)
    return paginate(ranked, limit=limit, offset=offset, render=selectors.debt_dict)


class CrossTeamPairOut(Schema):
    """Two modules of one repository owned by different teams that change together
    (METRICS.md change coupling); a module is a catalog entity's name (`*_title` its title) or
    the repository's name for the rest of it; `declared` whether the teams declare an
    interaction."""

    repo: str
    module: str
    module_title: str
    module_team: str
    module_team_name: str
    coupled: str
    coupled_title: str
    coupled_team: str
    coupled_team_name: str
    degree: Number
    shared: int
    revisions_module: int
    revisions_coupled: int
    declared: bool
    modes: list[str]


class CrossTeamTeamsOut(Schema):
    """Two teams whose code is coupled: the strongest degree, the shared commits over all their
    coupled module pairs, and the interaction modes they declare (none: `declared` false)."""

    team: str
    team_name: str
    other: str
    other_name: str
    pairs: int
    degree: Number
    shared: int
    declared: bool
    modes: list[str]


class CrossTeamCouplingOut(Schema):
    """Cross-team coupling since a day, undeclared first."""

    since: date
    months: int
    teams: list[CrossTeamTeamsOut]
    pairs: list[CrossTeamPairOut]


@router.get("/cross-team-coupling", response=CrossTeamCouplingOut)
def cross_team_coupling(request: HttpRequest, months: int = 12) -> dict[str, object]:
    """Change coupling between modules (catalog entities with paths, the rest of their
    repository) owned by different teams, compared with the declared team interactions."""
    if months < 1:
        raise HttpError(422, "months: at least 1")
    return selectors.cross_team_coupling(actor=request.user, months=months)


class DecisionIn(Schema):
    """A new decision (a draft; Steward allocates its number)."""

    title: str
    body: str = ""
    date: dt.date | None = None
    decision_makers: list[str] = []
    consulted: list[str] = []
    informed: list[str] = []
    tags: list[str] = []
    supersedes: int | None = None


class DecisionPatch(Schema):
    """The fields to change; `status` moves it along the workflow (`superseded_by` names the
    record that replaces it when superseding)."""

    title: str | None = None
    body: str | None = None
    date: dt.date | None = None
    decision_makers: list[str] | None = None
    consulted: list[str] | None = None
    informed: list[str] | None = None
    tags: list[str] | None = None
    supersedes: int | None = None
    status: str | None = None
    superseded_by: int | None = None


def _numbered(number: int | None, field: str) -> Any:
    if number is None:
        return None
    found = selectors.decision_list(actor=SYSTEM).filter(number=number).first()
    if found is None:
        raise body_error(field, f"no decision number {number}")
    return found


@router.post("/decisions", response={201: DecisionDetailOut})
def decisions_create(request: HttpRequest, body: DecisionIn) -> tuple[int, dict[str, object]]:
    """Draft a decision (everyone with a role); the answer carries its number."""
    supersedes = _numbered(body.supersedes, "supersedes")
    with service_call(request):
        decision = services.decision_create(
            actor=request.user,
            title=body.title,
            body=body.body,
            date=body.date,
            decision_makers=body.decision_makers,
            consulted=body.consulted,
            informed=body.informed,
            tags=body.tags,
            supersedes=supersedes,
        )
    return 201, {**selectors.decision_dict(decision), "body": decision.body}


@router.patch("/decisions/{number}", response=DecisionDetailOut)
def decisions_update(request: HttpRequest, number: int, body: DecisionPatch) -> dict[str, object]:
    """Change the fields given, then move the status if asked (architects and the CTO accept,
    reject, deprecate and supersede)."""
    decision = selectors.decision_get(actor=request.user, number=number)
    if decision is None:
        raise Http404("no such decision")
    given = body.model_dump(exclude_unset=True)
    status = given.pop("status", None)
    replaced_by = _numbered(given.pop("superseded_by", None), "superseded_by")
    if "supersedes" in given:
        given["supersedes"] = _numbered(given["supersedes"], "supersedes")
    if status is not None and status not in STATUSES:
        raise body_error("status", f"not one of {', '.join(STATUSES)}")
    with service_call(request):
        if given:
            decision = services.decision_update(actor=request.user, decision=decision, **given)
        if status is not None:
            decision = services.decision_move(
                actor=request.user, decision=decision, status=status, superseded_by=replaced_by
            )
    fresh = selectors.decision_get(actor=request.user, number=number)
    assert fresh is not None
    return {**selectors.decision_dict(fresh), "body": fresh.body}
