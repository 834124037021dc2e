"""Code knowledge: truck factor, knowledge map, abandoned files, hotspots, change coupling."""

from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    """The knowledge app (no models: it reads engineering's history and org's people)."""

    name = "steward.knowledge"
    label = "knowledge"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register navigation links and the cockpit finding rule."""
        from steward.knowledge.registrations import register

        register()
