"""Engineering pages: Delivery (the four keys), drill-downs, repositories and identities."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from steward.core import policy
from steward.core.errors import StewardError
from steward.core.tables import list_response
from steward.engineering import charts, config, selectors, services
from steward.engineering.filtersets import (
    DeliveryFilterSet,
    DeploymentFilterSet,
    IdentityFilterSet,
    IncidentFilterSet,
    LeadTimeFilterSet,
    RepositoryFilterSet,
)
from steward.engineering.models import Commit, Identity, Repository
from steward.engineering.tables import (
    DeploymentTable,
    IdentityTable,
    IncidentTable,
    LeadTimeTable,
    RepositoryTable,
)
from steward.org import selectors as org_selectors

KEY_LABELS = {
    "deployment_frequency": "Deployment frequency",
    "lead_time_for_changes": "Lead time for changes",
    "change_failure_rate": "Change failure rate",
    "failed_deployment_recovery_time": "Failed deployment recovery time",
}


def _query(**params: Any) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in params.items() if v not in (None, "", False)})


def delivery(request: HttpRequest) -> HttpResponse:
    """The four keys for the organization and per team, weekly trends, links to the evidence.

    The scope is picked by the Delivery filters (`DeliveryFilterSet`): a team by name (its slug,
    as the links carry, gives the same figures), a repository by name and the period; a bad
    value answers 400 with its error beside the field and no figures."""
    filterset = DeliveryFilterSet(request.GET, Commit.objects.none(), actor=request.user)
    if not filterset.form.is_valid():
        return render(
            request,
            "engineering/delivery.html",
            {"filter": filterset, "scope": filterset.scope},
            status=400,
        )
    scope = filterset.scope
    start, end = scope["start"], scope["end"]
    team, repo = scope["team"], scope["repo"]
    overall, weeks = selectors.dora_overview(
        actor=request.user, team=team, repo=repo, start=start, end=end
    )
    trend = [
        {"key": key, "label": KEY_LABELS[key], "svg": mark_safe(charts.trend_svg(weeks, key))}
        for key in KEY_LABELS
    ]
    teams = []
    team_page = None
    if not team and not repo:
        # 50 teams a page: the figures are computed for the page's teams only.
        team_page = Paginator(org_selectors.team_list(actor=request.user), 50).get_page(
            request.GET.get("page")
        )
        team_rows = list(team_page.object_list)
        by_team = selectors.dora_metrics_by_team(
            actor=request.user, teams=[t.slug for t in team_rows], start=start, end=end
        )
        for t in team_rows:
            figures = by_team[t.slug]
            teams.append(
                {
                    "team": t,
                    "figures": figures,
                    "q": _query(team=t.slug, **{"from": start, "to": end}),
                }
            )
    base = {"team": team, "repo": repo, "from": start, "to": end}
    return render(
        request,
        "engineering/delivery.html",
        {
            "filter": filterset,
            "overall": overall,
            "trend": trend,
            "teams": teams,
            "page": team_page,
            "scope": scope,
            "q": _query(**base),
        },
    )


def deployments(request: HttpRequest) -> HttpResponse:
    """Drill-down: the production deployments of a scope and period (optionally only failures),
    sortable, 100 a page, with their CSV."""
    return _deployment_rows(request, csv_filename=None)


def deployments_csv(request: HttpRequest) -> HttpResponse:
    """The deployments of the drill-down (same filters and order, every page) as CSV."""
    return _deployment_rows(request, csv_filename="deployments.csv")


def _deployment_rows(request: HttpRequest, *, csv_filename: str | None) -> HttpResponse:
    named = set(
        selectors.incident_list(actor=request.user)
        .exclude(deployment_external_id="")
        .values_list("deployment_external_id", flat=True)
    )
    return list_response(
        request,
        # The filterset calls the selector with the scope picked (engineering/filtersets.py).
        rows=selectors.deployment_list(actor=request.user),
        table=DeploymentTable,
        filters=DeploymentFilterSet,
        template="engineering/deployments.html",
        csv_url=reverse("engineering:deployments_csv"),
        csv_filename=csv_filename,
        table_kwargs={"named": named},
    )


def deployment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One deployment: the commits it shipped first, and the incidents that name it."""
    deployment = (
        selectors.deployment_list(actor=request.user, production_only=False).filter(pk=pk).first()
    )
    if deployment is None:
        raise Http404("no such deployment")
    commits = deployment.shipped_commits.filter(reachable=True).order_by("-committed_at")[:500]
    incidents = selectors.incident_list(actor=request.user).filter(
        deployment_external_id=deployment.external_id
    )
    return render(
        request,
        "engineering/deployment_detail.html",
        {"deployment": deployment, "commits": commits, "incidents": incidents},
    )


