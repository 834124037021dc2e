"""Plain-language labels for the organization's codes (registered in OrgConfig.ready)."""

from __future__ import annotations

from steward.core import labels


def register_labels() -> None:
    """Register the organization's codes with the labels registry."""
    from steward.org import models

    for choices, namespace in (
        (models.TeamType, "team_type"),
        (models.Track, "track"),
        (models.TerminationType, "termination"),
    ):
        labels.register_choices(choices, namespace)
        labels.register_choices(choices)
