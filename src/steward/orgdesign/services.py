"""Writes for organization design: allocations, interactions, targets, rates, plan, scenarios.

Every function validates, runs in one transaction and is audited (auditlog tracks every model).
Applying a scenario goes through the organization services, so it writes the same history
(memberships, reporting lines, spells) as any other change.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from steward.core import policy
from steward.core.errors import BadInput, invalid_fields_from
from steward.core.periods import parse_quarter, quarter_of
from steward.org import services as org_services
from steward.org.errors import OrgError
from steward.org.models import Department, Person, Team
from steward.orgdesign.models import (
    BurdenRate,
    CompositionTarget,
    ExchangeRate,
    HeadcountPlanEntry,
    LevelMixTarget,
    PlanKind,
    Scenario,
    ScenarioChange,
    ScenarioStatus,
    TeamAllocation,
    TeamInteraction,
)
from steward.orgdesign.scenarios import CHANGE_KINDS, Change, change_refs, conflicts, live_base
from steward.orgdesign.selectors import live_snapshot, scenario_outcome


def _require_editor(actor: policy.Actor) -> None:
    # None is the system itself (CLI run by the operator, demo builder).
    if not policy.may_change_org(actor):
        raise PermissionDenied("may not change the organization design")


def _save(obj: Any) -> Any:
    try:
        obj.full_clean()
    except ValidationError as exc:
        # The same message as before, with the fields at fault for the forms (errors inline).
        raise invalid_fields_from(exc, OrgError) from exc
    obj.save()
    return obj


def _decimal(value: Any, what: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise OrgError(f"{what} {value!r}: expected a number") from exc


@transaction.atomic
def allocation_set(
    *,
    actor: policy.Actor,
    team: Team,
    kind: str,
    share: Decimal | float | str,
    quarter: str = "",
    note: str = "",
) -> TeamAllocation | None:
    """Declare a team's allocation of a kind (share 0 removes it); quarter blank: every quarter."""
    _require_editor(actor)
    if quarter:
        quarter = str(parse_quarter(quarter))
    value = _decimal(share, "share")
    row = TeamAllocation.objects.filter(team=team, kind=kind, quarter=quarter).first()
    if value == 0:
        if row is not None:
            row.delete()
        return None
    row = row or TeamAllocation(team=team, kind=kind, quarter=quarter)
    row.share = value
    row.note = note
    return _save(row)  # type: ignore[no-any-return]


@transaction.atomic
def allocation_update(
    *, actor: policy.Actor, allocation: TeamAllocation, share: Decimal | float | str, note: str
) -> TeamAllocation:
    """Change an allocation's share and note (its team, kind and quarter name it)."""
    _require_editor(actor)
    value = _decimal(share, "share")
    if value == 0:
        raise OrgError(
            "share 0: delete the allocation instead", fields={"share": ["must be above 0"]}
        )
    allocation.share = value
    allocation.note = note
    return _save(allocation)  # type: ignore[no-any-return]


@transaction.atomic
def allocation_delete(*, actor: policy.Actor, allocation: TeamAllocation) -> None:
    """Remove an allocation: the team's capacity no longer sets that share aside."""
    _require_editor(actor)
    allocation.delete()


@transaction.atomic
def interaction_declare(
    *, actor: policy.Actor, team: Team, other: Team, mode: str, note: str = ""
) -> TeamInteraction:
    """Declare that `team` interacts with `other` in `mode`."""
    _require_editor(actor)
    row = TeamInteraction.objects.filter(team=team, other=other, mode=mode).first()
    row = row or TeamInteraction(team=team, other=other, mode=mode)
    row.note = note
    return _save(row)  # type: ignore[no-any-return]


@transaction.atomic
def level_target_set(
    *, actor: policy.Actor, team: Team | None, level: str, share: Decimal | float | str
) -> LevelMixTarget:
    """Declare the target share of `level` in `team` (None: the default for every team)."""
    _require_editor(actor)
    row = LevelMixTarget.objects.filter(team=team, level=level).first()
    row = row or LevelMixTarget(team=team, level=level)
    row.share = _decimal(share, "share")
    return _save(row)  # type: ignore[no-any-return]


@transaction.atomic
def composition_target_set(
    *, actor: policy.Actor, metric: str, value: Decimal | float | str, levels: str = ""
) -> CompositionTarget:
    """Declare an organization-wide composition target."""
    _require_editor(actor)
    row = CompositionTarget.objects.filter(metric=metric).first() or CompositionTarget(
        metric=metric
    )
    row.value = _decimal(value, "value")
    row.levels = levels
    return _save(row)  # type: ignore[no-any-return]


