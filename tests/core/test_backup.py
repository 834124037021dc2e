"""Backup and restore round trips: SQLite -> SQLite, SQLite -> PostgreSQL, PostgreSQL -> SQLite.

The source is a demo company built by `steward demo` in its own STEWARD_HOME (SQLite), plus an
admin with a real password and an API token. Each restore runs `steward restore` in a fresh
home or a throwaway PostgreSQL database; each restored database is backed up again and its
objects must equal the source's, row for row and field for field.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

from steward.core import backup
from steward.core.errors import BadInput

# Subprocesses, whole-database backups and demo builds. One xdist group: the module-scoped
# `source` and `sqlite_copy` (a backup of the demo company and its restore, about a minute of
# CPU) are then built once, on one worker, instead of once on each.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("backup")]

PASSWORD = "a long and proper passphrase"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
VERIFY = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
django.setup()
from django.contrib.auth import authenticate
from steward.core.auth import user_for_token
from steward.org.models import Department
ok = authenticate(None, username="boss", password=sys.argv[1]) is not None
wrong = authenticate(None, username="boss", password="not it") is not None
token = user_for_token(sys.argv[2])
new = Department.objects.create(slug="after-restore", name="After restore").pk
old = max(Department.objects.exclude(pk=new).values_list("pk", flat=True))
print(ok, wrong, token.username if token else None, new > old)
"""


def _env(home: Path, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "STEWARD_HOME")}
    env["STEWARD_HOME"] = str(home)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _steward(
    *args: str, home: Path, database_url: str | None = None, stdin: str = "", check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "steward", *args],
        env=_env(home, database_url),
        input=stdin,
        capture_output=True,
        text=True,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def _objects(path: Path) -> list[str]:
    """The objects of a backup as canonical JSON (key order of JSON columns does not count)."""
    stat = path.stat()
    return _objects_of(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=2)
def _objects_of(path: str, _mtime_ns: int, _size: int) -> list[str]:
    """`_objects`, kept for the last two files: the source is compared with every copy (its
    142,000 objects take seconds to read and sort each time)."""
    with gzip.open(path, "rt", encoding="utf-8") as source:
        lines = source.read().splitlines()
    assert json.loads(lines[-1]) == {"end": backup.FORMAT, "objects": len(lines) - 2}
    return sorted(json.dumps(json.loads(line), sort_keys=True) for line in lines[1:-1])


def _header(path: Path) -> dict[str, Any]:
    return backup.read_header(path)


def _verify(home: Path, token: str, database_url: str | None = None) -> None:
    result = subprocess.run(
        [sys.executable, "-c", VERIFY, PASSWORD, token],
        env=_env(home, database_url),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "boss", "True"]


@pytest.fixture(scope="module")
def source(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str, dict[str, int]]:
    """A backup of the test database (the demo company of every app) plus an admin `boss`
    with a real password and an API token; their rows are rolled back afterwards.

    Returns the file, the raw token and the row count per table counted with plain SQL.
    """
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from steward.core.auth import token_create

    file = tmp_path_factory.mktemp("source") / "source.jsonl.gz"
    with django_db_blocker.unblock(), transaction.atomic():
        boss = User.objects.create_user(username="boss", password=PASSWORD, is_superuser=True)
        _token, raw = token_create(user=boss, name="ci")
        backup.backup_write(file)
        counts = {}
        with connection.cursor() as cursor:
            for model in apps.get_models():
                if model._meta.label_lower != "sessions.session" and model._meta.managed:
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f"SELECT COUNT(*) FROM {table}")
                    counts[model._meta.label_lower] = cursor.fetchone()[0]
        transaction.set_rollback(True)
    return file, raw, counts


def test_backup_holds_every_row_of_every_table_but_sessions(
    source: tuple[Path, str, dict[str, int]],
) -> None:
    file, _token, expected = source
    header = _header(file)
    assert header["counts"] == {k: v for k, v in expected.items() if k in header["counts"]}
    assert set(header["counts"]) == set(expected)
    per_model = Counter(json.loads(o)["model"] for o in _objects(file))
    assert dict(per_model) == {k: v for k, v in expected.items() if v}
    for label in ("auditlog.logentry", "core.apitoken", "core.instancesetting", "auth.user"):
        assert expected[label] > 0, label
    assert "sessions.session" not in header["counts"]


