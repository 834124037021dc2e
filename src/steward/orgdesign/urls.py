"""Organization design pages (mounted under /org/, next to the organization's own pages)."""

from django.urls import path

from steward.orgdesign import edit_views, views

app_name = "orgdesign"

urlpatterns = [
    path("health/", views.health, name="health"),
    path("capacity/", views.capacity, name="capacity"),
    path("capacity/allocations/", views.allocation_set, name="allocation_set"),
    path("capacity/allocations/new/", edit_views.allocation_create, name="allocation_create"),
    path(
        "capacity/allocations/<int:pk>/edit/",
        edit_views.allocation_edit,
        name="allocation_edit",
    ),
    path(
        "capacity/allocations/<int:pk>/delete/",
        edit_views.allocation_delete,
        name="allocation_delete",
    ),
    path("headcount-plan/", views.headcount_plan, name="headcount_plan"),
    path("headcount-plan/new/", edit_views.plan_entry_create, name="plan_entry_create"),
    path("headcount-plan/<slug:key>/edit/", edit_views.plan_entry_edit, name="plan_entry_edit"),
    path(
        "headcount-plan/<slug:key>/delete/",
        edit_views.plan_entry_delete,
        name="plan_entry_delete",
    ),
    path("scenarios/", views.scenario_list, name="scenario_list"),
    path("scenarios/<int:scenario_id>/", views.scenario_detail, name="scenario_detail"),
    path(
        "scenarios/<int:scenario_id>/changes/",
        views.scenario_change_add,
        name="scenario_change_add",
    ),
    path(
        "scenarios/<int:scenario_id>/changes/<int:position>/remove/",
        views.scenario_change_remove,
        name="scenario_change_remove",
    ),
    path("scenarios/<int:scenario_id>/apply/", views.scenario_apply, name="scenario_apply"),
    path(
        "scenarios/<int:scenario_id>/export.yaml",
        views.scenario_export,
        name="scenario_export",
    ),
]
