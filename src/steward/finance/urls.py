"""Finance pages."""

from django.urls import path

from steward.finance import views

app_name = "finance"

urlpatterns = [
    path("budget/", views.budget, name="budget"),
    path("budget/new-year/", views.fiscal_year_create, name="fiscal_year_create"),
    path("budget/<int:year>/reforecast/", views.version_create, name="version_create"),
    path("budget/<int:year>/<int:number>/edit/", views.budget_edit, name="budget_edit"),
    path("budget/<int:year>/<int:number>/export.csv", views.budget_export, name="budget_export"),
    path("plan-vs-actual/", views.plan_vs_actual, name="plan_vs_actual"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("thresholds/<int:pk>/delete/", views.threshold_delete, name="threshold_delete"),
    path("allocation/", views.allocation, name="allocation"),
    path("variance/", views.variance, name="variance"),
    path("ledger/", views.ledger, name="ledger"),
    path("services/", views.services_cost, name="services"),
    path("services/<str:service>/", views.service_cost, name="service"),
    path("cloud/", views.cloud, name="cloud"),
    path("contracts/", views.contracts, name="contracts"),
    path("contracts/export.csv", views.contracts_csv, name="contracts_csv"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<str:key>/edit/", views.contract_edit, name="contract_edit"),
    path("evaluations/new/", views.evaluation_create, name="evaluation_create"),
    path("evaluations/<str:key>/edit/", views.evaluation_edit, name="evaluation_edit"),
    path("evaluations/<str:key>/decision/", views.evaluation_decision, name="evaluation_decision"),
    path("cost-centers/", views.cost_centers, name="cost_centers"),
    path("rates/", views.rates, name="rates"),
    path("capitalization/", views.capitalization, name="capitalization"),
    path("capitalization/export.csv", views.capitalization_export, name="capitalization_export"),
]
