"""Engineering evidence: repositories, commits, deployments, incidents and delivery metrics."""

from django.apps import AppConfig


class EngineeringConfig(AppConfig):
    """The engineering app."""

    name = "steward.engineering"
    label = "engineering"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the engineering import kinds (loaded lazily on first use)."""
        from steward.core.importing import register_importer

        register_importer("deployments", "steward.engineering.importers.DeploymentImporter")
        register_importer("incidents", "steward.engineering.importers.IncidentImporter")
