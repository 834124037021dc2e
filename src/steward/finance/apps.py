"""Finance: budgets, actuals (ledger, FOCUS cloud bills), people cost, forecast, vendors."""

from django.apps import AppConfig


class FinanceConfig(AppConfig):
    """The finance app; registers its policy rules, navigation links, importers and findings."""

    name = "steward.finance"
    label = "finance"
    verbose_name = "Finance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the finance policy rules, navigation links, import kinds and findings."""
        from steward.finance.registrations import register

        register()
