"""Admin screens for the organization (the admin site is for the `admin` role only)."""

from django.contrib import admin

from steward.org.models import (
    Department,
    EmploymentSpell,
    Person,
    PersonEmail,
    ReportingLine,
    RoleDescription,
    Team,
    TeamMembership,
)


class PersonEmailInline(admin.TabularInline):
    model = PersonEmail
    extra = 0


class EmploymentSpellInline(admin.TabularInline):
    model = EmploymentSpell
    extra = 0


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["team"]


class ReportingLineInline(admin.TabularInline):
    model = ReportingLine
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["manager"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["employee_id", "name", "title", "level", "team", "manager", "start_date",
                    "end_date"]  # fmt: skip
    list_filter = ["track", "team", "end_date"]
    search_fields = ["employee_id", "name", "emails__email"]
    autocomplete_fields = ["team", "manager", "department", "user"]
    inlines = [PersonEmailInline, EmploymentSpellInline, TeamMembershipInline, ReportingLineInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "type", "department", "lead"]
    list_filter = ["type", "department"]
    search_fields = ["slug", "name"]
    autocomplete_fields = ["lead", "department"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "parent"]
    search_fields = ["slug", "name"]


@admin.register(RoleDescription)
class RoleDescriptionAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "description"]
    search_fields = ["title"]
