"""Every write to the organization: validate, run in one transaction, audit (via auditlog)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.text import slugify

from steward.core import policy
from steward.core.deletion import deletion_summary
from steward.org import people, rules
from steward.org.errors import OrgError
from steward.org.models import (
    Department,
    Person,
    RoleDescription,
    Team,
)
from steward.org.registrations import PERSON_FIELDS


def _require_change(actor: policy.Actor) -> None:
    policy.require(actor, "change", "org.person")


def _close(rows: QuerySet[Any], on: date) -> None:
    """End open history rows on `on`, one save each so the audit log records every one."""
    for row in rows:
        row.end = on
        row.save(update_fields=["end"])


def _validated(obj: Model, extra: dict[str, list[str]] | None = None) -> None:
    """full_clean(), raising OrgError with the messages per field (and `extra` problems)."""
    problems = {k: list(v) for k, v in (extra or {}).items()}
    try:
        obj.full_clean()
    except ValidationError as exc:
        for field, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            problems.setdefault(field, []).extend(messages)
    if problems:
        text = "; ".join(f"{k}: {' '.join(v)}" for k, v in problems.items())
        raise OrgError(text, fields=problems)


@transaction.atomic
def department_ensure(
    *, actor: policy.Actor, slug: str, name: str = "", parent: Department | None = None
) -> Department:
    """The department `slug`, created when missing."""
    _require_change(actor)
    department = Department.objects.filter(slug=slug).first()
    if department is None:
        department = Department(
            slug=slug, name=name or slug.replace("-", " ").title(), parent=parent
        )
        department.full_clean()
        department.save()
    return department


@transaction.atomic
def team_create(
    *,
    actor: policy.Actor,
    slug: str,
    name: str,
    type: str,
    mission: str = "",
    department: Department | None = None,
    lead: Person | None = None,
) -> Team:
    """Create a team."""
    _require_change(actor)
    team = Team(slug=slug, name=name, type=type, mission=mission, department=department, lead=lead)
    _validated(team, _slug_rule(slug))
    team.save()
    return team


@transaction.atomic
def team_set_lead(*, actor: policy.Actor, team: Team, lead: Person | None) -> Team:
    """Name the team's lead."""
    _require_change(actor)
    team.lead = lead
    team.save(update_fields=["lead"])
    return team


# --- people: every write goes through person_upsert_many (steward.org.people) ------------------


def _person_error(found: list[people.PersonProblem]) -> OrgError:
    """The problems of a write to people as one error, with the messages per field."""
    fields: dict[str, list[str]] = {}
    for problem in found:
        fields.setdefault(problem.field, []).append(rules.text((problem.message, problem.hint)))
    by_person = dict.fromkeys(p.write.employee_id for p in found)
    head = f"{next(iter(by_person))}: " if len(by_person) == 1 else ""
    text = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
    return OrgError(head + text, fields=fields)


@transaction.atomic
def person_upsert_many(
    *, actor: policy.Actor, rows: list[people.PersonRow], on: date | None = None
) -> dict[str, str]:
    """Create or change people in bulk: every rule across people, then one write, audited.

    Each row is a whole person (`PersonRow`: team and department by slug, manager by
    employee_id). A new team or manager takes effect `on` (default today); changed dates move
    the history that began or ended with them; a start after the last end is a re-hire.
    Returns what happened to each person: added, changed, ended or unchanged. Raises OrgError
    (messages per field) and writes nothing when a rule is broken.
    """
    _require_change(actor)
    writes = [
        people.PersonWrite(row.employee_id, {n: getattr(row, n) for n in people.FIELDS}, ref=i)
        for i, row in enumerate(rows)
    ]
    found = people.check_people(writes)
    if found:
        raise _person_error(found)
    kinds = {w.employee_id: w.compare() for w in writes}
    people.write_people(
        [w for w in writes if kinds[w.employee_id] != "unchanged"],
        actor=actor,
        today=on or date.today(),
    )
    return kinds


def _row(person: Person, **changes: Any) -> people.PersonRow:
    """`person` as stored (its in-memory fields), with `changes`, as a PersonRow."""
    values: dict[str, Any] = {
        n: getattr(person, n) for n in people.FIELDS if n not in (*people.RELATIONS, "emails")
    }
    values.update(
        team=person.team.slug if person.team else "",
        manager=person.manager.employee_id if person.manager else "",
        department=person.department.slug if person.department else "",
        emails=[e.email for e in person.emails.all()] if person.pk else [],
        attributes=person.attributes or {},
    )
    values.update(changes)
    return people.PersonRow(employee_id=person.employee_id, **values)


