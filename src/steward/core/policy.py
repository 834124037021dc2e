"""The one place that decides who may see and change what.

Views, API handlers, CLI exports and reports ask this module; nothing else decides. Models are
named by label ("org.Person") so that `core` imports no app.

Roles (a user may hold several, as Django groups of these names): admin, cto, executive,
finance, people, architect, manager, engineer. Superusers hold `admin`.

Field classes of a person:
- public: the org chart (name, title, level, team, manager, location, emails, dates);
- private: the HR record (employment type, FTE, department, termination, extra attributes);
- compensation: salary and currency (a sensitive class).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet


class Role(StrEnum):
    ADMIN = "admin"
    CTO = "cto"
    EXECUTIVE = "executive"
    FINANCE = "finance"
    PEOPLE = "people"
    ARCHITECT = "architect"
    MANAGER = "manager"
    ENGINEER = "engineer"


ALL_ROLES: tuple[Role, ...] = tuple(Role)


class FieldClass(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"
    COMPENSATION = "compensation"


# Sensitive classes named in ARCHITECTURE.md; the later ones gain fields as their apps land.
SENSITIVE_CLASSES = ("compensation", "candidate", "diversity", "survey", "retention")

PERSON_FIELDS: dict[str, FieldClass] = {
    "employee_id": FieldClass.PUBLIC,
    "name": FieldClass.PUBLIC,
    "emails": FieldClass.PUBLIC,
    "title": FieldClass.PUBLIC,
    "level": FieldClass.PUBLIC,
    "track": FieldClass.PUBLIC,
    "team": FieldClass.PUBLIC,
    "manager_employee_id": FieldClass.PUBLIC,
    "location": FieldClass.PUBLIC,
    "timezone": FieldClass.PUBLIC,
    "start_date": FieldClass.PUBLIC,
    "end_date": FieldClass.PUBLIC,
    "department": FieldClass.PRIVATE,
    "employment_type": FieldClass.PRIVATE,
    "fte": FieldClass.PRIVATE,
    "termination_type": FieldClass.PRIVATE,
    "regretted": FieldClass.PRIVATE,
    "attributes": FieldClass.PRIVATE,
    "salary": FieldClass.COMPENSATION,
    "currency": FieldClass.COMPENSATION,
}

# Roles that see every person record, leavers included.
WHOLE_ORG_ROLES = frozenset(
    {Role.ADMIN, Role.CTO, Role.EXECUTIVE, Role.FINANCE, Role.PEOPLE, Role.ARCHITECT}
)
# Roles that see every person's private HR fields.
PRIVATE_ROLES = frozenset({Role.ADMIN, Role.CTO, Role.EXECUTIVE, Role.FINANCE, Role.PEOPLE})
# Roles that see every person's compensation.
COMPENSATION_ROLES = frozenset({Role.ADMIN, Role.CTO, Role.FINANCE, Role.PEOPLE})
# Roles that may change the organization.
ORG_EDITOR_ROLES = frozenset({Role.ADMIN, Role.CTO, Role.PEOPLE})
# Roles that see organization plans (headcount plan, reorg scenarios); managers draft their own.
ORG_PLANNER_ROLES = frozenset(
    {Role.ADMIN, Role.CTO, Role.EXECUTIVE, Role.FINANCE, Role.PEOPLE, Role.MANAGER}
)
ORG_PLAN_MODELS = frozenset(
    {"org.scenario", "org.headcountplanentry", "org.burdenrate", "org.exchangerate"}
)

# Kinds of object every role may list (organization structure is not sensitive).
OPEN_MODELS = frozenset(
    {
        "org.team",
        "org.department",
        "org.roledescription",
        # Declared team structure (allocations, interactions, composition targets).
        "org.teamallocation",
        "org.teaminteraction",
        "org.levelmixtarget",
        "org.compositiontarget",
        # Delivery evidence (git history, deployments, incidents) is open to every role.
        "engineering.repository",
        "engineering.commit",
        "engineering.filechange",
        "engineering.tag",
        "engineering.linkkey",
        "engineering.deployment",
        "engineering.incident",
        # The strategy (objectives, roadmap, pipeline) is shared with everyone who builds it.
        "strategy.objective",
        "strategy.keyresult",
        "strategy.checkin",
        "strategy.teamgoal",
        "strategy.initiative",
        "strategy.initiativeobjective",
        "strategy.initiativeeffort",
        "strategy.quarterbudget",
        "strategy.idea",
        "strategy.improvementaction",
    }
)
# Roles that may change the strategy (objectives, initiatives, plans, pipeline).
STRATEGY_EDITOR_ROLES = frozenset({Role.ADMIN, Role.CTO, Role.EXECUTIVE})

AnyUser = User | AnonymousUser


def roles_of(user: AnyUser) -> frozenset[Role]:
    """The roles `user` holds (cached on the user object for the request)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_steward_roles", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    names = set(user.groups.values_list("name", flat=True))
    roles = {Role(n) for n in names if n in Role._value2member_map_}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    result = frozenset(roles)
    setattr(user, "_steward_roles", result)  # noqa: B010 - a per-request cache
    return result


def has_role(user: AnyUser, *roles: Role) -> bool:
    """True when `user` holds at least one of `roles`."""
    return bool(roles_of(user) & set(roles))


def person_of(user: AnyUser) -> Any | None:
    """The person record linked to `user`, if any (cached)."""
    if not user.is_authenticated:
        return None
    if hasattr(user, "_steward_person"):
        return user._steward_person
    person_model = apps.get_model("org", "Person")
    person = person_model.objects.filter(user_id=user.pk).first()
    setattr(user, "_steward_person", person)  # noqa: B010
    return person


