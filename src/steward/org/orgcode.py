"""Org as code: the whole organization as readable YAML files, one per kind, round-trip exact.

`export_org(folder)` writes one file per registered kind (departments, teams, people, roles,
and whatever later areas register) plus a manifest, `steward.yaml`. `import_org(folder)` reads
them back through the import framework (`core.importing`: `OrgImporter` is a `FolderImporter`
run by `run_importer`): it validates every file first (each problem names file, line, column
and key, with a hint), diffs each record against the database, and writes all changes in one
transaction. Export -> import into an empty database -> export gives byte-identical files.

A kind is a `FolderKind` registered with `register_importer(name, kind)`, the same registry as
the CSV and Markdown kinds: its file name, the key that identifies a record, an export
function, a parse function (one YAML mapping -> one canonical record, read with the core YAML
reader's `Item`), and apply/link functions that write records. Canonical records are plain dicts
in exactly the form the export writes, so "unchanged" means "the export of the database would
print the same". This module holds only what is particular to the organization: its kinds, the
manifest and the export.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from steward.core import policy
from steward.core.backup import consistent_read
from steward.core.importing import Change, folder_kinds, register_importer, run_importer
from steward.core.importing.folder import (
    ApplyFailed,
    FolderImporter,
    FolderKind,
    Plan,
    ProblemAt,
    Record,
    Scope,
    record_problem,
    save_checked,
)
from steward.core.importing.framework import _FOLDER_KINDS
from steward.core.importing.yaml_reader import FileReader, Item, sorted_json, to_places
from steward.core.importing.yaml_writer import compact, dump_yaml
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

# The names org as code's registry had here (it is core.importing's registry now).
Kind = FolderKind
KINDS = _FOLDER_KINDS
ordered_kinds = folder_kinds


def register(kind: FolderKind) -> FolderKind:
    """Add a kind to org as code: `register_importer(kind.name, kind)`."""
    register_importer(kind.name, kind)
    return kind


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


def _departments_check(plan: Plan, problem: ProblemAt) -> None:
    merged = plan.merged("departments")
    for entry in plan.records("departments"):
        parent = entry.payload.get("parent")
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
        dept.name = entry.payload["name"]
        save_checked(dept, entry, exclude=["parent"])


def _departments_link(plan: Plan) -> None:
    entries = plan.to_write("departments")
    if not entries:
        return
    by_slug = {d.slug: d for d in Department.objects.all()}
    for entry in entries:
        dept = by_slug[entry.key]
        parent = entry.payload.get("parent")
        dept.parent = by_slug[parent] if parent else None
        save_checked(dept, entry)


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


def _teams_check(plan: Plan, problem: ProblemAt) -> None:
    departments, people = plan.keys("departments"), plan.keys("people")
    for entry in plan.records("teams"):
        dept, lead = entry.payload.get("department"), entry.payload.get("lead")
        if dept and dept not in departments:
            problem(entry, "department", f"no department {dept!r}", "add it to departments.yaml")
        if lead and lead not in people:
            problem(entry, "lead", f"no person {lead!r}", "use an employee_id from people.yaml")


def _teams_apply(plan: Plan) -> None:
    departments = {d.slug: d for d in Department.objects.all()}
    for entry in plan.to_write("teams"):
        team = Team.objects.filter(slug=entry.key).first() or Team(slug=entry.key)
        record = entry.payload
        team.name, team.type = record["name"], record["type"]
        team.mission = record.get("mission", "")
        team.department = departments.get(record.get("department", ""))
        save_checked(team, entry, exclude=["lead"])


def _teams_link(plan: Plan) -> None:
    entries = plan.to_write("teams")
    if not entries:
        return
    people = {p.employee_id: p for p in Person.objects.all()}
    teams = {t.slug: t for t in Team.objects.filter(slug__in=_keys(entries))}
    for entry in entries:
        lead = entry.payload.get("lead")
        team = teams[entry.key]
        team.lead = people[lead] if lead else None
        save_checked(team, entry)


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
                "fte": to_places(p.fte, 2),
                "start_date": p.start_date,
                "end_date": p.end_date,
                "termination_type": p.termination_type,
                "regretted": p.regretted,
                "salary": to_places(p.salary, 2),
                "currency": p.currency,
                "attributes": sorted_json(p.attributes or {}),
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


def _person_write(entry: Change, old: Record | None = None) -> PersonWrite:
    """An entry as a person to write; history lists that differ from `old` are replaced."""
    record = entry.payload
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


def _people_check(plan: Plan, problem: ProblemAt) -> None:
    teams, departments = plan.keys("teams"), plan.keys("departments")
    merged = plan.merged("people")
    entries = plan.records("people")
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
        record = entry.payload
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
            raise ApplyFailed(record_problem(entry, exc)) from exc
    people.write_people(writes, actor=policy.SYSTEM, today=date.today(), derive_history=False)


# --------------------------------------------------------------------------- roles


def _roles_export(scope: Scope) -> list[Record]:
    rows = scope.rows("org.RoleDescription").order_by("slug")
    records = []
    for role in rows:
        front: Record = {"title": role.title}
        if role.description:
            front["description"] = role.description
        front.update(sorted_json(role.metadata or {}))
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
    record_front.update(sorted_json(doc.metadata))
    return {"slug": slug, "front_matter": record_front, "body": doc.body}


def _roles_apply(plan: Plan) -> None:
    for entry in plan.to_write("roles"):
        front = entry.payload["front_matter"]
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n"
        doc = parse_role(text + entry.payload["body"])
        try:
            _upsert_role(entry, doc)
        except ValidationError as exc:
            raise ApplyFailed(record_problem(entry, exc)) from exc


def _upsert_role(entry: Change, doc: Any) -> None:
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


def _keys(entries: list[Change]) -> list[str]:
    return [e.key for e in entries]


register_importer(
    "departments",
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
    ),
)
register_importer(
    "teams",
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
    ),
)
register_importer(
    "people",
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
    ),
)
register_importer(
    "roles",
    Kind(
        name="roles",
        file="roles.yaml",
        key="slug",
        export=_roles_export,
        parse=_roles_parse,
        apply=_roles_apply,
        header="Role descriptions: YAML front matter and Markdown body.",
    ),
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


class OrgImporter(FolderImporter):
    """`steward import-all DIR`: every registered org-as-code kind, after the manifest."""

    kind = "org-as-code"
    manifest = MANIFEST
    folder_hint = "give the folder `steward export` wrote"

    def __init__(self, path: Path | str, *, actor: Any = policy.SYSTEM) -> None:
        super().__init__(path, actor=actor, kinds=ordered_kinds())

    def read_manifest(self) -> None:
        """The manifest is optional; its format must be this one and not a partial export."""
        path = self.path / MANIFEST
        if not path.exists():
            return
        reader = FileReader(path, self.problems)
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
            item.problem(
                "format", f"{fmt!r} is not a format this Steward reads", f"expected {FORMAT}"
            )
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
    return import_org(folder, dry_run=True)


def import_org(folder: Path, *, dry_run: bool = False) -> Plan:
    """Validate `folder`, then (unless `dry_run`) write every change in one transaction."""
    plan = run_importer(OrgImporter(folder), dry_run=dry_run)
    assert isinstance(plan, Plan)
    return plan
