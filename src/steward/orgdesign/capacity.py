"""Capacity per team and quarter, and fully loaded cost: plain data in, plain data out.

Capacity (METRICS.md): Σ over a team's members of FTE × 13 × (days in the team and employed in
the quarter ÷ days in the quarter) × (1 − the team's allocations), planned hires counted from
their expected start. Fully loaded cost per year: salary × (1 + burden rate of the location),
converted to the reporting currency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from steward.core.periods import Quarter, overlap_days

WEEKS_PER_QUARTER = 13


@dataclass(frozen=True)
class Assignment:
    """A person (or planned hire) working in `team` over `[start, end)` at `fte`."""

    person: str
    team: str
    start: date
    end: date | None
    fte: Decimal
    planned: bool = False


@dataclass(frozen=True)
class Allocation:
    """A declared share of a team's time (quarter None: every quarter)."""

    team: str
    kind: str
    share: Decimal
    quarter: str | None = None


def allocation_share(allocations: Iterable[Allocation], team: str, quarter: Quarter) -> Decimal:
    """The team's allocation in `quarter`: per kind the quarter's own row, else the general one."""
    general: dict[str, Decimal] = {}
    specific: dict[str, Decimal] = {}
    for a in allocations:
        if a.team != team:
            continue
        if a.quarter is None or a.quarter == "":
            general[a.kind] = a.share
        elif a.quarter == str(quarter):
            specific[a.kind] = a.share
    total = sum({**general, **specific}.values(), Decimal(0))
    return min(total, Decimal(1))


def capacity(
    assignments: Iterable[Assignment],
    allocations: Iterable[Allocation],
    quarters: list[Quarter],
    teams: Iterable[str] | None = None,
) -> dict[str, dict[str, dict[str, Any]]]:
    """Person-weeks per team and quarter: `{team: {"2027Q1": {...}}}`."""
    rows = list(assignments)
    allocs = list(allocations)
    names = sorted(set(teams) if teams is not None else {a.team for a in rows})
    gross: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    planned: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    heads: dict[tuple[str, str], set[str]] = defaultdict(set)
    bounds = [(str(q), q.start, q.end, Decimal(q.days)) for q in quarters]
    for a in rows:
        for label, q_start, q_end, q_days in bounds:
            days = overlap_days(a.start, a.end, q_start, q_end)
            if days <= 0:
                continue
            weeks = a.fte * WEEKS_PER_QUARTER * Decimal(days) / q_days
            gross[(a.team, label)] += weeks
            if a.planned:
                planned[(a.team, label)] += weeks
            heads[(a.team, label)].add(a.person)
    result: dict[str, dict[str, dict[str, Any]]] = {}
    for team in names:
        per_quarter = {}
        for q in quarters:
            key = (team, str(q))
            share = allocation_share(allocs, team, q)
            available = gross[key] * (1 - share)
            per_quarter[str(q)] = {
                "person_weeks": round(float(available), 2),
                "gross_person_weeks": round(float(gross[key]), 2),
                "allocation": float(share),
                "planned_hire_weeks": round(float(planned[key] * (1 - share)), 2),
                "people": len(heads[key]),
            }
        result[team] = per_quarter
    return result


@dataclass(frozen=True)
class CostRates:
    """Burden rates per location (key "" for every other location) and exchange rates."""

    reporting_currency: str
    burden: Mapping[str, Decimal]
    fx: Mapping[str, Decimal]  # units of reporting currency per unit of the key currency

    def burden_of(self, location: str) -> Decimal:
        """The burden rate of `location`, else the default, else 0."""
        if location in self.burden:
            return self.burden[location]
        return self.burden.get("", Decimal(0))

    def to_reporting(self, amount: Decimal, currency: str) -> Decimal | None:
        """`amount` in the reporting currency, None without a rate."""
        if not currency or currency == self.reporting_currency:
            return amount
        rate = self.fx.get(currency)
        return None if rate is None else amount * rate


def fully_loaded_cost(
    salary: Decimal | None, currency: str, location: str, rates: CostRates
) -> Decimal | None:
    """Salary × (1 + burden rate of the location) in the reporting currency, per year."""
    if salary is None:
        return None
    converted = rates.to_reporting(salary * (1 + rates.burden_of(location)), currency)
    return None if converted is None else converted.quantize(Decimal("0.01"))
