"""Backup and restore of everything in the database, across SQLite and PostgreSQL.

A backup is a gzipped JSON Lines file: line 1 is a header (format, engine, time, applied
migrations, row count per model); then one object per line in Django's serialization (the
"python" serializer, written as JSON with exact datetimes and decimals), grouped by model in
dependency order; the last line closes the file with the object count, so a truncated file is
detected. Foreign keys to content types, permissions, users and groups use natural keys;
content types and permissions are written without ids (the target's `migrate` creates its own
and they are matched by natural key), every other row keeps its id.

`backup_write` reads inside one snapshot (REPEATABLE READ on PostgreSQL, a deferred read
transaction on SQLite's WAL): the backup is consistent and writers never wait for it. The file
is created 0600 (only its owner may read it). Sessions and the cache are left out.

`restore_read` first reads the whole file: a truncated or corrupt gzip, a wrong CRC or length
or a missing closing line is BadInput (exit 2) before anything is touched. It then migrates
the target, refuses a database that holds any row, loads every object in one transaction, and
resets PostgreSQL sequences so new rows get fresh ids. `core` imports no app: models are found
through `django.apps`.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.python import Serializer as PythonSerializer
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone
from django.utils.duration import duration_iso_string

from steward.core import backup_rows
from steward.core.backup_loader import LoadError, RowLoader
from steward.core.errors import BadInput, StewardError

FORMAT = "steward-backup/1"
# Left out: logged-in sessions (they are tied to the old SECRET_KEY and are not data).
EXCLUDED = frozenset({"sessions.session"})
# Recreated by `migrate` in the target; written without ids and matched by natural key.
NATURAL_PK = frozenset({"contenttypes.contenttype", "auth.permission"})
CHUNK = 1000
# Models that moved to another app keep their tables; a backup written before the move names
# them by their old label ("old_app.model" -> "new_app.model"). Apps register their moves.
RENAMED_MODELS: dict[str, str] = {}


def register_renamed_model(old_label: str, new_label: str) -> None:
    """Restore rows that a backup names `old_label` into the model now labelled `new_label`."""
    RENAMED_MODELS[old_label.lower()] = new_label.lower()


def _renamed_key(value: Any) -> Any:
    """A natural key naming a moved model's content type ([app, model, ...]), renamed."""
    if isinstance(value, list):
        for i in range(len(value) - 1):
            pair = value[i : i + 2]
            if all(isinstance(v, str) for v in pair):
                new = RENAMED_MODELS.get(f"{pair[0]}.{pair[1]}")
                if new is not None:
                    return [*value[:i], *new.split("."), *value[i + 2 :]]
        return [_renamed_key(v) if isinstance(v, list) else v for v in value]
    return value


def _renamed(item: dict[str, Any]) -> dict[str, Any]:
    """`item` with the labels of moved models (its own, its content type keys) renamed."""
    if not RENAMED_MODELS:
        return item
    item["model"] = RENAMED_MODELS.get(item["model"], item["model"])
    fields = item.get("fields", {})
    if item["model"] == "contenttypes.contenttype":
        new = RENAMED_MODELS.get(f"{fields.get('app_label')}.{fields.get('model')}")
        if new is not None:
            fields["app_label"], fields["model"] = new.split(".")
    for name, value in fields.items():
        if isinstance(value, list):  # only lists can be natural keys naming a model
            fields[name] = _renamed_key(value)
    return item


def backup_models() -> list[type[Model]]:
    """Every model whose rows go into a backup, in an order that loads (natural keys first)."""
    app_list = []
    for config in apps.get_app_configs():
        models = [
            m
            for m in config.get_models()
            if m._meta.managed
            and not m._meta.proxy
            and not m._meta.swapped
            and m._meta.label_lower not in EXCLUDED
        ]
        if models:
            app_list.append((config, models))
    return list(serializers.sort_dependencies(app_list, allow_cycles=True))


