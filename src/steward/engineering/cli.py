"""Engineering commands: `steward ingest git`, `steward metrics ...`, `steward webhook`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from steward.core.actors import SYSTEM
from steward.core.cli_support import command, console, err_console, print_json

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

ingest_app = typer.Typer(help="Ingest evidence from external systems.", no_args_is_help=True)
metrics_app = typer.Typer(help="Delivery and activity figures (METRICS.md).", no_args_is_help=True)
webhook_app = typer.Typer(
    help="Webhook sources for deployments and incidents.", no_args_is_help=True
)


class _RichProgress:
    """Rich bars: one per repository and one overall."""

    def __init__(self, bars: Progress) -> None:
        self.bars = bars
        self.overall = bars.add_task("all repositories", total=0)
        self.tasks: dict[str, TaskID] = {}

    def start(self, name: str, total: int) -> None:
        self.tasks[name] = self.bars.add_task(name, total=total or 1)
        overall_total = self.bars.tasks[self.overall].total or 0
        self.bars.update(self.overall, total=overall_total + total)

    def advance(self, name: str, count: int) -> None:
        self.bars.advance(self.tasks[name], count)
        self.bars.advance(self.overall, count)

    def finish(self, result: Any) -> None:
        task = self.tasks.get(result.name)
        if task is not None:
            self.bars.update(task, completed=self.bars.tasks[task].total, visible=False)
        if result.ok:
            what = "unchanged" if result.skipped else f"{result.new_commits} new commits"
            extra = f", {result.unreachable} no longer reachable" if result.unreachable else ""
            self.bars.console.print(
                f"[green]✓[/] {result.name}: {what}{extra} ({result.seconds:.1f} s)"
            )
        else:
            self.bars.console.print(f"[red]✗[/] {result.name} ({result.path}): {result.error}")


@ingest_app.command("git")
@command
def ingest_git(
    paths: list[Path] = typer.Argument(..., help="Repositories, or folders of repositories."),  # noqa: B008
    team: str | None = typer.Option(None, help="Declare the ingested repositories' team."),
    since: str | None = typer.Option(None, help="Only commits after this date (YYYY-MM-DD)."),
    workers: int = typer.Option(4, help="Repositories read in parallel."),
    json_: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Ingest git repositories (incremental); exit 1 if any repository failed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from steward.core.dbstats import refresh_statistics
    from steward.core.errors import BadInput
    from steward.engineering.ingest import ingest_paths
    from steward.org import selectors as org_selectors

    _check_paths(paths)
    since_day = None
    if since:
        try:
            since_day = date.fromisoformat(since)
        except ValueError as exc:
            raise BadInput(f"--since {since!r}: not a date (use YYYY-MM-DD)") from exc
    if team and org_selectors.team_by_slug(team) is None:
        raise BadInput(f"--team {team!r}: no such team")
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=json_,
    )
    with bars:
        results = ingest_paths(
            paths, team_slug=team, since=since_day, workers=workers, progress=_RichProgress(bars)
        )
    if any(r.new_commits for r in results):
        refresh_statistics()  # PostgreSQL: plans for the tables as they now are
    if json_:
        print_json(
            [
                {
                    "repo": r.name,
                    "path": r.path,
                    "ok": r.ok,
                    "error": r.error or None,
                    "new_commits": r.new_commits,
                    "unreachable": r.unreachable,
                    "seconds": round(r.seconds, 3),
                }
                for r in results
            ]
        )
    failed = [r for r in results if not r.ok]
    if not json_:
        ok = len(results) - len(failed)
        console.print(f"{ok} of {len(results)} repositories ingested.")
    if failed:
        raise typer.Exit(1)


def _check_paths(paths: list[Path]) -> None:
    """Each PATH must be a repository or a folder holding repositories (else exit 2)."""
    from steward.core.errors import BadInput
    from steward.engineering import gitlog

    problems = []
    for path in paths:
        if not path.exists():
            problems.append(f"{path}: no such file or folder")
        elif not path.is_dir():
            problems.append(f"{path}: not a folder")
        elif not gitlog.is_repository(path) and not any(
            child.is_dir() and gitlog.is_repository(child) for child in path.iterdir()
        ):
            problems.append(f"{path}: not a git repository, and no repository directly inside it")
    if problems:
        raise BadInput(
            "; ".join(problems)
            + " (give a repository root, or a folder of repositories); nothing was ingested"
        )


def _date(value: str | None, name: str, default: date) -> date:
    from steward.core.errors import BadInput

    if value is None:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadInput(f"{name} {value!r}: not a date (use YYYY-MM-DD)") from exc


def _system_actor() -> Any:
    """The CLI acts with the admin's view (it runs on the server, like `manage.py`)."""
    from django.contrib.auth.models import User

    from steward.core.policy import Role

    user = User(username="steward-cli", is_superuser=True)
    user._steward_roles = frozenset({Role.ADMIN})  # type: ignore[attr-defined]
    return user


