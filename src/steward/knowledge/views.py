"""Code knowledge pages: knowledge risk, knowledge map, a file's commits, hotspots, coupling.

Person-level figures (who the key people are, a file's authors, "what if X leaves") follow
`policy.may_see_individual_activity`, like the engineering app's per-person commit counts: the
person, their managers, the CTO and admins see them; everyone else sees counts, not names.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from steward.core import policy
from steward.core.errors import StewardError
from steward.engineering import selectors as eng
from steward.knowledge import selectors, treemap
from steward.knowledge.risk import knowledge_risk


def _repositories(user: Any) -> list[Any]:
    return [r for r in eng.repository_list(actor=user) if r.head_sha]


def risk(request: HttpRequest) -> HttpResponse:
    """Repositories and teams by truck factor, abandoned share and key people; what if X leaves."""
    leave = {int(x) for x in request.GET.getlist("leave") if x.isdigit()}
    context = knowledge_risk(actor=request.user, on=timezone.localdate(), leave=leave)
    return render(request, "knowledge/risk.html", context)


def knowledge_map(request: HttpRequest, name: str) -> HttpResponse:
    """One repository's knowledge map: folders (truck factor, abandoned) and files (authors)."""
    repo = eng.repository_get(actor=request.user, name=name)
    if repo is None:
        raise Http404("no such repository")
    folder = request.GET.get("folder", "")
    try:
        data = selectors.knowledge_map(actor=request.user, repository=repo, folder=folder)
    except StewardError as exc:
        return render(request, "knowledge/map.html", {"repo": repo, "error": str(exc)})
    files = sorted(data["files"], key=lambda f: (not f["abandoned"], f["author_count"], f["path"]))
    crumbs = []
    parts = [p for p in data["folder"].split("/") if p]
    for i, part in enumerate(parts):
        crumbs.append({"name": part, "folder": "/".join(parts[: i + 1])})
    return render(
        request,
        "knowledge/map.html",
        {
            "repo": repo,
            "data": data,
            "files": files[:300],
            "more": max(0, len(files) - 300),
            "crumbs": crumbs,
            "sees_people": policy.may_see_individual_activity(request.user, None),
        },
    )


def file_commits(request: HttpRequest, name: str, path: str) -> HttpResponse:
    """The commits that changed one file: the evidence behind its authors and revisions."""
    repo = eng.repository_get(actor=request.user, name=name)
    if repo is None:
        raise Http404("no such repository")
    rows = eng.commits_touching(repo, path)
    resolver = (
        None
        if policy.may_see_individual_activity(request.user, None)
        else (eng.identity_resolver())
    )
    for row in rows:
        row["shown"] = resolver is None or policy.may_see_individual_activity(
            request.user, resolver.person(row["email"])
        )
    return render(request, "knowledge/file.html", {"repo": repo, "path": path, "commits": rows})


def _repo_from_query(request: HttpRequest) -> tuple[Any, list[Any]]:
    repos = _repositories(request.user)
    wanted = request.GET.get("repo")
    repo = next((r for r in repos if r.name == wanted), None)
    if repo is None and repos:
        repo = repos[0]
    return repo, repos


def hotspots(request: HttpRequest) -> HttpResponse:
    """Hotspots of a repository: a ranked list and a treemap (area = size, colour = changes)."""
    repo, repos = _repo_from_query(request)
    data: dict[str, Any] = {"files": []}
    chart = ""
    if repo is not None:
        data = selectors.hotspots(actor=request.user, repository=repo, limit=200)
        top = max((f["revisions"] for f in data["files"]), default=0)
        cells = [
            treemap.Cell(
                label=f"{f['path']}\n{f['revisions']} changes, {f['size']} lines",
                value=max(f["size"], 1),
                heat=f["revisions"] / top if top else 0,
                url=reverse("knowledge:file", args=[repo.name, f["path"]]),
            )
            for f in data["files"][:120]
        ]
        chart = mark_safe(treemap.svg(cells, title=f"Hotspots of {repo.name}"))
    return render(
        request,
        "knowledge/hotspots.html",
        {"repo": repo, "repos": repos, "data": data, "chart": chart, "rows": data["files"][:50]},
    )


def coupling(request: HttpRequest) -> HttpResponse:
    """Change coupling between files or folders, and team–code alignment."""
    repo, repos = _repo_from_query(request)
    depth_raw = request.GET.get("depth", "")
    depth = int(depth_raw) if depth_raw.isdigit() and int(depth_raw) > 0 else None
    data: dict[str, Any] = {"pairs": []}
    if repo is not None:
        data = selectors.repository_coupling(actor=request.user, repository=repo, depth=depth)
    alignment = selectors.team_alignment(actor=request.user)
    return render(
        request,
        "knowledge/coupling.html",
        {
            "repo": repo,
            "repos": repos,
            "depth": depth,
            "data": data,
            "pairs": data["pairs"][:100],
            "alignment": alignment,
        },
    )


def cross_repository(request: HttpRequest) -> HttpResponse:
    """The evidence of one cross-repository pair: the logical changes touching both, with
    their commits (no authors named)."""
    from steward.core.errors import BadInput

    get = request.GET
    repo, coupled = get.get("repo", ""), get.get("coupled_repo", "")
    by = get.get("by", "work-item")
    depth_raw = get.get("depth", "")
    depth = int(depth_raw) if depth_raw.isdigit() and int(depth_raw) > 0 else None
    visible = {r.name for r in _repositories(request.user)}
    if repo not in visible or coupled not in visible:
        raise Http404("no such repository")
    try:
        data = selectors.cross_repository_changes(
            actor=request.user,
            repo=repo,
            coupled_repo=coupled,
            folder=get.get("folder"),
            coupled_folder=get.get("coupled_folder"),
            by=by,
            depth=depth,
        )
    except BadInput as exc:
        raise Http404(str(exc)) from exc
    side = f"{repo}/{get['folder']}" if depth and get.get("folder") else repo
    other = f"{coupled}/{get['coupled_folder']}" if depth and get.get("coupled_folder") else coupled
    return render(
        request,
        "knowledge/cross_repository.html",
        {"side": side, "other": other, "by": by, "data": data},
    )
