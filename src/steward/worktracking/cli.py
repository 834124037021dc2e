"""Work-tracking commands: `steward metrics cycle-time`, `steward ingest github|gitlab`."""

from __future__ import annotations

import typer

from steward.core.actors import SYSTEM
from steward.core.cli_support import command, console, print_json
from steward.engineering.cli import metrics_app


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
