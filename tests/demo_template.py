"""The demo company built once and reused: a database template and a CLI demo home.

The template's schema is made as `steward init` makes it on an empty database (today's schema
in one step, every migration recorded: core/fresh_schema.py), so the tests run on what a new
install has. Building the demo company takes 15 to 30 s of CPU, so a run builds it at most
once, whatever the number of xdist workers: the first process that needs it builds it under a
file lock, the others wait and copy it. The copies are kept between runs under
`STEWARD_HOME/test-cache/` (`./.steward/test-cache/` when the tests run from the checkout),
keyed by a hash of the source of `steward` (migrations and demo code included) and the Django
version, so any change to the code builds a new template on the next run and removes the stale
one. Delete that folder to force a rebuild.

- SQLite: the template is a database file; every process loads it into its own in-memory test
  database (what Django uses for SQLite tests) with SQLite's backup API.
- PostgreSQL: the template is a database `<test name>_demo_<key>`; every process gets
  `CREATE DATABASE <test name>_<worker> TEMPLATE <template>` and drops it at the end.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import django

# Bump to rebuild every template after a change to this module's way of building them.
FORMAT = "1"
SEED = 1
_SKIPPED_DIRS = {"__pycache__", "static", "templates"}


def cache_dir() -> Path:
    from django.conf import settings

    folder = Path(os.environ.get("STEWARD_TEST_CACHE", Path(settings.STEWARD_HOME) / "test-cache"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def source_key() -> str:
    """A hash of everything the demo company depends on: the package's source and data files."""
    import steward

    root = Path(steward.__file__).resolve().parent
    digest = hashlib.sha256(f"{FORMAT}|{SEED}|{django.__version__}".encode())
    for path in sorted(root.rglob("*")):
        if not path.is_file() or _SKIPPED_DIRS.intersection(path.relative_to(root).parts):
            continue
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@contextmanager
def locked(name: str) -> Iterator[None]:
    """An exclusive lock shared by every process on this machine (xdist workers included)."""
    with (cache_dir() / f"{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_stale(prefix: str, keep: Path) -> None:
    for other in cache_dir().glob(f"{prefix}*"):
        if other != keep and not other.name.endswith(".lock"):
            if other.is_dir():
                shutil.rmtree(other, ignore_errors=True)
            else:
                other.unlink(missing_ok=True)


def _point_default_at(name: str) -> None:
    from django.conf import settings
    from django.db import connections

    connection = connections["default"]
    connection.close()
    settings.DATABASES["default"]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _create_schema() -> None:
    """The schema as `steward init` creates it on an empty database (core/fresh_schema.py:
    today's schema in one step, every migration recorded), and the cache table."""
    from steward.core.cli_support import migrate

    migrate()


def _build_demo() -> None:
    from steward.demo.builder import demo_build

    demo_build(seed=SEED)


# --- SQLite ------------------------------------------------------------------------------------


def _sqlite_template(key: str) -> Path:
    from django.db import connections

    template = cache_dir() / f"demo-sqlite-{key}.sqlite3"
    with locked("demo-sqlite"):
        if template.exists():
            return template
        connection = connections["default"]
        scratch = cache_dir() / f".building-{os.getpid()}.sqlite3"
        scratch.unlink(missing_ok=True)
        _point_default_at(str(scratch))
        _create_schema()
        _build_demo()
        connection.close()
        partial = template.with_suffix(".partial")
        _sqlite_copy(str(scratch), partial)
        partial.rename(template)
        for leftover in cache_dir().glob(f"{scratch.name}*"):
            leftover.unlink(missing_ok=True)
        _remove_stale("demo-sqlite-", keep=template)
    return template


def _sqlite_copy(source: str, target: Path | sqlite3.Connection) -> None:
    """Copy a whole SQLite database (WAL included) with the backup API."""
    src = sqlite3.connect(source)
    dst = target if isinstance(target, sqlite3.Connection) else sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        if dst is not target:
            dst.close()


def _sqlite_setup(key: str) -> Callable[[], None]:
    from django.db import connections

    template = _sqlite_template(key)
    # The same in-memory database Django's test runner uses for SQLite (one per process).
    _point_default_at("file:memorydb_default?mode=memory&cache=shared")
    connection = connections["default"]
    connection.ensure_connection()
    _sqlite_copy(str(template), connection.connection)
    return lambda: None


# --- PostgreSQL --------------------------------------------------------------------------------


def _pg_execute(sql: str) -> None:
    from django.db import connections

    with connections["default"]._nodb_cursor() as cursor:
        cursor.execute(sql)


def _pg_exists(name: str) -> bool:
    from django.db import connections

    with connections["default"]._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _pg_template(base: str, key: str) -> str:
    from django.db import connections

    template = f"{base}_demo_{key}"
    with locked(f"demo-pg-{base}"):
        if _pg_exists(template):
            return template
        connection = connections["default"]
        scratch = f"{base}_demo_building"
        _pg_execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        _pg_execute(f'CREATE DATABASE "{scratch}"')
        _point_default_at(scratch)
        _create_schema()
        _build_demo()
        connection.close()
        _pg_execute(f'ALTER DATABASE "{scratch}" RENAME TO "{template}"')
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                [f"{base}\\_demo\\_%", template],
            )
            stale = [row[0] for row in cursor.fetchall()]
        for name in stale:
            _pg_execute(f'DROP DATABASE IF EXISTS "{name}"')
    return template


