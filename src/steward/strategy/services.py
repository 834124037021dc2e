"""Writes of the strategy app: objectives, key results, initiatives, plans and the pipeline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from steward.core import policy
from steward.core.deletion import deletion_summary
from steward.core.errors import InvalidFields, invalid_fields_from
from steward.strategy import rules
from steward.strategy.models import (
    IDEA_TRANSITIONS,
    CheckIn,
    Idea,
    ImprovementAction,
    Initiative,
    InitiativeEffort,
    InitiativeObjective,
    KeyResult,
    Objective,
    QuarterBudget,
    TeamGoal,
)

if TYPE_CHECKING:
    from steward.org.models import Person, Team

WEIGHT_TOLERANCE = rules.WEIGHT_TOLERANCE


class StrategyError(InvalidFields):
    """A strategy change that cannot be made as asked (`fields` names the fields at fault)."""


def _require_change(actor: policy.Actor, label: str) -> None:
    policy.require(actor, "change", label)


def _save(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise invalid_fields_from(exc, StrategyError) from exc
    obj.save()


@transaction.atomic
def objective_upsert(
    *,
    actor: policy.Actor,
    key: str,
    title: str,
    start: date,
    end: date,
    priority: int = 1,
    description: str = "",
    owner: Person | None = None,
) -> Objective:
    """Create or update the objective `key`."""
    _require_change(actor, "strategy.objective")
    objective = Objective.objects.filter(key=key).first() or Objective(key=key)
    objective.title = title
    objective.description = description
    objective.owner = owner
    objective.start = start
    objective.end = end
    objective.priority = priority
    _save(objective)
    return objective


@transaction.atomic
def key_result_upsert(
    *,
    actor: policy.Actor,
    objective: Objective,
    key: str,
    title: str,
    baseline: Decimal,
    target: Decimal,
    current: Decimal,
    metric: str = "",
    unit: str = "",
    confidence: Decimal = Decimal("0.5"),
    on: date | None = None,
) -> KeyResult:
    """Create or update a key result; a new current value or confidence is kept as a check-in."""
    _require_change(actor, "strategy.keyresult")
    kr = KeyResult.objects.filter(objective=objective, key=key).first()
    moved = kr is None or kr.current != current or kr.confidence != confidence
    kr = kr or KeyResult(objective=objective, key=key)
    kr.title = title
    kr.metric = metric
    kr.unit = unit
    kr.baseline = baseline
    kr.target = target
    kr.current = current
    kr.confidence = confidence
    _save(kr)
    if moved:
        _save(CheckIn(key_result=kr, on=on or date.today(), value=current, confidence=confidence))
    return kr


@transaction.atomic
def check_in_record(
    *,
    actor: policy.Actor,
    key_result: KeyResult,
    value: Decimal,
    confidence: Decimal,
    on: date,
    note: str = "",
) -> CheckIn:
    """Record a check-in; the key result's current value follows the latest check-in."""
    _require_change(actor, "strategy.keyresult")
    check_in = CheckIn(
        key_result=key_result,
        on=on,
        value=value,
        confidence=confidence,
        note=note,
        by=policy.user_record(actor),
    )
    _save(check_in)
    latest = key_result.check_ins.order_by("-on", "-pk").first()
    if latest is not None and latest.pk == check_in.pk:
        key_result.current = value
        key_result.confidence = confidence
        _save(key_result)
    return check_in


@transaction.atomic
def team_goal_create(
    *, actor: policy.Actor, objective: Objective, team: Team, title: str, description: str = ""
) -> TeamGoal:
    """A team goal cascading from `objective`."""
    _require_change(actor, "strategy.teamgoal")
    goal = TeamGoal(objective=objective, team=team, title=title, description=description)
    _save(goal)
    return goal


def check_weights(weights: Sequence[Decimal], *, where: str) -> None:
    """Objective link weights of one initiative must sum to 1 (we reject, we do not normalize)."""
    problem = rules.weights_problem(weights)
    if problem:
        raise StrategyError(
            f"{where}: {rules.text(problem)}", fields={"weights": [rules.text(problem)]}
        )


