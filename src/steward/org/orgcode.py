"""Org as code: the whole organization as readable YAML files, one per kind, round-trip exact.

`export_org(folder)` writes one file per registered kind (departments, teams, people, roles,
and whatever later areas register) plus a manifest, `steward.yaml`. `import_org(folder)` reads
them back: it validates every file first (each problem names file, line, column and key, with a
hint), diffs each record against the database, and writes all changes in one transaction.
Export -> import into an empty database -> export gives byte-identical files.

A kind is a `Kind` in the registry (`register`): its file name, the key that identifies a
record, an export function, a parse function (one YAML mapping -> one canonical record), and
apply/link functions that write records. Canonical records are plain dicts in exactly the form
the export writes, so "unchanged" means "the export of the database would print the same".
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.db.models import Model, QuerySet

from steward.core import policy, safe_yaml
from steward.core.backup import consistent_read
from steward.core.errors import BadInput, InvalidInput, Problem
from steward.core.importing import IDENTIFIER_HINT, identifier_is_valid, normalize_identifier
from steward.org import people, rules
from steward.org import services as org_services
from steward.org.models import (
    Department,
    Person,
    PersonEmail,
    Team,
    TeamType,
    TerminationType,
    Track,
)
from steward.org.people import PersonWrite
from steward.org.roledocs import RoleDocError, parse_role

FORMAT = "steward-org/1"
MANIFEST = "steward.yaml"
Actor = policy.Actor
Record = dict[str, Any]
Status = Literal["added", "changed", "unchanged"]


# --------------------------------------------------------------------------- YAML writing


class _Dumper(yaml.SafeDumper):
    """Block style, no anchors, multi-line text as literal blocks, decimals in fixed format."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_decimal(dumper: yaml.SafeDumper, data: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(data, "f"))


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(Decimal, _represent_decimal)


def dump_yaml(data: Any, header: str = "") -> str:
    """`data` as stable, readable YAML (keys in the order given, unicode as is)."""
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
        indent=2,
    )
    return (f"# {header}\n" if header else "") + text


def compact(record: Record, keep: Iterable[str] = ()) -> Record:
    """`record` without empty values (None, "", [], {}), except the keys in `keep`."""
    kept = set(keep)
    return {k: v for k, v in record.items() if k in kept or v not in (None, "", [], {})}


