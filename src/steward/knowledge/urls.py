"""Code knowledge pages (under /engineering/knowledge/)."""

from django.urls import path

from steward.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.risk, name="risk"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("coupling/", views.coupling, name="coupling"),
    path("coupling/across/", views.cross_repository, name="cross_repository"),
    path("map/<str:name>/", views.knowledge_map, name="map"),
    path("map/<str:name>/file/<path:path>", views.file_commits, name="file"),
]
