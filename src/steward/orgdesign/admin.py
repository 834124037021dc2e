"""Admin pages for organization design records (admins only, like the rest of the admin)."""

from django.contrib import admin

from steward.orgdesign.models import (
    BurdenRate,
    CompositionTarget,
    ExchangeRate,
    HeadcountPlanEntry,
    LevelMixTarget,
    Scenario,
    ScenarioChange,
    TeamAllocation,
    TeamInteraction,
)


class ScenarioChangeInline(admin.TabularInline):
    model = ScenarioChange
    extra = 0


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "effective_date", "owner", "updated_at")
    list_filter = ("status",)
    search_fields = ("name",)
    inlines = [ScenarioChangeInline]


@admin.register(HeadcountPlanEntry)
class HeadcountPlanEntryAdmin(admin.ModelAdmin):
    list_display = ("key", "team", "kind", "status", "level", "quarter", "expected_start")
    list_filter = ("kind", "status", "quarter")
    search_fields = ("key", "title")


@admin.register(TeamAllocation)
class TeamAllocationAdmin(admin.ModelAdmin):
    list_display = ("team", "kind", "quarter", "share")


@admin.register(TeamInteraction)
class TeamInteractionAdmin(admin.ModelAdmin):
    list_display = ("team", "mode", "other")


admin.site.register(LevelMixTarget)
admin.site.register(CompositionTarget)
admin.site.register(BurdenRate)
admin.site.register(ExchangeRate)
