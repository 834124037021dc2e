"""Capacity and fully loaded cost on hand-computed examples (pure; no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from steward.core.periods import Quarter, quarter_range
from steward.orgdesign.capacity import (
    Allocation,
    Assignment,
    CostRates,
    allocation_share,
    capacity,
    fully_loaded_cost,
)

Q1 = Quarter(2027, 1)  # 90 days
ONE = Decimal("1")


def test_full_part_time_leaver_and_planned_hire() -> None:
    rows = [
        Assignment("a", "t", date(2020, 1, 1), None, ONE),  # 13 weeks
        Assignment("b", "t", date(2020, 1, 1), None, Decimal("0.8")),  # 10.4
        # Leaves on 2027-02-15: employed 45 of 90 days → 6.5
        Assignment("c", "t", date(2020, 1, 1), date(2027, 2, 15), ONE),
        # Planned hire starting 2027-03-02: 30 of 90 days → 13 × 30/90 = 4.333…
        Assignment("h", "t", date(2027, 3, 2), None, ONE, planned=True),
    ]
    allocs = [
        Allocation("t", "on-call", Decimal("0.1")),
        Allocation("t", "ktlo", Decimal("0.2")),
    ]
    result = capacity(rows, allocs, [Q1, Q1 + 1])
    q1 = result["t"]["2027Q1"]
    gross = 13 + 10.4 + 6.5 + 13 * 30 / 90
    assert q1["gross_person_weeks"] == round(gross, 2)
    assert q1["allocation"] == 0.3
    assert q1["person_weeks"] == round(gross * 0.7, 2)
    assert q1["planned_hire_weeks"] == round(13 * 30 / 90 * 0.7, 2)
    assert q1["people"] == 4
    q2 = result["t"]["2027Q2"]  # a, b, h for the whole quarter
    assert q2["person_weeks"] == round((13 + 10.4 + 13) * 0.7, 2)
    assert q2["people"] == 3


def test_move_mid_quarter_splits_capacity_between_teams() -> None:
    rows = [
        Assignment("a", "x", date(2020, 1, 1), date(2027, 1, 31), ONE),  # 30 days in x
        Assignment("a", "y", date(2027, 1, 31), None, ONE),  # 60 days in y
    ]
    result = capacity(rows, [], [Q1], teams=["x", "y", "z"])
    assert result["x"]["2027Q1"]["person_weeks"] == round(13 * 30 / 90, 2)
    assert result["y"]["2027Q1"]["person_weeks"] == round(13 * 60 / 90, 2)
    assert result["z"]["2027Q1"]["person_weeks"] == 0.0


def test_quarter_specific_allocation_replaces_general_of_same_kind() -> None:
    allocs = [
        Allocation("t", "leave", Decimal("0.05")),
        Allocation("t", "leave", Decimal("0.15"), "2027Q3"),
        Allocation("t", "ktlo", Decimal("0.2")),
        Allocation("u", "ktlo", Decimal("0.9")),
    ]
    q2, q3 = quarter_range("2027Q2..2027Q3")
    assert allocation_share(allocs, "t", q2) == Decimal("0.25")
    assert allocation_share(allocs, "t", q3) == Decimal("0.35")
    too_much = [Allocation("t", "ktlo", Decimal("0.8")), Allocation("t", "leave", Decimal("0.5"))]
    assert allocation_share(too_much, "t", q2) == Decimal(1)


def test_fully_loaded_cost() -> None:
    rates = CostRates(
        reporting_currency="EUR",
        burden={"Berlin": Decimal("0.21"), "": Decimal("0.1")},
        fx={"USD": Decimal("0.92")},
    )
    assert fully_loaded_cost(Decimal("100000"), "EUR", "Berlin", rates) == Decimal("121000.00")
    # 100000 USD × 1.1 (default burden) × 0.92 = 101200 EUR
    assert fully_loaded_cost(Decimal("100000"), "USD", "Austin", rates) == Decimal("101200.00")
    assert fully_loaded_cost(Decimal("100000"), "GBP", "London", rates) is None
    assert fully_loaded_cost(None, "EUR", "Berlin", rates) is None