@transaction.atomic
def burden_rate_set(
    *, actor: policy.Actor, location: str, rate: Decimal | float | str
) -> BurdenRate:
    """Set the burden rate of a location ("" for every other location)."""
    _require_editor(actor)
    row = BurdenRate.objects.filter(location=location).first() or BurdenRate(location=location)
    row.rate = _decimal(rate, "rate")
    return _save(row)  # type: ignore[no-any-return]


@transaction.atomic
def exchange_rate_set(
    *, actor: policy.Actor, currency: str, reporting_currency: str, rate: Decimal | float | str
) -> ExchangeRate:
    """Set how many units of the reporting currency one unit of `currency` is worth."""
    _require_editor(actor)
    row = ExchangeRate.objects.filter(
        currency=currency, reporting_currency=reporting_currency
    ).first() or ExchangeRate(currency=currency, reporting_currency=reporting_currency)
    row.rate = _decimal(rate, "rate")
    return _save(row)  # type: ignore[no-any-return]


def _plan_quarter(quarter: str, expected_start: date) -> str:
    if not quarter:
        return str(quarter_of(expected_start))
    try:
        return str(parse_quarter(quarter))
    except BadInput as exc:
        raise OrgError(str(exc), fields={"quarter": [str(exc)]}) from exc


PLAN_FIELDS = frozenset(
    {"team", "kind", "status", "title", "level", "track", "quarter", "expected_start", "fte",
     "location", "salary", "currency", "replaces", "manager", "note"}
)  # fmt: skip


@transaction.atomic
def plan_entry_create(
    *,
    actor: policy.Actor,
    key: str,
    team: Team,
    level: str,
    expected_start: date,
    kind: str = PlanKind.HIRE,
    quarter: str = "",
    **fields: Any,
) -> HeadcountPlanEntry:
    """Add a planned hire or backfill; the quarter defaults to that of the expected start."""
    _require_editor(actor)
    if HeadcountPlanEntry.objects.filter(key=key).exists():
        raise OrgError(
            f"key {key}: a plan entry with this key exists",
            fields={"key": ["a plan entry with this key exists"]},
        )
    entry = HeadcountPlanEntry(
        key=key,
        team=team,
        level=level,
        expected_start=expected_start,
        kind=kind,
        quarter=_plan_quarter(quarter, expected_start),
        **fields,
    )
    if entry.kind == PlanKind.BACKFILL and entry.replaces is None:
        raise OrgError(
            f"{key}: a backfill names the person it replaces",
            fields={"replaces": ["a backfill names the person it replaces"]},
        )
    return _save(entry)  # type: ignore[no-any-return]


