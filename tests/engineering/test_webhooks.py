"""Webhooks: per-source tokens, field errors, idempotent re-delivery."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from steward.core.policy import SYSTEM
from steward.engineering import services
from steward.engineering.models import Deployment, Incident

pytestmark = pytest.mark.django_db

DEPLOYMENT = {
    "id": "wh-1",
    "repo": "payments-api",
    "sha": "abc1234",
    "environment": "production",
    "status": "success",
    "started_at": "2026-11-20T10:00:00Z",
    "finished_at": "2026-11-20T10:05:00Z",
    "service": "payments-api",
}


def _post(path: str, body: object, token: str | None) -> tuple[int, dict]:  # type: ignore[type-arg]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    response = Client().post(
        path, data=json.dumps(body), content_type="application/json", **headers
    )  # type: ignore[arg-type]
    return response.status_code, response.json()


def test_tokens() -> None:
    _source, token = services.webhook_source_create(actor=SYSTEM, name="ci")
    assert _post("/api/v1/webhooks/deployments", DEPLOYMENT, None)[0] == 401
    assert _post("/api/v1/webhooks/deployments", DEPLOYMENT, "whk_wrong")[0] == 401
    assert _post("/api/v1/webhooks/incidents", {}, "whk_wrong")[0] == 401
    assert not Deployment.objects.filter(external_id="wh-1").exists()
    assert _post("/api/v1/webhooks/deployments", DEPLOYMENT, token)[0] == 201


def test_field_errors() -> None:
    _source, token = services.webhook_source_create(actor=SYSTEM, name="ci")
    bad = {**DEPLOYMENT, "status": "maybe", "finished_at": "yesterday", "environment": ""}
    status, body = _post("/api/v1/webhooks/deployments", bad, token)
    assert status == 422
    assert {e["field"] for e in body["errors"]} == {"status", "finished_at", "environment"}
    status, body = _post("/api/v1/webhooks/incidents", {"id": "i-1"}, token)
    assert status == 422
    assert {e["field"] for e in body["errors"]} == {"service", "created_at"}
    status, body = _post(
        "/api/v1/webhooks/incidents",
        {
            "id": "i-1",
            "service": "x",
            "created_at": "2026-01-02T00:00:00Z",
            "resolved_at": "2026-01-01T00:00:00Z",
        },
        token,
    )
    assert (status, [e["field"] for e in body["errors"]]) == (422, ["resolved_at"])
    assert _post("/api/v1/webhooks/deployments", [DEPLOYMENT], token)[0] == 422
    assert not Incident.objects.filter(external_id="i-1").exists()


def test_same_id_updates() -> None:
    _source, token = services.webhook_source_create(actor=SYSTEM, name="ci")
    assert _post("/api/v1/webhooks/deployments", DEPLOYMENT, token)[0] == 201
    status, body = _post("/api/v1/webhooks/deployments", {**DEPLOYMENT, "status": "failure"}, token)
    assert (status, body["created"], body["status"]) == (200, False, "failure")
    assert Deployment.objects.filter(external_id="wh-1").count() == 1
    incident = {
        "id": "inc-9",
        "service": "payments-api",
        "severity": "sev1",
        "created_at": "2026-11-20T11:00:00Z",
        "deployment_id": "wh-1",
    }
    assert _post("/api/v1/webhooks/incidents", incident, token)[0] == 201
    status, body = _post(
        "/api/v1/webhooks/incidents", {**incident, "resolved_at": "2026-11-20T12:30:00Z"}, token
    )
    assert status == 200
    assert Incident.objects.filter(external_id="inc-9").count() == 1
    assert Incident.objects.get(external_id="inc-9").resolved_at is not None


@pytest.mark.parametrize(
    "when",
    ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2101-01-01T00:00:00Z"],
)
def test_times_at_the_ends_of_the_calendar_are_field_errors(when: str) -> None:
    _source, token = services.webhook_source_create(actor=SYSTEM, name="ci")
    status, body = _post("/api/v1/webhooks/deployments", {**DEPLOYMENT, "finished_at": when}, token)
    assert status == 422
    assert [e["field"] for e in body["errors"]] == ["finished_at"]
    assert "between 1970-01-01 and 2100-12-31" in body["errors"][0]["message"]
    status, body = _post(
        "/api/v1/webhooks/incidents",
        {"id": "i-end", "service": "x", "created_at": when},
        token,
    )
    assert (status, [e["field"] for e in body["errors"]]) == (422, ["created_at"])
    assert not Deployment.objects.filter(external_id="wh-1").exists()


@pytest.mark.parametrize("bad_id", [{"a": 1}, ["wh-1"], True, False])
def test_an_id_that_is_not_text_is_a_field_error(bad_id: object) -> None:
    _source, token = services.webhook_source_create(actor=SYSTEM, name="ci")
    status, body = _post("/api/v1/webhooks/deployments", {**DEPLOYMENT, "id": bad_id}, token)
    assert (status, [e["field"] for e in body["errors"]]) == (422, ["id"])
    status, body = _post(
        "/api/v1/webhooks/incidents",
        {"id": bad_id, "service": "x", "created_at": "2026-01-01T00:00:00Z"},
        token,
    )
    assert (status, [e["field"] for e in body["errors"]]) == (422, ["id"])
    assert Deployment.objects.filter(external_id__in=["{'a': 1}", "['wh-1']", "True"]).count() == 0
    assert _post("/api/v1/webhooks/deployments", {**DEPLOYMENT, "id": 42}, token)[0] == 201


def test_a_webhook_never_overwrites_a_deployment_from_a_git_tag() -> None:
    from django.utils import timezone

    from steward.engineering.models import RecordSource

    _source, token = services.webhook_source_create(actor=SYSTEM, name="ci")
    when = timezone.now().replace(microsecond=0)
    tagged = Deployment.objects.create(
        external_id="tag:payments-api:v9.9.9",
        repo_name="payments-api",
        sha="abc1234",
        environment="production",
        status="success",
        started_at=when,
        finished_at=when,
        source=RecordSource.TAG,
    )
    status, body = _post(
        "/api/v1/webhooks/deployments", {**DEPLOYMENT, "id": tagged.external_id}, token
    )
    assert (status, [e["field"] for e in body["errors"]]) == (422, ["id"])
    assert "reserved for git tags" in body["errors"][0]["message"]
    # A tag deployment stored under an id without the prefix (an older ingest) is kept too.
    Deployment.objects.filter(pk=tagged.pk).update(external_id="release-42")
    status, body = _post(
        "/api/v1/webhooks/deployments",
        {**DEPLOYMENT, "id": "release-42", "status": "failure"},
        token,
    )
    assert status == 409
    assert "comes from a git tag" in body["detail"] and body["errors"] == []
    kept = Deployment.objects.get(pk=tagged.pk)
    assert (kept.source, kept.status, kept.finished_at) == (RecordSource.TAG, "success", when)


def test_answers_have_the_documented_schema() -> None:
    """The webhooks answer a JsonResponse of their own (ninja does not check it): the body must
    be exactly the schema the OpenAPI document names for 200 and 201."""
    from steward.api import api
    from steward.engineering.schemas import DeploymentReceived, IncidentReceived

    _source, token = services.webhook_source_create(actor=SYSTEM, name="ci")
    paths = api.get_openapi_schema()["paths"]
    for path, schema in (
        ("/api/v1/webhooks/deployments", DeploymentReceived),
        ("/api/v1/webhooks/incidents", IncidentReceived),
    ):
        for code in (200, 201):
            documented = paths[path]["post"]["responses"][code]["content"]["application/json"]
            assert documented["schema"] == {"$ref": f"#/components/schemas/{schema.__name__}"}
    status, body = _post("/api/v1/webhooks/deployments", {**DEPLOYMENT, "sha": ""}, token)
    assert status == 201
    assert list(body) == list(DeploymentReceived.model_fields)
    assert body == {
        "id": "wh-1",
        "repo": "payments-api",
        "sha": None,
        "environment": "production",
        "status": "success",
        "started_at": "2026-11-20T10:00:00Z",
        "finished_at": "2026-11-20T10:05:00Z",
        "service": "payments-api",
        "source": "webhook",
        "shipped_commits": None,
        "first_of_repository": False,
        "created": True,
    }
    DeploymentReceived.model_validate(body)
    incident = {"id": "i-7", "service": "payments-api", "created_at": "2026-11-20T11:00:00Z"}
    _post("/api/v1/webhooks/incidents", incident, token)
    status, body = _post(
        "/api/v1/webhooks/incidents", {**incident, "resolved_at": "2026-11-20T12:30:00Z"}, token
    )
    assert status == 200
    assert list(body) == list(IncidentReceived.model_fields)
    assert body == {
        "id": "i-7",
        "service": "payments-api",
        "repo": None,
        "severity": None,
        "created_at": "2026-11-20T11:00:00Z",
        "resolved_at": "2026-11-20T12:30:00Z",
        "deployment_id": None,
        "source": "webhook",
        "created": False,
    }
    IncidentReceived.model_validate(body)