def subtree_ids(user: AnyUser) -> frozenset[int]:
    """Ids of the people in `user`'s reporting subtree (themselves excluded), leavers included."""
    cached = getattr(user, "_steward_subtree", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    me = person_of(user)
    result: frozenset[int] = frozenset()
    if me is not None and has_role(user, Role.MANAGER):
        person_model = apps.get_model("org", "Person")
        children: dict[int, list[int]] = {}
        for pid, mid in person_model.objects.filter(manager__isnull=False).values_list(
            "id", "manager_id"
        ):
            children.setdefault(mid, []).append(pid)
        found: set[int] = set()
        stack = [me.pk]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in found and child != me.pk:
                    found.add(child)
                    stack.append(child)
        result = frozenset(found)
    if user.is_authenticated:
        setattr(user, "_steward_subtree", result)  # noqa: B010
    return result


def _active_q(on: date) -> Q:
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gt=on))


def visible(user: AnyUser, model_label: str, on: date | None = None) -> QuerySet[Any]:
    """The rows of `model_label` that `user` may list."""
    model = apps.get_model(model_label)
    qs: QuerySet[Any] = model._default_manager.all()
    roles = roles_of(user)
    if not roles:
        return qs.none()
    label = model_label.lower()
    if label in OPEN_MODELS:
        return qs
    if label == "org.person":
        if roles & WHOLE_ORG_ROLES:
            return qs
        today = on or date.today()
        allowed = _active_q(today)
        me = person_of(user)
        if me is not None:
            allowed |= Q(pk=me.pk)
        subtree = subtree_ids(user)
        if subtree:
            allowed |= Q(pk__in=subtree)
        return qs.filter(allowed)
    if label in ORG_PLAN_MODELS:
        if roles & ORG_PLANNER_ROLES - {Role.MANAGER}:
            return qs
        if Role.MANAGER in roles:
            # Managers see the plan, and only the scenarios they drafted themselves.
            return qs.filter(owner=user) if label == "org.scenario" else qs
        return qs.none()
    if Role.ADMIN in roles:
        return qs
    return qs.none()


def may_see_row(user: AnyUser, obj: Model) -> bool:
    """True when `obj` is among the rows `user` may list."""
    label = obj._meta.label_lower
    return visible(user, label).filter(pk=obj.pk).exists()


def _is_self(user: AnyUser, person: Any) -> bool:
    me = person_of(user)
    return me is not None and me.pk == person.pk


def person_field_classes(user: AnyUser, person: Any) -> frozenset[FieldClass]:
    """The field classes of `person` that `user` may see (assuming the row is visible)."""
    roles = roles_of(user)
    classes = {FieldClass.PUBLIC}
    own = _is_self(user, person)
    if own or roles & PRIVATE_ROLES or person.pk in subtree_ids(user):
        classes.add(FieldClass.PRIVATE)
    if own or roles & COMPENSATION_ROLES:
        classes.add(FieldClass.COMPENSATION)
    return frozenset(classes)


def may_see_compensation(user: AnyUser, person: Any) -> bool:
    """True when `user` may see `person`'s salary."""
    return FieldClass.COMPENSATION in person_field_classes(user, person)


def may_see_compensation_aggregates(user: AnyUser) -> bool:
    """True when `user` may see compensation summed over groups of people (budgets, plans)."""
    return bool(roles_of(user) & (COMPENSATION_ROLES | {Role.EXECUTIVE}))


def filter_person(user: AnyUser, person: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` (a serialized person) without the keys `user` may not see."""
    classes = person_field_classes(user, person)
    return {
        key: value
        for key, value in data.items()
        if PERSON_FIELDS.get(key, FieldClass.PRIVATE) in classes
    }


def visible_person_fields(user: AnyUser, person: Any) -> frozenset[str]:
    """Names of the person fields `user` may see."""
    classes = person_field_classes(user, person)
    return frozenset(k for k, c in PERSON_FIELDS.items() if c in classes)


def may_change_org(user: AnyUser) -> bool:
    """True when `user` may change people, teams and roles."""
    return bool(roles_of(user) & ORG_EDITOR_ROLES)


def may_plan_org(user: AnyUser) -> bool:
    """True when `user` may see the headcount plan and draft reorg scenarios."""
    return bool(roles_of(user) & ORG_PLANNER_ROLES)


def may_edit_scenario(user: AnyUser, scenario: Any) -> bool:
    """Org editors edit every draft; a manager edits the drafts they own."""
    if may_change_org(user):
        return True
    return has_role(user, Role.MANAGER) and scenario.owner_id == user.pk


def may_change_strategy(user: AnyUser) -> bool:
    """True when `user` may change objectives, initiatives and plans."""
    return bool(roles_of(user) & STRATEGY_EDITOR_ROLES)


def may_view_audit(user: AnyUser) -> bool:
    """Only admins browse the audit log."""
    return Role.ADMIN in roles_of(user)


def require(user: AnyUser, action: str, target: str | Model) -> None:
    """Raise PermissionDenied unless `user` may do `action` ("view"/"change") on `target`."""
    label = target if isinstance(target, str) else target._meta.label_lower
    if action == "view":
        if isinstance(target, Model):
            if not may_see_row(user, target):
                raise PermissionDenied(f"may not view this {label}")
        elif not roles_of(user):
            raise PermissionDenied("no role")
        return
    if action == "change" and label.startswith("org.") and may_change_org(user):
        return
    if action == "change" and label.startswith("strategy.") and may_change_strategy(user):
        return
    if Role.ADMIN in roles_of(user):
        return
    raise PermissionDenied(f"may not {action} {label}")


def role_names(roles: Iterable[Role]) -> list[str]:
    """Sorted plain names for display."""
    return sorted(str(r) for r in roles)
