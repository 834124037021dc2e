"""The `steward` command line: a thin layer over the apps' services and selectors.

Exit codes (CONTRACT.md): 0 success, 1 failure while running, 2 bad input or usage.
"""

from __future__ import annotations

import sys

import typer

from steward.core.cli_support import command, console, err_console, migrate

app = typer.Typer(
    name="steward",
    help="Steward: an operating system for technology leadership.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: Rich's help formatter imports Markdown and Pygments, which doubles the time
    # of `steward --help` (issue 9: under 0.3 s). Command output still uses Rich.
    rich_markup_mode=None,
)
token_app = typer.Typer(help="Create and revoke API tokens.", no_args_is_help=True)
app.add_typer(token_app, name="token")


@app.command()
@command(check_schema=False)
def init(
    admin: str | None = typer.Option(None, help="Create (or reset) this admin user."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the admin password from stdin."
    ),
) -> None:
    """Create or migrate the database; optionally create an admin user."""
    import getpass

    from django.contrib.auth.models import User
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from steward.core.errors import BadInput
    from steward.core.services import admin_ensure, roles_ensure

    password = ""
    if admin:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass(f"Password for {admin}: ")
        if not password:
            raise BadInput("password: empty (give one on stdin with --password-stdin)")
        try:
            # The validators of settings.AUTH_PASSWORD_VALIDATORS, as the web forms apply them.
            validate_password(password, user=User(username=admin))
        except ValidationError as exc:
            raise BadInput(f"password for {admin!r} refused: {' '.join(exc.messages)}") from exc
    migrate()
    roles_ensure()
    if admin:
        admin_ensure(username=admin, password=password)
        console.print(f"Admin user [bold]{admin}[/] is ready.")
    console.print("Database is up to date.")


@app.command()
@command(check_schema=False)
def demo(
    host: str = typer.Option("127.0.0.1", help="Address to serve on."),
    port: int = typer.Option(8000, help="Port to serve on."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Build the demo, do not serve it."),
    seed: int = typer.Option(
        1, help="Seed of the demo company; the same seed gives the same company."
    ),
    workers: int = typer.Option(2, help="Web worker processes."),
    jobs: bool = typer.Option(
        True, "--jobs/--no-jobs", help="Run the background job worker beside the web server."
    ),
) -> None:
    """(Re)build the demo company in STEWARD_HOME and serve it."""
    from rich.table import Table

    from steward.demo.services import demo_rebuild

    with console.status("Building the demo company…"):
        ctx, seconds = demo_rebuild(seed=seed)
    console.print(f"Demo company built in {seconds:.1f} s (seed {seed}).")
    table = Table(title="Demo logins (password: demo)")
    table.add_column("login")
    table.add_column("role")
    table.add_column("person")
    for username, role, who in ctx.logins:
        table.add_row(username, role, who)
    console.print(table)
    url = f"http://{host}:{port}"
    if no_serve:
        console.print(f"Serve it with: steward serve  (then open {url})")
        return
    console.print(f"Serving at [bold]{url}[/]  (Ctrl-C to stop)")
    _serve(host, port, workers, jobs)


def _serve(host: str, port: int, workers: int, jobs: bool) -> None:
    from steward.core.server import serve_forever

    if jobs:
        console.print("Background jobs run beside it (`--no-jobs` to run `steward worker` apart).")
    serve_forever(host=host, port=port, workers=workers, jobs=jobs)


@app.command()
@command(check_schema=False)
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to serve on."),
    port: int = typer.Option(8000, help="Port to serve on."),
    workers: int = typer.Option(2, help="Web worker processes."),
    jobs: bool = typer.Option(
        True, "--jobs/--no-jobs", help="Run the background job worker beside the web server."
    ),
) -> None:
    """Serve the application with a production server (gunicorn)."""
    migrate()
    console.print(f"Serving at [bold]http://{host}:{port}[/]  (Ctrl-C to stop)")
    _serve(host, port, workers, jobs)


@app.command()
@command
def worker(
    batch: bool = typer.Option(False, "--batch", help="Exit once the queue is empty."),
) -> None:
    """Run background jobs (ingestion and other long work) until stopped; daily jobs (the
    candidate data purge) are queued when it starts and each queues its next day's run."""
    from django.core.management import call_command

    from steward.core.jobs import queue_daily_jobs

    queue_daily_jobs()
    call_command("db_worker", batch=batch, no_startup_delay=True, interval=1)


