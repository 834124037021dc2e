"""`steward plan ...`: the portfolio optimizer from a file (no database) or from live data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from steward.core.actors import SYSTEM
from steward.core.cli_support import console, err_console, print_json
from steward.core.errors import BadInput, StewardError

plan_app = typer.Typer(
    help="Plan the portfolio: which initiative starts when.", no_args_is_help=True
)


def _read_instance(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(
            f"{path}:{exc.lineno}: column {exc.colno}: invalid JSON ({exc.msg})"
        ) from exc


def _print_result(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    from rich.table import Table

    console.print(f"status: [bold]{result['status']}[/]  objective: {result['objective']}")
    if result.get("reason"):
        console.print(f"reason: {result['reason']}")
    if result.get("mip_gap") is not None:
        console.print(f"MIP gap: {result['mip_gap']}")
    table = Table(title="Schedule")
    table.add_column("initiative")
    table.add_column("starts")
    for key, quarter in result["schedule"].items():
        table.add_row(key, quarter)
    console.print(table)
    if result["unscheduled"]:
        console.print("unscheduled: " + ", ".join(result["unscheduled"]))
    if result.get("fixed"):
        console.print(
            "in progress, kept at their planned start: "
            + ", ".join(f"{k} ({q})" for k, q in result["fixed"].items())
        )
    if result["bottlenecks"]:
        bt = Table(title="Bottlenecks")
        for col in ("team", "quarter", "used", "capacity", "value per 13 pw", "unlocks"):
            bt.add_column(col)
        for b in result["bottlenecks"]:
            value = b["marginal_value_of_13_person_weeks"]
            bt.add_row(
                b["team"],
                b["quarter"],
                f"{b['used']:g}",
                f"{b['capacity']:g}",
                "not computed" if value is None else f"{value:g}",
                ", ".join(b.get("unlocks", [])),
            )
        console.print(bt)


@plan_app.command("solve")
def solve(
    input_file: Path | None = typer.Option(  # noqa: B008 - Typer's declaration style
        None, "--input", help="A self-contained portfolio instance (JSON); touches no database."
    ),
    quarters: str | None = typer.Option(
        None, help="Plan these quarters from the database, e.g. 2027Q1..2027Q4."
    ),
    scenario: int | None = typer.Option(
        None, help="Use the team capacities of this reorg scenario instead of the live org."
    ),
    apply: bool = typer.Option(False, "--apply", help="Write the schedule to the initiatives."),
    replan_in_progress: bool = typer.Option(
        False,
        "--replan-in-progress",
        help="Plan in-progress initiatives afresh (by default they keep their planned start).",
    ),
    time_limit: float = typer.Option(60.0, help="Seconds for the main solve."),
    bottleneck_time_limit: float = typer.Option(
        20.0, help="Seconds for the re-solves that price one more person per team and quarter."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Choose which initiatives start in which quarter to maximize value (HiGHS, exact)."""
    try:
        if input_file is not None:
            if quarters or apply or scenario is not None or replan_in_progress:
                raise BadInput(
                    "--input: cannot be combined with --quarters, --scenario, --apply or "
                    "--replan-in-progress"
                )
            from steward.strategy.optimizer import solve_data

            data = _read_instance(input_file)
            try:
                result = solve_data(
                    data, time_limit=time_limit, bottleneck_time_limit=bottleneck_time_limit
                )
            except BadInput as exc:
                raise BadInput(f"{input_file}: {exc}") from exc
        elif quarters:
            from steward.core.cli_support import django_setup, schema_require

            django_setup()
            schema_require()
            from steward.strategy.services import plan_solve

            result = plan_solve(
                actor=SYSTEM,
                quarters=quarters,
                scenario=scenario,
                apply=apply,
                replan_in_progress=replan_in_progress,
                time_limit=time_limit,
                bottleneck_time_limit=bottleneck_time_limit,
            )
        else:
            raise BadInput("give --input FILE.json, or --quarters 2027Q1..2027Q4")
    except StewardError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from exc
    _print_result(result, as_json)
