"""The portfolio optimizer: which initiative starts in which quarter, as an exact MILP (HiGHS).

Plain data in, plain data out; no Django. The model is CONTRACT.md "Portfolio instance":
binary x[i, s] = initiative i starts in quarter s; at most one start per initiative (exactly one
when mandatory); the start window respects `earliest`, `duration`, `deadline` and the last
quarter; a dependency A of B must be scheduled and end before B starts; each scheduled
initiative consumes `effort[team] / duration` person-weeks of each team and `cost / duration`
of budget in every quarter it runs; maximize Σ value × (1 − discount)^k over scheduled
initiatives, k the index of the start quarter.
"""

from __future__ import annotations

import math
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import highspy
import numpy as np

from steward.core.errors import BadInput

QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
EPS = 1e-6
PERSON_QUARTER = 13.0  # person-weeks of one full-time person in a quarter


class InvalidInstance(BadInput):
    """A portfolio instance that does not follow the contract; names the offending field."""

    def __init__(self, field_path: str, message: str, hint: str = "") -> None:
        self.field = field_path
        text = f"{field_path}: {message}"
        if hint:
            text += f" (fix: {hint})"
        super().__init__(text)


@dataclass(frozen=True)
class Team:
    """A team and its capacity in person-weeks per quarter."""

    id: str
    capacity: Mapping[str, float]


@dataclass(frozen=True)
class Initiative:
    """One candidate initiative of the portfolio."""

    id: str
    value: float
    effort: Mapping[str, float] = field(default_factory=dict)
    cost: float = 0.0
    duration: int = 1
    depends_on: tuple[str, ...] = ()
    mandatory: bool = False
    earliest: str | None = None
    deadline: str | None = None


@dataclass(frozen=True)
class Instance:
    """A validated portfolio instance."""

    quarters: tuple[str, ...]
    teams: tuple[Team, ...]
    initiatives: tuple[Initiative, ...]
    budget: Mapping[str, float] | None = None
    discount_per_quarter: float = 0.0


# --- parsing and validation -------------------------------------------------------------------


def quarter_ordinal(text: str) -> int:
    """2027Q1 -> 4 * 2027 + 0; raises ValueError on anything else."""
    match = QUARTER.match(text)
    if not match:
        raise ValueError(text)
    return int(match.group(1)) * 4 + int(match.group(2)) - 1


def quarter_from_ordinal(ordinal: int) -> str:
    """The inverse of `quarter_ordinal`."""
    return f"{ordinal // 4}Q{ordinal % 4 + 1}"