def _encode(value: Any) -> Any:
    """JSON for the values Django's serializer leaves as Python objects, without loss."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"cannot write {type(value).__name__} to a backup")


class _Serializer(PythonSerializer):
    """Django's "python" serializer, looking each natural key up once per backup.

    Django's own fetches the related row of every natural foreign key of every object (a query
    per audit log entry for its content type, another for its actor); here the natural key of
    each (related model, id) is kept after its first use. Natural keys (content types, users,
    groups, permissions) do not change inside the backup's snapshot. The output is Django's.
    """

    _current: dict[str, Any]  # the object being written (set by Django's serializer)

    def __init__(self) -> None:
        super().__init__()
        self.natural_keys: backup_rows.NaturalKeys = {}

    def handle_fk_field(self, obj: Model, field: Any) -> None:
        related_model = field.remote_field.model
        if not (self.use_natural_foreign_keys and hasattr(related_model, "natural_key")):
            super().handle_fk_field(obj, field)
            return
        value = getattr(obj, field.attname)
        if value is None:
            self._current[field.name] = None
            return
        natural = self.natural_keys.get((related_model, value))
        if natural is None:
            natural = getattr(obj, field.name).natural_key()
            self.natural_keys[(related_model, value)] = natural
        self._current[field.name] = natural


def _dumps(data: Any) -> str:
    return json.dumps(data, default=_encode, ensure_ascii=False, separators=(",", ":"))


def _chunks(iterator: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(islice(iterator, size)):
        yield chunk


def _migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connections[alias]).applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {label: sorted(names) for label, names in sorted(applied.items())}


@contextmanager
def consistent_read() -> Iterator[None]:
    """A transaction in which every query sees the same state of the whole database.

    PostgreSQL: REPEATABLE READ READ ONLY. SQLite: a deferred transaction, whose first read
    fixes a WAL snapshot without taking the write lock (Steward's other transactions begin
    IMMEDIATE). Either way writers go on while it reads. Inside an enclosing transaction
    (tests) that transaction is used as it is.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    outermost = not connection.in_atomic_block
    mode = getattr(connection, "transaction_mode", None)
    if connection.vendor == "sqlite" and outermost:
        connection.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            if connection.vendor == "sqlite" and outermost:
                connection.transaction_mode = mode  # type: ignore[attr-defined]
                with connection.cursor() as cursor:
                    # The snapshot starts at the first read, here, not at BEGIN.
                    cursor.execute("SELECT COUNT(*) FROM sqlite_master")
            if connection.vendor == "postgresql" and outermost:
                # Must be the transaction's first statement.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
    finally:
        if connection.vendor == "sqlite":
            connection.transaction_mode = mode  # type: ignore[attr-defined]


def _model_objects(model: type[Model], serializer: _Serializer) -> Iterator[dict[str, Any]]:
    """The serialized objects of every row of `model`, by id: straight from the rows where
    `backup_rows` writes them as Django's serializer does, through the serializer otherwise
    (both share the natural keys already looked up)."""
    natural = model._meta.label_lower in NATURAL_PK
    queryset = model._base_manager.order_by("pk")
    if backup_rows.writable(model, natural):
        yield from backup_rows.objects(queryset, serializer.natural_keys, CHUNK)
        return
    for chunk in _chunks(queryset.iterator(chunk_size=CHUNK), CHUNK):
        yield from serializer.serialize(
            chunk, use_natural_foreign_keys=True, use_natural_primary_keys=natural
        )


def backup_write(path: Path) -> dict[str, int]:
    """Write a consistent backup of the whole database to `path`; returns rows per model."""
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    models = backup_models()
    partial = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    with consistent_read():
        counts = {m._meta.label_lower: m._base_manager.count() for m in models}
        header = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": connection.vendor,
            "migrations": _migrations(),
            "counts": counts,
        }
        written = 0
        serializer = _Serializer()
        _create_private(partial)
        with gzip.open(partial, "wt", encoding="utf-8") as out:
            out.write(_dumps(header) + "\n")
            for model in models:
                for item in _model_objects(model, serializer):
                    out.write(_dumps(item) + "\n")
                    written += 1
            out.write(_dumps({"end": FORMAT, "objects": written}) + "\n")
    partial.replace(path)
    return counts


