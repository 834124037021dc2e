"""Importers of the organization: `people` (HRIS CSV), `teams` (CSV) and `roles` (Markdown).

Formats and rules are in docs/importing.md; the framework (validate all, diff, one transaction,
idempotent) is `steward.core.importing`. People are written in bulk for speed, so this module
writes their audit log entries itself (`audit_created` / `audit_updated` / `audit_deleted`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db.models import Model
from django.utils.text import slugify

from steward.core import policy, safe_yaml
from steward.core.importing import (
    AuditRow,
    Change,
    CsvImporter,
    Diff,
    Importer,
    Row,
    audit_deleted,
    audit_names,
    audit_rows,
    audit_updated,
    audit_value,
    insert_rows,
    update_rows,
)
from steward.org import rules
from steward.org.models import (
    Department,
    EmploymentSpell,
    Person,
    PersonEmail,
    ReportingLine,
    RoleDescription,
    Team,
    TeamMembership,
    TeamType,
    TerminationType,
    Track,
)
from steward.org.roledocs import RoleDocError, parse_role
from steward.org.services import department_ensure, role_description_upsert, role_slug

PEOPLE_COLUMNS = (
    "employee_id",
    "name",
    "email",
    "title",
    "level",
    "track",
    "team",
    "manager_employee_id",
    "location",
    "employment_type",
    "start_date",
    "end_date",
)
PEOPLE_OPTIONAL = (
    "salary",
    "currency",
    "department",
    "fte",
    "timezone",
    "termination_type",
    "regretted",
)
# Diff field -> the optional column that carries it (a field whose column is absent is kept).
OPTIONAL_FIELD_COLUMN = {
    "salary": "salary",
    "currency": "currency",
    "department": "department",
    "fte": "fte",
    "timezone": "timezone",
    "termination_type": "termination_type",
    "regretted": "regretted",
}
PERSON_FIELDS = (
    "name",
    "emails",
    "title",
    "level",
    "track",
    "team",
    "manager",
    "department",
    "location",
    "timezone",
    "employment_type",
    "fte",
    "start_date",
    "end_date",
    "termination_type",
    "regretted",
    "salary",
    "currency",
    "attributes",
)
PLAIN_FIELDS = (
    "name",
    "title",
    "level",
    "track",
    "location",
    "timezone",
    "employment_type",
    "fte",
    "start_date",
    "end_date",
    "termination_type",
    "regretted",
    "salary",
    "currency",
    "attributes",
)
_CHUNK = 500
_TRACKS = tuple(Track.values)
_TERMINATIONS = tuple(TerminationType.values)


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


@dataclass
class _Existing:
    """A person as stored, in the diff's vocabulary."""

    pk: int
    values: dict[str, Any]


@dataclass
class _PersonPlan:
    """What the import does to one person (the payload of a Change)."""

    employee_id: str
    line: int
    values: dict[str, Any]
    existing: _Existing | None = None
    rehire: bool = False
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def _max_length(model: type[Model], name: str) -> int:
    length = getattr(model._meta.get_field(name), "max_length", None)
    assert isinstance(length, int)
    return length