def _upsert_one(
    actor: policy.Actor, person: Person, on: date | None = None, **changes: Any
) -> Person:
    """Write one person (see person_upsert_many); `person` (refreshed) as stored."""
    stored = Person.objects.get(pk=person.pk) if person.pk else person
    person_upsert_many(actor=actor, rows=[_row(stored, **changes)], on=on)
    if person.pk is None:
        return Person.objects.get(employee_id=person.employee_id)
    person.refresh_from_db()
    return person


@transaction.atomic
def person_create(
    *,
    actor: policy.Actor,
    employee_id: str,
    name: str,
    start_date: date,
    emails: list[str] | None = None,
    team: Team | None = None,
    manager: Person | None = None,
    end_date: date | None = None,
    **fields: Any,
) -> Person:
    """Create a person with their first employment spell, membership and reporting line."""
    _require_change(actor)
    person = Person(
        employee_id=employee_id,
        name=name,
        start_date=start_date,
        end_date=end_date,
        team=team,
        manager=manager,
        **fields,
    )
    _check_person(person)
    return _upsert_one(actor, person, emails=[e.lower() for e in emails or []])


@transaction.atomic
def person_move(*, actor: policy.Actor, person: Person, team: Team | None, on: date) -> Person:
    """Move a person to another home team from `on`; history keeps the old membership."""
    _require_change(actor)
    return _upsert_one(actor, person, on, team=team.slug if team else "")


@transaction.atomic
def person_set_manager(
    *, actor: policy.Actor, person: Person, manager: Person | None, on: date
) -> Person:
    """Change a person's manager from `on`; refuses reporting cycles."""
    _require_change(actor)
    return _upsert_one(actor, person, on, manager=manager.employee_id if manager else "")


@transaction.atomic
def person_end_employment(
    *,
    actor: policy.Actor,
    person: Person,
    on: date,
    termination_type: str = "",
    regretted: bool | None = None,
) -> Person:
    """End a person's employment on `on` (the last day is the day before); the record stays."""
    _require_change(actor)
    ended = Person.objects.get(pk=person.pk)
    ended.end_date, ended.termination_type, ended.regretted = on, termination_type, regretted
    _check_person(ended)
    return _upsert_one(
        actor, person, end_date=on, termination_type=termination_type, regretted=regretted
    )


@transaction.atomic
def person_set_compensation(
    *, actor: policy.Actor, person: Person, salary: Decimal | None, currency: str
) -> Person:
    """Set a person's salary and currency."""
    _require_change(actor)
    paid = Person.objects.get(pk=person.pk)
    paid.salary, paid.currency = salary, currency
    _check_person(paid)
    return _upsert_one(actor, person, salary=paid.salary, currency=paid.currency)


@transaction.atomic
def person_link_user(*, actor: policy.Actor, person: Person, user: User | None) -> Person:
    """Link a login to a person (so 'own record' and 'my subtree' work)."""
    _require_change(actor)
    person.user = user
    person.save(update_fields=["user"])
    return person


def role_slug(title: str) -> str:
    """The slug of a role description, from its title."""
    return slugify(title)[:100] or "role"


@transaction.atomic
def role_description_upsert(
    *,
    actor: policy.Actor,
    slug: str,
    title: str,
    description: str,
    summary: str,
    body: str,
    sections: list[dict[str, Any]],
    metadata: dict[str, Any],
) -> tuple[RoleDescription, bool]:
    """Create or update a role description; returns it and whether anything changed."""
    _require_change(actor)
    values = {
        "title": title,
        "description": description,
        "summary": summary,
        "body": body,
        "sections": sections,
        "metadata": metadata,
    }
    role = RoleDescription.objects.filter(slug=slug).first()
    if role is None:
        role = RoleDescription(slug=slug, **values)
        role.full_clean()
        role.save()
        return role, True
    changed = [k for k, v in values.items() if getattr(role, k) != v]
    if changed:
        for key in changed:
            setattr(role, key, values[key])
        role.full_clean()
        role.save()
    return role, bool(changed)


# --- editing (forms and the write API) ------------------------------------------------------


