"""Organization design pages (mounted under /org/, next to the organization's own pages)."""

from django.urls import path

from steward.orgdesign import views

app_name = "orgdesign"

urlpatterns = [
    path("health/", views.health, name="health"),
    path("capacity/", views.capacity, name="capacity"),
    path("capacity/allocations/", views.allocation_set, name="allocation_set"),
    path("headcount-plan/", views.headcount_plan, name="headcount_plan"),
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
