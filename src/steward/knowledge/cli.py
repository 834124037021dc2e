"""`steward metrics truck-factor | knowledge-map | hotspots | coupling` (mounted on engineering's
`metrics` command group)."""

from __future__ import annotations

from typing import Any

import typer

from steward.core.actors import SYSTEM
from steward.core.cli_support import command, console, print_json
from steward.engineering.cli import metrics_app


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
    if json_:
        print_json(data)
        return
    what = data.get("repo") or data.get("team")
    coverage = data["coverage"]
    console.print(
        f"Truck factor of {what}: {data['truck_factor']} "
        f"({data['files_analyzed']:,} files analysed"
        + (f", {coverage:.0%} still covered after removing them)" if coverage is not None else ")")
    )
    for author in data["authors"]:
        console.print(f"  {author['name']} <{author['developer']}>: {author['files']:,} files")


def _repository(name: str) -> Any:
    from steward.knowledge import selectors

    return selectors.repository_by_name(name)


@metrics_app.command("knowledge-map")
@command
def metrics_knowledge_map(
    repo: str = typer.Option(..., help="Repository name."),
    folder: str = typer.Option("", help="Only this folder (its files and sub-folders)."),
    on: str | None = typer.Option(None, help="Analysis date YYYY-MM-DD (default: today)."),
    json_: bool = typer.Option(False, "--json", help="Print JSON (docs/code-knowledge.md)."),
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
    if json_:
        print_json(data)
        return
    where = f"{data['repo']}/{data['folder']}" if data["folder"] else data["repo"]
    console.print(
        f"{where} on {data['on']}: {len(data['files']):,} files analysed, "
        f"{data['abandoned']:,} abandoned (every author has left)",
        markup=False,
    )
    for row in data["folders"]:
        console.print(
            f"  {row['folder']}/: {row['files']:,} files, truck factor {row['truck_factor']}, "
            f"{row['abandoned']:,} abandoned",
            markup=False,
        )


@metrics_app.command("hotspots")
@command
def metrics_hotspots(
    repo: str = typer.Option(..., help="Repository name."),
    months: int = typer.Option(12, min=1, help="Window in months (default 12)."),
    limit: int = typer.Option(50, min=1, help="How many files (default 50)."),
    json_: bool = typer.Option(False, "--json", help="Print JSON (docs/code-knowledge.md)."),
) -> None:
    """Hotspots of a repository: files by changes in the window, then size (non-blank lines)."""
    from steward.knowledge import selectors

    data = selectors.hotspots(
        actor=SYSTEM, repository=_repository(repo), months=months, limit=limit
    )
    if json_:
        print_json(data)
        return
    console.print(f"Hotspots of {data['repo']} since {data['since']}:", markup=False)
    for row in data["files"]:
        console.print(
            f"  {row['path']}: {row['revisions']:,} changes "
            f"({row['previous_revisions']:,} the window before), {row['size']:,} lines",
            markup=False,
        )


@metrics_app.command("coupling")
@command
def metrics_coupling(
    repo: str = typer.Option(..., help="Repository name."),
    months: int = typer.Option(12, min=1, help="Window in months (default 12)."),
    depth: int | None = typer.Option(
        None, min=1, help="Aggregate files into folders of this many path segments first."
    ),
    json_: bool = typer.Option(False, "--json", help="Print JSON (docs/code-knowledge.md)."),
) -> None:
    """Change coupling (code-maat) between the files, or folders, of a repository."""
    from steward.knowledge import selectors

    data = selectors.repository_coupling(
        actor=SYSTEM, repository=_repository(repo), months=months, depth=depth
    )
    if json_:
        print_json(data)
        return
    console.print(
        f"Change coupling in {data['repo']} since {data['since']} ({data['level']}): "
        f"{len(data['pairs']):,} pairs",
        markup=False,
    )
    for row in data["pairs"]:
        console.print(
            f"  {row['entity']} ~ {row['coupled']}: {row['degree']} % "
            f"({row['shared']:,} shared commits)",
            markup=False,
        )
