"""The talent API under /api/v1/talent: requisitions, candidates, applications, the funnel and
the diversity aggregates. Rows the caller may not see are 404; fields absent."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router

from steward.core.pagination import paginate
from steward.core.periods import parse_period
from steward.talent import rules, selectors, services
from steward.talent.schemas import (
    ApplicationPage,
    CandidateOut,
    DiversityOut,
    FunnelApplicationsOut,
    FunnelOut,
    RequisitionDetailOut,
    RequisitionPage,
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
) -> dict[str, Any]:
    """Requisitions (the hiring plan) the caller may see."""
    _require(rules.may_see_hiring(request.user))
    rows = selectors.requisition_list(
        actor=request.user, status=status, team=team, quarter=quarter
    ).prefetch_related("approvals")
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
def diversity(request: HttpRequest) -> dict[str, Any]:
    """The funnel by self-identified group, under the small-group rule."""
    _require(rules.may_see_diversity(request.user))
    start, end = parse_period(request.GET.get("from"), request.GET.get("to"), default_days=365)
    return selectors.diversity_funnel(actor=request.user, start=start, end=end)
