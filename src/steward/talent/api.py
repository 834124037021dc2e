"""The talent API under /api/v1/talent: requisitions, candidates, applications, the funnel and
the diversity aggregates, sources and employer-brand activities. Rows the caller may not see
are 404; fields absent.

Writes (requisitions and their approvals, candidates, applications, stage moves, closing,
offers, scorecards, sources, activities) call the services the pages' forms call, as the caller
(`core.api_writes`): 422 with the field at fault and nothing written, 403 for a change the
caller may not make."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, Literal, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.errors import ValidationError as NinjaValidationError

from steward.core.api_writes import body_error, require, service_call
from steward.core.filters import filter_rows
from steward.core.pagination import paginate
from steward.core.periods import EARLIEST, LATEST, parse_period
from steward.talent import rules, selectors, services
from steward.talent.filtersets import RequisitionFilterSet
from steward.talent.models import Application, Offer, Requisition, Scorecard, Source
from steward.talent.schemas import (
    ActivityIn,
    ActivityOut,
    ActivityPage,
    ApplicationCloseIn,
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    ApprovalIn,
    ApprovalOut,
    CandidateIn,
    CandidateOut,
    DiversityOut,
    FunnelApplicationsOut,
    FunnelOut,
    OfferIn,
    OfferResolveIn,
    RequisitionDetailOut,
    RequisitionIn,
    RequisitionOut,
    RequisitionPage,
    RequisitionPatch,
    ScorecardIn,
    ScorecardOut,
    SourceIn,
    SourceOut,
    SourcePage,
    SourcePatch,
    StageMoveIn,
)

router = Router(tags=["talent"])


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("not allowed")


@router.get(
    "/requisitions",
    response=RequisitionPage,
    exclude_unset=True,
    url_name="talent_requisitions_list",
)
def requisitions_list(
    request: HttpRequest,
    status: str | None = None,
    team: str | None = None,
    quarter: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
    hiring_manager: str | None = Query(  # type: ignore[type-arg]
        None, description='The hiring manager: "Name (E0012)", a name or a unique part of one'
    ),
) -> dict[str, Any]:
    """Requisitions (the hiring plan) the caller may see; `hiring_manager` is the hiring
    plan's filter (talent.filtersets.RequisitionFilterSet)."""
    _require(rules.may_see_hiring(request.user))
    rows = selectors.requisition_list(
        actor=request.user, status=status, team=team, quarter=quarter
    ).prefetch_related("approvals")
    rows = filter_rows(
        RequisitionFilterSet, rows, actor=request.user, hiring_manager=hiring_manager
    )
    return paginate(
        rows,
        limit=limit,
        offset=offset,
        render=lambda r: selectors.requisition_dict(r, actor=request.user),
    )


@router.get(
    "/requisitions/{key}",
    response=RequisitionDetailOut,
    exclude_unset=True,
    url_name="talent_requisitions_detail",
)
def requisitions_detail(request: HttpRequest, key: str) -> dict[str, Any]:
    """One requisition with its expected hires."""
    _require(rules.may_see_hiring(request.user))
    req = selectors.requisition_get(actor=request.user, key=key)
    if req is None:
        raise Http404("no such requisition")
    data = selectors.requisition_dict(req, actor=request.user)
    data["expected_hires"] = selectors.expected_by_requisition(actor=request.user).get(key, 0.0)
    return data


