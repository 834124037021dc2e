"""The framework: `Change`s in a `Diff`, the `Importer` base with its field parsers, the registry
of kinds (CSV, Markdown and the YAML files of the folder import alike) and `run_importer`, the
one run of every import (validate everything -> diff -> apply in one transaction)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from django.db import transaction
from django.utils import timezone

from steward.core.errors import BadInput, InvalidInput, Problem

if TYPE_CHECKING:
    from steward.core.importing.folder import FolderKind

ChangeKind = Literal["added", "changed", "unchanged", "ended"]
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
    # Where the record is when a diff spans several files (a folder import): the file's name,
    # and the line and column (1-based) of each field's value, for problems found later.
    file: str | None = None
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)

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
    # The format read ("csv", "markdown", "yaml"; "" for a format of the importer's own).
    reader: ClassVar[str] = ""
    # Whether `run_importer` reports the problems in file, then line order (else as recorded).
    sort_problems: ClassVar[bool] = True

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


# The registry. Every importable kind registers with `register_importer`: a kind of
# `steward import KIND FILE` with its importer class (or the class's dotted path), a kind of
# the folder import (`steward import-all DIR`, org as code) with its `FolderKind`. The two are
# separate namespaces: `people` is both a CSV kind and a YAML file of org as code.
_REGISTRY: dict[str, type[Importer] | str] = {}
_FOLDER_KINDS: dict[str, FolderKind] = {}


def register_importer(kind: str, importer: type[Importer] | str | FolderKind) -> None:
    """Make `steward import KIND` use `importer` (a class or its dotted path, loaded lazily), or
    (a `FolderKind`) make `kind`'s YAML file part of the folder import."""
    from steward.core.importing.folder import FolderKind

    if isinstance(importer, FolderKind):
        if importer.name != kind:
            raise ValueError(f"folder kind {importer.name!r} registered as {kind!r}")
        _FOLDER_KINDS[kind] = importer
        return
    _REGISTRY[kind] = importer


def importer_kinds() -> list[str]:
    """The kinds of `steward import KIND FILE`, sorted."""
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


def folder_kinds() -> list[FolderKind]:
    """The kinds of the folder import, each after the kinds it references (`after`; ties in
    registration order)."""
    position = {name: i for i, name in enumerate(_FOLDER_KINDS)}
    result: list[str] = []
    remaining = set(_FOLDER_KINDS)
    while remaining:
        ready = [
            n
            for n in remaining
            if all(a not in remaining for a in _FOLDER_KINDS[n].after if a in _FOLDER_KINDS)
        ]
        if not ready:
            raise RuntimeError(f"org-as-code kinds depend on each other in a cycle: {remaining}")
        pick = min(ready, key=lambda n: position[n])
        result.append(pick)
        remaining.remove(pick)
    return [_FOLDER_KINDS[n] for n in result]


def registered_kinds() -> list[tuple[str, str, str]]:
    """Every importable kind as (command, kind, reader), e.g. ("import", "people", "csv") and
    ("import-all", "people", "yaml"); reader "" is a format of the importer's own."""
    kinds = [("import", kind, get_importer(kind).reader) for kind in importer_kinds()]
    kinds.extend(("import-all", kind.name, "yaml") for kind in folder_kinds())
    return kinds


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
    return run_importer(importer, dry_run=dry_run)


def run_importer(importer: Importer, *, dry_run: bool = False) -> Diff:
    """The one flow of every import: `plan()` validates everything and diffs; with a problem,
    InvalidInput lists them all and nothing is written; else (unless dry_run) `apply(diff)`
    writes it in one transaction."""
    diff = importer.plan()
    if importer.problems:
        problems = importer.problems
        raise InvalidInput(sorted_problems(problems) if importer.sort_problems else problems)
    diff.dry_run = dry_run
    if not dry_run and diff.writes:
        with transaction.atomic():
            importer.apply(diff)
    return diff


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in file, then line order (stable otherwise)."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0))


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
