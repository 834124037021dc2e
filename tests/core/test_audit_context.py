"""Audit entries name their actor and remote address (steward.core.audit), with one receiver
connected once instead of one connected and disconnected per request."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.db.models.signals import pre_save
from django.test import Client

from steward.core.audit import acting_as
from steward.core.auth import token_create
from steward.org.models import Team

pytestmark = pytest.mark.django_db


def _entry(slug: str) -> Any:
    team = Team.objects.get(slug=slug)
    return LogEntry.objects.get_for_object(team).get(action=LogEntry.Action.CREATE)  # type: ignore[arg-type]


def test_a_page_write_names_the_user_and_the_address_without_connecting_receivers(
    client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_as("cto")
    client.get("/")  # the middleware is loaded (and its receiver connected) before counting
    calls: list[str] = []
    monkeypatch.setattr(pre_save, "connect", lambda *a, **k: calls.append("connect"))
    monkeypatch.setattr(pre_save, "disconnect", lambda *a, **k: calls.append("disconnect"))
    response = client.post(
        "/org/teams/new/",
        {"name": "Audit Trail", "type": "platform"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302, response.content.decode()[-800:]
    entry = _entry("audit-trail")
    assert entry.actor.username == "cto"
    assert entry.remote_addr == "203.0.113.7"
    assert calls == []


def test_behind_a_proxy_the_first_forwarded_address_is_recorded(client_as: Any) -> None:
    response = client_as("cto").post(
        "/org/teams/new/",
        {"name": "Proxied", "type": "platform"},
        HTTP_X_FORWARDED_FOR="198.51.100.4:5123, 10.0.0.1",
        HTTP_X_FORWARDED_PORT="5123",
    )
    assert response.status_code == 302
    entry = _entry("proxied")
    assert (entry.remote_addr, entry.remote_port, entry.actor.username) == (
        "198.51.100.4",
        5123,
        "cto",
    )


def test_a_token_write_names_the_token_user_and_keeps_the_address() -> None:
    _, raw = token_create(user=User.objects.get(username="cto"), name="test")
    response = Client().post(
        "/api/v1/org/teams",
        {"slug": "token-team", "name": "Token Team", "type": "platform"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        REMOTE_ADDR="192.0.2.9",
    )
    assert response.status_code == 201, response.content
    entry = _entry("token-team")
    assert (entry.actor.username, entry.remote_addr) == ("cto", "192.0.2.9")


def test_writes_after_a_request_and_outside_any_name_no_actor(client_as: Any) -> None:
    client_as("cto").get("/")
    Team.objects.create(slug="after-request", name="After", type="platform")
    entry = _entry("after-request")
    assert (entry.actor, entry.remote_addr) == (None, None)


def test_acting_as_and_auditlogs_set_actor_still_name_their_actor() -> None:
    manager = User.objects.get(username="manager")
    with acting_as(manager):
        Team.objects.create(slug="acting", name="Acting", type="platform")
    with set_actor(User.objects.get(username="people")):
        Team.objects.create(slug="set-actor", name="Set Actor", type="platform")
    assert _entry("acting").actor.username == "manager"
    assert _entry("set-actor").actor.username == "people"
