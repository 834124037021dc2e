"""Finance forms; every write goes through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db import transaction
from django.utils.safestring import mark_safe

from steward.core.forms import ServiceForm, date_input
from steward.finance import services
from steward.finance.models import (
    CATEGORY_CODES,
    MONTH_FIELDS,
    BudgetLine,
    BudgetVersion,
    Category,
    Contract,
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


class ContractForm(ServiceForm):
    """A vendor contract: dates, notice period, auto-renewal, annual value, owner, data."""

    key = forms.CharField(
        max_length=64, help_text="the contract's identifier (a FOCUS contract id matches it)"
    )
    vendor = forms.CharField(max_length=200, help_text="a vendor not known yet is created")
    title = forms.CharField(max_length=200, required=False)
    start = forms.DateField(widget=date_input())
    end = forms.DateField(widget=date_input(), help_text="the first day it no longer runs")
    notice_days = forms.IntegerField(
        min_value=0, initial=30, label="Notice period (days)", help_text="cancel-by = end − notice"
    )
    auto_renew = forms.BooleanField(required=False, label="Renews automatically")
    annual_value = forms.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal(0))
    currency = forms.CharField(max_length=3)
    category = forms.ChoiceField(choices=CATEGORY_CHOICES, initial="saas")
    cost_center = forms.ChoiceField(required=False, choices=())
    owner = forms.CharField(max_length=200, required=False)
    data_processed = forms.CharField(max_length=200, required=False)
    last_security_review = forms.DateField(widget=date_input(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cost_center"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _center_choices()
        if self.instance is not None:
            self.fields["key"].disabled = True

    @staticmethod
    def initial_of(contract: Any) -> dict[str, Any]:
        """The form's values for an existing contract."""
        names = (
            "key", "title", "start", "end", "notice_days", "auto_renew", "annual_value",
            "currency", "category", "owner", "data_processed", "last_security_review",
        )  # fmt: skip
        return {
            **{n: getattr(contract, n) for n in names},
            "vendor": contract.vendor.name,
            "cost_center": contract.cost_center.code if contract.cost_center else "",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", "the end date must be after the start date")
        return data

    def perform(self, data: dict[str, Any]) -> Any:
        code = data.get("cost_center")
        values = {
            "title": data.get("title") or "",
            "start": data["start"],
            "end": data["end"],
            "notice_days": data["notice_days"],
            "auto_renew": bool(data.get("auto_renew")),
            "annual_value": data["annual_value"],
            "currency": data["currency"],
            "category": data["category"],
            "cost_center": CostCenter.objects.get(code=code) if code else None,
            "owner": data.get("owner") or "",
            "data_processed": data.get("data_processed") or "",
            "last_security_review": data.get("last_security_review"),
        }
        key = self.instance.key if self.instance is not None else data["key"].strip()
        if self.instance is None and Contract.objects.filter(key=key).exists():
            raise services.FinanceError(
                f"contract {key} exists already",
                fields={"key": [f"{key} exists already: change it from its own page"]},
            )
        return services.contract_save(
            actor=self.actor, key=key, vendor_name=data["vendor"], values=values
        )


class ThresholdForm(ServiceForm):
    """A budget line's (or a category's) variance threshold."""

    category = forms.ChoiceField(choices=CATEGORY_CHOICES)
    cost_center = forms.ChoiceField(
        required=False,
        choices=(),
        help_text="none: every line of the category without a threshold of its own",
    )
    percent = forms.DecimalField(
        required=False,
        max_digits=7,
        decimal_places=2,
        label="Percentage of the budget",
        help_text="flag the line when the variance at year end is above this share of its budget",
    )
    amount = forms.DecimalField(
        required=False,
        max_digits=16,
        decimal_places=2,
        label="Amount",
        help_text="and above this amount in the reporting currency (both when both are given)",
    )
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cost_center"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Every line of the category"), *_center_choices()[1:]]

    def perform(self, data: dict[str, Any]) -> Any:
        code = data.get("cost_center")
        center = CostCenter.objects.get(code=code) if code else None
        return services.threshold_set(
            actor=self.actor,
            category=data["category"],
            cost_center=center,
            percent=data.get("percent"),
            amount=data.get("amount"),
            note=data.get("note") or "",
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


# --- vendor evaluations ------------------------------------------------------------------------

SCORE_HELP = "0 (fails) to 5 (excellent)"


class EvaluationForm(ServiceForm):
    """A new vendor evaluation: its key, title, date and the vendors compared."""

    key = forms.SlugField(max_length=64, help_text="a short identifier, e.g. observability-2026")
    title = forms.CharField(max_length=200)
    date = forms.DateField(widget=date_input())
    vendors = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="one vendor per line"
    )
    criteria = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="one criterion per line, with its weight after a colon: Cost: 3",
    )

    def clean_vendors(self) -> list[str]:
        names = [n.strip() for n in self.cleaned_data["vendors"].splitlines() if n.strip()]
        if not names:
            raise forms.ValidationError("name at least one vendor")
        if len({n.lower() for n in names}) != len(names):
            raise forms.ValidationError("a vendor is listed twice")
        return names

    def clean_criteria(self) -> dict[str, Decimal]:
        found: dict[str, Decimal] = {}
        for number, text in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            if not text.strip():
                continue
            name, _, weight = text.rpartition(":")
            try:
                value = Decimal(weight.strip())
            except ArithmeticError:
                value = Decimal(-1)
            if not name.strip() or value <= 0:
                raise forms.ValidationError(
                    f"line {number}: write the criterion, a colon and a weight above 0 (Cost: 3)"
                )
            found[name.strip()] = value
        return found

    def perform(self, data: dict[str, Any]) -> Any:
        return services.evaluation_save(
            actor=self.actor,
            key=data["key"],
            title=data["title"],
            date=data["date"],
            weights=data["criteria"],
            scores={vendor: {} for vendor in data["vendors"]},
        )


