"""Authentication: throttled password logins and hashed API bearer tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone

from steward.core.errors import BadInput
from steward.core.instance import is_demo_database
from steward.core.models import ApiToken, LoginAttempt, token_digest

DEMO_PASSWORD = "demo"
TOKEN_PREFIX = "stw_"


def _address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def login_locked(username: str, address: str) -> bool:
    """True when too many recent failures came for this username or from this address."""
    since = timezone.now() - timedelta(seconds=settings.STEWARD_LOGIN_WINDOW_SECONDS)
    limit = settings.STEWARD_LOGIN_MAX_FAILURES
    recent = LoginAttempt.objects.filter(at__gte=since)
    if recent.filter(username=username).count() >= limit:
        return True
    return bool(address) and recent.filter(address=address).count() >= limit * 4


class ThrottledModelBackend(ModelBackend):
    """Django's model backend with lockout after repeated failures; `demo` works only in demo."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        address = _address(request)
        if login_locked(username, address):
            return None
        if password == DEMO_PASSWORD and not is_demo_database():
            user = None
        else:
            user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            LoginAttempt.objects.create(username=username[:150], address=address)
        else:
            LoginAttempt.objects.filter(username=username).delete()
        return user


def token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create an API token for `user`; returns the record and the raw token (shown once)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[: len(TOKEN_PREFIX) + 6], digest=token_digest(raw)
    )
    return token, raw


def token_revoke(*, token_id: int) -> ApiToken:
    """Revoke a token by id; it stops working at once."""
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        raise BadInput(f"token {token_id}: no such token (list them in the admin)")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_token(raw: str) -> User | None:
    """The active user owning an unrevoked token, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
