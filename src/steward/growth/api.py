"""The growth API under /api/v1/growth: 1:1s, ladders, people's growth, promotions, engagement,
attrition. Every handler starts from the policy: a row one may not see is a 404, a figure one
may not see is absent, and survey results are aggregates under the small-group rule."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from steward.core.pagination import paginate
from steward.growth import ladder_format, rules, selectors, services
from steward.growth.api_writes import router as writes_router
from steward.growth.schemas import (
    AttritionOut,
    EnpsOut,
    GrowthActionItemOut,
    RetentionSignalsOut,
    TenureOut,
)
from steward.org import selectors as org_selectors

router = Router(tags=["growth"])
# Goals, onboarding tasks and 1:1 action items are written through growth/api_writes.py.
router.add_router("", writes_router)


class OneOnOneOut(Schema):
    """A 1:1 cadence and its state today (METRICS.md "1:1 overdue")."""

    id: int
    manager_employee_id: str
    manager: str
    report_employee_id: str
    report: str
    cadence_days: int
    started_on: date
    last_held_on: date | None
    days_since: int
    overdue: bool
    days_overdue: int
    meetings: int


class OneOnOnePage(Schema):
    """One page of 1:1 cadences."""

    items: list[OneOnOneOut]
    count: int


class GrowthMeetingOut(Schema):
    """A 1:1 that took place; `agenda`, `private_notes` and `action_items` only for the pair."""

    id: int
    held_on: date
    agenda: str | None = None
    private_notes: str | None = None
    action_items: list[GrowthActionItemOut] | None = None


class OneOnOneDetailOut(OneOnOneOut):
    """A cadence with its 1:1s, newest first."""

    history: list[GrowthMeetingOut]


class GrowthMeetingIn(Schema):
    """Record a 1:1 (the pair only)."""

    held_on: date
    agenda: str = ""
    private_notes: str = ""


@router.get("/one-on-ones", response=OneOnOnePage, exclude_none=True)
def one_on_ones_list(
    request: HttpRequest,
    overdue: bool = False,
    limit: int | None = None,
    offset: int | None = None,
) -> dict[str, Any]:
    """Running 1:1 cadences one may see, overdue first; `?overdue=true` only the overdue."""
    rows = selectors.pair_list(actor=request.user, on=date.today(), overdue_only=overdue)
    return paginate(rows, limit=limit, offset=offset, render=selectors.pair_dict)


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    pair = selectors.pair_get(actor=request.user, pk=pk)
    if pair is None:
        raise Http404("no such 1:1")
    meetings = selectors.meeting_list(actor=request.user, pair=pair)
    in_pair = rules.is_in_pair(request.user, pair)
    state = selectors.cadence_state(
        cadence_days=pair.cadence_days,
        started_on=pair.started_on,
        held=[m["held_on"] for m in meetings],
        on=date.today(),
    )
    row = selectors.PairRow(pair, state, len([m for m in meetings if m["held_on"] <= date.today()]))
    history = []
    for m in meetings:
        item: dict[str, Any] = {"id": m["meeting"].pk, "held_on": m["held_on"]}
        if in_pair:
            content = m["content"]
            item["agenda"] = content.agenda if content else ""
            item["private_notes"] = content.private_notes if content else ""
            item["action_items"] = [
                {
                    "id": a.pk,
                    "text": a.text,
                    "owner_employee_id": a.owner.employee_id,
                    "due_on": a.due_on,
                    "done_on": a.done_on,
                }
                for a in m["action_items"]
            ]
        history.append(item)
    return {**selectors.pair_dict(row), "history": history}


@router.get("/one-on-ones/{pk}", response=OneOnOneDetailOut, exclude_none=True)
def one_on_ones_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    """One cadence and its 1:1s; what was said only for the two people of the pair."""
    return _detail(request, pk)


@router.post("/one-on-ones/{pk}/meetings", response={201: OneOnOneDetailOut}, exclude_none=True)
def one_on_ones_record(request: HttpRequest, pk: int, payload: GrowthMeetingIn) -> tuple[int, Any]:
    """Record a 1:1 (the two people of the pair only)."""
    pair = selectors.pair_get(actor=request.user, pk=pk)
    if pair is None:
        raise Http404("no such 1:1")
    if not rules.is_in_pair(request.user, pair):
        raise PermissionDenied("only the two people of a 1:1 record it")
    services.meeting_record(
        actor=request.user,
        pair=pair,
        held_on=payload.held_on,
        agenda=payload.agenda,
        private_notes=payload.private_notes,
    )
    return 201, _detail(request, pk)


# --- ladders --------------------------------------------------------------------------------


class GrowthFrameworkOut(Schema):
    """A career framework in Steward's ladder-file shape (FORMATS.md 6)."""

    framework: dict[str, Any]


