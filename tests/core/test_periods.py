"""Quarter parsing and arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from steward.core.errors import BadInput
from steward.core.periods import (
    Quarter,
    overlap_days,
    parse_quarter,
    quarter_of,
    quarter_range,
)


def test_parse_and_dates() -> None:
    q = parse_quarter("2027Q1")
    assert q == Quarter(2027, 1)
    assert q.start == date(2027, 1, 1)
    assert q.end == date(2027, 4, 1)
    assert q.days == 90
    assert parse_quarter("2028q1").days == 91  # leap year
    assert parse_quarter("2027-Q4").end == date(2028, 1, 1)
    assert str(parse_quarter("2027q3")) == "2027Q3"


@pytest.mark.parametrize("text", ["", "2027", "2027Q5", "2027Q0", "Q1 2027", "27Q1"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(BadInput):
        parse_quarter(text)


def test_arithmetic_and_ranges() -> None:
    assert Quarter(2027, 4) + 1 == Quarter(2028, 1)
    assert Quarter(2027, 1) - 1 == Quarter(2026, 4)
    assert [str(q) for q in quarter_range("2026Q3..2027Q2")] == [
        "2026Q3",
        "2026Q4",
        "2027Q1",
        "2027Q2",
    ]
    assert quarter_range("2027Q2") == [Quarter(2027, 2)]
    with pytest.raises(BadInput):
        quarter_range("2027Q2..2027Q1")
    assert quarter_of(date(2026, 11, 27)) == Quarter(2026, 4)
    assert date(2027, 3, 31) in Quarter(2027, 1)
    assert date(2027, 4, 1) not in Quarter(2027, 1)


def test_overlap_days() -> None:
    q = Quarter(2027, 1)
    assert overlap_days(date(2027, 2, 15), None, q.start, q.end) == 90 - 45
    assert overlap_days(date(2020, 1, 1), date(2027, 1, 11), q.start, q.end) == 10
    assert overlap_days(date(2027, 5, 1), None, q.start, q.end) == 0
