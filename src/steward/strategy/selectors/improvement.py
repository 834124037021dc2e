"""Reads for the innovation and improvement pages: ideas, improvement actions and the
bottlenecks the last plan found."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from steward.core import policy
from steward.strategy.models import (
    Idea,
    ImprovementAction,
)

Actor = policy.Actor


def idea_list(*, actor: Actor, status: str | None = None) -> QuerySet[Idea]:
    """Ideas and experiments of the pipeline."""
    qs = policy.visible(actor, "strategy.Idea").select_related("owner", "team")
    return qs.filter(status=status) if status else qs


def action_list(*, actor: Actor, team: str | None = None) -> QuerySet[ImprovementAction]:
    """Improvement actions, soonest due first."""
    qs = policy.visible(actor, "strategy.ImprovementAction").select_related("owner", "team")
    return qs.filter(team__slug=team) if team else qs


def action_closure(*, actor: Actor, today: date, team: str | None = None) -> dict[str, Any]:
    """Closure rate: closed actions ÷ all actions; overdue = open past their due date."""
    actions = list(action_list(actor=actor, team=team))
    closed = [a for a in actions if a.closed_on is not None]
    overdue = [a for a in actions if a.closed_on is None and a.due_on < today]
    on_time = [a for a in closed if a.closed_on is not None and a.closed_on <= a.due_on]
    return {
        "actions": len(actions),
        "closed": len(closed),
        "closure_rate": round(len(closed) / len(actions), 4) if actions else None,
        "closed_on_time": len(on_time),
        "overdue": len(overdue),
    }


def stored_bottlenecks() -> list[dict[str, Any]]:
    """The bottlenecks of the stored portfolio solutions (newest solution first): each
    `{team, quarter, marginal_value_of_13_person_weeks, computed_at}`. Reads what the plan
    page stored; solves nothing."""
    from steward.strategy.models import PlanSolution

    found = []
    for row in PlanSolution.objects.order_by("-computed_at"):
        for item in (row.result or {}).get("bottlenecks", []):
            found.append({**item, "computed_at": row.computed_at})
    return found
