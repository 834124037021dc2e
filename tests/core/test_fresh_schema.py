"""A fresh database created from the models (core/fresh_schema.py) equals one built by running
every migration: the same tables, columns, indexes and constraints, the same migrations
recorded, the same content types and permissions. Each database is built in its own process
(`steward init` does the fresh one), on SQLite and, when a server answers, on PostgreSQL.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.db.migrations import Migration, RunPython, RunSQL, SeparateDatabaseAndState
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddField
from django.db.models import IntegerField

from steward.core import fresh_schema
from tests.core.test_backup import PG_ADMIN_URL, _env

pytestmark = pytest.mark.slow

# Builds the database one way (argv[1]: "migrate" or "fresh") and prints what it holds.
DESCRIBE = """
import json, os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
django.setup()
from django.core.management import call_command
from django.db import connection
from steward.core.fresh_schema import create_if_empty

if sys.argv[1] == "fresh":
    assert create_if_empty(), "the fresh path was not taken"
else:
    call_command("migrate", interactive=False, verbosity=0)

def checks(sql):
    # The CHECK clauses of a CREATE TABLE statement, as written.
    found, at = [], sql.find("CHECK (")
    while at >= 0:
        depth, end = 0, at + 6
        for end in range(at + 6, len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            if depth == 0:
                break
        found.append(sql[at:end + 1])
        at = sql.find("CHECK (", end)
    return sorted(found)

def sqlite_table(cursor, table):
    # Django's SQLite introspection cannot read a table whose CHECK holds nested parentheses
    # (JSON fields); the pragmas give the same facts.
    cursor.execute(f'PRAGMA table_info("{table}")')
    columns = sorted([n, kind, notnull, default, pk] for _c, n, kind, notnull, default, pk
                     in cursor.fetchall())
    cursor.execute(f'PRAGMA index_list("{table}")')
    indexes = []
    for _seq, name, unique, origin, partial in cursor.fetchall():
        cursor.execute(f'PRAGMA index_info("{name}")')
        named = name if origin == "c" else None  # CREATE INDEX: Django chose the name
        indexes.append([[c for _s, _i, c in cursor.fetchall()], unique, origin, partial, named])
    cursor.execute(f'PRAGMA foreign_key_list("{table}")')
    keys = sorted([t, f, to, u, d] for _i, _s, t, f, to, u, d, _m in cursor.fetchall())
    cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [table])
    return {"columns": columns, "indexes": sorted(indexes, key=json.dumps),
            "foreign_keys": keys, "checks": checks(cursor.fetchone()[0])}

def constraint(c):
    fk = list(c["foreign_key"]) if c.get("foreign_key") else None
    return [c["columns"], c["primary_key"], c["unique"], fk, c["check"], c["index"],
            str(c.get("type")), c.get("orders") or []]

def pg_table(cursor, table):
    columns = sorted(
        [c.name, str(c.type_code), c.internal_size, c.precision, c.scale, c.null_ok,
         c.default, c.collation]
        for c in connection.introspection.get_table_description(cursor, table)
    )
    constraints = connection.introspection.get_constraints(cursor, table)
    return {"columns": columns,
            "constraints": sorted(map(constraint, constraints.values()), key=json.dumps)}

tables = {}
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names(cursor)):
        describe = sqlite_table if connection.vendor == "sqlite" else pg_table
        tables[table] = describe(cursor, table)
    cursor.execute("SELECT app, name FROM django_migrations")
    recorded = sorted(map(list, cursor.fetchall()))
    cursor.execute("SELECT app_label, model FROM django_content_type")
    types = sorted(map(list, cursor.fetchall()))
    cursor.execute(
        "SELECT t.app_label, t.model, p.codename, p.name FROM auth_permission p "
        "JOIN django_content_type t ON t.id = p.content_type_id"
    )
    permissions = sorted(map(list, cursor.fetchall()))
print(json.dumps({"tables": tables, "recorded": recorded, "content_types": types,
                  "permissions": permissions}))
