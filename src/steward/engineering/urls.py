"""Engineering pages."""

from django.urls import path

from steward.engineering import views

app_name = "engineering"

urlpatterns = [
    path("delivery/", views.delivery, name="delivery"),
    path("delivery/deployments/", views.deployments, name="deployments"),
    path("delivery/deployments/export.csv", views.deployments_csv, name="deployments_csv"),
    path("delivery/deployments/<int:pk>/", views.deployment_detail, name="deployment_detail"),
    path("delivery/lead-time/", views.lead_time, name="lead_time"),
    path("delivery/lead-time/export.csv", views.lead_time_csv, name="lead_time_csv"),
    path("delivery/incidents/", views.incidents, name="incidents"),
    path("delivery/incidents/export.csv", views.incidents_csv, name="incidents_csv"),
    path("repositories/", views.repositories, name="repositories"),
    path("repositories/export.csv", views.repositories_csv, name="repositories_csv"),
    path("pick/repositories/", views.pick_repositories, name="pick_repositories"),
    path("repositories/<str:name>/", views.repository_detail, name="repository_detail"),
    path("identities/", views.identities, name="identities"),
    path("identities/export.csv", views.identities_csv, name="identities_csv"),
]
