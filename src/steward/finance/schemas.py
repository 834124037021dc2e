"""API schemas of finance (money roles only). Amounts are decimal strings ("4923.00") in the
reporting or the stated currency, as CONTRACT.md writes them; days are YYYY-MM-DD."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema


class FiscalYearVersion(Schema):
    """A version of a fiscal year's budget (0 the budget, then the reforecasts)."""

    number: int
    name: str


class FiscalYearOut(Schema):
    """A fiscal year: its first month (1-12), first day, currency and versions."""

    year: int
    first_month: int
    start: date
    currency: str
    versions: list[FiscalYearVersion]


class FiscalYearPage(Schema):
    """One page of fiscal years and the total count."""

    items: list[FiscalYearOut]
    count: int


class BudgetLineOut(Schema):
    """A budget line of a version: the amount per month (YYYY-MM, in fiscal order) and total."""

    year: int
    version: int
    category: str
    cost_center: str | None
    currency: str
    months: dict[str, str]
    total: str


class BudgetLinePage(Schema):
    """One page of budget lines and the total count."""

    items: list[BudgetLineOut]
    count: int


class LineThreshold(Schema):
    """The variance threshold a line is flagged by: a percentage of its budget and/or an
    amount in the reporting currency (null: not set), every limit set must be exceeded;
    `source` says whose it is: `line`, `category` or `default` (5 %)."""

    percent: str | None
    amount: str | None
    source: str


class PlanVsActualLine(Schema):
    """A line (category × cost center; "" no cost center): plan, actual and forecast per
    month of the fiscal year, with totals. The actual figures are null (and `suppressed`)
    where they would tell one person's pay."""

    category: str
    cost_center: str
    plan: list[str]
    actual: list[str] | None
    forecast: list[str] | None
    budget: str
    plan_to_date: str
    actual_to_date: str | None
    forecast_total: str | None
    variance: str | None
    variance_share: str | None
    run_rate: str | None
    overrun: bool
    threshold: LineThreshold
    suppressed: bool


class PlanVsActualPage(Schema):
    """One page of lines, the count, and the year's totals (`closed`: months closed)."""

    items: list[PlanVsActualLine]
    count: int
    year: int
    currency: str
    closed: int
    budget: str
    actual_to_date: str
    forecast: str
    variance: str


class ForecastLine(Schema):
    """The forecast of one category; `overrun` when its variance is above the category's
    threshold (`threshold_percent` of its budget and/or `threshold_amount`; default 5 %)."""

    category: str
    budget: str
    actual_to_date: str
    forecast: str
    variance: str
    overrun: bool
    threshold_percent: str | None
    threshold_amount: str | None


class ForecastOut(Schema):
    """CONTRACT.md `steward finance forecast --json`."""

    year: int
    currency: str
    version: str | None
    closed_months: int
    budget: str
    actual_to_date: str
    forecast: str
    variance: str
    lines: list[ForecastLine]


class CostGroup(Schema):
    """The cost of one team, service, initiative, provider or category."""

    key: str | None
    amount: str | None


class CostsOut(Schema):
    """CONTRACT.md `steward finance costs --json` over [from, to)."""

    from_: date = Field(alias="from")
    to: date
    currency: str
    total: str
    unallocated: str
    groups: list[CostGroup]


class BillingPeriodOut(Schema):
    """An imported FOCUS billing period."""

    provider: str
    billing_account: str
    start: date
    end: date
    focus_version: str
    rows: int
    effective_cost: str
    billed_cost: str
    currency: str


class BillingPeriodPage(Schema):
    """One page of billing periods and the total count."""

    items: list[BillingPeriodOut]
    count: int


class ContractOut(Schema):
    """A contract with its cancel-by day (end minus notice)."""

    key: str
    vendor: str
    title: str
    start: date
    end: date
    auto_renew: bool
    notice_days: int
    cancel_by: date
    annual_value: str
    currency: str
    category: str
    owner: str
    data_processed: str
    last_security_review: date | None


class ContractPage(Schema):
    """One page of contracts and the total count."""

    items: list[ContractOut]
    count: int


class VendorOut(Schema):
    """A vendor."""

    name: str
    category: str
    website: str


class VendorPage(Schema):
    """One page of vendors and the total count."""

    items: list[VendorOut]
    count: int


class ConsumedUsage(Schema):
    """Usage of a service as its cloud bills count it (FOCUS ConsumedQuantity in one
    ConsumedUnit), the EffectiveCost of the rows that carry it and the unit cost (cost ÷
    quantity, six decimals; null when the quantity is 0)."""

    unit: str
    quantity: str
    cost: str
    unit_cost: str | None


class ServiceUnitCost(Schema):
    """The cost of one service and, where usage is measured, its unit cost; `url` the page
    that shows the evidence."""

    service: str
    catalog: str | None
    cost: str
    usage: str | None
    unit: str | None
    unit_cost: str | None
    months_without_usage: int
    consumed: list[ConsumedUsage]
    url: str


class UnitCostsOut(Schema):
    """Cost per service over the closed months [from, to) of a fiscal year."""

    year: int
    from_: date = Field(alias="from")
    to: date
    currency: str
    no_service: str
    services: list[ServiceUnitCost]


class VarianceDriver(Schema):
    """A component driving a variance (vendor, account, service or team): actual to date,
    the mean of the earlier and the recent months, the change and its effect to year end."""

    kind: str
    key: str | None
    name: str | None
    actual_to_date: str | None
    earlier: str | None
    recent: str | None
    change: str | None
    effect: str | None


class VarianceLine(Schema):
    """A line with a variance and what drives it."""

    category: str
    cost_center: str
    budget: str
    forecast_total: str | None
    variance: str | None
    variance_share: str | None
    overrun: bool
    threshold: LineThreshold
    summary: str
    drivers: list[VarianceDriver]


class VarianceDriversOut(Schema):
    """Variance drivers of a fiscal year (`closed_months`: months closed)."""

    year: int
    currency: str
    closed_months: int
    lines: list[VarianceLine]
