"""Finance forms; every write goes through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.safestring import mark_safe

from steward.core.forms import ServiceForm, date_input
from steward.finance import services
from steward.finance.models import (
    CATEGORY_CODES,
    MONTH_FIELDS,
    BudgetLine,
    BudgetVersion,
    Category,
    CostCenter,
    RuleSource,
)

CATEGORY_CHOICES = [(c.value, c.label) for c in Category if c.value != "unallocated"]


def _center_choices() -> list[tuple[str, str]]:
    return [("", "No cost center")] + [
        (c.code, c.name) for c in CostCenter.objects.order_by("code")
    ]


class BudgetLineForm(forms.Form):
    """One row of the budget grid: category, cost center, twelve months, delete."""

    line_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(choices=CATEGORY_CHOICES)
    cost_center = forms.ChoiceField(required=False, choices=())
    delete = forms.BooleanField(required=False, label="Remove")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cost_center"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _center_choices()
        for name in MONTH_FIELDS:
            self.fields[name] = forms.DecimalField(
                required=False,
                max_digits=14,
                decimal_places=2,
                min_value=Decimal(0),
                widget=forms.NumberInput(attrs={"step": "0.01", "class": "grid-amount"}),
            )


BudgetGrid = forms.formset_factory(BudgetLineForm, extra=2)


def grid_initial(lines: list[BudgetLine]) -> list[dict[str, Any]]:
    """The grid's rows from stored lines."""
    return [
        {
            "line_id": line.pk,
            "category": line.category,
            "cost_center": line.cost_center.code if line.cost_center else "",
            **{name: getattr(line, name) for name in MONTH_FIELDS},
        }
        for line in lines
    ]


def grid_save(*, actor: Any, version: BudgetVersion, grid: Any) -> int:
    """Write the grid's rows through the services (in the caller's transaction)."""
    centers = {c.code: c for c in CostCenter.objects.all()}
    lines = {line.pk: line for line in version.lines.all()}
    saved = 0
    seen: dict[tuple[str, str], int] = {}
    for index, form in enumerate(grid.forms):
        data = form.cleaned_data
        if not data:
            continue
        line = lines.get(data.get("line_id") or -1)
        if data.get("delete"):
            if line is not None:
                services.budget_line_delete(actor=actor, line=line)
            continue
        amounts = [data.get(name) or Decimal(0) for name in MONTH_FIELDS]
        if line is None and not any(amounts):
            continue
        key = (data["category"], data.get("cost_center") or "")
        if key in seen:
            form.add_error("category", f"the same category and cost center as row {seen[key] + 1}")
            raise services.FinanceError("two rows for one line")
        seen[key] = index
        services.budget_line_save(
            actor=actor,
            version=version,
            category=data["category"],
            cost_center=centers.get(data.get("cost_center") or ""),
            amounts=amounts,
            line=line,
        )
        saved += 1
    return saved


class FiscalYearForm(ServiceForm):
    """A new fiscal year."""

    year = forms.IntegerField(min_value=2000, max_value=2100, help_text="e.g. 2027")
    first_month = forms.TypedChoiceField(
        coerce=int,
        choices=[
            (i, m)
            for i, m in enumerate(
                [
                    "January",
                    "February",
                    "March",
                    "April",
                    "May",
                    "June",
                    "July",
                    "August",
                    "September",
                    "October",
                    "November",
                    "December",
                ],
                start=1,
            )
        ],
        help_text="the month the fiscal year starts in",
    )
    currency = forms.CharField(max_length=3, initial="EUR")

    def perform(self, data: dict[str, Any]) -> Any:
        return services.fiscal_year_create(
            actor=self.actor,
            year=data["year"],
            first_month=data["first_month"],
            currency=data["currency"],
        )


class CostCenterForm(ServiceForm):
    """A cost center and the team whose people cost it carries."""

    code = forms.CharField(max_length=32)
    name = forms.CharField(max_length=200)
    team = forms.ChoiceField(required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from steward.org import selectors as org

        field = self.fields["team"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "No team"),
            *sorted(org.team_names_by_slug().items(), key=lambda c: c[1]),
        ]

    def perform(self, data: dict[str, Any]) -> Any:
        from steward.org import selectors as org

        team = org.team_by_slug(data["team"]) if data.get("team") else None
        return services.cost_center_upsert(
            actor=self.actor, code=data["code"], name=data["name"], team=team
        )


class RateForm(ServiceForm):
    """A monthly exchange rate."""

    month = forms.DateField(widget=date_input(), help_text="any day of the month")
    currency = forms.CharField(max_length=3)
    rate = forms.DecimalField(
        max_digits=14,
        decimal_places=6,
        min_value=Decimal("0.000001"),
        help_text="units of the reporting currency for one unit",
    )

    def perform(self, data: dict[str, Any]) -> Any:
        return services.rate_set(
            actor=self.actor, month=data["month"], currency=data["currency"], rate=data["rate"]
        )


class RuleForm(ServiceForm):
    """A mapping rule for ledger or cloud-bill rows."""

    source = forms.ChoiceField(choices=RuleSource.choices)
    priority = forms.IntegerField(min_value=0, initial=100, help_text="lower runs first")
    field = forms.CharField(
        max_length=100,
        help_text=mark_safe(
            "ledger: <code>account</code>, <code>vendor</code>, <code>cost_center</code>, "
            "<code>description</code>; cloud: <code>tag:KEY</code>, <code>sub_account</code>, "
            "<code>service</code>, <code>resource</code>, <code>provider</code>"
        ),
    )
    pattern = forms.CharField(
        max_length=200, help_text="* and ? match anything; case does not matter"
    )
    category = forms.ChoiceField(
        required=False, choices=[("", "—"), *[(c, c) for c in CATEGORY_CODES]]
    )
    cost_center = forms.ChoiceField(required=False, choices=())
    team = forms.ChoiceField(required=False, choices=())
    service = forms.CharField(max_length=100, required=False)
    initiative = forms.CharField(max_length=64, required=False, help_text="initiative key")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from steward.org import selectors as org

        centers = self.fields["cost_center"]
        teams = self.fields["team"]
        assert isinstance(centers, forms.ChoiceField) and isinstance(teams, forms.ChoiceField)
        centers.choices = _center_choices()
        teams.choices = [
            ("", "No team"),
            *sorted(org.team_names_by_slug().items(), key=lambda c: c[1]),
        ]

    def perform(self, data: dict[str, Any]) -> Any:
        from steward.org import selectors as org

        return services.rule_create(
            actor=self.actor,
            source=data["source"],
            priority=data["priority"],
            field=data["field"].strip().lower(),
            pattern=data["pattern"].strip(),
            category=data.get("category") or "",
            cost_center=CostCenter.objects.filter(code=data.get("cost_center") or "").first(),
            team=org.team_by_slug(data["team"]) if data.get("team") else None,
            service=data.get("service") or "",
            initiative=data.get("initiative") or "",
        )
