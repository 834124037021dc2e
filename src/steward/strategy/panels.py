"""What strategy adds to a team's and a person's page: initiatives and objectives."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from steward.core import policy
from steward.core.registry import Panel, PanelRow
from steward.strategy.models import InitiativeStatus

_OPEN = (InitiativeStatus.PROPOSED, InitiativeStatus.PLANNED, InitiativeStatus.IN_PROGRESS)


def team_initiatives(user: Any, team: Any) -> Panel:
    """Open initiatives the team owns or has effort estimated on."""
    initiatives = (
        policy.visible(user, "strategy.initiative")
        .filter(Q(owner_team=team) | Q(efforts__team=team), status__in=_OPEN)
        .distinct()
        .order_by("key")
    )
    rows = tuple(
        PanelRow(
            f"{item.key} · {item.title}",
            item.get_status_display() + ("" if item.owner_team_id == team.pk else " (contributes)"),
            reverse("strategy:initiative_detail", args=[item.key]),
        )
        for item in initiatives
    )
    return Panel(
        title="Initiatives",
        rows=rows,
        empty="No open initiative is owned by or estimated for this team.",
        more_url=f"{reverse('strategy:board')}?team={team.slug}",
        more_label="Now / next / later board of this team",
    )


def person_ownership(user: Any, person: Any) -> Panel | None:
    """Objectives and initiatives the person owns (no panel when they own none)."""
    objectives = policy.visible(user, "strategy.objective").filter(owner=person).order_by("key")
    initiatives = policy.visible(user, "strategy.initiative").filter(owner=person).order_by("key")
    rows = [
        PanelRow(
            f"{o.key} · {o.title}",
            "objective",
            reverse("strategy:objective_detail", args=[o.key]),
        )
        for o in objectives
    ]
    rows += [
        PanelRow(
            f"{i.key} · {i.title}",
            f"initiative, {i.get_status_display().lower()}",
            reverse("strategy:initiative_detail", args=[i.key]),
        )
        for i in initiatives
    ]
    if not rows:
        return None
    return Panel(title="Owns", rows=tuple(rows))
