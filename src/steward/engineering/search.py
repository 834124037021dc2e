"""Search provider of engineering: repositories by name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from steward.core import policy
from steward.core.registry import SearchResult


def repositories(user: Any, query: str, limit: int) -> Iterator[SearchResult]:
    """Repositories whose name contains the query."""
    rows = (
        policy.visible(user, "engineering.repository")
        .filter(name__icontains=query)
        .select_related("team")
        .order_by("name")[:limit]
    )
    for repo in rows:
        detail = f"owned by {repo.team.name}" if repo.team else "no owner team"
        url = reverse("engineering:repository_detail", args=[repo.name])
        yield SearchResult(kind="Repository", title=repo.name, url=url, detail=detail)
