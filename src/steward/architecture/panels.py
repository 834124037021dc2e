"""What architecture adds to pages of lower apps (core.registry.register_page_panel)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from steward.core.registry import Panel, PanelRow
from steward.core.templatetags.steward_format import format_number


def cross_team_coupling(user: Any, request: Any) -> Panel | None:
    """On the change-coupling page: module pairs owned by different teams that change
    together, undeclared interactions first (METRICS.md cross-team coupling)."""
    from django.core.exceptions import PermissionDenied

    from steward.architecture import selectors

    try:
        data = selectors.cross_team_coupling(actor=user)
    except PermissionDenied:
        return None
    rows = []
    for pair in data["pairs"]:
        declared = (
            f"declared interaction: {', '.join(pair['modes'])}"
            if pair["declared"]
            else "no declared interaction"
        )
        rows.append(
            PanelRow(
                f"{pair['module_team_name']} and {pair['coupled_team_name']}: "
                f"{pair['module_title']} with {pair['coupled_title']} in {pair['repo']}",
                f"change together in {format_number(pair['degree'])} % of their commits "
                f"({format_number(pair['shared'])} shared of "
                f"{format_number(pair['revisions_module'])} and "
                f"{format_number(pair['revisions_coupled'])}); {declared}",
                reverse("knowledge:coupling") + "?" + urlencode({"repo": pair["repo"]}),
            )
        )
    return Panel(
        title="Cross-team coupling (code owned by different teams that changes together)",
        rows=tuple(rows),
        empty=(
            "No code owned by different teams changes together "
            "(modules are catalog entities with paths in a repository)."
        ),
        more_url=reverse("orgdesign:health"),
        more_label="Declared team interactions (organization health)",
    )
