"""Pages: the Delivery numbers match their drill-downs; admin-only actions."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth.models import User

from steward.engineering import config, selectors
from steward.engineering.models import Identity

pytestmark = pytest.mark.django_db

PERIOD = {"from": "2026-08-01", "to": "2026-11-27"}


def _count(body: str, pattern: str) -> int:
    match = re.search(pattern, body)
    assert match, pattern
    return int(match.group(1))


def test_drill_downs_hold_the_evidence_behind_each_number(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    figures = selectors.dora_metrics(
        actor=User.objects.get(username="cto"),
        team="payments",
        start=date(2026, 8, 1),
        end=date(2026, 11, 27),
    )
    page = client.get("/engineering/delivery/", {**PERIOD, "team": "payments"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "Change failure rate" in body
    deployments = client.get("/engineering/delivery/deployments/", {**PERIOD, "team": "payments"})
    assert (
        _count(deployments.content.decode(), r"· (\d+) deployments\.")
        == (figures["change_failure_rate"]["deployments"])
    )
    failed = client.get(
        "/engineering/delivery/deployments/", {**PERIOD, "team": "payments", "failed": "1"}
    )
    assert (
        _count(failed.content.decode(), r"· (\d+) deployments\.")
        == (figures["change_failure_rate"]["failed"])
    )
    commits = client.get("/engineering/delivery/lead-time/", {**PERIOD, "team": "payments"})
    assert (
        _count(commits.content.decode(), r"· (\d+) commits\.")
        == (figures["lead_time_for_changes"]["changes"])
    )
    incidents = client.get("/engineering/delivery/incidents/", {**PERIOD, "team": "payments"})
    assert (
        _count(incidents.content.decode(), r"· (\d+) incidents\.")
        == (figures["failed_deployment_recovery_time"]["incidents"])
    )


def test_identities_are_for_admins(client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.org.models import Person

    identity = Identity.objects.get(email="kim@devagency.example")
    person = Person.objects.order_by("employee_id").first()
    assert person is not None
    denied = client_as("cto").post(
        "/engineering/identities/",
        {"identity": identity.pk, "action": "link", "employee_id": person.employee_id},
    )
    assert denied.status_code == 403
    page = client_as("admin").get("/engineering/identities/")
    assert "kim@devagency.example" in page.content.decode()
    done = client_as("admin").post(
        "/engineering/identities/",
        {"identity": identity.pk, "action": "link", "employee_id": person.employee_id},
    )
    assert done.status_code == 302
    identity.refresh_from_db()
    assert (identity.person_id, identity.manual) == (person.pk, True)
    client_as("admin").post(
        "/engineering/identities/",
        {"action": "patterns", "bots": "[bot]\nrobot@", "link_keys": r"\bOPS-\d+\b"},
    )
    assert config.bot_patterns() == ["[bot]", "robot@"]
    assert config.link_key_patterns() == [r"\bOPS-\d+\b"]


def test_admin_queues_ingestion(client_as, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    before = DBTaskResult.objects.count()
    assert (
        client_as("engineer").post("/engineering/repositories/", {"paths": "/x"}).status_code == 403
    )
    response = client_as("admin").post("/engineering/repositories/", {"paths": str(tmp_path)})
    assert response.status_code == 302
    assert DBTaskResult.objects.count() == before + 1
