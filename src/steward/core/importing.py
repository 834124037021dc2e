"""The import framework every importer uses: read -> validate -> diff -> apply in one transaction.

How an import runs (`run_import`):

1. **read**: `CsvImporter.read_rows()` reads a CSV file with a header row (UTF-8, a BOM is
   tolerated); each `Row` keeps its 1-based line number and its values by column name. Missing
   required columns are problems on line 1 that name the column and list the accepted ones.
   A row with fewer or more values than the header, or with a NUL character, is a problem (never
   read as blanks); only \n, \r and \r\n end lines. Values of `identifier_columns` and
   `normalized_columns` are read in Unicode NFKC form (docs/importing.md "Rules every file
   follows").
2. **validate** everything first: an importer never stops at the first problem; it records every
   one with `self.problem(line, column, message, hint)` (or the `parse_*` helpers, which record
   the problem and return None) as `core.errors.Problem(file, line, column, message, hint)`.
3. **diff** against the database: `Importer.plan()` returns a `Diff` of `Change`s, each
   `added`, `changed` (with old -> new per field), `unchanged` or `ended`, plus notes
   (e.g. "department 'data' created") and warnings.
4. **apply** in ONE transaction (`Importer.apply(diff)`), and only when no problem was found:
   otherwise `InvalidInput(problems)` is raised (exit code 2) and nothing is written.
   `--dry-run` stops after the diff.
5. **idempotent**: importing the same file again yields only `unchanged` and writes nothing.

Extending it (for another app's kind)::

    # myapp/importers.py
    from steward.core.importing import Change, CsvImporter, Diff

    class DeploymentImporter(CsvImporter):
        kind = "deployments"
        required_columns = ("id", "repo", "sha", "environment", "status", "started_at")
        optional_columns = ("finished_at", "service")

        def plan(self) -> Diff:
            diff = self.new_diff()
            seen: dict[str, int] = {}
            for row in self.read_rows():
                key = self.parse_key(row, "id", seen)
                started = self.parse_datetime(row, "started_at", required=True)
                status = self.parse_choice(row, "status", ("success", "failure"), required=True)
                ...  # compare with the database, then:
                diff.add(Change("added", key, line=row.line, payload={...}))
            return diff

        def apply(self, diff: Diff) -> None:   # runs inside transaction.atomic()
            ...  # bulk_create / bulk_update from the payloads, then audit_created/audit_updated

    # myapp/apps.py
    class MyAppConfig(AppConfig):
        def ready(self) -> None:
            from steward.core.importing import register_importer
            register_importer("deployments", "steward.myapp.importers.DeploymentImporter")

`steward import deployments FILE [--dry-run] [--json]` then works without touching the CLI.

Audit: `save()` writes audit log entries through django-auditlog's signals, but bulk writes
(`bulk_create`, `bulk_update`, `QuerySet.update`) do not. An importer that writes in bulk calls
`audit_created(objs, actor=...)` / `audit_updated([(obj, {field: (old, new)})], actor=...)` /
`audit_deleted(objs, actor=...)` so the log stays complete.
"""

from __future__ import annotations

import codecs
import csv
import importlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from steward.core.errors import BadInput, InvalidInput, Problem

if TYPE_CHECKING:
    from rich.table import Table  # imported in diff_tables: Django set-up should not load Rich

ChangeKind = Literal["added", "changed", "unchanged", "ended"]
# An identifier as stored: printable ASCII, no spaces (the fast path of `CsvImporter._identifier`).
_PLAIN_IDENTIFIER = re.compile(r"[!-~]+")
_NUL_HINT = "remove the NUL character; PostgreSQL cannot store it in text"
CHANGE_KINDS: tuple[ChangeKind, ...] = ("added", "changed", "unchanged", "ended")


@dataclass(frozen=True)
class Row:
    """One CSV data row: its 1-based line number in the file and its values by column."""

    line: int
    values: Mapping[str, str]

    def get(self, column: str) -> str:
        """The stripped value of `column` ("" when absent or blank)."""
        return (self.values.get(column) or "").strip()


