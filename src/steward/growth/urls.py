"""Growth pages."""

from django.urls import path

from steward.growth import goal_views, views

app_name = "growth"

urlpatterns = [
    path("one-on-ones/", views.one_on_ones, name="one_on_ones"),
    path("one-on-ones/new/", views.pair_create, name="pair_create"),
    path("one-on-ones/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("one-on-ones/<int:pk>/edit/", views.pair_edit, name="pair_edit"),
    path("one-on-ones/<int:pk>/record/", views.meeting_create, name="meeting_create"),
    path("action-items/<int:pk>/toggle/", views.action_item_toggle, name="action_item_toggle"),
    path("ladders/", views.ladders, name="ladders"),
    path("ladders/<slug:key>/", views.ladder_detail, name="ladder_detail"),
    path("ladders/<slug:key>/export.yaml", views.ladder_export, name="ladder_export"),
    path("me/", views.my_growth, name="my_growth"),
    path("people/<str:employee_id>/", views.person_growth, name="person_growth"),
    path("people/<str:employee_id>/level/", views.level_set, name="level_set"),
    path("people/<str:employee_id>/plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/check-in/", views.goal_check_in, name="goal_check_in"),
    path("objective-goals/", goal_views.goal_list, name="goals"),
    path("objective-goals/new/", goal_views.goal_create, name="goal_new"),
    path("objective-goals/<int:pk>/", goal_views.goal_detail, name="goal_detail"),
    path("objective-goals/<int:pk>/edit/", goal_views.goal_edit, name="goal_edit"),
    path("objective-goals/<int:pk>/delete/", goal_views.goal_delete, name="goal_delete"),
    path("promotions/", views.promotions, name="promotions"),
    path("promotions/new/", views.promotion_create, name="promotion_create"),
    path("promotions/<int:pk>/", views.promotion_detail, name="promotion_detail"),
    path("promotions/<int:pk>/evidence/", views.promotion_evidence, name="promotion_evidence"),
    path("promotions/<int:pk>/decide/", views.promotion_decide, name="promotion_decide"),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("onboarding/new/", views.onboarding_start, name="onboarding_start"),
    path("onboarding/<int:pk>/", views.onboarding_detail, name="onboarding_detail"),
    path(
        "onboarding/tasks/<int:pk>/toggle/",
        views.onboarding_task_toggle,
        name="onboarding_task_toggle",
    ),
    path("onboarding/templates/new/", views.onboarding_template_create, name="template_create"),
    path(
        "onboarding/templates/<slug:key>/edit/",
        views.onboarding_template_edit,
        name="template_edit",
    ),
    path(
        "onboarding/templates/<slug:key>/delete/",
        views.onboarding_template_delete,
        name="template_delete",
    ),
    path("coaching/", views.coaching, name="coaching"),
    path("coaching/new/", views.coaching_create, name="coaching_create"),
    path(
        "coaching/<int:pk>/sessions/new/",
        views.coaching_session_create,
        name="coaching_session_create",
    ),
    path("training/new/", views.training_record_create, name="training_record_create"),
    path("training/budgets/new/", views.training_budget_set, name="training_budget_set"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<slug:key>/edit/", views.course_edit, name="course_edit"),
    path("courses/<slug:key>/delete/", views.course_delete, name="course_delete"),
    path("engagement/", views.engagement, name="engagement"),
    path("engagement/surveys/new/", views.survey_create, name="survey_create"),
    path("engagement/surveys/<slug:key>/edit/", views.survey_edit, name="survey_edit"),
    path("attrition/", views.attrition, name="attrition"),
    path("retention/", views.retention, name="retention"),
]
