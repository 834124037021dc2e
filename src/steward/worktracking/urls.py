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
]
