"""Reads for organization design: snapshots from history, analysis, capacity, plan, scenarios.

The pure modules (`structure`, `capacity`, `scenarios`) do the arithmetic; this module loads
plain rows from the database (a handful of queries, no per-person queries) and applies the
policy to what comes back (costs only for roles that may see compensation aggregates).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from steward.core import datacache, disclosure, policy
from steward.core.periods import Quarter, quarter_of
from steward.core.requestmemo import once_per_request
from steward.org.models import (
    EmploymentSpell,
    Person,
    ReportingLine,
    Team,
    TeamMembership,
)
from steward.orgdesign.capacity import (
    Allocation,
    Assignment,
    CostRates,
    capacity,
    fully_loaded_cost,
)
from steward.orgdesign.models import (
    BurdenRate,
    CompositionTarget,
    ExchangeRate,
    HeadcountPlanEntry,
    LevelMixTarget,
    PlanStatus,
    Scenario,
    TeamAllocation,
    TeamInteraction,
)
from steward.orgdesign.scenarios import (
    Change,
    ScenarioResult,
    apply_changes,
    cost_delta,
    manager_changes,
    team_costs,
)
from steward.orgdesign.structure import (
    Interaction,
    OrgSnapshot,
    PersonRow,
    Spell,
    TeamRow,
    analyze,
    headcounts,
)
from steward.orgdesign.structure import compare as compare_analyses

Actor = policy.Actor


def _may_see_costs(actor: Actor) -> bool:
    return policy.may_see_compensation_aggregates(actor)


def min_cost_group() -> int:
    """Roles that see aggregates but not individual pay see costs only over this many people."""
    return disclosure.min_group_size(getattr(settings, "STEWARD_MIN_GROUP_SIZE", None))


def _may_see_pay(actor: Actor) -> bool:
    return bool(policy.roles_of(actor) & policy.COMPENSATION_ROLES)


PAY_KEYS = ("salary", "currency")


def payload_visible(actor: Actor, payload: dict[str, Any]) -> dict[str, Any]:
    """A scenario change's payload without planned pay unless `actor` may see individual pay."""
    if _may_see_pay(actor):
        return anonymized(actor, dict(payload))  # type: ignore[no-any-return]
    return anonymized(actor, {k: v for k, v in payload.items() if k not in PAY_KEYS})  # type: ignore[no-any-return]


# Shown instead of a person the caller may not see (a leaver, on a past date or in a scenario).
ANONYMOUS = "a former colleague"
TOKEN = re.compile(r"[\w-]+")


def _invisible_people(actor: Actor) -> dict[str, str]:
    """Employee id and name → employee id of the people `actor` may not see."""
    if policy.roles_of(actor) & policy.WHOLE_ORG_ROLES:
        return {}
    hidden = Person.objects.exclude(
        pk__in=policy.visible(actor, "org.Person").values("pk")
    ).values_list("employee_id", "name")
    found: dict[str, str] = {}
    for key, name in hidden:
        found[key] = key
        found.setdefault(name, key)
    return found


