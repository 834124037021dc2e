"""Capitalizable cost of initiatives per quarter (METRICS.md "Money"). Plain data, no Django.

The effort cost of an initiative in a month (its share of each team's effort x the team's
people cost) is capitalized for the days of the month inside [capitalize_from, go_live) and
expensed for the others (pro rata by calendar days: effort is attributed per month).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from steward.finance.money import cents
from steward.finance.people_cost import days_in_month


@dataclass(frozen=True)
class Window:
    """The capitalization window of one initiative."""

    method: str
    start: date
    end: date | None  # go-live (exclusive); None: not live yet


def capitalized_share(window: Window, month: date) -> Decimal:
    """The share of `month`'s days inside the window."""
    first = month.replace(day=1)
    total = days_in_month(first)
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    lo = max(first, window.start)
    hi = after if window.end is None else min(after, window.end)
    return Decimal(max(0, (hi - lo).days)) / total


def quarter_label(month: date) -> str:
    """ "2026Q3" for a month of the third quarter."""
    return f"{month.year}Q{(month.month - 1) // 3 + 1}"


def split(
    effort_cost: Mapping[tuple[str, date], Decimal],
    person_days: Mapping[tuple[str, date], Decimal],
    windows: Mapping[str, Window],
) -> list[dict[str, Any]]:
    """Per initiative with a window and quarter: person-days, effort cost, capitalizable and
    expensed amounts (to the cent)."""
    rows: dict[tuple[str, str], dict[str, Decimal]] = {}
    for (initiative, month), cost in effort_cost.items():
        window = windows.get(initiative)
        if window is None:
            continue
        share = capitalized_share(window, month)
        cell = rows.setdefault(
            (initiative, quarter_label(month)),
            {"person_days": Decimal(0), "cost": Decimal(0), "capitalizable": Decimal(0)},
        )
        cell["person_days"] += person_days.get((initiative, month), Decimal(0))
        cell["cost"] += cost
        cell["capitalizable"] += cost * share
    out: list[dict[str, Any]] = []
    for (initiative, quarter), cell in sorted(rows.items()):
        cost, cap = cents(cell["cost"]), cents(cell["capitalizable"])
        out.append(
            {
                "initiative": initiative,
                "quarter": quarter,
                "method": windows[initiative].method,
                "person_days": round(cell["person_days"], 2),
                "effort_cost": cost,
                "capitalizable": cap,
                "expensed": cost - cap,
            }
        )
    return out
