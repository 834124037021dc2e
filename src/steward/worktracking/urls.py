"""Work-tracking pages."""

from django.urls import path

from steward.worktracking import views

app_name = "worktracking"

urlpatterns = [
    path("flow/", views.flow_page, name="flow"),
    path("pulls/", views.pulls, name="pulls"),
    path("pulls/<int:pk>/", views.pull_detail, name="pull_detail"),
    path("items/", views.items, name="items"),
    path("investment/", views.investment, name="investment"),
    path("investment/rules/", views.investment_rules, name="investment_rules"),
    path("investment/rules/new/", views.investment_rule_create, name="rule_create"),
    path("investment/rules/<int:pk>/edit/", views.investment_rule_edit, name="rule_edit"),
    path("investment/rules/<int:pk>/move/", views.investment_rule_move, name="rule_move"),
    path(
        "investment/rules/<int:pk>/delete/",
        views.investment_rule_delete,
        name="rule_delete",
    ),
]
