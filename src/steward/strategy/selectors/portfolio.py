"""Reads for planning: team capacity and the portfolio instance the optimizer solves."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from steward.core import policy
from steward.core.errors import BadInput
from steward.core.periods import Quarter, quarter_range
from steward.strategy.models import (
    Initiative,
    QuarterBudget,
)
from steward.strategy.selectors.initiatives import initiative_list


def team_capacity(
    *, quarters: list[Quarter], scenario: int | None = None
) -> dict[str, dict[str, float]]:
    """Person-weeks per team and quarter (METRICS.md "Capacity"), from the organization app:
    the live organization, or the organization after a reorg scenario's changes."""
    from steward.orgdesign import selectors as design_selectors

    if scenario is None:
        report = design_selectors.capacity_report(actor=policy.SYSTEM, quarters=quarters)
        return {
            row["team"]: {q: float(v["person_weeks"]) for q, v in row["quarters"].items()}
            for row in report["teams"]
        }
    from steward.orgdesign.capacity import capacity

    found = design_selectors.scenario_get(actor=policy.SYSTEM, scenario_id=scenario)
    if found is None:
        raise BadInput(f"--scenario {scenario}: no such scenario")
    live, _assignments, result = design_selectors.scenario_outcome(found)
    teams = sorted(set(live.teams) | set(result.snapshot.teams))
    after = capacity(result.assignments, design_selectors.allocations(), quarters, teams)
    return {
        team: {q: float(v["person_weeks"]) for q, v in per_quarter.items()}
        for team, per_quarter in after.items()
    }


def _ordinal(quarter: str) -> int:
    return int(quarter[:4]) * 4 + int(quarter[5]) - 1


def _quarter_budgets(names: list[str]) -> dict[str, Any]:
    """The budget of each of the plan's quarters: every quarter has one, or none has."""
    budgets = dict(QuarterBudget.objects.filter(quarter__in=names).values_list("quarter", "amount"))
    missing = [q for q in names if q not in budgets]
    if budgets and missing:
        raise BadInput(
            f"budget: no budget for {', '.join(missing)} (set one for every quarter, or none)"
        )
    return budgets


def _split_fixed(replan_in_progress: bool) -> tuple[dict[str, Initiative], list[Initiative]]:
    """The initiatives that take part (not done or dropped): those that stay where they are (in
    progress with a planned start, unless replanned), by key, and those the plan places."""
    active = [
        i for i in initiative_list(actor=policy.SYSTEM) if i.status not in ("done", "dropped")
    ]
    fixed = {
        i.key: i
        for i in active
        if not replan_in_progress and i.status == "in-progress" and i.planned_start
    }
    return fixed, [i for i in active if i.key not in fixed]


@dataclass
class _Taken:
    """What the fixed initiatives take in the plan's quarters."""

    load: defaultdict[tuple[str, str], float]  # (team, quarter) -> person-weeks
    spend: defaultdict[str, float]  # quarter -> money
    ends: dict[str, int]  # fixed key -> ordinal of its last quarter


def _taken_by_fixed(fixed: dict[str, Initiative], names: list[str]) -> _Taken:
    """Each fixed initiative's effort and cost spread evenly over its quarters from its planned
    start, as far as they fall in the plan."""
    first = _ordinal(names[0])
    taken = _Taken(load=defaultdict(float), spend=defaultdict(float), ends={})
    for initiative in fixed.values():
        start = _ordinal(initiative.planned_start)
        taken.ends[initiative.key] = start + initiative.duration - 1
        for k in range(start, start + initiative.duration):
            if not 0 <= k - first < len(names):
                continue
            quarter = names[k - first]
            for effort in initiative.efforts.all():
                taken.load[(effort.team.slug, quarter)] += (
                    float(effort.person_weeks) / initiative.duration
                )
            taken.spend[quarter] += float(initiative.cost) / initiative.duration
    return taken


def _left(total: float, taken: float) -> float:
    """What is left of a capacity or a budget (never below 0)."""
    return round(max(0.0, total - taken), 2)


