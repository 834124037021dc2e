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


def test_parse_period_defaults_and_bounds() -> None:
    from steward.core.periods import MAX_PERIOD_DAYS, parse_period

    today = date(2026, 11, 27)
    assert parse_period(None, None, today=today) == (date(2026, 8, 29), today)
    assert parse_period("2026-01-01", "2026-02-01") == (date(2026, 1, 1), date(2026, 2, 1))
    assert parse_period(None, "1970-02-01") == (date(1970, 1, 1), date(1970, 2, 1))
    assert MAX_PERIOD_DAYS == 365 * 10 + 3
    assert parse_period("2016-01-01", "2026-01-01") == (date(2016, 1, 1), date(2026, 1, 1))
    with pytest.raises(BadInput, match="spans 3654 days, at most 3653"):
        parse_period("2015-12-31", "2026-01-01")
    for bad, words in [
        (("0001-01-01", None), "from 0001-01-01: must be between 1970-01-01 and 2100-12-31"),
        ((None, "9999-12-31"), "to 9999-12-31: must be between"),
        (("1969-12-31", "1970-01-02"), "from 1969-12-31: must be between"),
        (("yesterday", None), "from 'yesterday': not a date"),
        (("2026-02-01", "2026-02-01"), "from 2026-02-01: must be before to 2026-02-01"),
    ]:
        with pytest.raises(BadInput, match=words):
            parse_period(*bad)


def test_quarter_ranges_are_bounded() -> None:
    assert len(quarter_range("2027Q1..2036Q4")) == 40
    with pytest.raises(BadInput, match="41 quarters, at most 40"):
        quarter_range("2027Q1..2037Q1")
    with pytest.raises(BadInput, match="the year must be between 1970 and 2100"):
        parse_quarter("9999Q4")
