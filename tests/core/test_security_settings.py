"""Host names, the CSRF cookie and the audit log of passwords (issue 17 item 9)."""

from __future__ import annotations

import importlib
import os
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client

from steward.core.auth import AUDIT_MASK
from steward.core.server import allow_served_host

pytestmark = pytest.mark.django_db


def _allowed_hosts(env: dict[str, str]) -> list[str]:
    """ALLOWED_HOSTS as the settings module computes it from `env`."""
    import steward.settings as module

    saved = dict(os.environ)
    os.environ.pop("STEWARD_ALLOWED_HOSTS", None)
    os.environ.update(env)
    try:
        return list(importlib.reload(module).ALLOWED_HOSTS)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        importlib.reload(module)


def test_allowed_hosts_default_to_local_names_not_everything() -> None:
    hosts = _allowed_hosts({})
    assert "*" not in hosts
    assert set(hosts) == {"localhost", "127.0.0.1", "[::1]"}
    configured = _allowed_hosts({"STEWARD_ALLOWED_HOSTS": "steward.example.com, other"})
    assert configured == ["steward.example.com", "other"]


def test_serve_adds_the_bound_host_unless_hosts_are_configured(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("STEWARD_ALLOWED_HOSTS", raising=False)
    fake = SimpleNamespace(ALLOWED_HOSTS=["localhost"])
    allow_served_host(fake, "10.1.2.3")
    assert fake.ALLOWED_HOSTS == ["localhost", "10.1.2.3"]
    monkeypatch.setenv("STEWARD_ALLOWED_HOSTS", "steward.example.com")
    allow_served_host(fake, "10.9.9.9")
    assert "10.9.9.9" not in fake.ALLOWED_HOSTS


def test_a_foreign_host_header_is_refused() -> None:
    response = Client().get("/healthz", HTTP_HOST="evil.example")
    assert response.status_code == 400


def test_csrf_cookie_is_httponly() -> None:
    response = Client().get("/accounts/login/")
    cookie = response.cookies["csrftoken"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_password_change_is_audited_without_the_hashes() -> None:
    user = User.objects.get(username="engineer")
    old_hash = user.password
    user.set_password("another long passphrase 7")
    user.save()
    entry = LogEntry.objects.get_for_object(user).order_by("-timestamp").first()
    assert entry is not None
    assert entry.changes_dict["password"] == [AUDIT_MASK, AUDIT_MASK]
    text = f"{entry.changes} {entry.changes_text} {entry.serialized_data}"
    assert old_hash not in text and user.password not in text
    assert "argon2" not in text


def test_migration_scrubs_hashes_already_in_the_log() -> None:
    from django.apps import apps as django_apps
    from django.contrib.contenttypes.models import ContentType

    migration = importlib.import_module(
        "steward.core.migrations.0002_scrub_password_hashes_from_audit_log"
    )
    user = User.objects.get(username="engineer")
    leaked = LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(user.pk),
        object_id=user.pk,
        object_repr="engineer",
        action=LogEntry.Action.UPDATE,
        changes={"password": ["argon2$old", "argon2$new"], "email": ["a", "b"]},
    )
    migration.scrub(django_apps, None)
    leaked.refresh_from_db()
    assert leaked.changes == {"password": ["(secret)", "(secret)"], "email": ["a", "b"]}
