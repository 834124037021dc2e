"""The organization API: people, teams and role descriptions under /api/v1/org."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router

from steward.core import policy
from steward.core.api_writes import body_error, require, service_call
from steward.core.filters import filter_rows
from steward.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from steward.org import selectors, services
from steward.org.filtersets import PersonFilterSet, TeamFilterSet
from steward.org.models import Department, Person, RoleDescription, Team
from steward.org.schemas import (
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    PersonIn,
    PersonOut,
    PersonPage,
    PersonPatch,
    RoleIn,
    RoleOut,
    RolePage,
    RolePatch,
    TeamDetailOut,
    TeamIn,
    TeamMoveIn,
    TeamOut,
    TeamPage,
    TeamPatch,
)

router = Router(tags=["org"])


def _people_query(
    request: HttpRequest,
    *,
    team: str | None,
    active: bool | None,
    q: str | None,
    from_: date | None,
    to: date | None,
) -> Any:
    qs = selectors.person_list(
        actor=request.user, team=team, active_on=date.today() if active else None, search=q
    )
    # `from`/`to`: people employed at some time in [from, to).
    if to is not None:
        qs = qs.filter(start_date__lt=to)
    if from_ is not None:
        qs = qs.exclude(end_date__isnull=False, end_date__lte=from_)
    return qs


@router.get("/people", response=PersonPage, exclude_unset=True)
def people_list(
    request: HttpRequest,
    limit: int | None = None,
    offset: int | None = None,
    team: str | None = None,
    active: bool | None = None,
    q: str | None = None,
    to: date | None = None,
    from_: date | None = Query(None, alias="from"),  # type: ignore[type-arg]
    manager: str | None = Query(  # type: ignore[type-arg]
        None, description='Reports to this person: "Name (E0012)", a name or a unique part of one'
    ),
) -> PersonPage:
    """People the caller may see; leavers included unless `active=true`. `manager` is the
    people page's "Reports to" filter (org.filtersets.PersonFilterSet)."""
    qs = _people_query(request, team=team, active=active, q=q, from_=from_, to=to)
    qs = filter_rows(PersonFilterSet, qs, actor=request.user, manager=manager)
    # `paginate`'s limits and shape, with the page read as plain rows (see people_visible_dicts).
    size = max(0, min(limit if limit is not None else DEFAULT_LIMIT, MAX_LIMIT))
    start = max(0, offset or 0)
    count = qs.count()
    items = (
        selectors.people_visible_dicts(actor=request.user, people=qs[start : start + size])
        if start < count
        else []
    )
    # Built unvalidated: the dicts have the schema's types already, and ninja serializes a
    # model of the response type as it is (exclude_unset drops the fields the caller may not
    # see, which are absent from the dicts) instead of validating 1,000 items field by field.
    return PersonPage.model_construct(
        items=[PersonOut.model_construct(**item) for item in items], count=count
    )


@router.get("/people/{employee_id}", response=PersonOut, exclude_unset=True)
def people_detail(request: HttpRequest, employee_id: str) -> dict[str, Any]:
    """One person; 404 when the caller may not see them."""
    person = selectors.person_get(actor=request.user, employee_id=employee_id)
    if person is None:
        raise Http404("no such person")
    return selectors.person_visible_dict(actor=request.user, person=person)


def _team_dict(team: Team, sizes: dict[int, int]) -> dict[str, Any]:
    return {
        "slug": team.slug,
        "name": team.name,
        "type": team.type,
        "mission": team.mission,
        "department": team.department.slug if team.department else None,
        "lead_employee_id": team.lead.employee_id if team.lead else None,
        "size": sizes.get(team.pk, 0),
    }


@router.get("/teams", response=TeamPage)
def teams_list(
    request: HttpRequest,
    limit: int | None = None,
    offset: int | None = None,
    type: str | None = None,
    name: str | None = Query(  # type: ignore[type-arg]
        None, description="Teams whose name contains this (ignoring case)"
    ),
) -> dict[str, Any]:
    """Teams with their active headcount; `name` is the teams page's filter."""
    sizes = selectors.team_sizes()
    qs = selectors.team_list(actor=request.user, team_type=type)
    qs = filter_rows(TeamFilterSet, qs, actor=request.user, name=name)
    return paginate(qs, limit=limit, offset=offset, render=lambda t: _team_dict(t, sizes))


@router.get("/teams/{slug}", response=TeamDetailOut, exclude_unset=True)
def teams_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    """One team with its active members."""
    team = selectors.team_get(actor=request.user, slug=slug)
    if team is None:
        raise Http404("no such team")
    data = _team_dict(team, selectors.team_sizes())
    data["members"] = [
        selectors.person_visible_dict(actor=request.user, person=p)
        for p in selectors.team_members(actor=request.user, team=team)
    ]
    return data


@router.get("/roles", response=RolePage)
def roles_list(
    request: HttpRequest, limit: int | None = None, offset: int | None = None
) -> dict[str, Any]:
    """Role descriptions."""
    qs = selectors.role_list(actor=request.user)
    return paginate(qs, limit=limit, offset=offset, render=_role_dict)


