"""Organization design: structure analysis, capacity, headcount plan and reorg scenarios."""

from django.apps import AppConfig


class OrgDesignConfig(AppConfig):
    """The organization design app; stands above `engineering` and reads `org` and `engineering`."""

    name = "steward.orgdesign"
    label = "orgdesign"
    verbose_name = "Organization design"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the design policy rules, navigation links and org-as-code kinds."""
        from steward.orgdesign.labels import register_labels
        from steward.orgdesign.registrations import register

        register()
        register_labels()
