"""Reads of the organization, always starting from what the actor may see."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from steward.core import policy
from steward.org.chartlayout import ChartNode
from steward.org.models import Department, Person, PersonEmail, RoleDescription, Team

Actor = policy.Actor


def active_q(on: date, prefix: str = "") -> Q:
    """People employed on `on` (start ≤ on < end)."""
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": on})
    )


def person_list(
    *,
    actor: Actor,
    team: str | None = None,
    active_on: date | None = None,
    started_from: date | None = None,
    started_to: date | None = None,
    search: str | None = None,
) -> QuerySet[Person]:
    """People `actor` may see, filtered; emails, team and manager prefetched."""
    qs: QuerySet[Person] = policy.visible(actor, "org.Person")
    if team:
        qs = qs.filter(team__slug=team)
    if active_on is not None:
        qs = qs.filter(active_q(active_on))
    if started_from is not None:
        qs = qs.filter(start_date__gte=started_from)
    if started_to is not None:
        qs = qs.filter(start_date__lt=started_to)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(employee_id__iexact=search))
    return qs.select_related("team", "manager", "department").prefetch_related(
        Prefetch("emails", queryset=PersonEmail.objects.order_by("position", "email"))
    )


def person_get(*, actor: Actor, employee_id: str) -> Person | None:
    """The person with `employee_id` if `actor` may see them, else None."""
    return person_list(actor=actor).filter(employee_id=employee_id).first()


def person_as_dict(person: Person) -> dict[str, Any]:
    """Every field of a person in the API's vocabulary (before the policy filters it)."""
    return {
        "employee_id": person.employee_id,
        "name": person.name,
        "emails": [e.email for e in person.emails.all()],
        "title": person.title,
        "level": person.level,
        "track": person.track,
        "team": person.team.slug if person.team_id and person.team else None,
        "manager_employee_id": person.manager.employee_id
        if person.manager_id and person.manager
        else None,
        "location": person.location,
        "timezone": person.timezone,
        "start_date": person.start_date,
        "end_date": person.end_date,
        "department": person.department.slug
        if person.department_id and person.department
        else None,
        "employment_type": person.employment_type,
        "fte": person.fte,
        "termination_type": person.termination_type or None,
        "regretted": person.regretted,
        "attributes": person.attributes,
        "salary": person.salary,
        "currency": person.currency or None,
    }


def person_visible_dict(*, actor: Actor, person: Person) -> dict[str, Any]:
    """A person as `actor` may see them: invisible fields are absent."""
    return policy.filter_person(actor, person, person_as_dict(person))


def team_list(*, actor: Actor, team_type: str | None = None) -> QuerySet[Team]:
    """Teams `actor` may see."""
    qs: QuerySet[Team] = policy.visible(actor, "org.Team").select_related("lead", "department")
    if team_type:
        qs = qs.filter(type=team_type)
    return qs


def team_get(*, actor: Actor, slug: str) -> Team | None:
    """The team `slug` if `actor` may see it."""
    return team_list(actor=actor).filter(slug=slug).first()


def team_members(*, actor: Actor, team: Team, on: date | None = None) -> QuerySet[Person]:
    """People whose home team is `team` and who are employed on `on` (default today)."""
    day = on or date.today()
    return person_list(actor=actor, team=team.slug, active_on=day)


def team_sizes(*, on: date | None = None) -> dict[int, int]:
    """Active headcount per team id on `on` (structure is not sensitive)."""
    from django.db.models import Count

    day = on or date.today()
    rows = (
        Person.objects.filter(active_q(day), team__isnull=False)
        .values("team_id")
        .annotate(n=Count("id"))
    )
    return {r["team_id"]: r["n"] for r in rows}


def department_list(*, actor: Actor) -> QuerySet[Department]:
    """Departments `actor` may see."""
    return policy.visible(actor, "org.Department").select_related("parent")


def role_list(*, actor: Actor) -> QuerySet[RoleDescription]:
    """Role descriptions `actor` may see."""
    return policy.visible(actor, "org.RoleDescription")


def role_get(*, actor: Actor, slug: str) -> RoleDescription | None:
    """The role description `slug` if visible."""
    return role_list(actor=actor).filter(slug=slug).first()


def direct_reports(*, actor: Actor, person: Person, on: date | None = None) -> QuerySet[Person]:
    """Visible active people whose manager is `person`."""
    day = on or date.today()
    return person_list(actor=actor, active_on=day).filter(manager=person)


def top_of_org(*, actor: Actor, on: date | None = None) -> QuerySet[Person]:
    """Visible active people without an active manager (the roots of the reporting tree)."""
    day = on or date.today()
    return person_list(actor=actor, active_on=day).filter(
        Q(manager__isnull=True) | ~active_q(day, "manager__")
    )


def report_counts(*, on: date | None = None) -> dict[int, int]:
    """Number of active direct reports per manager id on `on`."""
    from django.db.models import Count

    day = on or date.today()
    rows = (
        Person.objects.filter(active_q(day), manager__isnull=False)
        .values("manager_id")
        .annotate(n=Count("id"))
    )
    return {r["manager_id"]: r["n"] for r in rows}


