"""The finance API under /api/v1/finance (read): fiscal years, budget lines, plan vs actual,
forecast, costs, billing periods, vendors and contracts. Money roles only (finance, cto,
admin, executive); others get 403."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.errors import HttpError

from steward.core.filters import filter_rows
from steward.core.pagination import paginate
from steward.core.periods import parse_period
from steward.finance import rules, selectors
from steward.finance.filtersets import ContractFilterSet
from steward.finance.models import MONTH_FIELDS
from steward.finance.schemas import (
    BillingPeriodPage,
    BudgetLinePage,
    ContractPage,
    CostsOut,
    FiscalYearPage,
    ForecastOut,
    PlanVsActualPage,
    UnitCostsOut,
    VarianceDriversOut,
    VendorPage,
)

router = Router(tags=["finance"])


def _require(request: HttpRequest) -> None:
    if not rules.may_see_money(request.user):
        raise PermissionDenied("budgets and costs are for finance, the CTO and executives")


def _fy(request: HttpRequest, year: int | None) -> Any:
    fy = (
        selectors.fiscal_year_get(actor=request.user, year=year)
        if year is not None
        else selectors.fiscal_year_of(actor=request.user, day=date.today())
    )
    if fy is None:
        raise Http404("no such fiscal year")
    return fy


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@router.get(
    "/fiscal-years",
    response=FiscalYearPage,
    exclude_unset=True,
    url_name="finance_fiscal_years",
)
def fiscal_years(request: HttpRequest, limit: int | None = None, offset: int | None = None) -> Any:
    """Fiscal years with their first month, currency and versions."""
    _require(request)
    rows = selectors.fiscal_year_list(actor=request.user).prefetch_related("versions")
    return paginate(
        rows,
        limit=limit,
        offset=offset,
        render=lambda fy: {
            "year": fy.year,
            "first_month": fy.first_month,
            "start": fy.start.isoformat(),
            "currency": fy.currency,
            "versions": [{"number": v.number, "name": v.name} for v in fy.versions.all()],
        },
    )


@router.get(
    "/budget-lines",
    response=BudgetLinePage,
    exclude_unset=True,
    url_name="finance_budget_lines",
)
def budget_line_list(
    request: HttpRequest,
    year: int | None = None,
    version: int | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> Any:
    """The lines of a version (default: the latest of the current fiscal year), months in order."""
    _require(request)
    fy = _fy(request, year)
    versions = selectors.version_list(actor=request.user, fiscal_year=fy)
    chosen = (
        versions.filter(number=version).first()
        if version is not None
        else versions.order_by("-number").first()
    )
    if chosen is None:
        raise Http404("no such version")
    months = fy.months
    return paginate(
        selectors.budget_lines(actor=request.user, version=chosen),
        limit=limit,
        offset=offset,
        render=lambda line: {
            "year": fy.year,
            "version": chosen.number,
            "category": line.category,
            "cost_center": line.cost_center.code if line.cost_center else None,
            "currency": line.currency,
            "months": {
                m.strftime("%Y-%m"): str(getattr(line, f))
                for m, f in zip(months, MONTH_FIELDS, strict=True)
            },
            "total": str(line.total),
        },
    )


@router.get(
    "/plan-vs-actual",
    response=PlanVsActualPage,
    exclude_unset=True,
    url_name="finance_plan_vs_actual",
)
def plan_vs_actual(
    request: HttpRequest,
    year: int | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> Any:
    """Per line: plan, actual, forecast per month, budget, forecast total, variance; year totals."""
    _require(request)
    report = selectors.plan_vs_actual(actor=request.user, fiscal_year=_fy(request, year))
    page = paginate(
        report["lines"],
        limit=limit,
        offset=offset,
        render=lambda r: _plain(
            {k: v for k, v in r.items() if k not in ("category_label", "cost_center_name")}
        ),
    )
    page.update(
        _plain(
            {
                k: report[k]
                for k in (
                    "year",
                    "currency",
                    "closed",
                    "budget",
                    "actual_to_date",
                    "forecast",
                    "variance",
                )
            }
        )
    )
    return page


@router.get(
    "/forecast",
    response=ForecastOut,
    exclude_unset=True,
    url_name="finance_forecast",
)
def forecast(request: HttpRequest, year: int | None = None) -> Any:
    """CONTRACT.md's forecast: year, currency, budget, actual_to_date, forecast, variance, lines."""
    _require(request)
    return _plain(selectors.forecast_json(actor=request.user, fiscal_year=_fy(request, year)))


@router.get(
    "/costs",
    response=CostsOut,
    exclude_unset=True,
    by_alias=True,
    url_name="finance_costs",
)
def costs(request: HttpRequest, by: str = "team") -> Any:
    """Cost per team, service, initiative, provider or category over `from`..`to`."""
    _require(request)
    if by not in ("team", "service", "initiative", "provider", "category"):
        raise HttpError(422, "by: one of team, service, initiative, provider, category")
    start, end = parse_period(request.GET.get("from"), request.GET.get("to"))
    return _plain(selectors.costs_json(actor=request.user, start=start, end=end, by=by))


