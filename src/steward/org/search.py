"""Search provider of the organization: people and teams the asking user may see."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.urls import reverse

from steward.core import policy
from steward.core.registry import SearchResult


def people(user: Any, query: str, limit: int) -> Iterator[SearchResult]:
    """People by name, employee ID or e-mail address."""
    match = Q(name__icontains=query) | Q(employee_id__iexact=query) | Q(emails__email__iexact=query)
    rows = (
        policy.visible(user, "org.person")
        .filter(match)
        .select_related("team")
        .distinct()
        .order_by("name", "employee_id")[:limit]
    )
    for person in rows:
        team_name = person.team.name if person.team else ""
        detail = ", ".join(part for part in (person.title, team_name) if part)
        if person.end_date is not None:
            detail = f"{detail} (left)" if detail else "left"
        url = reverse("org:person_detail", args=[person.employee_id])
        yield SearchResult(kind="Person", title=person.name, url=url, detail=detail)


def teams(user: Any, query: str, limit: int) -> Iterator[SearchResult]:
    """Teams by name."""
    rows = (
        policy.visible(user, "org.team")
        .filter(Q(name__icontains=query) | Q(slug__iexact=query))
        .order_by("name")[:limit]
    )
    for team in rows:
        detail = "dissolved" if team.dissolved_on else team.get_type_display()
        url = reverse("org:team_detail", args=[team.slug])
        yield SearchResult(kind="Team", title=team.name, url=url, detail=detail)