def anonymized(actor: Actor, data: Any) -> Any:
    """`data` with every id or name of a person `actor` may not see replaced by a label.

    Each such person gets one numbered label per response, so counts and spans stay right.
    """
    hidden = _invisible_people(actor)
    if not hidden:
        return data
    labels: dict[str, str] = {}

    def label(text: str) -> str:
        key = hidden.get(text)
        if key is None:
            return text
        if key not in labels:
            labels[key] = f"{ANONYMOUS} ({len(labels) + 1})"
        return labels[key]

    def in_text(text: str) -> str:
        # Whole strings (names, ids), then ids inside sentences ("manager E0012 is not ...").
        whole = label(text)
        if whole != text:
            return whole
        return TOKEN.sub(lambda m: label(m.group(0)), text)

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return in_text(value)
        if isinstance(value, dict):
            return {walk(k): walk(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [walk(v) for v in value]
        return value

    return walk(data)


def visible_names(actor: Actor) -> dict[str, str]:
    """Employee id → name of the people `actor` may see (for pages naming people)."""
    people = policy.visible(actor, "org.Person")
    return dict(people.values_list("employee_id", "name"))


def _require_view(actor: Actor) -> None:
    policy.require(actor, "view", "org.team")


# Higher apps (engineering: repositories, services) register what a team owns, as plain text.
_OWNERSHIP: list[Callable[[], dict[str, list[str]]]] = []


def register_team_ownership(provider: Callable[[], dict[str, list[str]]]) -> None:
    """Add a provider of `{team slug: [things it owns]}` consulted before a team is emptied."""
    if provider not in _OWNERSHIP:
        _OWNERSHIP.append(provider)


def owned_by_team() -> dict[str, list[str]]:
    """What each team owns: open headcount plan entries and whatever providers report."""
    owned: dict[str, list[str]] = defaultdict(list)
    open_status = [PlanStatus.PLANNED, PlanStatus.APPROVED]
    for slug, key in HeadcountPlanEntry.objects.filter(status__in=open_status).values_list(
        "team__slug", "key"
    ):
        owned[slug].append(f"planned hire {key}")
    for provider in _OWNERSHIP:
        for slug, things in provider().items():
            owned[slug].extend(things)
    return dict(owned)


def declared_interactions(*, actor: Actor) -> list[dict[str, str]]:
    """The declared Team Topologies interactions as `{team, other, mode}` (team slugs), in
    declaration order; open to every role (the declared structure is)."""
    policy.require(actor, "view", "orgdesign.teaminteraction")
    return [
        {"team": team, "other": other, "mode": mode}
        for team, other, mode in TeamInteraction.objects.values_list(
            "team__slug", "other__slug", "mode"
        )
    ]


def _covering(rows: list[tuple[int, int, date, date | None]], on: date) -> dict[int, int]:
    """person id → the value of the history row covering `on` (latest start wins)."""
    found: dict[int, tuple[date, int]] = {}
    for person_id, value, start, end in rows:
        covers = start <= on and (end is None or end > on)
        if covers and (person_id not in found or start >= found[person_id][0]):
            found[person_id] = (start, value)
    return {k: v for k, (_, v) in found.items()}


def live_snapshot(on: date) -> OrgSnapshot:
    """The organization as it stood on `on`, from employment, team and reporting history."""
    people = list(
        Person.objects.values_list(
            "id",
            "employee_id",
            "name",
            "level",
            "track",
            "department__slug",
            "timezone",
            "location",
            "fte",
            "salary",
            "currency",
            "team_id",
            "manager_id",
            "start_date",
            "end_date",
        )
    )
    spells: dict[int, list[Spell]] = defaultdict(list)
    for pid, start, end in EmploymentSpell.objects.values_list(
        "person_id", "start_date", "end_date"
    ):
        spells[pid].append(Spell(start, end))
    memberships = list(TeamMembership.objects.values_list("person_id", "team_id", "start", "end"))
    lines = list(ReportingLine.objects.values_list("person_id", "manager_id", "start", "end"))
    with_membership = {row[0] for row in memberships}
    with_line = {row[0] for row in lines}
    team_on = _covering(memberships, on)
    manager_on = _covering(lines, on)
    key_of = {row[0]: row[1] for row in people}
    teams_rows = list(
        Team.objects.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on)).values_list(
            "id", "slug", "name", "type", "department__slug", "lead_id"
        )
    )
    slug_of = {row[0]: row[1] for row in teams_rows}
    result_people: dict[str, PersonRow] = {}
    for (
        pid,
        key,
        name,
        level,
        track,
        dept,
        tz,
        location,
        fte,
        salary,
        currency,
        team_id,
        manager_id,
        start,
        end,
    ) in people:
        team = team_on.get(pid) if pid in with_membership else team_id
        manager = manager_on.get(pid) if pid in with_line else manager_id
        result_people[key] = PersonRow(
            key=key,
            name=name,
            manager=key_of.get(manager) if manager else None,
            team=slug_of.get(team) if team else None,
            level=level,
            track=track,
            department=dept,
            timezone=tz,
            location=location,
            fte=fte,
            spells=tuple(sorted(spells.get(pid) or [Spell(start, end)], key=lambda s: s.start)),
            salary=salary,
            currency=currency,
        )
    targets: dict[int | None, list[tuple[str, float]]] = defaultdict(list)
    for team_id, level, share in LevelMixTarget.objects.values_list("team_id", "level", "share"):
        targets[team_id].append((level, float(share)))
    teams = {
        slug: TeamRow(
            slug=slug,
            name=name,
            type=kind,
            department=dept,
            lead=key_of.get(lead) if lead else None,
            target_mix=tuple(sorted(targets.get(tid) or targets.get(None) or [])),
        )
        for tid, slug, name, kind, dept, lead in teams_rows
    }
    interactions = [
        Interaction(slug_of[a], slug_of[b], mode)
        for a, b, mode in TeamInteraction.objects.values_list("team_id", "other_id", "mode")
        if a in slug_of and b in slug_of
    ]
    return OrgSnapshot(on=on, people=result_people, teams=teams, interactions=interactions)