def _sorted_json(value: Any) -> Any:
    """JSON data with mapping keys sorted, so both database engines export it alike."""
    if isinstance(value, dict):
        return {str(k): _sorted_json(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list):
        return [_sorted_json(v) for v in value]
    return value


def _places(value: Decimal | None, places: int) -> Decimal | None:
    return None if value is None else value.quantize(Decimal(1).scaleb(-places))


# --------------------------------------------------------------------------- YAML reading

NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"


class FileReader:
    """Reads one YAML file into located items and collects the problems found on the way."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.name = path.name
        self.problems = problems

    def problem(
        self, node: yaml.Node | None, key: str | None, message: str, hint: str = ""
    ) -> None:
        """Record a problem at `node` (line and column) for `key`."""
        line = node.start_mark.line + 1 if node is not None else None
        column = str(node.start_mark.column + 1) if node is not None else None
        text = f"key '{key}': {message}" if key else message
        self.problems.append(Problem(self.name, line, column, text, hint))

    def compose(self) -> yaml.Node | None:
        """The file's node tree, or None (with a problem) when it is not accepted YAML.

        Read with `core.safe_yaml`: size limit, no anchors or aliases, no NUL characters.
        """
        try:
            return safe_yaml.compose(safe_yaml.read_text(self.path))
        except safe_yaml.YamlRefused as exc:
            column = str(exc.column) if exc.column is not None else None
            self.problems.append(Problem(self.name, exc.line, column, exc.message, exc.hint))
            return None
        except OSError as exc:
            self.problems.append(Problem(self.name, None, None, f"cannot read: {exc.strerror}"))
            return None

    def items(self, root: yaml.Node | None) -> list[Item]:
        """The records of a kind file: a YAML list of mappings (an empty file is no records)."""
        if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == NULL_TAG):
            return []
        if not isinstance(root, yaml.SequenceNode):
            self.problem(root, None, "the file must be a list of records", "start each with '- '")
            return []
        result = []
        for node in root.value:
            if isinstance(node, yaml.MappingNode):
                item = Item(self, node)
                if item.ok:
                    result.append(item)
            else:
                self.problem(node, None, "each record must be a mapping of keys to values")
        return result


class Item:
    """One YAML mapping with typed, located accessors; problems go to its file's reader."""

    def __init__(self, reader: FileReader, node: yaml.MappingNode) -> None:
        self.reader = reader
        self.node = node
        self.line = node.start_mark.line + 1
        self.values: dict[str, yaml.Node] = {}
        self.ok = True
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                reader.problem(key_node, None, "keys must be plain names")
                self.ok = False
                continue
            if key_node.value in self.values:
                reader.problem(key_node, key_node.value, "given twice in this record")
                self.ok = False
            self.values[key_node.value] = value_node

    def positions(self) -> dict[str, tuple[int, int]]:
        """Line and column (1-based) of each key's value, for messages found later."""
        return {
            key: (node.start_mark.line + 1, node.start_mark.column + 1)
            for key, node in self.values.items()
        }

    def problem(self, key: str | None, message: str, hint: str = "") -> None:
        """Record a problem at `key` of this item (or at the item when the key is absent)."""
        self.reader.problem(self.values.get(key or "", self.node), key, message, hint)
        self.ok = False

    def check_keys(self, accepted: Iterable[str]) -> None:
        """Report keys this kind does not know (typos are caught, not ignored)."""
        allowed = list(accepted)
        for key in self.values:
            if key not in allowed:
                self.problem(key, "unknown key", "accepted keys: " + ", ".join(allowed))

    def _scalar(self, key: str) -> yaml.ScalarNode | None:
        node = self.values.get(key)
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG):
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.problem(key, "must be a single value, not a list or mapping")
            return None
        return node

    def text(self, key: str, *, required: bool = False, max_length: int = 0) -> str:
        """A text value ("" when absent); the text exactly as written (0012 stays 0012)."""
        node = self._scalar(key)
        value = node.value if node is not None else ""
        if required and not value.strip():
            self.problem(key, "is required", f"add a line '{key}: ...'")
        if max_length and len(value) > max_length:
            self.problem(key, f"is longer than {max_length} characters")
        return value

    def identifier(self, key: str, *, required: bool = False, max_length: int = 0) -> str:
        """An employee_id or key in NFKC form ('Ｅ0006' is 'E0006'): printable ASCII, no spaces."""
        value = normalize_identifier(self.text(key, required=required, max_length=max_length))
        if value and not identifier_is_valid(value):
            self.problem(key, f"{value!r} is not a valid identifier", IDENTIFIER_HINT)
        return value

    def slug(self, key: str, *, max_length: int, required: bool = True) -> str:
        """A slug (NFKC form): lowercase letters, digits, hyphens and underscores."""
        value = normalize_identifier(self.text(key, required=required, max_length=max_length))
        if value:
            try:
                validate_slug(value)
            except ValidationError:
                self.problem(key, f"{value!r} is not a slug", "use a-z, 0-9, '-' and '_' only")
        return value

    def choice(self, key: str, choices: Iterable[str], default: str = "") -> str:
        """A value from `choices` (or `default` when absent)."""
        options = list(choices)
        value = self.text(key) or default
        if value and value not in options:
            self.problem(key, f"{value!r} is not accepted", "one of: " + ", ".join(options))
        return value

    def date(self, key: str, *, required: bool = False) -> date | None:
        """An ISO date (YYYY-MM-DD)."""
        value = self.text(key, required=required)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problem(key, f"{value!r} is not a date", "write dates as YYYY-MM-DD")
            return None

    def decimal(self, key: str, *, places: int, default: Decimal | None = None) -> Decimal | None:
        """A decimal number, kept exact (read from the text, never through a float)."""
        value = self.text(key)
        if not value:
            return _places(default, places)
        try:
            number = Decimal(value)
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.problem(key, f"{value!r} is not a number", "write a number like 1234.50")
            return None
        try:
            quantized = _places(number, places)
        except InvalidOperation:  # more digits than a decimal holds (e.g. 1e999)
            self.problem(key, f"{value} is too large", "write a number like 1234.50")
            return None
        if quantized != number:
            self.problem(key, f"{value} has more than {places} decimal places")
        return quantized

    def boolean(self, key: str) -> bool | None:
        """true / false, or None when absent."""
        node = self._scalar(key)
        if node is None:
            return None
        if node.tag != BOOL_TAG:
            self.problem(key, f"{node.value!r} is not true or false", "write true or false")
            return None
        return node.value.lower() in ("true", "yes", "on", "y")

    def strings(self, key: str) -> list[str]:
        """A list of text values."""
        node = self.values.get(key)
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(key, "must be a list", f"write each entry on a line '- ...' under {key}")
            return []
        result = []
        for entry in node.value:
            if isinstance(entry, yaml.ScalarNode) and entry.tag != NULL_TAG:
                result.append(entry.value)
            else:
                self.reader.problem(entry, key, "each entry must be a single text value")
                self.ok = False
        return result

    def items(self, key: str) -> list[Item]:
        """A list of mappings (history entries)."""
        node = self.values.get(key)
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(key, "must be a list of mappings")
            return []
        result = []
        for entry in node.value:
            if isinstance(entry, yaml.MappingNode):
                child = Item(self.reader, entry)
                result.append(child)
                self.ok = self.ok and child.ok
            else:
                self.reader.problem(entry, key, "each entry must be a mapping")
                self.ok = False
        return result

    def mapping(self, key: str) -> dict[str, Any]:
        """A free-form mapping (JSON-like data), e.g. extra attributes."""
        node = self.values.get(key)
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG):
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.problem(key, "must be a mapping of keys to values")
            return {}
        try:
            value = safe_yaml.construct(node)
        except safe_yaml.YamlRefused as exc:
            self.problem(key, f"cannot be read: {exc.message}")
            return {}
        return _sorted_json(_json_safe(value))  # type: ignore[no-any-return]


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # .inf / .nan: JSON (and PostgreSQL's jsonb) has no such number
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


