"""Backup and restore round trips: SQLite -> SQLite, SQLite -> PostgreSQL, PostgreSQL -> SQLite.

The source is a backup of the test database (the demo company of every app) plus an admin with
a real password and an API token. Each restore runs `steward restore` in a fresh home or a
throwaway PostgreSQL database; each restored database is backed up again and its objects must
equal the source's, row for row and field for field.

Three whole-company restores prove everything (docs/testing.md): the source, rewritten with the
labels Steward used before `orgdesign` existed, into a fresh SQLite home (SQLite -> SQLite and
the relabelling at once; the home is shared by the tests that only read it or are refused);
that home's backup into PostgreSQL; PostgreSQL's backup into SQLite again. Refusals and damaged
files use a small valid backup (the first objects of the source): they are refused before a
row is read, whatever the size.
"""

from __future__ import annotations

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

from steward.core import backup, backup_rows
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
    """The objects of a backup as canonical JSON (key order of JSON columns does not count),
    sorted; the closing line's count is checked."""
    with gzip.open(path, "rt", encoding="utf-8") as source:
        lines = source.read().splitlines()
    assert json.loads(lines[-1]) == {"end": backup.FORMAT, "objects": len(lines) - 2}
    return sorted(json.dumps(json.loads(line), sort_keys=True) for line in lines[1:-1])


_LINES: dict[tuple[str, int, int], Counter[str]] = {}


