"""Importers of the organization: `people` (HRIS CSV), `teams` (CSV) and `roles` (Markdown).

Formats and rules are in docs/importing.md; the framework (validate all, diff, one transaction,
idempotent) is `steward.core.importing`. People are checked and written by the one write
path for people, `steward.org.people` (in bulk, with their audit log entries).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db.models import Model
from django.utils.text import slugify

from steward.core import policy
from steward.core.importing import Change, CsvImporter, Diff, MarkdownImporter, Row
from steward.org import people, rules
from steward.org.models import (
    Department,
    Person,
    PersonEmail,
    RoleDescription,
    Team,
    TeamType,
    TerminationType,
    Track,
)
from steward.org.people import PersonWrite
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
_TRACKS = tuple(Track.values)
_TERMINATIONS = tuple(TerminationType.values)
# The CSV column of a PersonRow field, where the names differ.
_COLUMN = {"manager": "manager_employee_id", "emails": "email"}


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
        existing = people.load_existing()
        teams = dict(Team.objects.values_list("slug", "id"))
        departments = {
            slug: (pk, name)
            for pk, slug, name in Department.objects.values_list("id", "slug", "name")
        }
        dept_by_name = {name.lower(): slug for slug, (_, name) in departments.items()}
        self.new_departments: dict[str, str] = {}  # slug -> name
        timezones = rules.timezones()
        email_owner = dict(PersonEmail.objects.values_list("email", "person__employee_id"))
        writes: list[PersonWrite] = []
        seen_ids: dict[str, int] = {}
        seen_emails: dict[str, tuple[int, str]] = {}
        present = set(self.header)
        extra = [c for c in self.extra_columns if c]
        defaults = people.defaults()
        for row in rows:
            write = self._parse_row(
                row, seen_ids, seen_emails, teams, departments, dept_by_name, timezones
            )
            if write is None:
                continue
            stored = existing.get(write.employee_id)
            old = stored.values if stored else None
            for name in OPTIONAL_FIELD_COLUMN:
                if OPTIONAL_FIELD_COLUMN[name] not in present:
                    write.values[name] = old[name] if old else defaults[name]
            attributes = dict(old["attributes"]) if old else {}
            for column in extra:
                value = row.get(column)
                if value:
                    attributes[column] = value
                else:
                    attributes.pop(column, None)
            write.values["attributes"] = attributes
            if write.values["end_date"] is None:
                # Termination belongs to an ended spell (also when its columns are absent).
                write.values["termination_type"], write.values["regretted"] = "", None
            writes.append(write)
        for problem in people.check_people(
            writes,
            teams=set(teams),
            existing=existing,
            email_owners=email_owner,
            per_person=False,  # checked while reading, in column order
        ):
            if problem.chain and not problem.first_in_cycle:
                continue  # a cycle is reported once, on its first line
            column = _COLUMN.get(problem.field, problem.field)
            self.problem(problem.write.ref, column, problem.message, problem.hint)
        for write in writes:
            diff.add(self._change(write))
        for slug, name in self.new_departments.items():
            diff.notes.append(f"department {slug!r} ({name}) will be created")
        return diff

    # Reading and validating.

    def _parse_row(
        self,
        row: Row,
        seen_ids: dict[str, int],
        seen_emails: dict[str, tuple[int, str]],
        teams: dict[str, int],
        departments: dict[str, tuple[int, str]],
        dept_by_name: dict[str, str],
        timezones: frozenset[str],
    ) -> PersonWrite | None:
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
            self.problem(row.line, "team", *rules.unknown_team_problem(team))
        values["team"] = team
        values["start_date"] = self.parse_date(row, "start_date", required=True)
        values["end_date"] = self.parse_date(row, "end_date")
        start, end = values["start_date"], values["end_date"]
        problem = rules.end_before_start_problem(start, end)
        if problem:
            self.problem(row.line, "end_date", *problem)
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
        return PersonWrite(employee_id, values, ref=row.line)

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

    def _change(self, write: PersonWrite) -> Change:
        kind = write.compare()
        notes = []
        dept = write.values.get("department")
        if kind == "added":
            if dept and dept in self.new_departments:
                notes.append(f"department {dept!r} created")
            return Change(kind, write.employee_id, line=write.ref, notes=notes, payload=write)
        if write.rehire:
            notes.append(f"re-hired: new employment spell from {write.values['start_date']}")
        if "department" in write.changed and dept in self.new_departments:
            notes.append(f"department {dept!r} created")
        return Change(
            kind,
            write.employee_id,
            line=write.ref,
            fields=dict(write.changed),
            notes=notes,
            payload=write,
        )

    # Writing.

    def apply(self, diff: Diff) -> None:
        """Create new departments, then write people, emails and history in bulk (audited)."""
        for slug, name in self.new_departments.items():
            department_ensure(actor=self.actor, slug=slug, name=name)
        people.write_people(
            [c.payload for c in diff.changes if c.kind in ("added", "changed", "ended")],
            actor=self.actor,
            today=self.today,
        )


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


class RolesImporter(MarkdownImporter):
    """Role descriptions: one Markdown file, or every `.md` file in a folder."""

    kind = "roles"

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
            text = self.read_text(path)  # the YAML size limit applies to the file
            if text is None:
                continue
            try:
                doc = parse_role(text, str(path))
            except RoleDocError as exc:
                self.problems.extend(replace(p, file=str(path)) for p in exc.problems)
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
