"""The engineering API (/api/v1/engineering/...) and the webhooks (/api/v1/webhooks/...)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from ninja import Query, Router

from steward.core.filters import filter_rows
from steward.core.pagination import paginate
from steward.core.periods import parse_day, parse_period
from steward.core.policy import SYSTEM
from steward.engineering import selectors, services
from steward.engineering.filtersets import RepositoryFilterSet
from steward.engineering.models import Commit, Deployment, Incident, RecordSource, Repository
from steward.engineering.schemas import (
    ContributorsOut,
    DeploymentPage,
    DeploymentReceived,
    DoraOut,
    DoraWeekPage,
    IncidentPage,
    IncidentReceived,
    LeadTimeCommitPage,
    RepositoryOut,
    RepositoryPage,
)

router = Router(tags=["engineering"])
webhooks = Router(tags=["webhooks"])


def _period(from_: date | None, to: date | None) -> tuple[date, date]:
    return parse_period(from_, to)


def _repo_dict(repo: Repository) -> dict[str, Any]:
    return {
        "name": repo.name,
        "team": repo.team.slug if repo.team else None,
        "owner_source": repo.owner_source or None,
        "head_sha": repo.head_sha or None,
        "tag_pattern": repo.tag_pattern or None,
        "status": repo.status,
        "last_error": repo.last_error or None,
        "last_ingested_at": repo.last_ingested_at,
        "commits": getattr(repo, "commit_count", None),
    }


def deployment_dict(d: Deployment) -> dict[str, Any]:
    """A deployment in the API's (and CSV's) vocabulary."""
    return {
        "id": d.external_id,
        "repo": d.repository.name if d.repository else d.repo_name or None,
        "sha": d.sha or None,
        "environment": d.environment,
        "status": d.status,
        "started_at": d.started_at,
        "finished_at": d.finished_at,
        "service": d.service or None,
        "source": d.source,
        "shipped_commits": getattr(d, "shipped", None),
        "first_of_repository": d.first_of_repository,
    }


def incident_dict(i: Incident) -> dict[str, Any]:
    """An incident in the API's (and CSV's) vocabulary."""
    return {
        "id": i.external_id,
        "service": i.service or None,
        "repo": i.repository.name if i.repository else i.repo_name or None,
        "severity": i.severity or None,
        "created_at": i.created_at,
        "resolved_at": i.resolved_at,
        "deployment_id": i.deployment_external_id or None,
        "source": i.source,
    }


def _commit_dict(c: Commit) -> dict[str, Any]:
    lead = None
    if c.deployment_id and c.deployment is not None:
        lead = (c.deployment.finished_at - c.committed_at).total_seconds() / 3600
    return {
        "repo": c.repository.name,
        "sha": c.sha,
        "email": c.email,
        "subject": c.subject,
        "committed_at": c.committed_at,
        "deployment_id": c.deployment.external_id if c.deployment else None,
        "lead_time_hours": lead,
    }


@router.get("/repositories", response=RepositoryPage)
def repositories(
    request: HttpRequest,
    team: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
    name: str | None = Query(  # type: ignore[type-arg]
        None, description="Repositories whose name contains this (ignoring case)"
    ),
    status: str | None = Query(  # type: ignore[type-arg]
        None, description="The ingestion state: never, ok or failed"
    ),
) -> dict[str, Any]:
    """Repositories with their owning team and ingestion state; `name` and `status` are the
    repositories page's filters (engineering.filtersets.RepositoryFilterSet)."""
    rows = filter_rows(
        RepositoryFilterSet,
        selectors.repository_list(actor=request.user, team=team),
        actor=request.user,
        name=name,
        status=status,
    )
    return paginate(
        rows,
        limit=limit,
        offset=offset,
        render=_repo_dict,
    )


@router.get("/repositories/{name}", response=RepositoryOut)
def repository_detail(request: HttpRequest, name: str) -> dict[str, Any]:
    """One repository; 404 if unknown."""
    repo = selectors.repository_get(actor=request.user, name=name)
    if repo is None:
        raise Http404("no such repository")
    return _repo_dict(repo)


@router.get("/repositories/{name}/contributors", response=ContributorsOut)
def repository_contributors(request: HttpRequest, name: str) -> dict[str, Any]:
    """Contributors of a repository as METRICS.md defines them; authors the caller may not see
    individually (policy.may_see_individual_activity) are summed in `others`."""
    repo = selectors.repository_get(actor=request.user, name=name)
    if repo is None:
        raise Http404("no such repository")
    return selectors.contributors(actor=request.user, repository=repo)