@transaction.atomic
def initiative_upsert(
    *,
    actor: policy.Actor,
    key: str,
    title: str,
    fields: Mapping[str, Any] | None = None,
    objectives: Sequence[tuple[Objective, Decimal]] | None = None,
    efforts: Mapping[Team, Decimal] | None = None,
    depends_on: Sequence[Initiative] | None = None,
) -> Initiative:
    """Create or update an initiative; given links, efforts and dependencies replace the old."""
    _require_change(actor, "strategy.initiative")
    initiative = Initiative.objects.filter(key=key).first() or Initiative(key=key)
    initiative.title = title
    for name, value in (fields or {}).items():
        setattr(initiative, name, value)
    _save(initiative)
    if objectives is not None:
        check_weights([w for _, w in objectives], where=f"initiative {key}")
        initiative.objective_links.all().delete()
        for objective, weight in objectives:
            _save(InitiativeObjective(initiative=initiative, objective=objective, weight=weight))
    if efforts is not None:
        initiative.efforts.all().delete()
        for team, weeks in efforts.items():
            _save(InitiativeEffort(initiative=initiative, team=team, person_weeks=weeks))
    if depends_on is not None:
        if any(d.pk == initiative.pk for d in depends_on):
            raise StrategyError(f"initiative {key}: depends on itself")
        initiative.depends_on.set(depends_on)
    return initiative


@transaction.atomic
def budget_set(*, actor: policy.Actor, quarter: str, amount: Decimal) -> QuarterBudget:
    """Set the budget of a quarter."""
    _require_change(actor, "strategy.quarterbudget")
    budget = QuarterBudget.objects.filter(quarter=quarter).first() or QuarterBudget(quarter=quarter)
    budget.amount = amount
    _save(budget)
    return budget


@transaction.atomic
def plan_apply(*, actor: policy.Actor, schedule: Mapping[str, str], planned: Sequence[str]) -> int:
    """Write a schedule: each initiative of `planned` gets its start quarter (or none)."""
    _require_change(actor, "strategy.initiative")
    changed = 0
    for initiative in Initiative.objects.filter(key__in=list(planned)):
        start = schedule.get(initiative.key, "")
        status = initiative.status
        if start and status == "proposed":
            status = "planned"
        if initiative.planned_start != start or initiative.status != status:
            initiative.planned_start = start
            initiative.status = status
            _save(initiative)
            changed += 1
    return changed


def plan_solve(
    *,
    actor: policy.Actor,
    quarters: str,
    scenario: int | None = None,
    apply: bool = False,
    replan_in_progress: bool = False,
    time_limit: float = 60.0,
    bottleneck_time_limit: float = 20.0,
) -> dict[str, Any]:
    """Solve the portfolio built from the database; with `apply`, write the schedule.

    In-progress initiatives keep their planned start unless `replan_in_progress` (see
    `selectors.portfolio_instance`); `fixed` in the result lists them, and `apply` leaves
    them as they are."""
    from steward.strategy.selectors import portfolio_instance

    data = portfolio_instance(
        quarters=quarters, scenario=scenario, replan_in_progress=replan_in_progress
    )
    result = _solve_instance(data, time_limit, bottleneck_time_limit)
    if apply:
        if result["status"] not in ("optimal", "time_limit") or result["objective"] is None:
            raise StrategyError(f"--apply: nothing written, the plan is {result['status']}")
        result["applied"] = plan_apply(
            actor=actor,
            schedule=result["schedule"],
            planned=[i["id"] for i in data["initiatives"]],
        )
    return result


def _solve_instance(
    data: dict[str, Any], time_limit: float, bottleneck_time_limit: float
) -> dict[str, Any]:
    from steward.strategy.optimizer import solve_data

    result = solve_data(data, time_limit=time_limit, bottleneck_time_limit=bottleneck_time_limit)
    return _with_context(result, data)


