"""Reads for the initiatives pages: initiatives with their links, efforts and dependencies."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from steward.core import policy
from steward.strategy import scoring
from steward.strategy.models import (
    Initiative,
    InitiativeEffort,
    InitiativeObjective,
)

Actor = policy.Actor


def initiative_list(
    *,
    actor: Actor,
    team: str | None = None,
    horizon: str | None = None,
    status: str | None = None,
) -> QuerySet[Initiative]:
    """Initiatives with links, efforts and dependencies prefetched; filter by team (owner or
    contributing), horizon and status."""
    qs = policy.visible(actor, "strategy.Initiative").select_related("owner_team", "owner")
    if team:
        qs = qs.filter(efforts__team__slug=team) | qs.filter(owner_team__slug=team)
        qs = qs.distinct()
    if horizon:
        qs = qs.filter(horizon=horizon)
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related(
        Prefetch(
            "objective_links",
            queryset=InitiativeObjective.objects.select_related("objective").order_by(
                "objective__priority", "objective__key"
            ),
        ),
        Prefetch("efforts", queryset=InitiativeEffort.objects.select_related("team")),
        Prefetch("depends_on", queryset=Initiative.objects.only("id", "key")),
    ).order_by("key")


def initiative_get(*, actor: Actor, key: str) -> Initiative | None:
    """The initiative `key` if visible."""
    return initiative_list(actor=actor).filter(key=key).first()


def effort_total(initiative: Initiative) -> Decimal:
    """Estimated person-weeks over all teams."""
    return sum((e.person_weeks for e in initiative.efforts.all()), Decimal(0))


def initiative_dict(initiative: Initiative) -> dict[str, Any]:
    """An initiative in the vocabulary of the CSV and the API."""
    effort = effort_total(initiative)
    months = scoring.person_months(effort)
    return {
        "key": initiative.key,
        "title": initiative.title,
        "description": initiative.description,
        "objectives": [
            {"key": link.objective.key, "weight": float(link.weight)}
            for link in initiative.objective_links.all()
        ],
        "owner_team": initiative.owner_team.slug if initiative.owner_team else None,
        "teams": sorted(e.team.slug for e in initiative.efforts.all()),
        "effort_person_weeks": {
            e.team.slug: float(e.person_weeks) for e in initiative.efforts.all()
        },
        "cost": float(initiative.cost),
        "value": initiative.value,
        "time_criticality": initiative.time_criticality,
        "risk_reduction": initiative.risk_reduction,
        "job_size": initiative.job_size,
        "reach": initiative.reach,
        "impact": float(initiative.impact),
        "confidence": float(initiative.confidence),
        "feasibility": initiative.feasibility,
        "technical_risk": initiative.technical_risk,
        "earliest": initiative.earliest or None,
        "deadline": initiative.deadline or None,
        "duration": initiative.duration,
        "mandatory": initiative.mandatory,
        "depends_on": sorted(d.key for d in initiative.depends_on.all()),
        "status": initiative.status,
        "horizon": initiative.horizon,
        "planned_start": initiative.planned_start or None,
        "link_keys": list(initiative.link_keys),
        "wsjf": round(initiative.wsjf, 4),
        "rice": None
        if (r := scoring.rice(initiative.reach, initiative.impact, initiative.confidence, months))
        is None
        else round(r, 4),
    }
