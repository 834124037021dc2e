"""Home-page figures drawn from the areas' selectors."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from steward.core import policy
from steward.org import selectors as org_selectors


def org_summary(*, actor: User | AnonymousUser, on: date) -> dict[str, Any]:
    """Headcount, teams by type, joiners in the last 90 days and leavers in the last 365."""
    people = list(org_selectors.person_list(actor=actor).values("start_date", "end_date", "track"))
    active = [
        p for p in people if p["start_date"] <= on and (p["end_date"] is None or p["end_date"] > on)
    ]
    teams = list(org_selectors.team_list(actor=actor).values_list("type", flat=True))
    by_type: dict[str, int] = {}
    for team_type in teams:
        by_type[team_type] = by_type.get(team_type, 0) + 1
    may_see_leavers = bool(policy.roles_of(actor) & policy.WHOLE_ORG_ROLES)
    return {
        "headcount": len(active),
        "managers": sum(1 for p in active if p["track"] == "manager"),
        "teams": len(teams),
        "teams_by_type": sorted(by_type.items()),
        "joiners_90d": sum(1 for p in active if p["start_date"] > on - timedelta(days=90)),
        "leavers_365d": sum(
            1
            for p in people
            if p["end_date"] is not None and on - timedelta(days=365) < p["end_date"] <= on
        )
        if may_see_leavers
        else None,
    }
