"""What every CLI command shares: Django set-up, consoles, and errors mapped to exit codes.

Each app that has commands defines a Typer app in its own `cli.py` using `command`, and
`steward/cli.py` mounts it. Exit codes (CONTRACT.md): 0 success, 1 failure while running,
2 bad input or usage (nothing written).
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def django_setup() -> None:
    """Configure Django once for a CLI command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()


def migrate(verbosity: int = 0) -> None:
    """Create or migrate the database schema (and the cache table)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
    call_command("createcachetable", verbosity=verbosity)


def command(func: F) -> F:
    """Run a command inside Django, mapping Steward errors to the contract's exit codes."""

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