# --------------------------------------------------------------------------- the registry


@dataclass
class Scope:
    """Who the export is for (`policy.SYSTEM`: the instance operator, everything)."""

    actor: Actor

    def rows(self, label: str) -> QuerySet[Any]:
        """The rows of `label` the actor may see (all of them for the operator)."""
        return policy.visible(self.actor, label)


@dataclass
class Entry:
    """One record read from a file, with where it came from and what importing it would do."""

    kind: str
    key: str
    record: Record
    file: str
    line: int
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    status: Status = "unchanged"
    changed: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """What importing a folder would do, kind by kind."""

    entries: dict[str, list[Entry]] = field(default_factory=dict)
    current: dict[str, dict[str, Record]] = field(default_factory=dict)
    kept: dict[str, list[str]] = field(default_factory=dict)
    missing_files: list[str] = field(default_factory=list)

    def keys(self, kind: str) -> set[str]:
        """Keys of `kind` present after the import: in the files or already in the database."""
        return {e.key for e in self.entries.get(kind, [])} | set(self.current.get(kind, {}))

    def merged(self, kind: str) -> dict[str, Record]:
        """All records of `kind` after the import, by key."""
        result = dict(self.current.get(kind, {}))
        result.update({e.key: e.record for e in self.entries.get(kind, [])})
        return result

    def to_write(self, kind: str) -> list[Entry]:
        """Entries of `kind` that are added or changed."""
        return [e for e in self.entries.get(kind, []) if e.status != "unchanged"]

    def summary(self) -> dict[str, Any]:
        """Counts and keys per kind (the `--json` output of import-all)."""
        result: dict[str, Any] = {}
        for kind in ordered_kinds():
            entries = self.entries.get(kind.name, [])
            result[kind.name] = {
                "added": [e.key for e in entries if e.status == "added"],
                "changed": {e.key: e.changed for e in entries if e.status == "changed"},
                "unchanged": sum(1 for e in entries if e.status == "unchanged"),
                "kept": self.kept.get(kind.name, []),
            }
        return result

    def lines(self, *, detail: bool = True) -> list[str]:
        """The plan as text: one summary line per kind, then each added or changed record."""
        out = []
        for name, counts in self.summary().items():
            if name not in self.entries:
                out.append(f"{name}: no {KINDS[name].file}, skipped")
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
        return any(e.status != "unchanged" for es in self.entries.values() for e in es)


