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
    total_days = days_in_month(month)
    found: dict[tuple[str | None, str], Decimal] = defaultdict(Decimal)
    for stint in stints:
        days = days_in(stint, month)
        if days:
            found[(stint.team, stint.who)] += stint.annual / 12 * days / total_days
    return {k: cents(v) for k, v in found.items()}