def _number(value: Any, path: str, *, minimum: float | None = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInstance(path, f"expected a number, got {value!r}")
    if minimum is not None and value < minimum:
        what = "negative" if minimum == 0 else f"below {minimum}"
        raise InvalidInstance(path, f"{what} value {value}", f"give a number ≥ {minimum:g}")
    return float(value)


def _quarter(value: Any, path: str) -> str:
    if not isinstance(value, str) or not QUARTER.match(value):
        raise InvalidInstance(path, f"malformed quarter {value!r}", "write quarters as 2027Q1")
    return value


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInstance(path, f"expected an object, got {type(value).__name__}")
    return value


def _per_quarter(value: Any, path: str, quarters: Sequence[str]) -> dict[str, float]:
    data = _mapping(value, path)
    for key in data:
        _quarter(key, f"{path}.{key}")
        if key not in quarters:
            raise InvalidInstance(
                f"{path}.{key}", "quarter is not in `quarters`", f"use one of {', '.join(quarters)}"
            )
    missing = [q for q in quarters if q not in data]
    if missing:
        raise InvalidInstance(
            path, f"missing quarter(s) {', '.join(missing)}", "give a value for every quarter"
        )
    return {q: _number(data[q], f"{path}.{q}") for q in quarters}


def _parse_quarters(root: Mapping[str, Any]) -> tuple[str, ...]:
    raw_quarters = root.get("quarters")
    if not isinstance(raw_quarters, list) or not raw_quarters:
        raise InvalidInstance("quarters", "expected a non-empty list of quarters like 2027Q1")
    quarters = tuple(_quarter(q, f"quarters[{n}]") for n, q in enumerate(raw_quarters))
    ordinals = [quarter_ordinal(q) for q in quarters]
    for n in range(1, len(ordinals)):
        if ordinals[n] != ordinals[n - 1] + 1:
            raise InvalidInstance(
                f"quarters[{n}]",
                f"{quarters[n]} does not follow {quarters[n - 1]}",
                "list consecutive quarters in order",
            )
    return quarters


def _parse_teams(root: Mapping[str, Any], quarters: Sequence[str]) -> list[Team]:
    raw_teams = root.get("teams", [])
    if not isinstance(raw_teams, list):
        raise InvalidInstance("teams", "expected a list of teams")
    teams: list[Team] = []
    seen_teams: set[str] = set()
    for n, raw in enumerate(raw_teams):
        entry = _mapping(raw, f"teams[{n}]")
        team_id = entry.get("id")
        if not isinstance(team_id, str) or not team_id:
            raise InvalidInstance(f"teams[{n}].id", "expected a non-empty string")
        if team_id in seen_teams:
            raise InvalidInstance(f"teams[{n}].id", f"duplicate team {team_id!r}")
        seen_teams.add(team_id)
        capacity = _per_quarter(entry.get("capacity"), f"teams[{n}].capacity", quarters)
        teams.append(Team(id=team_id, capacity=capacity))
    return teams


def _parse_effort(entry: Mapping[str, Any], path: str, team_ids: set[str]) -> dict[str, float]:
    effort_raw = _mapping(entry.get("effort", {}) or {}, f"{path}.effort")
    effort: dict[str, float] = {}
    for team_id, weeks in effort_raw.items():
        if team_id not in team_ids:
            raise InvalidInstance(
                f"{path}.effort.{team_id}",
                f"unknown team {team_id!r}",
                f"use one of the ids in `teams`: {', '.join(sorted(team_ids)) or 'none'}",
            )
        effort[team_id] = _number(weeks, f"{path}.effort.{team_id}")
    return effort


def _parse_initiative(
    entry: Mapping[str, Any], item_id: str, path: str, team_ids: set[str]
) -> Initiative:
    """One initiative whose id is already checked; `path` names it in errors."""
    if "value" not in entry:
        raise InvalidInstance(f"{path}.value", "missing")
    value = _number(entry["value"], f"{path}.value")
    effort = _parse_effort(entry, path, team_ids)
    cost = _number(entry.get("cost", 0) or 0, f"{path}.cost")
    duration = entry.get("duration", 1)
    if isinstance(duration, bool) or not isinstance(duration, int) or duration < 1:
        raise InvalidInstance(
            f"{path}.duration", f"expected a whole number of quarters ≥ 1, got {duration!r}"
        )
    depends = entry.get("depends_on", []) or []
    if not isinstance(depends, list) or not all(isinstance(d, str) for d in depends):
        raise InvalidInstance(f"{path}.depends_on", "expected a list of initiative ids")
    mandatory = entry.get("mandatory", False)
    if not isinstance(mandatory, bool):
        raise InvalidInstance(f"{path}.mandatory", f"expected true or false, got {mandatory!r}")
    earliest = entry.get("earliest")
    deadline = entry.get("deadline")
    if earliest is not None:
        _quarter(earliest, f"{path}.earliest")
    if deadline is not None:
        _quarter(deadline, f"{path}.deadline")
    return Initiative(
        id=item_id,
        value=value,
        effort=effort,
        cost=cost,
        duration=duration,
        depends_on=tuple(dict.fromkeys(depends)),
        mandatory=mandatory,
        earliest=earliest,
        deadline=deadline,
    )


def _parse_initiatives(
    root: Mapping[str, Any], team_ids: set[str]
) -> tuple[list[Initiative], dict[str, int]]:
    """The initiatives and the position of each id in the list."""
    raw_items = root.get("initiatives", [])
    if not isinstance(raw_items, list):
        raise InvalidInstance("initiatives", "expected a list of initiatives")
    items: list[Initiative] = []
    seen_items: dict[str, int] = {}
    for n, raw in enumerate(raw_items):
        entry = _mapping(raw, f"initiatives[{n}]")
        item_id = entry.get("id")
        if not isinstance(item_id, str) or not item_id:
            raise InvalidInstance(f"initiatives[{n}].id", "expected a non-empty string")
        if item_id in seen_items:
            raise InvalidInstance(f"initiatives[{n}].id", f"duplicate initiative {item_id!r}")
        seen_items[item_id] = n
        items.append(_parse_initiative(entry, item_id, f"initiatives[{n}] ({item_id})", team_ids))
    return items, seen_items


def _check_dependencies(items: list[Initiative], seen_items: dict[str, int]) -> None:
    for n, item in enumerate(items):
        for dep in item.depends_on:
            if dep not in seen_items:
                raise InvalidInstance(
                    f"initiatives[{n}] ({item.id}).depends_on", f"unknown initiative {dep!r}"
                )
            if dep == item.id:
                raise InvalidInstance(
                    f"initiatives[{n}] ({item.id}).depends_on", "an initiative depends on itself"
                )
    cycle = find_cycle({i.id: i.depends_on for i in items})
    if cycle:
        first = seen_items[cycle[0]]
        raise InvalidInstance(
            f"initiatives[{first}] ({cycle[0]}).depends_on",
            "dependency cycle " + " -> ".join([*cycle, cycle[0]]),
            "remove one of these dependencies",
        )


def parse_instance(data: Any) -> Instance:
    """Validate a portfolio instance (CONTRACT.md); InvalidInstance names the bad field."""
    root = _mapping(data, "instance")
    quarters = _parse_quarters(root)
    discount = _number(root.get("discount_per_quarter", 0.0), "discount_per_quarter")
    if discount >= 1:
        raise InvalidInstance("discount_per_quarter", f"{discount} is not below 1", "use 0 ≤ d < 1")
    teams = _parse_teams(root, quarters)
    raw_budget = root.get("budget")
    budget = None if raw_budget is None else _per_quarter(raw_budget, "budget", quarters)
    items, seen_items = _parse_initiatives(root, {t.id for t in teams})
    _check_dependencies(items, seen_items)
    return Instance(
        quarters=quarters,
        teams=tuple(teams),
        initiatives=tuple(items),
        budget=budget,
        discount_per_quarter=discount,
    )


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """One cycle of `graph` (node -> nodes it depends on) as a list of nodes, or []."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for root in graph:
        if state.get(root):
            continue
        stack: list[tuple[str, list[str]]] = [(root, list(graph.get(root, ())))]
        path = [root]
        state[root] = 1
        while stack:
            node, todo = stack[-1]
            if not todo:
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            nxt = todo.pop()
            if state.get(nxt) == 1:
                return path[path.index(nxt) :]
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, list(graph.get(nxt, ()))))
    return []


# --- the model ----------------------------------------------------------------------------


def allowed_starts(instance: Instance, item: Initiative) -> list[int]:
    """Indices of the quarters `item` may start in (earliest, duration, deadline, last quarter)."""
    first = quarter_ordinal(instance.quarters[0])
    last_index = len(instance.quarters) - 1
    lo = 0 if item.earliest is None else max(0, quarter_ordinal(item.earliest) - first)
    end_limit = last_index
    if item.deadline is not None:
        end_limit = min(end_limit, quarter_ordinal(item.deadline) - first)
    hi = end_limit - item.duration + 1
    return list(range(lo, hi + 1)) if hi >= lo else []


def window_problem(instance: Instance, item: Initiative) -> str:
    """Why `item` has no start quarter at all (for messages)."""
    text = f"it runs {item.duration} quarter{'s' if item.duration > 1 else ''}"
    if item.earliest is not None:
        text += f", starts no earlier than {item.earliest}"
    last = instance.quarters[-1]
    if item.deadline is not None and quarter_ordinal(item.deadline) < quarter_ordinal(last):
        return text + f" and must end by its deadline {item.deadline}"
    return text + f" and must end by the last planned quarter {last}"


_BANNER_SHOWN = False


def _new_highs() -> highspy.Highs:
    """A quiet HiGHS instance (its one-time banner would corrupt `--json` output on stdout)."""
    global _BANNER_SHOWN
    if not _BANNER_SHOWN:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN = True
    else:
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


@dataclass
class _Model:
    """The MILP of an instance, with the indices needed to read and modify it."""

    instance: Instance
    highs: highspy.Highs
    columns: list[tuple[int, int]]  # column -> (initiative index, start index)
    capacity_rows: dict[tuple[str, int], int]  # (team, quarter index) -> row
    capacity_usage: dict[tuple[str, int], list[tuple[int, float]]]  # -> [(column, coefficient)]
    objective_coefficients: np.ndarray


Starts = dict[int, list[tuple[int, int]]]  # initiative index -> [(start quarter, column)]


def _columns(
    instance: Instance, items: Sequence[Initiative]
) -> tuple[list[tuple[int, int]], Starts, list[float]]:
    """One binary column per (initiative, allowed start), with its discounted value."""
    discount = instance.discount_per_quarter
    columns: list[tuple[int, int]] = []
    starts: Starts = {}
    costs: list[float] = []
    for n, item in enumerate(items):
        starts[n] = []
        for s in allowed_starts(instance, item):
            starts[n].append((s, len(columns)))
            columns.append((n, s))
            costs.append(item.value * (1.0 - discount) ** s)
    return columns, starts, costs


@dataclass
class _Rows:
    """Constraint rows in HiGHS's compressed row form."""

    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    index: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)

    def add(self, entries: Sequence[tuple[int, float]], lo: float, hi: float) -> int:
        self.starts.append(len(self.index))
        for col, coef in entries:
            self.index.append(col)
            self.value.append(coef)
        self.lo.append(lo)
        self.hi.append(hi)
        return len(self.lo) - 1