@dataclass(frozen=True)
class Kind:
    """One kind of organization record and how it goes to and from its YAML file.

    export(scope) -> canonical records in file order;
    parse(item) -> the canonical record of one YAML mapping; problems go to item.problem (the
      record may then be partial; None or no key: skipped);
    check(plan, problems) -> cross-record checks (references, cycles, uniqueness) after parsing;
    apply(plan) -> write added/changed records (references to later kinds may wait for link);
    link(plan) -> second pass, after every kind's apply (self references, back references).
    `after` names kinds whose keys this kind references (they are applied first).
    """

    name: str
    file: str
    key: str
    export: Callable[[Scope], list[Record]]
    parse: Callable[[Item], Record | None]
    apply: Callable[[Plan], None]
    check: Callable[[Plan, Callable[[Entry, str, str, str], None]], None] | None = None
    link: Callable[[Plan], None] | None = None
    after: tuple[str, ...] = ()
    header: str = ""


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind to org as code (another org module calls this at import time)."""
    KINDS[kind.name] = kind
    return kind


def ordered_kinds() -> list[Kind]:
    """Registered kinds, each after the kinds it references (ties in registration order)."""
    position = {name: i for i, name in enumerate(KINDS)}
    result: list[str] = []
    remaining = set(KINDS)
    while remaining:
        ready = [
            n for n in remaining if all(a not in remaining for a in KINDS[n].after if a in KINDS)
        ]
        if not ready:
            raise RuntimeError(f"org-as-code kinds depend on each other in a cycle: {remaining}")
        pick = min(ready, key=lambda n: position[n])
        result.append(pick)
        remaining.remove(pick)
    return [KINDS[n] for n in result]


# --------------------------------------------------------------------------- departments


def _departments_export(scope: Scope) -> list[Record]:
    rows = scope.rows("org.Department").select_related("parent").order_by("slug")
    return [
        compact(
            {"slug": d.slug, "name": d.name, "parent": d.parent.slug if d.parent else None},
            keep=("slug", "name"),
        )
        for d in rows
    ]


def _departments_parse(item: Item) -> Record | None:
    item.check_keys(("slug", "name", "parent"))
    record = compact(
        {
            "slug": item.slug("slug", max_length=64),
            "name": item.text("name", required=True, max_length=200),
            "parent": item.identifier("parent"),
        },
        keep=("slug", "name"),
    )
    return record


def _departments_check(plan: Plan, problem: Callable[[Entry, str, str, str], None]) -> None:
    merged = plan.merged("departments")
    for entry in plan.entries.get("departments", []):
        parent = entry.record.get("parent")
        if parent and parent not in merged:
            problem(entry, "parent", f"no department {parent!r}", "add it to departments.yaml")
            continue
        seen = {entry.key}
        while parent:
            if parent in seen:
                problem(entry, "parent", "departments nest in a cycle", "break the cycle")
                break
            seen.add(parent)
            parent = merged.get(parent, {}).get("parent")


def _departments_apply(plan: Plan) -> None:
    for entry in plan.to_write("departments"):
        dept = Department.objects.filter(slug=entry.key).first() or Department(slug=entry.key)
        dept.name = entry.record["name"]
        _save(dept, entry, exclude=["parent"])


def _departments_link(plan: Plan) -> None:
    entries = plan.to_write("departments")
    if not entries:
        return
    by_slug = {d.slug: d for d in Department.objects.all()}
    for entry in entries:
        dept = by_slug[entry.key]
        parent = entry.record.get("parent")
        dept.parent = by_slug[parent] if parent else None
        _save(dept, entry)


# --------------------------------------------------------------------------- teams

# A team's `dissolved_on` belongs to organization design's "team-dissolutions" kind.
TEAM_KEYS = ("slug", "name", "type", "department", "lead", "mission")


def _teams_export(scope: Scope) -> list[Record]:
    rows = scope.rows("org.Team").select_related("department", "lead").order_by("slug")
    return [
        compact(
            {
                "slug": t.slug,
                "name": t.name,
                "type": t.type,
                "department": t.department.slug if t.department else None,
                "lead": t.lead.employee_id if t.lead else None,
                "mission": t.mission,
            },
            keep=("slug", "name", "type"),
        )
        for t in rows
    ]


def _teams_parse(item: Item) -> Record | None:
    item.check_keys(TEAM_KEYS)
    record = compact(
        {
            "slug": item.slug("slug", max_length=64),
            "name": item.text("name", required=True, max_length=200),
            "type": item.choice("type", TeamType.values),
            "department": item.identifier("department"),
            "lead": item.identifier("lead"),
            "mission": item.text("mission"),
        },
        keep=("slug", "name", "type"),
    )
    if not record["type"]:
        item.problem("type", "is required", "one of: " + ", ".join(TeamType.values))
    return record


def _teams_check(plan: Plan, problem: Callable[[Entry, str, str, str], None]) -> None:
    departments, people = plan.keys("departments"), plan.keys("people")
    for entry in plan.entries.get("teams", []):
        dept, lead = entry.record.get("department"), entry.record.get("lead")
        if dept and dept not in departments:
            problem(entry, "department", f"no department {dept!r}", "add it to departments.yaml")
        if lead and lead not in people:
            problem(entry, "lead", f"no person {lead!r}", "use an employee_id from people.yaml")


def _teams_apply(plan: Plan) -> None:
    departments = {d.slug: d for d in Department.objects.all()}
    for entry in plan.to_write("teams"):
        team = Team.objects.filter(slug=entry.key).first() or Team(slug=entry.key)
        record = entry.record
        team.name, team.type = record["name"], record["type"]
        team.mission = record.get("mission", "")
        team.department = departments.get(record.get("department", ""))
        _save(team, entry, exclude=["lead"])


def _teams_link(plan: Plan) -> None:
    entries = plan.to_write("teams")
    if not entries:
        return
    people = {p.employee_id: p for p in Person.objects.all()}
    teams = {t.slug: t for t in Team.objects.filter(slug__in=_keys(entries))}
    for entry in entries:
        lead = entry.record.get("lead")
        team = teams[entry.key]
        team.lead = people[lead] if lead else None
        _save(team, entry)


# --------------------------------------------------------------------------- people

PERSON_KEYS = ("employee_id", *people.FIELDS, "employment", "team_history", "manager_history")
# The policy's name for each key, so `--as USER` drops what that user may not see; keys the
# policy does not list (the histories) count as private there.
POLICY_NAMES = {"manager": "manager_employee_id"}
PERSON_REQUIRED = ("employee_id", "name", "track", "fte", "start_date")


def _spell(start: date, end: date | None, termination: str, regretted: bool | None) -> Record:
    return compact(
        {"start": start, "end": end, "termination_type": termination, "regretted": regretted},
        keep=("start",),
    )


def _people_export(scope: Scope) -> list[Record]:
    rows = (
        scope.rows("org.Person")
        .select_related("team", "manager", "department")
        .prefetch_related("emails", "spells", "memberships__team", "reporting_lines__manager")
        .order_by("employee_id")
    )
    records = []
    for p in rows:
        record = compact(
            {
                "employee_id": p.employee_id,
                "name": p.name,
                "emails": [e.email for e in sorted(p.emails.all(), key=_email_order)],
                "title": p.title,
                "level": p.level,
                "track": p.track,
                "team": p.team.slug if p.team else None,
                "manager": p.manager.employee_id if p.manager else None,
                "department": p.department.slug if p.department else None,
                "location": p.location,
                "timezone": p.timezone,
                "employment_type": p.employment_type,
                "fte": _places(p.fte, 2),
                "start_date": p.start_date,
                "end_date": p.end_date,
                "termination_type": p.termination_type,
                "regretted": p.regretted,
                "salary": _places(p.salary, 2),
                "currency": p.currency,
                "attributes": _sorted_json(p.attributes or {}),
                "employment": sorted(
                    (
                        _spell(s.start_date, s.end_date, s.termination_type, s.regretted)
                        for s in p.spells.all()
                    ),
                    key=_history_order,
                ),
                "team_history": sorted(
                    (
                        compact(
                            {"team": m.team.slug, "start": m.start, "end": m.end},
                            keep=("team", "start"),
                        )
                        for m in p.memberships.all()
                    ),
                    key=_history_order,
                ),
                "manager_history": sorted(
                    (
                        compact(
                            {"manager": r.manager.employee_id, "start": r.start, "end": r.end},
                            keep=("manager", "start"),
                        )
                        for r in p.reporting_lines.all()
                    ),
                    key=_history_order,
                ),
            },
            keep=PERSON_REQUIRED,
        )
        if scope.actor is not policy.SYSTEM:
            renamed = {POLICY_NAMES.get(k, k): k for k in record}
            allowed = policy.filter_person(
                scope.actor, p, {POLICY_NAMES.get(k, k): v for k, v in record.items()}
            )
            record = {renamed[k]: v for k, v in allowed.items()}
        records.append(record)
    return records


def _email_order(email: PersonEmail) -> tuple[int, str]:
    return (email.position, email.email)


def _history_order(entry: Record) -> tuple[Any, ...]:
    return (
        entry["start"],
        entry.get("end") or date.max,
        str(entry.get("team", entry.get("manager", ""))),
        repr(sorted(entry.items(), key=lambda kv: kv[0])),
    )


def _period(sub: Item) -> tuple[date | None, date | None]:
    """A history entry's `start` (required) and `end`, checked to be in order."""
    start = sub.date("start", required=True)
    end = sub.date("end")
    if start and end and end < start:
        sub.problem("end", "is before start")
    return start, end