class PeopleImporter(CsvImporter):
    """People from an HRIS CSV export; one row per person (CONTRACT.md "Import formats")."""

    kind = "people"
    required_columns = PEOPLE_COLUMNS
    optional_columns = PEOPLE_OPTIONAL
    extra_columns_allowed = True
    identifier_columns = ("employee_id", "manager_employee_id")
    normalized_columns = ("team",)

    def plan(self) -> Diff:
        """Validate every row, then compare each person with the database."""
        policy.require(self.actor, "change", "org.person")
        diff = self.new_diff()
        rows = self.read_rows()
        if not rows:
            return diff
        existing = self._load_existing()
        teams = dict(Team.objects.values_list("slug", "id"))
        departments = {
            slug: (pk, name)
            for pk, slug, name in Department.objects.values_list("id", "slug", "name")
        }
        dept_by_name = {name.lower(): slug for slug, (_, name) in departments.items()}
        self.new_departments: dict[str, str] = {}  # slug -> name
        timezones = rules.timezones()
        email_owner = dict(PersonEmail.objects.values_list("email", "person__employee_id"))
        plans: list[_PersonPlan] = []
        seen_ids: dict[str, int] = {}
        seen_emails: dict[str, tuple[int, str]] = {}
        present = set(self.header)
        extra = [c for c in self.extra_columns if c]
        for row in rows:
            plan = self._parse_row(
                row, seen_ids, seen_emails, teams, departments, dept_by_name, timezones
            )
            if plan is None:
                continue
            plan.existing = existing.get(plan.employee_id)
            old = plan.existing.values if plan.existing else None
            for name in OPTIONAL_FIELD_COLUMN:
                if OPTIONAL_FIELD_COLUMN[name] not in present:
                    plan.values[name] = old[name] if old else _DEFAULTS[name]
            attributes = dict(old["attributes"]) if old else {}
            for column in extra:
                value = row.get(column)
                if value:
                    attributes[column] = value
                else:
                    attributes.pop(column, None)
            plan.values["attributes"] = attributes
            if plan.values["end_date"] is None:
                # Termination belongs to an ended spell (also when its columns are absent).
                plan.values["termination_type"], plan.values["regretted"] = "", None
            plans.append(plan)
        self._check_managers(plans, existing)
        self._check_emails(plans, email_owner)
        self._check_dates(plans)
        for plan in plans:
            diff.add(self._change(plan))
        for slug, name in self.new_departments.items():
            diff.notes.append(f"department {slug!r} ({name}) will be created")
        return diff

    # Reading and validating.

    def _load_existing(self) -> dict[str, _Existing]:
        emails: dict[int, list[str]] = {}
        for person_id, email in PersonEmail.objects.order_by(
            "person_id", "position", "id"
        ).values_list("person_id", "email"):
            emails.setdefault(person_id, []).append(email)
        names = ("id", "employee_id", *PLAIN_FIELDS)
        related = ("team__slug", "manager__employee_id", "department__slug")
        result: dict[str, _Existing] = {}
        for values in Person.objects.values_list(*names, *related):
            record = dict(zip(names, values[: len(names)], strict=True))
            team, manager, department = values[len(names) :]
            record.update(
                team=team or "",
                manager=manager or "",
                department=department or "",
                emails=emails.get(record["id"], []),
                attributes=record["attributes"] or {},
            )
            result[record["employee_id"]] = _Existing(record.pop("id"), record)
        return result

    def _parse_row(
        self,
        row: Row,
        seen_ids: dict[str, int],
        seen_emails: dict[str, tuple[int, str]],
        teams: dict[str, int],
        departments: dict[str, tuple[int, str]],
        dept_by_name: dict[str, str],
        timezones: frozenset[str],
    ) -> _PersonPlan | None:
        employee_id = self.parse_key(
            row, "employee_id", seen_ids, max_length=_max_length(Person, "employee_id")
        )
        values: dict[str, Any] = {
            "name": self.parse_text(row, "name", required=True, max_length=200),
            "title": self.parse_text(row, "title", max_length=200),
            "level": self.parse_text(row, "level", max_length=32),
            "location": self.parse_text(row, "location", max_length=100),
            "employment_type": self.parse_text(row, "employment_type", max_length=32),
            "track": self.parse_choice(row, "track", _TRACKS) or Track.IC,
            "manager": row.get("manager_employee_id"),
        }
        emails: list[str] = []
        for email in self.parse_list(row, "email"):
            email = email.lower()
            try:
                validate_email(email)
            except ValidationError:
                self.problem(
                    row.line,
                    "email",
                    f"{email!r} is not an email address",
                    "separate several addresses with ';'",
                )
                continue
            if email in emails:
                continue
            if email in seen_emails:
                line, owner = seen_emails[email]
                self.problem(
                    row.line,
                    "email",
                    f"duplicate email {email!r}: already on line {line} ({owner})",
                    "an address belongs to one person",
                )
                continue
            seen_emails[email] = (row.line, employee_id or "?")
            emails.append(email)
        values["emails"] = emails
        team = row.get("team")
        if team and team not in teams:
            self.problem(
                row.line,
                "team",
                f"unknown team {team!r}",
                "import teams first (steward import teams FILE) or fix the slug",
            )
        values["team"] = team
        values["start_date"] = self.parse_date(row, "start_date", required=True)
        values["end_date"] = self.parse_date(row, "end_date")
        start, end = values["start_date"], values["end_date"]
        if start and end and end < start:
            self.problem(
                row.line,
                "end_date",
                f"{end} is before start_date {start}",
                "end_date must be on or after start_date",
            )
        if "fte" in self.header:
            fte = self.parse_decimal(
                row, "fte", minimum=Decimal(0), min_exclusive=True, maximum=Decimal(1), places=2
            )
            values["fte"] = Decimal("1.00") if fte is None else fte
        if "timezone" in self.header:
            tz = row.get("timezone")
            problem = rules.timezone_problem(tz) if tz not in timezones else None
            if problem:
                self.problem(row.line, "timezone", *problem)
            values["timezone"] = tz
        if "termination_type" in self.header:
            termination = self.parse_choice(row, "termination_type", _TERMINATIONS)
            problem = rules.leaving_problem("termination_type", termination, end)
            if problem:
                self.problem(row.line, "termination_type", *problem)
            values["termination_type"] = termination or ""
        if "regretted" in self.header:
            regretted = self.parse_bool(row, "regretted")
            problem = rules.leaving_problem("regretted", regretted, end)
            if problem:
                self.problem(row.line, "regretted", *problem)
            values["regretted"] = regretted
        salary = None
        if "salary" in self.header:
            salary = self.parse_decimal(row, "salary", minimum=Decimal(0), places=2, max_digits=12)
            values["salary"] = salary
        if "currency" in self.header:
            currency = row.get("currency").upper()
            problem = rules.currency_problem(row.get("currency"))
            if problem:
                self.problem(row.line, "currency", *problem)
            values["currency"] = currency
        problem = rules.salary_currency_problem(row.get("salary"), row.get("currency"))
        if problem:
            self.problem(row.line, "currency", *problem)
        if "department" in self.header:
            values["department"] = self._department(row, departments, dept_by_name)
        if employee_id is None:
            return None
        return _PersonPlan(employee_id, row.line, values)

    def _department(
        self,
        row: Row,
        departments: dict[str, tuple[int, str]],
        dept_by_name: dict[str, str],
    ) -> str:
        value = row.get("department")
        if not value:
            return ""
        if value in departments:
            return value
        if value.lower() in dept_by_name:
            return dept_by_name[value.lower()]
        slug = slugify(value)[:64]
        if not slug:
            self.problem(
                row.line, "department", f"{value!r} gives no slug", "use letters or digits"
            )
            return ""
        if slug not in departments:
            self.new_departments.setdefault(slug, value)
        return slug

    def _check_managers(self, plans: list[_PersonPlan], existing: dict[str, _Existing]) -> None:
        graph = {eid: record.values["manager"] for eid, record in existing.items()}
        line_of: dict[str, int] = {}
        for plan in plans:
            graph[plan.employee_id] = plan.values["manager"]
            line_of[plan.employee_id] = plan.line
        known = set(existing) | set(line_of)
        for plan in plans:
            manager = plan.values["manager"]
            if manager and manager not in known:
                self.problem(
                    plan.line,
                    "manager_employee_id",
                    f"unknown manager {manager!r}",
                    f"add a row for {manager}, or fix the id",
                )
                graph[plan.employee_id] = ""
        done: set[str] = set()
        for plan in plans:
            path: list[str] = []
            on_path: dict[str, int] = {}
            node = plan.employee_id
            while node and node not in done and node not in on_path:
                on_path[node] = len(path)
                path.append(node)
                node = graph.get(node, "")
            if node and node in on_path:
                cycle = path[on_path[node] :]
                first = min(cycle, key=lambda eid: line_of.get(eid, 10**9))
                start = cycle.index(first)
                chain = [*cycle[start:], *cycle[:start], first]
                self.problem(
                    line_of.get(first),
                    "manager_employee_id",
                    "manager cycle: " + " -> ".join(chain),
                    "give one of them a manager outside the cycle (or none)",
                )
            done.update(path)

    def _check_emails(self, plans: list[_PersonPlan], email_owner: dict[str, str]) -> None:
        in_file = {plan.employee_id: set(plan.values["emails"]) for plan in plans}
        for plan in plans:
            for email in plan.values["emails"]:
                owner = email_owner.get(email)
                if owner is None or owner == plan.employee_id:
                    continue
                if owner in in_file and email not in in_file[owner]:
                    continue  # the owner gives the address up in this same file
                self.problem(
                    plan.line,
                    "email",
                    f"email {email!r} already belongs to {owner}",
                    f"remove it here, or from {owner} first",
                )

    def _check_dates(self, plans: list[_PersonPlan]) -> None:
        """Start-date changes of existing people: re-hire, correction, or an old spell."""
        moved = [
            p
            for p in plans
            if p.existing
            and p.values["start_date"] is not None
            and p.values["start_date"] != p.existing.values["start_date"]
        ]
        if not moved:
            return
        spells: dict[int, list[tuple[date, date | None]]] = {}
        ids = [p.existing.pk for p in moved if p.existing]
        for chunk in _chunks(ids):
            for person_id, start, end in EmploymentSpell.objects.filter(
                person_id__in=chunk
            ).values_list("person_id", "start_date", "end_date"):
                spells.setdefault(person_id, []).append((start, end))
        for plan in moved:
            assert plan.existing is not None
            old = plan.existing.values
            new_start: date = plan.values["start_date"]
            earlier = sorted(
                s for s in spells.get(plan.existing.pk, []) if s[0] < old["start_date"]
            )
            if old["end_date"] is not None and new_start >= old["end_date"]:
                plan.rehire = True
                continue
            if any(start == new_start for start, _ in earlier):
                self.problem(
                    plan.line,
                    "start_date",
                    f"{new_start} is the start of an earlier employment spell; "
                    f"{plan.employee_id} was re-hired on {old['start_date']}",
                    "import the current HRIS export (one row per person, latest spell)",
                )
            elif earlier and earlier[-1][1] is not None and new_start < earlier[-1][1]:
                self.problem(
                    plan.line,
                    "start_date",
                    f"{new_start} overlaps the earlier employment spell "
                    f"{earlier[-1][0]} to {earlier[-1][1]}",
                    f"give a start_date on or after {earlier[-1][1]}",
                )

    def _change(self, plan: _PersonPlan) -> Change:
        if plan.existing is None:
            notes = []
            dept = plan.values.get("department")
            if dept and dept in self.new_departments:
                notes.append(f"department {dept!r} created")
            return Change("added", plan.employee_id, line=plan.line, notes=notes, payload=plan)
        old = plan.existing.values
        for name in PERSON_FIELDS:
            if old[name] != plan.values[name]:
                plan.changed[name] = (old[name], plan.values[name])
        notes = []
        kind = "changed" if plan.changed else "unchanged"
        if plan.rehire:
            notes.append(f"re-hired: new employment spell from {plan.values['start_date']}")
        elif old["end_date"] is None and plan.values["end_date"] is not None:
            kind = "ended"
        dept = plan.values.get("department")
        if "department" in plan.changed and dept in self.new_departments:
            notes.append(f"department {dept!r} created")
        return Change(
            kind,
            plan.employee_id,
            line=plan.line,
            fields=dict(plan.changed),
            notes=notes,
            payload=plan,
        )

    # Writing.

    def apply(self, diff: Diff) -> None:
        """Write departments, people, emails, spells, memberships and reporting lines in bulk."""
        for slug, name in self.new_departments.items():
            department_ensure(actor=self.actor, slug=slug, name=name)
        self.team_ids: dict[str, int] = dict(Team.objects.values_list("slug", "id"))
        self.dept_ids: dict[str, int] = dict(Department.objects.values_list("slug", "id"))
        self.person_ids: dict[str, int] = dict(Person.objects.values_list("employee_id", "id"))
        added = [c.payload for c in diff.changes if c.kind == "added"]
        touched = [c.payload for c in diff.changes if c.kind in ("changed", "ended")]
        self.history = _NewHistory()
        self._create_people(added)
        self._update_people(touched)
        self._write_emails(added, touched)
        for plan in added:
            self.history.first_spell(self, plan)
        _History(self, [p for p in touched if _needs_history(p)]).run()
        self.history.write(actor=self.actor)

    def _fk(self, values: dict[str, Any]) -> tuple[int | None, int | None, int | None]:
        return (
            self.team_ids[values["team"]] if values["team"] else None,
            self.person_ids[values["manager"]] if values["manager"] else None,
            self.dept_ids[values["department"]] if values["department"] else None,
        )

    def _create_people(self, plans: list[_PersonPlan]) -> None:
        # Create managers before their reports (in layers), so every manager_id is known.
        fields = ("employee_id", *PLAIN_FIELDS, "team_id", "manager_id", "department_id")
        pending = {p.employee_id: p for p in plans}
        label = audit_names(Person)
        audit: list[AuditRow] = []
        while pending:
            layer = [
                p
                for p in pending.values()
                if not p.values["manager"] or p.values["manager"] not in pending
            ]
            rows = [
                (p.employee_id, *(p.values[n] for n in PLAIN_FIELDS), *self._fk(p.values))
                for p in layer
            ]
            pks = insert_rows(Person, fields, rows)
            for plan, pk, row in zip(layer, pks, rows, strict=True):
                self.person_ids[plan.employee_id] = pk
                del pending[plan.employee_id]
                changes = {
                    label[name]: ["None", str(value)]
                    for name, value in zip(fields, row, strict=True)
                }
                audit.append((pk, f"{plan.values['name']} ({plan.employee_id})", changes))
        audit_rows(Person, 0, audit, actor=self.actor)

    def _update_people(self, plans: list[_PersonPlan]) -> None:
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        audit: list[AuditRow] = []
        for plan in plans:
            assert plan.existing is not None
            changed = {k: v for k, v in plan.changed.items() if k != "emails"}
            if not changed:
                continue
            names = tuple(sorted(changed))
            fk = dict(zip(("team", "manager", "department"), self._fk(plan.values), strict=True))
            values = [fk[n] if n in fk else plan.values[n] for n in names]
            groups.setdefault(names, []).append((*values, plan.existing.pk))
            audit.append(
                (
                    plan.existing.pk,
                    f"{plan.values['name']} ({plan.employee_id})",
                    {n: [audit_value(old), audit_value(new)] for n, (old, new) in changed.items()},
                )
            )
        for names, rows in groups.items():
            update_rows(Person, [f"{n}_id" if n in _FK_FIELDS else n for n in names], rows)
        audit_rows(Person, 1, audit, actor=self.actor)

    def _write_emails(self, added: list[_PersonPlan], touched: list[_PersonPlan]) -> None:
        changed = [p for p in touched if "emails" in p.changed]
        removed: list[PersonEmail] = []
        moved: list[tuple[Model, dict[str, tuple[Any, Any]]]] = []
        new: list[tuple[int, str, int]] = []
        ids = [p.existing.pk for p in changed if p.existing]
        current: dict[int, dict[str, PersonEmail]] = {}
        for chunk in _chunks(ids):
            for email in PersonEmail.objects.filter(person_id__in=chunk):
                current.setdefault(email.person_id, {})[email.email] = email
        for plan in changed:
            assert plan.existing is not None
            mine = current.get(plan.existing.pk, {})
            wanted = plan.values["emails"]
            removed.extend(e for address, e in mine.items() if address not in wanted)
            for position, address in enumerate(wanted):
                if address not in mine:
                    new.append((plan.existing.pk, address, position))
                elif mine[address].position != position:
                    moved.append((mine[address], {"position": (mine[address].position, position)}))
        for plan in added:
            person_id = self.person_ids[plan.employee_id]
            new.extend(
                (person_id, address, position)
                for position, address in enumerate(plan.values["emails"])
            )
        if removed:
            audit_deleted(removed, actor=self.actor)
            PersonEmail.objects.filter(pk__in=[e.pk for e in removed]).delete()
        if moved:
            update_rows(PersonEmail, ["position"], [(c["position"][1], e.pk) for e, c in moved])
            audit_updated(moved, actor=self.actor)
        fields = ("person_id", "email", "position")
        pks = insert_rows(PersonEmail, fields, new)
        audit_rows(
            PersonEmail,
            0,
            (
                (
                    pk,
                    row[1],
                    {
                        "person": ["None", str(row[0])],
                        "email": ["None", row[1]],
                        "position": ["None", str(row[2])],
                    },
                )
                for pk, row in zip(pks, new, strict=True)
            ),
            actor=self.actor,
        )