def _solve_instance_in_worker(
    data: dict[str, Any], seconds: float, time_limit: float, bottleneck_time_limit: float
) -> dict[str, Any]:
    from steward.strategy.solving import solve_in_worker

    result = solve_in_worker(
        data,
        seconds=seconds,
        time_limit=time_limit,
        bottleneck_time_limit=bottleneck_time_limit,
        hint="plan fewer quarters, or run `steward plan solve --quarters ...` on the "
        "command line with a longer --time-limit",
    )
    return _with_context(result, data)


def _with_context(result: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    result["quarters"] = data["quarters"]
    result["fixed"] = data["fixed"]
    result["overcommitted"] = data["overcommitted"]
    return result


PLAN_SOLVER_VERSION = "2"  # part of the fingerprint: a new optimizer invalidates stored plans


def plan_current(
    *,
    quarters: str,
    scenario: int | None = None,
    replan_in_progress: bool = False,
    time_limit: float = 20.0,
    bottleneck_time_limit: float = 5.0,
    deadline: float | None = None,
) -> dict[str, Any]:
    """The plan for these inputs: the stored solution when its inputs are unchanged, else a
    new solve (stored for the next request). Writes nothing else.

    With `deadline` (seconds, what the web paths pass: `solving.live_plan_limits`) the solve
    runs in a worker process killed at that wall-clock limit: TimedOut (422) and nothing is
    stored. Without it the solve runs in this process with HiGHS's own limits only.

    The fingerprint hashes the whole instance (initiatives, capacities after allocations and
    fixed in-progress work, budgets) and the solver settings, so any change recomputes it on
    the first request after it. The result says `stored` (served without solving) and
    `computed_at`.
    """
    import hashlib
    import json

    from django.utils import timezone

    from steward.strategy.models import PlanSolution
    from steward.strategy.selectors import portfolio_instance

    data = portfolio_instance(
        quarters=quarters, scenario=scenario, replan_in_progress=replan_in_progress
    )
    request = f"{quarters}|scenario={scenario or ''}|replan={int(replan_in_progress)}"
    settings = [PLAN_SOLVER_VERSION, time_limit, bottleneck_time_limit]
    fingerprint = hashlib.sha256(
        json.dumps([data, settings], sort_keys=True, default=str).encode()
    ).hexdigest()
    stored = PlanSolution.objects.filter(request=request).first()
    if stored is not None and stored.fingerprint == fingerprint:
        return {**stored.result, "stored": True, "computed_at": stored.computed_at.isoformat()}
    if deadline is None:
        result = _solve_instance(data, time_limit, bottleneck_time_limit)
    else:
        result = _solve_instance_in_worker(data, deadline, time_limit, bottleneck_time_limit)
    now = timezone.now()
    # Derived data (not audited): one row per request, replaced in place.
    updated = PlanSolution.objects.filter(request=request).update(
        fingerprint=fingerprint, result=result, computed_at=now
    )
    if not updated:
        row = PlanSolution(request=request, fingerprint=fingerprint, result=result, computed_at=now)
        PlanSolution.objects.bulk_create([row], ignore_conflicts=True)
    return {**result, "stored": False, "computed_at": now.isoformat()}


@transaction.atomic
def idea_create(
    *,
    actor: policy.Actor,
    title: str,
    hypothesis: str,
    owner: Person | None = None,
    team: Team | None = None,
    timebox_start: date | None = None,
    timebox_end: date | None = None,
    budget: Decimal = Decimal(0),
) -> Idea:
    """Propose an idea or experiment."""
    _require_change(actor, "strategy.idea")
    idea = Idea(
        title=title,
        hypothesis=hypothesis,
        owner=owner,
        team=team,
        timebox_start=timebox_start,
        timebox_end=timebox_end,
        budget=budget,
    )
    _save(idea)
    return idea


@transaction.atomic
def idea_move(*, actor: policy.Actor, idea: Idea, status: str, on: date, outcome: str = "") -> Idea:
    """Move an idea along proposed → experimenting → adopted / dropped."""
    _require_change(actor, "strategy.idea")
    if status not in IDEA_TRANSITIONS.get(idea.status, ()):
        allowed = ", ".join(IDEA_TRANSITIONS.get(idea.status, ())) or "nothing (it is final)"
        raise StrategyError(f"status: {idea.status} cannot become {status} (allowed: {allowed})")
    before = (idea.status, idea.outcome, idea.timebox_start, idea.decided_on)
    idea.status = status
    if outcome:
        idea.outcome = outcome
    if status == "experimenting" and idea.timebox_start is None:
        idea.timebox_start = on
    if status in ("adopted", "dropped"):
        idea.decided_on = on
    try:
        _save(idea)
    except StrategyError:
        idea.status, idea.outcome, idea.timebox_start, idea.decided_on = before
        raise
    return idea


@transaction.atomic
def action_create(
    *,
    actor: policy.Actor,
    title: str,
    source: str,
    created_on: date,
    due_on: date,
    owner: Person | None = None,
    team: Team | None = None,
    source_ref: str = "",
) -> ImprovementAction:
    """Record an improvement action from a retrospective or an incident."""
    _require_change(actor, "strategy.improvementaction")
    action = ImprovementAction(
        title=title,
        source=source,
        source_ref=source_ref,
        owner=owner,
        team=team,
        created_on=created_on,
        due_on=due_on,
    )
    _save(action)
    return action


@transaction.atomic
def action_close(*, actor: policy.Actor, action: ImprovementAction, on: date) -> ImprovementAction:
    """Close an improvement action."""
    _require_change(actor, "strategy.improvementaction")
    action.closed_on = on
    _save(action)
    return action


# --- editing (forms and the write API) ------------------------------------------------------

# Plain names for what goes with a deleted objective, key result or initiative.
DELETION_NAMES = {
    "strategy.keyresult": "key results",
    "strategy.checkin": "check-ins",
    "strategy.teamgoal": "team goals",
    "strategy.initiativeobjective": "links from initiatives (the initiatives stay)",
    "strategy.initiativeeffort": "effort estimates per team",
    "strategy.initiative_depends_on": "dependencies between initiatives",
}


def deletion_preview(obj: Any) -> Any:
    """What deleting `obj` takes with it, in plain names (for the confirmation page)."""
    return deletion_summary(obj, DELETION_NAMES)


def _taken(field: str, message: str) -> StrategyError:
    return StrategyError(f"{field}: {message}", fields={field: [message]})


@transaction.atomic
def objective_create(
    *,
    actor: policy.Actor,
    key: str,
    title: str,
    start: date,
    end: date,
    priority: int = 1,
    description: str = "",
    owner: Person | None = None,
) -> Objective:
    """Create an objective (its key must be new)."""
    _require_change(actor, "strategy.objective")
    if Objective.objects.filter(key=key).exists():
        raise _taken("key", f"objective {key} exists already")
    return objective_upsert(
        actor=actor,
        key=key,
        title=title,
        start=start,
        end=end,
        priority=priority,
        description=description,
        owner=owner,
    )


@transaction.atomic
def objective_update(
    *,
    actor: policy.Actor,
    objective: Objective,
    title: str,
    start: date,
    end: date,
    priority: int,
    description: str = "",
    owner: Person | None = None,
) -> Objective:
    """Change an objective (the key stays)."""
    return objective_upsert(
        actor=actor,
        key=objective.key,
        title=title,
        start=start,
        end=end,
        priority=priority,
        description=description,
        owner=owner,
    )


@transaction.atomic
def objective_delete(*, actor: policy.Actor, objective: Objective) -> None:
    """Delete an objective with its key results, check-ins and team goals; initiatives stay."""
    _require_change(actor, "strategy.objective")
    objective.delete()


@transaction.atomic
def key_result_create(
    *,
    actor: policy.Actor,
    objective: Objective,
    key: str,
    title: str,
    baseline: Decimal,
    target: Decimal,
    current: Decimal,
    metric: str = "",
    unit: str = "",
    confidence: Decimal = Decimal("0.5"),
    on: date | None = None,
) -> KeyResult:
    """Add a key result to an objective (its key must be new there); the first check-in too."""
    _require_change(actor, "strategy.keyresult")
    if KeyResult.objects.filter(objective=objective, key=key).exists():
        raise _taken("key", f"{objective.key} has a key result {key} already")
    return key_result_upsert(
        actor=actor,
        objective=objective,
        key=key,
        title=title,
        baseline=baseline,
        target=target,
        current=current,
        metric=metric,
        unit=unit,
        confidence=confidence,
        on=on,
    )


@transaction.atomic
def key_result_update(
    *,
    actor: policy.Actor,
    key_result: KeyResult,
    title: str,
    baseline: Decimal,
    target: Decimal,
    current: Decimal,
    metric: str = "",
    unit: str = "",
    confidence: Decimal = Decimal("0.5"),
    on: date | None = None,
) -> KeyResult:
    """Change a key result (the key stays); a new current value is kept as a check-in."""
    return key_result_upsert(
        actor=actor,
        objective=key_result.objective,
        key=key_result.key,
        title=title,
        baseline=baseline,
        target=target,
        current=current,
        metric=metric,
        unit=unit,
        confidence=confidence,
        on=on,
    )


@transaction.atomic
def key_result_delete(*, actor: policy.Actor, key_result: KeyResult) -> None:
    """Delete a key result with its check-ins."""
    _require_change(actor, "strategy.keyresult")
    key_result.delete()


@transaction.atomic
def check_in_delete(*, actor: policy.Actor, check_in: CheckIn) -> None:
    """Delete a check-in; the key result's current value follows the latest one left."""
    _require_change(actor, "strategy.keyresult")
    key_result = check_in.key_result
    check_in.delete()
    latest = key_result.check_ins.order_by("-on", "-pk").first()
    if latest is not None and (key_result.current, key_result.confidence) != (
        latest.value,
        latest.confidence,
    ):
        key_result.current = latest.value
        key_result.confidence = latest.confidence
        _save(key_result)


def _check_initiative(
    key: str,
    fields: Mapping[str, Any],
    objectives: Sequence[tuple[Objective, Decimal]] | None,
    depends_on: Sequence[Initiative] | None,
) -> None:
    """The importer's rules: scales, weights that sum to 1, no dependency cycle."""
    problems: dict[str, list[str]] = {}
    for name, scale in rules.SCALES.items():
        if name in fields:
            problem = rules.scale_problem(fields[name], scale)
            if problem:
                problems.setdefault(name, []).append(rules.text(problem))
    if objectives is not None:
        seen = [o.key for o, _ in objectives]
        if len(set(seen)) != len(seen):
            problems.setdefault("objectives", []).append("an objective is linked twice")
        problem = rules.weights_problem([w for _, w in objectives])
        if problem:
            problems.setdefault("weights", []).append(rules.text(problem))
    if depends_on is not None:
        graph = {
            i.key: [d.key for d in i.depends_on.all()]
            for i in Initiative.objects.prefetch_related("depends_on")
        }
        graph[key] = [d.key for d in depends_on]
        problem = rules.cycle_problem(graph)
        if problem:
            problems.setdefault("depends_on", []).append(rules.text(problem))
    if problems:
        text = "; ".join(f"{k}: {' '.join(v)}" for k, v in problems.items())
        raise StrategyError(f"initiative {key}: {text}", fields=problems)


@transaction.atomic
def initiative_save(
    *,
    actor: policy.Actor,
    initiative: Initiative | None,
    key: str,
    title: str,
    fields: Mapping[str, Any],
    objectives: Sequence[tuple[Objective, Decimal]] | None = None,
    efforts: Mapping[Team, Decimal] | None = None,
    depends_on: Sequence[Initiative] | None = None,
) -> Initiative:
    """Create (initiative None, new key) or change an initiative, with the importer's rules."""
    _require_change(actor, "strategy.initiative")
    if initiative is None and Initiative.objects.filter(key=key).exists():
        raise _taken("key", f"initiative {key} exists already")
    if initiative is not None:
        key = initiative.key
    _check_initiative(key, fields, objectives, depends_on)
    return initiative_upsert(
        actor=actor,
        key=key,
        title=title,
        fields=fields,
        objectives=objectives,
        efforts=efforts,
        depends_on=depends_on,
    )


@transaction.atomic
def initiative_delete(*, actor: policy.Actor, initiative: Initiative) -> None:
    """Delete an initiative with its objective links, efforts and dependencies."""
    _require_change(actor, "strategy.initiative")
    initiative.delete()


@transaction.atomic
def idea_update(
    *,
    actor: policy.Actor,
    idea: Idea,
    title: str,
    hypothesis: str,
    owner: Person | None = None,
    team: Team | None = None,
    timebox_start: date | None = None,
    timebox_end: date | None = None,
    budget: Decimal = Decimal(0),
    outcome: str = "",
) -> Idea:
    """Change an idea's description, owner, time box, budget or outcome (status: idea_move)."""
    _require_change(actor, "strategy.idea")
    idea.title = title
    idea.hypothesis = hypothesis
    idea.owner = owner
    idea.team = team
    idea.timebox_start = timebox_start
    idea.timebox_end = timebox_end
    idea.budget = budget
    idea.outcome = outcome
    _save(idea)
    return idea


@transaction.atomic
def idea_delete(*, actor: policy.Actor, idea: Idea) -> None:
    """Delete an idea."""
    _require_change(actor, "strategy.idea")
    idea.delete()


@transaction.atomic
def action_update(
    *,
    actor: policy.Actor,
    action: ImprovementAction,
    title: str,
    source: str,
    created_on: date,
    due_on: date,
    owner: Person | None = None,
    team: Team | None = None,
    source_ref: str = "",
    closed_on: date | None = None,
) -> ImprovementAction:
    """Change an improvement action (closing it too)."""
    _require_change(actor, "strategy.improvementaction")
    action.title = title
    action.source = source
    action.source_ref = source_ref
    action.owner = owner
    action.team = team
    action.created_on = created_on
    action.due_on = due_on
    action.closed_on = closed_on
    _save(action)
    return action


@transaction.atomic
def action_delete(*, actor: policy.Actor, action: ImprovementAction) -> None:
    """Delete an improvement action."""
    _require_change(actor, "strategy.improvementaction")
    action.delete()


@transaction.atomic
def initiative_from_debt(*, actor: policy.Actor, item_id: int) -> Initiative:
    """Turn a tech-debt item (architecture) into an initiative in one action, keeping the link.

    The initiative gets the item's title, description, owner team and WSJF inputs; the debt
    item records the initiative's key (through architecture's service: architecture sits below
    strategy and never imports it).
    """
    from steward.architecture import selectors as architecture_selectors
    from steward.architecture import services as architecture_services

    _require_change(actor, "strategy.initiative")
    item = architecture_selectors.debt_get(actor=actor, pk=item_id)
    if item is None:
        raise StrategyError(f"no tech-debt item {item_id}")
    if item.initiative_key:
        raise StrategyError(f"tech-debt item {item_id} is already initiative {item.initiative_key}")
    key = f"debt-{item.pk}"
    suffix = 1
    while Initiative.objects.filter(key=key).exists():
        suffix += 1
        key = f"debt-{item.pk}-{suffix}"
    description = item.description
    description += f"\n\nFrom tech-debt item {item.pk}: {item.title}.".lstrip()
    initiative = initiative_save(
        actor=actor,
        initiative=None,
        key=key,
        title=item.title,
        fields={
            "description": description.strip(),
            "owner_team": item.owner_team,
            "value": item.business_value,
            "time_criticality": item.time_criticality,
            "risk_reduction": item.risk_reduction,
            "job_size": item.job_size,
        },
    )
    architecture_services.debt_mark_converted(actor=actor, item=item, initiative_key=key)
    return initiative


def initiative_link_decisions(
    *, actor: policy.Actor, initiative: Initiative, decisions: list[Any]
) -> Initiative:
    """Link an initiative to exactly these architecture decisions. The link is stored by
    architecture (keyed by the initiative's key, which architecture can show without importing
    strategy); strategy editors make it here."""
    from steward.architecture import services as architecture_services

    _require_change(actor, "strategy.initiative")
    architecture_services.initiative_set_decisions(
        actor=actor, initiative_key=initiative.key, decisions=decisions
    )
    return initiative