@pytest.fixture(scope="module")
def sqlite_copy(
    source: tuple[Path, str, dict[str, int]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    """The source restored into a fresh SQLite home, and that home's own backup."""
    file, _token, _counts = source
    home = tmp_path_factory.mktemp("sqlite-copy")
    _steward("restore", str(file), home=home)
    again = home / "again.jsonl.gz"
    _steward("backup", str(again), home=home)
    return home, again


def test_restore_into_sqlite_then_backup_gives_the_same_objects(
    source: tuple[Path, str, dict[str, int]], sqlite_copy: tuple[Path, Path]
) -> None:
    file, token, _counts = source
    home, again = sqlite_copy
    assert _header(again)["engine"] == "sqlite"
    assert _objects(again) == _objects(file)
    assert _header(again)["counts"] == _header(file)["counts"]
    _verify(home, token)


MOVED = ("scenario", "scenariochange", "headcountplanentry", "teamallocation", "burdenrate")


def _as_before_the_move(line: str) -> str:
    """A backup line as Steward wrote it while the design models lived in `org`."""
    for model in MOVED:
        line = line.replace(f'"orgdesign.{model}"', f'"org.{model}"')
        line = line.replace(f'"orgdesign","{model}"]', f'"org","{model}"]')
        line = line.replace(
            f'"app_label":"orgdesign","model":"{model}"', f'"app_label":"org","model":"{model}"'
        )
    return line


def test_a_backup_from_before_orgdesign_restores_into_the_new_labels(
    source: tuple[Path, str, dict[str, int]], tmp_path: Path
) -> None:
    file, _token, _counts = source
    old = tmp_path / "old.jsonl.gz"
    with gzip.open(file, "rt", encoding="utf-8") as src, gzip.open(old, "wt") as out:
        header = json.loads(src.readline())
        header["counts"] = {
            _as_before_the_move(f'"{k}"')[1:-1]: v for k, v in header["counts"].items()
        }
        header["migrations"].pop("orgdesign")
        header["migrations"]["org"].remove("0004_design_models_move_to_orgdesign")
        out.write(json.dumps(header, separators=(",", ":")) + "\n")
        for line in src:
            out.write(_as_before_the_move(line))
    assert "org.scenario" in _header(old)["counts"]
    with gzip.open(old, "rt", encoding="utf-8") as check:
        text = check.read()
    assert '"model":"org.scenario"' in text and '"model":"orgdesign.scenario"' not in text
    home = tmp_path / "home"
    _steward("restore", str(old), home=home)
    again = home / "again.jsonl.gz"
    _steward("backup", str(again), home=home)
    assert _objects(again) == _objects(file)


def test_restore_refuses_a_database_that_is_not_empty(
    source: tuple[Path, str, dict[str, int]], sqlite_copy: tuple[Path, Path], tmp_path: Path
) -> None:
    file, _token, _counts = source
    home, _again = sqlite_copy
    before = _table_counts(home / "steward.sqlite3")
    refused = _steward("restore", str(file), home=home, check=False)
    assert refused.returncode == 2
    assert "the database is not empty" in refused.stderr
    assert _table_counts(home / "steward.sqlite3") == before


def _table_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        tables = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_sqlite_to_sqlite(
    source: tuple[Path, str, dict[str, int]],
    sqlite_copy: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        # The test database is SQLite: the sqlite_copy fixture already went SQLite -> SQLite.
        assert _header(source[0])["engine"] == "sqlite"
        return
    _home, again = sqlite_copy
    home = tmp_path / "second"
    _steward("restore", str(again), home=home)
    _steward("backup", str(tmp_path / "second.jsonl.gz"), home=home)
    assert _objects(tmp_path / "second.jsonl.gz") == _objects(again)


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A throwaway PostgreSQL database on the local server, dropped afterwards."""
    import psycopg

    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server answers at 127.0.0.1:5432 ({exc})")
    name = f"steward_backup_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_sqlite_to_postgresql_to_sqlite(
    source: tuple[Path, str, dict[str, int]],
    sqlite_copy: tuple[Path, Path],
    tmp_path: Path,
    pg_database: str,
) -> None:
    file, token, _counts = source
    sqlite_home, from_sqlite = sqlite_copy
    pg_home = tmp_path / "pg-home"
    _steward("restore", str(from_sqlite), home=pg_home, database_url=pg_database)
    from_pg = tmp_path / "from-pg.jsonl.gz"
    _steward("backup", str(from_pg), home=pg_home, database_url=pg_database)
    assert _header(from_pg)["engine"] == "postgresql"
    assert _objects(from_pg) == _objects(file)
    refused = _steward(
        "restore", str(from_sqlite), home=pg_home, database_url=pg_database, check=False
    )
    assert refused.returncode == 2
    # PostgreSQL -> SQLite.
    back = tmp_path / "back"
    _steward("restore", str(from_pg), home=back)
    sample = "SELECT employee_id, name, salary, currency, start_date, end_date FROM org_person"
    with sqlite3.connect(sqlite_home / "steward.sqlite3") as a:
        expected = sorted(a.execute(sample).fetchall())
    with sqlite3.connect(back / "steward.sqlite3") as b:
        assert sorted(b.execute(sample).fetchall()) == expected
    assert len(expected) > 100
    round_trip = tmp_path / "round-trip.jsonl.gz"
    _steward("backup", str(round_trip), home=back)
    assert _objects(round_trip) == _objects(file)
    _verify(pg_home, token, pg_database)  # sequences were reset: new ids follow the old ones
    _verify(back, token)


@pytest.mark.django_db
def test_in_process_backup_counts_and_restore_refuses_this_database(tmp_path: Path) -> None:
    file = tmp_path / "test-db.jsonl.gz"
    counts = backup.backup_write(file)
    for model in backup.backup_models():
        assert counts[model._meta.label_lower] == model._base_manager.count()
    assert len(_objects(file)) == sum(counts.values())
    with pytest.raises(BadInput, match="not empty"):
        backup.restore_read(file)


def test_damaged_files_are_bad_input(
    source: tuple[Path, str, dict[str, int]], tmp_path: Path
) -> None:
    file, _token, _counts = source
    with gzip.open(file, "rt", encoding="utf-8") as full:
        head = [full.readline() for _ in range(200)]
    cut = tmp_path / "cut.jsonl.gz"
    with gzip.open(cut, "wt", encoding="utf-8") as out:
        out.writelines(head)
    target = tmp_path / "target"
    for _attempt in range(2):  # nothing was written: the second attempt fails the same way
        result = _steward("restore", str(cut), home=target, check=False)
        assert result.returncode == 2
        assert "incomplete" in result.stderr
    (tmp_path / "junk.gz").write_bytes(b"not a backup")
    junk = _steward("restore", str(tmp_path / "junk.gz"), home=tmp_path / "t2", check=False)
    assert junk.returncode == 2 and "not a Steward backup" in junk.stderr


def _nothing_restored(home: Path) -> bool:
    database = home / "steward.sqlite3"
    if not database.exists():
        return True
    return all(n == 0 for n in _table_counts(database).values())


def test_a_cut_or_corrupt_gzip_is_bad_input_and_nothing_is_restored(
    source: tuple[Path, str, dict[str, int]], tmp_path: Path
) -> None:
    file, _token, _counts = source
    raw = file.read_bytes()
    # gzip ends with CRC-32 and length (4 bytes each, little-endian) of the uncompressed data.
    crc = int.from_bytes(raw[-8:-4], "little")
    damaged = {
        "half": (raw[: len(raw) // 2], "damaged or cut short"),
        "no-trailer": (raw[:-8], "damaged or cut short"),
        "wrong-crc": (raw[:-8] + (crc ^ 1).to_bytes(4, "little") + raw[-4:], "CRC check failed"),
        "wrong-length": (raw[:-4] + (len(raw) * 7).to_bytes(4, "little"), "damaged or cut short"),
    }
    for name, (content, expected) in damaged.items():
        path = tmp_path / f"{name}.jsonl.gz"
        path.write_bytes(content)
        target = tmp_path / f"target-{name}"
        result = _steward("restore", str(path), home=target, check=False)
        assert result.returncode == 2, (name, result.stderr)
        assert expected in " ".join(result.stderr.split()), (name, result.stderr)
        assert "Aborted" not in result.stderr
        assert _nothing_restored(target), name
