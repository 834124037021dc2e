"""The one place that decides who may see and change what.

Views, API handlers, CLI exports and reports ask this module; nothing else decides. `core`
names no app: each app registers its rules from `AppConfig.ready()` (`register_open_models`,
`register_row_scope`, `register_editors`, `register_sensitive_fields`,
`register_person_model`); see docs/architecture.md.

Roles (a user may hold several, as Django groups of these names): admin, cto, executive,
finance, people, architect, manager, engineer. Superusers hold `admin`.

Field classes of a person:
- public: the org chart (name, title, level, team, manager, location, emails, dates);
- private: the HR record (employment type, FTE, department, termination, extra attributes);
- compensation: salary and currency (a sensitive class).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from steward.core.actors import SYSTEM as SYSTEM  # re-exported: policy.SYSTEM
from steward.core.actors import SystemActor
from steward.core.compiled_query import CompiledQuery


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
    # Individual survey answers and retention signals (growth): never shown per person.
    SURVEY = "survey"
    RETENTION = "retention"
    CANDIDATE = "candidate"
    DIVERSITY = "diversity"


# Sensitive classes named in ARCHITECTURE.md; the later ones gain fields as their apps land.
SENSITIVE_CLASSES = ("compensation", "candidate", "diversity", "survey", "retention")

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
# Roles that see every author's own commit and line counts (issue 9 item 10, docs/security.md).
INDIVIDUAL_ACTIVITY_ROLES = frozenset({Role.ADMIN, Role.CTO})
# Roles that may change the strategy (objectives, initiatives, plans, pipeline).
STRATEGY_EDITOR_ROLES = frozenset({Role.ADMIN, Role.CTO, Role.EXECUTIVE})

AnyUser = User | AnonymousUser | SystemActor
# What selectors and services take as `actor`.
Actor = AnyUser


def user_record(actor: AnyUser) -> User | None:
    """The user row to store as an owner or author (None for the system and anonymous)."""
    return actor if isinstance(actor, User) else None


# A row scope narrows the rows of one model to those a user may list: it gets the user, the
# roles they hold (never empty), the model's full queryset and the day it is asked about.
RowScope = Callable[[AnyUser, frozenset[Role], QuerySet[Any], date | None], QuerySet[Any]]


@dataclass
class PolicyRegistry:
    """What the apps told the policy about their models (filled from `AppConfig.ready()`)."""

    open_models: set[str] = field(default_factory=set)
    row_scopes: dict[str, RowScope] = field(default_factory=dict)
    editors: dict[str, Callable[[AnyUser], bool]] = field(default_factory=dict)
    sensitive_fields: dict[str, dict[str, FieldClass]] = field(default_factory=dict)
    person_model: str | None = None
    field_class_viewers: dict[FieldClass, Callable[[AnyUser], bool]] = field(default_factory=dict)


registry = PolicyRegistry()


def register_open_models(*labels: str) -> None:
    """Every role may list the rows of these models ("app.model")."""
    registry.open_models.update(label.lower() for label in labels)


def register_row_scope(label: str, scope: RowScope) -> None:
    """`scope` decides which rows of `label` a user with at least one role may list."""
    key = label.lower()
    if key in registry.row_scopes:
        raise ValueError(f"a row scope for {key} is already registered")
    registry.row_scopes[key] = scope


def register_editors(app_label: str, may_change: Callable[[AnyUser], bool]) -> None:
    """Who may change the models of `app_label` (`require(user, "change", obj)`)."""
    if app_label in registry.editors:
        raise ValueError(f"editors of {app_label} are already registered")
    registry.editors[app_label] = may_change


def register_sensitive_fields(label: str, fields: Mapping[str, FieldClass]) -> None:
    """The class of each serialized field of `label` (fields not named are private)."""
    registry.sensitive_fields[label.lower()] = dict(fields)


def register_field_class_viewers(
    field_class: FieldClass, may_see: Callable[[AnyUser], bool]
) -> None:
    """Who sees `field_class` on every row of a list (a table's column and its CSV download);
    the app that owns the class registers it (candidate data, retention signals, ...)."""
    if field_class in registry.field_class_viewers:
        raise ValueError(f"viewers of {field_class} are already registered")
    registry.field_class_viewers[field_class] = may_see


def register_person_model(label: str) -> None:
    """The model of a person: has `user`, `manager` and `start_date`/`end_date` fields."""
    registry.person_model = label


def _person_model() -> Any:
    if registry.person_model is None:
        raise LookupError("no app registered the person model")
    return apps.get_model(registry.person_model)


def roles_of(user: AnyUser) -> frozenset[Role]:
    """The roles `user` holds (cached on the user object for the request)."""
    if user is None:
        # There is no "no actor": code acting for the instance passes SYSTEM.
        raise TypeError("an actor is required: a user, or policy.SYSTEM for jobs and the CLI")
    if isinstance(user, SystemActor):
        return frozenset(ALL_ROLES)
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_steward_roles", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    flags = [getattr(user, name, None) for name in _ROLE_FLAG_NAMES]
    if None not in flags:  # read with the user (`users_with_roles`)
        roles = {r for r, held in zip(ALL_ROLES, flags, strict=True) if held}
    else:
        names = set(user.groups.values_list("name", flat=True))
        roles = {Role(n) for n in names if n in Role._value2member_map_}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    result = frozenset(roles)
    setattr(user, "_steward_roles", result)  # noqa: B010 - a per-request cache
    return result


_ROLE_FLAG = "_steward_holds_"
# The flags' attribute names, in ALL_ROLES' order, made once: `Enum.value` is a property, and
# reading it for each role was most of `take_role_flags` (every API request).
_ROLE_FLAG_NAMES: tuple[str, ...] = tuple(_ROLE_FLAG + r.value for r in ALL_ROLES)


_role_flags: dict[str, dict[str, Exists]] = {}


def role_flags(user: str = "pk") -> dict[str, Exists]:
    """Annotations that read, in the same query, which roles the user in field `user` holds
    (one flag per role, an EXISTS on their groups); `take_role_flags` hands them to the user.
    Built once per field (a query resolves a copy of each expression, never the original)."""
    flags = _role_flags.get(user)
    if flags is None:
        flags = _role_flags[user] = {
            _ROLE_FLAG + r.value: Exists(Group.objects.filter(user=OuterRef(user), name=r.value))
            for r in ALL_ROLES
        }
    return dict(flags)


def users_with_roles(users: QuerySet[User]) -> QuerySet[User]:
    """`users` with the roles each holds and their person record read in the same query, so
    `roles_of` and `person_of` ask the database nothing more: every signed-in request reads its
    user this way (core.auth), one query instead of two or three."""
    accessor = _person_accessor()
    if accessor is not None:
        users = users.select_related(accessor)
    return users.annotate(**role_flags())


_signed_in: dict[str | None, CompiledQuery[User]] = {}


def user_with_roles(pk: Any) -> User | None:
    """The user `pk` read as `users_with_roles` reads it (the session's user, every request).

    The query is compiled once per process (`core.compiled_query`): building its nine role
    subqueries and compiling them again for every page was 1 of the 1.06 ms the read took."""
    accessor = _person_accessor()
    users = _signed_in.get(accessor)
    if users is None:
        annotated = users_with_roles(User._default_manager.all())
        users = _signed_in[accessor] = CompiledQuery(
            lambda value: annotated.filter(pk=value).order_by("pk"), placeholder=-1
        )
    return users.first(User._meta.pk.to_python(pk))


def _person_accessor() -> str | None:
    """The user's attribute holding their person record ("person"), once the model is known."""
    if registry.person_model is None:
        return None
    return str(_person_model()._meta.get_field("user").remote_field.get_accessor_name())


def take_role_flags(row: Model, user: User) -> None:
    """Give `user` the role flags `row` was read with (`role_flags("user")` on another model)."""
    for name in _ROLE_FLAG_NAMES:
        setattr(user, name, getattr(row, name))


def has_role(user: AnyUser, *roles: Role) -> bool:
    """True when `user` holds at least one of `roles`."""
    return bool(roles_of(user) & set(roles))


def person_of(user: AnyUser) -> Any | None:
    """The person record linked to `user`, if any (cached)."""
    if not isinstance(user, User):
        return None
    if hasattr(user, "_steward_person"):
        return user._steward_person
    accessor = _person_accessor()
    if accessor is not None and getattr(User, accessor).is_cached(user):
        person = getattr(user, accessor, None)  # read with the user (`users_with_roles`)
    else:
        person = _person_model().objects.filter(user_id=user.pk).first()
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
        person_model = _person_model()
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
    if isinstance(user, User):
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
    if label in registry.open_models:
        return qs
    scope = registry.row_scopes.get(label)
    if scope is not None:
        return scope(user, roles, qs, on)
    if Role.ADMIN in roles:
        return qs
    return qs.none()


def person_rows(
    user: AnyUser, roles: frozenset[Role], qs: QuerySet[Any], on: date | None
) -> QuerySet[Any]:
    """Row scope of people: whole-org roles see everyone, leavers included; others see the
    people employed on `on` (default today), themselves and their reporting subtree."""
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


def plan_rows(*, drafted_by: str | None = None) -> RowScope:
    """Row scope of organization plans: planner roles see them; managers see the plan, and
    when `drafted_by` names the owner field only the rows they drafted themselves."""

    def scope(
        user: AnyUser, roles: frozenset[Role], qs: QuerySet[Any], on: date | None
    ) -> QuerySet[Any]:
        if roles & ORG_PLANNER_ROLES - {Role.MANAGER}:
            return qs
        if Role.MANAGER in roles:
            return qs.filter(**{drafted_by: user}) if drafted_by else qs
        return qs.none()

    return scope


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


def may_see_individual_activity(user: AnyUser, person: Any | None) -> bool:
    """True when `user` may see `person`'s own commit and line counts (a person or a person id).

    The person themselves, their managers (the person is in `user`'s reporting subtree) and
    the cto and admin roles. `None` is an author linked to no person (unmatched or a bot): only
    cto and admin see those. Everyone else sees team and repository aggregates.
    """
    if roles_of(user) & INDIVIDUAL_ACTIVITY_ROLES:
        return True
    if person is None:
        return False
    person_id = getattr(person, "pk", person)
    me = person_of(user)
    if me is not None and me.pk == person_id:
        return True
    return person_id in subtree_ids(user)


def may_see_field_class(user: AnyUser, field_class: FieldClass) -> bool:
    """True when `user` may see `field_class` on every row of a list: a table column of that
    class is shown (and downloaded as CSV) only then, otherwise it is absent altogether.

    Public fields: every role. Private HR fields and compensation: the roles that see them for
    every person (a manager sees their reports' HR record, and everyone their own salary, on
    the person's page, not as a column of the whole list). Other classes: the rule the owning
    app registered (`register_field_class_viewers`); a class nobody registered is shown to
    nobody.
    """
    roles = roles_of(user)
    if not roles:
        return False
    if field_class == FieldClass.PUBLIC:
        return True
    if field_class == FieldClass.PRIVATE:
        return bool(roles & PRIVATE_ROLES)
    if field_class == FieldClass.COMPENSATION:
        return bool(roles & COMPENSATION_ROLES)
    rule = registry.field_class_viewers.get(field_class)
    return rule is not None and rule(user)


def may_see_compensation_aggregates(user: AnyUser) -> bool:
    """True when `user` may see compensation summed over groups of people (budgets, plans)."""
    return bool(roles_of(user) & (COMPENSATION_ROLES | {Role.EXECUTIVE}))


def _field_classes_of(obj: Model) -> dict[str, FieldClass]:
    return registry.sensitive_fields.get(obj._meta.label_lower, {})


def filter_person(user: AnyUser, person: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` (a serialized person) without the keys `user` may not see."""
    classes = person_field_classes(user, person)
    fields = _field_classes_of(person)
    return {
        key: value for key, value in data.items() if fields.get(key, FieldClass.PRIVATE) in classes
    }


def visible_person_fields(user: AnyUser, person: Any) -> frozenset[str]:
    """Names of the person fields `user` may see."""
    classes = person_field_classes(user, person)
    return frozenset(k for k, c in _field_classes_of(person).items() if c in classes)


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


# Roles that may write the CTO's reports (commentary, snapshots) and the technology vision.
REPORT_EDITOR_ROLES = frozenset({Role.ADMIN, Role.CTO})
# Roles that read the board report and the executive brief.
REPORT_READER_ROLES = frozenset({Role.ADMIN, Role.CTO, Role.EXECUTIVE})


def may_see_finding(user: AnyUser, *, audience: Iterable[str], concerns_mine: bool) -> bool:
    """True when `user` may see a cockpit finding.

    The whole-organization roles see every finding; a finding with an `audience` (a finding on
    money or pay) only that audience (and admins). Anyone else sees the findings that concern
    their own reporting subtree or themselves (`concerns_mine`: the finding's subject is a
    person of the subtree, or a team one of them belongs to), unless the audience excludes
    managers.
    """
    roles = roles_of(user)
    named = frozenset(Role(r) for r in audience if r in Role._value2member_map_)
    if Role.ADMIN in roles or roles & (named or WHOLE_ORG_ROLES):
        return True
    if not roles or not concerns_mine:
        return False
    return not named or Role.MANAGER in named


def may_write_reports(user: AnyUser) -> bool:
    """True when `user` may comment reports, take snapshots and edit the technology vision."""
    return bool(roles_of(user) & REPORT_EDITOR_ROLES)


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
    editors = registry.editors.get(label.partition(".")[0])
    if action == "change" and editors is not None and editors(user):
        return
    if Role.ADMIN in roles_of(user):
        return
    raise PermissionDenied(f"may not {action} {label}")


def role_names(roles: Iterable[Role]) -> list[str]:
    """Sorted plain names for display."""
    return sorted(str(r) for r in roles)
