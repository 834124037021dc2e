"""What the architecture app plugs into core: policy rules, navigation links, import kinds."""

from __future__ import annotations

from steward.architecture import rules, search
from steward.core import navigation, policy
from steward.core.importing import register_importer
from steward.core.registry import register_search_provider


def register() -> None:
    """Called once from `ArchitectureConfig.ready()`."""
    # Everyone reads the decisions; architects, the CTO and admins decide them.
    policy.register_open_models("architecture.decision")
    policy.register_editors("architecture", rules.may_decide)

    navigation.register_link("Architecture & delivery", "Decisions", "architecture:decisions")

    register_importer("decisions", "steward.architecture.importers.DecisionsImporter")

    register_search_provider("decisions", search.decisions)
