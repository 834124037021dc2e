"""The money section of the cockpit's board report and executive brief (issue 15).

Registered from `registrations.py` with `core.registry.register_report_section`; the cockpit
knows no finance code. Only the money roles get the section (`rules.may_see_money`): for anyone
else the provider returns None and the report has no money section.

What it says, for the fiscal year that contains the start of the report's period, as of the
period's end (or today, when the period is not over):
- the budget of the latest version, actual to date, forecast to year end and the year-end
  variance (METRICS.md "Money"), and the same per category;
- actual against plan over the closed months of the report's period;
- the lines forecast to overrun and, in the executive brief, what drives them (vendors, cloud
  services, ledger accounts; `selectors.variance_drivers`);
- contracts inside their notice period or to cancel within 30 days, by vendor.
The board version holds no personal data: categories only (no cost center made of a few
people, no team's people cost), contracts without their owner.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from steward.core import policy
from steward.core.registry import KeyFigure, ReportPeriod, ReportSection
from steward.finance import rules, selectors

ZERO = Decimal(0)


def _today() -> date:
    return timezone.localdate()


def _as_of(period: ReportPeriod, today: date) -> date:
    return min(period.end, today)


def money_section(actor: policy.Actor, period: ReportPeriod) -> ReportSection | None:
    """The money section of a report for `actor`, or None when they may not see money or no
    fiscal year covers the start of the period."""
    if not rules.may_see_money(actor):
        return None
    fiscal_year = selectors.fiscal_year_of(actor=actor, day=period.start)
    if fiscal_year is None or not fiscal_year.start <= period.start < fiscal_year.end:
        return None  # no fiscal year covers the period: nothing to report on money
    as_of = _as_of(period, _today())
    report = selectors.plan_vs_actual(actor=actor, fiscal_year=fiscal_year, today=as_of)
    currency = report["currency"]
    months = report["months"]
    closed = report["closed"]
    in_period = [i for i, m in enumerate(months) if period.start <= m < period.end and i < closed]
    period_plan = sum((report["per_month"]["plan"][i] for i in in_period), ZERO)
    period_actual = sum((report["per_month"]["actual"][i] for i in in_period), ZERO)
    budget = report["budget"]
    variance = report["variance"]
    share = (variance / budget) if budget else None
    drivers = []
    if not period.board:
        found = selectors.variance_drivers(
            actor=actor, fiscal_year=fiscal_year, today=as_of, only_overruns=True, report=report
        )
        drivers = [line for line in found["lines"] if line["drivers"]]
    notices = [
        row
        for row in selectors.renewal_calendar(actor=actor, today=as_of)
        if row["alert"] in ("inside", "30")
    ]
    year = f"?year={fiscal_year.year}"
    plan_url = reverse("finance:plan_vs_actual") + year
    contracts_url = reverse("finance:contracts")
    html = render_to_string(
        "finance/report_section.html",
        {
            "report": report,
            "fiscal_year": fiscal_year,
            "as_of": as_of,
            "board": period.board,
            "currency": currency,
            "share": share,
            "period_plan": period_plan,
            "period_actual": period_actual,
            "period_months": [months[i] for i in in_period],
            "overruns": [] if period.board else report["overruns"],
            "overrun_count": len(report["overruns"]),
            "drivers": drivers,
            "notices": notices,
            "plan_url": plan_url,
            "drivers_url": reverse("finance:variance") + year,
            "contracts_url": contracts_url,
            "chart": _chart(report),
        },
    )

    def figure(key: str, label: str, value: Decimal | None, unit: str, url: str) -> KeyFigure:
        return KeyFigure(f"money.{key}", label, None if value is None else float(value), unit, url)

    return ReportSection(
        key="money",
        title="Money",
        html=html,
        order=40,
        figures=(
            figure("budget", f"budget FY{fiscal_year.year}", budget, currency, plan_url),
            figure("actual_to_date", "actual to date", report["actual_to_date"], currency,
                   plan_url),
            figure("forecast", "forecast to year end", report["forecast"], currency, plan_url),
            figure("variance", "variance at year end", variance, currency, plan_url),
            figure("variance_share", "variance at year end, share of budget",
                   None if share is None else round(share * 100, 1), "%", plan_url),
            figure("overruns", "budget lines forecast to overrun",
                   Decimal(len(report["overruns"])), "", plan_url),
            figure("notices", "contracts to cancel within 30 days or inside notice",
                   Decimal(len(notices)), "", contracts_url),
        ),
    )  # fmt: skip


def _chart(report: dict[str, Any]) -> str:
    from steward.finance import charts

    if not any(report["per_month"]["plan"]) and not any(report["per_month"]["actual"]):
        return ""
    return charts.monthly_svg(
        report["months"], report["per_month"], report["closed"], report["currency"]
    )
