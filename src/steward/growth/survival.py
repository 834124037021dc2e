"""Kaplan-Meier tenure survival (METRICS.md "Tenure survival"), plain data in and out.

Spells of employment give a duration in days (a departure is an event; people still employed
are censored at the analysis date; for the voluntary curve, other departures are censored).
S(t) = Π over event times t_i ≤ t of (1 − d_i ÷ n_i), with d_i the departures at t_i and n_i the
spells still at risk at t_i (duration ≥ t_i, so a spell censored at t_i is at risk there).
Median tenure = the smallest t with S(t) ≤ 0.5 (None when the curve stays above);
12-month retention = S(365). Checked against lifelines in tests/growth/test_retention.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Spell:
    """One employment spell: its start, its end (None: still employed), and how it ended."""

    start: date
    end: date | None = None
    voluntary: bool = False


def observations(
    spells: list[Spell], on: date, *, voluntary_only: bool = False
) -> list[tuple[int, bool]]:
    """(days, departed) per spell begun before `on`; a later end is censored at `on`."""
    rows = []
    for spell in spells:
        if spell.start >= on:
            continue
        ended = spell.end is not None and spell.end <= on
        stop = spell.end if ended and spell.end is not None else on
        event = ended and (spell.voluntary or not voluntary_only)
        rows.append(((stop - spell.start).days, event))
    return rows


def kaplan_meier(rows: list[tuple[int, bool]]) -> list[tuple[int, float]]:
    """The curve as (days, survival) steps: (0, 1.0) then one point per event time."""
    events = Counter(days for days, departed in rows if departed)
    durations = sorted(days for days, _ in rows)
    curve = [(0, 1.0)]
    survival = 1.0
    index = 0
    for t in sorted(events):
        while index < len(durations) and durations[index] < t:
            index += 1
        at_risk = len(durations) - index
        survival *= 1 - events[t] / at_risk
        curve.append((t, survival))
    return curve


def survival_at(curve: list[tuple[int, float]], days: int) -> float:
    """S(days): the last step at or before `days`."""
    value = 1.0
    for t, s in curve:
        if t > days:
            break
        value = s
    return value


def median_days(curve: list[tuple[int, float]]) -> int | None:
    """The smallest t with S(t) ≤ 0.5 (None when the curve never gets there)."""
    return next((t for t, s in curve if s <= 0.5), None)


def tenure_summary(
    spells: list[Spell], on: date, *, voluntary_only: bool = False
) -> dict[str, object]:
    """CONTRACT.md `steward metrics tenure`: {median_days, retention_12m, curve[{days, survival}]}
    plus the numbers behind it (spells, departures)."""
    rows = observations(spells, on, voluntary_only=voluntary_only)
    curve = kaplan_meier(rows)
    return {
        "date": on,
        "voluntary_only": voluntary_only,
        "spells": len(rows),
        "departures": sum(1 for _, departed in rows if departed),
        "median_days": median_days(curve) if rows else None,
        "retention_12m": round(survival_at(curve, 365), 6) if rows else None,
        "curve": [{"days": t, "survival": round(s, 6)} for t, s in curve],
    }
