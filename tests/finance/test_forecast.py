"""Forecast to year end (METRICS.md "Money"), hand-computed."""

from __future__ import annotations

from decimal import Decimal as D

from steward.finance.forecast import LineInput, forecast_line, overruns, run_rate

Z = D(0)


def test_closed_months_are_actuals_and_open_months_committed_plus_run_rate() -> None:
    plan = [D(100)] * 12
    actual = [D(90), D(110), D(120), D(130), D(140)] + [Z] * 7
    committed = [Z] * 5 + [D(10)] * 7
    line = LineInput("saas", "CC-IT", plan, actual, committed)
    result = forecast_line(line, closed=5)
    # run rate = mean(120, 130, 140) = 130; open month = 10 + 130 = 140; 7 open months.
    assert result.run_rate == D("130.00")
    assert result.forecast[:5] == actual[:5]
    assert result.forecast[5:] == [D("140.00")] * 7
    # 90+110+120+130+140 = 590; + 7 x 140 = 980; total 1570; budget 1200; variance 370.
    assert result.forecast_total == D("1570.00")
    assert result.budget == D(1200)
    assert result.variance == D("370.00")
    assert result.actual_to_date == D(590)
    assert result.plan_to_date == D(500)
    assert result.variance_to_date == D(90)


def test_committed_part_of_actuals_is_not_in_the_run_rate() -> None:
    actual = [D(300)] * 3 + [Z] * 9
    uncommitted = [D(100), D(50), D(0)] + [Z] * 9
    committed = [Z] * 3 + [D(200)] * 9
    line = LineInput("saas", "", [D(250)] * 12, actual, committed, uncommitted)
    result = forecast_line(line, closed=3)
    # run rate = (100 + 50 + 0) / 3 = 50; open month = 200 + 50 = 250.
    assert result.forecast[3] == D("250.00")
    assert result.forecast_total == D(900) + 9 * D(250)


def test_fewer_than_three_closed_months_and_none() -> None:
    assert run_rate([D(10), D(20)] + [Z] * 10, 2) == D(15)
    assert run_rate([Z] * 12, 0) is None
    line = LineInput("cloud", "", [D(100)] * 12, [Z] * 12, [D(120)] + [Z] * 11)
    result = forecast_line(line, closed=0)
    # No closed month: the plan, or the committed cost where it is higher.
    assert result.forecast[0] == D(120)
    assert result.forecast[1] == D(100)
    assert result.forecast_total == D(1220)


def test_overruns_above_the_threshold_only() -> None:
    base = [D(100)] * 12
    over = forecast_line(LineInput("cloud", "A", base, [D(110)] * 12), closed=12)  # +10 %
    under = forecast_line(LineInput("saas", "A", base, [D(104)] * 12), closed=12)  # +4 %
    unbudgeted = forecast_line(LineInput("other", "A", [Z] * 12, [D(1)] * 12), closed=12)
    found = overruns([over, under, unbudgeted], D("0.05"))
    assert [(f.category, f.variance) for f in found] == [("cloud", D(120)), ("other", D(12))]
    assert over.variance_share == D("0.1")
