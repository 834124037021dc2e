"""Architecture stewardship: decision records (ADRs)."""

from django.apps import AppConfig


class ArchitectureConfig(AppConfig):
    """The architecture app; registers its policy rules, navigation links and import kinds."""

    name = "steward.architecture"
    label = "architecture"
    verbose_name = "Architecture"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the architecture policy rules, navigation links and import kinds."""
        from steward.architecture.registrations import register

        register()
