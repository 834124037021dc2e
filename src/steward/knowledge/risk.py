"""The knowledge-risk page's figures: repositories and teams by truck factor, abandoned files
and key people, and "what if these people leave" (docs/code-knowledge.md).

The end dates of every person behind the analysed developers are read once for the whole
page (one query), not twice per repository and team."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Any

from steward.core import policy
from steward.core.errors import StewardError
from steward.core.policy import Actor
from steward.engineering import selectors as eng
from steward.knowledge import selectors
from steward.knowledge.truckfactor import truck_factor


def _departed(analysis: selectors.Analysis, ends: Mapping[int, date | None], on: date) -> set[int]:
    """`selectors.departed_developers` with the end dates already read."""
    return {
        dev
        for dev, people in analysis.developer_people().items()
        if people and all((end := ends.get(p)) is not None and end < on for p in people)
    }


def _row(
    actor: Actor, analysis: selectors.Analysis, ends: Mapping[int, date | None], on: date
) -> dict[str, Any]:
    gone = _departed(analysis, ends, on)
    result = truck_factor(analysis.authorship, without=gone)
    files = analysis.authorship.files
    abandoned = sum(1 for f in files if f.authors and all(a in gone for a in f.authors))
    visible = selectors._visible_developers(actor, analysis, (d for d, _ in result.removed))
    devs = analysis.authorship.developers
    shown = [(devs[d].name, n) for d, n in result.removed if d in visible]
    return {
        "truck_factor": result.truck_factor,
        "files": len(files),
        "abandoned": abandoned,
        "abandoned_share": abandoned / len(files) if files else None,
        "people": {"shown": shown, "hidden": len(result.removed) - len(shown)},
        "gone": gone,
        "analysis": analysis,
    }


def _people_behind(analyses: Iterable[selectors.Analysis]) -> set[int]:
    return {p for a in analyses for people in a.developer_people().values() for p in people}


def _candidates(actor: Actor, authors: Collection[int], on: date) -> list[Any]:
    """People employed on `on` who authored code in a repository `actor` sees and whose
    individual activity `actor` may see, by name (someone who never committed takes no code
    knowledge along, so they are not offered)."""
    from steward.org import selectors as org_selectors

    return [
        p
        # Names only: no e-mails prefetched.
        for p in org_selectors.person_list(actor=actor, active_on=on)
        .filter(pk__in=list(authors))
        .prefetch_related(None)
        .order_by("name")
        if policy.may_see_individual_activity(actor, p)
    ]


def knowledge_risk(*, actor: Actor, on: date, leave: Collection[int] = ()) -> dict[str, Any]:
    """The page's context: `repos` and `teams` (each with its analysis' figures), `problems`
    (repositories or teams that could not be analysed), `candidates` for "what if", the
    `chosen` among them (person ids in `leave`) and the `scenario` of their leaving."""
    problems: list[str] = []
    analysed: list[tuple[str, Any, selectors.Analysis]] = []
    # Counted once for the page, not once per analysis (55 queries on the demo).
    identities = eng.identity_count()
    for repo in selectors.ingested_repositories(actor):
        try:
            analysed.append(("repo", repo, selectors.analyse([repo], identities=identities)))
        except StewardError as exc:
            problems.append(f"{repo.name}: {exc}")
    for team in selectors.teams_with_repositories(actor):
        try:
            repos_of = selectors.team_repositories(team)
            analysed.append(("team", team, selectors.analyse(repos_of, identities=identities)))
        except StewardError as exc:
            problems.append(f"{team.name}: {exc}")
    authors = _people_behind(a for _, _, a in analysed)
    ends = selectors._people_end_dates(authors)
    repos: list[dict[str, Any]] = []
    teams: list[dict[str, Any]] = []
    for kind, subject, analysis in analysed:
        row = _row(actor, analysis, ends, on)
        if kind == "repo":
            repos.append({"repo": subject, **row})
        else:
            repos_of_team = [i.repository.name for i in analysis.inputs]
            teams.append({"team": subject, "repos": repos_of_team, **row})
    repos.sort(key=lambda r: (r["truck_factor"], r["repo"].name))
    candidates = _candidates(actor, authors, on)
    chosen = [p for p in candidates if p.pk in set(leave)]
    scenario: list[dict[str, Any]] = []
    if chosen:
        ids = {p.pk for p in chosen}
        for entry in [*repos, *teams]:
            analysis = entry["analysis"]
            leaving = selectors.developers_of_people(analysis, ids)
            outcome = selectors.what_if(analysis, leaving, on, gone=entry["gone"])
            what = entry["repo"].name if "repo" in entry else entry["team"].name
            scenario.append({"what": what, **outcome})
    return {
        "repos": repos,
        "teams": teams,
        "problems": problems,
        "on": on,
        "candidates": candidates,
        "chosen": chosen,
        "scenario": scenario,
    }