@dataclass
class Change:
    """What an import does to one record, keyed by its natural key."""

    kind: str  # one of CHANGE_KINDS
    key: str
    line: int | None = None
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    payload: Any = None

    def __post_init__(self) -> None:
        if self.kind not in CHANGE_KINDS:
            raise ValueError(f"change kind {self.kind!r}: not one of {', '.join(CHANGE_KINDS)}")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (the payload stays internal)."""
        return {
            "kind": self.kind,
            "key": self.key,
            "line": self.line,
            "fields": {
                name: {"old": _plain(old), "new": _plain(new)}
                for name, (old, new) in self.fields.items()
            },
            "notes": list(self.notes),
        }


@dataclass
class Diff:
    """Every change an import makes (or would make, on a dry run), in file order."""

    kind: str
    file: str
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def add(self, change: Change) -> Change:
        """Append a change and return it."""
        self.changes.append(change)
        return change

    def of_kind(self, kind: str) -> list[Change]:
        """The changes of one kind."""
        return [c for c in self.changes if c.kind == kind]

    def counts(self) -> dict[str, int]:
        """Number of records per change kind (every kind present, zero included)."""
        counts: dict[str, int] = dict.fromkeys(CHANGE_KINDS, 0)
        for change in self.changes:
            counts[change.kind] += 1
        return counts

    @property
    def writes(self) -> bool:
        """Whether applying the diff writes anything."""
        return bool(self.notes) or any(c.kind != "unchanged" for c in self.changes)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: kind, file, dry_run, counts, changes (without unchanged), notes."""
        return {
            "kind": self.kind,
            "file": self.file,
            "dry_run": self.dry_run,
            "counts": self.counts(),
            "changes": [c.as_dict() for c in self.changes if c.kind != "unchanged"],
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }


