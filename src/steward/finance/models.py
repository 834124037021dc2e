"""Budgets, exchange rates, actuals (ledger and FOCUS cloud bills), mapping rules, vendors.

Money is a Decimal amount with an ISO 4217 currency; reports convert to the reporting currency
at the rate of the month (`MonthlyRate`), and imports store the converted amount beside the
original so that pages aggregate without converting per request.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Q

MONEY = {"max_digits": 16, "decimal_places": 2}


class Category(models.TextChoices):
    PEOPLE = "people", "People"
    CLOUD = "cloud", "Cloud"
    SAAS = "saas", "SaaS"
    HARDWARE = "hardware", "Hardware"
    CONTRACTORS = "contractors", "Contractors"
    TRAINING = "training", "Training"
    RECRUITING = "recruiting", "Recruiting"
    OTHER = "other", "Other"
    UNALLOCATED = "unallocated", "Unallocated"


CATEGORY_CODES = [c.value for c in Category]


def add_months(day: date, n: int) -> date:
    """The first day of the month `n` months after `day`'s month."""
    index = day.year * 12 + (day.month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


class FiscalYear(models.Model):
    """Twelve months from `first_month` of `start_year`; named by the year it ends in when it
    does not start in January (FY2027 = Apr 2026 - Mar 2027), else by its calendar year."""

    year = models.PositiveIntegerField(unique=True)
    first_month = models.PositiveSmallIntegerField(default=1)
    currency = models.CharField(max_length=3, default="EUR")

    class Meta:
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_month__gte=1) & Q(first_month__lte=12),
                name="fiscal_year_first_month_1_12",
                violation_error_message="the first month is 1 (January) to 12 (December)",
            )
        ]

    def __str__(self) -> str:
        return f"FY{self.year}"

    @property
    def start(self) -> date:
        """The first day of the fiscal year."""
        start_year = self.year if self.first_month == 1 else self.year - 1
        return date(start_year, self.first_month, 1)

    @property
    def end(self) -> date:
        """The first day after the fiscal year."""
        return add_months(self.start, 12)

    @property
    def months(self) -> list[date]:
        """The first day of each of its twelve months, in order."""
        return [add_months(self.start, i) for i in range(12)]


class CostCenter(models.Model):
    """A cost center, optionally owned by a team (its people cost lands here)."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class VersionKind(models.TextChoices):
    BUDGET = "budget", "Budget"
    REFORECAST = "reforecast", "Reforecast"


class BudgetVersion(models.Model):
    """The budget of a fiscal year (number 0) or its reforecast N (number N)."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fiscal_year__year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "number"],
                name="budget_version_unique",
                violation_error_message="this version of the fiscal year exists already",
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.name}"

    @property
    def kind(self) -> str:
        """budget or reforecast."""
        return VersionKind.BUDGET if self.number == 0 else VersionKind.REFORECAST

    @property
    def name(self) -> str:
        """ "Budget" or "Reforecast N"."""
        return "Budget" if self.number == 0 else f"Reforecast {self.number}"


MONTH_FIELDS = [f"m{i:02d}" for i in range(1, 13)]


