"""`steward metrics hiring`: the hiring funnel (METRICS.md "Hiring")."""

from __future__ import annotations

import typer

from steward.core.actors import SYSTEM
from steward.core.cli_support import command, console, print_json
from steward.engineering.cli import metrics_app


@metrics_app.command("hiring")
@command
def metrics_hiring(
    from_: str | None = typer.Option(None, "--from", help="First day (YYYY-MM-DD)."),
    to: str | None = typer.Option(None, "--to", help="Day after the last (YYYY-MM-DD)."),
    team: str | None = typer.Option(None, "--team", help="Team slug."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Hiring funnel: pass-through per stage, time to hire and fill, offer acceptance, sources."""
    from steward.core.periods import parse_period
    from steward.talent.selectors import hiring_metrics

    start, end = parse_period(from_, to, default_days=365)
    data = hiring_metrics(actor=SYSTEM, start=start, end=end, team=team)
    if as_json:
        print_json(data)
        return
    console.print(
        f"Hiring {data['from']} .. {data['to']}: {data['applications']} applications, "
        f"{data['hires']} hires"
    )
    for s in data["stages"]:
        rate = "no data" if s["pass_through"] is None else f"{s['pass_through']:.0%}"
        console.print(f"  {s['stage']}: {s['passed']}/{s['reached']} passed ({rate})")


talent_app = typer.Typer(help="Hiring: candidate data retention.", no_args_is_help=True)


@talent_app.command("purge")
@command
def talent_purge(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="List the candidates it would erase; erase nothing."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Erase the personal data of candidates past their retention date (no open application);
    an anonymous stub keeps the funnel counts. The job worker also runs this daily."""
    from steward.talent.services import candidates_purge_expired

    erased = candidates_purge_expired(actor=SYSTEM, dry_run=dry_run)
    if as_json:
        print_json({"dry_run": dry_run, "erased": len(erased), "candidates": erased})
        return
    if dry_run:
        console.print(
            f"Would erase the personal data of {len(erased):,} candidates "
            f"(ids: {', '.join(map(str, erased)) or 'none'}); nothing was erased."
        )
        return
    console.print(f"Erased the personal data of {len(erased):,} candidates.")
