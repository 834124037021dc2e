"""The ninja API object: /api/v1, with each app's router mounted under its name."""

from typing import Any

from ninja import NinjaAPI

from steward.architecture.api import router as architecture_router
from steward.cockpit.api import router as cockpit_router
from steward.core import api_errors
from steward.core.api_auth import API_AUTH, login_required_for_docs
from steward.engineering.api import router as engineering_router
from steward.engineering.api import webhooks as webhooks_router
from steward.finance.api import router as finance_router
from steward.growth.api import router as growth_router
from steward.knowledge.api import router as knowledge_router
from steward.org.api import router as org_router
from steward.orgdesign.api import router as orgdesign_router
from steward.strategy.api import router as strategy_router
from steward.talent.api import router as talent_router
from steward.worktracking.api import router as worktracking_router


class StewardAPI(NinjaAPI):
    """The API with one error format (docs/api.md), documented on every operation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._openapi_cache: dict[str, Any] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        """The OpenAPI document, built once per process and path prefix: it depends only on
        the code (the routers, their schemas and the error documentation), and building it
        takes ~250 ms. Callers must not change the returned document."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = self._openapi_cache.get(path_prefix)
        if schema is None:
            schema = api_errors.document_errors(
                super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
            )
            self._openapi_cache[path_prefix] = schema
        return schema


api = StewardAPI(
    title="Steward API",
    version="1",
    urls_namespace="api",
    auth=API_AUTH,
    docs_url="/docs",
    docs_decorator=login_required_for_docs,
)
api_errors.install(api)
api.add_router("/org", org_router)
api.add_router("/engineering", engineering_router)
api.add_router("/webhooks", webhooks_router)
api.add_router("/strategy", strategy_router)
api.add_router("/architecture", architecture_router)
api.add_router("/org", orgdesign_router)
api.add_router("/cockpit", cockpit_router)
api.add_router("/engineering", knowledge_router)
api.add_router("/worktracking", worktracking_router)
api.add_router("/growth", growth_router)
api.add_router("/finance", finance_router)
api.add_router("/talent", talent_router)
