"""Navigation grouped by the CTO's areas of responsibility, showing only areas that exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from steward.core import policy


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    roles: frozenset[policy.Role] | None = None  # None: every role


@dataclass(frozen=True)
class NavArea:
    label: str
    links: tuple[NavLink, ...]


# The six areas of the CTO role; an app adds its links here when it lands.
AREAS: tuple[NavArea, ...] = (
    NavArea(
        "Strategy & roadmap",
        (
            NavLink("Objectives", "strategy:objectives"),
            NavLink("Roadmap", "strategy:roadmap"),
            NavLink("Now / next / later", "strategy:board"),
            NavLink("Alignment", "strategy:alignment"),
            NavLink("Innovation & improvement", "strategy:innovation"),
        ),
    ),
    NavArea(
        "Architecture & delivery",
        (
            NavLink("Delivery", "engineering:delivery"),
            NavLink("Repositories", "engineering:repositories"),
            NavLink("Identities", "engineering:identities", frozenset({policy.Role.ADMIN})),
        ),
    ),
    NavArea("Budget & vendors", ()),
    NavArea(
        "Product trade-offs",
        (
            NavLink("Prioritization", "strategy:prioritization"),
            NavLink("Portfolio plan", "strategy:plan"),
        ),
    ),
    NavArea(
        "People & team",
        (
            NavLink("Org chart", "org:chart"),
            NavLink("Teams", "org:team_list"),
            NavLink("People", "org:person_list"),
            NavLink("Role descriptions", "org:role_list"),
            NavLink("Headcount plan", "org:headcount_plan", policy.ORG_PLANNER_ROLES),
        ),
    ),
    NavArea(
        "Structure & process",
        (
            NavLink("Organization health", "org:health"),
            NavLink("Capacity", "org:capacity"),
            NavLink("Reorg scenarios", "org:scenario_list", policy.ORG_PLANNER_ROLES),
        ),
    ),
)


def visible_areas(user: Any) -> list[dict[str, Any]]:
    """The areas with at least one link `user` may open, each with its links resolved."""
    roles = policy.roles_of(user)
    result = []
    for area in AREAS:
        links = []
        for link in area.links:
            if link.roles is not None and not (roles & link.roles):
                continue
            try:
                links.append({"label": link.label, "url": reverse(link.url_name)})
            except NoReverseMatch:
                continue
        if links:
            result.append({"label": area.label, "links": links})
    return result


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context: `nav_areas` for the signed-in user."""
    if not request.user.is_authenticated:
        return {"nav_areas": []}
    return {
        "nav_areas": visible_areas(request.user),
        "user_roles": policy.role_names(policy.roles_of(request.user)),
        "may_view_audit": policy.may_view_audit(request.user),
    }
