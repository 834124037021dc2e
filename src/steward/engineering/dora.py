"""The four keys of METRICS.md computed from plain data (no Django), with their levels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

NO_DATA = "no data"


@dataclass(frozen=True)
class Deploy:
    """A production deployment in scope."""

    key: str
    finished_at: datetime
    success: bool
    caused_incident: bool


@dataclass(frozen=True)
class Shipped:
    """A commit shipped by a successful production deployment that had a baseline."""

    deployed_at: datetime
    committed_at: datetime


@dataclass(frozen=True)
class ShippedTimes:
    """Shipped commits as two arrays (what `Shipped` holds, one row each): deployment and
    commit times in integer microseconds since 1970-01-01 UTC, for vectorized lead times."""

    deployed: np.ndarray
    committed: np.ndarray

    @classmethod
    def of(cls, shipped: Sequence[Shipped]) -> ShippedTimes:
        """The arrays of a list of `Shipped` (aware datetimes)."""
        return cls(
            deployed=np.array([micros(s.deployed_at) for s in shipped], dtype=np.int64),
            committed=np.array([micros(s.committed_at) for s in shipped], dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.deployed)

    def by_deployed(self) -> ShippedTimes:
        """The same rows ordered by deployment time (for `between`)."""
        order = np.argsort(self.deployed, kind="stable")
        return ShippedTimes(self.deployed[order], self.committed[order])

    def between(self, start: date, end: date) -> ShippedTimes:
        """Rows deployed on UTC days [start, end), of rows ordered by deployment time."""
        lo, hi = np.searchsorted(self.deployed, [day_micros(start), day_micros(end)])
        return ShippedTimes(self.deployed[lo:hi], self.committed[lo:hi])


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime) -> int:
    """Microseconds since 1970-01-01 UTC of an aware datetime, exactly."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def day_micros(day: date) -> int:
    """Microseconds since 1970-01-01 UTC of midnight UTC starting `day`."""
    return (day - _EPOCH.date()).days * 86_400_000_000


@dataclass(frozen=True)
class Outage:
    """An incident of the scope."""

    created_at: datetime
    resolved_at: datetime | None


def median(values: Sequence[float]) -> float | None:
    """The ordinary median (mean of the two middle values), None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), None when empty."""
    if not values:
        return None
    return float(np.percentile(np.asarray(values, dtype=float), q))


def _day(moment: datetime) -> date:
    return moment.astimezone(tz=None).date() if moment.tzinfo is None else moment.date()


def _in(moment: datetime, start: date, end: date) -> bool:
    return start <= moment.date() < end