_DEFAULTS: dict[str, Any] = {
    "salary": None,
    "currency": "",
    "department": "",
    "fte": Decimal("1.00"),
    "timezone": "",
    "termination_type": "",
    "regretted": None,
}
_FK_FIELDS = ("team", "manager", "department")
_HISTORY_FIELDS = {"team", "manager", "start_date", "end_date", "termination_type", "regretted"}
_SPELL_FIELDS = ("person_id", "start_date", "end_date", "termination_type", "regretted")
_MEMBER_FIELDS = ("person_id", "team_id", "start", "end")
_LINE_FIELDS = ("person_id", "manager_id", "start", "end")


def _needs_history(plan: _PersonPlan) -> bool:
    return plan.rehire or bool(_HISTORY_FIELDS & set(plan.changed))


class _NewHistory:
    """New spells, memberships and reporting lines, inserted (and audited) in bulk at the end."""

    def __init__(self) -> None:
        self.spells: list[tuple[Any, ...]] = []
        self.members: list[tuple[Any, ...]] = []
        self.lines: list[tuple[Any, ...]] = []

    def open(
        self,
        person_id: int,
        values: dict[str, Any],
        team_id: int | None,
        manager_id: int | None,
    ) -> None:
        """A new spell from the row's start, with its team and manager from that day."""
        start, end = values["start_date"], values["end_date"]
        self.spells.append((person_id, start, end, values["termination_type"], values["regretted"]))
        if team_id:
            self.members.append((person_id, team_id, start, end))
        if manager_id:
            self.lines.append((person_id, manager_id, start, end))

    def first_spell(self, importer: PeopleImporter, plan: _PersonPlan) -> None:
        """The first spell of a person added by this import."""
        team_id, manager_id, _ = importer._fk(plan.values)
        self.open(importer.person_ids[plan.employee_id], plan.values, team_id, manager_id)

    def write(self, *, actor: Any) -> None:
        """Insert and audit everything collected."""
        for model, fields, rows, label in (
            (EmploymentSpell, _SPELL_FIELDS, self.spells, "{0}: {1}–{2}"),
            (TeamMembership, _MEMBER_FIELDS, self.members, "{0} in {1} {2}–{3}"),
            (ReportingLine, _LINE_FIELDS, self.lines, "{0} → {1} {2}–{3}"),
        ):
            pks = insert_rows(model, fields, rows)
            names = audit_names(model)
            audit_rows(
                model,
                0,
                (
                    (
                        pk,
                        label.format(*(("" if v is None else v) for v in row)),
                        {names[f]: ["None", str(v)] for f, v in zip(fields, row, strict=True)},
                    )
                    for pk, row in zip(pks, rows, strict=True)
                ),
                actor=actor,
            )


