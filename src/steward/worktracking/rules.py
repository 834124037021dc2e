"""Who may do what with work-tracking records (the app's policy)."""

from __future__ import annotations

from typing import Any

from steward.core.policy import Role, roles_of

EDITOR_ROLES = frozenset({Role.ADMIN, Role.CTO})


def may_change(user: Any) -> bool:
    """The CTO and admins set the investment categories; imports run as the system."""
    return bool(roles_of(user) & EDITOR_ROLES)
