from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "steward.cockpit"
    label = "cockpit"
    verbose_name = "Cockpit"

    def ready(self) -> None:
        from steward.cockpit.registrations import register

        register()
