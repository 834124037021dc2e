"""`steward metrics truck-factor` (mounted on engineering's `metrics` command group)."""

from __future__ import annotations

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
        if rev:
            raise BadInput("--rev applies to one repository (--repo), not to a team")
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