class BudgetLine(models.Model):
    """One line of a budget version: a category and cost center with a plan per fiscal month
    (`m01` is the fiscal year's first month), in `currency`."""

    version = models.ForeignKey(BudgetVersion, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(max_length=16, choices=Category.choices)
    cost_center = models.ForeignKey(
        CostCenter, null=True, blank=True, on_delete=models.PROTECT, related_name="budget_lines"
    )
    currency = models.CharField(max_length=3)
    note = models.CharField(max_length=200, blank=True)
    m01 = models.DecimalField(default=Decimal(0), max_digits=16, decimal_places=2)
    m02 = models.DecimalField(default=Decimal(0), max_digits=16, decimal_places=2)
    m03 = models.DecimalField(default=Decimal(0), max_digits=16, decimal_places=2)
    m04 = models.DecimalField(default=Decimal(0), max_digits=16, decimal_places=2)
    m05 = models.DecimalField(default=Decimal(0), max_digits=16, decimal_places=2)
    m06 = models.DecimalField(default=Decimal(0), max_digits=16, decimal_places=2)
    m07 = models.DecimalField(default=Decimal(0), max_digits=16, decimal_places=2)
    m08 = models.DecimalField(default=Decimal(0), max_digits=16, decimal_places=2)
    m09 = models.DecimalField(default=Decimal(0), max_digits=16, decimal_places=2)
    m10 = models.DecimalField(default=Decimal(0), max_digits=16, decimal_places=2)
    m11 = models.DecimalField(default=Decimal(0), max_digits=16, decimal_places=2)
    m12 = models.DecimalField(default=Decimal(0), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["version", "category", "cost_center__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "category", "cost_center"],
                name="budget_line_unique",
                violation_error_message="one line per category and cost center in a version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.category} {self.cost_center or ''}".strip()

    @property
    def amounts(self) -> list[Decimal]:
        """The twelve monthly amounts in fiscal order."""
        return [getattr(self, f) for f in MONTH_FIELDS]

    @property
    def total(self) -> Decimal:
        """The year's plan."""
        return sum(self.amounts, Decimal(0))


class MonthlyRate(models.Model):
    """Units of the reporting currency for one unit of `currency` in `month` (its first day)."""

    month = models.DateField()
    currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=14, decimal_places=6)

    class Meta:
        ordering = ["month", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "currency"],
                name="monthly_rate_unique",
                violation_error_message="one rate per currency and month",
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="monthly_rate_positive",
                violation_error_message="a rate must be positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: 1 {self.currency} = {self.rate}"


class RuleSource(models.TextChoices):
    LEDGER = "ledger", "General ledger"
    FOCUS = "focus", "Cloud bill (FOCUS)"


class MappingRule(models.Model):
    """Where a ledger or cloud-bill row goes: the first rule (lowest `priority`) whose `field`
    matches `pattern` (shell-style, `*` and `?`, case-insensitive) gives its targets.

    Ledger fields: account, vendor, cost_center, description. FOCUS fields: tag:<key>,
    sub_account, service, resource, provider.
    """

    source = models.CharField(max_length=8, choices=RuleSource.choices)
    priority = models.PositiveIntegerField(default=100)
    field = models.CharField(max_length=100)
    pattern = models.CharField(max_length=200)
    category = models.CharField(max_length=16, choices=Category.choices, blank=True)
    cost_center = models.ForeignKey(
        CostCenter, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    service = models.CharField(max_length=100, blank=True)
    initiative = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["source", "priority", "pk"]

    def __str__(self) -> str:
        return f"{self.source} {self.field} ~ {self.pattern}"


class LedgerEntry(models.Model):
    """One general-ledger row, mapped to a category (and cost center) at import."""

    key = models.CharField(max_length=64, unique=True)
    date = models.DateField(db_index=True)
    month = models.DateField(db_index=True)
    account = models.CharField(max_length=64)
    cost_center = models.ForeignKey(
        CostCenter, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vendor_name = models.CharField(max_length=200, blank=True)
    vendor = models.ForeignKey(
        "finance.Vendor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3)
    amount_reporting = models.DecimalField(max_digits=16, decimal_places=2)
    description = models.CharField(max_length=300, blank=True)
    category = models.CharField(max_length=16, choices=Category.choices)
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    initiative = models.CharField(max_length=64, blank=True)
    source_file = models.CharField(max_length=300, blank=True)
    line = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"{self.date} {self.account} {self.amount} {self.currency}"


class BillingPeriod(models.Model):
    """One imported FOCUS billing period of one billing account (re-importing replaces it)."""

    provider = models.CharField(max_length=100)
    billing_account = models.CharField(max_length=200)
    start = models.DateField()
    end = models.DateField()
    focus_version = models.CharField(max_length=8)
    digest = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    effective_cost = models.DecimalField(max_digits=16, decimal_places=2)
    billed_cost = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3)
    source_file = models.CharField(max_length=300, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "provider", "billing_account"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "billing_account", "start"],
                name="billing_period_unique",
                violation_error_message="this billing period is imported already",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.billing_account} {self.start:%Y-%m}"


class CloudCost(models.Model):
    """FOCUS rows of a billing period summed per charge month and allocation key.

    Aggregated at import (a million bill rows become a few thousand of these), so pages read
    sums, never the bill. `effective_cost` is for allocation and actuals, `billed_cost` for
    invoice reconciliation only (FORMATS.md 4.2).
    """

    period = models.ForeignKey(BillingPeriod, on_delete=models.CASCADE, related_name="costs")
    month = models.DateField(db_index=True)
    service_name = models.CharField(max_length=200)
    service_category = models.CharField(max_length=64, blank=True)
    sub_account = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cost_center = models.ForeignKey(
        CostCenter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    service = models.CharField(max_length=100, blank=True)
    initiative = models.CharField(max_length=64, blank=True)
    currency = models.CharField(max_length=3)
    effective_cost = models.DecimalField(max_digits=20, decimal_places=6)
    billed_cost = models.DecimalField(max_digits=20, decimal_places=6)
    effective_reporting = models.DecimalField(max_digits=16, decimal_places=2)
    rows = models.PositiveIntegerField(default=0)
    # FOCUS ConsumedQuantity summed over the rows of the group, all in `consumed_unit`
    # (the unit is part of the group); null when no row of the group carried a quantity.
    consumed_quantity = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    consumed_unit = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["month", "service_name"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.service_name} {self.effective_cost}"


class CommitmentCost(models.Model):
    """FOCUS 1.3 `ContractApplied`: what the rows of a billing period applied to one contract
    commitment in one charge month, summed at import (`ContractCommitmentAppliedCost` in the
    billing currency and converted; `...AppliedQuantity` in `applied_unit`).

    `contract_id` and `commitment_id` are the provider's; a Steward contract whose key equals
    either counts the applied cost as spend against it."""

    period = models.ForeignKey(BillingPeriod, on_delete=models.CASCADE, related_name="commitments")
    month = models.DateField(db_index=True)
    contract_id = models.CharField(max_length=200, blank=True)
    commitment_id = models.CharField(max_length=200)
    currency = models.CharField(max_length=3)
    applied_cost = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    applied_reporting = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    applied_quantity = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    applied_unit = models.CharField(max_length=64, blank=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["month", "commitment_id"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.commitment_id} {self.applied_cost}"


class VarianceThreshold(models.Model):
    """When a budget line is called out as forecast to overrun: its year-end variance
    (forecast − budget) is above `percent` of its budget and above `amount` (in the reporting
    currency), every limit set; at least one is set. A threshold without a cost center is the
    category's: it applies to each line of the category that has none of its own. Lines
    without any threshold use the default, 5 % (`DEFAULT_THRESHOLD_PERCENT`)."""

    category = models.CharField(max_length=16, choices=Category.choices)
    cost_center = models.ForeignKey(
        CostCenter, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    percent = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["category", "cost_center__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "cost_center"],
                name="variance_threshold_line_unique",
                violation_error_message="this line has a threshold already",
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=Q(cost_center__isnull=True),
                name="variance_threshold_category_unique",
                violation_error_message="this category has a threshold already",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=False) | Q(amount__isnull=False),
                name="variance_threshold_set",
                violation_error_message="give a percentage, an amount or both",
            ),
            models.CheckConstraint(
                condition=(Q(percent__isnull=True) | Q(percent__gte=0))
                & (Q(amount__isnull=True) | Q(amount__gte=0)),
                name="variance_threshold_not_negative",
                violation_error_message="a threshold cannot be negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.cost_center or ''}".strip()


DEFAULT_THRESHOLD_PERCENT = Decimal(5)


class ServiceUsage(models.Model):
    """A service's usage measure in one month (METRICS.md: unit cost = cost ÷ usage measure).

    `service` is the name the mapping rules give cloud cost (`CloudCost.service`), which is the
    catalog component's name when the catalog knows the service; `unit` names what is counted
    ("requests", "orders", "GB stored"); one measure per service and month.
    """

    service = models.CharField(max_length=100)
    month = models.DateField()
    quantity = models.DecimalField(max_digits=20, decimal_places=4)
    unit = models.CharField(max_length=50)
    source_file = models.CharField(max_length=300, blank=True)
    line = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["service", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "month"],
                name="service_usage_unique",
                violation_error_message="one usage measure per service and month",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="service_usage_not_negative",
                violation_error_message="a usage quantity cannot be negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.month:%Y-%m}: {self.quantity} {self.unit}"


class Vendor(models.Model):
    """A supplier."""

    name = models.CharField(max_length=200, unique=True)
    category = models.CharField(max_length=16, choices=Category.choices, default="other")
    website = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    """A vendor contract: dates, auto-renewal, notice period, annual value, owner.

    Cancel-by date = end date - notice period (METRICS.md); alerts 90, 60 and 30 days before.
    """

    key = models.CharField(max_length=64, unique=True)
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="contracts")
    title = models.CharField(max_length=200, blank=True)
    start = models.DateField()
    end = models.DateField()
    auto_renew = models.BooleanField(default=False)
    notice_days = models.PositiveIntegerField(default=0)
    annual_value = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3)
    category = models.CharField(max_length=16, choices=Category.choices, default="saas")
    cost_center = models.ForeignKey(
        CostCenter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.CharField(max_length=200, blank=True)
    data_processed = models.CharField(max_length=200, blank=True)
    last_security_review = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["end", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="contract_end_after_start",
                violation_error_message="the end date must be after the start date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.vendor}: {self.title or self.key}"

    @property
    def cancel_by(self) -> date:
        """The last day to give notice."""
        from datetime import timedelta

        return self.end - timedelta(days=self.notice_days)


class CapitalizationMethod(models.TextChoices):
    ASC_350_40 = "asc-350-40", "ASC 350-40 stage model"
    ASU_2025_06 = "asu-2025-06", "ASU 2025-06 (authorized and probable)"


class Capitalization(models.Model):
    """When an initiative's effort is capitalized (internal-use software, METRICS.md):
    from the start of its development stage (ASC 350-40) or from the date funding was
    authorized and completion probable (ASU 2025-06), until go-live; the rest is expensed."""

    initiative = models.CharField(max_length=64, unique=True)
    method = models.CharField(
        max_length=16, choices=CapitalizationMethod.choices, default=CapitalizationMethod.ASC_350_40
    )
    capitalize_from = models.DateField()
    go_live = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["initiative"]

    def __str__(self) -> str:
        return f"{self.initiative}: {self.capitalize_from} - {self.go_live or 'open'}"


class VendorEvaluation(models.Model):
    """A comparison of vendors for one need: per vendor, a score (0-5) per weighted criterion.

    `scores` is {vendor name: {criterion: score}}; `weights` is {criterion: weight}.
    """

    key = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    date = models.DateField()
    weights = models.JSONField(default=dict)
    scores = models.JSONField(default=dict)
    decision_number = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "key"]

    def __str__(self) -> str:
        return self.title
