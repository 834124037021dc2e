"""What the engineering app plugs into core: policy rules, navigation links, import kinds."""

from __future__ import annotations

from steward.core import navigation, policy
from steward.core.importing import register_importer
from steward.core.registry import register_finding_rule, register_panel, register_search_provider
from steward.engineering import insights, panels, search


def register() -> None:
    """Called once from `EngineeringConfig.ready()`."""
    # Delivery evidence (git history, deployments, incidents) is open to every role; the rest
    # (identities, webhook sources) only to admins, who alone change engineering records.
    policy.register_open_models(
        "engineering.repository",
        "engineering.commit",
        "engineering.filechange",
        "engineering.tag",
        "engineering.linkkey",
        "engineering.deployment",
        "engineering.incident",
    )

    area = "Architecture & delivery"
    navigation.register_link(area, "Delivery", "engineering:delivery")
    navigation.register_link(area, "Repositories", "engineering:repositories")
    navigation.register_link(
        area, "Identities", "engineering:identities", frozenset({policy.Role.ADMIN})
    )

    register_importer("deployments", "steward.engineering.importers.DeploymentImporter")
    register_importer("incidents", "steward.engineering.importers.IncidentImporter")

    register_search_provider("repositories", search.repositories)
    register_panel("team", "repositories", panels.team_repositories)
    register_panel("person", "commits", panels.person_work)
    register_finding_rule("dora-level-down", insights.dora_level_down)
