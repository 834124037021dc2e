"""Forecast to year end and variance (METRICS.md "Money"). Plain data in and out, no Django.

Forecast to year end = actuals of the closed months + for each open month: committed cost
(contract payments due, people cost) + run rate of the rest, the run rate being the mean of
the last 3 closed months of the line's cost that is not committed. With fewer than three
closed months the mean is over those there are; with none, an open month's run rate is the
line's plan for that month minus its committed cost (never below zero).
Variance at year end = forecast - budget; variance to date = actual - plan over closed months.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from steward.finance.money import cents

RUN_RATE_MONTHS = 3
ZERO = Decimal(0)


@dataclass(frozen=True)
class LineInput:
    """One budget line's twelve months: plan, actual, committed and the actual not committed."""

    category: str
    cost_center: str
    plan: Sequence[Decimal]
    actual: Sequence[Decimal]
    committed: Sequence[Decimal] = field(default_factory=lambda: [ZERO] * 12)
    uncommitted_actual: Sequence[Decimal] | None = None  # default: all of `actual`


@dataclass(frozen=True)
class LineForecast:
    """The forecast of a line per month and its totals."""

    category: str
    cost_center: str
    plan: list[Decimal]
    actual: list[Decimal]
    forecast: list[Decimal]
    run_rate: Decimal
    budget: Decimal
    plan_to_date: Decimal
    actual_to_date: Decimal
    forecast_total: Decimal

    @property
    def variance(self) -> Decimal:
        """Year-end forecast - budget."""
        return self.forecast_total - self.budget

    @property
    def variance_share(self) -> Decimal | None:
        """(forecast - budget) / budget, None without a budget."""
        return None if self.budget == 0 else self.variance / self.budget

    @property
    def variance_to_date(self) -> Decimal:
        """Actual - plan over the closed months."""
        return self.actual_to_date - self.plan_to_date


def run_rate(uncommitted: Sequence[Decimal], closed: int) -> Decimal | None:
    """Mean of the last (up to) 3 closed months; None when no month is closed."""
    window = list(uncommitted[max(0, closed - RUN_RATE_MONTHS) : closed])
    if not window:
        return None
    return sum(window, ZERO) / len(window)


def forecast_line(line: LineInput, closed: int) -> LineForecast:
    """The forecast of one line with `closed` months (0..12) closed."""
    uncommitted = line.uncommitted_actual if line.uncommitted_actual is not None else line.actual
    rate = run_rate(uncommitted, closed)
    months: list[Decimal] = []
    for i in range(12):
        if i < closed:
            months.append(line.actual[i])
        elif rate is None:
            months.append(max(line.plan[i], line.committed[i]))
        else:
            months.append(cents(line.committed[i] + rate))
    return LineForecast(
        category=line.category,
        cost_center=line.cost_center,
        plan=list(line.plan),
        actual=list(line.actual),
        forecast=months,
        run_rate=cents(rate) if rate is not None else ZERO,
        budget=sum(line.plan, ZERO),
        plan_to_date=sum(line.plan[:closed], ZERO),
        actual_to_date=sum(line.actual[:closed], ZERO),
        forecast_total=sum(months, ZERO),
    )


@dataclass(frozen=True)
class Threshold:
    """When a line's year-end variance calls it out: above `percent` of its budget and above
    `amount`, every limit that is set (None: not set). A line without budget is above any
    percentage as soon as anything is forecast."""

    percent: Decimal | None = Decimal(5)
    amount: Decimal | None = None

    def exceeded(self, variance: Decimal, budget: Decimal) -> bool:
        """Whether a variance (forecast − budget) of a line with `budget` is above it."""
        if variance <= 0:
            return False
        if self.percent is not None and budget != 0 and variance * 100 / budget <= self.percent:
            return False
        return self.amount is None or variance > self.amount


def overruns(
    lines: Sequence[LineForecast],
    threshold: Decimal | Threshold | Callable[[LineForecast], Threshold],
) -> list[LineForecast]:
    """Lines forecast above their budget by more than their threshold: one for all (a share,
    0.05 = 5 %, or a `Threshold`) or one per line (a function of the line); a line without
    budget overruns as soon as anything is forecast (above its amount, if one is set)."""
    if isinstance(threshold, Decimal):
        threshold = Threshold(percent=threshold * 100)
    found = []
    for line in lines:
        limit = threshold if isinstance(threshold, Threshold) else threshold(line)
        if limit.exceeded(line.variance, line.budget):
            found.append(line)
    return found
