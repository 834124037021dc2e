"""Search providers of work tracking: pull requests and tracker items by key or title."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.urls import reverse

from steward.core import policy
from steward.core.registry import SearchResult


def pull_requests(user: Any, query: str, limit: int) -> Iterator[SearchResult]:
    """Pull requests whose title or branch contains the query, or numbered as it ("#12")."""
    match = Q(title__icontains=query) | Q(head_ref__icontains=query)
    digits = query.lstrip("#!").strip()
    if digits.isdigit():
        match |= Q(number=int(digits))
    rows = (
        policy.visible(user, "worktracking.pullrequest")
        .filter(match)
        .order_by("-created_at", "pk")[:limit]
    )
    for pull in rows:
        yield SearchResult(
            kind="Pull request",
            title=f"{pull} · {pull.title}",
            url=reverse("worktracking:pull_detail", args=[pull.pk]),
            detail=pull.get_state_display(),
        )


def work_items(user: Any, query: str, limit: int) -> Iterator[SearchResult]:
    """Tracker items whose key or title contains the query."""
    rows = (
        policy.visible(user, "worktracking.workitem")
        .filter(Q(key__iexact=query) | Q(title__icontains=query))
        .order_by("key")[:limit]
    )
    for item in rows:
        yield SearchResult(
            kind="Work item",
            title=f"{item.key} · {item.title}",
            url=f"{reverse('worktracking:items')}?project={item.project}",
            detail=" · ".join(x for x in (item.item_type, item.status) if x),
        )