class Importer:
    """Base of every importer: collects problems, plans a Diff, applies it.

    Subclasses set `kind` and implement `plan()` (read + validate + diff, recording problems)
    and `apply(diff)` (write; called inside one transaction and only without problems).
    """

    kind: ClassVar[str] = ""

    def __init__(self, path: Path | str, *, actor: Any, today: date | None = None) -> None:
        self.path = Path(path)
        self.file = str(path)
        self.actor = actor
        self.today = today or timezone.localdate()
        self.problems: list[Problem] = []

    def problem(
        self,
        line: int | None,
        column: str | None,
        message: str,
        hint: str = "",
        *,
        file: str | None = None,
    ) -> None:
        """Record a problem (the import goes on validating; nothing is written at the end)."""
        self.problems.append(Problem(file or self.file, line, column, message, hint))

    def new_diff(self) -> Diff:
        """An empty diff for this importer's kind and file."""
        return Diff(kind=self.kind, file=self.file)

    def plan(self) -> Diff:
        """Read and validate the input and compare it with the database."""
        raise NotImplementedError

    def apply(self, diff: Diff) -> None:
        """Write the diff (inside the caller's transaction)."""
        raise NotImplementedError

    # Field parsers: each returns the parsed value, or None after recording a problem
    # (or when the value is blank and not required).

    def _required(self, row: Row, column: str, required: bool) -> str | None:
        value = row.get(column)
        if not value:
            if required:
                self.problem(row.line, column, "is empty", f"give a value for {column}")
            return None
        return value

    def parse_text(
        self, row: Row, column: str, *, required: bool = False, max_length: int | None = None
    ) -> str:
        """A text value ("" when blank)."""
        value = self._required(row, column, required)
        if value is None:
            return ""
        if max_length is not None and len(value) > max_length:
            self.problem(
                row.line,
                column,
                f"is {len(value)} characters long",
                f"shorten it to at most {max_length} characters",
            )
        return value

    def parse_key(
        self,
        row: Row,
        column: str,
        seen: dict[str, int],
        *,
        max_length: int | None = None,
        normalize: bool = False,
    ) -> str | None:
        """A required natural key, unique within the file (`seen` maps key -> first line)."""
        value = self._required(row, column, True)
        if value is None:
            return None
        if normalize:
            value = value.lower()
        if max_length is not None and len(value) > max_length:
            self.problem(row.line, column, f"{value!r} is longer than {max_length} characters")
            return None
        if value in seen:
            self.problem(
                row.line,
                column,
                f"duplicate {column} {value!r}: already on line {seen[value]}",
                f"keep one row per {column}",
            )
            return None
        seen[value] = row.line
        return value

    def parse_date(self, row: Row, column: str, *, required: bool = False) -> date | None:
        """An ISO 8601 date (YYYY-MM-DD)."""
        value = self._required(row, column, required)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problem(row.line, column, f"{value!r} is not a date", "write dates as YYYY-MM-DD")
            return None

    def parse_datetime(self, row: Row, column: str, *, required: bool = False) -> datetime | None:
        """An ISO 8601 date-time; a value without offset is taken as UTC."""
        value = self._required(row, column, required)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            self.problem(
                row.line,
                column,
                f"{value!r} is not a date-time",
                "write date-times as YYYY-MM-DDTHH:MM:SS with an optional offset (+00:00)",
            )
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed

    def parse_decimal(
        self,
        row: Row,
        column: str,
        *,
        required: bool = False,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
        min_exclusive: bool = False,
        places: int | None = None,
        max_digits: int | None = None,
    ) -> Decimal | None:
        """A decimal number (a dot as decimal separator, no thousands separators)."""
        value = self._required(row, column, required)
        if value is None:
            return None
        try:
            number = Decimal(value)
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.problem(
                row.line,
                column,
                f"{value!r} is not a number",
                "write a plain number such as 1234.50 (no thousands separators)",
            )
            return None
        low_ok = minimum is None or (number > minimum if min_exclusive else number >= minimum)
        high_ok = maximum is None or number <= maximum
        if not (low_ok and high_ok):
            bounds = []
            if minimum is not None:
                bounds.append(f"{'greater than' if min_exclusive else 'at least'} {minimum}")
            if maximum is not None:
                bounds.append(f"at most {maximum}")
            self.problem(
                row.line,
                column,
                f"{value} is out of range",
                "give a number " + " and ".join(bounds),
            )
            return None
        exponent = number.as_tuple().exponent
        if places is not None and isinstance(exponent, int) and -exponent > places:
            self.problem(row.line, column, f"{value} has more than {places} decimal places")
            return None
        limit = None if max_digits is None else Decimal(10) ** (max_digits - (places or 0))
        if limit is not None and abs(number) >= limit:
            self.problem(row.line, column, f"{value} is too large")
            return None
        return number

    def parse_choice(
        self, row: Row, column: str, choices: Sequence[str], *, required: bool = False
    ) -> str | None:
        """One of `choices` (compared case-insensitively; returned as listed)."""
        value = self._required(row, column, required)
        if value is None:
            return None
        by_lower = {c.lower(): c for c in choices}
        if value.lower() not in by_lower:
            self.problem(
                row.line,
                column,
                f"{value!r} is not accepted",
                "use one of: " + ", ".join(choices),
            )
            return None
        return by_lower[value.lower()]

    def parse_bool(self, row: Row, column: str) -> bool | None:
        """`yes` / `no` (also true/false, 1/0); None when blank."""
        value = row.get(column).lower()
        if not value:
            return None
        if value in ("yes", "y", "true", "1"):
            return True
        if value in ("no", "n", "false", "0"):
            return False
        self.problem(row.line, column, f"{row.get(column)!r} is not yes or no", "write yes or no")
        return None

    def parse_list(self, row: Row, column: str, sep: str = ";") -> list[str]:
        """A `;`-separated list, items stripped, blanks dropped."""
        return [item.strip() for item in row.get(column).split(sep) if item.strip()]


def normalize_identifier(value: str) -> str:
    """An identifier (employee_id, key, slug) in Unicode NFKC form, stripped.

    Full-width and other compatibility forms become plain ASCII ('Ｅ0006' -> 'E0006'), so an
    HRIS export typed with an East Asian input method matches the stored person.
    """
    if value.isascii():
        return value.strip()
    return unicodedata.normalize("NFKC", value).strip()


def identifier_is_valid(value: str) -> bool:
    """Whether a normalized identifier is printable ASCII without spaces (the stored form)."""
    return bool(_PLAIN_IDENTIFIER.fullmatch(value))


IDENTIFIER_HINT = (
    "use ASCII letters, digits and punctuation without spaces "
    "(full-width characters are read as their ASCII forms)"
)


