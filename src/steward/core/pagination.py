"""Limit/offset pagination with the contract's `{"items": [...], "count": N}` shape."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def paginate(
    rows: QuerySet[Any] | Sequence[T],
    *,
    limit: int | None,
    offset: int | None,
    render: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """One page of `rows`, each rendered with `render`, and the total count."""
    size = max(0, min(limit if limit is not None else DEFAULT_LIMIT, MAX_LIMIT))
    start = max(0, offset or 0)
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    # Past the end there is nothing to fetch; slicing with an offset of 10**20 would overflow
    # the database's integer.
    page = rows[start : start + size] if start < count else []
    return {"items": [render(row) for row in page], "count": count}
