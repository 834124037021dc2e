"""Calendar quarters: parse "2027Q1", ranges "2027Q1..2027Q4", dates and arithmetic.

Periods are half-open: a quarter covers `[start, end)`, `end` being the first day of the next.
`parse_period` is the one parser of a `from`/`to` pair for the API, the pages and the CLI; it
bounds the dates and the span so no request can ask for a century of history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from steward.core.errors import BadInput

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")
EARLIEST = date(1970, 1, 1)
LATEST = date(2100, 12, 31)
MAX_QUARTERS_IN_RANGE = 40  # ten years


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
    year = int(match.group(1))
    if not EARLIEST.year <= year <= LATEST.year:
        raise BadInput(
            f"quarter {text!r}: the year must be between {EARLIEST.year} and {LATEST.year}"
        )
    return Quarter(year, int(match.group(2)))


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
    count = (last.year - first.year) * 4 + last.q - first.q + 1
    if count > MAX_QUARTERS_IN_RANGE:
        raise BadInput(
            f"quarters {text!r}: {count} quarters, at most {MAX_QUARTERS_IN_RANGE} (ten years)"
        )
    result = [first]
    while result[-1] < last:
        result.append(result[-1] + 1)
    return result


MAX_PERIOD_DAYS = 3653  # ten years, leap days included
DEFAULT_PERIOD_DAYS = 90


def parse_day(value: str | date | None, name: str) -> date | None:
    """A date given as ISO text (or already a date) within EARLIEST..LATEST; BadInput otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError as exc:
            raise BadInput(f"{name} {value!r}: not a date (use YYYY-MM-DD)") from exc
    if not EARLIEST <= day <= LATEST:
        raise BadInput(f"{name} {day}: must be between {EARLIEST} and {LATEST}")
    return day


def parse_period(
    from_: str | date | None,
    to: str | date | None,
    *,
    today: date | None = None,
    default_days: int = DEFAULT_PERIOD_DAYS,
    names: tuple[str, str] = ("from", "to"),
) -> tuple[date, date]:
    """`[start, end)` from optional `from` and `to` (end exclusive, default today; start default
    `default_days` before the end); BadInput names the field when a date is not ISO, lies outside
    1970-01-01..2100-12-31, is not before `to`, or the span exceeds MAX_PERIOD_DAYS."""
    from_name, to_name = names
    end = parse_day(to, to_name) or today or date.today()
    start = parse_day(from_, from_name) or max(EARLIEST, end - timedelta(days=default_days))
    if start >= end:
        raise BadInput(f"{from_name} {start}: must be before {to_name} {end}")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise BadInput(
            f"{from_name}..{to_name} {start}..{end}: spans {(end - start).days} days, "
            f"at most {MAX_PERIOD_DAYS} (ten years) are allowed"
        )
    return start, end


def overlap_days(start: date, end: date | None, period_start: date, period_end: date) -> int:
    """Days of `[start, end)` (end None: open) that fall in `[period_start, period_end)`."""
    lo = max(start, period_start)
    hi = period_end if end is None else min(end, period_end)
    return max(0, (hi - lo).days)
