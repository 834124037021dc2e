"""Attrition (METRICS.md "Growth and retention"), plain data in and out.

Attrition rate over [from, to) = separations ÷ average headcount × 100; the average headcount is
the mean of the active headcount on each month start in the period and on its end (`to`).
Annualized = rate × 365 ÷ days in the period. A separation is an employment spell whose end
falls in the period (a transfer between teams ends no spell); voluntary and involuntary follow
the termination type (`other` counts in neither), regretted the HR flag.
Active on a day: start ≤ day < end.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from steward.core import disclosure


@dataclass(frozen=True)
class Employment:
    """One spell of one person, with the person's groups (team, level, manager, location)."""

    person: str
    start: date
    end: date | None = None
    termination_type: str = ""
    regretted: bool | None = None
    groups: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


def sample_days(start: date, end: date) -> list[date]:
    """Every month start in [start, end), then `end`."""
    days = []
    day = date(start.year, start.month, 1)
    if day < start:
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    while day < end:
        days.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return [*days, end]


def _active(spell: Employment, day: date) -> bool:
    return spell.start <= day and (spell.end is None or spell.end > day)


def figures(spells: list[Employment], start: date, end: date) -> dict[str, Any]:
    """Separations, the split, average headcount and the rates over [start, end)."""
    days = sample_days(start, end)
    average = sum(sum(1 for s in spells if _active(s, d)) for d in days) / len(days)
    gone = [s for s in spells if s.end is not None and start <= s.end < end]
    rate = None if average == 0 else 100 * len(gone) / average
    period = (end - start).days
    result: dict[str, Any] = {
        "separations": len(gone),
        "voluntary": sum(1 for s in gone if s.termination_type == "voluntary"),
        "involuntary": sum(1 for s in gone if s.termination_type == "involuntary"),
        "regretted": sum(1 for s in gone if s.regretted),
        "average_headcount": round(average, 4),
        "rate": None if rate is None else round(rate, 4),
        "annualized_rate": None if rate is None else round(rate * 365 / period, 4),
    }
    if rate is None:
        result["level"] = "no data"
    return result


def people_behind(spells: list[Employment], start: date, end: date) -> frozenset[str]:
    """The people a group's figures are made of: active on a sample day, or who left."""
    days = sample_days(start, end)
    return frozenset(
        s.person
        for s in spells
        if any(_active(s, d) for d in days) or (s.end is not None and start <= s.end < end)
    )


def attrition(
    spells: list[Employment],
    start: date,
    end: date,
    *,
    by: str | None = None,
    min_group: int = disclosure.DEFAULT_MIN_GROUP,
    label: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """CONTRACT.md `steward metrics attrition`: the whole organization and, with `by`, one row
    per group; a group made of fewer than `min_group` people is `{group, suppressed: true}`,
    and so is the next smallest when a hidden one could be worked out from the total."""
    result: dict[str, Any] = {"from": start, "to": end, **figures(spells, start, end)}
    if by is None:
        result["groups"] = []
        return result
    if by == "tenure":
        result["groups"] = tenure_groups(spells, start, end, min_group=min_group)
        return result
    members: dict[str, list[Employment]] = {}
    for spell in spells:
        members.setdefault(spell.groups.get(by) or "(none)", []).append(spell)
    behind = {g: people_behind(rows, start, end) for g, rows in members.items()}
    behind = {g: people for g, people in behind.items() if people}
    hidden = _hidden(behind, min_group)
    groups = []
    for group in sorted(behind, key=lambda g: (label or str)(g)):
        name = label(group) if label else group
        if group in hidden:
            groups.append({"group": name, "suppressed": True})
            continue
        f = figures(members[group], start, end)
        groups.append(
            {
                "group": name,
                "separations": f["separations"],
                "average_headcount": f["average_headcount"],
                "rate": f["rate"],
            }
        )
    result["groups"] = groups
    return result


TOTAL = "__total__"


def _hidden(behind: dict[str, frozenset[str]], min_group: int) -> frozenset[Hashable]:
    figures_ = {
        g: disclosure.Figure({p: Decimal(1) for p in people}) for g, people in behind.items()
    }
    figures_[TOTAL] = disclosure.combine(figures_.values())
    hidden = disclosure.suppressed(figures_, [(list(behind), TOTAL)], min_group)
    # The organization's figure is always shown (it is the contract's top level); a single
    # group would then equal it, so a lone group is hidden when the total is too small.
    return frozenset(hidden - {TOTAL}) | (frozenset(behind) if TOTAL in hidden else frozenset())


# --- tenure bands ---------------------------------------------------------------------------

# METRICS.md names no bands; these are the usual ones (HR analytics products and the brief):
# under 1 year, 1-2, 2-4, 4 years or more, by completed years of the employment spell.
TENURE_BANDS = ((1, "under 1 year"), (2, "1–2 years"), (4, "2–4 years"), (None, "4+ years"))


def _anniversary(start: date, years: int) -> date:
    """`start` plus whole years (29 February falls on 28 February)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def tenure_band(start: date, day: date) -> str:
    """The band of a spell that started on `start`, on `day` (1 year is the first anniversary)."""
    for years, name in TENURE_BANDS:
        if years is None or day < _anniversary(start, years):
            return name
    raise AssertionError("the last band is open")


def tenure_groups(
    spells: list[Employment], start: date, end: date, *, min_group: int
) -> list[dict[str, Any]]:
    """Attrition by tenure band. Tenure changes with time, so a band is measured on each day:
    its headcount on a sample day counts the spells active then with that tenure, its
    separations the spells that ended in the period with that tenure on their last day (the
    end day). On every day the bands split the headcount, so the bands add up to the
    organization and the small-group rule with complementary suppression applies as for teams."""
    days = sample_days(start, end)
    counts = {name: 0 for _, name in TENURE_BANDS}
    gone: dict[str, list[Employment]] = {name: [] for _, name in TENURE_BANDS}
    behind: dict[str, set[str]] = {name: set() for _, name in TENURE_BANDS}
    for spell in spells:
        for day in days:
            if _active(spell, day):
                band = tenure_band(spell.start, day)
                counts[band] += 1
                behind[band].add(spell.person)
        if spell.end is not None and start <= spell.end < end:
            band = tenure_band(spell.start, spell.end)
            gone[band].append(spell)
            behind[band].add(spell.person)
    present = {band: frozenset(people) for band, people in behind.items() if people}
    hidden = _hidden(present, min_group)
    groups = []
    for _, band in TENURE_BANDS:
        if band not in present:
            continue
        if band in hidden:
            groups.append({"group": band, "suppressed": True})
            continue
        average = counts[band] / len(days)
        rate = None if average == 0 else 100 * len(gone[band]) / average
        groups.append(
            {
                "group": band,
                "separations": len(gone[band]),
                "average_headcount": round(average, 4),
                "rate": None if rate is None else round(rate, 4),
            }
        )
    return groups
