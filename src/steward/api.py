"""The ninja API object: /api/v1, with each app's router mounted under its name."""

from ninja import NinjaAPI

from steward.core.api_auth import API_AUTH, login_required_for_docs
from steward.engineering.api import router as engineering_router
from steward.engineering.api import webhooks as webhooks_router
from steward.org.api import router as org_router
from steward.orgdesign.api import router as orgdesign_router
from steward.strategy.api import router as strategy_router

api = NinjaAPI(
    title="Steward API",
    version="1",
    urls_namespace="api",
    auth=API_AUTH,
    docs_url="/docs",
    docs_decorator=login_required_for_docs,
)
api.add_router("/org", org_router)
api.add_router("/engineering", engineering_router)
api.add_router("/webhooks", webhooks_router)
api.add_router("/strategy", strategy_router)
api.add_router("/org", orgdesign_router)
