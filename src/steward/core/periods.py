"""Calendar quarters: parse "2027Q1", ranges "2027Q1..2027Q4", dates and arithmetic.

Periods are half-open: a quarter covers `[start, end)`, `end` being the first day of the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from steward.core.errors import BadInput

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter `q` (1–4) of `year`."""

    year: int
    q: int

    def __post_init__(self) -> None:
        if not 1 <= self.q <= 4:
            raise BadInput(f"quarter {self.q}: must be 1, 2, 3 or 4")

    @property
    def start(self) -> date:
        """The first day of the quarter."""
        return date(self.year, 3 * (self.q - 1) + 1, 1)

    @property
    def end(self) -> date:
        """The first day after the quarter (periods are half-open)."""
        return (self + 1).start

    @property
    def days(self) -> int:
        """Number of days in the quarter."""
        return (self.end - self.start).days

    def __add__(self, n: int) -> Quarter:
        index = self.year * 4 + (self.q - 1) + n
        return Quarter(index // 4, index % 4 + 1)

    def __sub__(self, n: int) -> Quarter:
        return self + (-n)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    def __str__(self) -> str:
        return f"{self.year}Q{self.q}"


def parse_quarter(text: str) -> Quarter:
    """ "2027Q1" (also "2027-Q1", "2027q1") as a Quarter; BadInput otherwise."""
    match = _QUARTER.match(text or "")
    if match is None:
        raise BadInput(f"quarter {text!r}: expected YEARQn, e.g. 2027Q1")
    return Quarter(int(match.group(1)), int(match.group(2)))


def quarter_of(day: date) -> Quarter:
    """The quarter that contains `day`."""
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def quarter_range(text: str) -> list[Quarter]:
    """ "2027Q1..2027Q4" (inclusive) or a single "2027Q1" as a list of quarters."""
    first_text, sep, last_text = (text or "").partition("..")
    first = parse_quarter(first_text)
    last = parse_quarter(last_text) if sep else first
    if last < first:
        raise BadInput(f"quarters {text!r}: {last} is before {first}")
    result = [first]
    while result[-1] < last:
        result.append(result[-1] + 1)
    return result


def overlap_days(start: date, end: date | None, period_start: date, period_end: date) -> int:
    """Days of `[start, end)` (end None: open) that fall in `[period_start, period_end)`."""
    lo = max(start, period_start)
    hi = period_end if end is None else min(end, period_end)
    return max(0, (hi - lo).days)