def _person_emails(item: Item) -> list[str]:
    emails = [e.strip() for e in item.strings("emails")]
    for email in emails:
        try:
            validate_email(email)
        except ValidationError:
            item.problem("emails", f"{email!r} is not an email address")
    if len({e.lower() for e in emails}) != len(emails):
        item.problem("emails", "an address is listed twice")
    return emails


def _employment_history(item: Item) -> list[Record]:
    spells = []
    for sub in item.items("employment"):
        sub.check_keys(("start", "end", "termination_type", "regretted"))
        start, end = _period(sub)
        termination = sub.choice("termination_type", TerminationType.values)
        if start:
            spells.append(_spell(start, end, termination, sub.boolean("regretted")))
    return sorted(spells, key=_history_order)


def _assignment_history(item: Item, history: str, key: str) -> list[Record]:
    """`team_history` (key `team`) or `manager_history` (key `manager`) entries."""
    entries = []
    for sub in item.items(history):
        sub.check_keys((key, "start", "end"))
        value = sub.identifier(key, required=True)
        start, end = _period(sub)
        if value and start:
            entries.append(compact({key: value, "start": start, "end": end}, (key, "start")))
    return sorted(entries, key=_history_order)


def _person_terms(item: Item) -> dict[str, Any]:
    """Start and end dates, FTE and currency (dates in order: `people.check_people`)."""
    start_date, end_date = item.date("start_date", required=True), item.date("end_date")
    fte = item.decimal("fte", places=2, default=Decimal("1.00"))
    if fte is not None and not (Decimal(0) < fte <= 1):
        item.problem("fte", "must be greater than 0 and at most 1", "e.g. 1.00 or 0.80")
    currency = item.text("currency")
    if currency and (len(currency) != 3 or not currency.isalpha() or not currency.isupper()):
        item.problem("currency", f"{currency!r} is not a currency code", "e.g. EUR or USD")
    return {"start_date": start_date, "end_date": end_date, "fte": fte, "currency": currency}


