"""Who may see and change what in growth (the app's part of the policy).

- A 1:1 cadence and the days its meetings took place: the pair, the managers above the
  report, and the people, CTO and admin roles (they need it for overdue detection).
- What a 1:1 was about (agenda, private notes, action items): the two people of the pair only.
  Not the CTO, not the people role, not admins: the row scope of those tables is the pair.
- Ladders: everyone reads them; the people role, the CTO and admins change them.
- A person's level history, development plan and promotion cases: the person, the managers
  above them, and the people, CTO and admin roles.
- Goals cascading from objectives: a team's goal is open to everyone (like the objective it
  serves); one person's goal like their development plan. Team goals are set by people/CTO/
  admin, the strategy editors and the team's managers; a person's by whoever keeps their plan.
- Survey answers: no row is ever listed; results are aggregates under the small-group rule.
- Attrition figures: admin, CTO, executive, people. Retention signals (drivers and cohorts,
  never per person): the CTO and the people role.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from steward.core import policy
from steward.core.policy import Role

GROWTH_ADMIN_ROLES = frozenset({Role.ADMIN, Role.CTO, Role.PEOPLE})
LADDER_EDITOR_ROLES = GROWTH_ADMIN_ROLES
ATTRITION_ROLES = frozenset({Role.ADMIN, Role.CTO, Role.EXECUTIVE, Role.PEOPLE})
RETENTION_ROLES = frozenset({Role.CTO, Role.PEOPLE})
SURVEY_IMPORT_ROLES = GROWTH_ADMIN_ROLES


def _me_id(user: Any) -> int | None:
    me = policy.person_of(user)
    return None if me is None else int(me.pk)


def pair_rows(
    user: Any, roles: frozenset[Role], qs: QuerySet[Any], on: date | None
) -> QuerySet[Any]:
    """1:1 cadences: the pair, the managers above the report, people/CTO/admin."""
    if roles & GROWTH_ADMIN_ROLES:
        return qs
    me = _me_id(user)
    allowed = Q(pk__in=[])
    if me is not None:
        allowed |= Q(manager_id=me) | Q(report_id=me)
    subtree = policy.subtree_ids(user)
    if subtree:
        allowed |= Q(report_id__in=subtree)
    return qs.filter(allowed)


def meeting_rows(
    user: Any, roles: frozenset[Role], qs: QuerySet[Any], on: date | None
) -> QuerySet[Any]:
    """The days 1:1s took place: whoever sees the pair."""
    pairs = pair_rows(user, roles, _pairs(), on)
    return qs.filter(pair__in=pairs)


def _pairs() -> QuerySet[Any]:
    from steward.growth.models import OneOnOnePair

    return OneOnOnePair.objects.all()


def pair_only_rows(path: str) -> policy.RowScope:
    """Rows that belong to one 1:1 (through `path` to the pair): the two people only."""

    def scope(
        user: Any, roles: frozenset[Role], qs: QuerySet[Any], on: date | None
    ) -> QuerySet[Any]:
        me = _me_id(user)
        if me is None:
            return qs.none()
        return qs.filter(Q(**{f"{path}manager_id": me}) | Q(**{f"{path}report_id": me}))

    return scope


def person_record_rows(path: str = "person") -> policy.RowScope:
    """Rows about one person: the person, the managers above them, people/CTO/admin."""

    def scope(
        user: Any, roles: frozenset[Role], qs: QuerySet[Any], on: date | None
    ) -> QuerySet[Any]:
        if roles & GROWTH_ADMIN_ROLES:
            return qs
        allowed = Q(pk__in=[])
        me = _me_id(user)
        if me is not None:
            allowed |= Q(**{f"{path}_id": me})
        subtree = policy.subtree_ids(user)
        if subtree:
            allowed |= Q(**{f"{path}_id__in": subtree})
        return qs.filter(allowed)

    return scope


def coaching_rows(path: str) -> policy.RowScope:
    """Coaching programmes (through `path`): the coach, the lead, people/CTO/admin."""

    def scope(
        user: Any, roles: frozenset[Role], qs: QuerySet[Any], on: date | None
    ) -> QuerySet[Any]:
        if roles & GROWTH_ADMIN_ROLES:
            return qs
        me = _me_id(user)
        if me is None:
            return qs.none()
        return qs.filter(Q(**{f"{path}coach_id": me}) | Q(**{f"{path}lead_id": me}))

    return scope


def exit_rows(
    user: Any, roles: frozenset[Role], qs: QuerySet[Any], on: date | None
) -> QuerySet[Any]:
    """Exit reasons per person: the people role and the CTO (pages show them aggregated)."""
    return qs if roles & RETENTION_ROLES else qs.none()


def is_in_pair(user: Any, pair: Any) -> bool:
    """True when `user` is the manager or the report of `pair`."""
    me = _me_id(user)
    return me is not None and me in (pair.manager_id, pair.report_id)


def may_manage_pair(user: Any, report_id: int, manager_id: int) -> bool:
    """Set up or change a cadence: people/CTO/admin, the manager, or a manager above the report."""
    if policy.roles_of(user) & GROWTH_ADMIN_ROLES:
        return True
    me = _me_id(user)
    if me is not None and me == manager_id:
        return True
    return report_id in policy.subtree_ids(user)


def may_edit_ladder(user: Any) -> bool:
    """The people role, the CTO and admins change career frameworks."""
    return bool(policy.roles_of(user) & LADDER_EDITOR_ROLES)


def may_change_growth(user: Any) -> bool:
    """Who passes `policy.require(user, "change", <growth row>)` (the services check more)."""
    return may_edit_ladder(user)


def may_start_own(user: Any) -> bool:
    """Start a 1:1 cadence or a coaching programme: anyone linked to a person, people/CTO/admin."""
    return policy.person_of(user) is not None or bool(policy.roles_of(user) & GROWTH_ADMIN_ROLES)


def may_start_for_reports(user: Any) -> bool:
    """Open a promotion case or an onboarding plan: people/CTO/admin, or anyone with reports."""
    return bool(policy.roles_of(user) & GROWTH_ADMIN_ROLES) or bool(policy.subtree_ids(user))


def may_manage_person(user: Any, person_id: int) -> bool:
    """Set a level, open a promotion case, decide: people/CTO/admin or a manager above."""
    if policy.roles_of(user) & GROWTH_ADMIN_ROLES:
        return True
    return person_id in policy.subtree_ids(user)


def may_keep_plan(user: Any, person_id: int) -> bool:
    """Write a development plan: the person, a manager above them, people/CTO/admin."""
    return _me_id(user) == person_id or may_manage_person(user, person_id)


def may_decide_promotion(user: Any) -> bool:
    """Approve or decline a promotion: the people role, the CTO and admins."""
    return bool(policy.roles_of(user) & GROWTH_ADMIN_ROLES)


def may_see_attrition(user: Any) -> bool:
    """Attrition figures (aggregates under the small-group rule)."""
    return bool(policy.roles_of(user) & ATTRITION_ROLES)


def may_see_retention(user: Any) -> bool:
    """Retention signals (drivers and cohorts) and exit reasons."""
    return bool(policy.roles_of(user) & RETENTION_ROLES)


def may_import_surveys(user: Any) -> bool:
    """Import survey answers collected elsewhere."""
    return bool(policy.roles_of(user) & SURVEY_IMPORT_ROLES)


def goal_rows(path: str = "") -> policy.RowScope:
    """Goals (through `path` to the goal): a team's for everyone; a person's for them, the
    managers above them, people/CTO/admin."""

    def scope(
        user: Any, roles: frozenset[Role], qs: QuerySet[Any], on: date | None
    ) -> QuerySet[Any]:
        if roles & GROWTH_ADMIN_ROLES:
            return qs
        allowed = Q(**{f"{path}person__isnull": True})
        me = _me_id(user)
        if me is not None:
            allowed |= Q(**{f"{path}person_id": me})
        subtree = policy.subtree_ids(user)
        if subtree:
            allowed |= Q(**{f"{path}person_id__in": subtree})
        return qs.filter(allowed)

    return scope


def may_keep_team_goal(user: Any, team_id: int) -> bool:
    """Set a team's goal: people/CTO/admin, the strategy editors, or a manager in the team."""
    if policy.roles_of(user) & GROWTH_ADMIN_ROLES or policy.may_change_strategy(user):
        return True
    me = policy.person_of(user)
    return me is not None and me.team_id == team_id and bool(policy.subtree_ids(user))


def may_keep_goal(user: Any, *, team_id: int | None, person_id: int | None) -> bool:
    """Set or change a team's goal or one person's goal."""
    if person_id is not None:
        return may_keep_plan(user, person_id)
    return team_id is not None and may_keep_team_goal(user, team_id)
