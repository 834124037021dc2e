"""Every write to the organization: validate, run in one transaction, audit (via auditlog)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.text import slugify

from steward.core import policy
from steward.org.errors import OrgError
from steward.org.models import (
    Department,
    EmploymentSpell,
    Person,
    PersonEmail,
    ReportingLine,
    RoleDescription,
    Team,
    TeamMembership,
)


def _require_change(actor: User | None) -> None:
    # None is the system itself (CLI run by the instance operator, demo builder, migrations).
    if actor is not None:
        policy.require(actor, "change", "org.person")


@transaction.atomic
def department_ensure(
    *, actor: User | None, slug: str, name: str = "", parent: Department | None = None
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
    actor: User | None,
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
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def team_set_lead(*, actor: User | None, team: Team, lead: Person | None) -> Team:
    """Name the team's lead."""
    _require_change(actor)
    team.lead = lead
    team.save(update_fields=["lead"])
    return team


@transaction.atomic
def person_create(
    *,
    actor: User | None,
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
    person.full_clean()
    person.save()
    for position, email in enumerate(emails or []):
        if PersonEmail.objects.filter(email=email.lower()).exists():
            raise OrgError(f"email {email} already belongs to another person")
        PersonEmail.objects.create(person=person, email=email.lower(), position=position)
    EmploymentSpell.objects.create(
        person=person,
        start_date=start_date,
        end_date=end_date,
        termination_type=person.termination_type,
        regretted=person.regretted,
    )
    if team is not None:
        TeamMembership.objects.create(person=person, team=team, start=start_date, end=end_date)
    if manager is not None:
        ReportingLine.objects.create(person=person, manager=manager, start=start_date, end=end_date)
    return person


@transaction.atomic
def person_move(*, actor: User | None, person: Person, team: Team | None, on: date) -> Person:
    """Move a person to another home team from `on`; history keeps the old membership."""
    _require_change(actor)
    TeamMembership.objects.filter(person=person, end__isnull=True).update(end=on)
    TeamMembership.objects.filter(person=person, start__gte=on).delete()
    if team is not None:
        TeamMembership.objects.create(person=person, team=team, start=on)
    person.team = team
    person.save(update_fields=["team"])
    return person


@transaction.atomic
def person_set_manager(
    *, actor: User | None, person: Person, manager: Person | None, on: date
) -> Person:
    """Change a person's manager from `on`; refuses reporting cycles."""
    _require_change(actor)
    cursor = manager
    while cursor is not None:
        if cursor.pk == person.pk:
            raise OrgError(f"{person.employee_id} cannot report to {manager}: that is a cycle")
        cursor = cursor.manager
    ReportingLine.objects.filter(person=person, end__isnull=True).update(end=on)
    ReportingLine.objects.filter(person=person, start__gte=on).delete()
    if manager is not None:
        ReportingLine.objects.create(person=person, manager=manager, start=on)
    person.manager = manager
    person.save(update_fields=["manager"])
    return person


@transaction.atomic
def person_end_employment(
    *,
    actor: User | None,
    person: Person,
    on: date,
    termination_type: str = "",
    regretted: bool | None = None,
) -> Person:
    """End a person's employment on `on` (the last day is the day before); the record stays."""
    _require_change(actor)
    if on < person.start_date:
        raise OrgError(f"{person.employee_id}: end {on} is before start {person.start_date}")
    person.end_date = on
    person.termination_type = termination_type
    person.regretted = regretted
    person.full_clean()
    person.save()
    EmploymentSpell.objects.filter(person=person, start_date=person.start_date).update(
        end_date=on, termination_type=termination_type, regretted=regretted
    )
    TeamMembership.objects.filter(person=person, end__isnull=True).update(end=on)
    ReportingLine.objects.filter(person=person, end__isnull=True).update(end=on)
    return person


@transaction.atomic
def person_set_compensation(
    *, actor: User | None, person: Person, salary: Decimal | None, currency: str
) -> Person:
    """Set a person's salary and currency."""
    _require_change(actor)
    person.salary = salary
    person.currency = currency
    person.full_clean()
    person.save(update_fields=["salary", "currency"])
    return person


@transaction.atomic
def person_link_user(*, actor: User | None, person: Person, user: User | None) -> Person:
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
    actor: User | None,
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
