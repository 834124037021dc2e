"""Plain-language labels for engineering codes (registered in EngineeringConfig.ready)."""

from __future__ import annotations

from steward.core import labels

DORA_LEVELS = {"elite": "Elite", "high": "High", "medium": "Medium", "low": "Low"}


def register_labels() -> None:
    """Register the engineering codes with the labels registry."""
    from steward.engineering import models

    labels.register(DORA_LEVELS, "dora_level")
    for choices, namespace in (
        (models.OwnerSource, "owner_source"),
        (models.IngestStatus, "ingest_status"),
        (models.DeploymentStatus, "deployment_status"),
        (models.RecordSource, "record_source"),
    ):
        labels.register_choices(choices, namespace)
    labels.register({"success": "Success", "failure": "Failure", "production": "Production"})
