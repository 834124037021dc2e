"""Authentication: password logins locked per (user name, address), hashed API tokens."""

from __future__ import annotations

import functools
import ipaddress
import secrets
import time
from datetime import timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from steward.core import policy
from steward.core.compiled_query import CompiledQuery
from steward.core.errors import BadInput
from steward.core.instance import is_demo_database
from steward.core.models import ApiToken, LoginAttempt, token_digest

DEMO_PASSWORD = "demo"
TOKEN_PREFIX = "stw_"


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For only when it comes from a proxy
    listed in `STEWARD_TRUSTED_PROXIES` (the right-most address that is not such a proxy)."""
    remote = str(request.META.get("REMOTE_ADDR", ""))[:64]
    trusted = _trusted_networks()
    if not trusted or not _in(remote, trusted):
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in(hop, trusted):
            return hop[:64]
    return hops[0][:64] if hops else remote


def _trusted_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(entry, strict=False)
        for entry in getattr(settings, "STEWARD_TRUSTED_PROXIES", [])
    ]


def _in(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


# An attempt whose password is being checked holds a row dated this far ahead; a process that
# dies mid-check leaves a row that turns into a failure when that time passes.
PENDING = timedelta(seconds=60)
# How long an attempt waits for attempts in progress to finish (each Argon2 check takes a
# noticeable moment on a busy machine); by then a stale one has turned into a failure anyway.
WAIT_SECONDS = PENDING.total_seconds()


def _reserve_attempt(username: str, address: str) -> int | None:
    """Take a slot for this attempt before the password is checked; None when locked.

    django-axes checks the lock before a login and records the failure after it, so parallel
    wrong passwords all pass its check. Here an attempt takes a slot in one transaction,
    serialized per user name (a row lock on PostgreSQL; SQLite runs one writer at a time):
    failures (rows dated now or earlier) and attempts in progress (rows dated ahead) together
    never exceed `STEWARD_LOGIN_MAX_FAILURES` per (user name, address). When only attempts in
    progress fill the slots, this one waits for them instead of being refused, so several
    people signing in with the same login behind one address are not turned away.
    """
    give_up = time.monotonic() + WAIT_SECONDS
    while True:
        now = timezone.now()
        since = now - timedelta(seconds=settings.STEWARD_LOGIN_WINDOW_SECONDS)
        with transaction.atomic():
            list(User.objects.select_for_update().filter(username=username).values_list("pk"))
            LoginAttempt.objects.filter(at__lt=since).delete()
            rows = LoginAttempt.objects.filter(username=username, address=address)
            failures = rows.filter(at__lte=now).count()
            if failures >= settings.STEWARD_LOGIN_MAX_FAILURES:
                return None
            if failures + rows.filter(at__gt=now).count() < settings.STEWARD_LOGIN_MAX_FAILURES:
                slot = LoginAttempt.objects.create(username=username, address=address)
                LoginAttempt.objects.filter(pk=slot.pk).update(at=now + PENDING)
                return slot.pk
        if time.monotonic() > give_up:
            return None
        time.sleep(0.05)


def _settle_attempt(slot: int, username: str, address: str, *, succeeded: bool) -> None:
    """A failure keeps its slot (dated now); a success frees the pair's failures and its own."""
    now = timezone.now()
    if succeeded:
        rows = LoginAttempt.objects.filter(username=username, address=address)
        rows.filter(Q(at__lte=now) | Q(pk=slot)).delete()
    else:
        LoginAttempt.objects.filter(pk=slot).update(at=now)


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """django-axes' lock per (user name, address); logins without a request (local scripts,
    `steward` commands) have no address to lock and skip it."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, username: str | None = None, **kwargs: Any
    ) -> User | None:
        if request is None:
            return None
        return super().authenticate(request, username=username, **kwargs)  # type: ignore[no-any-return]


class PasswordBackend(ModelBackend):
    """Django's model backend behind the attempt reservation; `demo` works only in the demo."""

    def get_user(self, user_id: Any) -> User | None:
        """The session's user, with the roles they hold read in the same query."""
        user = policy.user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        username = username[:150]
        address = client_address(request) if request is not None else ""
        slot = _reserve_attempt(username, address)
        if slot is None:
            return None
        user = None
        try:
            if password != DEMO_PASSWORD or is_demo_database():
                user = super().authenticate(request, username=username, password=password, **kwargs)
        finally:
            _settle_attempt(slot, username, address, succeeded=user is not None)
        return user


AUDIT_MASK = "(secret)"


def audit_mask(value: str) -> str:
    """What the audit log keeps of a password hash: nothing."""
    return AUDIT_MASK


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


@functools.cache
def _token_with_roles() -> CompiledQuery[ApiToken]:
    """The unrevoked token of a digest, read with its user and the user's roles; the query is
    compiled once per process (as `policy.user_with_roles` reads the session's user). Building
    and compiling the role annotations again for every request was most of the read's CPU;
    the roles and models it names do not change at run time."""
    tokens = ApiToken.objects.select_related("user").annotate(**policy.role_flags("user"))
    return CompiledQuery(
        lambda digest: tokens.filter(digest=digest, revoked_at__isnull=True).order_by("pk"),
        placeholder="-",  # a digest is 64 hexadecimal digits
    )


def user_for_token(raw: str) -> User | None:
    """The active user owning an unrevoked token, or None."""
    token = _token_with_roles().first(token_digest(raw))
    if token is None or not token.user.is_active:
        return None
    policy.take_role_flags(token, token.user)  # the roles, read in the same query
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