class _History:
    """History of people who changed: spells, team memberships and reporting lines are kept."""

    def __init__(self, importer: PeopleImporter, plans: list[_PersonPlan]) -> None:
        self.importer = importer
        self.plans = plans
        ids = [p.existing.pk for p in plans if p.existing]
        self.spells: dict[int, list[EmploymentSpell]] = {}
        self.members: dict[int, list[TeamMembership]] = {}
        self.lines: dict[int, list[ReportingLine]] = {}
        for chunk in _chunks(ids):
            for spell in EmploymentSpell.objects.filter(person_id__in=chunk).order_by("start_date"):
                self.spells.setdefault(spell.person_id, []).append(spell)
            for member in TeamMembership.objects.filter(person_id__in=chunk).order_by("start"):
                self.members.setdefault(member.person_id, []).append(member)
            for line in ReportingLine.objects.filter(person_id__in=chunk).order_by("start"):
                self.lines.setdefault(line.person_id, []).append(line)
        self.updates: dict[type[Model], list[tuple[Model, dict[str, tuple[Any, Any]]]]] = {}

    def _set(self, obj: Model, **values: Any) -> None:
        changes = {k: (getattr(obj, k), v) for k, v in values.items() if getattr(obj, k) != v}
        if not changes:
            return
        for key, (_, new) in changes.items():
            setattr(obj, key, new)
        self.updates.setdefault(type(obj), []).append((obj, changes))

    def run(self) -> None:
        """Work out each person's history rows, then write the updates (audited)."""
        today = self.importer.today
        new = self.importer.history
        for plan in self.plans:
            assert plan.existing is not None
            pid = plan.existing.pk
            old, values = plan.existing.values, plan.values
            start, end = values["start_date"], values["end_date"]
            team, manager, _ = self.importer._fk(values)
            if plan.rehire:
                current: list[Any] = [*self.members.get(pid, []), *self.lines.get(pid, [])]
                for row in current:
                    if row.end is None:
                        self._set(row, end=old["end_date"])
                new.open(pid, values, team, manager)
                continue
            # The same spell: corrections of its dates, its ending, or a change of team/manager.
            spell = next(
                (s for s in self.spells.get(pid, []) if s.start_date == old["start_date"]), None
            )
            if spell is None:
                new.spells.append(
                    (pid, start, end, values["termination_type"], values["regretted"])
                )
            else:
                self._set(
                    spell,
                    start_date=start,
                    end_date=end,
                    termination_type=values["termination_type"],
                    regretted=values["regretted"],
                )
            effective = max(min(today, end) if end else today, start)
            for history, target, attr, rows in (
                (self.members.get(pid, []), team, "team_id", new.members),
                (self.lines.get(pid, []), manager, "manager_id", new.lines),
            ):
                self._follow_dates(history, old, start, end)
                span = self._switch(history, target, attr, effective, start, end)
                if span is not None:
                    rows.append((pid, target, span[0], span[1]))
        for model, pairs in self.updates.items():
            groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
            for obj, changes in pairs:
                names = tuple(sorted(changes))
                groups.setdefault(names, []).append((*(getattr(obj, n) for n in names), obj.pk))
            for names, rows in groups.items():
                update_rows(model, names, rows)
            audit_updated(
                [(o, {k.removesuffix("_id"): v for k, v in c.items()}) for o, c in pairs],
                actor=self.importer.actor,
            )

    def _follow_dates(
        self, history: list[Any], old: dict[str, Any], start: date, end: date | None
    ) -> None:
        """Rows that began with the spell begin with it; rows that ended with it end with it."""
        for row in history:
            values: dict[str, Any] = {}
            if row.start == old["start_date"] and start != old["start_date"]:
                values["start"] = start
            if old["end_date"] is not None and row.end == old["end_date"] and end != row.end:
                values["end"] = end
            elif old["end_date"] is None and row.end is None and end is not None:
                values["end"] = max(end, values.get("start", row.start))
            if values:
                self._set(row, **values)

    def _switch(
        self,
        history: list[Any],
        target: int | None,
        attr: str,
        on: date,
        start: date,
        end: date | None,
    ) -> tuple[date, date | None] | None:
        """Make `target` current from `on`; returns (start, end) of a row to create, if any."""
        current = history[-1] if history else None
        if current is not None and current.end is not None and end is None:
            current = None  # the latest row is closed and the person is employed: none current
        if current is not None and getattr(current, attr) == target:
            return None
        if current is None:
            if target is None:
                return None
            return (on, end) if end is None or on < end else (start, end)
        if current.start >= on or (end is not None and on >= end):
            if target is None:
                if current.start >= on:
                    self._set(current, end=current.start)
                return None
            # A correction of the current row, not a move: keep one row.
            self._set(current, **{attr: target})
            return None
        self._set(current, end=on)
        return (on, end) if target is not None else None


