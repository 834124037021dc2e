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
]