class CsvImporter(Importer):
    """An importer of a CSV file with a header row."""

    required_columns: ClassVar[tuple[str, ...]] = ()
    optional_columns: ClassVar[tuple[str, ...]] = ()
    # When true, columns not listed above are accepted (see `extra_columns`); else a problem.
    extra_columns_allowed: ClassVar[bool] = False
    # Columns holding one identifier (a key, an employee_id): NFKC-normalized, then refused
    # unless printable ASCII without spaces. `normalized_columns` (slugs, which the importer
    # validates itself, and lists of keys): NFKC-normalized only; each value is then checked
    # against the slug rule or the known keys.
    identifier_columns: ClassVar[tuple[str, ...]] = ()
    normalized_columns: ClassVar[tuple[str, ...]] = ()

    header: list[str]

    @classmethod
    def accepted_columns(cls) -> list[str]:
        """Every column name the format knows."""
        return [*cls.required_columns, *cls.optional_columns]

    @property
    def extra_columns(self) -> list[str]:
        """Columns of the file's header that the format does not name."""
        known = set(self.accepted_columns())
        return [c for c in self.header if c not in known]

    def read_rows(self) -> list[Row]:
        """The data rows; header problems are recorded (and no rows returned) when found."""
        self.header = []
        text = self._decoded_text()
        if text is None:
            return []
        # newline="": only \n, \r and \r\n end a line. str.splitlines() would also split at
        # U+2028, U+2029, U+0085, \v and \f, which are ordinary characters inside a value.
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        has_nul = "\x00" in text
        if not self._read_header(reader, has_nul) or not self._header_is_valid():
            return []
        return self._data_rows(reader, has_nul)

    def _decoded_text(self) -> str | None:
        """The file as text (a UTF-8 byte-order mark dropped), or None with a problem recorded."""
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            self.problem(None, None, f"cannot read the file: {exc.strerror or exc}")
            return None
        if raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.problem(line, None, "is not valid UTF-8", "save the file as UTF-8")
            return None

    def _read_header(self, reader: Any, has_nul: bool) -> bool:
        """Read the header row into `self.header`; False (with a problem) when there is none."""
        try:
            header = next(reader, None)
        except csv.Error as exc:
            self.problem(1, None, f"cannot read the header: {exc}")
            return False
        if not header or not any(h.strip() for h in header):
            self.problem(1, None, "the file has no header row", self._columns_hint())
            return False
        if has_nul and any("\x00" in h for h in header):
            self.problem(1, None, "the header contains a NUL character (\\0)", _NUL_HINT)
            return False
        self.header = [h.strip() for h in header]
        return True

    def _header_is_valid(self) -> bool:
        """Required columns present, every column named once, no unknown column (unless the
        format allows extra columns); every problem is recorded, not only the first."""
        ok = True
        for column in self.required_columns:
            if column not in self.header:
                ok = False
                self.problem(1, column, "required column is missing", self._columns_hint())
        seen: set[str] = set()
        for column in self.header:
            if not column:
                ok = False
                self.problem(1, None, "a column has no name", "name every column in the header")
            elif column in seen:
                ok = False
                self.problem(1, column, "column appears twice", "keep one column of each name")
            seen.add(column)
        if not self.extra_columns_allowed:
            for column in self.extra_columns:
                if column:
                    ok = False
                    self.problem(1, column, "unknown column", self._columns_hint())
        return ok

    def _data_rows(self, reader: Any, has_nul: bool) -> list[Row]:
        """Every non-blank data row after the header, identifiers normalized and checked."""
        rows: list[Row] = []
        header = self.header
        width = len(header)
        identifiers = [c for c in self.identifier_columns if c in header]
        normalized = [c for c in self.normalized_columns if c in header]
        try:
            for values in reader:
                line = reader.line_num
                if len(values) != width:
                    if not any(v.strip() for v in values):
                        continue
                    self._wrong_width(line, values)
                    continue
                if has_nul and any("\x00" in v for v in values):
                    for column, value in zip(header, values, strict=True):
                        if "\x00" in value:
                            self.problem(line, column, "contains a NUL character (\\0)", _NUL_HINT)
                    continue
                record = dict(zip(header, values, strict=True))
                for column in identifiers:
                    value = record[column]
                    if value and not _PLAIN_IDENTIFIER.fullmatch(value):
                        record[column] = self._identifier(line, column, value)
                for column in normalized:
                    value = record[column]
                    if value and not value.isascii():
                        record[column] = normalize_identifier(value)
                if not any(v.strip() for v in values):
                    continue
                rows.append(Row(line, record))
        except csv.Error as exc:
            self.problem(reader.line_num, None, f"cannot read the row: {exc}")
        return rows

    def _wrong_width(self, line: int, values: list[str]) -> None:
        """Record a row with fewer or more values than the header has columns."""
        width = len(self.header)
        if len(values) > width:
            self.problem(
                line,
                None,
                f"has {len(values)} values but the header has {width} columns",
                "quote values that contain commas",
            )
            return
        missing = self.header[len(values) :]
        self.problem(
            line,
            missing[0],
            f"has {len(values)} values but the header has {width} columns: "
            f"no value for {', '.join(missing)}",
            "give every column a value (an empty one as an empty field, e.g. ',,'); "
            "a row cut short is never read as empty values",
        )

    def _identifier(self, line: int, column: str, value: str) -> str:
        """An identifier in its NFKC form (full-width 'Ｅ0006' is 'E0006'), checked.

        Identifiers must be printable ASCII without spaces after normalization; anything else
        (a Cyrillic 'Е', a zero-width space) is refused rather than stored as a new key.
        """
        text = normalize_identifier(value)
        if text and not _PLAIN_IDENTIFIER.fullmatch(text):
            self.problem(
                line,
                column,
                f"{value.strip()!r} is not a valid identifier",
                IDENTIFIER_HINT,
            )
        return text

    def _columns_hint(self) -> str:
        accepted = ", ".join(self.required_columns)
        if self.optional_columns:
            accepted += "; optional: " + ", ".join(self.optional_columns)
        return f"accepted columns: {accepted}"


