"""Writes of the finance app: fiscal years, cost centers, budget versions and lines, rates,
mapping rules, vendors and contracts. Each checks the actor, validates, runs in one
transaction and is audited by auditlog (`save()`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Model

from steward.core.errors import InvalidFields, invalid_fields_from
from steward.finance import rules
from steward.finance.models import (
    MONTH_FIELDS,
    BudgetLine,
    BudgetVersion,
    Contract,
    CostCenter,
    FiscalYear,
    MappingRule,
    MonthlyRate,
    VarianceThreshold,
    Vendor,
)
from steward.finance.money import KNOWN_CURRENCIES


class FinanceError(InvalidFields):
    """A finance change that cannot be made as asked (`fields` names the fields at fault)."""


def _require(actor: Any) -> None:
    if not rules.may_change_money(actor):
        raise PermissionDenied("only finance, the CTO and admins change budgets and contracts")


def _save(obj: Model) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise invalid_fields_from(exc, FinanceError) from exc
    obj.save()


def check_currency(currency: str, field: str = "currency") -> str:
    """`currency` upper-cased, or FinanceError unless it is a known ISO 4217 code."""
    code = (currency or "").strip().upper()
    if code not in KNOWN_CURRENCIES:
        raise FinanceError(
            f"unknown currency {currency!r}",
            fields={field: [f"{currency!r} is not an ISO 4217 code Steward knows (e.g. EUR)"]},
        )
    return code


@transaction.atomic
def fiscal_year_create(
    *, actor: Any, year: int, first_month: int = 1, currency: str | None = None
) -> FiscalYear:
    """A fiscal year with an empty budget (version 0)."""
    _require(actor)
    fy = FiscalYear(
        year=year,
        first_month=first_month,
        currency=check_currency(currency or settings.STEWARD_REPORTING_CURRENCY),
    )
    _save(fy)
    _save(BudgetVersion(fiscal_year=fy, number=0, note="Budget"))
    return fy


@transaction.atomic
def cost_center_upsert(*, actor: Any, code: str, name: str, team: Any | None = None) -> CostCenter:
    """Create or rename a cost center (and set the team whose people cost it carries)."""
    _require(actor)
    center = CostCenter.objects.filter(code=code).first() or CostCenter(code=code)
    center.name = name
    center.team = team
    _save(center)
    return center


@transaction.atomic
def version_create(*, actor: Any, fiscal_year: FiscalYear, note: str = "") -> BudgetVersion:
    """The next reforecast of `fiscal_year`, starting as a copy of its latest version."""
    _require(actor)
    latest = fiscal_year.versions.order_by("-number").first()
    number = (fiscal_year.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = BudgetVersion(fiscal_year=fiscal_year, number=number, note=note)
    _save(version)
    if latest is not None:
        for line in latest.lines.all():
            line.pk = None
            line.version = version
            _save(line)
    return version


@transaction.atomic
def budget_line_save(
    *,
    actor: Any,
    version: BudgetVersion,
    category: str,
    cost_center: CostCenter | None,
    amounts: Sequence[Decimal],
    currency: str | None = None,
    note: str = "",
    line: BudgetLine | None = None,
) -> BudgetLine:
    """Create or change one budget line: its category, cost center and twelve months."""
    _require(actor)
    if len(amounts) != 12:
        raise FinanceError("a budget line has twelve months", fields={"__all__": ["12 amounts"]})
    if line is None:
        line = BudgetLine.objects.filter(
            version=version, category=category, cost_center=cost_center
        ).first() or BudgetLine(version=version)
    line.category = category
    line.cost_center = cost_center
    line.currency = check_currency(currency or version.fiscal_year.currency)
    line.note = note
    for name, amount in zip(MONTH_FIELDS, amounts, strict=True):
        setattr(line, name, Decimal(amount))
    _save(line)
    return line


@transaction.atomic
def budget_line_delete(*, actor: Any, line: BudgetLine) -> None:
    """Remove a budget line."""
    _require(actor)
    line.delete()


@transaction.atomic
def rate_set(*, actor: Any, month: date, currency: str, rate: Decimal) -> MonthlyRate:
    """Set the rate of `currency` in `month` (units of the reporting currency per unit)."""
    _require(actor)
    month = month.replace(day=1)
    code = check_currency(currency)
    row = MonthlyRate.objects.filter(month=month, currency=code).first() or MonthlyRate(
        month=month, currency=code
    )
    row.rate = Decimal(rate)
    _save(row)
    return row


@transaction.atomic
def rule_create(*, actor: Any, **fields: Any) -> MappingRule:
    """A mapping rule (see `MappingRule`); applies to rows imported from now on."""
    _require(actor)
    rule = MappingRule(**fields)
    if rule.source == "ledger" and not rule.category:
        raise FinanceError(
            "a ledger rule needs a category", fields={"category": ["pick the category"]}
        )
    _save(rule)
    return rule


@transaction.atomic
def vendor_upsert(*, actor: Any, name: str, category: str = "other", website: str = "") -> Vendor:
    """Create a vendor or change its category and website."""
    _require(actor)
    vendor = Vendor.objects.filter(name=name).first() or Vendor(name=name)
    vendor.category = category
    vendor.website = website
    _save(vendor)
    return vendor


@transaction.atomic
def contract_upsert(*, actor: Any, key: str, values: Mapping[str, Any]) -> Contract:
    """Create or change a contract; a second contract of the same vendor and title whose
    dates overlap is refused (a renewal is a new contract starting when the old one ends)."""
    _require(actor)
    contract = Contract.objects.filter(key=key).first() or Contract(key=key)
    for name, value in values.items():
        setattr(contract, name, value)
    contract.currency = check_currency(contract.currency)
    clash = (
        Contract.objects.filter(
            vendor=contract.vendor,
            title=contract.title,
            start__lt=contract.end,
            end__gt=contract.start,
        )
        .exclude(key=key)
        .first()
    )
    if clash is not None:
        raise FinanceError(
            f"contract {clash.key} of {contract.vendor} overlaps these dates",
            fields={"start": [f"{clash.key} runs {clash.start} to {clash.end}"]},
        )
    _save(contract)
    return contract


@transaction.atomic
def contract_save(*, actor: Any, key: str, vendor_name: str, values: Mapping[str, Any]) -> Contract:
    """Create or change a contract from the browser: the vendor is found by name (created,
    with the contract's category, when it is new), then `contract_upsert`."""
    _require(actor)
    name = (vendor_name or "").strip()
    if not name:
        raise FinanceError("a contract needs a vendor", fields={"vendor": ["name the vendor"]})
    vendor = Vendor.objects.filter(name__iexact=name).first()
    if vendor is None:
        vendor = vendor_upsert(actor=actor, name=name, category=values.get("category", "other"))
    return contract_upsert(actor=actor, key=key, values={**values, "vendor": vendor})


@transaction.atomic
def evaluation_to_decision(*, actor: Any, evaluation: Any) -> Any:
    """Write an evaluation as a draft architecture decision record (once; its number is kept)."""
    from steward.architecture import services as architecture
    from steward.finance.evaluations import decision_markdown

    _require(actor)
    if evaluation.decision_number is not None:
        raise FinanceError(
            f"already recorded as ADR-{evaluation.decision_number:04d}",
            fields={"__all__": ["this evaluation has a decision record"]},
        )
    decision = architecture.decision_create(
        actor=actor,
        title=f"Choose a vendor: {evaluation.title}",
        body=decision_markdown(evaluation.title, evaluation.weights, evaluation.scores),
        date=evaluation.date,
        tags=["vendor"],
    )
    evaluation.decision_number = decision.number
    _save(evaluation)
    return decision


MAX_SCORE = Decimal(5)


@transaction.atomic
def evaluation_save(
    *,
    actor: Any,
    key: str,
    title: str,
    date: date,
    weights: Mapping[str, Decimal],
    scores: Mapping[str, Mapping[str, Decimal]],
    evaluation: Any | None = None,
) -> Any:
    """Create or change a vendor evaluation: its criteria with their weights and each vendor's
    score (0-5) per criterion. Refused once it is recorded as a decision (the record holds the
    scores it was decided on: start a new evaluation instead)."""
    from steward.finance.models import VendorEvaluation

    _require(actor)
    if evaluation is None:
        if VendorEvaluation.objects.filter(key=key).exists():
            raise FinanceError(
                f"evaluation {key} exists already", fields={"key": ["pick another key"]}
            )
        evaluation = VendorEvaluation(key=key)
    elif evaluation.decision_number is not None:
        raise FinanceError(
            f"recorded as ADR-{evaluation.decision_number:04d}",
            fields={
                "__all__": [
                    f"this evaluation is recorded as decision ADR-{evaluation.decision_number:04d}"
                    " and cannot change; start a new evaluation"
                ]
            },
        )
    names = [c.strip() for c in weights]
    if not names:
        raise FinanceError("no criteria", fields={"__all__": ["add at least one criterion"]})
    seen: set[str] = set()
    for name in names:
        if not name:
            raise FinanceError("a criterion without a name", fields={"__all__": ["name it"]})
        if name.lower() in seen:
            raise FinanceError(
                f"criterion {name!r} twice", fields={"__all__": [f"{name!r} is listed twice"]}
            )
        seen.add(name.lower())
    for name, weight in weights.items():
        if Decimal(weight) <= 0:
            raise FinanceError(
                f"weight of {name!r}", fields={"__all__": [f"{name}: a weight is above 0"]}
            )
    for vendor, given in scores.items():
        if not vendor.strip():
            raise FinanceError("a vendor without a name", fields={"__all__": ["name the vendor"]})
        for criterion, score in given.items():
            if criterion not in weights:
                raise FinanceError(
                    f"{vendor}: no criterion {criterion!r}",
                    fields={"__all__": [f"{vendor} is scored on {criterion!r}, not a criterion"]},
                )
            if not Decimal(0) <= Decimal(score) <= MAX_SCORE:
                raise FinanceError(
                    f"{vendor}: score {score}",
                    fields={"__all__": [f"{vendor}, {criterion}: a score is 0 to 5"]},
                )
    evaluation.title = title
    evaluation.date = date
    evaluation.weights = {k.strip(): str(Decimal(v)) for k, v in weights.items()}
    evaluation.scores = {
        vendor.strip(): {c.strip(): str(Decimal(s)) for c, s in given.items()}
        for vendor, given in scores.items()
    }
    _save(evaluation)
    return evaluation


@transaction.atomic
def threshold_set(
    *,
    actor: Any,
    category: str,
    cost_center: CostCenter | None = None,
    percent: Decimal | None = None,
    amount: Decimal | None = None,
    note: str = "",
) -> VarianceThreshold:
    """Set the variance threshold of a budget line (category and cost center) or, without a
    cost center, of every line of the category that has none of its own: a percentage of the
    budget and/or an amount in the reporting currency, both to be exceeded when both are set."""
    _require(actor)
    if percent is None and amount is None:
        raise FinanceError(
            "a threshold needs a percentage or an amount",
            fields={
                "percent": ["give a percentage of the budget, an amount or both"],
                "amount": ["give an amount, a percentage of the budget or both"],
            },
        )
    for field, value in (("percent", percent), ("amount", amount)):
        if value is not None and value < 0:
            raise FinanceError(
                f"a negative {field}", fields={field: ["write 0 or more (0: any overrun)"]}
            )
    row = VarianceThreshold.objects.filter(
        category=category, cost_center=cost_center
    ).first() or VarianceThreshold(category=category, cost_center=cost_center)
    row.percent = percent
    row.amount = amount
    row.note = note
    _save(row)
    return row


@transaction.atomic
def threshold_delete(*, actor: Any, threshold: VarianceThreshold) -> None:
    """Remove a threshold: its lines fall back to the category's, then to the default 5 %."""
    _require(actor)
    threshold.delete()
