from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from steward.core.auth import token_create, token_revoke
from steward.core.instance import DEMO_KEY, setting_set
from steward.core.models import ApiToken

pytestmark = pytest.mark.django_db


def test_healthz_needs_no_login_and_names_the_engine() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": connection.vendor}


def test_pages_redirect_anonymous_to_login_and_api_says_401() -> None:
    client = Client()
    response = client.get("/org/teams/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/org/people").status_code == 401


def test_passwords_are_argon2() -> None:
    assert identify_hasher(User.objects.get(username="cto").password).algorithm == "argon2"


def test_login_with_demo_password_and_lockout_after_five_failures() -> None:
    client = Client()
    assert client.login(username="cto", password="demo")
    client.logout()
    for _ in range(5):
        assert not client.login(username="cto", password="wrong")
    # Locked now: even the right password fails until the window passes.
    assert not client.login(username="cto", password="demo")


def test_demo_password_works_only_in_the_demo_database() -> None:
    setting_set(DEMO_KEY, False)
    assert not Client().login(username="cto", password="demo")


def test_security_headers_present() -> None:
    client = Client()
    client.force_login(User.objects.get(username="cto"))
    response = client.get("/org/teams/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_bearer_token_is_stored_hashed_and_can_be_revoked() -> None:
    user = User.objects.get(username="engineer")
    token, raw = token_create(user=user, name="ci")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.digest, stored.prefix)
    assert len(stored.digest) == 64
    client = Client()
    response = client.get("/api/v1/org/teams", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    token_revoke(token_id=token.pk)
    response = client.get("/api/v1/org/teams", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