def live_assignments() -> list[Assignment]:
    """Every person's team intervals clipped to their employment spells (for capacity)."""
    fte_of = dict(Person.objects.values_list("id", "fte"))
    key_of = dict(Person.objects.values_list("id", "employee_id"))
    slug_of = dict(Team.objects.values_list("id", "slug"))
    spells: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for pid, start, end in EmploymentSpell.objects.values_list(
        "person_id", "start_date", "end_date"
    ):
        spells[pid].append((start, end))
    rows = []
    for pid, team_id, start, end in TeamMembership.objects.values_list(
        "person_id", "team_id", "start", "end"
    ):
        for s_start, s_end in spells.get(pid, [(start, end)]):
            lo = max(start, s_start)
            ends = [e for e in (end, s_end) if e is not None]
            hi = min(ends) if ends else None
            if hi is None or hi > lo:
                rows.append(Assignment(key_of[pid], slug_of[team_id], lo, hi, fte_of[pid]))
    return rows


def plan_assignments(*, include_in_scenario: bool = True) -> list[Assignment]:
    """Open headcount plan entries as planned assignments from their expected start."""
    rows = HeadcountPlanEntry.objects.filter(
        status__in=[PlanStatus.PLANNED, PlanStatus.APPROVED]
    ).values_list("key", "team__slug", "expected_start", "fte")
    return [Assignment(key, slug, start, None, fte, planned=True) for key, slug, start, fte in rows]


def allocations() -> list[Allocation]:
    """Every declared team allocation."""
    return [
        Allocation(slug, kind, share, quarter or None)
        for slug, kind, share, quarter in TeamAllocation.objects.values_list(
            "team__slug", "kind", "share", "quarter"
        )
    ]


@once_per_request
def cost_rates() -> CostRates:
    """Burden rates per location and exchange rates into the reporting currency."""
    reporting = settings.STEWARD_REPORTING_CURRENCY
    return CostRates(
        reporting_currency=reporting,
        burden=dict(BurdenRate.objects.values_list("location", "rate")),
        fx=dict(
            ExchangeRate.objects.filter(reporting_currency=reporting).values_list(
                "currency", "rate"
            )
        ),
    )


def default_quarters(on: date, count: int = 4) -> list[Quarter]:
    """The quarter of `on` and the next ones."""
    first = quarter_of(on)
    return [first + n for n in range(count)]


# --- structure ----------------------------------------------------------------------------


def structure_analysis(*, actor: Actor, on: date | None = None) -> dict[str, Any]:
    """The live organization's structure on `on` (default today); not sensitive."""
    _require_view(actor)
    return anonymized(actor, live_analysis(on or date.today()))  # type: ignore[no-any-return]


def live_analysis(on: date) -> dict[str, Any]:
    """`analyze` of the live organization on `on`, kept until the data moves (a fresh copy per
    call: callers may add to it)."""
    return datacache.cached(  # type: ignore[no-any-return]
        f"orgdesign:analysis:{on.isoformat()}", lambda: analyze(live_snapshot(on))
    )


# --- scenarios ----------------------------------------------------------------------------


def scenario_list(*, actor: Actor) -> QuerySet[Scenario]:
    """Scenarios `actor` may see (managers: their own)."""
    return policy.visible(actor, "orgdesign.Scenario").select_related("owner")


def scenario_get(*, actor: Actor, scenario_id: int) -> Scenario | None:
    """The scenario if `actor` may see it."""
    return scenario_list(actor=actor).filter(pk=scenario_id).first()


def scenario_changes(scenario: Scenario) -> list[Change]:
    """A scenario's changes as plain data, in order."""
    return [
        Change(c.kind, c.payload, c.position)
        for c in scenario.changes.order_by("position")  # type: ignore[attr-defined]
    ]