def _add_choice_rows(rows: _Rows, items: Sequence[Initiative], starts: Starts) -> None:
    """At most one start; exactly one for a mandatory initiative."""
    for n, item in enumerate(items):
        entries = [(col, 1.0) for _, col in starts[n]]
        rows.add(entries, 1.0 if item.mandatory else -highspy.kHighsInf, 1.0)


def _add_dependency_rows(rows: _Rows, items: Sequence[Initiative], starts: Starts) -> None:
    """By each start quarter q of B, the starts of B up to q are covered by the starts of A that
    end before q (a cumulative form, tighter than one row per start)."""
    index_of = {item.id: n for n, item in enumerate(items)}
    for n, item in enumerate(items):
        for dep in item.depends_on:
            if dep not in index_of:
                continue
            a = index_of[dep]
            d_a = items[a].duration
            for q, _ in starts[n]:
                entries = [(col, 1.0) for s, col in starts[n] if s <= q]
                entries += [(col, -1.0) for t, col in starts[a] if t + d_a <= q]
                rows.add(entries, -highspy.kHighsInf, 0.0)


def _running_in(
    items: Sequence[Initiative], starts: Starts, q: int, per_item: Callable[[Initiative], float]
) -> list[tuple[int, float]]:
    """(column, per-quarter amount) of every start that has its initiative running in quarter
    `q`, for initiatives with a positive total amount `per_item`."""
    entries = []
    for n, item in enumerate(items):
        total = per_item(item)
        if total <= 0:
            continue
        for s, col in starts[n]:
            if s <= q < s + item.duration:
                entries.append((col, total / item.duration))
    return entries


