"""Plain-language labels for organization design codes (registered in OrgDesignConfig.ready):
structure flags and figures, scenario change fields, allocation kinds, plan and scenario states."""

from __future__ import annotations

from steward.core import labels

STRUCTURE_FLAGS = {
    "reporting_cycle": "Reporting cycle",
    "reports_to_inactive_manager": "Reports to someone who left",
    "span_over_8": "Span of control over 8",
    "team_over_9": "Team over 9 people",
    "team_of_one": "Team of one",
    "team_empty": "Team without members",
    "team_under_5": "Team under 5 people",
    "span_under_3": "Span of control under 3",
    "manager_without_team": "Manager without a team",
    "person_without_team": "Person without a team",
    "seniority_mix_off_target": "Seniority mix off target",
    "timezone_spread": "Time zones too far apart",
    "collaboration_overload": "Too many collaborations",
}

STRUCTURE_FIGURES = {
    "people": "People",
    "managers": "Managers",
    "individual_contributors": "Individual contributors",
    "manager_to_ic_ratio": "Manager to IC ratio (ICs per manager)",
    "layers": "Management layers",
    "span_median": "Median span of control",
    "span_max": "Largest span of control",
    "flags": "Structural flags",
    "senior_share": "Share of senior levels",
}

SCENARIO_FIELDS = {
    "person": "Person",
    "people": "People",
    "team": "Team",
    "manager": "Manager",
    "source": "From team",
    "into": "Into team",
    "new_slug": "New team code",
    "new_name": "New team name",
    "slug": "Team code",
    "name": "Name",
    "type": "Team type",
    "lead": "Lead",
    "key": "Hire",
    "level": "Level",
    "expected_start": "Expected start",
    "salary": "Salary",
    "currency": "Currency",
    "location": "Location",
    "on": "On",
    "follow_lead": "Report to the team's lead",
}


def register_labels() -> None:
    """Register the organization design codes with the labels registry."""
    from steward.orgdesign import models

    labels.register(STRUCTURE_FLAGS, "flag")
    labels.register(STRUCTURE_FLAGS)
    labels.register(STRUCTURE_FIGURES)
    labels.register(SCENARIO_FIELDS, "scenario_field")
    for choices, namespace in (
        (models.AllocationKind, "allocation"),
        (models.InteractionMode, "interaction"),
        (models.CompositionMetric, "composition"),
        (models.PlanKind, "plan_kind"),
        (models.PlanStatus, "plan_status"),
        (models.ScenarioStatus, "scenario_status"),
        (models.ChangeKind, "change"),
    ):
        labels.register_choices(choices, namespace)
        labels.register_choices(choices)
    # "manager_to_ic_ratio" is a composition metric too; keep the figure's fuller label.
    labels.register({"manager_to_ic_ratio": STRUCTURE_FIGURES["manager_to_ic_ratio"]})
