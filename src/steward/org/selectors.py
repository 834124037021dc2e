"""Reads of the organization, always starting from what the actor may see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Prefetch, Q, QuerySet
from django.utils.functional import LazyObject, empty

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


_PERSON_COLUMNS = (
    "pk", "employee_id", "name", "title", "level", "track", "team__slug",
    "manager__employee_id", "location", "timezone", "start_date", "end_date",
    "department__slug", "employment_type", "fte", "termination_type", "regretted",
    "attributes", "salary", "currency",
)  # fmt: skip


def _unwrapped(actor: Actor) -> Actor:
    """`request.user` without its lazy proxy (which costs on every attribute the policy reads
    when it is asked about a thousand people)."""
    if isinstance(actor, LazyObject):
        if actor._wrapped is empty:
            actor._setup()
        return actor._wrapped  # type: ignore[no-any-return]
    return actor


class _PersonKey:
    """What the policy reads of a person to filter its fields: its key and its model."""

    __slots__ = ("pk",)
    _meta = Person._meta

    def __init__(self, pk: int) -> None:
        self.pk = pk


def people_visible_dicts(*, actor: Actor, people: QuerySet[Person]) -> list[dict[str, Any]]:
    """`person_visible_dict` of every person of `people` (sliced or not), in its order, read as
    plain rows in two queries (people with their team, manager and department; their emails)
    instead of four model objects per person."""
    rows = list(people.select_related(None).prefetch_related(None).values_list(*_PERSON_COLUMNS))
    emails: dict[int, list[str]] = {row[0]: [] for row in rows}
    if rows:
        for person_id, email in (
            PersonEmail.objects.filter(person_id__in=list(emails))
            .order_by("position", "email")
            .values_list("person_id", "email")
        ):
            emails[person_id].append(email)
    actor = _unwrapped(actor)
    result = []
    for (
        pk, employee_id, name, title, level, track, team, manager, location, timezone,
        start_date, end_date, department, employment_type, fte, termination_type, regretted,
        attributes, salary, currency,
    ) in rows:  # fmt: skip
        data = {
            "employee_id": employee_id,
            "name": name,
            "emails": emails[pk],
            "title": title,
            "level": level,
            "track": track,
            "team": team,
            "manager_employee_id": manager,
            "location": location,
            "timezone": timezone,
            "start_date": start_date,
            "end_date": end_date,
            "department": department,
            "employment_type": employment_type,
            "fte": fte,
            "termination_type": termination_type or None,
            "regretted": regretted,
            "attributes": attributes,
            "salary": salary,
            "currency": currency or None,
        }
        result.append(policy.filter_person(actor, _PersonKey(pk), data))
    return result


def person_visible_dict(*, actor: Actor, person: Person) -> dict[str, Any]:
    """A person as `actor` may see them: invisible fields are absent."""
    return policy.filter_person(actor, person, person_as_dict(person))


def team_list(*, actor: Actor, team_type: str | None = None) -> QuerySet[Team]:
    """Teams `actor` may see."""
    qs: QuerySet[Team] = policy.visible(actor, "org.Team").select_related("lead", "department")
    if team_type:
        qs = qs.filter(type=team_type)
    return qs


def team_list_with_sizes(*, actor: Actor, on: date | None = None) -> QuerySet[Team]:
    """Teams `actor` may see, each with `size`: its active headcount on `on` (default today;
    structure is not sensitive, so every member counts)."""
    from django.db.models import Count

    day = on or date.today()
    members = Q(members__start_date__lte=day) & (
        Q(members__end_date__isnull=True) | Q(members__end_date__gt=day)
    )
    return team_list(actor=actor).annotate(size=Count("members", filter=members))


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


class Pay(NamedTuple):
    """A person's stated pay: what people cost needs, without the rest of the person."""

    salary: Decimal | None
    currency: str
    location: str


def pay_by_employee_id() -> dict[str, Pay]:
    """Every person's (leavers included) salary, currency and location by employee id: one
    row of three columns each, not a model object (people cost reads everyone's)."""
    return {
        key: Pay(salary, currency, location)
        for key, salary, currency, location in Person.objects.values_list(
            "employee_id", "salary", "currency", "location"
        )
    }


def employee_ids() -> set[str]:
    """Every employee id (leavers included)."""
    return set(Person.objects.values_list("employee_id", flat=True))


def person_end_dates(person_ids: Iterable[int]) -> dict[int, date | None]:
    """The end date (None while employed) of each of `person_ids`."""
    from steward.org.models import Person

    return dict(Person.objects.filter(pk__in=list(person_ids)).values_list("pk", "end_date"))


def person_emails_lowered() -> QuerySet[Any]:
    """Every known email address, lower-cased, as a subquery (`email__in=`): no rows read."""
    from django.db.models.functions import Lower

    return PersonEmail.objects.order_by().values_list(Lower("email"), flat=True)


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


class PersonRow(NamedTuple):
    """A person as figures over the whole organization read them: plain values, no objects."""

    pk: int
    employee_id: str
    team_name: str
    level: str
    manager_name: str
    location: str
    start_date: date
    end_date: date | None
    termination_type: str
    regretted: bool | None


class SpellRow(NamedTuple):
    """One employment spell: [start, end), how it ended."""

    start_date: date
    end_date: date | None
    termination_type: str
    regretted: bool | None


