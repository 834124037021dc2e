from django.urls import path

from steward.cockpit import views

app_name = "cockpit"

urlpatterns = [
    path("findings/set-aside/", views.finding_set_aside, name="finding_set_aside"),
    path("findings/restore/", views.finding_restore, name="finding_restore"),
    path("reports/", views.report_index, name="reports"),
    path("reports/snapshots/", views.snapshot_take, name="snapshot_take"),
    path("reports/<str:kind>/<str:period>/", views.report_view, name="report"),
    path("reports/<str:kind>/<str:period>/pdf/", views.report_pdf, name="report_pdf"),
    path("reports/<str:kind>/<str:period>/notes/", views.report_note, name="report_note"),
    path("vision/", views.vision, name="vision"),
    path("vision/edit/", views.vision_edit, name="vision_edit"),
]