def scenario_outcome(
    scenario: Scenario, *, extra: list[Change] | None = None
) -> tuple[OrgSnapshot, list[Assignment], ScenarioResult]:
    """The live org on the scenario's date, its assignments, and the org after the changes."""
    live = live_snapshot(scenario.effective_date)
    assignments = live_assignments() + plan_assignments()
    result = apply_changes(
        live, assignments, scenario_changes(scenario) + (extra or []), owned_by_team()
    )
    return live, assignments, result


def scenario_analysis(*, actor: Actor, scenario: Scenario) -> dict[str, Any]:
    """The structure analysis of the scenario's organization (CONTRACT.md shape + scenario)."""
    _, _, result = scenario_outcome(scenario)
    data = analyze(result.snapshot)
    data["scenario"] = {"id": scenario.pk, "name": scenario.name, "problems": result.problems}
    return anonymized(actor, data)  # type: ignore[no-any-return]


def scenario_comparison(
    *, actor: Actor, scenario: Scenario, quarters: list[Quarter] | None = None
) -> dict[str, Any]:
    """Live against scenario: structure, capacity per team and quarter, cost (if allowed)."""
    live, assignments, result = scenario_outcome(scenario)
    quarters = quarters or default_quarters(scenario.effective_date)
    before = analyze(live)
    after = analyze(result.snapshot)
    allocs = allocations()
    teams = sorted(set(live.teams) | set(result.snapshot.teams))
    cap_before = capacity(assignments, allocs, quarters, teams)
    cap_after = capacity(result.assignments, allocs, quarters, teams)
    cap_rows = []
    for team in teams:
        for q in quarters:
            b = cap_before[team][str(q)]["person_weeks"]
            a = cap_after[team][str(q)]["person_weeks"]
            cap_rows.append(
                {
                    "team": team,
                    "quarter": str(q),
                    "before": b,
                    "after": a,
                    "delta": round(a - b, 2),
                }
            )
    data: dict[str, Any] = {
        "scenario": {
            "id": scenario.pk,
            "name": scenario.name,
            "effective_date": scenario.effective_date.isoformat(),
            "status": scenario.status,
            "changes": len(scenario_changes(scenario)),
        },
        "problems": result.problems,
        "structure": compare_analyses(before, after),
        "before": before,
        "after": after,
        "capacity": cap_rows,
        "quarters": [str(q) for q in quarters],
        "manager_changes": manager_changes(live, result.snapshot),
        "departures": {k: v.isoformat() for k, v in sorted(result.departures.items())},
        "hires": result.hires,
        "teams_created": result.created,
        "teams_dissolved": result.dissolved,
        "knowledge": _knowledge_effect(actor, result.departures, scenario.effective_date),
    }
    if _may_see_costs(actor):
        rates = cost_rates()
        data["cost"] = {
            "currency": rates.reporting_currency,
            **cost_delta(
                team_costs(live, rates),
                team_costs(result.snapshot, rates),
                min_group=0 if _may_see_pay(actor) else min_cost_group(),
            ),
        }
    return anonymized(actor, data)  # type: ignore[no-any-return]


def _knowledge_effect(actor: Actor, departures: dict[str, date], on: date) -> list[dict[str, Any]]:
    """Code knowledge (steward.knowledge) per team before and after the scenario's departures."""
    from steward.knowledge import selectors as knowledge
    from steward.org import selectors as org_selectors

    if not departures:
        return []
    people = org_selectors.people_by_employee_id()
    leaving = {people[e].pk for e in departures if e in people}
    latest = max(departures.values())
    try:
        return knowledge.departures_effect(
            actor=actor, leaving_person_ids=leaving, on=max(on, latest) + timedelta(days=1)
        )
    except knowledge.KnowledgeError:
        return []


# --- capacity -----------------------------------------------------------------------------


