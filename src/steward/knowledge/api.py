"""Code knowledge API, mounted under /api/v1/engineering (truck factor, map, hotspots, coupling)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from steward.core.errors import BadInput
from steward.knowledge import selectors
from steward.knowledge.schemas import (
    CouplingOut,
    CrossRepositoryChangesOut,
    CrossRepositoryCouplingOut,
    HotspotsOut,
    KnowledgeMapOut,
    TeamAlignmentOut,
    TruckFactorOut,
    WhatIfOut,
)

router = Router(tags=["code knowledge"])


def _repo(name: str) -> Any:
    return selectors.repository_by_name(name)


@router.get(
    "/truck-factor",
    response=TruckFactorOut,
    exclude_unset=True,
    summary="Truck factor of a repository at a revision, or of a team",
)
def truck_factor(
    request: HttpRequest,
    repo: str | None = None,
    team: str | None = None,
    rev: str | None = None,
    exclude: list[str] = Query([]),
    path: list[str] = Query([]),
    pruned: bool = False,
) -> dict[str, Any]:
    """METRICS.md truck factor; `authors` the caller may not see individually are null.
    `path=` (repeatable, with `repo=`): only the files in these folders, files or globs (a
    catalog service's paths)."""
    if bool(repo) == bool(team):
        raise BadInput("give exactly one of repo=NAME or team=SLUG")
    if team:
        from steward.org import selectors as org_selectors

        found = org_selectors.team_by_slug(team)
        if found is None:
            raise BadInput(f"team {team!r}: no such team")
        if path:
            raise BadInput("path= applies to one repository (repo=), not to a team")
        return selectors.team_truck_factor(
            actor=request.user, team=found, exclude=exclude, pruned=pruned
        )
    assert repo is not None
    return selectors.repository_truck_factor(
        actor=request.user,
        repository=_repo(repo),
        rev=rev,
        exclude=exclude,
        pruned=pruned,
        paths=path,
    )


@router.get(
    "/knowledge-map",
    response=KnowledgeMapOut,
    exclude_unset=True,
    summary="Authors, main developer and abandoned files per file",
)
def knowledge_map(
    request: HttpRequest, repo: str, folder: str = "", on: date | None = None
) -> dict[str, Any]:
    """The knowledge map of a repository (or one folder of it) on a day (default today)."""
    return selectors.knowledge_map(actor=request.user, repository=_repo(repo), on=on, folder=folder)


@router.get(
    "/hotspots",
    response=HotspotsOut,
    exclude_unset=True,
    summary="Files by revisions in the window, then size",
)
def hotspots(request: HttpRequest, repo: str, months: int = 12, limit: int = 50) -> dict[str, Any]:
    """METRICS.md hotspots of a repository."""
    return selectors.hotspots(
        actor=request.user, repository=_repo(repo), months=months, limit=limit
    )


@router.get(
    "/coupling",
    response=CouplingOut,
    exclude_unset=True,
    summary="Change coupling between files or folders",
)
def coupling(
    request: HttpRequest, repo: str, months: int = 12, depth: int | None = None
) -> dict[str, Any]:
    """METRICS.md change coupling (code-maat); `depth` aggregates files into folders first."""
    return selectors.repository_coupling(
        actor=request.user, repository=_repo(repo), months=months, depth=depth
    )


@router.get(
    "/cross-repository-coupling",
    response=CrossRepositoryCouplingOut,
    exclude_unset=True,
    summary="Change coupling between repositories (commits grouped into logical changes)",
)
def cross_repository_coupling(
    request: HttpRequest, months: int = 12, by: str = "work-item", depth: int | None = None
) -> dict[str, Any]:
    """Repositories (or their folders, `depth`) changed by the same work items (`by=work-item`)
    or by the same person on the same day (`by=author-day`); docs/code-knowledge.md."""
    return selectors.cross_repository_coupling(
        actor=request.user, months=months, by=by, depth=depth
    )


@router.get(
    "/cross-repository-changes",
    response=CrossRepositoryChangesOut,
    exclude_unset=True,
    summary="The logical changes behind one pair of the cross-repository coupling",
)
def cross_repository_changes(
    request: HttpRequest,
    repo: str,
    coupled_repo: str,
    folder: str | None = None,
    coupled_folder: str | None = None,
    months: int = 12,
    by: str = "work-item",
    depth: int | None = None,
) -> dict[str, Any]:
    """The shared logical changes of a pair, each with its commits in the two repositories."""
    return selectors.cross_repository_changes(
        actor=request.user,
        repo=repo,
        coupled_repo=coupled_repo,
        folder=folder,
        coupled_folder=coupled_folder,
        months=months,
        by=by,
        depth=depth,
    )


@router.get(
    "/team-alignment",
    response=TeamAlignmentOut,
    exclude_unset=True,
    summary="Share of each repository's commits by its owning team",
)
def team_alignment(request: HttpRequest, months: int = 12) -> dict[str, Any]:
    """METRICS.md team–code alignment."""
    return selectors.team_alignment(actor=request.user, months=months)


@router.get(
    "/what-if",
    response=WhatIfOut,
    exclude_unset=True,
    summary="What if these people leave: files losing their last author, truck factors",
)
def what_if(
    request: HttpRequest, person: list[str] = Query(...), on: date | None = None
) -> dict[str, Any]:
    """METRICS.md "what if X leaves" for one or several people (`person=` employee id,
    repeatable); 403 unless the caller may see each person's individual activity (the person
    page's rule: the person, their managers, the CTO and admins)."""
    return selectors.what_if_people_leave(actor=request.user, employee_ids=person, on=on)