@router.get(
    "/billing-periods",
    response=BillingPeriodPage,
    exclude_unset=True,
    url_name="finance_billing_periods",
)
def billing_periods(
    request: HttpRequest, limit: int | None = None, offset: int | None = None
) -> Any:
    """Imported FOCUS billing periods."""
    _require(request)
    rows = selectors._visible(request.user, "BillingPeriod").order_by("start", "provider")
    return paginate(
        rows,
        limit=limit,
        offset=offset,
        render=lambda p: _plain(
            {
                "provider": p.provider,
                "billing_account": p.billing_account,
                "start": p.start,
                "end": p.end,
                "focus_version": p.focus_version,
                "rows": p.rows,
                "effective_cost": p.effective_cost,
                "billed_cost": p.billed_cost,
                "currency": p.currency,
            }
        ),
    )


@router.get(
    "/contracts",
    response=ContractPage,
    exclude_unset=True,
    url_name="finance_contracts",
)
def contract_list(
    request: HttpRequest,
    limit: int | None = None,
    offset: int | None = None,
    vendor: str | None = Query(  # type: ignore[type-arg]
        None, description="The vendor's name, ignoring case (GET /api/v1/finance/vendors)"
    ),
    category: str | None = Query(  # type: ignore[type-arg]
        None,
        description="The category: people, cloud, saas, hardware, contractors, training, "
        "recruiting "
        "or other",
    ),
) -> Any:
    """Contracts with their cancel-by date; `vendor` and `category` are the contracts page's
    filters (finance.filtersets.ContractFilterSet)."""
    _require(request)
    if vendor is not None:
        # The page's select sends the vendor's row; the API names it.
        found = selectors.vendor_list(actor=request.user).filter(name__iexact=vendor.strip())
        row = found.values_list("pk", flat=True).first()
        vendor = str(row) if row is not None else f"name {vendor}"
    rows = filter_rows(
        ContractFilterSet,
        selectors.contract_list(actor=request.user),
        actor=request.user,
        vendor=vendor,
        category=category,
    )
    return paginate(
        rows,
        limit=limit,
        offset=offset,
        render=lambda c: _plain(
            {
                "key": c.key,
                "vendor": c.vendor.name,
                "title": c.title,
                "start": c.start,
                "end": c.end,
                "auto_renew": c.auto_renew,
                "notice_days": c.notice_days,
                "cancel_by": c.cancel_by,
                "annual_value": c.annual_value,
                "currency": c.currency,
                "category": c.category,
                "owner": c.owner,
                "data_processed": c.data_processed,
                "last_security_review": c.last_security_review,
            }
        ),
    )


@router.get(
    "/vendors",
    response=VendorPage,
    exclude_unset=True,
    url_name="finance_vendors",
)
def vendor_list(request: HttpRequest, limit: int | None = None, offset: int | None = None) -> Any:
    """Vendors."""
    _require(request)
    return paginate(
        selectors.vendor_list(actor=request.user),
        limit=limit,
        offset=offset,
        render=lambda v: {"name": v.name, "category": v.category, "website": v.website},
    )


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def _closed_period(fy: Any) -> tuple[date, date]:
    today = _today().replace(day=1)
    return fy.start, min(fy.end, today)


@router.get(
    "/unit-costs",
    response=UnitCostsOut,
    exclude_unset=True,
    by_alias=True,
    url_name="finance_unit_costs",
)
def unit_costs(request: HttpRequest, year: int | None = None) -> Any:
    """Cost per service over the closed months of a fiscal year and, where a usage measure
    exists, its unit cost (cost ÷ usage over the months measured); `url` is the evidence."""
    from django.urls import reverse

    _require(request)
    fy = _fy(request, year)
    start, end = _closed_period(fy)
    report = selectors.unit_costs(actor=request.user, start=start, end=end)
    return _plain(
        {
            "year": fy.year,
            "from": report["from"],
            "to": report["to"],
            "currency": report["currency"],
            "no_service": report["no_service"],
            "services": [
                {
                    "service": r["service"],
                    "catalog": r["component"].ref if r["component"] else None,
                    "cost": r["cost"],
                    "usage": r["usage"],
                    "unit": r["unit"] or None,
                    "unit_cost": r["unit_cost"],
                    "months_without_usage": r["months_without_usage"],
                    "consumed": [
                        {k: c[k] for k in ("unit", "quantity", "cost", "unit_cost")}
                        for c in r["consumed"]
                    ],
                    "url": reverse("finance:service", args=[r["service"]]) + f"?year={fy.year}",
                }
                for r in report["services"]
            ],
        }
    )


@router.get(
    "/variance-drivers",
    response=VarianceDriversOut,
    exclude_unset=True,
    url_name="finance_variance_drivers",
)
def variance_drivers(request: HttpRequest, year: int | None = None, limit: int = 5) -> Any:
    """Per line with a variance: budget, forecast, variance and the components driving it
    (vendor, account, service or team; change a month and effect to year end)."""
    _require(request)
    fy = _fy(request, year)
    report = selectors.variance_drivers(
        actor=request.user, fiscal_year=fy, today=_today(), limit=max(1, min(limit, 50))
    )
    keys = ("category", "cost_center", "budget", "forecast_total", "variance", "variance_share",
            "overrun", "threshold", "summary")  # fmt: skip
    driver_keys = ("kind", "key", "name", "actual_to_date", "earlier", "recent", "change",
                   "effect")  # fmt: skip
    return _plain(
        {
            "year": report["year"],
            "currency": report["currency"],
            "closed_months": report["closed"],
            "lines": [
                {
                    **{k: line[k] for k in keys},
                    "drivers": [{k: d[k] for k in driver_keys} for d in line["drivers"]],
                }
                for line in report["lines"]
            ],
        }
    )