def person_rows(*, actor: Actor) -> list[PersonRow]:
    """The people `actor` may see (in `person_list` order) as plain rows: one query, no model
    objects (figures over 2,000 people read these, not `person_list`'s prefetched people)."""
    people = person_list(actor=actor).prefetch_related(None)
    return [
        PersonRow(pk, eid, team or "", level, manager or "", location, start, end, kind, regret)
        for pk, eid, team, level, manager, location, start, end, kind, regret in (
            people.values_list(
                "pk",
                "employee_id",
                "team__name",
                "level",
                "manager__name",
                "location",
                "start_date",
                "end_date",
                "termination_type",
                "regretted",
            )
        )
    ]


def employment_spells(*, actor: Actor) -> dict[int, list[SpellRow]]:
    """The employment spells of the people `actor` may see, by person id, in start order (a
    person without spells is absent: their own start and end are their one spell)."""
    from steward.org.models import EmploymentSpell

    visible = policy.visible(actor, "org.Person").values("pk")
    result: dict[int, list[SpellRow]] = defaultdict(list)
    rows = (
        EmploymentSpell.objects.filter(person__in=visible)
        .order_by("person_id", "start_date")
        .values_list("person_id", "start_date", "end_date", "termination_type", "regretted")
    )
    for person_id, start, end, kind, regretted in rows:
        result[person_id].append(SpellRow(start, end, kind, regretted))
    return dict(result)


def reporting_line_starts(*, actor: Actor) -> dict[int, list[date]]:
    """The start date of each reporting line of the people `actor` may see, by person id."""
    from steward.org.models import ReportingLine

    visible = policy.visible(actor, "org.Person").values("pk")
    result: dict[int, list[date]] = defaultdict(list)
    rows = ReportingLine.objects.filter(person__in=visible).values_list("person_id", "start")
    for person_id, start in rows.order_by("person_id", "start"):
        result[person_id].append(start)
    return dict(result)


def detail_url_maker(name: str) -> Callable[[str], str]:
    """`reverse(name, args=[key])` for many keys at the cost of one `reverse`: the URL is
    reversed once around a placeholder and each key quoted as `reverse` quotes it (a key
    `reverse` would refuse, empty or with a slash, still goes through `reverse`)."""
    from urllib.parse import quote

    from django.urls import reverse
    from django.utils.http import RFC3986_SUBDELIMS

    marker = "0"
    prefix, _, suffix = reverse(name, args=[marker]).rpartition(marker)
    safe = RFC3986_SUBDELIMS + "/~:@"

    def url(key: str) -> str:
        if not key or "/" in key:
            return reverse(name, args=[key])
        return prefix + quote(key, safe=safe) + suffix

    return url


def chart_nodes(*, actor: Actor, view: str, on: date | None = None) -> list[ChartNode]:
    """The org chart's boxes as `actor` may see them: the reporting tree (`view="reporting"`)
    or departments → teams → members (`view="teams"`); siblings ordered by name.

    Read as plain rows (no model objects): at 2,000 people the chart is built in a few ms."""
    from steward.org.models import TeamType

    day = on or date.today()
    people = list(
        person_list(actor=actor, active_on=day)
        .select_related(None)
        .prefetch_related(None)
        .order_by("name")
        .values_list(
            "pk",
            "employee_id",
            "name",
            "title",
            "team_id",
            "team__name",
            "team__lead_id",
            "manager_id",
            "manager__employee_id",
        )
    )
    visible_ids = {row[0] for row in people}
    person_url = detail_url_maker("org:person_detail")
    if view == "reporting":
        return [
            ChartNode(
                id=employee_id,
                parent=(
                    manager_key if manager_id in visible_ids and manager_key is not None else None
                ),
                name=name,
                subtitle=title + (f" · {team_name}" if team_id is not None else ""),
                href=person_url(employee_id),
            )
            for (
                _pk,
                employee_id,
                name,
                title,
                team_id,
                team_name,
                _lead,
                manager_id,
                manager_key,
            ) in people
        ]
    sizes = team_sizes(on=day)
    types = dict(TeamType.choices)
    nodes: list[ChartNode] = []
    departments: dict[str, str] = {}
    teams = sorted(
        team_list(actor=actor)
        .select_related(None)
        .values_list("pk", "slug", "name", "type", "department_id", "department__name"),
        key=lambda t: t[2],
    )
    team_url = detail_url_maker("org:team_detail")
    for pk, slug, name, kind, dept_pk, dept_name in teams:
        dept = dept_name if dept_pk is not None else "Teams without a department"
        dept_id = f"dept:{dept_pk if dept_pk is not None else 0}"
        if dept_id not in departments:
            departments[dept_id] = dept
        n = sizes.get(pk, 0)
        headcount = f"{n} {'person' if n == 1 else 'people'}"
        nodes.append(
            ChartNode(
                id=f"team:{slug}",
                parent=dept_id,
                name=name,
                subtitle=f"{types.get(kind, kind)} · {headcount}",
                href=team_url(slug),
                kind="team",
            )
        )
    dept_nodes = [
        ChartNode(id=key, parent=None, name=name, kind="department")
        for key, name in sorted(departments.items(), key=lambda kv: kv[1])
    ]
    team_ids = {t[0]: t[1] for t in teams}
    members = [
        ChartNode(
            id=employee_id,
            parent=f"team:{team_ids[team_id]}",
            name=name,
            subtitle=title + (" · lead" if lead_id == pk else ""),
            href=person_url(employee_id),
        )
        for pk, employee_id, name, title, team_id, _team_name, lead_id, _m, _mk in people
        if team_id in team_ids
    ]
    return dept_nodes + nodes + members
