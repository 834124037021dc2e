"""`steward org ...`: structure analysis, capacity, headcount plan and reorg scenarios."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from steward.core.actors import SYSTEM
from steward.core.cli_support import command, console, print_json

org_app = typer.Typer(help="Organization design: structure, capacity, plan, scenarios.")
scenario_app = typer.Typer(help="Reorg scenarios: list, compare, export, import, apply.")
org_app.add_typer(scenario_app, name="scenario")


def _system_actor():  # type: ignore[no-untyped-def]
    # The CLI runs as the instance operator (like `steward import`): no per-user policy.
    from django.contrib.auth.models import User

    user = User.objects.filter(is_superuser=True).order_by("pk").first()
    return user  # None when the instance has no admin yet: the system itself


def _parse_date(text: str | None, what: str = "--date") -> date | None:
    from steward.core.errors import BadInput

    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise BadInput(f"{what} {text!r}: expected YYYY-MM-DD") from exc


def _scenario(scenario_id: int):  # type: ignore[no-untyped-def]
    from steward.core.errors import BadInput
    from steward.orgdesign.models import Scenario

    scenario = Scenario.objects.filter(pk=scenario_id).first()
    if scenario is None:
        raise BadInput(
            f"--scenario {scenario_id}: no such scenario (see steward org scenario list)"
        )
    return scenario


@org_app.command("analyze")
@command
def analyze(
    on: str | None = typer.Option(None, "--date", help="Analyze the org as it stood on this day."),
    scenario: int | None = typer.Option(None, "--scenario", help="Analyze this scenario."),
    as_json: bool = typer.Option(False, "--json", help="Print the analysis as JSON."),
) -> None:
    """Structure analysis of the live org (or a scenario): spans, layers, team sizes, flags."""
    from rich.table import Table

    from steward.orgdesign import selectors as sel

    actor = _system_actor()
    day = _parse_date(on)
    if scenario is not None:
        data = sel.scenario_analysis(actor=actor, scenario=_scenario(scenario))
    else:
        data = sel.analyze(sel.live_snapshot(day or date.today()))
    if as_json:
        print_json(data)
        return
    console.print(
        f"{data['date']}: {data['people']} people, {data['managers']} managers, "
        f"{data['individual_contributors']} ICs (ratio {data['manager_to_ic_ratio']}), "
        f"{data['layers']} layers, span median {data['span_of_control']['median']} "
        f"max {data['span_of_control']['max']}"
    )
    table = Table(title="Flags")
    table.add_column("kind")
    table.add_column("subject")
    table.add_column("detail")
    for flag in data["flags"]:
        table.add_row(flag["kind"], flag["subject"], flag["detail"])
    console.print(table)


@org_app.command("capacity")
@command
def capacity(
    quarters: str = typer.Option(..., "--quarters", help="e.g. 2027Q1..2027Q4"),
    team: str | None = typer.Option(None, "--team", help="Only this team."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Available person-weeks per team and quarter (allocations and planned hires included)."""
    from rich.table import Table

    from steward.core.periods import quarter_range
    from steward.orgdesign import selectors as sel

    data = sel.capacity_report(actor=_system_actor(), quarters=quarter_range(quarters), team=team)
    if as_json:
        print_json(data)
        return
    table = Table(title="Capacity (person-weeks)")
    table.add_column("team")
    for q in data["quarters"]:
        table.add_column(q, justify="right")
    for row in data["teams"]:
        table.add_row(
            row["team"], *(f"{row['quarters'][q]['person_weeks']:.1f}" for q in data["quarters"])
        )
    console.print(table)


@scenario_app.command("list")
@command
def scenario_list(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Every scenario with its status and number of changes."""
    from steward.orgdesign.models import Scenario

    rows = [
        {
            "id": s.pk,
            "name": s.name,
            "status": s.status,
            "effective_date": s.effective_date.isoformat(),
            "changes": s.changes.count(),  # type: ignore[attr-defined]
        }
        for s in Scenario.objects.order_by("pk")
    ]
    if as_json:
        print_json({"items": rows, "count": len(rows)})
        return
    for row in rows:
        console.print(
            f"{row['id']:>4}  {row['status']:<9} {row['name']} ({row['changes']} changes)"
        )


@scenario_app.command("compare")
@command
def scenario_compare(
    scenario_id: int = typer.Argument(..., metavar="ID"),
    quarters: str | None = typer.Option(None, "--quarters", help="e.g. 2027Q1..2027Q4"),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """A scenario against the live org: structure, capacity, cost, manager changes."""
    from steward.core.periods import quarter_range
    from steward.orgdesign import selectors as sel

    data = sel.scenario_comparison(
        actor=_system_actor(),
        scenario=_scenario(scenario_id),
        quarters=quarter_range(quarters) if quarters else None,
    )
    if as_json:
        print_json({k: v for k, v in data.items() if k not in ("before", "after")})
        return
    for name, pair in data["structure"]["figures"].items():
        console.print(f"{name:<24} {pair['before']!s:>8} → {pair['after']!s:<8}")
    for row in data["manager_changes"]:
        console.print(f"{row['person']}: manager {row['before']} → {row['after']}")
    for problem in data["problems"]:
        console.print(f"[red]{problem}[/]")


@scenario_app.command("export")
@command
def scenario_export(
    scenario_id: int = typer.Argument(..., metavar="ID"),
    file: str | None = typer.Argument(None, metavar="FILE", help="Write here (default stdout)."),
) -> None:
    """Write a scenario as YAML."""
    import yaml

    from steward.orgdesign.services import scenario_to_data

    text = yaml.safe_dump(
        scenario_to_data(_scenario(scenario_id)), sort_keys=False, allow_unicode=True
    )
    if file is None:
        print(text, end="")
    else:
        Path(file).write_text(text, encoding="utf-8")


@scenario_app.command("import")
@command
def scenario_import(file: str = typer.Argument(..., metavar="FILE")) -> None:
    """Create a draft scenario from a YAML file (every change validated; nothing on error)."""
    from steward.core.errors import BadInput, InvalidInput
    from steward.orgdesign.scenario_file import locate, read_scenario
    from steward.orgdesign.services import scenario_from_data

    data, places = read_scenario(Path(file), file)
    try:
        scenario = scenario_from_data(actor=SYSTEM, data=data)
    except BadInput as exc:
        raise InvalidInput([locate(file, str(exc), places)]) from exc
    console.print(f"Scenario {scenario.pk} ({scenario.name}) imported as a draft.")


@scenario_app.command("apply")
@command
def scenario_apply(scenario_id: int = typer.Argument(..., metavar="ID")) -> None:
    """Apply a draft scenario to the live org in one transaction (refuses on conflicts)."""
    from steward.orgdesign.services import scenario_apply as apply

    scenario = apply(actor=SYSTEM, scenario=_scenario(scenario_id))
    console.print(f"Scenario {scenario.pk} ({scenario.name}) applied.")