def _effort_of(team_id: str) -> Callable[[Initiative], float]:
    return lambda item: item.effort.get(team_id, 0.0)


def _add_capacity_rows(
    rows: _Rows,
    instance: Instance,
    items: Sequence[Initiative],
    starts: Starts,
    constrained: Callable[[str], bool],
) -> tuple[dict[tuple[str, int], int], dict[tuple[str, int], list[tuple[int, float]]]]:
    """Team capacity per quarter: the usage of every team, and a row for the constrained ones."""
    capacity_rows: dict[tuple[str, int], int] = {}
    capacity_usage: dict[tuple[str, int], list[tuple[int, float]]] = {}
    for team in instance.teams:
        for q in range(len(instance.quarters)):
            entries = _running_in(items, starts, q, _effort_of(team.id))
            if not entries:
                continue
            capacity_usage[(team.id, q)] = entries
            if constrained(team.id):
                limit = team.capacity[instance.quarters[q]]
                capacity_rows[(team.id, q)] = rows.add(entries, -highspy.kHighsInf, limit)
    return capacity_rows, capacity_usage


def _add_budget_rows(
    rows: _Rows, instance: Instance, items: Sequence[Initiative], starts: Starts
) -> None:
    """Budget per quarter (when the instance has one)."""
    if instance.budget is None:
        return
    for q, quarter in enumerate(instance.quarters):
        entries = _running_in(items, starts, q, lambda i: i.cost)
        if entries:
            rows.add(entries, -highspy.kHighsInf, instance.budget[quarter])


def _highs_model(costs: list[float], rows: _Rows, *, integral: bool) -> highspy.Highs:
    """A maximizing HiGHS model with one [0, 1] column per cost and the given rows."""
    h = _new_highs()
    h.setOptionValue("mip_rel_gap", 0.0)
    n_cols = len(costs)
    if n_cols:
        h.addCols(
            n_cols,
            np.array(costs, dtype=np.float64),
            np.zeros(n_cols),
            np.ones(n_cols),
            0,
            np.array([], dtype=np.int32),
            np.array([], dtype=np.int32),
            np.array([], dtype=np.float64),
        )
        if integral:
            h.changeColsIntegrality(
                n_cols,
                np.arange(n_cols, dtype=np.int32),
                np.full(n_cols, 1, dtype=np.uint8),
            )
    if rows.lo and n_cols:
        h.addRows(
            len(rows.lo),
            np.array(rows.lo, dtype=np.float64),
            np.array(rows.hi, dtype=np.float64),
            len(rows.index),
            np.array(rows.starts, dtype=np.int32),
            np.array(rows.index, dtype=np.int32),
            np.array(rows.value, dtype=np.float64),
        )
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


