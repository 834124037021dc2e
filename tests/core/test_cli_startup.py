"""A fast CLI: `--help` without Django, no `migrate` per command, a cheap schema check."""

from __future__ import annotations

import functools
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import steward_cli as _steward_cli

steward_cli = functools.partial(_steward_cli, check=False)


def test_help_sets_up_no_django_and_loads_no_solver_or_charts() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['steward', '--help']\n"
        "from steward.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ['django.db', 'django.apps', 'highspy', 'altair', 'vl_convert', 'markdown',\n"
        "         'rich.progress', 'rich.markdown', 'typer.rich_utils', 'numpy', 'yaml']\n"
        "print('LOADED', sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "LOADED []" in result.stdout, result.stdout[-500:]


def test_commands_ask_for_init_instead_of_migrating(tmp_path: Path) -> None:
    fresh = steward_cli(tmp_path, "token", "revoke", "1")
    assert fresh.returncode == 1
    assert "not created yet: run steward init" in fresh.stderr
    assert not (tmp_path / "steward.sqlite3").exists() or _tables(tmp_path) == set()
    assert steward_cli(tmp_path, "init").returncode == 0
    assert steward_cli(tmp_path, "token", "revoke", "1").returncode == 2  # schema ok: no token
    # A migration the database has not recorded: behind, and nothing migrates it on the way.
    with sqlite3.connect(tmp_path / "steward.sqlite3") as db:
        db.execute("DELETE FROM django_migrations WHERE app = 'strategy' AND name = '0001_initial'")
    behind = steward_cli(tmp_path, "token", "revoke", "1")
    assert behind.returncode == 1
    assert "behind" in behind.stderr and "strategy.0001_initial" in behind.stderr
    assert "run steward init" in behind.stderr
    with sqlite3.connect(tmp_path / "steward.sqlite3") as db:
        recorded = db.execute(
            "SELECT count(*) FROM django_migrations "
            "WHERE app = 'strategy' AND name = '0001_initial'"
        ).fetchone()[0]
    assert recorded == 0


def _tables(home: Path) -> set[str]:
    with sqlite3.connect(home / "steward.sqlite3") as db:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_schema_pending_matches_django_migration_loader(db) -> None:  # type: ignore[no-untyped-def]
    """The cheap check sees exactly the migrations Django's own loader sees."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from steward.core.cli_support import schema_pending

    assert schema_pending() == []
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    assert set(loader.disk_migrations) <= set(loader.applied_migrations)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'org'")
    expected = sorted(f"{app}.{name}" for app, name in loader.disk_migrations if app == "org")
    assert schema_pending() == expected