@router.get("/dora", response=DoraOut, by_alias=True)
def dora(
    request: HttpRequest,
    team: str | None = None,
    repo: str | None = None,
    to: date | None = None,
    from_: date | None = Query(None, alias="from"),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """The four keys (METRICS.md shape); default period: the last 90 days."""
    start, end = _period(from_, to)
    return selectors.dora_metrics(actor=request.user, team=team, repo=repo, start=start, end=end)


@router.get("/dora/weekly", response=DoraWeekPage)
def dora_weekly(
    request: HttpRequest,
    team: str | None = None,
    repo: str | None = None,
    to: date | None = None,
    from_: date | None = Query(None, alias="from"),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """The four keys per ISO week over the period."""
    start, end = _period(from_, to)
    weeks = selectors.dora_trend(actor=request.user, team=team, repo=repo, start=start, end=end)
    return {"items": weeks, "count": len(weeks)}


@router.get("/deployments", response=DeploymentPage)
def deployments(
    request: HttpRequest,
    team: str | None = None,
    repo: str | None = None,
    failed: bool = False,
    limit: int | None = None,
    offset: int | None = None,
    to: date | None = None,
    from_: date | None = Query(None, alias="from"),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """Production deployments of a scope; `failed=true`: those counted as change failures."""
    qs = selectors.deployment_list(
        actor=request.user,
        team=team,
        repo=repo,
        start=parse_day(from_, "from"),
        end=parse_day(to, "to"),
        failed_only=failed,
    )
    result = paginate(qs, limit=limit, offset=offset, render=lambda d: d)
    result["items"] = [deployment_dict(d) for d in selectors.with_shipped_counts(result["items"])]
    return result


@router.get("/incidents", response=IncidentPage)
def incidents(
    request: HttpRequest,
    team: str | None = None,
    repo: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
    to: date | None = None,
    from_: date | None = Query(None, alias="from"),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """Incidents of a scope created in the period."""
    qs = selectors.incident_list(
        actor=request.user,
        team=team,
        repo=repo,
        start=parse_day(from_, "from"),
        end=parse_day(to, "to"),
    )
    return paginate(qs, limit=limit, offset=offset, render=incident_dict)


@router.get("/lead-time-commits", response=LeadTimeCommitPage)
def lead_time_commits(
    request: HttpRequest,
    team: str | None = None,
    repo: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
    to: date | None = None,
    from_: date | None = Query(None, alias="from"),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """The commits behind lead time for changes in the period, with their lead time."""
    start, end = _period(from_, to)
    rows = selectors.shipped_commits(actor=request.user, team=team, repo=repo, start=start, end=end)
    # Counted and sliced from the deployments' shipped times (`len` and slices, as a list).
    return paginate(rows, limit=limit, offset=offset, render=_commit_dict)  # type: ignore[arg-type]


# ---------------------------------------------------------------- webhooks


def _unauthorized() -> JsonResponse:
    return JsonResponse(
        {"detail": "Unauthorized: send the source's token as a Bearer token"}, status=401
    )


def _receive(request: HttpRequest, kind: str) -> JsonResponse:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or services.webhook_source_for_token(raw.strip()) is None:
        return _unauthorized()
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"detail": "body is not JSON", "errors": []}, status=422)
    if not isinstance(payload, dict):
        return JsonResponse(
            {
                "detail": "body must be one JSON object",
                "errors": [{"field": "body", "message": "not an object"}],
            },
            status=422,
        )
    validate = services.deployment_validate if kind == "deployments" else services.incident_validate
    _clean, errors = validate(payload)
    if errors:
        return JsonResponse(
            {
                "detail": "invalid payload",
                "errors": [{"field": e.field, "message": e.message} for e in errors],
            },
            status=422,
        )
    if kind == "deployments":
        try:
            deployment, created = services.deployment_upsert(
                actor=SYSTEM, data=payload, source=RecordSource.WEBHOOK
            )
        except services.DeploymentConflict as exc:
            return JsonResponse({"detail": str(exc), "errors": []}, status=409)
        body = deployment_dict(deployment)
    else:
        incident, created = services.incident_upsert(
            actor=SYSTEM, data=payload, source=RecordSource.WEBHOOK
        )
        body = incident_dict(incident)
    return JsonResponse({**body, "created": created}, status=201 if created else 200)


@webhooks.post(
    "/deployments", auth=None, response={200: DeploymentReceived, 201: DeploymentReceived}
)
def webhook_deployments(request: HttpRequest) -> JsonResponse:
    """Receive one deployment (CSV columns as JSON fields); the same `id` updates."""
    return _receive(request, "deployments")


@webhooks.post("/incidents", auth=None, response={200: IncidentReceived, 201: IncidentReceived})
def webhook_incidents(request: HttpRequest) -> JsonResponse:
    """Receive one incident (CSV columns as JSON fields); the same `id` updates."""
    return _receive(request, "incidents")
