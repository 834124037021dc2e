"""People cost per month (METRICS.md "Money"). Plain data in and out, no Django.

People cost of a month = sum of fully loaded cost / 12 x (days employed in the month / days in
the month), with planned hires from their expected start date. Spells are half-open
[start, end): `end` is the first day the person is no longer employed.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from steward.finance.money import cents


@dataclass(frozen=True)
class Stint:
    """A person (or planned hire) costing `annual` (fully loaded, reporting currency, × FTE)
    a year while on `team` from `start` until `end` (exclusive; None: still)."""

    who: str
    team: str | None
    start: date
    end: date | None
    annual: Decimal


def days_in_month(month: date) -> int:
    """Number of days in `month`'s month."""
    return calendar.monthrange(month.year, month.month)[1]


def days_in(stint: Stint, month: date) -> int:
    """Days of `month` covered by `stint`."""
    first = month.replace(day=1)
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    lo = max(first, stint.start)
    hi = after if stint.end is None else min(after, stint.end)
    return max(0, (hi - lo).days)


def monthly_cost(stints: Iterable[Stint], month: date) -> dict[tuple[str | None, str], Decimal]:
    """(team, who) -> the cost of `month`, unrounded shares rounded to the cent per person."""
    return monthly_costs(list(stints), [month])[0]


def monthly_costs(
    stints: list[Stint], months: list[date]
) -> list[dict[tuple[str | None, str], Decimal]]:
    """`monthly_cost` of each of `months`, each stint's annual / 12 worked out once (the same
    Decimal steps in the same order; at scale 1,300 stints x 12 months)."""
    monthly = [(s.team, s.who, s.start, s.end, s.annual / 12) for s in stints]
    return [_month_cost(monthly, month) for month in months]


def _month_cost(
    monthly: list[tuple[str | None, str, date, date | None, Decimal]], month: date
) -> dict[tuple[str | None, str], Decimal]:
    total_days = days_in_month(month)
    # `days_in` inlined with the month's bounds worked out once: the same days.
    first = month.replace(day=1)
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    found: dict[tuple[str | None, str], Decimal] = defaultdict(Decimal)
    for team, who, start, end, per_month in monthly:
        if start >= after or (end is not None and end <= first):
            continue
        lo = start if start > first else first
        hi = after if end is None or end > after else end
        days = (hi - lo).days
        if days > 0:
            found[(team, who)] += per_month * days / total_days
    return {k: cents(v) for k, v in found.items()}
