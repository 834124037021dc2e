"""`steward finance ...`: year-end forecast and cost allocation (CONTRACT.md)."""

from __future__ import annotations

import typer

from steward.core.cli_support import command, console, print_json

finance_app = typer.Typer(help="Budget, actuals, forecast and cost allocation.")


@finance_app.command("forecast")
@command
def forecast(
    year: int = typer.Option(..., "--year", help="The fiscal year (its name, e.g. 2026)."),
    as_json: bool = typer.Option(False, "--json", help="Print the forecast as JSON."),
) -> None:
    """Forecast to year end per METRICS.md: budget, actual to date, forecast, variance."""
    from steward.core.actors import SYSTEM
    from steward.core.errors import BadInput
    from steward.core.templatetags.steward_format import money
    from steward.finance import selectors

    fy = selectors.fiscal_year_get(actor=SYSTEM, year=year)
    if fy is None:
        raise BadInput(f"--year {year}: no such fiscal year")
    data = selectors.forecast_json(actor=SYSTEM, fiscal_year=fy)
    if as_json:
        print_json(data)
        return
    cur = data["currency"]
    console.print(
        f"FY{year} ({data['version']}): budget {money(data['budget'], cur)}, "
        f"forecast {money(data['forecast'], cur)}, variance {money(data['variance'], cur)}"
    )
    for line in data["lines"]:
        console.print(
            f"  {line['category']:<12} budget {money(line['budget'], cur):>16}  "
            f"forecast {money(line['forecast'], cur):>16}  "
            f"variance {money(line['variance'], cur):>14}"
            + ("  over its threshold" if line["overrun"] else "")
        )


@finance_app.command("costs")
@command
def costs(
    from_: str | None = typer.Option(None, "--from", help="First day (YYYY-MM-DD)."),
    to: str | None = typer.Option(None, "--to", help="Day after the last (YYYY-MM-DD)."),
    by: str = typer.Option("team", "--by", help="team, service, initiative, provider or category."),
    as_json: bool = typer.Option(False, "--json", help="Print the costs as JSON."),
) -> None:
    """Cost per team, service, initiative, provider or category (cloud = FOCUS EffectiveCost)."""
    from steward.core.actors import SYSTEM
    from steward.core.errors import BadInput
    from steward.core.periods import parse_period
    from steward.core.templatetags.steward_format import money
    from steward.finance import selectors

    if by not in ("team", "service", "initiative", "provider", "category"):
        raise BadInput(f"--by {by!r}: one of team, service, initiative, provider, category")
    start, end = parse_period(from_, to)
    data = selectors.costs_json(actor=SYSTEM, start=start, end=end, by=by)
    if as_json:
        print_json(data)
        return
    cur = data["currency"]
    console.print(
        f"{data['from']} to {data['to']}: total {money(data['total'], cur)}, "
        f"unallocated {money(data['unallocated'], cur)}"
    )
    for group in data["groups"]:
        console.print(f"  {group['key']:<30} {money(group['amount'], cur):>16}")