@token_app.command("create")
@command
def token_create(
    user: str = typer.Argument(..., help="User name the token acts as."),
    name: str = typer.Option("", help="A name to recognise the token by."),
) -> None:
    """Create an API token; it is shown once and stored hashed."""
    from django.contrib.auth.models import User

    from steward.core.auth import token_create as create
    from steward.core.errors import BadInput

    owner = User.objects.filter(username=user).first()
    if owner is None:
        raise BadInput(f"USER {user!r}: no such user (create one with steward init --admin)")
    token, raw = create(user=owner, name=name)
    err_console.print(f"Token {token.pk} for {user}. Store it now; it is not shown again:")
    print(raw)


@token_app.command("revoke")
@command
def token_revoke(token_id: int = typer.Argument(..., metavar="ID", help="Token id.")) -> None:
    """Revoke an API token."""
    from steward.core.auth import token_revoke as revoke

    revoke(token_id=token_id)
    console.print(f"Token {token_id} revoked.")


@app.command("import")
@command
def import_(
    kind: str = typer.Argument(..., help="people, teams, roles, ... (see docs/importing.md)."),
    file: str = typer.Argument(..., metavar="FILE", help="The file (or folder, for roles)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change; write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the diff as JSON."),
) -> None:
    """Import a file: validate all of it, then write it in one transaction (or show the diff)."""
    import dataclasses

    from steward.core.cli_support import print_json
    from steward.core.errors import InvalidInput
    from steward.core.importing import diff_tables, run_import
    from steward.core.policy import SYSTEM

    try:
        diff = run_import(kind, file, dry_run=dry_run, actor=SYSTEM)
    except InvalidInput as exc:
        for problem in exc.problems:
            err_console.print(str(problem), highlight=False, soft_wrap=True, markup=False)
        err_console.print(f"{len(exc.problems)} problem(s); nothing was written.")
        if as_json:
            print_json({"problems": [dataclasses.asdict(p) for p in exc.problems]})
        raise typer.Exit(2) from exc
    if as_json:
        print_json(diff.as_dict())
        return
    for table in diff_tables(diff):
        console.print(table)


