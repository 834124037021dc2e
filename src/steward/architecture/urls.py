"""Architecture pages."""

from django.urls import path

from steward.architecture import views

app_name = "architecture"

urlpatterns = [
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/export.csv", views.decisions_csv, name="decisions_csv"),
    path("decisions/new/", views.decision_create, name="decision_create"),
    path("decisions/preview/", views.decision_preview, name="decision_preview"),
    path("decisions/<int:number>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:number>/edit/", views.decision_edit, name="decision_edit"),
    path("radar/", views.radar, name="radar"),
    path("radar/radar.svg", views.radar_svg_file, name="radar_svg"),
    path("radar/new/", views.technology_create, name="technology_create"),
    path("radar/usage/", views.radar_usage, name="radar_usage"),
    path("radar/setup/", views.radar_setup, name="radar_setup"),
    path("radar/setup/quadrants/new/", views.quadrant_create, name="quadrant_create"),
    path("radar/setup/quadrants/<slug:key>/", views.quadrant_edit, name="quadrant_edit"),
    path(
        "radar/setup/quadrants/<slug:key>/delete/",
        views.quadrant_delete,
        name="quadrant_delete",
    ),
    path("radar/setup/rings/new/", views.ring_create, name="ring_create"),
    path("radar/setup/rings/<slug:key>/delete/", views.ring_delete, name="ring_delete"),
    path("radar/setup/rings/<slug:key>/", views.ring_edit, name="ring_edit"),
    path("radar/<slug:key>/", views.technology, name="technology"),
    path("radar/<slug:key>/edit/", views.technology_edit, name="technology_edit"),
    path("radar/<slug:key>/move/", views.technology_move, name="technology_move"),
    path("debt/", views.debt, name="debt"),
    path("debt/new/", views.debt_create, name="debt_create"),
    path("debt/<int:pk>/", views.debt_detail, name="debt_detail"),
    path("debt/<int:pk>/edit/", views.debt_edit, name="debt_edit"),
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/new/", views.component_create, name="component_create"),
    path("catalog/<str:kind>/<str:namespace>/<str:name>/", views.component, name="component"),
    path(
        "catalog/<str:kind>/<str:namespace>/<str:name>/edit/",
        views.component_edit,
        name="component_edit",
    ),
]
