"""Strategy pages."""

from django.urls import path

from steward.strategy import views

app_name = "strategy"

urlpatterns = [
    path("", views.objectives, name="objectives"),
    path("objectives/<str:key>/", views.objective_detail, name="objective_detail"),
    path("initiatives/<str:key>/", views.initiative_detail, name="initiative_detail"),
    path("roadmap/", views.roadmap, name="roadmap"),
    path("board/", views.board, name="board"),
    path("prioritization/", views.prioritization, name="prioritization"),
    path("plan/", views.plan, name="plan"),
    path("alignment/", views.alignment, name="alignment"),
    path("alignment/commits/", views.alignment_commits, name="alignment_commits"),
    path("innovation/", views.innovation, name="innovation"),
]