class TeamsImporter(CsvImporter):
    """Teams CSV: slug, name, type, parent (a department slug), lead_employee_id, mission."""

    kind = "teams"
    required_columns = ("slug", "name", "type", "parent", "lead_employee_id", "mission")
    identifier_columns = ("lead_employee_id",)
    normalized_columns = ("slug", "parent")

    def plan(self) -> Diff:
        """Validate every row; unknown leads are warnings (set on a re-import after people)."""
        policy.require(self.actor, "change", "org.person")
        diff = self.new_diff()
        rows = self.read_rows()
        teams = {t.slug: t for t in Team.objects.select_related("department", "lead")}
        departments = set(Department.objects.values_list("slug", flat=True))
        people = set(Person.objects.values_list("employee_id", flat=True))
        self.new_departments: list[str] = []
        seen: dict[str, int] = {}
        for row in rows:
            slug = self.parse_key(row, "slug", seen, max_length=64)
            if slug is not None:
                problem = rules.slug_problem(slug)
                if problem:
                    self.problem(row.line, "slug", *problem)
            name = self.parse_text(row, "name", required=True, max_length=200)
            type_ = self.parse_choice(row, "type", TeamType.values, required=True)
            parent = row.get("parent")
            if parent:
                try:
                    validate_slug(parent)
                except ValidationError:
                    self.problem(
                        row.line,
                        "parent",
                        f"{parent!r} is not a department slug",
                        "use lower-case letters, digits and hyphens, e.g. engineering",
                    )
                    parent = ""
                if parent and parent not in departments and parent not in self.new_departments:
                    self.new_departments.append(parent)
            values = {
                "name": name,
                "type": type_,
                "mission": row.get("mission"),
                "department": parent,
            }
            lead = row.get("lead_employee_id")
            if lead and lead not in people:
                diff.warnings.append(
                    f"{self.file}:{row.line}: lead {lead!r} is not a known person yet; the lead "
                    "is left as it is (import people, then re-import this file)"
                )
            else:
                values["lead"] = lead
            if slug is None or type_ is None:
                continue
            team = teams.get(slug)
            notes = [f"department {parent!r} created"] if parent in self.new_departments else []
            if team is None:
                values.setdefault("lead", "")
                diff.add(Change("added", slug, line=row.line, notes=notes, payload=values))
                continue
            old = {
                "name": team.name,
                "type": team.type,
                "mission": team.mission,
                "department": team.department.slug if team.department else "",
                "lead": team.lead.employee_id if team.lead else "",
            }
            changed = {k: (old[k], v) for k, v in values.items() if old[k] != v}
            diff.add(
                Change(
                    "changed" if changed else "unchanged",
                    slug,
                    line=row.line,
                    fields=changed,
                    notes=notes if "department" in changed else [],
                    payload=values,
                )
            )
        for slug in self.new_departments:
            diff.notes.append(f"department {slug!r} will be created (parent of a team)")
        return diff

    def apply(self, diff: Diff) -> None:
        """Create departments and teams and update changed teams (one save each: audited)."""
        for slug in self.new_departments:
            department_ensure(actor=self.actor, slug=slug)
        departments = {d.slug: d for d in Department.objects.all()}
        people = {
            p.employee_id: p
            for p in Person.objects.filter(
                employee_id__in=[c.payload.get("lead") for c in diff.changes]
            )
        }
        for change in diff.changes:
            if change.kind == "unchanged":
                continue
            values = change.payload
            team = Team.objects.filter(slug=change.key).first() or Team(slug=change.key)
            team.name = values["name"]
            team.type = values["type"]
            team.mission = values["mission"]
            team.department = departments.get(values["department"])
            if "lead" in values:
                team.lead = people.get(values["lead"])
            team.full_clean()
            team.save()