def _lines(path: Path) -> Counter[str]:
    """The object lines of a backup as written, each file read once (every copy is compared
    with the source, whose 190,000 objects take seconds to parse); the closing line's count is
    checked."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _LINES:
        with gzip.open(path, "rt", encoding="utf-8") as source:
            lines = source.read().splitlines()
        assert json.loads(lines[-1]) == {"end": backup.FORMAT, "objects": len(lines) - 2}
        _LINES[key] = Counter(lines[1:-1])
    return _LINES[key]


def _canonical(lines: Counter[str]) -> Counter[str]:
    return Counter({json.dumps(json.loads(line), sort_keys=True): n for line, n in lines.items()})


def _assert_same_objects(copy: Path, original: Path) -> None:
    """`copy` holds the objects of `original`, row for row and field for field. Lines written
    the same are the same objects; the others (PostgreSQL orders the keys of JSON columns its
    own way) must be equal as canonical JSON. On a difference the first differing objects are
    shown."""
    a, b = _lines(copy), _lines(original)
    only_a, only_b = _canonical(a - b), _canonical(b - a)
    if only_a != only_b:
        pytest.fail(
            f"{a.total()} vs {b.total()} objects; only in the copy: "
            f"{sorted(only_a - only_b)[:3]}; only in the original: {sorted(only_b - only_a)[:3]}"
        )


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


class Source:
    """The source backup: its file, the raw API token, the row count per table counted with
    plain SQL, and the counts `backup_write` returned."""

    def __init__(self, file: Path, token: str, sql: dict[str, int], written: dict[str, int]):
        self.file, self.token, self.sql, self.written = file, token, sql, written


@pytest.fixture(scope="module")
def source(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Source:
    """A backup of the test database (the demo company of every app) plus an admin `boss`
    with a real password and an API token; their rows are rolled back afterwards."""
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from steward.core.auth import token_create

    file = tmp_path_factory.mktemp("source") / "source.jsonl.gz"
    with django_db_blocker.unblock(), transaction.atomic():
        boss = User.objects.create_user(username="boss", password=PASSWORD, is_superuser=True)
        _token, raw = token_create(user=boss, name="ci")
        written = backup.backup_write(file)
        counts = {}
        with connection.cursor() as cursor:
            for model in apps.get_models():
                if model._meta.label_lower != "sessions.session" and model._meta.managed:
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f"SELECT COUNT(*) FROM {table}")
                    counts[model._meta.label_lower] = cursor.fetchone()[0]
        transaction.set_rollback(True)
    return Source(file, raw, counts, written)


def test_backup_holds_every_row_of_every_table_but_sessions(source: Source) -> None:
    expected = source.sql
    header = _header(source.file)
    assert header["counts"] == {k: v for k, v in expected.items() if k in header["counts"]}
    assert set(header["counts"]) == set(expected)
    assert source.written == header["counts"]  # what backup_write returns, per model
    objects = _objects(source.file)
    per_model = Counter(json.loads(o)["model"] for o in objects)
    assert dict(per_model) == {k: v for k, v in expected.items() if v}
    assert len(objects) == sum(source.written.values())
    for label in ("auditlog.logentry", "core.apitoken", "core.instancesetting", "auth.user"):
        assert expected[label] > 0, label
    assert "sessions.session" not in header["counts"]


@pytest.mark.django_db
def test_the_serializer_writes_what_djangos_writes() -> None:
    """`backup`'s serializer keeps each natural key after its first use, and `backup_rows`
    writes most models straight from their rows: both outputs are Django's own, object for
    object, on the first rows of every model (2,000 of the audit log, whose entries name their
    content type by natural key; two API tokens name one user). 126 of 135 models go the fast
    way today."""
    from django.contrib.auth.models import User
    from django.core import serializers

    from steward.core.auth import token_create

    boss = User.objects.create_user(username="boss", password=PASSWORD)
    token_create(user=boss, name="one")
    token_create(user=boss, name="two")
    seen: dict[str, list[dict[str, Any]]] = {}
    from_rows = []
    for model in backup.backup_models():
        label = model._meta.label_lower
        limit = 2000 if label == "auditlog.logentry" else 300
        first = model._base_manager.order_by("pk")[:limit]
        rows = list(first)
        natural = label in backup.NATURAL_PK
        options = {"use_natural_foreign_keys": True, "use_natural_primary_keys": natural}
        seen[label] = backup._Serializer().serialize(rows, **options)
        assert seen[label] == serializers.serialize("python", rows, **options), label
        if backup_rows.writable(model, natural):
            # Written straight from the rows (what `backup_write` does for this model).
            assert list(backup_rows.objects(first, {}, chunk=7)) == seen[label], label
            from_rows.append(label)
    # Nearly every model goes the fast way; those that do not are named in backup_rows.py.
    assert len(from_rows) >= len(seen) - 10, sorted(set(seen) - set(from_rows))
    assert "auditlog.logentry" in from_rows  # natural keys of content types and users
    entries = seen["auditlog.logentry"]
    assert len(entries) == 2000
    assert len({tuple(o["fields"]["content_type"]) for o in entries}) > 10
    assert [o["fields"]["user"] for o in seen["core.apitoken"]][-2:] == [("boss",), ("boss",)]


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


@pytest.fixture(scope="module")
def old_labels(source: Source, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source as Steward wrote it before the design models moved from `org` to
    `orgdesign` (labels, content type keys, header counts and migrations)."""
    old = tmp_path_factory.mktemp("old-labels") / "old.jsonl.gz"
    with gzip.open(source.file, "rt", encoding="utf-8") as src, gzip.open(old, "wt") as out:
        header = json.loads(src.readline())
        header["counts"] = {
            _as_before_the_move(f'"{k}"')[1:-1]: v for k, v in header["counts"].items()
        }
        header["migrations"].pop("orgdesign")
        header["migrations"]["org"].remove("0004_design_models_move_to_orgdesign")
        out.write(json.dumps(header, separators=(",", ":")) + "\n")
        for line in src:
            out.write(_as_before_the_move(line))
    return old


def test_the_old_labels_file_names_the_design_models_by_their_old_labels(
    old_labels: Path,
) -> None:
    assert "org.scenario" in _header(old_labels)["counts"]
    assert "orgdesign.scenario" not in _header(old_labels)["counts"]
    with gzip.open(old_labels, "rt", encoding="utf-8") as check:
        text = check.read()
    for model in MOVED:
        assert f'"model":"org.{model}"' in text, model
        assert f'"model":"orgdesign.{model}"' not in text, model
        assert f'"orgdesign","{model}"]' not in text, model  # content type natural keys