# The registry of importer kinds: kind -> class or dotted path "package.module.Class".
_REGISTRY: dict[str, type[Importer] | str] = {}


def register_importer(kind: str, importer: type[Importer] | str) -> None:
    """Make `steward import KIND` use `importer` (a class or its dotted path, loaded lazily)."""
    _REGISTRY[kind] = importer


def importer_kinds() -> list[str]:
    """The registered kinds, sorted."""
    return sorted(_REGISTRY)


def get_importer(kind: str) -> type[Importer]:
    """The importer class of `kind`; BadInput naming the known kinds when there is none."""
    entry = _REGISTRY.get(kind)
    if entry is None:
        raise BadInput(
            f"KIND {kind!r}: no such import kind (accepted: {', '.join(importer_kinds())})"
        )
    if isinstance(entry, str):
        module_name, _, class_name = entry.rpartition(".")
        entry = getattr(importlib.import_module(module_name), class_name)
        assert isinstance(entry, type) and issubclass(entry, Importer)
        _REGISTRY[kind] = entry
    return entry


def run_import(
    kind: str,
    path: Path | str,
    *,
    actor: Any,
    dry_run: bool = False,
    today: date | None = None,
) -> Diff:
    """Import `path` as `kind`: validate all, diff, and (unless dry_run) apply in one transaction.

    Raises InvalidInput (exit code 2) with every problem found; then nothing is written.
    """
    importer = get_importer(kind)(path, actor=actor, today=today)
    if not importer.path.exists():
        raise InvalidInput([Problem(str(path), None, None, "no such file or folder")])
    diff = importer.plan()
    if importer.problems:
        raise InvalidInput(sorted_problems(importer.problems))
    diff.dry_run = dry_run
    if not dry_run and diff.writes:
        with transaction.atomic():
            importer.apply(diff)
    return diff


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in file, then line order (stable otherwise)."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0))


# Fast bulk writes. Django's bulk_create spends ~10 µs of Python per value building SQL; these
# helpers send plain parameter lists (one multi-row INSERT ... RETURNING per batch, or one
# executemany UPDATE), converting only values the database driver cannot take as they are.

_CONVERTED = frozenset(
    {
        "JSONField",
        "DecimalField",
        "DateField",
        "DateTimeField",
        "TimeField",
        "DurationField",
        "UUIDField",
        "BinaryField",
    }
)


def _converters(model: type[Model], fields: Sequence[str]) -> list[Any]:
    """Per field, None (the driver takes the value as it is) or a function preparing a value."""
    from django.db import connections

    connection = connections[router_db(model)]
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    result: list[Any] = []
    for name in fields:
        field_ = by_attname[name]
        kind = field_.get_internal_type()
        if kind not in _CONVERTED:
            result.append(None)
        elif kind == "JSONField":
            # JSON text: SQLite stores it as is; PostgreSQL casts the untyped parameter to jsonb.
            encoder = getattr(field_, "encoder", None)
            result.append(lambda v, encoder=encoder: json.dumps(v, cls=encoder))
        else:
            # Dates, decimals and timestamps repeat a lot in a file: convert each value once.
            cache: dict[Any, Any] = {}

            def convert(v: Any, field_: Any = field_, cache: dict[Any, Any] = cache) -> Any:
                try:
                    return cache[v]
                except KeyError:
                    cache[v] = field_.get_db_prep_save(v, connection)
                    return cache[v]

            result.append(convert)
    return result


