"""People cost per month, pro-rated by days employed (METRICS.md), and rate look-up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from steward.finance.money import Rates
from steward.finance.people_cost import Stint, monthly_cost


def test_pro_rated_starts_and_leaves() -> None:
    stints = [
        Stint("A", "t", date(2030, 3, 11), date(2030, 5, 16), D(144000)),
        Stint("B", "t", date(2030, 1, 1), None, D(60000)),
    ]
    # A: 12,000 a month; March 21 of 31 days, May 15 of 31 days.
    assert monthly_cost(stints, date(2030, 3, 1))[("t", "A")] == D("8129.03")
    assert monthly_cost(stints, date(2030, 4, 1))[("t", "A")] == D("12000.00")
    assert monthly_cost(stints, date(2030, 5, 1))[("t", "A")] == D("5806.45")
    assert ("t", "A") not in monthly_cost(stints, date(2030, 6, 1))
    # February 2030 has 28 days; a full month is 5,000.
    assert monthly_cost(stints, date(2030, 2, 1)) == {("t", "B"): D("5000.00")}


def test_monthly_rate_with_fallbacks() -> None:
    rates = Rates.build(
        "EUR",
        [(date(2026, 1, 1), "USD", D("0.90")), (date(2026, 3, 1), "USD", D("0.95"))],
        {"USD": D("0.80"), "GBP": D("1.15")},
    )
    assert rates.rate("EUR", date(2026, 1, 1)) == 1
    assert rates.rate("USD", date(2026, 2, 1)) == D("0.90")  # latest earlier month
    assert rates.rate("USD", date(2026, 3, 1)) == D("0.95")
    assert rates.rate("USD", date(2025, 12, 1)) == D("0.80")  # before any month: standing
    assert rates.rate("GBP", date(2026, 2, 1)) == D("1.15")
    assert rates.rate("JPY", date(2026, 2, 1)) is None
    assert rates.convert(D("100.005"), "USD", date(2026, 2, 1)) == D("90.00")
