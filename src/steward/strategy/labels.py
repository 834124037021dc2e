"""Plain-language labels for strategy codes (registered in StrategyConfig.ready)."""

from __future__ import annotations

from steward.core import labels

SCORE_INPUTS = {
    "wsjf": "WSJF (cost of delay ÷ job size)",
    "rice": "RICE (reach × impact × confidence ÷ effort)",
    "cost": "Cost",
    "effort": "Effort",
    "key": "Key",
    "feasibility": "Feasibility",
    "value": "Business value",
    "time_criticality": "Time criticality",
    "risk_reduction": "Risk reduction",
    "job_size": "Job size",
    "reach": "Reach",
    "impact": "Impact",
    "confidence": "Confidence",
    "technical_risk": "Technical risk",
    "effort_person_weeks": "Effort (person-weeks)",
}

SORT_KEYS = {
    "wsjf": "WSJF",
    "rice": "RICE",
    "cost": "Cost",
    "effort": "Effort",
    "key": "Key",
    "feasibility": "Feasibility",
    "value": "Value",
}


def register_labels() -> None:
    """Register the strategy codes with the labels registry."""
    from steward.strategy import models

    labels.register(SCORE_INPUTS)
    labels.register(SORT_KEYS, "sort")
    for choices, namespace in (
        (models.InitiativeStatus, "initiative_status"),
        (models.Horizon, "horizon"),
        (models.Level, "level"),
        (models.IdeaStatus, "idea_status"),
        (models.ActionSource, "action_source"),
    ):
        labels.register_choices(choices, namespace)
        labels.register_choices(choices)
    labels.register({"optimal": "Optimal", "infeasible": "Infeasible"}, "solve_status")
