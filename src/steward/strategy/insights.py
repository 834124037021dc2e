"""Cockpit findings of the strategy app: starved objectives and bottleneck teams.

Registered from `registrations.py` into `core.registry`; the cockpit never imports this module.
Each rule is a function of (actor, day) that reads only through the app's selectors and services.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from steward.core import policy
from steward.core.periods import quarter_of
from steward.core.registry import Finding

# The window whose effort is compared with the plan (the alignment page's default period).
WINDOW_DAYS = 90


def _percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def starved_objectives(actor: policy.Actor, on: date) -> list[Finding]:
    """An objective that received much less effort than the plan intends: under half of its
    intended share, or 10 points or more below it, when the plan gives it at least 5 %
    (the alignment page's call-out, METRICS.md "Activity and effort")."""
    from django.urls import reverse

    from steward.strategy import selectors

    start, end = on - timedelta(days=WINDOW_DAYS), on
    report = selectors.alignment_report(actor=actor, start=start, end=end)
    owners = {
        o.key: o.owner.name if o.owner is not None else ""
        for o in selectors.objective_list(actor=actor).select_related("owner")
    }
    url = f"{reverse('strategy:alignment')}?from={start.isoformat()}&to={end.isoformat()}"
    found = []
    for row in sorted(report["objectives"], key=lambda r: (r["priority"], r["key"])):
        share, plan = row["share"], row["intended_share"] or 0.0
        if share is None or plan < 0.05:
            continue
        if not (share < plan / 2 or plan - share >= 0.1):
            continue
        found.append(
            Finding(
                rule="starved-objective",
                severity="critical" if row["priority"] == 1 or share < plan / 4 else "warning",
                statement=(
                    f"{row['key']} ({row['title']}) is priority {row['priority']} and received "
                    f"{_percent(share)} of effort in the last {WINDOW_DAYS} days; "
                    f"plan {_percent(plan)}"
                ),
                url=url,
                owner=owners.get(row["key"], ""),
                key=row["key"],
                figure=f"{_percent(share)} of {_percent(plan)}",
            )
        )
    return found


def plan_quarters(on: date) -> str:
    """The four quarters after `on`'s (what the Portfolio plan page solves by default)."""
    first = quarter_of(on) + 1
    return f"{first}..{first + 3}"


def bottleneck_teams(actor: policy.Actor, on: date) -> list[Finding]:
    """A team whose capacity binds the portfolio plan, with what one more person (13
    person-weeks for a quarter) would add to the plan's value (CONTRACT.md "Portfolio")."""
    from django.urls import reverse

    from steward.org import selectors as org_selectors
    from steward.strategy import services
    from steward.strategy.solving import live_plan_limits

    policy.require(actor, "view", "strategy.initiative")
    quarters = plan_quarters(on)
    # The same request and limits as the plan page, so both share one stored solution.
    result: dict[str, Any] = services.plan_current(quarters=quarters, **live_plan_limits())
    if result.get("status") != "optimal":
        return []
    names = org_selectors.team_names_by_slug()
    url = f"{reverse('strategy:plan')}?quarters={quarters}"
    found = []
    for b in result.get("bottlenecks", []):
        gain = b.get("marginal_value_of_13_person_weeks")
        if not gain or gain <= 0:
            continue
        team = names.get(b["team"], b["team"])
        found.append(
            Finding(
                rule="bottleneck-team",
                severity="warning",
                statement=(
                    f"{team} is the bottleneck in {b['quarter']}: {b['used']:,.0f} of "
                    f"{b['capacity']:,.0f} person-weeks planned; one more person would add "
                    f"{gain:,.1f} to the plan's value"
                ),
                url=url,
                owner=team,
                key=f"{b['team']}:{b['quarter']}",
                figure=f"{gain:.1f}",
                subject=f"team:{b['team']}",
            )
        )
    return found
