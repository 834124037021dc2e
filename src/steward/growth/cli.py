"""Growth commands: `steward metrics attrition|tenure` and `steward ladder export`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from steward.core.actors import SYSTEM
from steward.core.cli_support import command, console, print_json
from steward.core.errors import BadInput
from steward.engineering.cli import metrics_app

ladder_app = typer.Typer(help="Career frameworks (FORMATS.md 6).", no_args_is_help=True)


def _day(value: str | None, default: date, option: str) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadInput(f"{option} {value!r}: write the day as YYYY-MM-DD") from exc


@metrics_app.command("attrition")
@command
def metrics_attrition(
    start: str | None = typer.Option(None, "--from", help="First day (YYYY-MM-DD)."),
    end: str | None = typer.Option(None, "--to", help="Day after the last (YYYY-MM-DD)."),
    by: str | None = typer.Option(
        None, help="Group by team, level, manager, location or tenure (band)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Attrition rate per METRICS.md, optionally by group (small groups hidden)."""
    from steward.growth import retention

    today = date.today()
    first = _day(start, date(today.year - 1, today.month, 1), "--from")
    last = _day(end, date(today.year, today.month, 1), "--to")
    if last <= first:
        raise BadInput("--to must be after --from")
    if by is not None and by not in retention.GROUPINGS:
        raise BadInput(f"--by {by!r}: one of {', '.join(retention.GROUPINGS)}")
    report = retention.attrition_report(actor=SYSTEM, start=first, end=last, by=by)
    if as_json:
        print_json(report)
        return
    console.print(
        f"{report['from']} to {report['to']}: {report['separations']} left of an average "
        f"{report['average_headcount']:.1f}; rate {report['rate']} %, annualized "
        f"{report['annualized_rate']} %"
    )
    for group in report["groups"]:
        shown = "hidden (small group)" if group.get("suppressed") else f"{group['rate']} %"
        console.print(f"  {group['group']}: {shown}")


@metrics_app.command("tenure")
@command
def metrics_tenure(
    voluntary: bool = typer.Option(False, "--voluntary", help="Only resignations are events."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Kaplan-Meier tenure survival: median tenure and 12-month retention."""
    from steward.growth import retention

    report = retention.tenure_report(actor=SYSTEM, on=date.today(), voluntary_only=voluntary)
    if as_json:
        print_json(report)
        return
    console.print(
        f"median tenure {report['median_days']} days; 12-month retention {report['retention_12m']}"
    )


@ladder_app.command("export")
@command
def ladder_export(
    key: str = typer.Argument(..., help="The framework id."),
    out: Path = typer.Argument(..., help="File to write: .yaml, .json, or .md (Monzo)."),  # noqa: B008
) -> None:
    """Write a career framework as Steward's ladder file or a Monzo file (one track)."""
    from steward.growth import ladder_format, selectors

    framework = selectors.framework_get(actor=SYSTEM, key=key)
    if framework is None:
        raise BadInput(f"KEY {key!r}: no such framework")
    ladder = ladder_format.ladder_of(framework)
    suffix = out.suffix.lower()
    if suffix == ".md":
        try:
            text = ladder_format.dump_monzo(ladder)
        except ValueError as exc:
            raise BadInput(str(exc)) from exc
    elif suffix == ".json":
        text = ladder_format.dump_json(ladder_format.steward_data(ladder))
    else:
        text = ladder_format.dump_yaml(ladder_format.steward_data(ladder))
    out.write_text(text, encoding="utf-8")
    console.print(f"wrote {out}")
