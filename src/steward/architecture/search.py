"""Search provider of architecture: decision records by number or title."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.urls import reverse

from steward.core import policy
from steward.core.registry import SearchResult


def decisions(user: Any, query: str, limit: int) -> Iterator[SearchResult]:
    """Decisions whose title contains the query, or numbered as it ("12", "ADR-12", "#12")."""
    match = Q(title__icontains=query)
    digits = query.upper().removeprefix("ADR").lstrip("-# 0")
    if digits.isdigit():
        match |= Q(number=int(digits))
    rows = policy.visible(user, "architecture.decision").filter(match).order_by("number")[:limit]
    for decision in rows:
        url = reverse("architecture:decision_detail", args=[decision.number])
        yield SearchResult(
            kind="Decision",
            title=f"ADR {decision.number:04d} · {decision.title}",
            url=url,
            detail=decision.get_status_display(),
        )