def capacity_report(
    *, actor: Actor, quarters: list[Quarter], team: str | None = None
) -> dict[str, Any]:
    """Available person-weeks per team and quarter, planned hires included."""
    _require_view(actor)
    teams = list(Team.objects.filter(dissolved_on__isnull=True).values_list("slug", flat=True))
    if team:
        teams = [t for t in teams if t == team]
    # Kept until the data moves: every person's and planned hire's weeks, the same for everyone.
    scope = hashlib.sha256("\n".join([*map(str, quarters), "", *teams]).encode()).hexdigest()
    key = f"orgdesign:capacity:{scope}"
    result = datacache.cached(
        key,
        lambda: capacity(live_assignments() + plan_assignments(), allocations(), quarters, teams),
    )
    return {
        "quarters": [str(q) for q in quarters],
        "teams": [{"team": t, "quarters": result[t]} for t in teams],
        "allocations": [
            {"team": a.team, "kind": a.kind, "share": float(a.share), "quarter": a.quarter}
            for a in allocations()
            if not team or a.team == team
        ],
    }


# --- headcount plan -----------------------------------------------------------------------


def plan_entries(*, actor: Actor, team: str | None = None) -> QuerySet[HeadcountPlanEntry]:
    """Headcount plan entries `actor` may see."""
    base = policy.visible(actor, "orgdesign.HeadcountPlanEntry")
    qs: QuerySet[HeadcountPlanEntry] = base.select_related("team", "replaces", "manager")
    if team:
        qs = qs.filter(team__slug=team)
    return qs


def plan_entry_dict(
    entry: HeadcountPlanEntry, *, with_cost: bool, rates: CostRates
) -> dict[str, Any]:
    """A plan entry in the API's vocabulary; salary and cost only `with_cost`."""
    data: dict[str, Any] = {
        "key": entry.key,
        "team": entry.team.slug,
        "kind": entry.kind,
        "status": entry.status,
        "title": entry.title,
        "level": entry.level,
        "track": entry.track,
        "quarter": entry.quarter,
        "expected_start": entry.expected_start,
        "fte": entry.fte,
        "location": entry.location,
        "replaces": entry.replaces.employee_id if entry.replaces else None,
        "manager": entry.manager.employee_id if entry.manager else None,
        "note": entry.note,
    }
    if with_cost:
        data["salary"] = entry.salary
        data["currency"] = entry.currency or None
        cost = fully_loaded_cost(entry.salary, entry.currency, entry.location, rates)
        data["fully_loaded_cost"] = None if cost is None else cost * entry.fte
    return data


def headcount_plan(*, actor: Actor, team: str | None = None) -> dict[str, Any]:
    """The plan with totals per quarter and team (costs only for compensation aggregates)."""
    with_cost = _may_see_costs(actor)
    rates = cost_rates()
    rows = [
        plan_entry_dict(e, with_cost=with_cost, rates=rates)
        for e in plan_entries(actor=actor, team=team)
    ]
    counted = [r for r in rows if r["status"] != PlanStatus.CANCELLED]
    quarters = sorted({r["quarter"] for r in counted})
    teams = sorted({r["team"] for r in counted})
    heads: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    costs: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for r in counted:
        heads[(r["team"], r["quarter"])] += r["fte"]
        if with_cost and r.get("fully_loaded_cost") is not None:
            costs[(r["team"], r["quarter"])] += r["fully_loaded_cost"]
    grid = []
    for t in teams:
        grid.append(
            {
                "team": t,
                "by_quarter": {q: float(heads[(t, q)]) for q in quarters},
                "total": float(sum(heads[(t, q)] for q in quarters)),
                **(
                    {
                        "cost_by_quarter": {q: costs[(t, q)] for q in quarters},
                        "cost_total": sum((costs[(t, q)] for q in quarters), Decimal(0)),
                    }
                    if with_cost
                    else {}
                ),
            }
        )
    totals: dict[str, Any] = {
        "by_quarter": {q: float(sum(heads[(t, q)] for t in teams)) for q in quarters},
        "total": float(sum(heads.values(), Decimal(0))),
    }
    if with_cost:
        totals["cost_by_quarter"] = {
            q: sum((costs[(t, q)] for t in teams), Decimal(0)) for q in quarters
        }
        totals["cost_total"] = sum(costs.values(), Decimal(0))
        totals["currency"] = rates.reporting_currency
    if with_cost and not _may_see_pay(actor):
        # Executives see the totals; one planned hire's salary stays with compensation roles.
        # Decided on the whole plan, so that a team's own view cannot undo a complement.
        everything = counted
        if team:
            everything = [
                r
                for r in (
                    plan_entry_dict(e, with_cost=True, rates=rates)
                    for e in plan_entries(actor=actor)
                )
                if r["status"] != PlanStatus.CANCELLED
            ]
        _suppress_plan_costs(everything, grid, totals, team)
        for r in rows:
            for key in ("salary", "currency", "fully_loaded_cost"):
                r.pop(key, None)
    return anonymized(  # type: ignore[no-any-return]
        actor,
        {
            "items": rows,
            "quarters": quarters,
            "teams": grid,
            "totals": totals,
            # Org-wide figures from every active person: kept until the data moves.
            "composition": datacache.cached(
                f"orgdesign:composition:{date.today().isoformat()}", composition_gap
            ),
        },
    )


