"""Who may do what with decision records (the architecture app's policy)."""

from __future__ import annotations

from typing import Any

from steward.core.policy import Role, person_of, roles_of

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


def may_edit_radar(user: Any) -> bool:
    """Architects, the CTO and admins move blips and edit the radar."""
    return may_decide(user)


def led_team_ids(user: Any) -> frozenset[int]:
    """The teams `user`'s person leads (team leads edit their own components and debt items)."""
    person = person_of(user)
    if person is None:
        return frozenset()
    cached = getattr(user, "_steward_led_teams", None)
    if cached is None:
        cached = frozenset(person.led_teams.values_list("pk", flat=True))
        setattr(user, "_steward_led_teams", cached)  # noqa: B010
    return cached


def may_create_owned(user: Any) -> bool:
    """Deciders and team leads add components and debt items."""
    return may_decide(user) or bool(led_team_ids(user))


def may_edit_owned(user: Any, obj: Any) -> bool:
    """Deciders edit every component and debt item; a team lead those their team owns."""
    if may_decide(user):
        return True
    team_id = getattr(obj, "owner_team_id", None)
    return team_id is not None and team_id in led_team_ids(user)
