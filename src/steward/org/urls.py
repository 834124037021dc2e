"""Organization pages."""

from django.urls import path

from steward.org import views

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
]
