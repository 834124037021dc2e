"""Engineering pages."""

from django.urls import path

from steward.engineering import views

app_name = "engineering"

urlpatterns = [
    path("delivery/", views.delivery, name="delivery"),
    path("delivery/deployments/", views.deployments, name="deployments"),
    path("delivery/deployments/<int:pk>/", views.deployment_detail, name="deployment_detail"),
    path("delivery/lead-time/", views.lead_time, name="lead_time"),
    path("delivery/incidents/", views.incidents, name="incidents"),
    path("repositories/", views.repositories, name="repositories"),
    path("repositories/<str:name>/", views.repository_detail, name="repository_detail"),
    path("identities/", views.identities, name="identities"),
]