def _role_dict(role: RoleDescription) -> dict[str, Any]:
    return {
        "slug": role.slug,
        "title": role.title,
        "description": role.description,
        "summary": role.summary,
        "sections": role.sections,
    }


# --- writes (org editors: policy.may_change_org) -------------------------------------------


def _team_ref(slug: str | None, field: str = "team") -> Team | None:
    if not slug:
        return None
    team = Team.objects.filter(slug=slug).first()
    if team is None:
        raise body_error(field, f"unknown team {slug!r}")
    return team


def _person_ref(request: HttpRequest, employee_id: str | None, field: str) -> Person | None:
    if not employee_id:
        return None
    person = selectors.person_get(actor=request.user, employee_id=employee_id)
    if person is None:
        raise body_error(field, f"unknown person {employee_id!r}")
    return person


def _department_ref(slug: str | None, field: str = "department") -> Department | None:
    if not slug:
        return None
    department = Department.objects.filter(slug=slug).first()
    if department is None:
        raise body_error(field, f"unknown department {slug!r}")
    return department


def _person_out(request: HttpRequest, employee_id: str) -> dict[str, Any]:
    person = selectors.person_get(actor=request.user, employee_id=employee_id)
    assert person is not None
    return selectors.person_visible_dict(actor=request.user, person=person)


def _person_values(request: HttpRequest, values: dict[str, Any]) -> dict[str, Any]:
    """API names to service arguments: slugs and employee ids to rows."""
    if "team" in values:
        values["team"] = _team_ref(values["team"])
    if "manager_employee_id" in values:
        values["manager"] = _person_ref(
            request, values.pop("manager_employee_id"), "manager_employee_id"
        )
    if "department" in values:
        values["department"] = _department_ref(values["department"])
    if values.get("currency"):
        values["currency"] = values["currency"].upper()
    return values


@router.post("/people", response={201: PersonOut}, exclude_unset=True)
def people_create(request: HttpRequest, body: PersonIn) -> tuple[int, dict[str, Any]]:
    """Add a person (org editors; HR fields and salary only for the roles that may set them)."""
    require(policy.may_change_org(request.user))
    given = body.model_dump(exclude_unset=True)
    values = _person_values(request, given)
    if values.get("fte") is None:
        values.pop("fte", None)
    employee_id = values.pop("employee_id")
    with service_call(request):
        services.person_add(actor=request.user, employee_id=employee_id, **values)  # type: ignore[arg-type]
    return 201, _person_out(request, employee_id)


@router.patch("/people/{employee_id}", response=PersonOut, exclude_unset=True)
def people_update(request: HttpRequest, employee_id: str, body: PersonPatch) -> dict[str, Any]:
    """Change the fields given; a new team or manager applies from `on` (default today)."""
    person = selectors.person_get(actor=request.user, employee_id=employee_id)
    if person is None:
        raise Http404("no such person")
    require(policy.may_change_org(request.user))
    values = body.model_dump(exclude_unset=True)
    on = values.pop("on", None)
    for text in ("title", "level", "location", "timezone", "employment_type", "currency"):
        if text in values and values[text] is None:
            values[text] = ""
    if values.get("termination_type") is None and "termination_type" in values:
        values["termination_type"] = ""
    values = _person_values(request, values)
    with service_call(request):
        services.person_update(actor=request.user, person=person, on=on, **values)  # type: ignore[arg-type]
    return _person_out(request, employee_id)


@router.post("/people/{employee_id}/moves", response={201: PersonOut}, exclude_unset=True)
def people_move(
    request: HttpRequest, employee_id: str, body: TeamMoveIn
) -> tuple[int, dict[str, Any]]:
    """Move a person to another team from a date (the history keeps the old membership)."""
    person = selectors.person_get(actor=request.user, employee_id=employee_id)
    if person is None:
        raise Http404("no such person")
    require(policy.may_change_org(request.user))
    team = _team_ref(body.team)
    with service_call(request):
        services.person_move(actor=request.user, person=person, team=team, on=body.on)  # type: ignore[arg-type]
    return 201, _person_out(request, employee_id)


@router.post("/teams", response={201: TeamOut})
def teams_create(request: HttpRequest, body: TeamIn) -> tuple[int, dict[str, Any]]:
    """Create a team."""
    require(policy.may_change_org(request.user))
    department = _department_ref(body.department)
    lead = _person_ref(request, body.lead_employee_id, "lead_employee_id")
    with service_call(request):
        team = services.team_create(
            actor=request.user,  # type: ignore[arg-type]
            slug=body.slug,
            name=body.name,
            type=body.type,
            mission=body.mission,
            department=department,
            lead=lead,
        )
    return 201, _team_dict(team, selectors.team_sizes())