def person_history(person: Person) -> dict[str, list[Any]]:
    """A person's employment spells, home teams and managers over time, oldest first."""
    from steward.org.models import EmploymentSpell, ReportingLine, TeamMembership

    return {
        "spells": list(EmploymentSpell.objects.filter(person=person).order_by("start_date")),
        "teams": list(
            TeamMembership.objects.filter(person=person).select_related("team").order_by("start")
        ),
        "managers": list(
            ReportingLine.objects.filter(person=person).select_related("manager").order_by("start")
        ),
    }


# Lookups for other apps' ingestion, importers and reports. They resolve references (a team slug,
# an employee id, an email) as the system and show no row to a user by themselves.


def team_by_slug(slug: str) -> Team | None:
    """The team with `slug` (dissolved teams included), or None."""
    return Team.objects.filter(slug=slug).first()


def teams_by_slug() -> dict[str, Team]:
    """Every team by its slug."""
    return {t.slug: t for t in Team.objects.all()}


def team_slugs_by_id() -> dict[int, str]:
    """Every team's slug by its id."""
    return dict(Team.objects.values_list("id", "slug"))


def team_names_by_slug() -> dict[str, str]:
    """Every team's name by its slug."""
    return dict(Team.objects.values_list("slug", "name"))


def people_by_employee_id() -> dict[str, Person]:
    """Every person (leavers included) by employee id."""
    return {p.employee_id: p for p in Person.objects.all()}


def employee_ids() -> set[str]:
    """Every employee id (leavers included)."""
    return set(Person.objects.values_list("employee_id", flat=True))


def person_end_dates(person_ids: Iterable[int]) -> dict[int, date | None]:
    """The end date (None while employed) of each of `person_ids`."""
    from steward.org.models import Person

    return dict(Person.objects.filter(pk__in=list(person_ids)).values_list("pk", "end_date"))


def person_ids_by_email() -> dict[str, int]:
    """The person id of every known email address (lower-cased)."""
    return {e.lower(): pid for e, pid in PersonEmail.objects.values_list("email", "person_id")}


def home_team_spells(
    person_ids: Iterable[int], start: date, end: date
) -> list[tuple[int, date, date | None, int]]:
    """Home-team memberships (person id, start, end, team id) overlapping [start, end)."""
    from steward.org.models import TeamMembership

    return list(
        TeamMembership.objects.filter(person_id__in=list(person_ids), start__lt=end)
        .exclude(end__lte=start)
        .values_list("person_id", "start", "end", "team_id")
    )


def chart_nodes(*, actor: Actor, view: str, on: date | None = None) -> list[ChartNode]:
    """The org chart's boxes as `actor` may see them: the reporting tree (`view="reporting"`)
    or departments → teams → members (`view="teams"`); siblings ordered by name."""
    from django.urls import reverse

    from steward.org.models import TeamType

    day = on or date.today()
    people = list(
        person_list(actor=actor, active_on=day)
        .select_related(None)
        .select_related("team", "manager")
        .prefetch_related(None)
        .order_by("name")
    )
    visible_ids = {p.pk for p in people}
    if view == "reporting":
        return [
            ChartNode(
                id=p.employee_id,
                parent=(
                    p.manager.employee_id
                    if p.manager_id in visible_ids and p.manager is not None
                    else None
                ),
                name=p.name,
                subtitle=p.title + (f" · {p.team.name}" if p.team else ""),
                href=reverse("org:person_detail", args=[p.employee_id]),
            )
            for p in people
        ]
    sizes = team_sizes(on=day)
    types = dict(TeamType.choices)
    nodes: list[ChartNode] = []
    departments: dict[str, str] = {}
    teams = sorted(team_list(actor=actor), key=lambda t: t.name)
    for team in teams:
        dept = team.department.name if team.department else "Teams without a department"
        dept_id = f"dept:{team.department.pk if team.department else 0}"
        if dept_id not in departments:
            departments[dept_id] = dept
        n = sizes.get(team.pk, 0)
        headcount = f"{n} {'person' if n == 1 else 'people'}"
        nodes.append(
            ChartNode(
                id=f"team:{team.slug}",
                parent=dept_id,
                name=team.name,
                subtitle=f"{types.get(team.type, team.type)} · {headcount}",
                href=reverse("org:team_detail", args=[team.slug]),
                kind="team",
            )
        )
    dept_nodes = [
        ChartNode(id=key, parent=None, name=name, kind="department")
        for key, name in sorted(departments.items(), key=lambda kv: kv[1])
    ]
    team_ids = {t.pk: t.slug for t in teams}
    members = [
        ChartNode(
            id=p.employee_id,
            parent=f"team:{team_ids[p.team_id]}",
            name=p.name,
            subtitle=p.title + (" · lead" if p.team is not None and p.team.lead_id == p.pk else ""),
            href=reverse("org:person_detail", args=[p.employee_id]),
        )
        for p in people
        if p.team_id in team_ids
    ]
    return dept_nodes + nodes + members