def full_weeks(start: date, end: date) -> list[date]:
    """Mondays of the ISO weeks lying fully in [start, end)."""
    monday = start + timedelta(days=(7 - start.weekday()) % 7)
    weeks = []
    while monday + timedelta(days=7) <= end:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def full_months(start: date, end: date) -> list[date]:
    """First days of the calendar months lying fully in [start, end)."""
    first = start if start.day == 1 else (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    months = []
    while True:
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        if following > end:
            break
        months.append(first)
        first = following
    return months


def deployment_frequency(deploys: Sequence[Deploy], start: date, end: date) -> dict[str, Any]:
    """Successful production deployments in [start, end) (times already UTC)."""
    ok = [d for d in deploys if d.success and _in(d.finished_at, start, end)]
    days = (end - start).days
    days_with = {d.finished_at.date() for d in ok}
    weekly = [
        sum(1 for i in range(7) if monday + timedelta(days=i) in days_with)
        for monday in full_weeks(start, end)
    ]
    weekly_median = median(weekly)
    if weekly_median is not None and weekly_median >= 5:
        level = "elite"
    elif weekly_median is not None and weekly_median >= 1:
        level = "high"
    else:
        monthly = [
            sum(1 for d in days_with if d.year == m.year and d.month == m.month)
            for m in full_months(start, end)
        ]
        monthly_median = median(monthly)
        level = "medium" if monthly_median is not None and monthly_median >= 1 else "low"
    return {
        "deployments": len(ok),
        "per_week": len(ok) / (days / 7) if days > 0 else 0.0,
        "deployment_days_per_week_median": float(weekly_median or 0.0),
        "level": level,
    }


def _level(value: float | None, bounds: Sequence[tuple[float, str]], strict: bool) -> str:
    if value is None:
        return NO_DATA
    for bound, name in bounds:
        if (value < bound) if strict else (value <= bound):
            return name
    return "low"


def _sorted_median(ordered: np.ndarray) -> float | None:
    """`median` of an ascending float array: the same arithmetic, hence the same float."""
    n = len(ordered)
    if not n:
        return None
    mid = n // 2
    if n % 2:
        return float(ordered[mid])
    return (float(ordered[mid - 1]) + float(ordered[mid])) / 2


def lead_time(shipped: Sequence[Shipped] | ShippedTimes, start: date, end: date) -> dict[str, Any]:
    """Hours from commit to deployment for commits shipped by deployments in [start, end)."""
    if isinstance(shipped, ShippedTimes):
        lo, hi = day_micros(start), day_micros(end)
        inside = (shipped.deployed >= lo) & (shipped.deployed < hi)
        # int64 microseconds -> float seconds -> hours: the operations (and roundings) of
        # timedelta.total_seconds() / 3600.
        values = (shipped.deployed[inside] - shipped.committed[inside]) / 1e6 / 3600
        values = np.sort(values[values >= 0])
        med = _sorted_median(values)
        return {
            "changes": len(values),
            "median_hours": med,
            "p75_hours": float(np.percentile(values, 75)) if len(values) else None,
            "level": _level(med, [(24, "elite"), (168, "high"), (720, "medium")], strict=True),
        }
    hours = [
        (s.deployed_at - s.committed_at).total_seconds() / 3600
        for s in shipped
        if _in(s.deployed_at, start, end)
    ]
    hours = [h for h in hours if h >= 0]
    med = median(hours)
    return {
        "changes": len(hours),
        "median_hours": med,
        "p75_hours": percentile(hours, 75),
        "level": _level(med, [(24, "elite"), (168, "high"), (720, "medium")], strict=True),
    }


def change_failure_rate(deploys: Sequence[Deploy], start: date, end: date) -> dict[str, Any]:
    """Share of production deployments in [start, end) that failed or caused an incident."""
    scope = [d for d in deploys if _in(d.finished_at, start, end)]
    failed = sum(1 for d in scope if not d.success or d.caused_incident)
    rate = failed / len(scope) if scope else None
    return {
        "deployments": len(scope),
        "failed": failed,
        "rate": rate,
        "level": _level(rate, [(0.05, "elite"), (0.10, "high"), (0.15, "medium")], strict=False),
    }


def recovery_time(outages: Sequence[Outage], start: date, end: date) -> dict[str, Any]:
    """Median hours to resolve incidents resolved in [start, end)."""
    hours = [
        (o.resolved_at - o.created_at).total_seconds() / 3600
        for o in outages
        if o.resolved_at is not None and _in(o.resolved_at, start, end)
    ]
    med = median(hours)
    return {
        "incidents": len(hours),
        "median_hours": med,
        "level": _level(med, [(1, "elite"), (24, "high"), (168, "medium")], strict=True),
    }


def four_keys(
    deploys: Sequence[Deploy],
    shipped: Sequence[Shipped] | ShippedTimes,
    outages: Sequence[Outage],
    start: date,
    end: date,
) -> dict[str, Any]:
    """The four keys over [start, end), keyed exactly as in METRICS.md (without from/to/scope)."""
    return {
        "deployment_frequency": deployment_frequency(deploys, start, end),
        "lead_time_for_changes": lead_time(shipped, start, end),
        "change_failure_rate": change_failure_rate(deploys, start, end),
        "failed_deployment_recovery_time": recovery_time(outages, start, end),
    }