@app.command("export")
@command
def export(
    folder: str = typer.Argument(
        ..., metavar="[KIND] DIR", help="Folder to write to; `decisions DIR` writes the ADRs."
    ),
    second: str | None = typer.Argument(None, metavar="", hidden=True),
    as_user: str | None = typer.Option(
        None, "--as", metavar="USER", help="Export only what this user may see."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the record counts as JSON."),
    fmt: str = typer.Option(
        "backstage",
        "--format",
        help="For `export radar FILE`: byor-csv, byor-json, zalando or backstage.",
    ),
    on: str | None = typer.Option(
        None, "--date", metavar="YYYY-MM-DD", help="For `export radar`: the radar on this day."
    ),
    map_: list[str] = typer.Option(  # noqa: B008 - typer's way to declare a repeated option
        [],
        "--map",
        metavar="FROM=TO",
        help="For `export radar` to BYOR/Zalando: write quadrant or ring FROM as TO "
        "(names or keys; repeatable) instead of merging the extra ones into the last.",
    ),
) -> None:
    """Write the organization as YAML files (org as code); `export decisions DIR`: MADR 4 ADRs;
    `export radar --format F FILE`: the tech radar."""
    from pathlib import Path

    from django.contrib.auth.models import User

    from steward.core.cli_support import print_json
    from steward.core.errors import BadInput
    from steward.core.policy import SYSTEM, SystemActor
    from steward.org.orgcode import export_org

    actor: User | SystemActor = SYSTEM
    if as_user is not None:
        user = User.objects.filter(username=as_user).first()
        if user is None:
            raise BadInput(f"--as {as_user!r}: no such user (give an existing login)")
        actor = user
    if second is not None and folder == "radar":
        from datetime import date

        from django.utils import timezone

        from steward.architecture.exporting import export_radar, parse_mapping
        from steward.architecture.radar_format import FORMATS

        if fmt not in FORMATS:
            raise BadInput(f"--format {fmt!r}: not one of {', '.join(FORMATS)}")
        try:
            day = date.fromisoformat(on) if on else timezone.localdate()
        except ValueError as exc:
            raise BadInput(f"--date {on!r}: not a date (write YYYY-MM-DD)") from exc
        warnings = export_radar(
            Path(second), fmt, actor=actor, day=day, mapping=parse_mapping(map_)
        )
        if as_json:
            print_json({"file": second, "format": fmt, "date": day, "warnings": warnings})
            return
        for warning in warnings:
            err_console.print(f"warning: {warning}", markup=False)
        console.print(f"Written to {second}.")
        return
    if second is not None and folder == "catalog":
        from steward.architecture.exporting import export_catalog

        count = export_catalog(Path(second), actor=actor)
        if as_json:
            print_json({"file": second, "counts": {"entities": count}})
            return
        console.print(f"entities: {count}")
        console.print(f"Written to {second}.")
        return
    if second is not None:
        if folder != "decisions":
            raise BadInput(f"export {folder!r}: unknown kind (known: decisions, radar, catalog)")
        from steward.architecture.exporting import export_decisions

        paths = export_decisions(Path(second), actor=actor)
        if as_json:
            print_json({"folder": second, "counts": {"decisions": len(paths)}})
            return
        console.print(f"decisions: {len(paths)}")
        console.print(f"Written to {second}.")
        return
    counts = export_org(Path(folder), actor=actor)
    if as_json:
        print_json({"folder": folder, "counts": counts})
        return
    for name, count in counts.items():
        console.print(f"{name}: {count}")
    console.print(f"Written to {folder}.")


@app.command("import-all")
@command
def import_all(
    folder: str = typer.Argument(..., metavar="DIR", help="A folder written by steward export."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change; write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the changes as JSON."),
) -> None:
    """Import an org-as-code folder: validate every file, then write in one transaction."""
    from pathlib import Path

    from steward.core.cli_support import print_json
    from steward.core.errors import InvalidInput
    from steward.org.orgcode import import_org

    try:
        plan = import_org(Path(folder), dry_run=dry_run)
    except InvalidInput as exc:
        for problem in exc.problems:
            err_console.print(str(problem), highlight=False, soft_wrap=True, markup=False)
        err_console.print(f"{len(exc.problems)} problem(s); nothing was written.")
        raise typer.Exit(2) from exc
    if as_json:
        print_json({"dry_run": dry_run, "kinds": plan.summary()})
        return
    for line in plan.lines(detail=dry_run):
        console.print(line, highlight=False, markup=False)
    if dry_run:
        console.print("Dry run: nothing was written.")
    elif not plan.has_changes():
        console.print("Nothing to change.")


@app.command()
@command
def backup(
    file: str = typer.Argument(..., metavar="FILE", help="Backup file to write (.jsonl.gz)."),
    as_json: bool = typer.Option(False, "--json", help="Print the rows per model as JSON."),
) -> None:
    """Write a consistent backup of everything in the database (sessions and cache left out)."""
    from pathlib import Path

    from steward.core.backup import backup_write
    from steward.core.cli_support import print_json

    counts = backup_write(Path(file))
    if as_json:
        print_json({"file": file, "counts": counts})
        return
    console.print(f"Backed up {sum(counts.values())} rows of {len(counts)} models to {file}.")


@app.command()
@command(check_schema=False)
def restore(
    file: str = typer.Argument(..., metavar="FILE", help="A file written by steward backup."),
    as_json: bool = typer.Option(False, "--json", help="Print the rows per model as JSON."),
) -> None:
    """Restore a backup into an empty database (SQLite or PostgreSQL, either way)."""
    from pathlib import Path

    from steward.core.backup import restore_read
    from steward.core.cli_support import print_json

    counts = restore_read(Path(file))
    if as_json:
        print_json({"file": file, "counts": counts})
        return
    console.print(f"Restored {sum(counts.values())} rows of {len(counts)} models from {file}.")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


# Commands of the areas, each defined in its app's own cli.py, are mounted here.
from steward.engineering.cli import ingest_app, metrics_app, webhook_app  # noqa: E402

app.add_typer(ingest_app, name="ingest")
app.add_typer(metrics_app, name="metrics")
import steward.knowledge.cli  # noqa: E402, F401  (adds `steward metrics truck-factor`)

app.add_typer(webhook_app, name="webhook")
from steward.orgdesign.cli import org_app  # noqa: E402

app.add_typer(org_app, name="org")
from steward.strategy.cli import plan_app  # noqa: E402

app.add_typer(plan_app, name="plan")
from steward.cockpit.cli import findings_app, report_app  # noqa: E402

app.add_typer(report_app, name="report")
app.add_typer(findings_app, name="findings")
from steward.architecture.cli import architecture_app  # noqa: E402
from steward.finance.cli import finance_app  # noqa: E402
from steward.growth.cli import ladder_app  # noqa: E402  (also adds `metrics attrition|tenure`)
from steward.worktracking import cli as _worktracking_cli  # noqa: E402, F401  (joins metrics, ingest)

app.add_typer(architecture_app, name="architecture")
app.add_typer(finance_app, name="finance")
app.add_typer(ladder_app, name="ladder")
from steward.talent.cli import talent_app  # noqa: E402  (also mounts `steward metrics hiring`)

app.add_typer(talent_app, name="talent")