def lead_time(request: HttpRequest) -> HttpResponse:
    """Drill-down: the commits counted in lead time for changes, each with its lead time,
    sortable, 100 a page, with their CSV."""
    return _lead_time_rows(request, csv_filename=None)


def lead_time_csv(request: HttpRequest) -> HttpResponse:
    """The commits of the lead-time drill-down (same filters and order, every page) as CSV."""
    return _lead_time_rows(request, csv_filename="lead-time-commits.csv")


def _lead_time_rows(request: HttpRequest, *, csv_filename: str | None) -> HttpResponse:
    return list_response(
        request,
        # The filterset calls `selectors.shipped_commits` with the scope picked.
        rows=Commit.objects.none(),
        table=LeadTimeTable,
        filters=LeadTimeFilterSet,
        template="engineering/lead_time.html",
        csv_url=reverse("engineering:lead_time_csv"),
        csv_filename=csv_filename,
    )


def incidents(request: HttpRequest) -> HttpResponse:
    """Drill-down: incidents of a scope resolved in the period (those in recovery time)."""
    return _incident_rows(request, csv_filename=None)


def incidents_csv(request: HttpRequest) -> HttpResponse:
    """The incidents of the drill-down (same filters and order, every page) as CSV."""
    return _incident_rows(request, csv_filename="incidents.csv")


def _incident_rows(request: HttpRequest, *, csv_filename: str | None) -> HttpResponse:
    return list_response(
        request,
        rows=selectors.incident_list(actor=request.user),
        table=IncidentTable,
        filters=IncidentFilterSet,
        template="engineering/incidents.html",
        csv_url=reverse("engineering:incidents_csv"),
        csv_filename=csv_filename,
    )


def repositories(request: HttpRequest) -> HttpResponse:
    """Repositories, their owners and ingestion state; admins start an ingestion job here."""
    from django_tasks_db.models import DBTaskResult

    is_admin = policy.has_role(request.user, policy.Role.ADMIN)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied("only admins start ingestion")
        from steward.engineering.tasks import ingest_git_job

        paths = [p.strip() for p in request.POST.get("paths", "").splitlines() if p.strip()]
        if paths:
            ingest_git_job.enqueue(paths, request.POST.get("team") or None)
            messages.success(request, f"Ingestion of {len(paths)} path(s) queued.")
        return redirect("engineering:repositories")
    jobs = (
        DBTaskResult.objects.filter(task_path__endswith="ingest_git_job").order_by("-enqueued_at")[
            :10
        ]
        if is_admin
        else []
    )
    context = {
        "is_admin": is_admin,
        "jobs": jobs,
        "teams": org_selectors.team_list(actor=request.user),
    }
    return _repository_rows(request, context=context)


def repositories_csv(request: HttpRequest) -> HttpResponse:
    """The repositories (same filters and order) as CSV."""
    return _repository_rows(request, csv_filename="repositories.csv")


def _repository_rows(
    request: HttpRequest,
    *,
    context: dict[str, Any] | None = None,
    csv_filename: str | None = None,
) -> HttpResponse:
    return list_response(
        request,
        rows=selectors.repository_list(actor=request.user).order_by("name"),
        table=RepositoryTable,
        filters=RepositoryFilterSet,
        template="engineering/repositories.html",
        context=context,
        csv_url=reverse("engineering:repositories_csv"),
        csv_filename=csv_filename,
    )


def pick_repositories(request: HttpRequest) -> HttpResponse:
    """HTMX picker suggestions: the visible repositories whose name contains what was typed."""
    text = (request.GET.get(request.GET.get("field", "q"), "") or request.GET.get("q", "")).strip()
    rows = selectors.repository_list(actor=request.user)
    if text:
        rows = rows.filter(name__icontains=text)
    names = rows.order_by("name").values_list("name", flat=True)[:20]
    return HttpResponse(format_html_join("", '<option value="{}"></option>', ((n,) for n in names)))


