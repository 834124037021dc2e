"""Work-tracking commands: `steward metrics cycle-time`, `steward ingest github|gitlab`."""

from __future__ import annotations

import typer

from steward.core.actors import SYSTEM
from steward.core.cli_support import command, console, print_json
from steward.engineering.cli import ingest_app, metrics_app


@metrics_app.command("cycle-time")
@command
def metrics_cycle_time(
    team: str | None = typer.Option(None, help="Team slug (the author's team on the merge date)."),
    from_: str | None = typer.Option(None, "--from", help="Start date (default: 90 days ago)."),
    to: str | None = typer.Option(None, help="End date, exclusive (default: today)."),
    json_: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Cycle time of merged pull requests: coding, pickup, review, deploy (median, p75 hours)."""
    from rich.table import Table

    from steward.core.errors import BadInput
    from steward.core.periods import parse_period
    from steward.org import selectors as org_selectors
    from steward.worktracking import selectors

    start, end = parse_period(from_, to, names=("--from", "--to"))
    if team and org_selectors.team_by_slug(team) is None:
        raise BadInput(f"--team {team!r}: no such team")
    data = selectors.flow_report(actor=SYSTEM, start=start, end=end, team=team)
    if json_:
        print_json(data)
        return
    table = Table(title=f"Cycle time {data['from']} – {data['to']}")
    for column in ("part", "pull requests", "median (h)", "p75 (h)"):
        table.add_column(column)
    for part in ("coding", "pickup", "review", "deploy", "total"):
        figures = data["cycle_time"][part]
        table.add_row(
            part,
            str(figures["count"]),
            _fmt(figures["median_hours"]),
            _fmt(figures["p75_hours"]),
        )
    console.print(table)
    unreviewed = data["unreviewed_merges"]
    console.print(f"Unreviewed merges: {unreviewed['unreviewed']} of {unreviewed['merged']}")


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _sync(source: str, repo: str, token_env: str, api: str | None, json_: bool) -> None:
    import os

    from steward.core.errors import BadInput
    from steward.worktracking import connectors

    token = os.environ.get(token_env, "")
    if not token:
        raise BadInput(f"--token-env {token_env}: that environment variable is empty")
    result = connectors.pulls_sync(actor=SYSTEM, source=source, repo=repo, token=token, api=api)
    if json_:
        print_json(result)
        return
    counts = result["counts"]
    console.print(
        f"{repo}: {result['fetched']} pull requests read in {result['requests']} requests; "
        f"{counts['added']} added, {counts['changed']} changed, {counts['unchanged']} unchanged"
    )
    for warning in result["warnings"]:
        console.print(f"[yellow]{warning}[/]")


@ingest_app.command("github")
@command
def ingest_github(
    repo: str = typer.Argument(..., help="owner/name"),
    token_env: str = typer.Option("GITHUB_TOKEN", help="Environment variable holding the token."),
    api: str | None = typer.Option(None, help="API root (GitHub Enterprise)."),
    json_: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Pull requests of a GitHub repository, with reviews and commits (incremental)."""
    _sync("github", repo, token_env, api, json_)


@ingest_app.command("gitlab")
@command
def ingest_gitlab(
    project: str = typer.Argument(..., help="group/name"),
    token_env: str = typer.Option("GITLAB_TOKEN", help="Environment variable holding the token."),
    api: str | None = typer.Option(None, help="API root (default https://gitlab.com/api/v4)."),
    json_: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Merge requests of a GitLab project, with approvals, notes and commits (incremental)."""
    _sync("gitlab", project, token_env, api, json_)