def _prepared(rows: Iterable[Sequence[Any]], converters: list[Any]) -> list[list[Any]]:
    active = [(i, c) for i, c in enumerate(converters) if c is not None]
    out = []
    for row in rows:
        values = list(row)
        for i, convert in active:
            if values[i] is not None:
                values[i] = convert(values[i])
        out.append(values)
    return out


def router_db(model: type[Model]) -> str:
    """The database alias written to for `model`."""
    from django.db import router

    return router.db_for_write(model) or "default"


def _batch_size(width: int) -> int:
    from django.db import connection

    limit = connection.features.max_query_params or 30000
    return max(1, min(1000, limit // max(1, width)))


def insert_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: bool = True,
) -> list[int]:
    """Insert `rows` (values in `fields` order, by attname) in bulk; returns the new primary keys.

    With `returning=False` nothing is returned (faster: one executemany). No signals are sent:
    write the audit entries with `audit_rows`/`audit_created`.
    """
    from django.db import connection

    if not rows:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk_column = quote(_pk_column(model))
    columns = ", ".join(quote(_column(model, f)) for f in fields)
    marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    single = f"INSERT INTO {table} ({columns}) VALUES {marks}"
    values = _prepared(rows, _converters(model, fields))
    pks: list[int] = []
    if connection.vendor == "postgresql":
        # Django's PostgreSQL cursors bind parameters client-side (quoting each value into the
        # SQL text), which is slow for many rows; a server-side-binding psycopg cursor runs one
        # prepared single-row INSERT per row in a pipeline (and returns each key).
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as raw:
            if not returning:
                raw.executemany(single, values)
                return []
            raw.executemany(f"{single} RETURNING {pk_column}", values, returning=True)
            while True:
                row = raw.fetchone()
                assert row is not None
                pks.append(row[0])
                if not raw.nextset():
                    break
        return pks
    with connection.cursor() as cursor:
        if not returning:
            cursor.executemany(single, values)
            return []
        size = _batch_size(len(fields))
        for i in range(0, len(values), size):
            batch = values[i : i + size]
            sql = (
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([marks] * len(batch))} "
                f"RETURNING {pk_column}"
            )
            cursor.execute(sql, [v for row in batch for v in row])
            pks.extend(r[0] for r in cursor.fetchall())
    return pks


def _column(model: type[Model], attname: str) -> str:
    for field_ in model._meta.concrete_fields:
        if field_.attname == attname and field_.column:
            return field_.column
    raise KeyError(attname)


def _pk_column(model: type[Model]) -> str:
    pk = model._meta.pk
    assert pk is not None and pk.column is not None
    return pk.column


def update_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """UPDATE `fields` (attnames) of many rows; each row is its values then its primary key."""
    from django.db import connection

    if not rows:
        return 0
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(_column(model, f))} = %s" for f in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote(_pk_column(model))} = %s"
    values = _prepared(rows, [*_converters(model, fields), None])
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return len(values)


# Audit for bulk writes (auditlog's signals only fire on save() and delete()).

AuditRow = tuple[Any, str, dict[str, list[str]]]  # (primary key, object repr, changes)


def audit_names(model: type[Model]) -> dict[str, str]:
    """attname -> the field name auditlog uses in `changes` (`team_id` -> `team`)."""
    return {f.attname: f.name for f in model._meta.concrete_fields}


def audit_value(value: Any) -> str:
    """A value as auditlog stores it in `changes` (str(); "None" for null; a model's pk)."""
    if isinstance(value, Model):
        return str(value.pk)
    return str(value)


