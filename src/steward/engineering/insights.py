"""Cockpit findings of the engineering app: a DORA key whose level moved down.

Registered from `registrations.py` into `core.registry`; the cockpit never imports this module.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from steward.core import policy
from steward.core.registry import Finding

WINDOW_DAYS = 90
LEVELS = ("low", "medium", "high", "elite")  # worst first; "no data" is not ranked
KEYS = {
    "deployment_frequency": "deployment frequency",
    "lead_time_for_changes": "lead time for changes",
    "change_failure_rate": "change failure rate",
    "failed_deployment_recovery_time": "failed deployment recovery time",
}


def possessive(name: str) -> str:
    """The possessive of a team's name: Payments' and Core Platform's."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _figure(key: str, metric: dict[str, Any]) -> str:
    """The figure behind a key's level, in words (METRICS.md "Delivery")."""
    if key == "deployment_frequency":
        days = metric["deployment_days_per_week_median"]
        return f"deployments on {days:g} day{'' if days == 1 else 's'} a week"
    if key == "change_failure_rate":
        return f"{metric['rate'] * 100:.0f} % of deployments failed"
    return f"median {metric['median_hours']:,.1f} h"


def dora_level_down(actor: policy.Actor, on: date) -> list[Finding]:
    """A team's DORA key whose level in the last 90 days is below its level in the 90 days
    before (METRICS.md levels; a period without data compares with nothing)."""
    from django.urls import reverse

    from steward.engineering import selectors
    from steward.org import selectors as org_selectors

    names = org_selectors.team_names_by_slug()
    repos = selectors.repository_list(actor=actor)
    teams = sorted({slug for slug in repos.values_list("team__slug", flat=True) if slug})
    now_start, before_start = on - timedelta(days=WINDOW_DAYS), on - timedelta(days=2 * WINDOW_DAYS)
    now = selectors.dora_metrics_by_team(actor=actor, teams=teams, start=now_start, end=on)
    before = selectors.dora_metrics_by_team(
        actor=actor, teams=teams, start=before_start, end=now_start
    )
    found = []
    for slug in teams:
        for key, words in KEYS.items():
            was, is_ = before[slug][key], now[slug][key]
            if was["level"] not in LEVELS or is_["level"] not in LEVELS:
                continue
            drop = LEVELS.index(was["level"]) - LEVELS.index(is_["level"])
            if drop <= 0:
                continue
            team = names.get(slug, slug)
            found.append(
                Finding(
                    rule="dora-level-down",
                    severity="critical" if drop >= 2 or is_["level"] == "low" else "warning",
                    statement=(
                        f"{possessive(team)} {words} moved from {was['level']} to {is_['level']}: "
                        f"{_figure(key, is_)} in the last {WINDOW_DAYS} days, "
                        f"{_figure(key, was)} the {WINDOW_DAYS} days before"
                    ),
                    url=(
                        f"{reverse('engineering:delivery')}?team={slug}"
                        f"&from={now_start.isoformat()}&to={on.isoformat()}"
                    ),
                    owner=team,
                    key=f"{slug}:{key}",
                    figure=f"{was['level']}->{is_['level']}",
                    subject=f"team:{slug}",
                )
            )
    return found
