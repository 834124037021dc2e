"""What the knowledge app plugs into core: navigation links and the cockpit finding rule."""

from __future__ import annotations

from datetime import date
from typing import Any

from steward.core import navigation
from steward.core.registry import (
    Finding,
    register_finding_rule,
    register_page_panel,
    register_panel,
)


def teams_with_truck_factor_one(user: Any, on: date) -> list[Finding]:
    """A team whose repositories' knowledge rests on a single person (truck factor 1)."""
    from django.urls import reverse

    from steward.knowledge import selectors

    findings = []
    for team in selectors.teams_with_repositories(user):
        try:
            data = selectors.team_truck_factor(actor=user, team=team)
        except selectors.KnowledgeError:
            continue
        if data["truck_factor"] == 1:
            findings.append(
                Finding(
                    rule="knowledge.truck_factor_one",
                    severity="warning",
                    statement=(
                        f"{team.name}: truck factor 1 — one person's departure would leave "
                        f"most of its {data['files_analyzed']:,} files without an author."
                    ),
                    url=reverse("knowledge:risk") + f"#team-{team.slug}",
                )
            )
    return findings


def register() -> None:
    """Called once from `KnowledgeConfig.ready()`."""
    area = "Architecture & delivery"
    navigation.register_link(area, "Code knowledge", "knowledge:risk")
    navigation.register_link(area, "Hotspots", "knowledge:hotspots")
    navigation.register_link(area, "Change coupling", "knowledge:coupling")
    register_finding_rule("knowledge.truck_factor_one", teams_with_truck_factor_one)
    from steward.knowledge import panels

    register_panel("team", "code-knowledge", panels.team_knowledge)
    register_panel("person", "code-knowledge", panels.person_knowledge)
    register_page_panel("knowledge:coupling", "cross-repository", panels.cross_repository_coupling)
