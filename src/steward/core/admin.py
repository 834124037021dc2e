"""Admin screens for instance records; token digests are read-only."""

from django.contrib import admin

from steward.core.models import ApiToken, InstanceSetting


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]
    search_fields = ["user__username", "name", "prefix"]

    def has_add_permission(self, request: object) -> bool:  # type: ignore[override]
        # Tokens are made by `steward token create`, which shows the raw value once.
        return False


@admin.register(InstanceSetting)
class InstanceSettingAdmin(admin.ModelAdmin):
    list_display = ["key"]
