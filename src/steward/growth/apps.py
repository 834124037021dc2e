"""Growth and retention: 1:1s, career ladders, development, engagement, attrition."""

from django.apps import AppConfig


class GrowthConfig(AppConfig):
    """The growth app; registers its policy rules, navigation links, import kinds and findings."""

    name = "steward.growth"
    label = "growth"
    verbose_name = "Growth"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the growth policy rules, navigation links, import kinds and findings."""
        from steward.growth.registrations import register

        register()
