"""Hiring pages."""

from django.urls import path

from steward.talent import views

app_name = "talent"

urlpatterns = [
    path("", views.plan, name="plan"),
    path("generate/", views.plan_generate, name="plan_generate"),
    path("requisitions/new/", views.requisition_create, name="requisition_create"),
    path("requisitions/export.csv", views.requisitions_csv, name="requisitions_csv"),
    path("requisitions/<str:key>/", views.requisition_detail, name="requisition_detail"),
    path("requisitions/<str:key>/edit/", views.requisition_edit, name="requisition_edit"),
    path("requisitions/<str:key>/approve/", views.requisition_approve, name="requisition_approve"),
    path("requisitions/<str:key>/status/", views.requisition_status, name="requisition_status"),
    path("requisitions/<str:key>/board/", views.board, name="board"),
    path("requisitions/<str:key>/kit/", views.kit_build, name="kit_build"),
    path("requisitions/<str:key>/job-post/", views.job_post, name="job_post"),
    path("requisitions/<str:key>/job-post.md", views.job_post_markdown, name="job_post_markdown"),
    path("applications/<int:pk>/move/", views.application_move, name="application_move"),
    path("applications/<int:pk>/close/", views.application_close, name="application_close"),
    path("applications/<int:pk>/offer/", views.offer_create, name="offer_create"),
    path("offers/<int:pk>/resolve/", views.offer_resolve, name="offer_resolve"),
    path("candidates/", views.candidates, name="candidates"),
    path("candidates/export.csv", views.candidates_csv, name="candidates_csv"),
    path("candidates/new/", views.candidate_create, name="candidate_create"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/apply/", views.application_create, name="application_create"),
    path("candidates/<int:pk>/erase/", views.candidate_erase, name="candidate_erase"),
    path("candidates/<int:pk>/edit/", views.candidate_edit, name="candidate_edit"),
    path("candidates/<int:pk>/self-identification/", views.self_identify, name="self_identify"),
    path("applications/<int:pk>/interviewer/", views.interviewer_add, name="interviewer_add"),
    path("scorecards/<int:pk>/", views.scorecard_submit, name="scorecard_submit"),
    path("import/", views.applications_import, name="applications_import"),
    path("import/commit/", views.applications_import_commit, name="applications_import_commit"),
    path("funnel/", views.funnel, name="funnel"),
    path("funnel/applications/", views.funnel_applications, name="funnel_applications"),
    path("diversity/", views.diversity, name="diversity"),
    path("brand/", views.brand, name="brand"),
    path("brand/sources/new/", views.source_create, name="source_create"),
    path("brand/sources/<int:pk>/edit/", views.source_edit, name="source_edit"),
    path("brand/activities/new/", views.activity_create, name="activity_create"),
]
