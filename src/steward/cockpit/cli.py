"""`steward report board|brief` and `steward findings refresh`: the cockpit's commands."""

from __future__ import annotations

from pathlib import Path

import typer

from steward.core.cli_support import command, console

report_app = typer.Typer(
    help="Board report and executive brief (PDF or HTML).", no_args_is_help=True
)
findings_app = typer.Typer(help="The cockpit's findings.", no_args_is_help=True)


def _write(kind: str, period_text: str, out: str) -> None:
    from steward.cockpit import reports
    from steward.core import policy

    period = reports.parse_period(kind, period_text)
    built = reports.build(policy.SYSTEM, period)
    path = Path(out)
    if path.suffix.lower() in (".html", ".htm"):
        path.write_text(reports.html(built), encoding="utf-8")
    else:
        path.write_bytes(reports.pdf(built))
    console.print(f"{built['title']} written to {path}.")


@report_app.command("board")
@command()
def board(
    quarter: str = typer.Option(..., help="The quarter, e.g. 2026Q4."),
    out: str = typer.Option(..., help="Output file: .pdf, or .html for HTML."),
) -> None:
    """Write the quarterly board report (no personal data) as PDF or HTML."""
    _write("board", quarter, out)


@report_app.command("brief")
@command()
def brief(
    month: str = typer.Option(..., help="The month, e.g. 2026-11."),
    out: str = typer.Option(..., help="Output file: .pdf, or .html for HTML."),
) -> None:
    """Write the monthly executive brief as PDF or HTML."""
    _write("brief", month, out)


@findings_app.command("refresh")
@command()
def refresh() -> None:
    """Recompute every finding rule now (what the background job does)."""
    from steward.cockpit import services

    run = services.findings_refresh()
    console.print(f"{run.findings.count()} findings; {len(run.errors)} rules failed.")