def repository_detail(request: HttpRequest, name: str) -> HttpResponse:
    """A repository: ownership, deployment tag pattern, contributors and tags."""
    repo = selectors.repository_get(actor=request.user, name=name)
    if repo is None:
        raise Http404("no such repository")
    if request.method == "POST":
        team_slug = request.POST.get("team", "")
        team = org_selectors.team_get(actor=request.user, slug=team_slug) if team_slug else None
        try:
            services.repository_update(
                actor=request.user,
                repository=Repository.objects.get(pk=repo.pk),
                team=team,
                clear_team=not team_slug,
                tag_pattern=request.POST.get("tag_pattern", ""),
            )
        except StewardError as exc:
            messages.error(request, str(exc))
        return redirect("engineering:repository_detail", name=repo.name)
    contributors = selectors.contributors(actor=request.user, repository=repo)
    return render(
        request,
        "engineering/repository_detail.html",
        {
            "repo": repo,
            "contributors": contributors["contributors"][:50],
            "others": contributors["others"],
            "tags": repo.tags.order_by("-tagged_at")[:30],
            "may_change": policy.has_role(request.user, policy.Role.ADMIN),
            "teams": org_selectors.team_list(actor=request.user),
        },
    )


def identities(request: HttpRequest) -> HttpResponse:
    """Author identities not matched to a person: link them to a person or mark them as bots."""
    if not policy.has_role(request.user, policy.Role.ADMIN):
        raise PermissionDenied("only admins manage identities")
    if request.method == "POST" and request.POST.get("action") == "patterns":
        try:
            config.patterns_set(
                bots=[p.strip() for p in request.POST.get("bots", "").splitlines() if p.strip()],
                link_keys=[
                    p.strip() for p in request.POST.get("link_keys", "").splitlines() if p.strip()
                ],
            )
            messages.success(
                request,
                "Patterns saved; they apply to identities and commits ingested from now on.",
            )
        except re.error as exc:
            messages.error(request, f"Not a regular expression: {exc}")
        return redirect(request.path)
    if request.method == "POST":
        raw_id = request.POST.get("identity", "")
        identity = Identity.objects.filter(pk=int(raw_id)).first() if raw_id.isdigit() else None
        if identity is None:
            raise Http404("no such identity")
        action = request.POST.get("action")
        if action == "bot":
            services.identity_mark_bot(actor=request.user, identity=identity)
        elif action == "reset":
            services.identity_reset(actor=request.user, identity=identity)
        elif action == "link":
            person, problem = _person_picked(request)
            if person is None:
                messages.error(request, problem)
            else:
                services.identity_link(actor=request.user, identity=identity, person=person)
        return redirect(f"{request.path}?state={request.POST.get('state', 'unmatched')}")
    return _identity_rows(
        request,
        context={
            "bot_patterns": "\n".join(config.bot_patterns()),
            "link_key_patterns": "\n".join(config.link_key_patterns()),
        },
    )


def _person_picked(request: HttpRequest) -> tuple[Any, str]:
    """The person a link names: a picker label ("Name (E0012)"), a name, or an employee ID
    (`person`; `employee_id` as before); the problem when none or several match."""
    from steward.org.forms import resolve_person

    text = (request.POST.get("person") or request.POST.get("employee_id") or "").strip()
    if not text:
        return None, "Type the name or employee ID of the person to link."
    person = org_selectors.person_get(actor=request.user, employee_id=text)
    if person is not None:
        return person, ""
    found = resolve_person(org_selectors.person_list(actor=request.user), text)
    if len(found) == 1:
        return found[0], ""
    if not found:
        return None, f"No person named {text!r}: pick one from the list."
    return None, f"{len(found)} people match {text!r}: pick one from the list."


def identities_csv(request: HttpRequest) -> HttpResponse:
    """The identities of the page (same filters, every page) with their commits, as CSV."""
    if not policy.has_role(request.user, policy.Role.ADMIN):
        raise PermissionDenied("only admins manage identities")
    return _identity_rows(request, csv_filename="identities.csv")


def _identity_rows(
    request: HttpRequest,
    *,
    context: dict[str, Any] | None = None,
    csv_filename: str | None = None,
) -> HttpResponse:
    state = request.GET.get("state") or "unmatched"
    return list_response(
        request,
        rows=selectors.identity_list(actor=request.user, state="all"),
        table=IdentityTable,
        filters=IdentityFilterSet,
        template="engineering/identities.html",
        context=context,
        csv_url=reverse("engineering:identities_csv"),
        csv_filename=csv_filename,
        table_kwargs={"state": state},
    )