def _build(
    instance: Instance,
    *,
    integral: bool = True,
    use_capacity: bool = True,
    use_budget: bool = True,
    relax_teams: frozenset[str] = frozenset(),
    only: frozenset[str] | None = None,
) -> _Model:
    """Build the MILP (or its LP relaxation); `only` keeps a subset of the initiatives."""
    items = [i for i in instance.initiatives if only is None or i.id in only]
    columns, starts, costs = _columns(instance, items)
    rows = _Rows()
    _add_choice_rows(rows, items, starts)
    _add_dependency_rows(rows, items, starts)
    capacity_rows, capacity_usage = _add_capacity_rows(
        rows, instance, items, starts, lambda team: use_capacity and team not in relax_teams
    )
    if use_budget:
        _add_budget_rows(rows, instance, items, starts)
    return _Model(
        instance=replace(instance, initiatives=tuple(items)),
        highs=_highs_model(costs, rows, integral=integral),
        columns=columns,
        capacity_rows=capacity_rows,
        capacity_usage=capacity_usage,
        objective_coefficients=np.array(costs, dtype=np.float64),
    )


@dataclass
class _Run:
    status: str  # optimal | infeasible | time_limit | error
    objective: float | None
    gap: float | None
    values: np.ndarray | None
    seconds: float


def _run(model: _Model, *, time_limit: float, warm: np.ndarray | None = None) -> _Run:
    """Solve `model` (MIP or LP) and read status, objective, gap and the column values."""
    h = model.highs
    started = time.perf_counter()
    if not model.columns:
        mandatory = [i for i in model.instance.initiatives if i.mandatory]
        status = "infeasible" if mandatory else "optimal"
        return _Run(status, None if mandatory else 0.0, 0.0, np.zeros(0), 0.0)
    h.setOptionValue("time_limit", max(0.01, float(time_limit)))
    if warm is not None:
        h.setSolution(
            len(model.columns), np.arange(len(model.columns), dtype=np.int32), warm.astype(float)
        )
    h.run()
    seconds = time.perf_counter() - started
    model_status = h.getModelStatus()
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = np.array(h.getSolution().col_value) if has_solution else None
    objective = float(info.objective_function_value) if has_solution else None
    if model_status == highspy.HighsModelStatus.kOptimal:
        return _Run("optimal", objective, 0.0, values, seconds)
    if model_status == highspy.HighsModelStatus.kInfeasible:
        return _Run("infeasible", None, None, None, seconds)
    if model_status in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt):
        gap = float(info.mip_gap) if has_solution and math.isfinite(info.mip_gap) else None
        return _Run("time_limit", objective, gap, values, seconds)
    return _Run("error", objective, None, values, seconds)


# --- explaining infeasibility -------------------------------------------------------------


def _closure(instance: Instance, ids: Iterable[str]) -> list[str]:
    """`ids` and everything they depend on, transitively, in instance order."""
    by_id = {i.id: i for i in instance.initiatives}
    found: set[str] = set()
    stack = list(ids)
    while stack:
        node = stack.pop()
        if node in found:
            continue
        found.add(node)
        stack.extend(by_id[node].depends_on)
    return [i.id for i in instance.initiatives if i.id in found]


def _feasible(instance: Instance, keep: Iterable[str], time_limit: float, **kwargs: Any) -> bool:
    """Whether the mandatory items among `keep` (with their dependencies) can all be scheduled."""
    model = _build(instance, only=frozenset(keep), **kwargs)
    # Only feasibility matters here: a zero objective makes HiGHS stop at the first solution.
    model.highs.changeColsCost(
        len(model.columns),
        np.arange(len(model.columns), dtype=np.int32),
        np.zeros(len(model.columns)),
    )
    return _run(model, time_limit=time_limit).status != "infeasible"


def _resource_cause(instance: Instance, keep: list[str], time_limit: float) -> str:
    """Name what blocks the mandatory items of `keep`: timing, budget or which teams' capacity."""
    if not _feasible(instance, keep, time_limit, use_capacity=False, use_budget=False):
        return "timing"
    teams = sorted(
        {
            team
            for item in instance.initiatives
            if item.id in keep
            for team, w in item.effort.items()
            if w > 0
        }
    )
    if not _feasible(instance, keep, time_limit, use_capacity=False):
        return "budget"
    if _feasible(instance, keep, time_limit, use_budget=False):
        return "capacity and budget together"
    blocking = [
        t
        for t in teams
        if _feasible(instance, keep, time_limit, use_budget=False, relax_teams=frozenset({t}))
    ]
    if blocking:
        return "capacity of team " + ", ".join(blocking)
    return "capacity of teams " + ", ".join(teams)