def _suppress_plan_costs(
    counted: list[dict[str, Any]],
    grid: list[dict[str, Any]],
    totals: dict[str, Any],
    team: str | None,
) -> None:
    """Blank the plan's costs made of too few planned hires (and their complements)."""
    cells: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    for r in counted:
        if r.get("fully_loaded_cost") is not None:
            cells[(r["team"], r["quarter"])][r["key"]] = r["fully_loaded_cost"]
    teams = sorted({r["team"] for r in counted})
    quarters = sorted({r["quarter"] for r in counted})
    figures: dict[Any, disclosure.Figure] = {
        (t, q): disclosure.Figure(cells.get((t, q), {})) for t in teams for q in quarters
    }
    for t in teams:
        figures[(t, "")] = disclosure.combine(figures[(t, q)] for q in quarters)
    for q in quarters:
        figures[("", q)] = disclosure.combine(figures[(t, q)] for t in teams)
    figures[("", "")] = disclosure.combine(figures[(t, "")] for t in teams)
    lines: list[tuple[list[Any], Any]] = [([(t, q) for q in quarters], (t, "")) for t in teams]
    lines += [([(t, q) for t in teams], ("", q)) for q in quarters]
    lines += [([(t, "") for t in teams], ("", "")), ([("", q) for q in quarters], ("", ""))]
    hidden = disclosure.suppressed(figures, lines, min_cost_group())
    for row in grid:
        for q in row["cost_by_quarter"]:
            if (row["team"], q) in hidden:
                row["cost_by_quarter"][q] = None
        if (row["team"], "") in hidden:
            row["cost_total"] = None
    # With a team filter the totals are that team's row.
    for q in totals["cost_by_quarter"]:
        if (team or "", q) in hidden:
            totals["cost_by_quarter"][q] = None
    if (team or "", "") in hidden:
        totals["cost_total"] = None
    totals["cost_suppressed"] = bool(hidden)


def composition_gap(on: date | None = None) -> list[dict[str, Any]]:
    """Each composition target against the live org and against the org after the plan."""
    targets = list(CompositionTarget.objects.all())
    if not targets:
        return []
    day = on or date.today()
    live = live_snapshot(day)
    now = headcounts(live)
    active = live.active()
    entries = list(
        HeadcountPlanEntry.objects.filter(
            status__in=[PlanStatus.PLANNED, PlanStatus.APPROVED]
        ).values_list("level", "track", "fte")
    )
    rows = []
    for target in targets:
        value = float(target.value)
        if target.metric == "manager_to_ic_ratio":
            current = now["manager_to_ic_ratio"]
            plan_managers = now["managers"] + sum(
                1 for _, track, _ in entries if track == "manager"
            )
            plan_ics = now["individual_contributors"] + sum(
                1 for _, track, _ in entries if track != "manager"
            )
            planned = round(plan_ics / plan_managers, 2) if plan_managers else None
        else:
            levels = {lvl.strip() for lvl in target.levels.split(",") if lvl.strip()}
            n = len(active)
            senior = sum(1 for p in active.values() if p.level in levels)
            current = round(senior / n, 4) if n else None
            plan_n = n + len(entries)
            plan_senior = senior + sum(1 for level, _, _ in entries if level in levels)
            planned = round(plan_senior / plan_n, 4) if plan_n else None
        rows.append(
            {
                "metric": target.metric,
                "target": value,
                "levels": target.levels,
                "current": current,
                "after_plan": planned,
                "gap_now": None if current is None else round(current - value, 4),
                "gap_after_plan": None if planned is None else round(planned - value, 4),
            }
        )
    return rows
