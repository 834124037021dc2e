"""Reads of decision records, always starting from what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from steward.architecture.models import Decision
from steward.core import policy


def decision_list(
    *, actor: Any, status: str | None = None, tag: str | None = None
) -> QuerySet[Decision]:
    """The decisions `actor` may see, by number; optionally one status and one tag."""
    rows = policy.visible(actor, "architecture.decision").select_related("supersedes")
    rows = rows.prefetch_related("superseded_by_set")
    if status:
        rows = rows.filter(status=status)
    if tag:
        # JSON containment is not on SQLite; filter the (small) set in Python by pk.
        ids = [d.pk for d in rows if tag in (d.tags or [])]
        rows = rows.filter(pk__in=ids)
    return rows.order_by("number")


def decision_get(*, actor: Any, number: int) -> Decision | None:
    """Decision `number` if `actor` may see it."""
    return decision_list(actor=actor).filter(number=number).first()


def all_tags(*, actor: Any) -> list[str]:
    """Every tag in use, sorted."""
    tags: set[str] = set()
    for row in policy.visible(actor, "architecture.decision").values_list("tags", flat=True):
        tags.update(row or [])
    return sorted(tags)


def supersede_chain(decision: Decision) -> list[Decision]:
    """The records this one replaced (oldest first), itself, then those that replaced it."""
    before: list[Decision] = []
    seen = {decision.pk}
    current = decision.supersedes
    while current is not None and current.pk not in seen:
        before.insert(0, current)
        seen.add(current.pk)
        current = current.supersedes
    after: list[Decision] = []
    nxt = decision.superseded_by
    while nxt is not None and nxt.pk not in seen:
        after.append(nxt)
        seen.add(nxt.pk)
        nxt = nxt.superseded_by
    return [*before, decision, *after]


def decision_dict(decision: Decision) -> dict[str, Any]:
    """The API form of a decision (CONTRACT.md fields first)."""
    replaced_by = [d.number for d in decision.superseded_by_set.all()]
    return {
        "number": decision.number,
        "title": decision.title,
        "status": decision.status,
        "date": decision.date,
        "decision_makers": list(decision.decision_makers),
        "consulted": list(decision.consulted),
        "informed": list(decision.informed),
        "tags": list(decision.tags),
        "supersedes": decision.supersedes.number if decision.supersedes else None,
        "superseded_by": max(replaced_by) if replaced_by else None,
    }
