"""Schemathesis against /api/v1/openapi.json, in process over WSGI, as the demo `cto`.

Every operation gets a bounded number of generated requests (valid and invalid ones); none may
answer 5xx, and every answer must match what the OpenAPI document says about it (status code,
content type, body schema). Issue 17 item 6.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as openapi_checks

from steward.core.auth import token_create

# Only the webhooks are left out: they authenticate with a per-source token, not a user's, so
# every generated request would stop at the 401; tests/engineering/test_webhooks.py covers
# them, malformed bodies included. Writes (check-ins, scenarios, applying one) are fuzzed too:
# the test runs in one transaction that is rolled back.
EXCLUDED_PATH_REGEX = r"^/api/v1/webhooks/"

# About two minutes of CPU: every operation gets its examples, boundary cases and fuzzing.
pytestmark = pytest.mark.slow

CHECKS = [
    st_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


@pytest.fixture
def cto_token(db: Any) -> str:
    """A bearer token of the demo `cto`, made the way `steward token create` makes one."""
    _token, raw = token_create(user=User.objects.get(username="cto"), name="fuzz")
    return raw


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """Serve requests inside the test's transaction, as Django's test client does.

    The WSGI handler closes "old" connections when a request starts and ends; inside a test's
    transaction that would close the PostgreSQL connection (SQLite's in-memory one is kept).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(cto_token: str) -> Any:
    """The OpenAPI document as the application serves it to an authenticated caller."""
    return schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json",
        get_wsgi_application(),
        headers={"Authorization": f"Bearer {cto_token}"},
    )


schema = schemathesis.pytest.from_fixture("api_schema").exclude(path_regex=EXCLUDED_PATH_REGEX)


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_has_no_server_errors_and_matches_its_schema(case: Any, cto_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {cto_token}"}, checks=CHECKS)