def _pg_setup(key: str, worker: str) -> Callable[[], None]:
    from django.db import connections

    original = connections["default"].settings_dict["NAME"]
    base = f"test_{original}"[:40]
    template = _pg_template(base, key)
    name = f"{base}_{worker}"
    with locked(f"demo-pg-{base}"):
        _pg_execute(f'DROP DATABASE IF EXISTS "{name}"')
        _pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    _point_default_at(name)

    def teardown() -> None:
        connections["default"].close()
        _point_default_at(original)
        _pg_execute(f'DROP DATABASE IF EXISTS "{name}"')

    return teardown


def setup_demo_database(worker: str) -> Callable[[], None]:
    """Give this process a test database holding the demo company; returns its teardown."""
    from django.db import connections

    key = source_key()
    vendor = connections["default"].vendor
    if vendor == "sqlite":
        return _sqlite_setup(key)
    if vendor == "postgresql":
        return _pg_setup(key, worker)
    raise RuntimeError(f"no demo template for the {vendor} backend")


# --- the CLI demo home -------------------------------------------------------------------------


def demo_home_template(build: Callable[[Path], object]) -> Path:
    """A STEWARD_HOME built once by `build` (the CLI demo), kept while the source is unchanged."""
    return home_template("demo-home", build)


def home_template(kind: str, build: Callable[[Path], object]) -> Path:
    """A STEWARD_HOME named `kind`, built once by `build` under a lock shared by every process
    (xdist workers included) and kept while the source is unchanged; copy it with
    `copy_demo_home` before changing anything in it."""
    template = cache_dir() / f"{kind}-{source_key()}"
    with locked(kind):
        if (template / ".complete").exists():
            return template
        shutil.rmtree(template, ignore_errors=True)
        template.mkdir()
        build(template)
        (template / ".complete").write_text("ok\n")
        _remove_stale(f"{kind}-", keep=template)
    return template


def copy_demo_home(template: Path, target: Path) -> None:
    """Copy the home (database and files); the ingested git repositories are shared, read-only."""
    for entry in template.iterdir():
        if entry.name == ".complete":
            continue
        if entry.name == "demo-repos":
            # The database records these repositories by absolute path: keep them in place.
            (target / entry.name).symlink_to(entry, target_is_directory=True)
        elif entry.is_dir():
            shutil.copytree(entry, target / entry.name, symlinks=True)
        elif entry.suffix == ".sqlite3":
            _sqlite_copy(str(entry), target / entry.name)
            (target / entry.name).chmod(0o600)
        elif entry.name.endswith(("-wal", "-shm")):
            continue
        else:
            shutil.copy2(entry, target / entry.name)
