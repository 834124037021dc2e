"""Reads for the objectives page: objectives, their key results and check-ins, and the tree
of objectives with the initiatives that serve them."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from steward.core import policy
from steward.strategy import scoring
from steward.strategy.models import (
    KeyResult,
    Objective,
)
from steward.strategy.selectors.initiatives import initiative_list

Actor = policy.Actor


def objective_list(*, actor: Actor) -> QuerySet[Objective]:
    """Objectives with owner, key results and team goals prefetched."""
    return (
        policy.visible(actor, "strategy.Objective")
        .select_related("owner")
        .prefetch_related("key_results", "team_goals__team")
    )


def objective_get(*, actor: Actor, key: str) -> Objective | None:
    """The objective `key` if visible."""
    return objective_list(actor=actor).filter(key=key).first()


def key_result_dict(kr: KeyResult) -> dict[str, Any]:
    """A key result with its progress."""
    return {
        "objective_key": kr.objective.key,
        "key": kr.key,
        "title": kr.title,
        "metric": kr.metric,
        "unit": kr.unit,
        "baseline": float(kr.baseline),
        "target": float(kr.target),
        "current": float(kr.current),
        "confidence": float(kr.confidence),
        "progress": round(kr.progress, 4),
    }


def objective_dict(objective: Objective) -> dict[str, Any]:
    """An objective with its key results and progress (mean of the key results' progress)."""
    krs = [key_result_dict(kr) for kr in objective.key_results.all()]
    progress = scoring.objective_progress(kr["progress"] for kr in krs)
    return {
        "key": objective.key,
        "title": objective.title,
        "description": objective.description,
        "owner_employee_id": objective.owner.employee_id if objective.owner else None,
        "owner": objective.owner.name if objective.owner else None,
        "start": objective.start,
        "end": objective.end,
        "priority": objective.priority,
        "progress": None if progress is None else round(progress, 4),
        "key_results": krs,
        "team_goals": [
            {"team": g.team.slug, "title": g.title, "description": g.description}
            for g in objective.team_goals.all()
        ],
    }


def key_result_history(*, actor: Actor, objective_key: str, key: str) -> dict[str, Any] | None:
    """A key result with every check-in, oldest first."""
    kr = (
        policy.visible(actor, "strategy.KeyResult")
        .select_related("objective")
        .filter(objective__key=objective_key, key=key)
        .first()
    )
    if kr is None:
        return None
    data = key_result_dict(kr)
    data["check_ins"] = [
        {
            "id": c.pk,
            "on": c.on,
            "value": float(c.value),
            "confidence": float(c.confidence),
            "note": c.note,
        }
        for c in kr.check_ins.all()
    ]
    return data


def objective_tree(*, actor: Actor) -> list[dict[str, Any]]:
    """Objectives → key results and initiatives (with weight and status), with progress."""
    by_objective: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for initiative in initiative_list(actor=actor):
        for link in initiative.objective_links.all():
            by_objective[link.objective_id].append(
                {
                    "key": initiative.key,
                    "title": initiative.title,
                    "weight": float(link.weight),
                    "status": initiative.status,
                    "horizon": initiative.horizon,
                    "planned_start": initiative.planned_start or None,
                }
            )
    tree = []
    for objective in objective_list(actor=actor):
        data = objective_dict(objective)
        data["initiatives"] = by_objective.get(objective.pk, [])
        done = [i for i in data["initiatives"] if i["status"] == "done"]
        data["initiatives_done"] = len(done)
        tree.append(data)
    return tree