class RolesImporter(Importer):
    """Role descriptions: one Markdown file, or every `.md` file in a folder."""

    kind = "roles"

    def files(self) -> list[Path]:
        """The Markdown files to read."""
        if self.path.is_dir():
            return sorted(p for p in self.path.iterdir() if p.suffix.lower() == ".md")
        return [self.path]

    def plan(self) -> Diff:
        """Parse every file; a role is keyed by the slug of its title."""
        policy.require(self.actor, "change", "org.person")
        diff = self.new_diff()
        files = self.files()
        if not files:
            self.problem(None, None, "the folder has no .md files", "add role descriptions")
        existing = {r.slug: r for r in RoleDescription.objects.all()}
        seen: dict[str, str] = {}
        for path in files:
            try:
                text = safe_yaml.read_text(path)  # the YAML size limit applies to the file
            except safe_yaml.YamlRefused as exc:
                self.problem(exc.line, None, exc.message, exc.hint, file=str(path))
                continue
            except OSError as exc:
                self.problem(None, None, f"cannot read: {exc.strerror}", file=str(path))
                continue
            try:
                doc = parse_role(text)
            except RoleDocError as exc:
                self.problem(exc.line, exc.field, str(exc), exc.hint, file=str(path))
                continue
            slug = role_slug(doc.title)
            if slug in seen:
                self.problem(
                    2,
                    "title",
                    f"role {slug!r} is also defined in {seen[slug]}",
                    "give each role its own title",
                    file=str(path),
                )
                continue
            seen[slug] = str(path)
            values = {
                "title": doc.title,
                "description": doc.description,
                "summary": doc.summary,
                "body": doc.body,
                "sections": doc.sections,
                "metadata": doc.metadata,
            }
            role = existing.get(slug)
            if role is None:
                diff.add(Change("added", slug, line=1, notes=[str(path)], payload=values))
                continue
            changed = {k: (getattr(role, k), v) for k, v in values.items() if getattr(role, k) != v}
            diff.add(
                Change(
                    "changed" if changed else "unchanged",
                    slug,
                    line=1,
                    fields=changed,
                    payload=values,
                )
            )
        return diff

    def apply(self, diff: Diff) -> None:
        """Create or update each role description through the org service (audited)."""
        for change in diff.changes:
            if change.kind != "unchanged":
                role_description_upsert(actor=self.actor, slug=change.key, **change.payload)