@router.get("/ladders", response=list[GrowthFrameworkOut])
def ladders_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every career framework with tracks, levels, competencies and expectations."""
    rows = selectors.framework_list(actor=request.user).prefetch_related(
        "competencies__expectations__level__track"
    )
    return [ladder_format.framework_data(f) for f in rows]


@router.get("/ladders/{key}", response=GrowthFrameworkOut)
def ladders_detail(request: HttpRequest, key: str) -> dict[str, Any]:
    """One career framework."""
    framework = selectors.framework_get(actor=request.user, key=key)
    if framework is None:
        raise Http404("no such framework")
    return ladder_format.framework_data(framework)


class GrowthLevelRowOut(Schema):
    """A person's level over a period."""

    framework: str
    track: str
    level: str
    title: str
    start: date
    end: date | None
    note: str


class GrowthGoalOut(Schema):
    """A development goal and its latest check-in."""

    title: str
    competency: str | None
    due_on: date | None
    status: str
    progress: int | None
    last_check_in: date | None


class GrowthPlanOut(Schema):
    """A development plan."""

    id: int
    title: str
    started_on: date
    target_level: str | None
    goals: list[GrowthGoalOut]


class GrowthPersonGrowthOut(Schema):
    """A person's level history, plans and promotion cases."""

    employee_id: str
    levels: list[GrowthLevelRowOut]
    plans: list[GrowthPlanOut]
    promotion_cases: list[int]


@router.get("/people/{employee_id}", response=GrowthPersonGrowthOut)
def people_growth(request: HttpRequest, employee_id: str) -> dict[str, Any]:
    """A person's growth: themselves, the managers above them, people/CTO/admin."""
    person = org_selectors.person_get(actor=request.user, employee_id=employee_id)
    if person is None or not selectors.may_see_person_growth(request.user, person):
        raise Http404("no such person")
    levels = [
        {
            "framework": r.level.track.framework.key,
            "track": r.level.track.key,
            "level": r.level.key,
            "title": r.level.title,
            "start": r.start,
            "end": r.end,
            "note": r.note,
        }
        for r in selectors.person_levels(actor=request.user, person=person)
    ]
    plans = []
    for plan in selectors.plans_of(actor=request.user, person=person):
        goals = []
        for goal in plan.goals.all():
            last = goal.latest_check_in
            goals.append(
                {
                    "title": goal.title,
                    "competency": goal.competency.key if goal.competency else None,
                    "due_on": goal.due_on,
                    "status": goal.status,
                    "progress": last.progress if last else None,
                    "last_check_in": last.on if last else None,
                }
            )
        plans.append(
            {
                "id": plan.pk,
                "title": plan.title,
                "started_on": plan.started_on,
                "target_level": plan.target_level.key if plan.target_level else None,
                "goals": goals,
            }
        )
    cases = list(
        selectors.promotion_list(actor=request.user)
        .filter(person=person)
        .values_list("pk", flat=True)
    )
    return {"employee_id": employee_id, "levels": levels, "plans": plans, "promotion_cases": cases}


class GrowthDecisionOut(Schema):
    """A step of a case's decision history."""

    on: date
    outcome: str
    note: str


class GrowthEvidenceOut(Schema):
    """A piece of evidence."""

    competency: str | None
    text: str
    url: str


class PromotionOut(Schema):
    """A promotion case."""

    id: int
    employee_id: str
    person: str
    to_level: str
    track: str
    opened_on: date
    status: str


class PromotionDetailOut(PromotionOut):
    """A case with its evidence and decisions."""

    summary: str
    evidence: list[GrowthEvidenceOut]
    decisions: list[GrowthDecisionOut]


class PromotionPage(Schema):
    """One page of promotion cases."""

    items: list[PromotionOut]
    count: int


