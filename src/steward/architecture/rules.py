"""Who may do what with decision records (the architecture app's policy)."""

from __future__ import annotations

from typing import Any

from steward.core.policy import Role, roles_of

DECIDER_ROLES = frozenset({Role.ADMIN, Role.CTO, Role.ARCHITECT})


def may_decide(user: Any) -> bool:
    """Architects, the CTO and admins accept, reject, deprecate and supersede decisions."""
    return bool(roles_of(user) & DECIDER_ROLES)


def may_draft(user: Any) -> bool:
    """Everyone with a role may draft a decision and propose it."""
    return bool(roles_of(user))


def may_edit(user: Any, decision: Any) -> bool:
    """Deciders edit every record; the author edits their own while it is a draft or proposed."""
    if may_decide(user):
        return True
    return (
        decision.status in ("draft", "proposed")
        and decision.created_by_id is not None
        and decision.created_by_id == getattr(user, "pk", None)
    )