@router.patch("/teams/{slug}", response=TeamOut)
def teams_update(request: HttpRequest, slug: str, body: TeamPatch) -> dict[str, Any]:
    """Change the fields given of a team (the slug stays)."""
    team = selectors.team_get(actor=request.user, slug=slug)
    if team is None:
        raise Http404("no such team")
    require(policy.may_change_org(request.user))
    given = body.model_dump(exclude_unset=True)
    department = _department_ref(given["department"]) if "department" in given else team.department
    lead = (
        _person_ref(request, given["lead_employee_id"], "lead_employee_id")
        if "lead_employee_id" in given
        else team.lead
    )
    with service_call(request):
        services.team_update(
            actor=request.user,  # type: ignore[arg-type]
            team=team,
            name=given.get("name") or team.name,
            type=given.get("type") or team.type,
            mission=given["mission"] or "" if "mission" in given else team.mission,
            department=department,
            lead=lead,
        )
    return _team_dict(team, selectors.team_sizes())


@router.delete("/teams/{slug}", response={204: None})
def teams_delete(request: HttpRequest, slug: str) -> tuple[int, None]:
    """Delete a team that nobody refers to (422 names what still refers to it)."""
    team = selectors.team_get(actor=request.user, slug=slug)
    if team is None:
        raise Http404("no such team")
    require(policy.may_change_org(request.user))
    with service_call(request):
        services.team_delete(actor=request.user, team=team)  # type: ignore[arg-type]
    return 204, None


def _department_dict(department: Department) -> dict[str, Any]:
    return {
        "slug": department.slug,
        "name": department.name,
        "parent": department.parent.slug if department.parent else None,
    }


@router.get("/departments", response=list[DepartmentOut])
def departments_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Departments."""
    return [_department_dict(d) for d in selectors.department_list(actor=request.user)]


@router.post("/departments", response={201: DepartmentOut})
def departments_create(request: HttpRequest, body: DepartmentIn) -> tuple[int, dict[str, Any]]:
    """Create a department."""
    require(policy.may_change_org(request.user))
    parent = _department_ref(body.parent, "parent")
    with service_call(request):
        department = services.department_create(
            actor=request.user,  # type: ignore[arg-type]
            slug=body.slug,
            name=body.name,
            parent=parent,
        )
    return 201, _department_dict(department)


def _department(request: HttpRequest, slug: str) -> Department:
    department = selectors.department_list(actor=request.user).filter(slug=slug).first()
    if department is None:
        raise Http404("no such department")
    require(policy.may_change_org(request.user))
    return department


@router.patch("/departments/{slug}", response=DepartmentOut)
def departments_update(request: HttpRequest, slug: str, body: DepartmentPatch) -> dict[str, Any]:
    """Rename a department or move it under another."""
    department = _department(request, slug)
    given = body.model_dump(exclude_unset=True)
    parent = _department_ref(given["parent"], "parent") if "parent" in given else department.parent
    with service_call(request):
        services.department_update(
            actor=request.user,  # type: ignore[arg-type]
            department=department,
            name=given.get("name") or department.name,
            parent=parent,
        )
    return _department_dict(department)


@router.delete("/departments/{slug}", response={204: None})
def departments_delete(request: HttpRequest, slug: str) -> tuple[int, None]:
    """Delete a department no team, person or department refers to."""
    department = _department(request, slug)
    with service_call(request):
        services.department_delete(actor=request.user, department=department)  # type: ignore[arg-type]
    return 204, None


@router.post("/roles", response={201: RoleOut})
def roles_create(request: HttpRequest, body: RoleIn) -> tuple[int, dict[str, Any]]:
    """Write a role description (Markdown body; sections are parsed as on import)."""
    require(policy.may_change_org(request.user))
    with service_call(request):
        role = services.role_description_save(
            actor=request.user,  # type: ignore[arg-type]
            role=None,
            title=body.title,
            description=body.description,
            body=body.body,
        )
    return 201, _role_dict(role)


def _role(request: HttpRequest, slug: str) -> RoleDescription:
    role = selectors.role_get(actor=request.user, slug=slug)
    if role is None:
        raise Http404("no such role")
    require(policy.may_change_org(request.user))
    return role


@router.patch("/roles/{slug}", response=RoleOut)
def roles_update(request: HttpRequest, slug: str, body: RolePatch) -> dict[str, Any]:
    """Change a role description's title, description or body (the slug stays)."""
    role = _role(request, slug)
    given = body.model_dump(exclude_unset=True)
    with service_call(request):
        saved = services.role_description_save(
            actor=request.user,  # type: ignore[arg-type]
            role=role,
            title=given.get("title") or role.title,
            description=given.get("description", role.description) or "",
            body=given.get("body") or role.body,
        )
    return _role_dict(saved)


@router.delete("/roles/{slug}", response={204: None})
def roles_delete(request: HttpRequest, slug: str) -> tuple[int, None]:
    """Delete a role description."""
    role = _role(request, slug)
    with service_call(request):
        services.role_description_delete(actor=request.user, role=role)  # type: ignore[arg-type]
    return 204, None