def _window_reason(instance: Instance, mandatory: list[str]) -> str | None:
    """A mandatory initiative, or one it depends on, that has no start quarter at all."""
    by_id = {i.id: i for i in instance.initiatives}
    for m in mandatory:
        item = by_id[m]
        if not allowed_starts(instance, item):
            return f"mandatory initiative {m} cannot be scheduled: {window_problem(instance, item)}"
    for m in mandatory:
        for dep in _closure(instance, [m]):
            if dep != m and not allowed_starts(instance, by_id[dep]):
                return (
                    f"mandatory initiative {m} depends on {dep}, which cannot be scheduled: "
                    f"{window_problem(instance, by_id[dep])}"
                )
    return None


def _forced(instance: Instance, keep: Iterable[str]) -> Instance:
    """`instance` with every initiative in `keep` made mandatory."""
    keep = set(keep)
    return replace(
        instance,
        initiatives=tuple(
            replace(i, mandatory=True) if i.id in keep else i for i in instance.initiatives
        ),
    )


def _single_reason(instance: Instance, m: str, time_limit: float) -> str | None:
    """Why mandatory initiative `m` with its dependencies does not fit on its own (or None)."""
    keep = _closure(instance, [m])
    forced = _forced(instance, keep)
    if _feasible(forced, keep, time_limit):
        return None
    cause = _resource_cause(forced, keep, time_limit)
    deps = [k for k in keep if k != m]
    after = f" after its dependencies {', '.join(deps)}" if deps else ""
    if cause == "timing":
        item = next(i for i in instance.initiatives if i.id == m)
        limit = item.deadline or instance.quarters[-1]
        return f"mandatory initiative {m} cannot finish by {limit}{after}"
    subject = f"mandatory initiative {m}" + (" with its dependencies" if deps else "")
    return f"{subject} exceeds the {cause}"


def _conflict_reason(instance: Instance, mandatory: list[str], time_limit: float) -> str:
    """Each mandatory initiative fits alone: a small set of them that does not fit together."""
    forced = _forced(instance, _closure(instance, mandatory))
    chosen: list[str] = []
    for m in mandatory:
        chosen.append(m)
        if not _feasible(forced, _closure(instance, chosen), time_limit):
            break
    else:
        return "the mandatory initiatives cannot all be scheduled (no smaller conflict isolated)"
    for m in list(chosen):
        trial = [c for c in chosen if c != m]
        if trial and not _feasible(forced, _closure(instance, trial), time_limit):
            chosen = trial
    cause = _resource_cause(forced, _closure(instance, chosen), time_limit)
    return (
        f"mandatory initiatives {', '.join(chosen)} cannot all be scheduled together: "
        f"they exceed the {cause}"
        if cause != "timing"
        else f"mandatory initiatives {', '.join(chosen)} cannot all be scheduled together in time"
    )


def explain_infeasible(instance: Instance, *, time_limit: float = 10.0) -> str:
    """A sentence saying which mandatory initiative or deadline cannot be met, and why."""
    mandatory = [i.id for i in instance.initiatives if i.mandatory]
    window = _window_reason(instance, mandatory)
    if window is not None:
        return window
    for m in mandatory:
        single = _single_reason(instance, m, time_limit)
        if single is not None:
            return single
    return _conflict_reason(instance, mandatory, time_limit)


# --- solving ----------------------------------------------------------------------------------


def _schedule(model: _Model, values: np.ndarray) -> dict[str, int]:
    chosen: dict[str, int] = {}
    for col, (n, s) in enumerate(model.columns):
        if values[col] > 0.5:
            chosen[model.instance.initiatives[n].id] = s
    return chosen


def _usage(model: _Model, values: np.ndarray, key: tuple[str, int]) -> float:
    return float(sum(coef * values[col] for col, coef in model.capacity_usage.get(key, [])))


