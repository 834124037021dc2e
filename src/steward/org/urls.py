"""Organization pages."""

from django.urls import path

from steward.org import edit_views, views

app_name = "org"

urlpatterns = [
    path("chart/", views.chart, name="chart"),
    path("chart/teams/<slug:slug>/", views.chart_team, name="chart_team"),
    path("chart/reports/<str:employee_id>/", views.chart_reports, name="chart_reports"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/export.csv", views.team_list_csv, name="team_list_csv"),
    path("teams/new/", edit_views.team_create, name="team_create"),
    path("teams/<slug:slug>/", views.team_detail, name="team_detail"),
    path("teams/<slug:slug>/edit/", edit_views.team_edit, name="team_edit"),
    path("teams/<slug:slug>/delete/", edit_views.team_delete, name="team_delete"),
    path("moves/new/", edit_views.team_move, name="team_move"),
    path("people/", views.person_list, name="person_list"),
    path("people/export.csv", views.person_list_csv, name="person_list_csv"),
    path("people/new/", edit_views.person_create, name="person_create"),
    path("people/<str:employee_id>/", views.person_detail, name="person_detail"),
    path("people/<str:employee_id>/edit/", edit_views.person_edit, name="person_edit"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/new/", edit_views.role_create, name="role_create"),
    path("roles/<slug:slug>/", views.role_detail, name="role_detail"),
    path("roles/<slug:slug>/edit/", edit_views.role_edit, name="role_edit"),
    path("roles/<slug:slug>/delete/", edit_views.role_delete, name="role_delete"),
    path("departments/", edit_views.department_list, name="department_list"),
    path("departments/new/", edit_views.department_create, name="department_create"),
    path("departments/<slug:slug>/edit/", edit_views.department_edit, name="department_edit"),
    path("departments/<slug:slug>/delete/", edit_views.department_delete, name="department_delete"),
    path("pick/people/", edit_views.pick_people, name="pick_people"),
    path("pick/teams/", edit_views.pick_teams, name="pick_teams"),
]
