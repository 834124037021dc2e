"""The folder import: a folder of YAML files, one per registered `FolderKind` (org as code).

`FolderImporter.plan()` reads every kind's file in dependency order with the YAML reader (each
mapping parsed into the canonical record the export writes, problems located at line and
column), runs each kind's checks across files (references, cycles), and diffs every record
against the kind's export of the database: a `Plan`, which is the `Diff` of the whole folder
(one `Diff` per kind in `plan.diffs`, each record a `Change` whose payload is the record).
`run_importer` then applies it in one transaction: every kind's `apply`, then every kind's
`link` (references to records of later kinds). Records only in the database are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from steward.core import policy
from steward.core.errors import BadInput, InvalidInput, Problem
from steward.core.importing.framework import Change, Diff, Importer
from steward.core.importing.yaml_reader import FileReader, Item

Record = dict[str, Any]
# check(plan, problem): problem(change, key, message, hint) records a problem at the record's key.
ProblemAt = Callable[[Change, str, str, str], None]


@dataclass
class Scope:
    """Who the export is for (`policy.SYSTEM`: the instance operator, everything)."""

    actor: policy.Actor

    def rows(self, label: str) -> QuerySet[Any]:
        """The rows of `label` the actor may see (all of them for the operator)."""
        return policy.visible(self.actor, label)


@dataclass
class Plan(Diff):
    """What importing a folder would do: every record's change, and per kind its own `Diff`."""

    kinds: list[FolderKind] = field(default_factory=list, repr=False)
    diffs: dict[str, Diff] = field(default_factory=dict)  # kinds whose file is in the folder
    current: dict[str, dict[str, Record]] = field(default_factory=dict)
    kept: dict[str, list[str]] = field(default_factory=dict)
    missing_files: list[str] = field(default_factory=list)

    def records(self, kind: str) -> list[Change]:
        """The records read from `kind`'s file (none when the folder has no such file)."""
        diff = self.diffs.get(kind)
        return diff.changes if diff is not None else []

    def keys(self, kind: str) -> set[str]:
        """Keys of `kind` present after the import: in the files or already in the database."""
        return {c.key for c in self.records(kind)} | set(self.current.get(kind, {}))

    def merged(self, kind: str) -> dict[str, Record]:
        """All records of `kind` after the import, by key."""
        result = dict(self.current.get(kind, {}))
        result.update({c.key: c.payload for c in self.records(kind)})
        return result

    def to_write(self, kind: str) -> list[Change]:
        """Records of `kind` that are added or changed."""
        return [c for c in self.records(kind) if c.kind != "unchanged"]

    def summary(self) -> dict[str, Any]:
        """Counts and keys per kind (the `--json` output of import-all)."""
        result: dict[str, Any] = {}
        for kind in self.kinds:
            changes = self.records(kind.name)
            result[kind.name] = {
                "added": [c.key for c in changes if c.kind == "added"],
                "changed": {c.key: list(c.fields) for c in changes if c.kind == "changed"},
                "unchanged": sum(1 for c in changes if c.kind == "unchanged"),
                "kept": self.kept.get(kind.name, []),
            }
        return result

    def lines(self, *, detail: bool = True) -> list[str]:
        """The plan as text: one summary line per kind, then each added or changed record."""
        files = {kind.name: kind.file for kind in self.kinds}
        out = []
        for name, counts in self.summary().items():
            if name not in self.diffs:
                out.append(f"{name}: no {files[name]}, skipped")
                continue
            out.append(
                f"{name}: {len(counts['added'])} added, {len(counts['changed'])} changed, "
                f"{counts['unchanged']} unchanged, {len(counts['kept'])} only in the database "
                "(kept)"
            )
            if detail:
                out.extend(f"  + {key}" for key in counts["added"])
                out.extend(
                    f"  ~ {key}: {', '.join(fields)}" for key, fields in counts["changed"].items()
                )
                out.extend(f"  = {key} (not in the files; kept)" for key in counts["kept"])
        return out

    def has_changes(self) -> bool:
        """True when importing would write anything."""
        return self.writes


@dataclass(frozen=True)
class FolderKind:
    """One kind of record and how it goes to and from its YAML file in the folder.

    export(scope) -> canonical records in file order;
    parse(item) -> the canonical record of one YAML mapping; problems go to item.problem (the
      record may then be partial; None or no key: skipped);
    check(plan, problem) -> cross-record checks (references, cycles, uniqueness) after parsing;
    apply(plan) -> write added/changed records (references to later kinds may wait for link);
    link(plan) -> second pass, after every kind's apply (self references, back references).
    `after` names kinds whose keys this kind references (they are applied first).
    Register it with `register_importer(kind.name, kind)`.
    """

    name: str
    file: str
    key: str
    export: Callable[[Scope], list[Record]]
    parse: Callable[[Item], Record | None]
    apply: Callable[[Plan], None]
    check: Callable[[Plan, ProblemAt], None] | None = None
    link: Callable[[Plan], None] | None = None
    after: tuple[str, ...] = ()
    header: str = ""