def solve(
    instance: Instance,
    *,
    time_limit: float = 60.0,
    bottlenecks: bool = True,
    bottleneck_time_limit: float = 20.0,
) -> dict[str, Any]:
    """Solve `instance`; the result has CONTRACT.md's output shape plus diagnostic keys."""
    started = time.perf_counter()
    model = _build(instance)
    result = _run(model, time_limit=time_limit)
    ids = [i.id for i in instance.initiatives]
    base: dict[str, Any] = {
        "status": result.status,
        "objective": None,
        "schedule": {},
        "unscheduled": ids,
        "bottlenecks": [],
        "mip_gap": result.gap,
        "solve_seconds": round(result.seconds, 4),
        "unschedulable": {
            i.id: window_problem(instance, i)
            for i in instance.initiatives
            if not allowed_starts(instance, i)
        },
    }
    if result.status == "infeasible":
        base["reason"] = explain_infeasible(instance)
        base["seconds"] = round(time.perf_counter() - started, 4)
        return base
    if result.values is None:
        base["reason"] = "no feasible schedule found within the time limit"
        base["seconds"] = round(time.perf_counter() - started, 4)
        return base
    values = np.round(result.values)
    starts = _schedule(model, values)
    objective = float(model.objective_coefficients @ values) if len(values) else 0.0
    base["objective"] = round(objective, 6)
    base["schedule"] = {i: instance.quarters[starts[i]] for i in ids if i in starts}
    base["unscheduled"] = [i for i in ids if i not in starts]
    if result.status == "optimal":
        base["mip_gap"] = 0.0
    if bottlenecks:
        base["bottlenecks"] = _bottlenecks(
            instance, model, values, objective, time_limit=bottleneck_time_limit
        )
    base["seconds"] = round(time.perf_counter() - started, 4)
    return base


def _bottlenecks(
    instance: Instance,
    model: _Model,
    values: np.ndarray,
    objective: float,
    *,
    time_limit: float,
) -> list[dict[str, Any]]:
    """Team-quarters whose capacity binds, each with the exact value of 13 more person-weeks.

    A team-quarter binds when some initiative that could run there would not fit in what is
    left (its per-quarter load exceeds the slack). Its value is the optimum with that capacity
    raised by 13 person-weeks minus the current optimum, found without a re-solve per
    team-quarter where a bound proves it is 0 (see `_Pricing`); `unlocks` names the initiatives
    the raised optimum schedules that the current one does not. When the time runs out, a value
    is a lower bound (`marginal_is_lower_bound`) or None (not computed).
    """
    capacity = {t.id: t.capacity for t in instance.teams}
    candidates: list[tuple[str, int, float, float]] = []
    for (team, q), entries in model.capacity_usage.items():
        cap = capacity[team][instance.quarters[q]]
        used = _usage(model, values, (team, q))
        slack = cap - used
        largest = max(coef for _, coef in entries)
        if largest > slack + EPS:
            candidates.append((team, q, used, cap))
    if not candidates:
        return []
    candidates.sort(key=lambda c: (c[3] - c[2], c[0], c[1]))  # tightest first
    pricing = _Pricing(model, values, objective, time.perf_counter() + time_limit)
    prices = pricing.price([(team, q) for team, q, _, _ in candidates])
    out: list[dict[str, Any]] = []
    for team, q, used, cap in candidates:
        price = prices[(team, q)]
        entry: dict[str, Any] = {
            "team": team,
            "quarter": instance.quarters[q],
            "used": round(used, 6),
            "capacity": round(cap, 6),
            "marginal_value_of_13_person_weeks": (
                None if price.value is None else round(price.value, 6)
            ),
            "unlocks": price.unlocks,
        }
        if not price.exact and price.value is not None:
            entry["marginal_is_lower_bound"] = True
        out.append(entry)
    out.sort(
        key=lambda e: (
            -(e["marginal_value_of_13_person_weeks"] or 0.0),
            e["team"],
            e["quarter"],
        )
    )
    return out


@dataclass
class _Price:
    value: float | None  # None: not computed (time ran out)
    exact: bool = True
    unlocks: list[str] = field(default_factory=list)


