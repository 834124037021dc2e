"""Engineering evidence: repositories, commits, deployments, incidents and delivery metrics."""

from django.apps import AppConfig


class EngineeringConfig(AppConfig):
    """The engineering app."""

    name = "steward.engineering"
    label = "engineering"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the engineering policy rules, navigation links and import kinds."""
        from steward.engineering.registrations import register

        register()
        from steward.engineering.labels import register_labels

        register_labels()