class CriterionForm(forms.Form):
    """One row of the evaluation grid: a criterion, its weight and each vendor's score."""

    name = forms.CharField(max_length=100, required=False, label="Criterion")
    weight = forms.DecimalField(
        required=False, max_digits=6, decimal_places=2, min_value=Decimal("0.01")
    )
    delete = forms.BooleanField(required=False, label="Remove")

    def __init__(self, *args: Any, vendors: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vendors = vendors
        for index, vendor in enumerate(vendors):
            self.fields[f"score_{index}"] = forms.DecimalField(
                required=False,
                label=vendor,
                max_digits=4,
                decimal_places=2,
                min_value=Decimal(0),
                max_value=Decimal(5),
                help_text=SCORE_HELP,
                widget=forms.NumberInput(attrs={"step": "0.5", "class": "grid-amount"}),
            )

    def scores(self) -> list[tuple[str, Any]]:
        """(vendor, bound score field) in vendor order, for the template."""
        return [(v, self[f"score_{i}"]) for i, v in enumerate(self.vendors)]


class EvaluationHeadForm(forms.Form):
    """The evaluation's title and date, the vendors to remove and one to add."""

    title = forms.CharField(max_length=200)
    date = forms.DateField(widget=date_input())
    add_vendor = forms.CharField(
        max_length=200, required=False, help_text="scored 0 until you give it scores"
    )
    remove_vendors = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, vendors: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["remove_vendors"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(v, v) for v in vendors]


CriteriaGrid = forms.formset_factory(CriterionForm, extra=2)


def evaluation_vendors(evaluation: Any) -> list[str]:
    """The vendors of an evaluation in a stable order."""
    return sorted(evaluation.scores, key=str.lower)


def evaluation_initial(evaluation: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The head form's and the grid's initial values from a stored evaluation."""
    vendors = evaluation_vendors(evaluation)
    head = {"title": evaluation.title, "date": evaluation.date}
    rows = []
    for name, weight in evaluation.weights.items():
        row: dict[str, Any] = {"name": name, "weight": Decimal(str(weight))}
        for index, vendor in enumerate(vendors):
            score = evaluation.scores.get(vendor, {}).get(name)
            row[f"score_{index}"] = None if score is None else Decimal(str(score))
        rows.append(row)
    return head, rows


def evaluation_submit(*, actor: Any, evaluation: Any, head: Any, grid: Any) -> Any | None:
    """Validate both forms and save through `services.evaluation_save`; None with the errors
    on the forms (a duplicate criterion on its row, the service's on the grid)."""
    if not (head.is_valid() and grid.is_valid()):
        return None
    vendors = evaluation_vendors(evaluation)
    weights: dict[str, Decimal] = {}
    scores: dict[str, dict[str, Decimal]] = {}
    removed = set(head.cleaned_data["remove_vendors"])
    kept = [v for v in vendors if v not in removed]
    seen: dict[str, int] = {}
    failed = False
    for index, form in enumerate(grid.forms):
        data = form.cleaned_data
        name = (data.get("name") or "").strip()
        if not data or data.get("delete") or not name:
            if name == "" and data.get("weight") is not None and not data.get("delete"):
                form.add_error("name", "name the criterion, or clear its weight")
                failed = True
            continue
        if data.get("weight") is None:
            form.add_error("weight", "give the criterion a weight above 0")
            failed = True
            continue
        if name.lower() in seen:
            form.add_error("name", f"the same criterion as row {seen[name.lower()] + 1}")
            failed = True
            continue
        seen[name.lower()] = index
        weights[name] = data["weight"]
        for v_index, vendor in enumerate(vendors):
            score = data.get(f"score_{v_index}")
            if vendor in removed:
                continue
            scores.setdefault(vendor, {})[name] = score if score is not None else Decimal(0)
    for vendor in kept:
        scores.setdefault(vendor, {})
    new = (head.cleaned_data.get("add_vendor") or "").strip()
    if new:
        if new.lower() in {v.lower() for v in kept}:
            head.add_error("add_vendor", f"{new} is in the evaluation already")
            failed = True
        else:
            scores[new] = {}
    if failed:
        return None
    try:
        with transaction.atomic():
            return services.evaluation_save(
                actor=actor,
                key=evaluation.key,
                title=head.cleaned_data["title"],
                date=head.cleaned_data["date"],
                weights=weights,
                scores=scores,
                evaluation=evaluation,
            )
    except services.FinanceError as exc:
        for messages_ in exc.field_messages().values():
            for message in messages_:
                grid.non_form_errors().append(message)
        return None
