"""Strategy pages."""

from django.urls import path

from steward.strategy import edit_views, views

app_name = "strategy"

KR = "objectives/<str:key>/key-results/<str:kr>/"

urlpatterns = [
    path("", views.objectives, name="objectives"),
    path("objectives/new/", edit_views.objective_create, name="objective_create"),
    path("objectives/<str:key>/", views.objective_detail, name="objective_detail"),
    path("objectives/<str:key>/edit/", edit_views.objective_edit, name="objective_edit"),
    path("objectives/<str:key>/delete/", edit_views.objective_delete, name="objective_delete"),
    path(
        "objectives/<str:key>/key-results/new/",
        edit_views.key_result_create,
        name="key_result_create",
    ),
    path(KR + "edit/", edit_views.key_result_edit, name="key_result_edit"),
    path(KR + "delete/", edit_views.key_result_delete, name="key_result_delete"),
    path(KR + "check-ins/new/", edit_views.check_in_create, name="check_in_create"),
    path(KR + "check-ins/<int:pk>/delete/", edit_views.check_in_delete, name="check_in_delete"),
    path("initiatives/", views.initiatives, name="initiatives"),
    path("initiatives/export.csv", views.initiatives_csv, name="initiatives_csv"),
    path("initiatives/new/", edit_views.initiative_create, name="initiative_create"),
    path(
        "initiatives/from-debt/<int:pk>/",
        edit_views.initiative_from_debt,
        name="initiative_from_debt",
    ),
    path("initiatives/<str:key>/", views.initiative_detail, name="initiative_detail"),
    path("initiatives/<str:key>/edit/", edit_views.initiative_edit, name="initiative_edit"),
    path(
        "initiatives/<str:key>/decisions/",
        edit_views.initiative_decisions,
        name="initiative_decisions",
    ),
    path("initiatives/<str:key>/delete/", edit_views.initiative_delete, name="initiative_delete"),
    path("roadmap/", views.roadmap, name="roadmap"),
    path("board/", views.board, name="board"),
    path("prioritization/", views.prioritization, name="prioritization"),
    path("plan/", views.plan, name="plan"),
    path("alignment/", views.alignment, name="alignment"),
    path("alignment/commits/", views.alignment_commits, name="alignment_commits"),
    path("innovation/", views.innovation, name="innovation"),
    path("innovation/ideas/new/", edit_views.idea_create, name="idea_create"),
    path("innovation/ideas/<int:pk>/edit/", edit_views.idea_edit, name="idea_edit"),
    path("innovation/ideas/<int:pk>/delete/", edit_views.idea_delete, name="idea_delete"),
    path("innovation/actions/new/", edit_views.action_create, name="action_create"),
    path("innovation/actions/<int:pk>/edit/", edit_views.action_edit, name="action_edit"),
    path("innovation/actions/<int:pk>/delete/", edit_views.action_delete, name="action_delete"),
]