"""


def _describe(way: str, home: Path, database_url: str | None = None) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", DESCRIBE, way],
        env=_env(home, database_url),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _assert_same(fresh: dict[str, Any], migrated: dict[str, Any]) -> None:
    assert sorted(fresh["tables"]) == sorted(migrated["tables"])
    for table, described in migrated["tables"].items():
        assert fresh["tables"][table] == described, table
    assert fresh["recorded"] == migrated["recorded"]
    assert fresh["content_types"] == migrated["content_types"]
    assert fresh["permissions"] == migrated["permissions"]
    # The comparison has something to compare.
    assert len(migrated["tables"]) > 100
    assert len(migrated["recorded"]) > 90
    assert len(migrated["permissions"]) > 400


def test_a_fresh_sqlite_database_equals_a_migrated_one(tmp_path: Path) -> None:
    _assert_same(_describe("fresh", tmp_path / "a"), _describe("migrate", tmp_path / "b"))


@pytest.fixture
def two_pg_databases() -> Iterator[tuple[str, str]]:
    import uuid

    import psycopg

    if connection.vendor != "postgresql":
        pytest.skip("compared in the PostgreSQL pass (DATABASE_URL set)")
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server answers at 127.0.0.1:5432 ({exc})")
    names = [f"steward_fresh_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    for name in names:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        a, b = (f"postgresql://postgres@127.0.0.1:5432/{name}" for name in names)
        yield a, b
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.django_db
def test_a_fresh_postgresql_database_equals_a_migrated_one(
    tmp_path: Path, two_pg_databases: tuple[str, str]
) -> None:
    """Run where the engine is tested: CI's PostgreSQL pass (the SQLite pass skips it)."""
    a, b = two_pg_databases
    _assert_same(
        _describe("fresh", tmp_path / "a", database_url=a),
        _describe("migrate", tmp_path / "b", database_url=b),
    )


def test_steward_init_takes_the_fresh_path_then_migrates_as_usual(tmp_path: Path) -> None:
    """`steward init` on an empty home creates the schema in one step; on that database
    `migrate` finds nothing to apply (every migration is recorded)."""
    home = tmp_path / "home"
    check = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'steward.settings');"
        "django.setup();"
        "from django.db import connection;"
        "from django.db.migrations.executor import MigrationExecutor;"
        "from steward.core.fresh_schema import create_if_empty;"
        "e = MigrationExecutor(connection);"
        "print(len(e.migration_plan(e.loader.graph.leaf_nodes())), create_if_empty())"
    )
    init = subprocess.run(
        [sys.executable, "-m", "steward", "init"], env=_env(home), capture_output=True, text=True
    )
    assert init.returncode == 0, init.stderr
    after = subprocess.run(
        [sys.executable, "-c", check], env=_env(home), capture_output=True, text=True
    )
    assert after.returncode == 0, after.stderr
    assert after.stdout.split() == ["0", "False"]  # nothing to apply; not empty any more


@pytest.mark.django_db
def test_a_database_with_tables_is_left_to_migrate() -> None:
    before = len(connection.introspection.table_names())
    assert fresh_schema.create_if_empty() is False
    assert len(connection.introspection.table_names()) == before


def _migration(name: str, *operations: Any) -> Migration:
    migration = Migration(name, "demo")
    migration.operations = list(operations)
    return migration


def test_code_or_sql_in_a_migration_that_nobody_reviewed_sends_it_down_the_slow_path() -> None:
    schema_only = AddField("thing", "size", IntegerField(default=0))
    loader = SimpleNamespace(
        disk_migrations={
            ("demo", "0001_schema"): _migration("0001_schema", schema_only),
            ("demo", "0002_code"): _migration("0002_code", RunPython(RunPython.noop)),
            ("demo", "0003_sql"): _migration(
                "0003_sql",
                SeparateDatabaseAndState(database_operations=[RunSQL("SELECT 1")]),
            ),
            ("core", "0002_scrub_password_hashes_from_audit_log"): _migration(
                "0002_scrub", RunPython(RunPython.noop)
            ),
        }
    )
    found = fresh_schema.unreviewed_data_migrations(loader)  # type: ignore[arg-type]
    assert found == [("demo", "0002_code"), ("demo", "0003_sql")]


def test_every_reviewed_migration_on_disk_does_run_code() -> None:
    """The reviewed list names data migrations only (a schema-only one needs no review), and
    today nothing on disk is left unreviewed (or every fresh database would be slow)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key in fresh_schema.EMPTY_DATA_MIGRATIONS & set(loader.disk_migrations):
        assert fresh_schema._writes_data(loader.disk_migrations[key].operations), key
    assert fresh_schema.unreviewed_data_migrations(loader) == []
