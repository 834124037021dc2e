"""Search provider of the strategy: objectives and initiatives by key or title."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.urls import reverse

from steward.core import policy
from steward.core.registry import SearchResult


def objectives(user: Any, query: str, limit: int) -> Iterator[SearchResult]:
    """Objectives whose key is the query or whose title contains it."""
    rows = (
        policy.visible(user, "strategy.objective")
        .filter(Q(key__iexact=query) | Q(title__icontains=query))
        .order_by("key")[:limit]
    )
    for objective in rows:
        url = reverse("strategy:objective_detail", args=[objective.key])
        yield SearchResult(kind="Objective", title=f"{objective.key} · {objective.title}", url=url)


def initiatives(user: Any, query: str, limit: int) -> Iterator[SearchResult]:
    """Initiatives whose key is the query or whose title contains it."""
    rows = (
        policy.visible(user, "strategy.initiative")
        .filter(Q(key__iexact=query) | Q(title__icontains=query))
        .order_by("key")[:limit]
    )
    for initiative in rows:
        url = reverse("strategy:initiative_detail", args=[initiative.key])
        yield SearchResult(
            kind="Initiative",
            title=f"{initiative.key} · {initiative.title}",
            url=url,
            detail=initiative.get_status_display(),
        )