def _case_dict(case: Any) -> dict[str, Any]:
    return {
        "id": case.pk,
        "employee_id": case.person.employee_id,
        "person": case.person.name,
        "to_level": case.to_level.key,
        "track": case.to_level.track.key,
        "opened_on": case.opened_on,
        "status": case.status,
    }


@router.get("/promotions", response=PromotionPage)
def promotions_list(
    request: HttpRequest,
    status: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> dict[str, Any]:
    """Promotion cases one may see, newest first."""
    rows = selectors.promotion_list(actor=request.user, status=status)
    return paginate(rows, limit=limit, offset=offset, render=_case_dict)


@router.get("/promotions/{pk}", response=PromotionDetailOut)
def promotions_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    """One promotion case with its evidence and decision history."""
    case = selectors.promotion_get(actor=request.user, pk=pk)
    if case is None:
        raise Http404("no such promotion case")
    return {
        **_case_dict(case),
        "summary": case.summary,
        "evidence": [
            {
                "competency": e.competency.key if e.competency else None,
                "text": e.text,
                "url": e.url,
            }
            for e in case.evidence.all()
        ],
        "decisions": [
            {"on": d.on, "outcome": d.outcome, "note": d.note} for d in case.decisions.all()
        ],
    }


# --- engagement, attrition, retention -------------------------------------------------------


@router.get("/enps", response=EnpsOut, exclude_unset=True)
def enps(request: HttpRequest, survey: str | None = None) -> dict[str, Any]:
    """eNPS per survey round (oldest first) for the organization and per team; groups under the
    small-group threshold are `{group, suppressed: true}`. `?survey=` one round."""
    from steward.growth import engagement

    rounds = engagement.enps_trend()
    if survey:
        rounds = [r for r in rounds if r["survey"] == survey]
        if not rounds:
            raise Http404("no such survey")
    by_key = {s.key: s for s in engagement.survey_list()}
    for row in rounds:
        row["participation"] = engagement.participation(by_key[row["survey"]])
    return {"min_group_size": engagement.min_group(), "rounds": rounds}


def _day(value: str | None, default: date, name: str) -> date:
    from ninja.errors import HttpError

    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise HttpError(422, f"{name} {value!r}: write the day as YYYY-MM-DD") from exc


@router.get("/attrition", response=AttritionOut, exclude_unset=True, by_alias=True)
def attrition(
    request: HttpRequest,
    by: str | None = None,
    start: str | None = Query(None, alias="from"),
    end: str | None = Query(None, alias="to"),
) -> dict[str, Any]:
    """CONTRACT.md `steward metrics attrition`: `?from=&to=&by=team|level|manager|location|tenure`
    (default the last 12 whole months). CTO, executives, the people role and admins."""
    from ninja.errors import HttpError

    from steward.growth import retention

    if not rules.may_see_attrition(request.user):
        raise PermissionDenied("attrition figures are for the CTO, executives and people")
    today = date.today()
    first = _day(start, date(today.year - 1, today.month, 1), "from")
    last = _day(end, date(today.year, today.month, 1), "to")
    if last <= first:
        raise HttpError(422, "to must be after from")
    if by and by not in retention.GROUPINGS:
        raise HttpError(422, f"by {by!r}: one of {', '.join(retention.GROUPINGS)}")
    return retention.attrition_report(actor=request.user, start=first, end=last, by=by or None)


@router.get("/tenure", response=TenureOut, exclude_unset=True)
def tenure(request: HttpRequest, voluntary: bool = False) -> dict[str, Any]:
    """CONTRACT.md `steward metrics tenure`: Kaplan-Meier `{median_days, retention_12m, curve}`."""
    from steward.growth import retention

    if not rules.may_see_attrition(request.user):
        raise PermissionDenied("tenure figures are for the CTO, executives and people")
    return retention.tenure_report(actor=request.user, on=date.today(), voluntary_only=voluntary)


@router.get("/retention-signals", response=RetentionSignalsOut, exclude_unset=True)
def retention_signals(request: HttpRequest) -> dict[str, Any]:
    """Cohorts per retention driver (never per person): the CTO and the people role."""
    from steward.growth import retention

    if not rules.may_see_retention(request.user):
        raise PermissionDenied("retention signals are for the CTO and the people role")
    return {
        "date": date.today(),
        "signals": retention.retention_signals(actor=request.user, on=date.today()),
    }
