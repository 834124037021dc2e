"""The 1:1 overdue rule of METRICS.md, on plain dates (no Django).

"1:1 overdue: no 1:1 recorded for the pair within 1.5 × its cadence." On day `on`, a pair is
overdue when its latest 1:1 on or before `on` is more than 1.5 × cadence days before `on`
(exactly 1.5 × cadence days ago is still within). A pair that never met counts from the day
its cadence started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

GRACE = Fraction(3, 2)


@dataclass(frozen=True)
class CadenceState:
    """Where a pair stands on a day."""

    last_held: date | None
    days_since: int  # since the last 1:1 (or since the cadence started)
    allowed_days: float  # 1.5 × cadence (exact: a whole or half number)
    overdue: bool
    days_overdue: int  # whole days past the allowed gap (0 when not overdue)


def cadence_state(
    *, cadence_days: int, started_on: date, held: list[date] | tuple[date, ...], on: date
) -> CadenceState:
    """The state on `on` of a pair meeting every `cadence_days` days, with 1:1s on `held`."""
    past = [d for d in held if d <= on]
    last = max(past) if past else None
    since = (on - (last or started_on)).days
    allowed = GRACE * cadence_days
    overdue = since > allowed
    late = since - allowed
    return CadenceState(
        last_held=last,
        days_since=since,
        allowed_days=float(allowed),
        overdue=overdue,
        days_overdue=int(late) if overdue else 0,
    )
