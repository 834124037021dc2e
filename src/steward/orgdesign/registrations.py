"""What organization design plugs into core: policy rules, navigation links, org-as-code kinds."""

from __future__ import annotations

from steward.core import navigation, policy
from steward.core.backup import register_renamed_model
from steward.core.registry import register_finding_rule
from steward.orgdesign import insights

# Moved from `org` (same tables); backups written before the move name them `org.<model>`.
MOVED_FROM_ORG = (
    "teamallocation",
    "teaminteraction",
    "levelmixtarget",
    "compositiontarget",
    "burdenrate",
    "exchangerate",
    "headcountplanentry",
    "scenario",
    "scenariochange",
)


def register() -> None:
    """Called once from `OrgDesignConfig.ready()`."""
    # Declared team structure (allocations, interactions, composition targets) is open to all.
    policy.register_open_models(
        "orgdesign.teamallocation",
        "orgdesign.teaminteraction",
        "orgdesign.levelmixtarget",
        "orgdesign.compositiontarget",
    )
    # Organization plans: planner roles; managers see the plan and only their own scenarios.
    policy.register_row_scope("orgdesign.scenario", policy.plan_rows(drafted_by="owner"))
    for label in ("orgdesign.headcountplanentry", "orgdesign.burdenrate", "orgdesign.exchangerate"):
        policy.register_row_scope(label, policy.plan_rows())
    policy.register_editors("orgdesign", policy.may_change_org)

    navigation.register_link(
        "People & team", "Headcount plan", "orgdesign:headcount_plan", policy.ORG_PLANNER_ROLES
    )
    area = "Structure & process"
    navigation.register_link(area, "Organization health", "orgdesign:health")
    navigation.register_link(area, "Capacity", "orgdesign:capacity")
    navigation.register_link(
        area, "Reorg scenarios", "orgdesign:scenario_list", policy.ORG_PLANNER_ROLES
    )

    for model in MOVED_FROM_ORG:
        register_renamed_model(f"org.{model}", f"orgdesign.{model}")

    # The design kinds of org as code (`steward export` / `import-all`) register on import.
    import steward.orgdesign.orgcode  # noqa: F401

    register_finding_rule("span-of-control", insights.span_of_control)
    register_finding_rule("team-size", insights.team_size)
