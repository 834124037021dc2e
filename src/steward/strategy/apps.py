"""Strategy: objectives, key results, initiatives, roadmap, prioritization and the optimizer."""

from django.apps import AppConfig


class StrategyConfig(AppConfig):
    """The strategy app; registers its import kinds."""

    name = "steward.strategy"
    label = "strategy"
    verbose_name = "Strategy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the strategy policy rules, navigation links and import kinds."""
        from steward.strategy.registrations import register

        register()
        from steward.strategy.labels import register_labels

        register_labels()
