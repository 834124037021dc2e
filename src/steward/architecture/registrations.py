"""What the architecture app plugs into core: policy rules, navigation links, import kinds."""

from __future__ import annotations

from steward.architecture import rules, search
from steward.core import labels, navigation, policy
from steward.core.importing import register_importer
from steward.core.registry import (
    register_finding_rule,
    register_page_panel,
    register_search_provider,
)


def register() -> None:
    """Called once from `ArchitectureConfig.ready()`."""
    # Everyone reads decisions, the radar, the catalog and the debt register; architects, the
    # CTO and admins decide (team leads edit their own components and debt items: rules.py).
    policy.register_open_models(
        "architecture.decision",
        "architecture.radarquadrant",
        "architecture.radarring",
        "architecture.technology",
        "architecture.blipevent",
        "architecture.technologyuse",
        "architecture.repositorydetection",
        "architecture.component",
        "architecture.debtitem",
        "architecture.decisioninitiative",
    )
    policy.register_editors("architecture", rules.may_decide)

    navigation.register_link("Architecture & delivery", "Decisions", "architecture:decisions")
    labels.register(
        {"new": "new", "in": "moved in", "out": "moved out", "unchanged": "no change"},
        "radar-move",
    )
    labels.register(
        {
            "component": "Component",
            "system": "System",
            "api": "API",
            "resource": "Resource",
            "domain": "Domain",
        },
        "catalog-kind",
    )
    navigation.register_link("Architecture & delivery", "Tech radar", "architecture:radar")
    navigation.register_link("Architecture & delivery", "Service catalog", "architecture:catalog")
    navigation.register_link("Architecture & delivery", "Tech debt", "architecture:debt")

    register_importer("decisions", "steward.architecture.importers.DecisionsImporter")
    register_importer("radar", "steward.architecture.importers.RadarImporter")
    register_importer("catalog", "steward.architecture.importers.CatalogImporter")

    from steward.architecture.selectors import hold_in_use_findings

    register_finding_rule("architecture.hold-in-use", hold_in_use_findings)
    # Cross-team coupling needs the catalog (module owners), organization design (declared
    # interactions) and code knowledge (coupling); architecture is the lowest floor that may
    # read all three, so it computes the comparison and shows it on knowledge's coupling page.
    from steward.architecture import panels
    from steward.architecture.selectors import undeclared_coupling_findings

    register_finding_rule("architecture.undeclared-coupling", undeclared_coupling_findings)
    # Technologies in use are detected when a repository is ingested (issue 11 item 3), again
    # only when its head moved (services.detect_at_ingest).
    from steward.architecture.services import detect_at_ingest
    from steward.engineering.ingest import register_after_ingest

    register_after_ingest("architecture.detect", detect_at_ingest)
    register_page_panel("knowledge:coupling", "cross-team", panels.cross_team_coupling)
    # Team–code alignment per module (issue 10 item 5): the catalog's entities with paths.
    from steward.architecture.selectors import module_scopes
    from steward.knowledge.selectors import register_module_provider

    register_module_provider("architecture.catalog", module_scopes)
    register_search_provider("decisions", search.decisions)