def _people_parse(item: Item) -> Record | None:
    item.check_keys(PERSON_KEYS)
    emails = _person_emails(item)
    employment = _employment_history(item)
    team_history = _assignment_history(item, "team_history", "team")
    manager_history = _assignment_history(item, "manager_history", "manager")
    terms = _person_terms(item)
    return compact(
        {
            "employee_id": item.identifier("employee_id", required=True, max_length=64),
            "name": item.text("name", required=True, max_length=200),
            "emails": emails,
            "title": item.text("title", max_length=200),
            "level": item.text("level", max_length=32),
            "track": item.choice("track", Track.values, default=Track.IC),
            "team": item.identifier("team"),
            "manager": item.identifier("manager"),
            "department": item.identifier("department"),
            "location": item.text("location", max_length=100),
            "timezone": item.text("timezone", max_length=64),
            "employment_type": item.text("employment_type", max_length=32),
            "fte": terms["fte"],
            "start_date": terms["start_date"],
            "end_date": terms["end_date"],
            "termination_type": item.choice("termination_type", TerminationType.values),
            "regretted": item.boolean("regretted"),
            "salary": item.decimal("salary", places=2),
            "currency": terms["currency"],
            "attributes": item.mapping("attributes"),
            "employment": employment,
            "team_history": team_history,
            "manager_history": manager_history,
        },
        keep=PERSON_REQUIRED,
    )


def _person_write(entry: Entry, old: Record | None = None) -> PersonWrite:
    """An entry as a person to write; history lists that differ from `old` are replaced."""
    record = entry.record
    values = people.defaults()
    values.update({name: record[name] for name in people.FIELDS if name in record})
    history = None
    if old is not None:
        history = people.History(
            **{
                name: record.get(name, [])
                for name in ("employment", "team_history", "manager_history")
                if record.get(name, []) != old.get(name, [])
            }
        )
    return PersonWrite(entry.key, values, ref=entry, history=history)


# Where to fix a reference in org as code (the CSV importer's hints name its own files).
_FIX = {
    "team": "add it to teams.yaml",
    "manager": "use an employee_id in people.yaml",
}


def _people_check(plan: Plan, problem: Callable[[Entry, str, str, str], None]) -> None:
    teams, departments = plan.keys("teams"), plan.keys("departments")
    merged = plan.merged("people")
    entries = plan.entries.get("people", [])
    owners = {
        email.lower(): key
        for key, record in plan.current.get("people", {}).items()
        for email in record.get("emails", [])
    }
    writes = [_person_write(entry) for entry in entries]
    for found in people.check_people(
        writes,
        teams=teams,
        existing=people.load_existing(),
        email_owners=owners,
        derive_history=False,
    ):
        hint = found.hint if found.chain else _FIX.get(found.field, found.hint)
        problem(found.write.ref, found.field, found.message, hint)
    for entry in entries:
        record = entry.record
        value = record.get("department")
        if value and value not in departments:
            problem(entry, "department", f"no department {value!r}", "add it to departments.yaml")
        for past in record.get("team_history", []):
            if past["team"] not in teams:
                message, _ = rules.unknown_team_problem(past["team"])
                problem(entry, "team_history", message, _FIX["team"])
        for past in record.get("manager_history", []):
            if past["manager"] not in merged:
                message, _ = rules.unknown_manager_problem(past["manager"])
                problem(entry, "manager_history", message, "fix the id")
            elif past["manager"] == entry.key:
                problem(entry, "manager_history", "a person cannot manage themselves", "")
        spells = record.get("employment", [])
        for before, after in itertools.pairwise(spells):
            if before.get("end") is None or before["end"] > after["start"]:
                problem(entry, "employment", "employment spells overlap", "end one before the next")


