"""Root URLconf."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from steward.api import api
from steward.cockpit import views as cockpit_views
from steward.core import views as core_views

urlpatterns = [
    path("", cockpit_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("search/", core_views.search, name="search"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("org/", include("steward.org.urls")),
    path("org/", include("steward.orgdesign.urls")),
    path("engineering/", include("steward.engineering.urls")),
    path("strategy/", include("steward.strategy.urls")),
    path("architecture/", include("steward.architecture.urls")),
    path("cockpit/", include("steward.cockpit.urls")),
    path("engineering/knowledge/", include("steward.knowledge.urls")),
    path("work/", include("steward.worktracking.urls")),
    path("growth/", include("steward.growth.urls")),
    path("finance/", include("steward.finance.urls")),
    path("talent/", include("steward.talent.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "steward.core.errorpages.bad_request"
handler403 = "steward.core.errorpages.permission_denied"
handler404 = "steward.core.errorpages.page_not_found"
handler500 = "steward.core.errorpages.server_error"