def audit_rows(
    model: type[Model], action: int, rows: Iterable[AuditRow], *, actor: Any = None
) -> int:
    """One audit entry per (pk, repr, changes) of `model`; action 0 create, 1 update, 2 delete."""
    from auditlog.cid import get_cid
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(model).pk
    actor_id = getattr(actor, "pk", None)
    cid = get_cid()
    now = timezone.now()
    fields = (
        "content_type_id",
        "object_pk",
        "object_id",
        "object_repr",
        "action",
        "changes",
        "changes_text",
        "actor_id",
        "cid",
        "timestamp",
    )
    entries = [
        (
            content_type,
            str(pk),
            pk if isinstance(pk, int) else None,
            repr_,
            action,
            changes,
            "",
            actor_id,
            cid,
            now,
        )
        for pk, repr_, changes in rows
    ]
    insert_rows(LogEntry, fields, entries, returning=False)
    return len(entries)


def audit_created(
    objs: Sequence[Model], *, actor: Any = None, fields: Sequence[str] | None = None
) -> int:
    """Write one 'create' audit entry per saved object (after a bulk_create); returns count."""
    if not objs:
        return 0
    model = type(objs[0])
    names = fields or [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    label = audit_names(model)
    return audit_rows(
        model,
        0,
        (
            (obj.pk, str(obj), {label[n]: ["None", audit_value(getattr(obj, n))] for n in names})
            for obj in objs
        ),
        actor=actor,
    )


def audit_updated(
    changes: Iterable[tuple[Model, Mapping[str, tuple[Any, Any]]]], *, actor: Any = None
) -> int:
    """Write one 'update' audit entry per (object, {field: (old, new)}); returns count."""
    by_model: dict[type[Model], list[AuditRow]] = {}
    for obj, fields in changes:
        if fields:
            by_model.setdefault(type(obj), []).append(
                (
                    obj.pk,
                    str(obj),
                    {n: [audit_value(old), audit_value(new)] for n, (old, new) in fields.items()},
                )
            )
    return sum(audit_rows(m, 1, rows, actor=actor) for m, rows in by_model.items())


def audit_deleted(objs: Iterable[Model], *, actor: Any = None) -> int:
    """Write one 'delete' audit entry per object about to be deleted in bulk; returns count."""
    by_model: dict[type[Model], list[AuditRow]] = {}
    for obj in objs:
        by_model.setdefault(type(obj), []).append((obj.pk, str(obj), {}))
    return sum(audit_rows(m, 2, rows, actor=actor) for m, rows in by_model.items())


# Presentation shared by the CLI (and any page that shows an import's diff).


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal | date):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _short(value: Any, width: int = 40) -> str:
    if value is None or value == "":
        return "∅"
    if isinstance(value, list | tuple):
        text = "; ".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{k}={v}" for k, v in value.items())
    else:
        text = str(value)
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= width else text[: width - 1] + "…"


def diff_tables(diff: Diff, limit: int = 200) -> list[Table]:
    """Rich tables: the counts per change kind, then the first `limit` changed records' fields.

    Rendering ten thousand rows would take longer than the import; the full diff is `--json`.
    """
    from rich.table import Table

    verb = "would change" if diff.dry_run else "changed"
    counts = Table(title=f"{diff.kind} from {diff.file} ({'dry run' if diff.dry_run else 'done'})")
    for kind in CHANGE_KINDS:
        counts.add_column(kind, justify="right")
    values = diff.counts()
    counts.add_row(*(str(values[k]) for k in CHANGE_KINDS))
    tables = [counts]
    details = [c for c in diff.changes if c.kind != "unchanged"]
    if details:
        shown = details[:limit]
        more = len(details) - len(shown)
        caption = f"… and {more} more records (--json prints them all)" if more else None
        table = Table(title=f"Records that {verb}", caption=caption)
        for column in ("line", "key", "change", "field", "old", "new"):
            table.add_column(column)
        for change in shown:
            line = "" if change.line is None else str(change.line)
            if not change.fields:
                table.add_row(line, change.key, change.kind, "", "", "; ".join(change.notes))
                continue
            first = True
            for name, (old, new) in change.fields.items():
                table.add_row(
                    line if first else "",
                    change.key if first else "",
                    change.kind if first else "",
                    name,
                    _short(old),
                    _short(new),
                )
                first = False
            for note in change.notes:
                table.add_row("", "", "", "note", "", note)
        tables.append(table)
    if diff.notes or diff.warnings:
        table = Table(title="Notes")
        table.add_column("")
        for note in diff.notes:
            table.add_row(note)
        for warning in diff.warnings:
            table.add_row(f"[yellow]warning:[/] {warning}")
        tables.append(table)
    return tables
