"""Cycle time of merged pull requests, split in four parts (METRICS.md "Pull requests and work
items"), and its medians and 75th percentiles. Plain Python: plain records in, numbers out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from steward.engineering.dora import median

PARTS = ("coding", "pickup", "review", "deploy")


@dataclass(frozen=True)
class PullTimes:
    """The moments of one merged pull request."""

    opened: datetime
    merged: datetime
    first_commit: datetime | None = None  # the earliest author time of its commits
    ready: datetime | None = None  # marked ready for review (a draft opened earlier)
    first_response: datetime | None = None  # first review or comment by someone else
    deployed: datetime | None = None  # first successful production deployment shipping it


def _hours(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 3600)


def cycle_parts(t: PullTimes) -> dict[str, float | None]:
    """coding, pickup, review, deploy and total in hours; a negative part counts as 0.

    coding = first commit → opened (None without a known commit); pickup = opened (or ready)
    → first response by someone else (or merge); review = end of pickup → merge; deploy =
    merge → first production deployment shipping the merge commit (None if none yet).
    `total` is the sum of the known parts.
    """
    coding = _hours(t.first_commit, t.opened) if t.first_commit else None
    start = t.ready if t.ready is not None and t.ready > t.opened else t.opened
    pickup_end = t.first_response if t.first_response is not None else t.merged
    if pickup_end > t.merged:
        pickup_end = t.merged
    pickup = _hours(start, pickup_end)
    review = _hours(max(start, pickup_end), t.merged)
    deploy = _hours(t.merged, t.deployed) if t.deployed else None
    parts = {"coding": coding, "pickup": pickup, "review": review, "deploy": deploy}
    parts["total"] = sum(v for v in parts.values() if v is not None)
    return parts


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks: numpy's default method, in plain Python
    (numpy's call overhead dominates on the few values of one team's week)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    if low + 1 >= len(ordered):
        return float(ordered[low])
    return float(ordered[low] + (rank - low) * (ordered[low + 1] - ordered[low]))


def summary(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """count and, per part and total, median and p75 hours over the rows where it is known."""
    rows = list(rows)
    out: dict[str, Any] = {"pull_requests": len(rows)}
    for part in (*PARTS, "total"):
        values: Sequence[float] = [r[part] for r in rows if r[part] is not None]
        med = median(values)
        p75 = percentile(values, 75)
        out[part] = {
            "count": len(values),
            "median_hours": None if med is None else round(med, 2),
            "p75_hours": None if p75 is None else round(p75, 2),
        }
    return out