def _teams(
    items: list[Initiative],
    capacity: dict[str, dict[str, float]],
    load: defaultdict[tuple[str, str], float],
    names: list[str],
) -> list[dict[str, Any]]:
    """The teams the placed initiatives need, with the capacity the fixed ones leave them."""
    used_teams = sorted({e.team.slug for i in items for e in i.efforts.all()})
    return [
        {
            "id": t,
            "capacity": {q: _left(capacity.get(t, {}).get(q, 0.0), load[(t, q)]) for q in names},
        }
        for t in used_teams
    ]


def _overcommitted(
    load: defaultdict[tuple[str, str], float], capacity: dict[str, dict[str, float]]
) -> list[str]:
    """The team-quarters whose capacity the fixed initiatives alone exceed."""
    return sorted(
        f"{team} {q}"
        for (team, q), weeks in load.items()
        if weeks > capacity.get(team, {}).get(q, 0.0) + 1e-9
    )


def _earliest(initiative: Initiative, ends: dict[str, int], first: int) -> str | None:
    """Its own earliest quarter, and after every fixed initiative it depends on has ended."""
    after = [ends[d.key] + 1 for d in initiative.depends_on.all() if d.key in ends]
    best = max([_ordinal(initiative.earliest) if initiative.earliest else first, *after])
    return None if best <= first and not initiative.earliest else f"{best // 4}Q{best % 4 + 1}"


def _instance_item(
    initiative: Initiative, keys: set[str], ends: dict[str, int], first: int
) -> dict[str, Any]:
    """An initiative as the optimizer reads it; value is the WSJF cost of delay."""
    i = initiative
    return {
        "id": i.key,
        "value": float(i.value + i.time_criticality + i.risk_reduction),
        "effort": {e.team.slug: float(e.person_weeks) for e in i.efforts.all()},
        "cost": float(i.cost),
        "duration": i.duration,
        "depends_on": sorted(d.key for d in i.depends_on.all() if d.key in keys),
        "mandatory": i.mandatory,
        "earliest": _earliest(i, ends, first),
        "deadline": i.deadline or None,
    }


def portfolio_instance(
    *, quarters: str, scenario: int | None = None, replan_in_progress: bool = False
) -> dict[str, Any]:
    """The CONTRACT.md portfolio instance built from the database for `quarters` (A..B).

    Initiatives that are not done or dropped take part; the optimizer's value is the WSJF cost
    of delay (value + time criticality + risk reduction); a dependency on an initiative that is
    done (or dropped) is left out; the budget applies when every quarter has one.

    In-progress initiatives with a planned start stay where they are unless
    `replan_in_progress`: they are not decisions of this plan, so they leave the instance,
    the person-weeks and money they take in the planned quarters (their effort and cost spread
    evenly over `duration` quarters from `planned_start`) are taken off the capacities and
    budgets (never below 0), and what depends on them starts after they end. They are listed
    under the extra key `fixed` (key -> planned start), with `overcommitted` naming the
    team-quarters whose capacity they alone exceed.
    """
    span = quarter_range(quarters)
    names = [str(q) for q in span]
    capacity = team_capacity(quarters=span, scenario=scenario)
    budgets = _quarter_budgets(names)
    fixed, items = _split_fixed(replan_in_progress)
    keys = {i.key for i in items}
    first = _ordinal(names[0])
    taken = _taken_by_fixed(fixed, names)
    teams = _teams(items, capacity, taken.load, names)
    return {
        "quarters": names,
        "discount_per_quarter": 0.0,
        "teams": teams,
        "budget": (
            {q: _left(float(budgets[q]), taken.spend[q]) for q in names} if budgets else None
        ),
        "initiatives": [_instance_item(i, keys, taken.ends, first) for i in items],
        "fixed": {key: i.planned_start for key, i in sorted(fixed.items())},
        "overcommitted": _overcommitted(taken.load, capacity),
    }