class _Pricing:
    """Exact values of 13 more person-weeks for a set of team-quarters, with few MIP solves.

    The pricing works on its own copy of the model with one extra row, "objective ≥ current
    optimum + step", `step` the smallest possible improvement (the granularity of the objective
    coefficients when they are multiples of one number, else a relative 1e-6). With that row
    active and a zero objective, a solve only asks "is any schedule better?", which HiGHS
    usually refutes at the root node by propagation. The optimum never falls when a capacity
    rises, so:
    1. all team-quarters are raised together by 13 person-weeks: if no better schedule exists,
       every value is 0 (one solve for the whole set); otherwise the group is halved and each
       half tested the same way;
    2. a team-quarter left alone that admits a better schedule is priced by maximizing with
       only its capacity raised (the model is modified in place and restored).
    Every step is exact; the time limit turns an unfinished value into a lower bound or None.
    """

    def __init__(
        self, model: _Model, values: np.ndarray, objective: float, deadline: float
    ) -> None:
        self.objective = objective
        self.deadline = deadline
        self.prices: dict[tuple[str, int], _Price] = {}
        self.model = _build(model.instance)
        self.values = values
        self.base = set(_schedule(self.model, values))
        costs = self.model.objective_coefficients
        self.columns = np.arange(len(costs), dtype=np.int32)
        self.step = _objective_step(costs, objective)
        self.cut_row = self.model.highs.getNumRow()
        self.model.highs.addRow(
            -highspy.kHighsInf, highspy.kHighsInf, len(costs), self.columns, costs
        )
        capacity = {t.id: t.capacity for t in model.instance.teams}
        self.capacity = {
            key: capacity[key[0]][model.instance.quarters[key[1]]] for key in model.capacity_rows
        }

    def _left(self) -> float:
        return self.deadline - time.perf_counter()

    def _raise(self, keys: Sequence[tuple[str, int]], by: float) -> None:
        for key in keys:
            row = self.model.capacity_rows[key]
            self.model.highs.changeRowBounds(row, -highspy.kHighsInf, self.capacity[key] + by)

    def _better_exists(self) -> bool | None:
        """Whether a schedule beats the optimum by `step` (None: not decided in time)."""
        h = self.model.highs
        h.changeColsCost(len(self.columns), self.columns, np.zeros(len(self.columns)))
        h.changeRowBounds(self.cut_row, self.objective + self.step, highspy.kHighsInf)
        try:
            run = _run(self.model, time_limit=self._left())
        finally:
            h.changeRowBounds(self.cut_row, -highspy.kHighsInf, highspy.kHighsInf)
            h.changeColsCost(len(self.columns), self.columns, self.model.objective_coefficients)
        if run.status == "infeasible":
            return False
        return True if run.values is not None else None

    def price(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], _Price]:
        """Price every team-quarter of `keys` (each a capacity row of the model)."""
        if keys:
            self._group(keys)
        return self.prices

    def _group(self, keys: list[tuple[str, int]]) -> None:
        if self._left() <= 0:
            for key in keys:
                self.prices[key] = _Price(None, exact=False)
            return
        self._raise(keys, PERSON_QUARTER)
        try:
            better = self._better_exists()
        finally:
            self._raise(keys, 0.0)
        if better is False:
            for key in keys:
                self.prices[key] = _Price(0.0)
            return
        if len(keys) > 1:
            middle = len(keys) // 2
            self._group(keys[:middle])
            self._group(keys[middle:])
            return
        if better is None:
            self.prices[keys[0]] = _Price(None, exact=False)
            return
        self._raise(keys, PERSON_QUARTER)
        try:
            again = _run(self.model, time_limit=self._left(), warm=self.values)
        finally:
            self._raise(keys, 0.0)
        if again.values is None:
            self.prices[keys[0]] = _Price(None, exact=False)
            return
        rounded = np.round(again.values)
        gain = float(self.model.objective_coefficients @ rounded) - self.objective
        self.prices[keys[0]] = _Price(
            max(0.0, gain), exact=again.status == "optimal", unlocks=self._unlocks(rounded)
        )

    def _unlocks(self, values: np.ndarray) -> list[str]:
        return sorted(set(_schedule(self.model, values)) - self.base)


def _objective_step(costs: np.ndarray, objective: float) -> float:
    """The smallest amount by which a schedule can beat `objective`.

    When every coefficient is a whole multiple of 1/k for a small k (values without a
    discount), objectives are multiples of their greatest common divisor g / k, so a better
    schedule is better by at least that (less a rounding margin); otherwise 1e-6 relative.
    """
    margin = 1e-6 * max(1.0, abs(objective))
    nonzero = costs[np.abs(costs) > EPS]
    if len(nonzero) == 0:
        return margin
    for k in (1, 2, 4, 5, 10, 100):
        scaled = nonzero * k
        whole = np.round(scaled)
        if np.all(np.abs(scaled - whole) < 1e-9) and np.all(np.abs(whole) < 2**52):
            g = float(np.gcd.reduce(np.abs(whole).astype(np.int64))) / k
            return max(margin, g - margin)
    return margin


def solve_relaxation(instance: Instance, *, time_limit: float = 60.0) -> dict[str, Any]:
    """The LP relaxation's bound and time: a baseline for the benchmark."""
    model = _build(instance, integral=False)
    result = _run(model, time_limit=time_limit)
    return {"status": result.status, "bound": result.objective, "seconds": result.seconds}


def solve_data(data: Any, **kwargs: Any) -> dict[str, Any]:
    """Validate plain data (a parsed JSON instance) and solve it."""
    return solve(parse_instance(data), **kwargs)
