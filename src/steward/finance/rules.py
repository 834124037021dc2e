"""Who may see and change money (the finance app's policy)."""

from __future__ import annotations

from typing import Any

from steward.core.policy import Role, roles_of

# Budgets, actuals, vendors and contracts: finance, the CTO, admins and executives.
MONEY_ROLES = frozenset({Role.ADMIN, Role.CTO, Role.FINANCE, Role.EXECUTIVE})
# Executives read; finance, the CTO and admins change.
MONEY_EDITOR_ROLES = frozenset({Role.ADMIN, Role.CTO, Role.FINANCE})


def may_see_money(user: Any) -> bool:
    """Finance, the CTO, admins and executives see budgets, actuals and contracts."""
    return bool(roles_of(user) & MONEY_ROLES)


def may_change_money(user: Any) -> bool:
    """Finance, the CTO and admins edit budgets, rates, rules, vendors and contracts."""
    return bool(roles_of(user) & MONEY_EDITOR_ROLES)


def money_rows(user: Any, roles: Any, qs: Any, on: Any) -> Any:
    """Row scope of every finance model: the money roles see all rows, others none."""
    return qs if roles & MONEY_ROLES else qs.none()
