"""`steward metrics truck-factor | knowledge-map | hotspots | coupling |
cross-repository-coupling` (mounted on engineering's
`metrics` command group)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import typer

from steward.core.actors import SYSTEM
from steward.core.cli_support import command, console, print_json
from steward.engineering.cli import metrics_app

# The options several commands share.
_REPO = typer.Option(..., help="Repository name.")
_MONTHS = typer.Option(12, min=1, help="Window in months (default 12).")
_JSON = typer.Option(False, "--json", help="Print JSON (docs/code-knowledge.md).")


def _report(
    data: dict[str, Any],
    json_: bool,
    head: str,
    rows: Iterable[dict[str, Any]],
    line: Callable[[dict[str, Any]], str],
    *,
    markup: bool = False,
) -> None:
    """Print `data` as JSON with --json; else `head`, then a line per row."""
    if json_:
        print_json(data)
        return
    console.print(head, markup=markup)
    for row in rows:
        console.print(line(row), markup=markup)


@metrics_app.command("truck-factor")
@command
def metrics_truck_factor(
    repo: str | None = typer.Option(None, help="Repository name."),
    team: str | None = typer.Option(None, help="Team slug: the union of its repositories."),
    rev: str | None = typer.Option(None, help="Revision (default: the ingested HEAD)."),
    exclude: list[str] = typer.Option([], help="Glob of paths to leave out (repeatable)."),  # noqa: B008
    include: list[str] = typer.Option([], help="Glob of the only paths to analyse (repeatable)."),  # noqa: B008
    path: list[str] = typer.Option(  # noqa: B008
        [],
        "--path",
        help="Only files in this folder, file or glob (repeatable; a catalog service's paths).",
    ),
    pruned: bool = typer.Option(False, "--pruned", help="The tool's 2018 pruned variant."),
    json_: bool = typer.Option(False, "--json", help="Print JSON (METRICS.md shape)."),
) -> None:
    """Truck factor (Avelino et al. 2016) of a repository at a revision, or of a team."""
    from steward.core.errors import BadInput
    from steward.knowledge import selectors

    if bool(repo) == bool(team):
        raise BadInput("give exactly one of --repo NAME or --team SLUG")
    if team:
        from steward.org import selectors as org_selectors

        found = org_selectors.team_by_slug(team)
        if found is None:
            raise BadInput(f"--team {team!r}: no such team")
        if rev or path:
            raise BadInput("--rev and --path apply to one repository (--repo), not to a team")
        data = selectors.team_truck_factor(
            actor=SYSTEM, team=found, include=include, exclude=exclude, pruned=pruned
        )
    else:
        assert repo is not None
        data = selectors.repository_truck_factor(
            actor=SYSTEM,
            repository=selectors.repository_by_name(repo),
            rev=rev,
            include=include,
            exclude=exclude,
            pruned=pruned,
            paths=path,
        )
    what = data.get("repo") or data.get("team")
    coverage = data["coverage"]
    _report(
        data,
        json_,
        f"Truck factor of {what}: {data['truck_factor']} "
        f"({data['files_analyzed']:,} files analysed"
        + (f", {coverage:.0%} still covered after removing them)" if coverage is not None else ")"),
        data["authors"],
        lambda author: f"  {author['name']} <{author['developer']}>: {author['files']:,} files",
        markup=True,
    )


def _repository(name: str) -> Any:
    from steward.knowledge import selectors

    return selectors.repository_by_name(name)


@metrics_app.command("knowledge-map")
@command
def metrics_knowledge_map(
    repo: str = _REPO,
    folder: str = typer.Option("", help="Only this folder (its files and sub-folders)."),
    on: str | None = typer.Option(None, help="Analysis date YYYY-MM-DD (default: today)."),
    json_: bool = _JSON,
) -> None:
    """Knowledge map of a repository: per folder its truck factor and abandoned files, per file
    its authors (DOA), main developer, ownership, fragmentation and whether it is abandoned."""
    from datetime import date

    from steward.core.errors import BadInput
    from steward.knowledge import selectors

    try:
        day = date.fromisoformat(on) if on else None
    except ValueError as exc:
        raise BadInput(f"--on {on!r}: not a date YYYY-MM-DD") from exc
    data = selectors.knowledge_map(
        actor=SYSTEM, repository=_repository(repo), on=day, folder=folder
    )
    where = f"{data['repo']}/{data['folder']}" if data["folder"] else data["repo"]
    _report(
        data,
        json_,
        f"{where} on {data['on']}: {len(data['files']):,} files analysed, "
        f"{data['abandoned']:,} abandoned (every author has left)",
        data["folders"],
        lambda row: (
            f"  {row['folder']}/: {row['files']:,} files, "
            f"truck factor {row['truck_factor']}, {row['abandoned']:,} abandoned"
        ),
    )


@metrics_app.command("hotspots")
@command
def metrics_hotspots(
    repo: str = _REPO,
    months: int = _MONTHS,
    limit: int = typer.Option(50, min=1, help="How many files (default 50)."),
    json_: bool = _JSON,
) -> None:
    """Hotspots of a repository: files by changes in the window, then size (non-blank lines)."""
    from steward.knowledge import selectors

    data = selectors.hotspots(
        actor=SYSTEM, repository=_repository(repo), months=months, limit=limit
    )
    _report(
        data,
        json_,
        f"Hotspots of {data['repo']} since {data['since']}:",
        data["files"],
        lambda row: (
            f"  {row['path']}: {row['revisions']:,} changes "
            f"({row['previous_revisions']:,} the window before), {row['size']:,} lines"
        ),
    )


@metrics_app.command("coupling")
@command
def metrics_coupling(
    repo: str = _REPO,
    months: int = _MONTHS,
    depth: int | None = typer.Option(
        None, min=1, help="Aggregate files into folders of this many path segments first."
    ),
    json_: bool = _JSON,
) -> None:
    """Change coupling (code-maat) between the files, or folders, of a repository."""
    from steward.knowledge import selectors

    data = selectors.repository_coupling(
        actor=SYSTEM, repository=_repository(repo), months=months, depth=depth
    )
    _report(
        data,
        json_,
        f"Change coupling in {data['repo']} since {data['since']} ({data['level']}): "
        f"{len(data['pairs']):,} pairs",
        data["pairs"],
        lambda row: (
            f"  {row['entity']} ~ {row['coupled']}: {row['degree']} % "
            f"({row['shared']:,} shared commits)"
        ),
    )


@metrics_app.command("cross-repository-coupling")
@command
def metrics_cross_repository_coupling(
    months: int = _MONTHS,
    by: str = typer.Option(
        "work-item",
        help="Group commits into logical changes by work item (shared link key) or author-day.",
    ),
    depth: int | None = typer.Option(
        None, min=1, help="Couple folders of this many path segments instead of repositories."
    ),
    json_: bool = _JSON,
) -> None:
    """Change coupling across repositories (docs/code-knowledge.md)."""
    from steward.knowledge import selectors

    data = selectors.cross_repository_coupling(actor=SYSTEM, months=months, by=by, depth=depth)

    def side(repo: str, folder: str | None) -> str:
        return f"{repo}/{folder}" if folder is not None else repo

    _report(
        data,
        json_,
        f"Coupling across repositories since {data['since']} by {data['by']} "
        f"({data['level']}): {len(data['pairs']):,} pairs over {data['changes']:,} logical changes",
        data["pairs"],
        lambda row: (
            f"  {side(row['repo'], row['folder'])} ~ "
            f"{side(row['coupled_repo'], row['coupled_folder'])}: {row['degree']} % "
            f"({row['shared']:,} shared)"
        ),
    )


@metrics_app.command("what-if")
@command
def metrics_what_if(
    person: list[str] = typer.Option(  # noqa: B008
        ..., "--person", help="Employee id of a person assumed to leave (repeatable)."
    ),
    on: str | None = typer.Option(None, help="Analysis date YYYY-MM-DD (default: today)."),
    json_: bool = _JSON,
) -> None:
    """What if these people leave: per repository they authored in and per team owning one,
    the files that lose their last author and the truck factor before and after."""
    from datetime import date

    from steward.core.errors import BadInput
    from steward.knowledge import selectors

    try:
        day = date.fromisoformat(on) if on else None
    except ValueError as exc:
        raise BadInput(f"--on {on!r}: not a date YYYY-MM-DD") from exc
    data = selectors.what_if_people_leave(actor=SYSTEM, employee_ids=person, on=day)
    who = ", ".join(p["name"] for p in data["people"])
    rows = [{**r, "what": r["repo"]} for r in data["repositories"]] + [
        {**t, "what": f"team {t['team_name']}"} for t in data["teams"]
    ]
    _report(
        data,
        json_,
        f"If {who} left on {data['on']}:",
        rows,
        lambda row: (
            f"  {row['what']}: truck factor {row['truck_factor_before']} → "
            f"{row['truck_factor_after']}, {len(row['files_losing_last_author']):,} of "
            f"{row['files_analyzed']:,} files lose their last author"
        ),
    )