@router.get(
    "/applications",
    response=ApplicationPage,
    exclude_unset=True,
    url_name="talent_applications_list",
)
def applications_list(
    request: HttpRequest,
    requisition: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> dict[str, Any]:
    """Applications with their stage history (the hiring team's only)."""
    _require(rules.may_see_candidates(request.user))
    req = None
    if requisition:
        req = selectors.requisition_get(actor=request.user, key=requisition)
        if req is None:
            raise Http404("no such requisition")
    rows = selectors.application_list(actor=request.user, requisition=req).prefetch_related(
        "moves", "offers"
    )
    return paginate(
        rows,
        limit=limit,
        offset=offset,
        render=lambda a: selectors.application_dict(a, actor=request.user),
    )


@router.get(
    "/candidates/{candidate_id}",
    response=CandidateOut,
    exclude_unset=True,
    url_name="talent_candidates_detail",
)
def candidates_detail(request: HttpRequest, candidate_id: int) -> dict[str, Any]:
    """One candidate and their applications (the access is written to the audit log)."""
    _require(rules.may_see_candidates(request.user))
    cand = selectors.candidate_get(actor=request.user, pk=candidate_id)
    if cand is None:
        raise Http404("no such candidate")
    services.candidate_accessed(actor=request.user, candidate=cand)
    return selectors.candidate_dict(cand, actor=request.user)


@router.get(
    "/funnel",
    response=FunnelOut,
    exclude_unset=True,
    by_alias=True,
    url_name="talent_funnel",
)
def funnel(
    request: HttpRequest, team: str | None = None, requisition: str | None = None
) -> dict[str, Any]:
    """`steward metrics hiring` for `?from=&to=&team=&requisition=` (METRICS.md "Hiring")."""
    _require(rules.may_see_hiring(request.user))
    start, end = parse_period(request.GET.get("from"), request.GET.get("to"), default_days=365)
    return selectors.hiring_metrics(
        actor=request.user, start=start, end=end, team=team, requisition=requisition
    )


@router.get(
    "/funnel/applications",
    response=FunnelApplicationsOut,
    exclude_unset=True,
    url_name="talent_funnel_applications",
)
def funnel_applications(
    request: HttpRequest,
    what: str = "applications",
    stage: str | None = None,
    team: str | None = None,
    requisition: str | None = None,
) -> dict[str, Any]:
    """The applications behind one funnel number: `?what=reached|passed|stopped&stage=` or
    `?what=applications|hires`, with `from`, `to`, `team`, `requisition` as for `/funnel`.
    Rows name the candidate only where the caller may see that candidate (else `null`)."""
    from ninja.errors import HttpError

    from steward.talent import funnel as figures

    _require(rules.may_see_hiring(request.user))
    if what not in figures.DRILL_KINDS:
        raise HttpError(422, f"what {what!r}: one of {', '.join(figures.DRILL_KINDS)}")
    if what in ("reached", "passed", "stopped") and not stage:
        raise HttpError(422, f"what={what} needs stage=")
    start, end = parse_period(request.GET.get("from"), request.GET.get("to"), default_days=365)
    return selectors.funnel_drilldown(
        actor=request.user,
        start=start,
        end=end,
        what=what,
        stage=stage,
        team=team,
        requisition=requisition,
    )


@router.get(
    "/diversity",
    response=DiversityOut,
    exclude_unset=True,
    by_alias=True,
    url_name="talent_diversity",
)
def diversity(
    request: HttpRequest, attribute: Literal["gender", "ethnicity"] = "gender"
) -> dict[str, Any]:
    """The funnel by self-identified gender or ethnicity (`?attribute=`) over `?from=&to=`,
    under the small-group rule with complementary suppression."""
    _require(rules.may_see_diversity(request.user))
    start, end = parse_period(request.GET.get("from"), request.GET.get("to"), default_days=365)
    return selectors.diversity_funnel(actor=request.user, start=start, end=end, attribute=attribute)


# --- writes -----------------------------------------------------------------------------------


def _within_range(value: date | datetime | None, field: str) -> None:
    """422 unless the day (in UTC for a moment) lies in 1970-01-01..2100-12-31."""
    if value is None:
        return
    day: date = value
    if isinstance(value, datetime):
        try:
            day = (value.astimezone(UTC) if value.tzinfo else value).date()
        except OverflowError:
            day = date.max
    if not EARLIEST <= day <= LATEST:
        raise body_error(field, f"must be between {EARLIEST} and {LATEST}")


def _requisition_values(request: HttpRequest, given: dict[str, Any]) -> dict[str, Any]:
    """The service's values from a request body: names resolved to rows (422 when unknown)."""
    from django.contrib.auth.models import User

    from steward.org import selectors as org
    from steward.strategy import selectors as strategy

    actor = request.user
    values = dict(given)
    _within_range(values.get("target_start"), "target_start")
    if values.get("target_start") and not values.get("quarter"):
        values["quarter"] = ""  # the quarter of the new target start
    if not rules.may_see_money(actor):
        for field in ("budgeted_cost", "currency"):
            if values.get(field) not in (None, ""):
                raise body_error(field, "only the compensation roles set the budgeted cost")
            values.pop(field, None)
    if "team" in values:
        values["team"] = org.team_get(actor=actor, slug=values["team"] or "")
        if values["team"] is None:
            raise body_error("team", f"unknown team {given['team']!r}")
    if values.get("role"):
        values["role"] = org.role_get(actor=actor, slug=values["role"])
        if values["role"] is None:
            raise body_error("role", f"unknown role description {given['role']!r}")
    if values.get("initiative"):
        values["initiative"] = strategy.initiative_get(actor=actor, key=values["initiative"])
        if values["initiative"] is None:
            raise body_error("initiative", f"unknown initiative {given['initiative']!r}")
    if values.get("hiring_manager"):
        values["hiring_manager"] = org.person_get(actor=actor, employee_id=values["hiring_manager"])
        if values["hiring_manager"] is None:
            raise body_error("hiring_manager", f"unknown person {given['hiring_manager']!r}")
    if values.get("recruiter"):
        values["recruiter"] = User.objects.filter(username=values["recruiter"]).first()
        if values["recruiter"] is None:
            raise body_error("recruiter", f"unknown user {given['recruiter']!r}")
    for name in ("role", "initiative", "hiring_manager", "recruiter"):
        if name in values and not values[name]:
            values[name] = None
    for name in ("note", "currency", "quarter"):
        if name in values and values[name] is None:
            values[name] = ""
    if "stages" in values and values["stages"] is None:
        values["stages"] = []
    for name in ("title", "level", "reason", "target_start"):
        if name in values and values[name] is None:
            raise body_error(name, "cannot be emptied")
    return values


def _requisition_out(request: HttpRequest, key: str) -> dict[str, Any]:
    req = selectors.requisition_get(actor=request.user, key=key)
    assert req is not None
    return selectors.requisition_dict(req, actor=request.user)


@router.post(
    "/requisitions",
    response={201: RequisitionOut},
    exclude_unset=True,
    url_name="talent_requisitions_create",
)
def requisitions_create(request: HttpRequest, body: RequisitionIn) -> tuple[int, dict[str, Any]]:
    """Add a requisition to the hiring plan (recruiting, the CTO, admins)."""
    require(rules.may_recruit(request.user))
    values = _requisition_values(request, body.model_dump(exclude_unset=True))
    key = values.pop("key", "")
    if not values.get("quarter"):
        values.pop("quarter", None)
    with service_call(request):
        req = services.requisition_create(actor=request.user, key=key, **values)
    return 201, _requisition_out(request, req.key)


@router.patch(
    "/requisitions/{key}",
    response=RequisitionOut,
    exclude_unset=True,
    url_name="talent_requisitions_update",
)
def requisitions_update(request: HttpRequest, key: str, body: RequisitionPatch) -> dict[str, Any]:
    """Change the fields given of a requisition; `status` moves it (planned, open, on hold,
    filled, cancelled)."""
    require(rules.may_see_hiring(request.user))
    req = selectors.requisition_get(actor=request.user, key=key)
    if req is None:
        raise Http404("no such requisition")
    require(rules.may_recruit(request.user))
    given = body.model_dump(exclude_unset=True)
    status = given.pop("status", None)
    values = _requisition_values(request, given)
    with service_call(request):
        if values:
            req = services.requisition_update(actor=request.user, requisition=req, **values)
        if status is not None:
            services.requisition_move(actor=request.user, requisition=req, status=status)
    return _requisition_out(request, key)


@router.post(
    "/candidates",
    response={201: CandidateOut},
    exclude_unset=True,
    url_name="talent_candidates_create",
)
def candidates_create(request: HttpRequest, body: CandidateIn) -> tuple[int, dict[str, Any]]:
    """Add a candidate (recruiting, the CTO, admins); their data is kept `retention_days`."""
    require(rules.may_recruit(request.user))
    with service_call(request):
        cand = services.candidate_create(actor=request.user, **body.model_dump())
    return 201, selectors.candidate_dict(cand, actor=request.user)


def _application_out(request: HttpRequest, pk: int) -> dict[str, Any]:
    app = selectors.application_get(actor=request.user, pk=pk)
    assert app is not None
    return selectors.application_dict(app, actor=request.user)


@router.post(
    "/applications",
    response={201: ApplicationOut},
    exclude_unset=True,
    url_name="talent_applications_create",
)
def applications_create(request: HttpRequest, body: ApplicationIn) -> tuple[int, dict[str, Any]]:
    """The candidate applies to a requisition (recruiting, the CTO, admins); the application
    enters the requisition's first stage."""
    require(rules.may_recruit(request.user))
    _within_range(body.applied_at, "applied_at")
    cand = selectors.candidate_get(actor=request.user, pk=body.candidate)
    if cand is None:
        raise body_error("candidate", f"unknown candidate {body.candidate}")
    req: Requisition | None = selectors.requisition_get(actor=request.user, key=body.requisition)
    if req is None:
        raise body_error("requisition", f"unknown requisition {body.requisition!r}")
    source = None
    if body.source:
        source = Source.objects.filter(name__iexact=body.source.strip()).first()
        if source is None:
            raise body_error("source", f"unknown source {body.source!r} (add it first)")
    with service_call(request):
        app = services.application_create(
            actor=request.user,
            candidate=cand,
            requisition=req,
            source=source,
            referrer=body.referrer,
            applied_at=body.applied_at,
            external_id=body.external_id,
        )
    return 201, _application_out(request, app.pk)


@router.post(
    "/applications/{application_id}/moves",
    response={201: ApplicationOut},
    exclude_unset=True,
    url_name="talent_applications_move",
)
def applications_move(
    request: HttpRequest, application_id: int, body: StageMoveIn
) -> tuple[int, dict[str, Any]]:
    """Move an application into a later stage (the requisition's hiring team); the stage
    history only grows."""
    require(rules.may_see_candidates(request.user))
    app: Application | None = selectors.application_get(actor=request.user, pk=application_id)
    if app is None:
        raise Http404("no such application")
    _within_range(body.entered_at, "entered_at")
    with service_call(request):
        services.application_move(
            actor=request.user, application=app, stage=body.stage, at=body.entered_at
        )
    return 201, _application_out(request, application_id)


@router.post(
    "/scorecards/{scorecard_id}/submit",
    response=ScorecardOut,
    url_name="talent_scorecards_submit",
)
def scorecards_submit(request: HttpRequest, scorecard_id: int, body: ScorecardIn) -> dict[str, Any]:
    """The interviewer submits their own scorecard: a rating with written evidence per
    attribute and an overall recommendation. Another interviewer's scorecard is a 404."""
    require(rules.may_see_candidates(request.user))
    card = (
        Scorecard.objects.filter(pk=scorecard_id, interviewer_id=request.user.pk)
        .select_related("application", "kit", "interviewer")
        .first()
    )
    if card is None:
        raise Http404("no such scorecard of yours")
    with service_call(request):
        services.scorecard_submit(
            actor=request.user,
            scorecard=card,
            overall=body.overall,
            ratings=[r.model_dump() for r in body.ratings],
            key_take_aways=body.key_take_aways,
        )
    return selectors.scorecard_dict(card)


# --- closing, offers, approvals, sources, activities: one shape ------------------------------

T = TypeVar("T")


def _write(
    request: HttpRequest,
    action: Callable[[], T],
    render: Callable[[T], dict[str, Any]],
    *,
    status: int = 201,
    fields: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """The shape the writes below share: `action` (the service the page's form calls) runs in
    one transaction audited as the caller — a service's refusal is a 422 naming the body's
    field (`fields` renames the service's argument to it: `at` → `closed_at`) or a 403, and
    nothing is written —; the answer is `render` of what was stored."""
    try:
        with service_call(request):
            result = action()
    except NinjaValidationError as exc:
        for error in exc.errors:
            loc = list(error.get("loc") or [])
            if len(loc) == 2 and fields and loc[1] in fields:
                error["loc"] = [loc[0], fields[loc[1]]]
        raise
    return status, render(result)


def _visible_application(request: HttpRequest, application_id: int) -> Application:
    """The application if the caller may see it (403 for a role that sees no candidate, 404
    for one outside the caller's requisitions and panels)."""
    require(rules.may_see_candidates(request.user))
    app = selectors.application_get(actor=request.user, pk=application_id)
    if app is None:
        raise Http404("no such application")
    return app


@router.post(
    "/applications/{application_id}/close",
    response={200: ApplicationOut},
    exclude_unset=True,
    url_name="talent_applications_close",
)
def applications_close(
    request: HttpRequest, application_id: int, body: ApplicationCloseIn
) -> tuple[int, dict[str, Any]]:
    """Close an open application: rejected with a reason (ours or theirs) or withdrew (the
    requisition's hiring team). A hire is recorded by accepting the offer."""
    app = _visible_application(request, application_id)
    _within_range(body.closed_at, "closed_at")
    return _write(
        request,
        lambda: services.application_close(
            actor=request.user,
            application=app,
            outcome=body.outcome,
            reason=body.reason,
            rejected_by=body.rejected_by or "",
            at=body.closed_at,
        ),
        lambda a: _application_out(request, a.pk),
        status=200,
        fields={"at": "closed_at"},
    )


@router.post(
    "/applications/{application_id}/offers",
    response={201: ApplicationOut},
    exclude_unset=True,
    url_name="talent_offers_create",
)
def offers_create(
    request: HttpRequest, application_id: int, body: OfferIn
) -> tuple[int, dict[str, Any]]:
    """A new version of the application's offer (recruiting); an extended earlier version is
    withdrawn. The answer is the application with every version."""
    app = _visible_application(request, application_id)
    require(rules.may_recruit(request.user))
    _within_range(body.starts_at, "starts_at")
    _within_range(body.sent_at, "sent_at")
    return _write(
        request,
        lambda: services.offer_make(
            actor=request.user,
            application=app,
            salary=body.salary,
            currency=body.currency.strip(),
            starts_at=body.starts_at,
            sent_at=body.sent_at,
        ),
        lambda offer: _application_out(request, offer.application_id),
    )


@router.post(
    "/applications/{application_id}/offers/{version}/resolve",
    response={200: ApplicationOut},
    exclude_unset=True,
    url_name="talent_offers_resolve",
)
def offers_resolve(
    request: HttpRequest, application_id: int, version: int, body: OfferResolveIn
) -> tuple[int, dict[str, Any]]:
    """The candidate accepts or declines the latest version of the offer (or we withdraw it):
    accepting closes the application as hired, declining as rejected (theirs). Recruiting."""
    app = _visible_application(request, application_id)
    require(rules.may_recruit(request.user))
    offer = Offer.objects.filter(application=app, version=version).first()
    if offer is None:
        raise Http404("no such offer version")
    _within_range(body.resolved_at, "resolved_at")
    return _write(
        request,
        lambda: services.offer_resolve(
            actor=request.user, offer=offer, status=body.status, at=body.resolved_at
        ),
        lambda o: _application_out(request, o.application_id),
        status=200,
        fields={"at": "resolved_at"},
    )


@router.post(
    "/requisitions/{key}/approvals",
    response={201: ApprovalOut},
    url_name="talent_requisitions_approve",
)
def requisitions_approve(
    request: HttpRequest, key: str, body: ApprovalIn
) -> tuple[int, dict[str, Any]]:
    """The caller approves or refuses the requisition (the CTO, finance, admins); opening it
    needs the CTO's (or an admin's) approval as the latest such decision."""
    require(rules.may_see_hiring(request.user))
    req = selectors.requisition_get(actor=request.user, key=key)
    if req is None:
        raise Http404("no such requisition")
    require(rules.may_approve(request.user))
    return _write(
        request,
        lambda: services.approval_record(
            actor=request.user, requisition=req, approved=body.approved, note=body.note
        ),
        selectors.approval_dict,
    )


@router.get("/sources", response=SourcePage, url_name="talent_sources_list")
def sources_list(
    request: HttpRequest, limit: int | None = None, offset: int | None = None
) -> dict[str, Any]:
    """Sources of applications with their activity, applications and hires (recruiting, as
    the Employer brand page)."""
    require(rules.may_recruit(request.user))
    return paginate(
        selectors.source_rows(actor=request.user).order_by("name"),
        limit=limit,
        offset=offset,
        render=selectors.source_dict,
    )


@router.post("/sources", response={201: SourceOut}, url_name="talent_sources_create")
def sources_create(request: HttpRequest, body: SourceIn) -> tuple[int, dict[str, Any]]:
    """A new source (recruiting); `activity` links it to an employer-brand activity."""
    require(rules.may_recruit(request.user))
    activity = None
    if body.activity is not None:
        activity = selectors.activity_rows(actor=request.user).filter(pk=body.activity).first()
        if activity is None:
            raise body_error("activity", f"unknown activity {body.activity}")
    return _write(
        request,
        lambda: services.source_create(
            actor=request.user, name=body.name, kind=body.kind, activity=activity
        ),
        selectors.source_dict,
    )


@router.patch("/sources/{source_id}", response=SourceOut, url_name="talent_sources_update")
def sources_update(request: HttpRequest, source_id: int, body: SourcePatch) -> dict[str, Any]:
    """Change the fields given of a source (recruiting, as `POST /sources`): its name, kind,
    and the employer-brand activity behind it (`activity`: an id links it, `null` unlinks)."""
    require(rules.may_recruit(request.user))
    source = selectors.source_list(actor=request.user).filter(pk=source_id).first()
    if source is None:
        raise Http404("no such source")
    given = body.model_dump(exclude_unset=True)
    if given.get("name", "") is None:
        raise body_error("name", "a source needs a name")
    if "kind" in given and given["kind"] is None:
        raise body_error("kind", "a source needs a kind")
    activity = None
    if given.get("activity") is not None:
        activity = selectors.activity_rows(actor=request.user).filter(pk=given["activity"]).first()
        if activity is None:
            raise body_error("activity", f"unknown activity {given['activity']}")
    with service_call(request):
        services.source_update(
            actor=request.user,
            source=source,
            name=given.get("name"),
            kind=given.get("kind"),
            activity=activity,
            clear_activity="activity" in given and given["activity"] is None,
        )
    updated = selectors.source_rows(actor=request.user).get(pk=source.pk)
    return selectors.source_dict(updated)


@router.get("/activities", response=ActivityPage, url_name="talent_activities_list")
def activities_list(
    request: HttpRequest, limit: int | None = None, offset: int | None = None
) -> dict[str, Any]:
    """Employer-brand activities, newest first, with their sources and the applications and
    hires those brought (recruiting, as the Employer brand page)."""
    require(rules.may_recruit(request.user))
    counts = {r["activity"].pk: r for r in selectors.brand_report(actor=request.user)}
    return paginate(
        selectors.activity_rows(actor=request.user),
        limit=limit,
        offset=offset,
        render=lambda a: selectors.activity_dict(a, counts.get(a.pk)),
    )


@router.post("/activities", response={201: ActivityOut}, url_name="talent_activities_create")
def activities_create(request: HttpRequest, body: ActivityIn) -> tuple[int, dict[str, Any]]:
    """A new employer-brand activity (recruiting)."""
    from steward.org import selectors as org

    require(rules.may_recruit(request.user))
    _within_range(body.on, "on")
    values = body.model_dump(exclude={"team"})
    values["url"] = values["url"].strip()
    values["repository"] = values["repository"].strip()
    if body.team:
        values["team"] = org.team_get(actor=request.user, slug=body.team)
        if values["team"] is None:
            raise body_error("team", f"unknown team {body.team!r}")
    return _write(
        request,
        lambda: services.activity_create(actor=request.user, **values),
        lambda a: selectors.activity_dict(a),
    )
