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
from steward.knowledge.truckfactor import truck_factor


def _repositories(user: Any) -> list[Any]:
    return [r for r in eng.repository_list(actor=user) if r.head_sha]


def _key_people(user: Any, analysis: selectors.Analysis, result: Any) -> dict[str, Any]:
    visible = selectors._visible_developers(user, analysis, (d for d, _ in result.removed))
    devs = analysis.authorship.developers
    shown = [(devs[d].name, n) for d, n in result.removed if d in visible]
    return {"shown": shown, "hidden": len(result.removed) - len(shown)}


def risk(request: HttpRequest) -> HttpResponse:
    """Repositories and teams by truck factor, abandoned share and key people; what if X leaves."""
    user = request.user
    on = timezone.localdate()
    repos: list[dict[str, Any]] = []
    problems: list[str] = []
    for repo in _repositories(user):
        try:
            analysis = selectors.analyse([repo])
        except StewardError as exc:
            problems.append(f"{repo.name}: {exc}")
            continue
        gone = selectors.departed_developers(analysis, on)
        result = truck_factor(analysis.authorship, without=gone)
        abandoned = len(selectors.abandoned_files(analysis, on))
        files = len(analysis.authorship.files)
        repos.append(
            {
                "repo": repo,
                "truck_factor": result.truck_factor,
                "files": files,
                "abandoned": abandoned,
                "abandoned_share": abandoned / files if files else None,
                "people": _key_people(user, analysis, result),
            }
        )
    repos.sort(key=lambda r: (r["truck_factor"], r["repo"].name))
    teams: list[dict[str, Any]] = []
    for team in selectors.teams_with_repositories(user):
        try:
            analysis = selectors.analyse(selectors.team_repositories(team))
        except StewardError as exc:
            problems.append(f"{team.name}: {exc}")
            continue
        gone = selectors.departed_developers(analysis, on)
        result = truck_factor(analysis.authorship, without=gone)
        abandoned = len(selectors.abandoned_files(analysis, on))
        files = len(analysis.authorship.files)
        teams.append(
            {
                "team": team,
                "repos": [i.repository.name for i in analysis.inputs],
                "truck_factor": result.truck_factor,
                "files": files,
                "abandoned": abandoned,
                "abandoned_share": abandoned / files if files else None,
                "people": _key_people(user, analysis, result),
            }
        )
    # What if X leaves: only people whose individual figures the user may see.
    from steward.org import selectors as org_selectors

    candidates = [
        p
        # Names only: no emails prefetched for 2,000 people (a third of the page's time).
        for p in org_selectors.person_list(actor=user, active_on=on)
        .prefetch_related(None)
        .order_by("name")
        if policy.may_see_individual_activity(user, p)
    ]
    chosen_ids = {int(x) for x in request.GET.getlist("leave") if x.isdigit()}
    chosen = [p for p in candidates if p.pk in chosen_ids]
    scenario: list[dict[str, Any]] = []
    if chosen:
        ids = {p.pk for p in chosen}
        for entry in [*({"what": r["repo"].name, "repos": [r["repo"]]} for r in repos)] + [
            {"what": t["team"].name, "repos": selectors.team_repositories(t["team"])} for t in teams
        ]:
            analysis = selectors.analyse(entry["repos"])
            leaving = selectors.developers_of_people(analysis, ids)
            outcome = selectors.what_if(analysis, leaving, on)
            scenario.append({"what": entry["what"], **outcome})
    return render(
        request,
        "knowledge/risk.html",
        {
            "repos": repos,
            "teams": teams,
            "problems": problems,
            "on": on,
            "candidates": candidates,
            "chosen": chosen,
            "scenario": scenario,
        },
    )


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
