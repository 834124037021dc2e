"""Strategy: objectives, key results, initiatives, roadmap, prioritization and the optimizer."""

from django.apps import AppConfig


class StrategyConfig(AppConfig):
    """The strategy app; registers its import kinds."""

    name = "steward.strategy"
    label = "strategy"
    verbose_name = "Strategy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the strategy import kinds (loaded lazily on first use)."""
        from steward.core.importing import register_importer

        register_importer("objectives", "steward.strategy.importers.ObjectivesImporter")
        register_importer("key-results", "steward.strategy.importers.KeyResultsImporter")
        register_importer("initiatives", "steward.strategy.importers.InitiativesImporter")
