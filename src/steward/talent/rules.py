"""Who may see and do what with hiring data (the talent app's policy).

- The hiring plan and requisitions: the people role (recruiting), the CTO, admins, executives
  and finance; a manager sees the requisitions they are the hiring manager of.
- Candidate data (candidates, applications, stage history, offers, scorecards): the people
  role, the CTO and admins; a manager only on the requisitions they are the hiring manager of,
  or where they are on the interview panel (they hold a scorecard). Engineers, architects,
  executives and finance never see a candidate.
- Self-identification: never per person; aggregates only, under the small-group rule.
- Offer salaries and budgeted costs are compensation: the compensation roles only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from steward.core.policy import COMPENSATION_ROLES, Role, person_of, roles_of

RECRUITING_ROLES = frozenset({Role.ADMIN, Role.CTO, Role.PEOPLE})
PLAN_ROLES = frozenset({Role.ADMIN, Role.CTO, Role.PEOPLE, Role.EXECUTIVE, Role.FINANCE})
DIVERSITY_ROLES = frozenset({Role.ADMIN, Role.CTO, Role.PEOPLE, Role.EXECUTIVE})


def may_see_hiring(user: Any) -> bool:
    """The hiring plan, requisitions and funnel aggregates (managers: their own)."""
    roles = roles_of(user)
    return bool(roles & PLAN_ROLES) or Role.MANAGER in roles


def may_recruit(user: Any) -> bool:
    """Create and edit requisitions, candidates, sources, kits and brand activities."""
    return bool(roles_of(user) & RECRUITING_ROLES)


def may_see_candidates(user: Any) -> bool:
    """Whether `user` may see any candidate at all (row scopes narrow it further)."""
    roles = roles_of(user)
    return bool(roles & RECRUITING_ROLES) or Role.MANAGER in roles


def may_see_money(user: Any) -> bool:
    """Offer salaries and budgeted costs (compensation)."""
    return bool(roles_of(user) & COMPENSATION_ROLES)


def may_see_diversity(user: Any) -> bool:
    """The diversity aggregates (under the small-group rule)."""
    return bool(roles_of(user) & DIVERSITY_ROLES)


def may_approve(user: Any) -> bool:
    """The CTO and admins approve requisitions; finance approves their budget."""
    return bool(roles_of(user) & {Role.ADMIN, Role.CTO, Role.FINANCE})


def _me(user: Any) -> Any:
    return person_of(user)


def requisition_rows(
    user: Any, roles: frozenset[Role], qs: QuerySet[Any], on: Any
) -> QuerySet[Any]:
    """Row scope of requisitions: plan roles; managers their own (as hiring manager)."""
    if roles & PLAN_ROLES:
        return qs
    me = _me(user)
    if Role.MANAGER not in roles or me is None:
        return qs.none()
    return qs.filter(hiring_manager=me)


def approval_rows(user: Any, roles: frozenset[Role], qs: QuerySet[Any], on: Any) -> QuerySet[Any]:
    """Approvals follow their requisition."""
    if roles & PLAN_ROLES:
        return qs
    me = _me(user)
    if Role.MANAGER not in roles or me is None:
        return qs.none()
    return qs.filter(requisition__hiring_manager=me)


def application_rows(
    user: Any, roles: frozenset[Role], qs: QuerySet[Any], on: Any
) -> QuerySet[Any]:
    """Applications: recruiting roles; managers on their requisitions or their panels."""
    if roles & RECRUITING_ROLES:
        return qs
    if Role.MANAGER not in roles:
        return qs.none()
    me = _me(user)
    allowed = Q(pk__in=qs.filter(scorecards__interviewer=user).values("pk"))
    if me is not None:
        allowed |= Q(requisition__hiring_manager=me)
    return qs.filter(allowed)


def _via_application(path: str) -> Any:
    def scope(user: Any, roles: frozenset[Role], qs: QuerySet[Any], on: Any) -> QuerySet[Any]:
        if roles & RECRUITING_ROLES:
            return qs
        if Role.MANAGER not in roles:
            return qs.none()
        me = _me(user)
        allowed = Q(**{f"{path}scorecards__interviewer": user})
        if me is not None:
            allowed |= Q(**{f"{path}requisition__hiring_manager": me})
        return qs.filter(pk__in=qs.filter(allowed).values("pk"))

    return scope


candidate_rows = _via_application("applications__")
move_rows = _via_application("application__")
offer_rows = _via_application("application__")
scorecard_rows = _via_application("application__")