def _check_person(person: Person) -> None:
    """The rules on one person's own values (steward.org.rules), then the model's own.

    The rules across people (team and manager exist, cycles, addresses) are
    `people.check_people`, applied by person_upsert_many.
    """
    problems: dict[str, list[str]] = {}
    values = {n: getattr(person, n) for n in people.PLAIN_FIELDS}
    for field, problem in people.value_problems(values):
        problems.setdefault(field, []).append(rules.text(problem))
    try:
        # The model's constraint on the dates is the rule above, said once.
        person.full_clean(validate_constraints="end_date" not in problems)
    except ValidationError as exc:
        for field, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            problems.setdefault(field, []).extend(messages)
    if problems:
        text = "; ".join(f"{k}: {' '.join(v)}" for k, v in problems.items())
        raise OrgError(f"{person.employee_id}: {text}", fields=problems)
    person.currency = person.currency.upper()


def _slug_rule(slug: str) -> dict[str, list[str]]:
    problem = rules.slug_problem(slug)
    return {"slug": [rules.text(problem)]} if problem else {}


# Fields of a person that `person_update` changes, with the policy's name of each.
PERSON_EDITABLE: dict[str, str] = {
    name: "manager_employee_id" if name == "manager" else name
    for name in people.FIELDS
    if name != "attributes"
}


def person_editable_fields(*, actor: policy.Actor, person: Person | None) -> frozenset[str]:
    """The person fields `actor` may set (HR fields and compensation only for their roles)."""
    if not policy.may_change_org(actor):
        return frozenset()
    if person is None:
        classes = {policy.FieldClass.PUBLIC}
        if policy.roles_of(actor) & policy.PRIVATE_ROLES:
            classes.add(policy.FieldClass.PRIVATE)
        if policy.roles_of(actor) & policy.COMPENSATION_ROLES:
            classes.add(policy.FieldClass.COMPENSATION)
        visible = {k for k, c in PERSON_FIELDS.items() if c in classes}
    else:
        visible = set(policy.visible_person_fields(actor, person))
    return frozenset(f for f, name in PERSON_EDITABLE.items() if name in visible)


def _require_fields(actor: policy.Actor, person: Person | None, names: set[str]) -> None:
    refused = names - person_editable_fields(actor=actor, person=person)
    if refused:
        raise PermissionDenied("may not change " + ", ".join(sorted(refused)))


@transaction.atomic
def person_add(
    *,
    actor: policy.Actor,
    employee_id: str,
    name: str,
    start_date: date,
    emails: list[str] | None = None,
    team: Team | None = None,
    manager: Person | None = None,
    **fields: Any,
) -> Person:
    """Create a person from a form or the API: the fields the actor may set, the import's rules."""
    _require_change(actor)
    given = {k for k, v in fields.items() if v not in (None, "")}
    _require_fields(actor, None, {"name", "start_date", *given})
    unknown = set(fields) - set(PERSON_EDITABLE)
    if unknown:
        raise OrgError("unknown fields: " + ", ".join(sorted(unknown)))
    if Person.objects.filter(employee_id=employee_id).exists():
        message = f"{employee_id} is already taken"
        raise OrgError(f"employee_id: {message}", fields={"employee_id": [message]})
    return person_create(
        actor=actor,
        employee_id=employee_id,
        name=name,
        start_date=start_date,
        emails=[e.strip().lower() for e in emails or [] if e.strip()],
        team=team,
        manager=manager,
        **fields,
    )


@transaction.atomic
def person_update(
    *, actor: policy.Actor, person: Person, on: date | None = None, **changes: Any
) -> Person:
    """Change a person's fields; a new team or manager takes effect `on` (default today).

    Only the fields the actor may see may be changed (HR fields and compensation by role);
    history follows: a new end date ends the open team membership and reporting line.
    """
    _require_change(actor)
    unknown = set(changes) - set(PERSON_EDITABLE)
    if unknown:
        raise OrgError("unknown fields: " + ", ".join(sorted(unknown)))
    current: dict[str, Any] = {f: getattr(person, f) for f in PERSON_EDITABLE if f != "emails"}
    current["emails"] = [e.email for e in person.emails.all()]
    changed = {k: v for k, v in changes.items() if current[k] != v}
    _require_fields(actor, person, set(changed))
    for field, value in changed.items():
        if field not in ("emails", "team", "manager"):
            setattr(person, field, value)
    _check_person(person)
    if "emails" in changed:
        changed["emails"] = list(
            dict.fromkeys(e.strip().lower() for e in changed["emails"] if e.strip())
        )
    for relation, key in (("team", "slug"), ("manager", "employee_id")):
        if relation in changed:
            changed[relation] = getattr(changed[relation], key, "")
    if "department" in changed:
        changed["department"] = person.department.slug if person.department else ""
    changed["currency"] = person.currency
    return _upsert_one(actor, person, on, **changed)


