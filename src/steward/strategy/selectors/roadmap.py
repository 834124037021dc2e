"""Reads for the roadmap and the now / next / later board."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from steward.core import policy
from steward.core.periods import Quarter, quarter_of, quarter_range
from steward.org import selectors as org_selectors
from steward.strategy.selectors.initiatives import initiative_list

Actor = policy.Actor


def _quarters_around(today: date, before: int = 1, count: int = 6) -> list[Quarter]:
    first = quarter_of(today) - before
    return [first + n for n in range(count)]


def roadmap(
    *, actor: Actor, quarters: list[Quarter] | None = None, today: date | None = None
) -> dict[str, Any]:
    """The quarter-by-quarter timeline: one lane per team, initiatives in their planned quarters."""
    quarters = quarters or _quarters_around(today or date.today())
    names = [str(q) for q in quarters]
    lanes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    unplanned: list[dict[str, Any]] = []
    team_names = org_selectors.team_names_by_slug()
    for initiative in initiative_list(actor=actor):
        if initiative.status == "dropped":
            continue
        teams = sorted({e.team.slug for e in initiative.efforts.all()})
        if not teams and initiative.owner_team:
            teams = [initiative.owner_team.slug]
        entry: dict[str, Any] = {
            "key": initiative.key,
            "title": initiative.title,
            "status": initiative.status,
            "start": initiative.planned_start or None,
            "duration": initiative.duration,
        }
        if not initiative.planned_start:
            unplanned.append(entry)
            continue
        start = quarter_range(initiative.planned_start)[0]
        span = [str(start + n) for n in range(initiative.duration)]
        cells = [q in span for q in names]
        if not any(cells):
            continue
        entry["cells"] = cells
        for team in teams:
            lanes[team].append(entry)
    return {
        "quarters": names,
        "lanes": [
            {"team": team, "name": team_names.get(team, team), "items": items}
            for team, items in sorted(lanes.items())
        ],
        "unplanned": unplanned,
    }


def board(*, actor: Actor, team: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The now / next / later board (dropped and done initiatives left out)."""
    columns: dict[str, list[dict[str, Any]]] = {"now": [], "next": [], "later": []}
    for initiative in initiative_list(actor=actor, team=team):
        if initiative.status in ("dropped", "done"):
            continue
        columns[initiative.horizon].append(
            {
                "key": initiative.key,
                "title": initiative.title,
                "status": initiative.status,
                "owner_team": initiative.owner_team.slug if initiative.owner_team else None,
                "owner_team_name": initiative.owner_team.name if initiative.owner_team else None,
                "objectives": [link.objective.key for link in initiative.objective_links.all()],
            }
        )
    return columns