def _people_apply(plan: Plan) -> None:
    entries = plan.to_write("people")
    if not entries:
        return
    current = plan.current.get("people", {})
    writes = [_person_write(entry, current.get(entry.key, {})) for entry in entries]
    existing = people.load_existing(_keys(entries))
    for entry, write in zip(entries, writes, strict=True):
        write.existing = existing.get(write.employee_id)
        # The model's own rules (lengths, digits, choices), as one save() would check them.
        person = Person(employee_id=entry.key, **{n: write.values[n] for n in people.PLAIN_FIELDS})
        try:
            person.full_clean(
                exclude=["team", "manager", "department", "user"], validate_unique=False
            )
        except ValidationError as exc:
            raise _ApplyFailed(
                Problem(entry.file, entry.line, None, f"{entry.key}: {exc.messages}", "")
            ) from exc
    people.write_people(writes, actor=policy.SYSTEM, today=date.today(), derive_history=False)


# --------------------------------------------------------------------------- roles


def _roles_export(scope: Scope) -> list[Record]:
    rows = scope.rows("org.RoleDescription").order_by("slug")
    records = []
    for role in rows:
        front: Record = {"title": role.title}
        if role.description:
            front["description"] = role.description
        front.update(_sorted_json(role.metadata or {}))
        records.append({"slug": role.slug, "front_matter": front, "body": role.body})
    return records


def _roles_parse(item: Item) -> Record | None:
    item.check_keys(("slug", "front_matter", "body"))
    slug = item.slug("slug", max_length=100)
    front = item.mapping("front_matter")
    body = item.text("body", required=True)
    if len(str(front.get("title", ""))) > 200 or len(str(front.get("description", ""))) > 500:
        item.problem("front_matter", "title (200) or description (500) is too long")
    if not item.ok:
        return {"slug": slug}
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body
    try:
        doc = parse_role(text)
    except RoleDocError as exc:
        item.problem("front_matter" if exc.field else "body", str(exc), exc.hint)
        return {"slug": slug}
    record_front: Record = {"title": doc.title}
    if doc.description:
        record_front["description"] = doc.description
    record_front.update(_sorted_json(doc.metadata))
    return {"slug": slug, "front_matter": record_front, "body": doc.body}


def _roles_apply(plan: Plan) -> None:
    for entry in plan.to_write("roles"):
        front = entry.record["front_matter"]
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n"
        doc = parse_role(text + entry.record["body"])
        try:
            _upsert_role(entry, doc)
        except ValidationError as exc:
            raise _ApplyFailed(
                Problem(entry.file, entry.line, None, f"{entry.key}: {exc.messages}", "")
            ) from exc


def _upsert_role(entry: Entry, doc: Any) -> None:
    org_services.role_description_upsert(
        actor=policy.SYSTEM,
        slug=entry.key,
        title=doc.title,
        description=doc.description,
        summary=doc.summary,
        body=doc.body,
        sections=doc.sections,
        metadata=doc.metadata,
    )


# --------------------------------------------------------------------------- shared writing


def _keys(entries: list[Entry]) -> list[str]:
    return [e.key for e in entries]


