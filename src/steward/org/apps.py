from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "steward.org"
    label = "org"
    verbose_name = "Organization"

    def ready(self) -> None:
        """Register the organization's policy rules, navigation links and import kinds."""
        from steward.org.registrations import register

        register()
        from steward.org.labels import register_labels

        register_labels()
