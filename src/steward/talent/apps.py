"""Talent acquisition: hiring plan, requisitions, candidates, pipeline, interviews, funnel."""

from django.apps import AppConfig


class TalentConfig(AppConfig):
    """The talent app; registers its policy rules, navigation links, import kinds and findings."""

    name = "steward.talent"
    label = "talent"
    verbose_name = "Talent"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the talent policy rules, navigation links, import kinds and findings."""
        from steward.talent.registrations import register

        register()
