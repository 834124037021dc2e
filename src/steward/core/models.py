"""Cross-cutting records: API tokens, login attempts and instance settings."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models


def token_digest(raw: str) -> str:
    """SHA-256 of a raw API token; only the digest is stored."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API; the raw value is shown once and stored only as a digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or 'unnamed'})"


class LoginAttempt(models.Model):
    """A login attempt per (user name, address), taken before the password check (core.auth)."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.at}"


class InstanceSetting(models.Model):
    """A key/value setting of this Steward instance (e.g. whether it holds the demo company)."""

    key = models.CharField(max_length=100, unique=True)
    value = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.key