@metrics_app.command("dora")
@command
def metrics_dora(
    team: str | None = typer.Option(None, help="Team slug."),
    repo: str | None = typer.Option(None, help="Repository name."),
    from_: str | None = typer.Option(None, "--from", help="Start date (default: 90 days ago)."),
    to: str | None = typer.Option(None, help="End date, exclusive (default: today)."),
    json_: bool = typer.Option(False, "--json", help="Print JSON (METRICS.md shape)."),
) -> None:
    """The four keys (deployment frequency, lead time, change failure rate, recovery time)."""
    from rich.table import Table

    from steward.core.errors import BadInput
    from steward.core.periods import parse_period
    from steward.engineering import selectors
    from steward.engineering.models import Repository
    from steward.org import selectors as org_selectors

    start, end = parse_period(from_, to, names=("--from", "--to"))
    if team and org_selectors.team_by_slug(team) is None:
        raise BadInput(f"--team {team!r}: no such team")
    if repo and not Repository.objects.filter(name=repo).exists():
        raise BadInput(f"--repo {repo!r}: no such repository (ingest it first)")
    data = selectors.dora_metrics(actor=_system_actor(), team=team, repo=repo, start=start, end=end)
    if json_:
        print_json(data)
        return
    table = Table(title=f"Four keys {data['from']} – {data['to']}")
    table.add_column("key")
    table.add_column("value")
    table.add_column("level")
    df = data["deployment_frequency"]
    lt = data["lead_time_for_changes"]
    cfr = data["change_failure_rate"]
    rt = data["failed_deployment_recovery_time"]
    table.add_row("deployment frequency", f"{df['per_week']:.2f}/week", df["level"])
    table.add_row("lead time (median h)", _fmt(lt["median_hours"]), lt["level"])
    table.add_row("change failure rate", _fmt(cfr["rate"]), cfr["level"])
    table.add_row("recovery time (median h)", _fmt(rt["median_hours"]), rt["level"])
    console.print(table)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


@metrics_app.command("contributors")
@command
def metrics_contributors(
    repo: str = typer.Option(..., help="Repository name."),
    json_: bool = typer.Option(False, "--json", help="Print JSON (METRICS.md shape)."),
) -> None:
    """Per author email: non-merge commits from HEAD, lines added and deleted."""
    from rich.table import Table

    from steward.core.errors import BadInput
    from steward.engineering import selectors
    from steward.engineering.models import Repository

    repository = Repository.objects.filter(name=repo).first()
    if repository is None:
        raise BadInput(f"--repo {repo!r}: no such repository (ingest it first)")
    # The system actor sees every author, so `others` is always empty: the METRICS.md shape.
    data = selectors.contributors(actor=_system_actor(), repository=repository)
    if json_:
        print_json({"repo": data["repo"], "contributors": data["contributors"]})
        return
    table = Table(title=f"Contributors of {repo}")
    for column in ("email", "name", "commits", "added", "deleted"):
        table.add_column(column)
    for row in data["contributors"]:
        table.add_row(
            row["email"], row["name"], str(row["commits"]), str(row["added"]), str(row["deleted"])
        )
    console.print(table)


@webhook_app.command("create")
@command
def webhook_create(name: str = typer.Argument(..., help="Name of the sending system.")) -> None:
    """Create a webhook source; its token is printed once (send it as a Bearer token)."""
    from steward.engineering.services import webhook_source_create

    source, raw = webhook_source_create(actor=SYSTEM, name=name)
    err_console.print(f"Webhook source {source.name}. Store the token now; it is not shown again:")
    print(raw)
