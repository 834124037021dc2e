"""Figures kept until the data moves: Django's cache keyed by the data version.

The data version is the newest audit-log entry: every audited write (an import, an ingestion
that changed a repository, an edit of a rule, a person, a membership or a rate) increases it,
so a figure computed from the data can be served from the cache until it moves. Used by
strategy's investment panel (worktracking) and the change-coupling pages (knowledge).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CACHE_SECONDS = 24 * 3600


def data_version() -> int:
    """The newest audit-log entry (0 when there is none)."""
    from auditlog.models import LogEntry

    newest = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    return int(newest or 0)


def cached(name: str, compute: Callable[[], Any], version: int | None = None) -> Any:
    """`compute()`, kept in Django's cache under `name` until the data version moves.

    `name` must say everything else the answer depends on (the window's start, the caller's
    visible repositories, the options). `version`: `data_version()` when the caller has it
    (one query for several figures)."""
    from django.core.cache import cache

    key = f"{name}:{data_version() if version is None else version}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found
