"""Reads of the strategy app: objectives, roadmap, prioritization, capacity, plans and alignment."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, overload

from django.db.models import Prefetch, QuerySet

from steward.core import policy
from steward.core.errors import BadInput
from steward.core.periods import Quarter, quarter_of, quarter_range
from steward.org import selectors as org_selectors
from steward.strategy import alignment, scoring
from steward.strategy.models import (
    Idea,
    ImprovementAction,
    Initiative,
    InitiativeEffort,
    InitiativeObjective,
    KeyResult,
    Objective,
    QuarterBudget,
)

Actor = policy.Actor
# The plan meant these initiatives to take the engineering time of the present.
INTENDED_STATUSES = ("in-progress",)


def _visible(actor: Actor, label: str) -> QuerySet[Any]:
    return policy.visible(actor, label)


# --- objectives ---------------------------------------------------------------------------


def objective_list(*, actor: Actor) -> QuerySet[Objective]:
    """Objectives with owner, key results and team goals prefetched."""
    return (
        _visible(actor, "strategy.Objective")
        .select_related("owner")
        .prefetch_related("key_results", "team_goals__team")
    )


def objective_get(*, actor: Actor, key: str) -> Objective | None:
    """The objective `key` if visible."""
    return objective_list(actor=actor).filter(key=key).first()


def key_result_dict(kr: KeyResult) -> dict[str, Any]:
    """A key result with its progress."""
    return {
        "objective_key": kr.objective.key,
        "key": kr.key,
        "title": kr.title,
        "metric": kr.metric,
        "unit": kr.unit,
        "baseline": float(kr.baseline),
        "target": float(kr.target),
        "current": float(kr.current),
        "confidence": float(kr.confidence),
        "progress": round(kr.progress, 4),
    }


def objective_dict(objective: Objective) -> dict[str, Any]:
    """An objective with its key results and progress (mean of the key results' progress)."""
    krs = [key_result_dict(kr) for kr in objective.key_results.all()]
    progress = scoring.objective_progress(kr["progress"] for kr in krs)
    return {
        "key": objective.key,
        "title": objective.title,
        "description": objective.description,
        "owner_employee_id": objective.owner.employee_id if objective.owner else None,
        "owner": objective.owner.name if objective.owner else None,
        "start": objective.start,
        "end": objective.end,
        "priority": objective.priority,
        "progress": None if progress is None else round(progress, 4),
        "key_results": krs,
        "team_goals": [
            {"team": g.team.slug, "title": g.title, "description": g.description}
            for g in objective.team_goals.all()
        ],
    }


def key_result_history(*, actor: Actor, objective_key: str, key: str) -> dict[str, Any] | None:
    """A key result with every check-in, oldest first."""
    kr = (
        _visible(actor, "strategy.KeyResult")
        .select_related("objective")
        .filter(objective__key=objective_key, key=key)
        .first()
    )
    if kr is None:
        return None
    data = key_result_dict(kr)
    data["check_ins"] = [
        {
            "id": c.pk,
            "on": c.on,
            "value": float(c.value),
            "confidence": float(c.confidence),
            "note": c.note,
        }
        for c in kr.check_ins.all()
    ]
    return data


# --- initiatives --------------------------------------------------------------------------


def initiative_list(
    *,
    actor: Actor,
    team: str | None = None,
    horizon: str | None = None,
    status: str | None = None,
) -> QuerySet[Initiative]:
    """Initiatives with links, efforts and dependencies prefetched; filter by team (owner or
    contributing), horizon and status."""
    qs = _visible(actor, "strategy.Initiative").select_related("owner_team", "owner")
    if team:
        qs = qs.filter(efforts__team__slug=team) | qs.filter(owner_team__slug=team)
        qs = qs.distinct()
    if horizon:
        qs = qs.filter(horizon=horizon)
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related(
        Prefetch(
            "objective_links",
            queryset=InitiativeObjective.objects.select_related("objective").order_by(
                "objective__priority", "objective__key"
            ),
        ),
        Prefetch("efforts", queryset=InitiativeEffort.objects.select_related("team")),
        Prefetch("depends_on", queryset=Initiative.objects.only("id", "key")),
    ).order_by("key")


def initiative_get(*, actor: Actor, key: str) -> Initiative | None:
    """The initiative `key` if visible."""
    return initiative_list(actor=actor).filter(key=key).first()


def effort_total(initiative: Initiative) -> Decimal:
    """Estimated person-weeks over all teams."""
    return sum((e.person_weeks for e in initiative.efforts.all()), Decimal(0))


def initiative_dict(initiative: Initiative) -> dict[str, Any]:
    """An initiative in the vocabulary of the CSV and the API."""
    effort = effort_total(initiative)
    months = scoring.person_months(effort)
    return {
        "key": initiative.key,
        "title": initiative.title,
        "description": initiative.description,
        "objectives": [
            {"key": link.objective.key, "weight": float(link.weight)}
            for link in initiative.objective_links.all()
        ],
        "owner_team": initiative.owner_team.slug if initiative.owner_team else None,
        "teams": sorted(e.team.slug for e in initiative.efforts.all()),
        "effort_person_weeks": {
            e.team.slug: float(e.person_weeks) for e in initiative.efforts.all()
        },
        "cost": float(initiative.cost),
        "value": initiative.value,
        "time_criticality": initiative.time_criticality,
        "risk_reduction": initiative.risk_reduction,
        "job_size": initiative.job_size,
        "reach": initiative.reach,
        "impact": float(initiative.impact),
        "confidence": float(initiative.confidence),
        "feasibility": initiative.feasibility,
        "technical_risk": initiative.technical_risk,
        "earliest": initiative.earliest or None,
        "deadline": initiative.deadline or None,
        "duration": initiative.duration,
        "mandatory": initiative.mandatory,
        "depends_on": sorted(d.key for d in initiative.depends_on.all()),
        "status": initiative.status,
        "horizon": initiative.horizon,
        "planned_start": initiative.planned_start or None,
        "link_keys": list(initiative.link_keys),
        "wsjf": round(initiative.wsjf, 4),
        "rice": None
        if (r := scoring.rice(initiative.reach, initiative.impact, initiative.confidence, months))
        is None
        else round(r, 4),
    }


def _scored(initiative: Initiative) -> scoring.Scored:
    return scoring.Scored(
        key=initiative.key,
        value=initiative.value,
        time_criticality=initiative.time_criticality,
        risk_reduction=initiative.risk_reduction,
        job_size=initiative.job_size,
        reach=float(initiative.reach),
        impact=float(initiative.impact),
        confidence=float(initiative.confidence),
        effort_months=scoring.person_months(effort_total(initiative)),
    )


SORT_KEYS = ("wsjf", "rice", "cost", "effort", "key", "feasibility", "value")


def prioritization(*, actor: Actor, sort: str = "wsjf", team: str | None = None) -> dict[str, Any]:
    """WSJF and RICE side by side with cost, effort and feasibility; ranks; one-step changes."""
    items = [
        i for i in initiative_list(actor=actor, team=team) if i.status not in ("done", "dropped")
    ]
    scored = [_scored(i) for i in items]
    wsjf_rank = scoring.ranks(scored, "wsjf")
    rice_rank = scoring.ranks(scored, "rice")
    rows = []
    for initiative, s in zip(items, scored, strict=True):
        rows.append(
            {
                "key": initiative.key,
                "title": initiative.title,
                "wsjf": round(s.wsjf, 2),
                "wsjf_rank": wsjf_rank[initiative.key],
                "rice": None if s.rice is None else round(s.rice, 1),
                "rice_rank": rice_rank[initiative.key],
                "cost": float(initiative.cost),
                "effort_person_weeks": float(effort_total(initiative)),
                "feasibility": initiative.feasibility,
                "technical_risk": initiative.technical_risk,
                "value": initiative.value,
                "status": initiative.status,
                "horizon": initiative.horizon,
            }
        )
    feasibility_order = {"high": 0, "medium": 1, "low": 2}
    order = {
        "wsjf": lambda r: (r["wsjf_rank"], r["key"]),
        "rice": lambda r: (r["rice_rank"], r["key"]),
        "cost": lambda r: (r["cost"], r["key"]),
        "effort": lambda r: (r["effort_person_weeks"], r["key"]),
        "key": lambda r: r["key"],
        "feasibility": lambda r: (feasibility_order.get(r["feasibility"], 3), r["key"]),
        "value": lambda r: (-r["value"], r["key"]),
    }
    if sort not in order:
        raise BadInput(f"sort: {sort!r} is not accepted (use one of: {', '.join(SORT_KEYS)})")
    rows.sort(key=order[sort])  # type: ignore[arg-type]
    return {"sort": sort, "items": rows, "sensitivity": scoring.rank_sensitivity(scored)}


def value_effort_svg(rows: list[dict[str, Any]]) -> str:
    """The value-vs-effort chart (Altair spec, rendered to SVG on the server)."""
    import altair as alt

    from steward.core import labels as code_labels
    from steward.core.charts import FULL_WIDTH, spec_svg

    data = [
        {
            "key": r["key"],
            "title": r["title"],
            "effort": r["effort_person_weeks"],
            "wsjf": r["wsjf"],
            "cost_of_delay": r["value"],
            "feasibility": code_labels.label(r["feasibility"], "level"),
        }
        for r in rows
    ]
    # One label per point position: initiatives drawn on the same spot share one label.
    at: dict[tuple[Any, Any], list[str]] = {}
    for r in data:
        at.setdefault((r["effort"], r["wsjf"]), []).append(r["key"])
    label_data = [{"effort": e, "wsjf": w, "keys": ", ".join(keys)} for (e, w), keys in at.items()]
    points = (
        alt.Chart(alt.Data(values=data))
        .mark_circle(size=90, opacity=0.8)
        .encode(
            x=alt.X("effort:Q", title="Estimated effort (person-weeks)"),
            y=alt.Y("wsjf:Q", title="WSJF"),
            color=alt.Color("feasibility:N", title="Feasibility"),
            tooltip=["key:N", "title:N", "effort:Q", "wsjf:Q"],
        )
    )
    text = (
        alt.Chart(alt.Data(values=label_data))
        .mark_text(align="left", dx=7, fontSize=11, color="#343a40")
        .encode(x="effort:Q", y="wsjf:Q", text="keys:N")
    )
    chart = (points + text).properties(width=FULL_WIDTH, height=400, title="Value vs effort")
    return spec_svg(chart.to_dict())


# --- roadmap ------------------------------------------------------------------------------


def _quarters_around(today: date, before: int = 1, count: int = 6) -> list[Quarter]:
    first = quarter_of(today) - before
    return [first + n for n in range(count)]


def roadmap(
    *, actor: Actor, quarters: list[Quarter] | None = None, today: date | None = None
) -> dict[str, Any]:
    """The quarter-by-quarter timeline: one lane per team, initiatives in their planned quarters."""
    quarters = quarters or _quarters_around(today or date.today())
    names = [str(q) for q in quarters]
    lanes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    unplanned: list[dict[str, Any]] = []
    team_names = org_selectors.team_names_by_slug()
    for initiative in initiative_list(actor=actor):
        if initiative.status == "dropped":
            continue
        teams = sorted({e.team.slug for e in initiative.efforts.all()})
        if not teams and initiative.owner_team:
            teams = [initiative.owner_team.slug]
        entry: dict[str, Any] = {
            "key": initiative.key,
            "title": initiative.title,
            "status": initiative.status,
            "start": initiative.planned_start or None,
            "duration": initiative.duration,
        }
        if not initiative.planned_start:
            unplanned.append(entry)
            continue
        start = quarter_range(initiative.planned_start)[0]
        span = [str(start + n) for n in range(initiative.duration)]
        cells = [q in span for q in names]
        if not any(cells):
            continue
        entry["cells"] = cells
        for team in teams:
            lanes[team].append(entry)
    return {
        "quarters": names,
        "lanes": [
            {"team": team, "name": team_names.get(team, team), "items": items}
            for team, items in sorted(lanes.items())
        ],
        "unplanned": unplanned,
    }


def board(*, actor: Actor, team: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The now / next / later board (dropped and done initiatives left out)."""
    columns: dict[str, list[dict[str, Any]]] = {"now": [], "next": [], "later": []}
    for initiative in initiative_list(actor=actor, team=team):
        if initiative.status in ("dropped", "done"):
            continue
        columns[initiative.horizon].append(
            {
                "key": initiative.key,
                "title": initiative.title,
                "status": initiative.status,
                "owner_team": initiative.owner_team.slug if initiative.owner_team else None,
                "owner_team_name": initiative.owner_team.name if initiative.owner_team else None,
                "objectives": [link.objective.key for link in initiative.objective_links.all()],
            }
        )
    return columns


def objective_tree(*, actor: Actor) -> list[dict[str, Any]]:
    """Objectives → key results and initiatives (with weight and status), with progress."""
    by_objective: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for initiative in initiative_list(actor=actor):
        for link in initiative.objective_links.all():
            by_objective[link.objective_id].append(
                {
                    "key": initiative.key,
                    "title": initiative.title,
                    "weight": float(link.weight),
                    "status": initiative.status,
                    "horizon": initiative.horizon,
                    "planned_start": initiative.planned_start or None,
                }
            )
    tree = []
    for objective in objective_list(actor=actor):
        data = objective_dict(objective)
        data["initiatives"] = by_objective.get(objective.pk, [])
        done = [i for i in data["initiatives"] if i["status"] == "done"]
        data["initiatives_done"] = len(done)
        tree.append(data)
    return tree


# --- capacity and the portfolio instance ----------------------------------------------------


def team_capacity(
    *, quarters: list[Quarter], scenario: int | None = None
) -> dict[str, dict[str, float]]:
    """Person-weeks per team and quarter (METRICS.md "Capacity"), from the organization app:
    the live organization, or the organization after a reorg scenario's changes."""
    from steward.orgdesign import selectors as design_selectors

    if scenario is None:
        report = design_selectors.capacity_report(actor=policy.SYSTEM, quarters=quarters)
        return {
            row["team"]: {q: float(v["person_weeks"]) for q, v in row["quarters"].items()}
            for row in report["teams"]
        }
    from steward.orgdesign.capacity import capacity

    found = design_selectors.scenario_get(actor=policy.SYSTEM, scenario_id=scenario)
    if found is None:
        raise BadInput(f"--scenario {scenario}: no such scenario")
    live, _assignments, result = design_selectors.scenario_outcome(found)
    teams = sorted(set(live.teams) | set(result.snapshot.teams))
    after = capacity(result.assignments, design_selectors.allocations(), quarters, teams)
    return {
        team: {q: float(v["person_weeks"]) for q, v in per_quarter.items()}
        for team, per_quarter in after.items()
    }


def _ordinal(quarter: str) -> int:
    return int(quarter[:4]) * 4 + int(quarter[5]) - 1


def portfolio_instance(
    *, quarters: str, scenario: int | None = None, replan_in_progress: bool = False
) -> dict[str, Any]:
    """The CONTRACT.md portfolio instance built from the database for `quarters` (A..B).

    Initiatives that are not done or dropped take part; the optimizer's value is the WSJF cost
    of delay (value + time criticality + risk reduction); a dependency on an initiative that is
    done (or dropped) is left out; the budget applies when every quarter has one.

    In-progress initiatives with a planned start stay where they are unless
    `replan_in_progress`: they are not decisions of this plan, so they leave the instance,
    the person-weeks and money they take in the planned quarters (their effort and cost spread
    evenly over `duration` quarters from `planned_start`) are taken off the capacities and
    budgets (never below 0), and what depends on them starts after they end. They are listed
    under the extra key `fixed` (key -> planned start), with `overcommitted` naming the
    team-quarters whose capacity they alone exceed.
    """
    span = quarter_range(quarters)
    names = [str(q) for q in span]
    capacity = team_capacity(quarters=span, scenario=scenario)
    budgets = dict(QuarterBudget.objects.filter(quarter__in=names).values_list("quarter", "amount"))
    missing = [q for q in names if q not in budgets]
    if budgets and missing:
        raise BadInput(
            f"budget: no budget for {', '.join(missing)} (set one for every quarter, or none)"
        )
    active = [
        i for i in initiative_list(actor=policy.SYSTEM) if i.status not in ("done", "dropped")
    ]
    fixed = {
        i.key: i
        for i in active
        if not replan_in_progress and i.status == "in-progress" and i.planned_start
    }
    items = [i for i in active if i.key not in fixed]
    keys = {i.key for i in items}
    first = _ordinal(names[0])
    load: dict[tuple[str, str], float] = defaultdict(float)
    spend: dict[str, float] = defaultdict(float)
    ends: dict[str, int] = {}  # fixed key -> ordinal of its last quarter
    for initiative in fixed.values():
        start = _ordinal(initiative.planned_start)
        ends[initiative.key] = start + initiative.duration - 1
        for k in range(start, start + initiative.duration):
            if not 0 <= k - first < len(names):
                continue
            quarter = names[k - first]
            for effort in initiative.efforts.all():
                load[(effort.team.slug, quarter)] += (
                    float(effort.person_weeks) / initiative.duration
                )
            spend[quarter] += float(initiative.cost) / initiative.duration
    used_teams = sorted({e.team.slug for i in items for e in i.efforts.all()})
    teams = [
        {
            "id": t,
            "capacity": {
                q: round(max(0.0, capacity.get(t, {}).get(q, 0.0) - load[(t, q)]), 2) for q in names
            },
        }
        for t in used_teams
    ]
    overcommitted = sorted(
        f"{team} {q}"
        for (team, q), weeks in load.items()
        if weeks > capacity.get(team, {}).get(q, 0.0) + 1e-9
    )

    def earliest(initiative: Initiative) -> str | None:
        # After every fixed initiative it depends on has ended.
        after = [ends[d.key] + 1 for d in initiative.depends_on.all() if d.key in ends]
        best = max([_ordinal(initiative.earliest) if initiative.earliest else first, *after])
        return None if best <= first and not initiative.earliest else f"{best // 4}Q{best % 4 + 1}"

    return {
        "quarters": names,
        "discount_per_quarter": 0.0,
        "teams": teams,
        "budget": (
            {q: round(max(0.0, float(budgets[q]) - spend[q]), 2) for q in names}
            if budgets
            else None
        ),
        "initiatives": [
            {
                "id": i.key,
                "value": float(i.value + i.time_criticality + i.risk_reduction),
                "effort": {e.team.slug: float(e.person_weeks) for e in i.efforts.all()},
                "cost": float(i.cost),
                "duration": i.duration,
                "depends_on": sorted(d.key for d in i.depends_on.all() if d.key in keys),
                "mandatory": i.mandatory,
                "earliest": earliest(i),
                "deadline": i.deadline or None,
            }
            for i in items
        ],
        "fixed": {key: i.planned_start for key, i in sorted(fixed.items())},
        "overcommitted": overcommitted,
    }


# --- evidence of alignment ------------------------------------------------------------------


def _months(start: date, end: date) -> list[str]:
    out = []
    day = start.replace(day=1)
    while day < end:
        out.append(alignment.month_of(day))
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def intended_shares(initiatives: list[Initiative] | None = None) -> dict[str, float]:
    """The plan's intended share of effort per objective.

    Over the initiatives in progress: estimated person-weeks times link weights, as a share of
    all their estimated person-weeks (what is not linked to an objective is `unaligned`).
    """
    per_objective: dict[str, Decimal] = defaultdict(Decimal)
    total = Decimal(0)
    if initiatives is None:
        initiatives = list(initiative_list(actor=policy.SYSTEM))
    for initiative in initiatives:
        if initiative.status not in INTENDED_STATUSES:
            continue
        effort = effort_total(initiative)
        total += effort
        passed = Decimal(0)
        for link in initiative.objective_links.all():
            per_objective[link.objective.key] += effort * link.weight
            passed += link.weight
        if passed < 1:
            per_objective["unaligned"] += effort * (1 - passed)
    if total == 0:
        return {}
    return {k: float(v / total) for k, v in per_objective.items()}


def alignment_report(
    *, actor: Actor, start: date, end: date, team: str | None = None
) -> dict[str, Any]:
    """Where engineering time went in [start, end): per team and month, per initiative and
    objective, beside the plan's intended share, with the gaps called out."""

    initiatives = list(initiative_list(actor=actor))
    by_key: dict[str, list[str]] = defaultdict(list)
    weights: dict[str, dict[str, Fraction]] = {}
    for initiative in initiatives:
        for key in initiative.link_keys:
            by_key[key].append(initiative.key)
        weights[initiative.key] = {
            link.objective.key: Fraction(str(link.weight))
            for link in initiative.objective_links.all()
        }
    groups = _commit_groups(start, end, set(by_key))
    team_of = _team_of({g.person_id for g in groups}, start, end)
    result = alignment.attribute_groups(groups, by_key, team_of)
    teams = sorted({t for (t, _m, _i) in result.cells})
    if team:
        teams = [t for t in teams if t == team]
    months = _months(start, end)
    objectives = list(objective_list(actor=actor))
    grid = []
    by_cell: dict[tuple[str, str], dict[str, Fraction]] = defaultdict(dict)
    for (tt, mm, i), v in result.cells.items():
        by_cell[(tt, mm)][i] = v
    for t in teams:
        for m in months:
            per_init = by_cell.get((t, m), {})
            total = sum(per_init.values(), Fraction(0))
            if total == 0:
                continue
            per_obj = alignment.objective_effort(per_init, weights)
            grid.append(
                {
                    "team": t,
                    "month": m,
                    "person_days": float(total),
                    "objectives": {k: round(float(v), 3) for k, v in per_obj.items()},
                    "unlinked": round(float(per_init.get(alignment.UNLINKED, 0)), 3),
                }
            )
    totals = result.initiative_totals(team)
    all_effort = sum(totals.values(), Fraction(0))
    per_objective = alignment.objective_effort(totals, weights)
    intended = intended_shares(initiatives)
    rows: list[dict[str, Any]] = []
    for objective in objectives:
        actual = per_objective.get(objective.key, Fraction(0))
        share = float(actual / all_effort) if all_effort else None
        plan = intended.get(objective.key)
        rows.append(
            {
                "key": objective.key,
                "title": objective.title,
                "priority": objective.priority,
                "person_days": round(float(actual), 3),
                "share": None if share is None else round(share, 4),
                "intended_share": None if plan is None else round(plan, 4),
                "gap": None if share is None or plan is None else round(share - plan, 4),
            }
        )
    unaligned = per_objective.get("unaligned", Fraction(0))
    callouts = []
    for row in sorted(rows, key=lambda r: r["priority"]):
        if row["share"] is None:
            continue
        plan = row["intended_share"] or 0.0
        if plan >= 0.05 and (row["share"] < plan / 2 or plan - row["share"] >= 0.1):
            callouts.append(
                f"objective {row['key']} ({row['title']}) is priority {row['priority']} and "
                f"received {row['share'] * 100:.0f} % of effort (plan: {plan * 100:.0f} %)"
            )
    if all_effort:
        callouts.append(
            f"{float(unaligned / all_effort) * 100:.0f} % of effort is not linked to any objective"
        )
    return {
        "from": start,
        "to": end,
        "team": team,
        "person_days": float(all_effort),
        "initiatives": sorted(
            (
                {"key": k, "person_days": round(float(v), 3)}
                for k, v in totals.items()
                if k != alignment.UNLINKED
            ),
            key=lambda r: (-r["person_days"], r["key"]),
        ),
        "unlinked_person_days": round(float(totals.get(alignment.UNLINKED, 0)), 3),
        "unaligned_person_days": round(float(unaligned), 3),
        "objectives": rows,
        "by_team_month": grid,
        "callouts": callouts,
    }


def _commit_groups(start: date, end: date, keys: set[str]) -> list[alignment.CommitGroupRef]:
    """Commit groups keeping only the link keys of initiatives (the only ones that count)."""
    from steward.engineering import selectors as evidence

    return list(evidence.commit_groups(start=start, end=end, keys=keys))


def _team_of(person_ids: set[int], start: date, end: date) -> Callable[[int, date], str | None]:
    """A person's home team's slug on a day (memberships read once)."""
    from steward.engineering import selectors as evidence

    memberships = evidence.team_on(person_ids, start, end)
    slug_of = org_selectors.team_slugs_by_id()
    cache: dict[tuple[int, date], str | None] = {}

    def team_of(person: int, day: date) -> str | None:
        if (person, day) in cache:
            return cache[(person, day)]
        found = None
        for s, e, team_id in memberships.get(person, []):
            if s <= day and (e is None or day < e):
                found = slug_of.get(team_id)
                break
        cache[(person, day)] = found
        return found

    return team_of


@dataclass
class AlignmentCommits(Sequence[dict[str, Any]]):
    """The commits behind a figure, read a page at a time (a sequence for `paginate`).

    The groups of commits (person, day, link keys) decide which commits count and their share,
    so the number of rows and the total need no commit rows; a page reads only the days it shows."""

    groups: list[tuple[alignment.CommitGroupRef, Fraction, str | None]]
    rows: int
    total: float
    keys: set[str]  # the link keys the groups were made with

    def __len__(self) -> int:
        return self.rows

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self[0 : self.rows])

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        from steward.engineering import selectors as evidence

        if isinstance(index, int):
            position = index + self.rows if index < 0 else index
            found = self[position : position + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        if index.step not in (None, 1):
            raise TypeError("AlignmentCommits supports plain slices only")
        start, stop, _ = index.indices(self.rows)
        if start >= stop:
            return []
        # The days holding rows [start, stop) of the list ordered by day (then sha).
        by_day: dict[date, int] = defaultdict(int)
        for group, _share, _team in self.groups:
            by_day[group.day] += group.commits
        before, first, last, seen = 0, None, None, 0
        for day in sorted(by_day):
            if seen + by_day[day] <= start:
                seen += by_day[day]
                before = seen
                continue
            first = first or day
            last = day
            seen += by_day[day]
            if seen >= stop:
                break
        if first is None or last is None:
            return []
        chosen = {(g.person_id, g.day, g.keys): (share, team) for g, share, team in self.groups}
        out = []
        for (
            _pk,
            sha,
            repo,
            day,
            name,
            author,
            message,
            person,
            keys,
        ) in evidence.commit_rows_on_days(first=first, last=last, keys=self.keys):
            hit = chosen.get((person, day, keys)) if person is not None else None
            if hit is None:
                continue
            out.append(
                {
                    "sha": sha,
                    "repo": repo,
                    "day": day,
                    "author": name or author,
                    "subject": message.split("\n", 1)[0],
                    "team": hit[1],
                    "person_days": round(float(hit[0]), 4),
                }
            )
        return out[start - before : stop - before]


def alignment_commits(
    *,
    actor: Actor,
    start: date,
    end: date,
    initiative: str | None = None,
    objective: str | None = None,
    team: str | None = None,
    month: str | None = None,
) -> AlignmentCommits:
    """The commits behind a figure of the alignment report, each with its share in person-days.

    `initiative` (a key or `unlinked`) or `objective` (a key or `unaligned`, shares times link
    weights) selects the figure; neither selects all effort; `team` and `month` (YYYY-MM) narrow
    it to one cell of the team-by-month table. Ordered by day, then sha; sliced a page at a
    time (`rows` and `total`, in person-days, cover all of them).
    """
    initiatives = list(initiative_list(actor=actor))
    by_key: dict[str, list[str]] = defaultdict(list)
    weights: dict[str, dict[str, Fraction]] = {}
    for item in initiatives:
        for key in item.link_keys:
            by_key[key].append(item.key)
        weights[item.key] = {
            link.objective.key: Fraction(str(link.weight)) for link in item.objective_links.all()
        }
    groups = [
        g
        for g in _commit_groups(start, end, set(by_key))
        if month is None or alignment.month_of(g.day) == month
    ]
    team_of = _team_of({g.person_id for g in groups}, start, end)
    per_day = alignment.day_totals(groups)

    def part(target: str) -> Fraction:
        """What of one unit of effort on `target` the figure counts (exact)."""
        if initiative is not None:
            return Fraction(1 if target == initiative else 0)
        if objective is not None:
            return alignment.objective_effort({target: Fraction(1)}, weights).get(
                objective, Fraction(0)
            )
        return Fraction(1)

    # A commit's share is 1 / (commits that day × its targets) per target, so the figure's
    # share is (Σ part(target)) / denominator: computed once per set of keys.
    parts: dict[str, Fraction] = {}
    factor_of: dict[tuple[str, ...], tuple[Fraction, int]] = {}
    shown: dict[Fraction, Decimal] = {}
    chosen: list[tuple[alignment.CommitGroupRef, Fraction, str | None]] = []
    count, total = 0, Decimal(0)
    for g in groups:
        group_team = team_of(g.person_id, g.day)
        if team and (group_team or alignment.NO_TEAM) != team:
            continue
        found = factor_of.get(g.keys)
        if found is None:
            targets = alignment.targets_of(g.keys, by_key)
            for t in targets:
                if t not in parts:
                    parts[t] = part(t)
            found = factor_of[g.keys] = (
                sum((parts[t] for t in targets), Fraction(0)),
                len(targets),
            )
        factor, width = found
        if not factor:
            continue
        share = factor / (per_day[(g.person_id, g.day)] * width)
        chosen.append((g, share, group_team))
        count += g.commits
        # The sum of the rows as shown (each rounded to 4 places), exactly.
        rounded = shown.get(share)
        if rounded is None:
            rounded = shown[share] = Decimal(str(round(float(share), 4)))
        total += g.commits * rounded
    return AlignmentCommits(groups=chosen, rows=count, total=float(total), keys=set(by_key))


# --- innovation and improvement -------------------------------------------------------------


def idea_list(*, actor: Actor, status: str | None = None) -> QuerySet[Idea]:
    """Ideas and experiments of the pipeline."""
    qs = _visible(actor, "strategy.Idea").select_related("owner", "team")
    return qs.filter(status=status) if status else qs


def action_list(*, actor: Actor, team: str | None = None) -> QuerySet[ImprovementAction]:
    """Improvement actions, soonest due first."""
    qs = _visible(actor, "strategy.ImprovementAction").select_related("owner", "team")
    return qs.filter(team__slug=team) if team else qs


def action_closure(*, actor: Actor, today: date, team: str | None = None) -> dict[str, Any]:
    """Closure rate: closed actions ÷ all actions; overdue = open past their due date."""
    actions = list(action_list(actor=actor, team=team))
    closed = [a for a in actions if a.closed_on is not None]
    overdue = [a for a in actions if a.closed_on is None and a.due_on < today]
    on_time = [a for a in closed if a.closed_on is not None and a.closed_on <= a.due_on]
    return {
        "actions": len(actions),
        "closed": len(closed),
        "closure_rate": round(len(closed) / len(actions), 4) if actions else None,
        "closed_on_time": len(on_time),
        "overdue": len(overdue),
    }


def stored_bottlenecks() -> list[dict[str, Any]]:
    """The bottlenecks of the stored portfolio solutions (newest solution first): each
    `{team, quarter, marginal_value_of_13_person_weeks, computed_at}`. Reads what the plan
    page stored; solves nothing."""
    from steward.strategy.models import PlanSolution

    found = []
    for row in PlanSolution.objects.order_by("-computed_at"):
        for item in (row.result or {}).get("bottlenecks", []):
            found.append({**item, "computed_at": row.computed_at})
    return found