class ApplyFailed(Exception):
    """A model rule the parse step did not catch, found while applying (the import is undone)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def save_checked(obj: Model, change: Change, exclude: list[str] | None = None) -> None:
    """full_clean then save; a model rule the parse step did not catch names the record."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        raise ApplyFailed(record_problem(change, exc)) from exc
    obj.save()


def record_problem(change: Change, exc: ValidationError) -> Problem:
    """The problem of a record the database's rules refuse, at the record's first line."""
    return Problem(change.file or "", change.line, None, f"{change.key}: {exc.messages}", "")


class FolderImporter(Importer):
    """Imports a folder holding one YAML file per kind (`kinds`, in dependency order).

    Problems are reported in the order found: the manifest, unknown files, each kind's file from
    top to bottom (kinds in order), then the checks across files.
    """

    reader = "yaml"
    sort_problems = False
    manifest: ClassVar[str] = ""  # a file of the folder that is no kind (read by read_manifest)
    folder_hint: ClassVar[str] = ""  # how to get a folder, when the path is none

    def __init__(
        self,
        path: Path | str,
        *,
        actor: Any,
        kinds: Sequence[FolderKind],
        today: date | None = None,
    ) -> None:
        super().__init__(path, actor=actor, today=today)
        self.kinds = list(kinds)

    def read_manifest(self) -> None:
        """Read and check the folder's manifest (`self.manifest`), recording problems."""

    def plan(self) -> Plan:
        """Read and validate every file and diff it against the database (reads only)."""
        if not self.path.is_dir():
            raise BadInput(f"{self.path}: no such folder ({self.folder_hint})")
        self.read_manifest()
        self._unknown_files()
        plan = Plan(kind=self.kind, file=self.file, kinds=self.kinds)
        scope = Scope(policy.SYSTEM)
        for kind in self.kinds:
            plan.current[kind.name] = {r[kind.key]: r for r in kind.export(scope)}
            path = self.path / kind.file
            if path.exists():
                self._read_kind(plan, kind, path)
            else:
                plan.missing_files.append(kind.file)
        for kind in self.kinds:
            if kind.check is not None and kind.name in plan.diffs:
                kind.check(plan, self._problem_at)
        for name, diff in plan.diffs.items():
            in_files = {c.key for c in diff.changes}
            plan.kept[name] = sorted(set(plan.current[name]) - in_files)
        return plan

    def _unknown_files(self) -> None:
        known = {k.file for k in self.kinds} | ({self.manifest} if self.manifest else set())
        for path in sorted(self.path.glob("*.y*ml")):
            if path.name not in known:
                self.problems.append(
                    Problem(
                        path.name,
                        None,
                        None,
                        "not a kind Steward knows",
                        "files: " + ", ".join(sorted(known)),
                    )
                )

    def _read_kind(self, plan: Plan, kind: FolderKind, path: Path) -> None:
        """Parse `kind`'s file into changes: each record added, changed or unchanged."""
        reader = FileReader(path, self.problems)
        diff = plan.diffs[kind.name] = Diff(kind=kind.name, file=kind.file)
        current = plan.current[kind.name]
        first_line: dict[str, int] = {}
        for item in reader.items(reader.compose()):
            record = kind.parse(item)
            key = str(record.get(kind.key) or "") if record is not None else ""
            if record is None or not key:
                continue
            if key in first_line:
                item.problem(
                    kind.key, f"{key!r} is already on line {first_line[key]}", "keep one record"
                )
                continue
            first_line[key] = item.line
            plan.add(diff.add(_change(key, record, current.get(key), kind.file, item)))

    def _problem_at(self, change: Change, key: str, message: str, hint: str) -> None:
        line, column = change.positions.get(key, (change.line or 0, 0))
        text = f"key '{key}': {message}"
        self.problems.append(
            Problem(change.file or "", line, str(column) if column else None, text, hint)
        )

    def apply(self, diff: Diff) -> None:
        """Every kind's `apply`, then every kind's `link` (inside the caller's transaction)."""
        assert isinstance(diff, Plan)
        try:
            for kind in self.kinds:
                kind.apply(diff)
            for kind in self.kinds:
                if kind.link is not None:
                    kind.link(diff)
        except ApplyFailed as exc:
            raise InvalidInput([exc.problem]) from exc


def _change(key: str, record: Record, old: Record | None, file: str, item: Item) -> Change:
    """The change of one record read from `file` against its export `old` (None: not there)."""
    fields: dict[str, tuple[Any, Any]] = {}
    if old is None:
        kind = "added"
    else:
        fields = {
            k: (old.get(k), record.get(k))
            for k in sorted(set(old) | set(record))
            if old.get(k) != record.get(k)
        }
        kind = "changed" if old != record else "unchanged"
    return Change(
        kind,
        key,
        line=item.line,
        fields=fields,
        payload=record,
        file=file,
        positions=item.positions(),
    )
