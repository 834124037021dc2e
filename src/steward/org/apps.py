from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "steward.org"
    label = "org"
    verbose_name = "Organization"

    def ready(self) -> None:
        """Register the organization's import kinds (loaded lazily on first use)."""
        from steward.core.importing import register_importer

        register_importer("people", "steward.org.importers.PeopleImporter")
        register_importer("teams", "steward.org.importers.TeamsImporter")
        register_importer("roles", "steward.org.importers.RolesImporter")
        # Organization design kinds join org as code (export / import-all).
        import steward.org.design_orgcode  # noqa: F401
