from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "steward.org"
    label = "org"
    verbose_name = "Organization"