@pytest.fixture(scope="module")
def sqlite_copy(old_labels: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The source with its pre-orgdesign labels restored into a fresh SQLite home, and that
    home's own backup (which names the design models by their new labels)."""
    home = tmp_path_factory.mktemp("sqlite-copy")
    _steward("restore", str(old_labels), home=home)
    again = home / "again.jsonl.gz"
    _steward("backup", str(again), home=home)
    return home, again


def test_restore_into_sqlite_then_backup_gives_the_same_objects(
    source: Source, sqlite_copy: tuple[Path, Path]
) -> None:
    """SQLite -> SQLite, and a backup from before orgdesign restores into the new labels: the
    copy's backup equals the source (written with the new labels), object for object."""
    home, again = sqlite_copy
    assert _header(again)["engine"] == "sqlite"
    _assert_same_objects(again, source.file)
    assert _header(again)["counts"] == _header(source.file)["counts"]
    _verify(home, source.token)


@pytest.fixture(scope="module")
def small(source: Source, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid backup of the source's header and first 3,000 objects (with its closing line):
    a restore refuses a non-empty database or a damaged file before it reads a row."""
    small = tmp_path_factory.mktemp("small") / "small.jsonl.gz"
    with gzip.open(source.file, "rt", encoding="utf-8") as src, gzip.open(small, "wt") as out:
        head = [src.readline() for _ in range(3001)]
        out.writelines(head)
        out.write(json.dumps({"end": backup.FORMAT, "objects": 3000}) + "\n")
    assert backup.verify_file(small) == 3000
    return small


def test_restore_refuses_a_database_that_is_not_empty(
    small: Path, sqlite_copy: tuple[Path, Path]
) -> None:
    home, _again = sqlite_copy
    before = _table_counts(home / "steward.sqlite3")
    refused = _steward("restore", str(small), home=home, check=False)
    assert refused.returncode == 2
    assert "the database is not empty" in refused.stderr
    assert _table_counts(home / "steward.sqlite3") == before


def _table_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        tables = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_sqlite_to_sqlite(source: Source, sqlite_copy: tuple[Path, Path], tmp_path: Path) -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        # The test database is SQLite: the sqlite_copy fixture already went SQLite -> SQLite.
        assert _header(source.file)["engine"] == "sqlite"
        return
    _home, again = sqlite_copy
    home = tmp_path / "second"
    _steward("restore", str(again), home=home)
    _steward("backup", str(tmp_path / "second.jsonl.gz"), home=home)
    _assert_same_objects(tmp_path / "second.jsonl.gz", again)


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
    source: Source,
    sqlite_copy: tuple[Path, Path],
    small: Path,
    tmp_path: Path,
    pg_database: str,
) -> None:
    sqlite_home, from_sqlite = sqlite_copy
    pg_home = tmp_path / "pg-home"
    _steward("restore", str(from_sqlite), home=pg_home, database_url=pg_database)
    from_pg = tmp_path / "from-pg.jsonl.gz"
    _steward("backup", str(from_pg), home=pg_home, database_url=pg_database)
    assert _header(from_pg)["engine"] == "postgresql"
    _assert_same_objects(from_pg, source.file)
    refused = _steward("restore", str(small), home=pg_home, database_url=pg_database, check=False)
    assert refused.returncode == 2
    assert "the database is not empty" in refused.stderr
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
    _assert_same_objects(round_trip, source.file)
    _verify(pg_home, source.token, pg_database)  # sequences were reset: new ids follow the old
    _verify(back, source.token)


@pytest.mark.django_db
def test_restore_refuses_this_database_in_process(small: Path) -> None:
    with pytest.raises(BadInput, match="not empty"):
        backup.restore_read(small)


def test_damaged_files_are_bad_input(small: Path, tmp_path: Path) -> None:
    with gzip.open(small, "rt", encoding="utf-8") as full:
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
    small: Path, tmp_path: Path
) -> None:
    raw = small.read_bytes()
    assert len(raw) > 50_000  # deflate blocks, not a few bytes
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
