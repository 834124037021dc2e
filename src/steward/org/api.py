"""The organization API: people, teams and role descriptions under /api/v1/org."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router

from steward.core.pagination import paginate
from steward.org import selectors
from steward.org.models import Team
from steward.org.schemas import PersonOut, PersonPage, RolePage, TeamDetailOut, TeamPage

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
) -> dict[str, Any]:
    """People the caller may see; leavers included unless `active=true`."""
    qs = _people_query(request, team=team, active=active, q=q, from_=from_, to=to)
    return paginate(
        qs,
        limit=limit,
        offset=offset,
        render=lambda p: selectors.person_visible_dict(actor=request.user, person=p),
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
) -> dict[str, Any]:
    """Teams with their active headcount."""
    sizes = selectors.team_sizes()
    qs = selectors.team_list(actor=request.user, team_type=type)
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
    return paginate(
        qs,
        limit=limit,
        offset=offset,
        render=lambda r: {
            "slug": r.slug,
            "title": r.title,
            "description": r.description,
            "summary": r.summary,
            "sections": r.sections,
        },
    )
