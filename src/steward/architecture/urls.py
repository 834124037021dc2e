"""Architecture pages."""

from django.urls import path

from steward.architecture import views

app_name = "architecture"

urlpatterns = [
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/new/", views.decision_create, name="decision_create"),
    path("decisions/preview/", views.decision_preview, name="decision_preview"),
    path("decisions/<int:number>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:number>/edit/", views.decision_edit, name="decision_edit"),
    path("radar/", views.radar, name="radar"),
    path("radar/radar.svg", views.radar_svg_file, name="radar_svg"),
    path("radar/new/", views.technology_create, name="technology_create"),
    path("radar/usage/", views.radar_usage, name="radar_usage"),
    path("radar/<slug:key>/", views.technology, name="technology"),
    path("radar/<slug:key>/edit/", views.technology_edit, name="technology_edit"),
    path("radar/<slug:key>/move/", views.technology_move, name="technology_move"),
]