@transaction.atomic
def plan_entry_update(
    *, actor: policy.Actor, entry: HeadcountPlanEntry, **fields: Any
) -> HeadcountPlanEntry:
    """Change a plan entry's fields (its key stays); a blank quarter follows the expected start."""
    _require_editor(actor)
    unknown = set(fields) - PLAN_FIELDS
    if unknown:
        raise OrgError(f"unknown plan entry fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(entry, name, value)
    if "quarter" in fields or "expected_start" in fields:
        entry.quarter = _plan_quarter(fields.get("quarter", ""), entry.expected_start)
    if entry.kind == PlanKind.BACKFILL and entry.replaces is None:
        raise OrgError(
            f"{entry.key}: a backfill names the person it replaces",
            fields={"replaces": ["a backfill names the person it replaces"]},
        )
    return _save(entry)  # type: ignore[no-any-return]


@transaction.atomic
def plan_entry_delete(*, actor: policy.Actor, entry: HeadcountPlanEntry) -> None:
    """Remove a plan entry (a hire no longer planned; `cancelled` keeps it in the history)."""
    _require_editor(actor)
    entry.delete()


@transaction.atomic
def plan_entry_set_status(
    *, actor: policy.Actor, entry: HeadcountPlanEntry, status: str
) -> HeadcountPlanEntry:
    """Move a plan entry to planned, approved, filled or cancelled."""
    _require_editor(actor)
    entry.status = status
    return _save(entry)  # type: ignore[no-any-return]


# --- scenarios ----------------------------------------------------------------------------


def _require_plan(actor: policy.Actor) -> None:
    if not policy.may_plan_org(actor):
        raise PermissionDenied("may not draft reorg scenarios")


def _require_scenario_edit(actor: policy.Actor, scenario: Scenario) -> None:
    if not policy.may_edit_scenario(actor, scenario):
        raise PermissionDenied("may not change this scenario")
    if scenario.status != ScenarioStatus.DRAFT:
        raise OrgError(f"scenario {scenario.pk} is {scenario.status}; only drafts change")


@transaction.atomic
def scenario_create(
    *,
    actor: policy.Actor,
    name: str,
    effective_date: date | None = None,
    description: str = "",
) -> Scenario:
    """Start a named draft reorg on top of the live org."""
    _require_plan(actor)
    scenario = Scenario(
        name=name,
        description=description,
        effective_date=effective_date or date.today(),
        owner=policy.user_record(actor),
    )
    return _save(scenario)  # type: ignore[no-any-return]


def _check_subtree(actor: policy.Actor, change: Change, scenario: Scenario) -> None:
    """Managers (not org editors) may touch only people and teams in their own subtree."""
    if policy.may_change_org(actor):
        return
    me = policy.person_of(actor)
    allowed = set(policy.subtree_ids(actor)) | ({me.pk} if me else set())
    people, teams = change_refs(change)
    keys = {
        key: pk
        for pk, key in Person.objects.filter(employee_id__in=people).values_list(
            "pk", "employee_id"
        )
    }
    planned = {c.payload.get("key") for c in scenario.changes.filter(kind="add_hire")}  # type: ignore[attr-defined]
    for key in people:
        if key in planned:
            continue
        if keys.get(key) not in allowed:
            raise PermissionDenied(f"{key} is outside your reporting subtree")
    leads = dict(Team.objects.filter(slug__in=teams).values_list("slug", "lead_id"))
    created = {
        c.payload.get("slug") or c.payload.get("new_slug")
        for c in scenario.changes.filter(kind__in=["create_team", "split_team"])  # type: ignore[attr-defined]
    }
    for slug in teams:
        if slug in created:
            continue
        if leads.get(slug) not in allowed:
            raise PermissionDenied(f"team {slug} is not led from within your reporting subtree")


@transaction.atomic
def scenario_add_change(
    *, actor: policy.Actor, scenario: Scenario, kind: str, payload: dict[str, Any]
) -> ScenarioChange:
    """Add a change to a draft; refuses (with the reason) a change the org cannot take."""
    _require_scenario_edit(actor, scenario)
    if kind not in CHANGE_KINDS:
        raise OrgError(f"kind {kind}: expected one of {', '.join(CHANGE_KINDS)}")
    clean = {k: v for k, v in payload.items() if v not in (None, "", [])}
    last = scenario.changes.order_by("-position").first()  # type: ignore[attr-defined]
    position = (last.position if last else 0) + 1
    change = Change(kind, clean, position)
    _check_subtree(actor, change, scenario)
    _, _, result = scenario_outcome(scenario, extra=[change])
    mine = [p for p in result.problems if p.startswith(change.label())]
    if mine:
        raise OrgError("; ".join(mine))
    row = ScenarioChange(
        scenario=scenario,
        position=position,
        kind=kind,
        payload=clean,
        base=live_base(change, live_snapshot(scenario.effective_date)),
    )
    _save(row)
    scenario.save(update_fields=["updated_at"])
    return row


@transaction.atomic
def scenario_remove_change(*, actor: policy.Actor, scenario: Scenario, position: int) -> None:
    """Remove one change from a draft."""
    _require_scenario_edit(actor, scenario)
    deleted, _ = scenario.changes.filter(position=position).delete()  # type: ignore[attr-defined]
    if not deleted:
        raise OrgError(f"scenario {scenario.pk} has no change {position}")
    scenario.save(update_fields=["updated_at"])


@transaction.atomic
def scenario_discard(*, actor: policy.Actor, scenario: Scenario) -> Scenario:
    """Mark a draft as discarded (kept for the record)."""
    _require_scenario_edit(actor, scenario)
    scenario.status = ScenarioStatus.DISCARDED
    scenario.save(update_fields=["status", "updated_at"])
    return scenario


def scenario_conflicts(scenario: Scenario) -> list[str]:
    """How the live org changed underneath the scenario's changes since they were drafted."""
    live = live_snapshot(scenario.effective_date)
    found: list[str] = []
    for row in scenario.changes.order_by("position"):  # type: ignore[attr-defined]
        found += conflicts(Change(row.kind, row.payload, row.position), row.base, live)
    return found


@transaction.atomic
def scenario_apply(*, actor: policy.Actor, scenario: Scenario, on: date | None = None) -> Scenario:
    """Apply every change in one transaction through the org services; refuses on conflicts."""
    if not policy.may_change_org(actor):
        raise PermissionDenied("may not apply scenarios to the live organization")
    if scenario.status != ScenarioStatus.DRAFT:
        raise OrgError(f"scenario {scenario.pk} is {scenario.status}; only drafts are applied")
    found = scenario_conflicts(scenario)
    if found:
        raise OrgError("the live organization changed underneath: " + "; ".join(found))
    _, _, result = scenario_outcome(scenario)
    if result.problems:
        raise OrgError("; ".join(result.problems))
    day = on or max(scenario.effective_date, date.today())
    people = {p.employee_id: p for p in Person.objects.all()}
    teams = {t.slug: t for t in Team.objects.filter(dissolved_on__isnull=True)}
    before = live_snapshot(day)
    after = result.snapshot
    # Teams first (new ones must exist before people move into them).
    for slug in result.created:
        new = after.teams[slug]
        department = (
            Department.objects.filter(slug=new.department).first() if new.department else None
        )
        teams[slug] = org_services.team_create(
            actor=actor,
            slug=slug,
            name=new.name,
            type=new.type,
            department=department,
            lead=people.get(new.lead) if new.lead else None,
        )
    for key, leave_on in result.departures.items():
        org_services.person_end_employment(
            actor=actor, person=people[key], on=leave_on, termination_type="other"
        )
    for key, person in sorted(after.people.items()):
        if person.planned or key not in before.people:
            continue
        old = before.people[key]
        if old.team != person.team:
            org_services.person_move(
                actor=actor,
                person=people[key],
                team=teams[person.team] if person.team else None,
                on=day,
            )
        if old.manager != person.manager:
            people[key].refresh_from_db()
            org_services.person_set_manager(
                actor=actor,
                person=people[key],
                manager=people[person.manager] if person.manager else None,
                on=day,
            )
    for slug in result.dissolved:
        team = teams[slug]
        team.dissolved_on = day
        team.save(update_fields=["dissolved_on"])
        TeamAllocation.objects.filter(team=team).delete()
        TeamInteraction.objects.filter(team=team).delete()
        TeamInteraction.objects.filter(other=team).delete()
    for key in result.hires:
        hire = after.people[key]
        row = next(
            c for c in scenario.changes.filter(kind="add_hire") if c.payload.get("key") == key
        )  # type: ignore[attr-defined]
        start = date.fromisoformat(str(row.payload.get("expected_start") or day.isoformat()))
        plan_entry_create(
            actor=actor,
            key=_free_plan_key(key),
            team=teams[hire.team or ""],
            level=hire.level or "unspecified",
            expected_start=start,
            title=str(row.payload.get("title") or ""),
            track=hire.track,
            fte=hire.fte,
            location=hire.location,
            salary=hire.salary,
            currency=hire.currency,
            manager=people.get(hire.manager or ""),
            note=f"from scenario {scenario.pk}: {scenario.name}",
        )
    scenario.status = ScenarioStatus.APPLIED
    scenario.applied_at = timezone.now()
    scenario.applied_by = policy.user_record(actor)
    scenario.save(update_fields=["status", "applied_at", "applied_by", "updated_at"])
    return scenario


def _free_plan_key(key: str) -> str:
    from django.utils.text import slugify

    base = slugify(key)[:60] or "hire"
    candidate, n = base, 1
    while HeadcountPlanEntry.objects.filter(key=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# --- YAML -----------------------------------------------------------------------------------


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """A scenario as plain data for YAML (name, description, effective date, changes)."""
    return {
        "name": scenario.name,
        "description": scenario.description,
        "effective_date": scenario.effective_date.isoformat(),
        "changes": [
            {"kind": c.kind, **c.payload}
            for c in scenario.changes.order_by("position")  # type: ignore[attr-defined]
        ],
    }


@transaction.atomic
def scenario_from_data(*, actor: policy.Actor, data: dict[str, Any]) -> Scenario:
    """Create a draft from plain data (as exported); every change is validated as it is added."""
    if not isinstance(data, dict) or not data.get("name"):
        raise OrgError("name: missing (a scenario file has name, effective_date and changes)")
    raw_date = data.get("effective_date")
    try:
        effective = (
            raw_date
            if isinstance(raw_date, date)
            else date.fromisoformat(str(raw_date))
            if raw_date
            else None
        )
    except ValueError as exc:
        raise OrgError(f"effective_date {raw_date!r}: expected YYYY-MM-DD") from exc
    scenario = scenario_create(
        actor=actor,
        name=str(data["name"]),
        description=str(data.get("description") or ""),
        effective_date=effective,
    )
    for n, item in enumerate(data.get("changes") or [], start=1):
        if not isinstance(item, dict) or "kind" not in item:
            raise OrgError(f"changes[{n}]: expected a mapping with a kind")
        payload = {
            k: (v.isoformat() if isinstance(v, date) else v) for k, v in item.items() if k != "kind"
        }
        try:
            scenario_add_change(
                actor=actor, scenario=scenario, kind=str(item["kind"]), payload=payload
            )
        except OrgError as exc:
            raise OrgError(f"changes[{n}]: {exc}") from exc
    return scenario