class _ApplyFailed(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _save(obj: Model, entry: Entry, exclude: list[str] | None = None) -> None:
    """full_clean then save; a model rule the parse step did not catch names the record."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        raise _ApplyFailed(
            Problem(entry.file, entry.line, None, f"{entry.key}: {exc.messages}", "")
        ) from exc
    obj.save()


register(
    Kind(
        name="departments",
        file="departments.yaml",
        key="slug",
        export=_departments_export,
        parse=_departments_parse,
        check=_departments_check,
        apply=_departments_apply,
        link=_departments_link,
        header="Departments and groups; `parent` nests them.",
    )
)
register(
    Kind(
        name="teams",
        file="teams.yaml",
        key="slug",
        export=_teams_export,
        parse=_teams_parse,
        check=_teams_check,
        apply=_teams_apply,
        link=_teams_link,
        after=("departments",),
        header="Teams: Team Topologies type, department, lead (an employee_id) and mission.",
    )
)
register(
    Kind(
        name="people",
        file="people.yaml",
        key="employee_id",
        export=_people_export,
        parse=_people_parse,
        check=_people_check,
        apply=_people_apply,
        after=("departments", "teams"),
        header="People, leavers included, with employment spells, team and manager history.",
    )
)
register(
    Kind(
        name="roles",
        file="roles.yaml",
        key="slug",
        export=_roles_export,
        parse=_roles_parse,
        apply=_roles_apply,
        header="Role descriptions: YAML front matter and Markdown body.",
    )
)


# --------------------------------------------------------------------------- export / import


def export_org(folder: Path, *, actor: Actor) -> dict[str, int]:
    """Write every kind to `folder` (as `actor` may see it; SYSTEM: everything); counts by kind."""
    folder.mkdir(parents=True, exist_ok=True)
    scope = Scope(actor)
    counts: dict[str, int] = {}
    kinds = ordered_kinds()
    with consistent_read():
        for kind in kinds:
            records = kind.export(scope)
            counts[kind.name] = len(records)
            (folder / kind.file).write_text(dump_yaml(records, kind.header), encoding="utf-8")
    manifest: Record = {"format": FORMAT, "kinds": [k.name for k in kinds]}
    if policy.user_record(actor) is not None:
        manifest["exported_as"] = actor.get_username()
    header = "Steward organization as code. Edit the files, then: steward import-all FOLDER"
    (folder / MANIFEST).write_text(dump_yaml(manifest, header), encoding="utf-8")
    return counts


def _read_manifest(folder: Path, problems: list[Problem]) -> None:
    path = folder / MANIFEST
    if not path.exists():
        return
    reader = FileReader(path, problems)
    root = reader.compose()
    if root is None:
        return
    if not isinstance(root, yaml.MappingNode):
        reader.problem(root, None, "the manifest must be a mapping")
        return
    item = Item(reader, root)
    item.check_keys(("format", "kinds", "exported_as"))
    fmt = item.text("format")
    if fmt and fmt != FORMAT:
        item.problem("format", f"{fmt!r} is not a format this Steward reads", f"expected {FORMAT}")
    who = item.text("exported_as")
    if who:
        item.problem(
            "exported_as",
            f"this is a partial export (only what {who!r} may see)",
            "importing it would clear what that user could not see; export without --as",
        )
    for name in item.strings("kinds"):
        if name not in KINDS:
            item.problem("kinds", f"unknown kind {name!r}", "accepted: " + ", ".join(KINDS))


def plan_import(folder: Path) -> Plan:
    """Read and validate every file in `folder` and diff it against the database.

    Raises InvalidInput (exit 2) listing every problem; reads only.
    """
    if not folder.is_dir():
        raise BadInput(f"{folder}: no such folder (give the folder `steward export` wrote)")
    problems: list[Problem] = []
    _read_manifest(folder, problems)
    kinds = ordered_kinds()
    known = {k.file for k in kinds} | {MANIFEST}
    for path in sorted(folder.glob("*.y*ml")):
        if path.name not in known:
            problems.append(
                Problem(
                    path.name,
                    None,
                    None,
                    "not a kind Steward knows",
                    "files: " + ", ".join(sorted(known)),
                )
            )
    plan = Plan()
    scope = Scope(policy.SYSTEM)
    for kind in kinds:
        plan.current[kind.name] = {r[kind.key]: r for r in kind.export(scope)}
        path = folder / kind.file
        if not path.exists():
            plan.missing_files.append(kind.file)
            continue
        reader = FileReader(path, problems)
        entries: list[Entry] = []
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
            entries.append(Entry(kind.name, key, record, kind.file, item.line, item.positions()))
        plan.entries[kind.name] = entries

    def problem(entry: Entry, key: str, message: str, hint: str) -> None:
        line, column = entry.positions.get(key, (entry.line, 0))
        text = f"key '{key}': {message}"
        problems.append(Problem(entry.file, line, str(column) if column else None, text, hint))

    for kind in kinds:
        if kind.check is not None and kind.name in plan.entries:
            kind.check(plan, problem)
    if problems:
        raise InvalidInput(problems)
    for kind in kinds:
        current = plan.current[kind.name]
        for entry in plan.entries.get(kind.name, []):
            old = current.get(entry.key)
            if old is None:
                entry.status = "added"
            elif old != entry.record:
                entry.status = "changed"
                entry.changed = sorted(
                    k for k in set(old) | set(entry.record) if old.get(k) != entry.record.get(k)
                )
        in_files = {e.key for e in plan.entries.get(kind.name, [])}
        if kind.name in plan.entries:
            plan.kept[kind.name] = sorted(set(current) - in_files)
    return plan


def import_org(folder: Path, *, dry_run: bool = False) -> Plan:
    """Validate `folder`, then (unless `dry_run`) write every change in one transaction."""
    plan = plan_import(folder)
    if dry_run or not plan.has_changes():
        return plan
    kinds = ordered_kinds()
    try:
        with transaction.atomic():
            for kind in kinds:
                kind.apply(plan)
            for kind in kinds:
                if kind.link is not None:
                    kind.link(plan)
    except _ApplyFailed as exc:
        raise InvalidInput([exc.problem]) from exc
    return plan