def _create_private(path: Path) -> None:
    """Create `path` empty, readable and writable by its owner only (a backup holds pay)."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    path.chmod(0o600)


# What a damaged gzip raises: truncated (EOFError), bad CRC or length (BadGzipFile, an
# OSError), corrupt deflate data (zlib.error), or bytes that are not UTF-8.
_DAMAGED = (EOFError, OSError, zlib.error, UnicodeDecodeError)


def _damaged(path: Path, exc: BaseException) -> BadInput:
    return BadInput(
        f"{path}: the file is damaged or cut short ({type(exc).__name__}: {exc}); "
        "nothing was restored — give a complete file written by steward backup"
    )


def verify_file(path: Path) -> int:
    """Read the whole backup once (gzip CRC and length included); returns its object count.

    BadInput when the file is truncated, corrupt or its closing line does not match."""
    last = ""
    lines = 0
    try:
        with gzip.open(path, "rt", encoding="utf-8") as source:
            for line in source:
                lines += 1
                if line.strip():
                    last = line
    except FileNotFoundError as exc:
        raise BadInput(f"{path}: no such file (give a file written by steward backup)") from exc
    except _DAMAGED as exc:
        raise _damaged(path, exc) from exc
    try:
        end = json.loads(last)
    except json.JSONDecodeError:
        end = None
    if not isinstance(end, dict) or end.get("end") != FORMAT:
        raise BadInput(f"{path}: the file ends early (no closing line); the backup is incomplete")
    if end.get("objects") != lines - 2:
        raise BadInput(f"{path}: line {lines}: object count does not match; the file is damaged")
    return lines - 2


def read_header(path: Path) -> dict[str, Any]:
    """The header of a backup file; BadInput when the file is not a Steward backup."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as source:
            header = json.loads(source.readline())
    except FileNotFoundError as exc:
        raise BadInput(f"{path}: no such file (give a file written by steward backup)") from exc
    except (*_DAMAGED, json.JSONDecodeError) as exc:
        raise BadInput(f"{path}: line 1: not a Steward backup ({exc})") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BadInput(f"{path}: line 1: not a Steward backup (expected format {FORMAT})")
    return header


def _objects(path: Path) -> Iterator[dict[str, Any]]:
    """The serialized objects of a backup, checking that the file is complete."""
    count = 0
    try:
        with gzip.open(path, "rt", encoding="utf-8") as source:
            source.readline()
            for number, line in enumerate(source, start=2):
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise BadInput(f"{path}: line {number}: damaged ({exc})") from exc
                if "end" in item:
                    if item.get("objects") != count:
                        raise BadInput(f"{path}: line {number}: object count does not match")
                    if source.read():  # to the end, so gzip checks its CRC and length
                        raise BadInput(f"{path}: line {number + 1}: data after the closing line")
                    return
                count += 1
                yield _renamed(item)
    except _DAMAGED as exc:
        raise _damaged(path, exc) from exc
    raise BadInput(f"{path}: the file ends early (no closing line); the backup is incomplete")


def database_rows() -> dict[str, int]:
    """Models that hold rows a restore would collide with (all but migrate's own), by count."""
    found = {}
    for model in backup_models():
        label = model._meta.label_lower
        if label in NATURAL_PK:
            continue
        count = model._base_manager.count()
        if count:
            found[label] = count
    return found


def _check_migrations(header: dict[str, Any]) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [
        f"{app}.{name}"
        for app, names in header.get("migrations", {}).items()
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        raise BadInput(
            f"the backup was made by a newer Steward (unknown migrations: {', '.join(unknown[:5])})"
            "; upgrade Steward, then restore"
        )


def restore_read(path: Path) -> dict[str, int]:
    """Restore a backup into this (empty) database in one transaction; returns rows per model."""
    from auditlog.context import disable_auditlog

    from steward.core.cli_support import migrate

    header = read_header(path)
    verify_file(path)
    _check_migrations(header)
    migrate()
    occupied = database_rows()
    if occupied:
        listing = ", ".join(f"{label} ({n})" for label, n in sorted(occupied.items())[:6])
        raise BadInput(
            f"the database is not empty ({listing}); restore only into an empty database: "
            "point STEWARD_HOME at a new folder or DATABASE_URL at a new database"
        )
    connection = connections[DEFAULT_DB_ALIAS]
    with disable_auditlog(), transaction.atomic():
        try:
            RowLoader(DEFAULT_DB_ALIAS).load(_objects(path))
        except LoadError as exc:
            raise StewardError(f"{path}: cannot load the backup into this schema: {exc}") from exc
        if connection.vendor == "postgresql":
            _reset_sequences()
        restored = {m._meta.label_lower: m._base_manager.count() for m in backup_models()}
        expected = {
            RENAMED_MODELS.get(label, label): count
            for label, count in header.get("counts", {}).items()
        }
        wrong = [
            label
            for label, count in expected.items()
            if label not in NATURAL_PK and label in restored and restored[label] != count
        ]
        if wrong:
            raise StewardError(f"restore does not match the backup's row counts: {wrong}")
    return restored


def _reset_sequences() -> None:
    """Move PostgreSQL id sequences past the restored ids."""
    models = apps.get_models(include_auto_created=True)
    statements = connections[DEFAULT_DB_ALIAS].ops.sequence_reset_sql(no_style(), models)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
