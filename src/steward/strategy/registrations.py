"""What the strategy app plugs into core: policy rules, navigation links, import kinds."""

from __future__ import annotations

from steward.core import navigation, policy
from steward.core.importing import register_importer
from steward.core.registry import register_finding_rule, register_panel, register_search_provider
from steward.strategy import insights, panels, search


def register() -> None:
    """Called once from `StrategyConfig.ready()`."""
    # The strategy (objectives, roadmap, pipeline) is shared with everyone who builds it.
    policy.register_open_models(
        "strategy.objective",
        "strategy.keyresult",
        "strategy.checkin",
        "strategy.teamgoal",
        "strategy.initiative",
        "strategy.initiativeobjective",
        "strategy.initiativeeffort",
        "strategy.quarterbudget",
        "strategy.idea",
        "strategy.improvementaction",
    )
    policy.register_editors("strategy", policy.may_change_strategy)

    area = "Strategy & roadmap"
    navigation.register_link(area, "Objectives", "strategy:objectives")
    navigation.register_link(area, "Initiatives", "strategy:initiatives")
    navigation.register_link(area, "Roadmap", "strategy:roadmap")
    navigation.register_link(area, "Now / next / later", "strategy:board")
    navigation.register_link(area, "Alignment", "strategy:alignment")
    navigation.register_link(area, "Innovation & improvement", "strategy:innovation")
    area = "Product trade-offs"
    navigation.register_link(area, "Prioritization", "strategy:prioritization")
    navigation.register_link(area, "Portfolio plan", "strategy:plan")

    register_importer("objectives", "steward.strategy.importers.ObjectivesImporter")
    register_importer("key-results", "steward.strategy.importers.KeyResultsImporter")
    register_importer("initiatives", "steward.strategy.importers.InitiativesImporter")

    register_search_provider("objectives", search.objectives)
    register_search_provider("initiatives", search.initiatives)
    register_panel("team", "initiatives", panels.team_initiatives)
    register_panel("person", "ownership", panels.person_ownership)
    register_finding_rule("starved-objective", insights.starved_objectives)
    register_finding_rule("bottleneck-team", insights.bottleneck_teams)
