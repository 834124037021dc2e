"""Bad input never makes a server error; every API refusal is the JSON error format (docs/api.md).

Issue 17 item 6: huge offsets, dates at the ends of the calendar, NUL characters, deeply
nested JSON, and Django's own refusals (unknown URL, wrong method) under /api/.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from steward.core.limits import expensive_slot

pytestmark = pytest.mark.django_db


def _is_error_format(body: Any) -> bool:
    return (
        isinstance(body, dict)
        and isinstance(body.get("detail"), str)
        and isinstance(body.get("errors"), list)
        and all(set(e) == {"field", "message"} for e in body["errors"])
    )


def _is_field_problems(body: Any) -> bool:
    return isinstance(body, dict) and all(
        set(p) == {"loc", "msg", "type"} and isinstance(p["msg"], str) for p in body["detail"]
    )


@pytest.fixture
def cto(client_as: Any) -> Client:
    return client_as("cto")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/org/people",
        "/api/v1/engineering/repositories",
        "/api/v1/engineering/deployments",
        "/api/v1/strategy/initiatives",
        "/api/v1/strategy/alignment/commits",
    ],
)
def test_an_offset_past_any_integer_is_an_empty_page(cto: Client, path: str) -> None:
    response = cto.get(path, {"offset": 10**20, "limit": 10**20})
    assert response.status_code == 200
    body = response.json()
    assert body["items"] == []
    assert body["count"] > 0 or path.endswith("commits")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/engineering/dora",
        "/api/v1/engineering/dora/weekly",
        "/api/v1/engineering/lead-time-commits",
        "/api/v1/strategy/alignment",
        "/api/v1/strategy/alignment/commits",
        "/api/v1/engineering/deployments",
        "/api/v1/engineering/incidents",
    ],
)
@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"from": "0001-01-01", "to": "2026-01-01"}, "from", "between 1970-01-01 and 2100-12-31"),
        ({"to": "9999-12-31"}, "to", "between 1970-01-01 and 2100-12-31"),
        ({"to": "0001-01-02"}, "to", "between 1970-01-01 and 2100-12-31"),
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_a_422(
    cto: Client, path: str, query: dict[str, str], field: str, words: str
) -> None:
    response = cto.get(path, query)
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert _is_error_format(body)
    assert body["detail"].startswith(field) and words in body["detail"]


@pytest.mark.parametrize(
    "path", ["/api/v1/engineering/dora", "/api/v1/strategy/alignment", "/engineering/delivery/"]
)
def test_a_period_over_ten_years_is_refused_quickly(cto: Client, path: str) -> None:
    started = time.perf_counter()
    response = cto.get(path, {"from": "1970-01-01", "to": "2100-01-01"})
    assert time.perf_counter() - started < 2
    assert response.status_code in (400, 422)
    text = response.content.decode()
    assert "47482 days, at most 3653 (ten years)" in text


def test_a_bad_period_on_a_page_is_a_400_with_the_message(cto: Client) -> None:
    response = cto.get("/engineering/delivery/", {"from": "2026-05-01", "to": "2026-04-01"})
    assert response.status_code == 400
    assert "from 2026-05-01: must be before to 2026-04-01" in response.content.decode()
    assert cto.get("/strategy/alignment/", {"to": "9999-12-31"}).status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/org/people?team=a%00b",
        "/api/v1/org/people/E%000001",
        "/api/v1/engineering/dora?repo=%00",
        "/api/v1/strategy/initiatives?status=x&%00=1",
        "/engineering/delivery/?team=%00",
        "/org/people/?q=%00",
    ],
)
def test_a_nul_character_in_the_url_is_a_400(cto: Client, path: str) -> None:
    response = cto.get(path)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    if path.startswith("/api/"):
        assert _is_error_format(response.json())


def test_a_nul_character_in_a_json_body_is_a_400(cto: Client) -> None:
    response = cto.post(
        "/api/v1/strategy/plan/solve",
        data=json.dumps({"quarters": ["2027Q1"], "teams": [{"id": "a\u0000"}]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert _is_error_format(response.json()) and "NUL" in response.json()["detail"]


@pytest.mark.parametrize("depth", [33, 100_000])
def test_deeply_nested_json_is_a_400(cto: Client, depth: int) -> None:
    body = "[" * depth + "]" * depth
    response = cto.post("/api/v1/strategy/plan/solve", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "body: JSON nested too deeply (at most 32 levels)"


def test_validation_errors_name_each_field(cto: Client) -> None:
    response = cto.get("/api/v1/org/people", {"limit": "many", "active": "perhaps"})
    assert response.status_code == 422
    body = response.json()
    assert _is_field_problems(body)
    assert {tuple(p["loc"]) for p in body["detail"]} == {("query", "limit"), ("query", "active")}


def test_django_refusals_under_the_api_are_json(cto: Client, client_as: Any) -> None:
    unknown = cto.get("/api/v1/no-such-thing")
    assert (unknown.status_code, unknown["Content-Type"]) == (404, "application/json")
    assert _is_error_format(unknown.json())
    wrong_method = cto.delete("/api/v1/org/people")
    assert wrong_method.status_code == 405
    assert _is_error_format(wrong_method.json()) and "GET" in wrong_method.json()["detail"]
    anonymous = client_as(None).get("/api/v1/org/people")
    assert anonymous.status_code == 401 and _is_error_format(anonymous.json())
    missing = cto.get("/api/v1/org/people/NOPE")
    assert missing.status_code == 404 and _is_error_format(missing.json())


def test_a_busy_refusal_is_a_json_429_with_retry_after(cto: Client) -> None:
    from django.contrib.auth.models import User

    user = User.objects.get(username="cto")
    with expensive_slot(str(user.pk), what="portfolio solve", retry_after=21):
        response = cto.get("/api/v1/strategy/plan")
    assert response.status_code == 429
    assert response["Retry-After"] == "21"
    assert _is_error_format(response.json())
    assert "already have one running" in response.json()["detail"]


def test_every_operation_documents_the_error_format(cto: Client) -> None:
    schema = cto.get("/api/v1/openapi.json").json()
    assert set(schema["components"]["schemas"]["ErrorOut"]["required"]) == {"detail"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "422", "429"):
                assert status in operation["responses"], (method, path, status)
