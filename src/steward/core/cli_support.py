"""What every CLI command shares: Django set-up, consoles, and errors mapped to exit codes.

Each app that has commands defines a Typer app in its own `cli.py` using `command`, and
`steward/cli.py` mounts it. Exit codes (CONTRACT.md): 0 success, 1 failure while running,
2 bad input or usage (nothing written).

Start-up cost matters (a command with nothing to do must finish in well under a second), so
modules here and in the apps' `cli.py` import only Typer and Rich's console at the top; Django,
Rich tables and progress bars, the solver and charts are imported inside the commands.
Commands do not run `migrate`: `command` checks the schema cheaply (`schema_pending`) and
asks for `steward init` when the database is behind; only `init`, `demo`, `serve` and
`restore` migrate.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from typing import Any, TypeVar, overload

import typer
from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])

console = Console()
err_console = Console(stderr=True)


def django_setup() -> None:
    """Configure Django once for a CLI command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()


def migrate(verbosity: int = 0) -> None:
    """Create or migrate the database schema (and the cache table). An empty database gets
    today's schema in one step (core/fresh_schema.py)."""
    from django.core.management import call_command

    from steward.core.fresh_schema import create_if_empty

    if not create_if_empty(verbosity=verbosity):
        call_command("migrate", interactive=False, verbosity=verbosity)
    call_command("createcachetable", verbosity=verbosity)


def schema_pending() -> list[str] | None:
    """Migrations on disk that the database has not recorded (`app.name`); None: no database.

    One query and a directory listing per app: the same names Django's migration loader finds
    (modules of each app's migrations package not starting with `_` or `~`), without importing
    them or building the migration graph, which is what makes `migrate` slow to start.
    """
    import importlib.util
    import pkgutil

    from django.apps import apps
    from django.db import DatabaseError, connection
    from django.db.migrations.loader import MigrationLoader

    on_disk: set[tuple[str, str]] = set()
    for config in apps.get_app_configs():
        module_name, _ = MigrationLoader.migrations_module(config.label)
        if module_name is None:
            continue
        try:
            spec = importlib.util.find_spec(module_name)
        except ModuleNotFoundError:
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        for info in pkgutil.iter_modules(spec.submodule_search_locations):
            if not info.ispkg and info.name[0] not in "_~":
                on_disk.add((config.label, info.name))
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = {(app, name) for app, name in cursor.fetchall()}
    except DatabaseError as exc:
        if any(t in str(exc) for t in ("no such table", "does not exist")):
            return None
        raise  # e.g. a busy database: the command's handler says so
    return sorted(f"{app}.{name}" for app, name in on_disk - applied)


def schema_require() -> None:
    """Raise StewardError (exit 1) unless the database exists with every migration applied."""
    from steward.core.errors import StewardError

    pending = schema_pending()
    if pending is None:
        raise StewardError("the database is not created yet: run steward init")
    if pending:
        raise StewardError(
            f"the database schema is behind this version of Steward ({len(pending)} "
            f"migration(s) not applied, first {pending[0]}): run steward init"
        )


@overload
def command(func: F) -> F: ...


@overload
def command(*, check_schema: bool = True) -> Callable[[F], F]: ...


def command(func: F | None = None, *, check_schema: bool = True) -> Any:
    """Run a command inside Django, mapping Steward errors to the contract's exit codes.

    `check_schema=False` for the commands that migrate the database themselves."""
    if func is None:
        return functools.partial(command, check_schema=check_schema)
    return _wrap(func, check_schema)


def _wrap(func: F, check_schema: bool) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        django_setup()
        import click
        from django.db import DatabaseError

        from steward.core.dbbusy import busy_message, is_busy, running
        from steward.core.errors import StewardError

        context = click.get_current_context(silent=True)
        name = context.command_path if context is not None else f"steward {func.__name__}"
        try:
            if check_schema:
                schema_require()
            with running(name):
                return func(*args, **kwargs)
        except StewardError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from exc
        except DatabaseError as exc:
            if is_busy(exc):
                err_console.print(
                    f"[bold red]error:[/] {busy_message()}", highlight=False, soft_wrap=True
                )
                raise typer.Exit(1) from exc
            missing = any(t in str(exc) for t in ("no such table", "does not exist"))
            hint = " (is the database created? run: steward init)" if missing else ""
            err_console.print(
                f"[bold red]database error:[/] {exc}{hint}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    """Print `data` as JSON on stdout (dates and decimals as strings), nothing else."""
    print(json.dumps(data, default=str, ensure_ascii=False))
