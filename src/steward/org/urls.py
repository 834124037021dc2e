"""Organization pages."""

from django.urls import path

from steward.org import design_views, views

app_name = "org"

urlpatterns = [
    path("chart/", views.chart, name="chart"),
    path("chart/teams/<slug:slug>/", views.chart_team, name="chart_team"),
    path("chart/reports/<str:employee_id>/", views.chart_reports, name="chart_reports"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<slug:slug>/", views.team_detail, name="team_detail"),
    path("people/", views.person_list, name="person_list"),
    path("people/<str:employee_id>/", views.person_detail, name="person_detail"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/<slug:slug>/", views.role_detail, name="role_detail"),
    path("health/", design_views.health, name="health"),
    path("capacity/", design_views.capacity, name="capacity"),
    path("capacity/allocations/", design_views.allocation_set, name="allocation_set"),
    path("headcount-plan/", design_views.headcount_plan, name="headcount_plan"),
    path("scenarios/", design_views.scenario_list, name="scenario_list"),
    path("scenarios/<int:scenario_id>/", design_views.scenario_detail, name="scenario_detail"),
    path(
        "scenarios/<int:scenario_id>/changes/",
        design_views.scenario_change_add,
        name="scenario_change_add",
    ),
    path(
        "scenarios/<int:scenario_id>/changes/<int:position>/remove/",
        design_views.scenario_change_remove,
        name="scenario_change_remove",
    ),
    path("scenarios/<int:scenario_id>/apply/", design_views.scenario_apply, name="scenario_apply"),
    path(
        "scenarios/<int:scenario_id>/export.yaml",
        design_views.scenario_export,
        name="scenario_export",
    ),
]
