"""Work tracking: pull requests, reviews and tracker items; flow and investment balance."""

from django.apps import AppConfig


class WorkTrackingConfig(AppConfig):
    """The work-tracking app; registers its policy rules, navigation links and import kinds."""

    name = "steward.worktracking"
    label = "worktracking"
    verbose_name = "Work tracking"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the work-tracking policy rules, navigation links and import kinds."""
        from steward.worktracking.registrations import register

        register()
