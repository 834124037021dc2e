"""Reads for the prioritization page: WSJF and RICE side by side, and the value-vs-effort
chart."""

from __future__ import annotations

from typing import Any

from steward.core import policy
from steward.core.errors import BadInput
from steward.strategy import scoring
from steward.strategy.charts import value_effort_svg as value_effort_svg
from steward.strategy.models import (
    Initiative,
)
from steward.strategy.selectors.initiatives import effort_total, initiative_list

Actor = policy.Actor


def _scored(initiative: Initiative) -> scoring.Scored:
    return scoring.Scored(
        key=initiative.key,
        value=initiative.value,
        time_criticality=initiative.time_criticality,
        risk_reduction=initiative.risk_reduction,
        job_size=initiative.job_size,
        reach=float(initiative.reach),
        impact=float(initiative.impact),
        confidence=float(initiative.confidence),
        effort_months=scoring.person_months(effort_total(initiative)),
    )


SORT_KEYS = ("wsjf", "rice", "cost", "effort", "key", "feasibility", "value")


def prioritization(*, actor: Actor, sort: str = "wsjf", team: str | None = None) -> dict[str, Any]:
    """WSJF and RICE side by side with cost, effort and feasibility; ranks; one-step changes."""
    items = [
        i for i in initiative_list(actor=actor, team=team) if i.status not in ("done", "dropped")
    ]
    scored = [_scored(i) for i in items]
    wsjf_rank = scoring.ranks(scored, "wsjf")
    rice_rank = scoring.ranks(scored, "rice")
    rows = []
    for initiative, s in zip(items, scored, strict=True):
        rows.append(
            {
                "key": initiative.key,
                "title": initiative.title,
                "wsjf": round(s.wsjf, 2),
                "wsjf_rank": wsjf_rank[initiative.key],
                "rice": None if s.rice is None else round(s.rice, 1),
                "rice_rank": rice_rank[initiative.key],
                "cost": float(initiative.cost),
                "effort_person_weeks": float(effort_total(initiative)),
                "feasibility": initiative.feasibility,
                "technical_risk": initiative.technical_risk,
                "value": initiative.value,
                "status": initiative.status,
                "horizon": initiative.horizon,
            }
        )
    feasibility_order = {"high": 0, "medium": 1, "low": 2}
    order = {
        "wsjf": lambda r: (r["wsjf_rank"], r["key"]),
        "rice": lambda r: (r["rice_rank"], r["key"]),
        "cost": lambda r: (r["cost"], r["key"]),
        "effort": lambda r: (r["effort_person_weeks"], r["key"]),
        "key": lambda r: r["key"],
        "feasibility": lambda r: (feasibility_order.get(r["feasibility"], 3), r["key"]),
        "value": lambda r: (-r["value"], r["key"]),
    }
    if sort not in order:
        raise BadInput(f"sort: {sort!r} is not accepted (use one of: {', '.join(SORT_KEYS)})")
    rows.sort(key=order[sort])  # type: ignore[arg-type]
    return {"sort": sort, "items": rows, "sensitivity": scoring.rank_sensitivity(scored)}