@transaction.atomic
def department_create(
    *, actor: policy.Actor, slug: str, name: str, parent: Department | None = None
) -> Department:
    """Create a department."""
    _require_change(actor)
    department = Department(slug=slug, name=name, parent=parent)
    _validated(department, _slug_rule(slug))
    department.save()
    return department


def _parent_cycle(department: Department, parent: Department | None) -> None:
    cursor = parent
    while cursor is not None:
        if cursor.pk == department.pk:
            message = f"{parent} is inside {department}: that is a cycle"
            raise OrgError(f"parent: {message}", fields={"parent": [message]})
        cursor = cursor.parent


@transaction.atomic
def department_update(
    *, actor: policy.Actor, department: Department, name: str, parent: Department | None
) -> Department:
    """Rename a department or move it under another."""
    _require_change(actor)
    _parent_cycle(department, parent)
    department.name = name
    department.parent = parent
    _validated(department)
    department.save()
    return department


def _delete(obj: Model, what: str) -> None:
    summary = deletion_summary(obj)
    if not summary.allowed:
        blocking = ", ".join(f"{n} {label}" for label, n in summary.blocking.items())
        raise OrgError(f"{what} cannot be deleted: {blocking} refer to it")
    obj.delete()


@transaction.atomic
def department_delete(*, actor: policy.Actor, department: Department) -> None:
    """Delete a department that no team, person or other department refers to."""
    _require_change(actor)
    _delete(department, f"department {department.name}")


@transaction.atomic
def team_update(
    *,
    actor: policy.Actor,
    team: Team,
    name: str,
    type: str,
    mission: str = "",
    department: Department | None = None,
    lead: Person | None = None,
) -> Team:
    """Change a team's name, type, mission, department or lead (the slug stays)."""
    _require_change(actor)
    team.name = name
    team.type = type
    team.mission = mission
    team.department = department
    team.lead = lead
    _validated(team)
    team.save()
    return team


@transaction.atomic
def team_delete(*, actor: policy.Actor, team: Team) -> None:
    """Delete a team that never had members (a team with history is dissolved by a scenario)."""
    _require_change(actor)
    _delete(team, f"team {team.name}")


ROLE_FRONT_MATTER_KEYS = ("title", "description")


def role_document(*, title: str, description: str, body: str, metadata: dict[str, Any]) -> str:
    """The Markdown file of a role description (YAML front matter, then the body)."""
    import yaml

    front = {"title": title, "description": description, **metadata}
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True).strip()
    return f"---\n{head}\n---\n\n{body.strip()}\n"


@transaction.atomic
def role_description_save(
    *,
    actor: policy.Actor,
    role: RoleDescription | None,
    title: str,
    description: str,
    body: str,
) -> RoleDescription:
    """Create (role None) or change a role description, parsed as the importer parses a file."""
    from steward.org.roledocs import RoleDocError, parse_role

    _require_change(actor)
    metadata = dict(role.metadata) if role is not None else {}
    text = role_document(title=title, description=description, body=body, metadata=metadata)
    try:
        doc = parse_role(text)
    except RoleDocError as exc:
        field = exc.field or "body"
        raise OrgError(f"{field}: {exc}", fields={field: [str(exc)]}) from exc
    slug = role.slug if role is not None else role_slug(doc.title)
    if role is None and RoleDescription.objects.filter(slug=slug).exists():
        message = f"a role titled {doc.title!r} exists already"
        raise OrgError(f"title: {message}", fields={"title": [message]})
    saved, _ = role_description_upsert(
        actor=actor,
        slug=slug,
        title=doc.title,
        description=doc.description,
        summary=doc.summary,
        body=doc.body,
        sections=doc.sections,
        metadata=doc.metadata,
    )
    return saved


@transaction.atomic
def role_description_delete(*, actor: policy.Actor, role: RoleDescription) -> None:
    """Delete a role description."""
    _require_change(actor)
    role.delete()
