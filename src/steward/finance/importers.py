"""Finance imports: budget lines, monthly exchange rates, the general ledger, FOCUS cloud bills
and vendor contracts. Each validates everything first, reports file/line/column/fix, writes in
one transaction (`core.importing.run_import`) and is idempotent."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from steward.core.importing import (
    Change,
    CsvImporter,
    Diff,
    Importer,
    Row,
    audit_created,
    audit_deleted,
)
from steward.finance import selectors
from steward.finance.mapping import Rule, Target, compile_rules, focus_values, match
from steward.finance.models import (
    CATEGORY_CODES,
    MONTH_FIELDS,
    BillingPeriod,
    BudgetLine,
    BudgetVersion,
    CloudCost,
    CommitmentCost,
    Contract,
    CostCenter,
    FiscalYear,
    LedgerEntry,
    MappingRule,
    MonthlyRate,
    Vendor,
)
from steward.finance.money import KNOWN_CURRENCIES, cents

CURRENCY_HINT = "write an ISO 4217 code such as EUR or USD"
ZERO_CENTS = Decimal("0.00")


def _rate_hint(currency: str, month: date) -> str:
    return (
        f"add a rate for {currency} in {month:%Y-%m} (Budget & vendors > Exchange rates, "
        "or `steward import exchange-rates FILE`)"
    )


def load_rules(source: str) -> list[Rule]:
    """The mapping rules of `source` in priority order."""
    rows = MappingRule.objects.filter(source=source).order_by("priority", "pk")
    return compile_rules(
        (
            r.field,
            r.pattern,
            Target(r.category, r.cost_center_id, r.team_id, r.service, r.initiative),
        )
        for r in rows
    )


def team_cost_centers() -> dict[int, int]:
    """team id -> the id of the (first) cost center that team owns."""
    found: dict[int, int] = {}
    for pk, team_id in CostCenter.objects.filter(team__isnull=False).values_list("pk", "team_id"):
        found.setdefault(team_id, pk)
    return found


class FinanceCsv(CsvImporter):
    """Column names read case-insensitively (FORMATS.md: headers trimmed, any case)."""

    def read_rows(self) -> list[Row]:
        rows = super().read_rows()
        return rows

    def parse_currency(self, row: Row, column: str = "currency") -> str | None:
        value = row.get(column).upper()
        if not value:
            self.problem(row.line, column, "is empty", CURRENCY_HINT)
            return None
        if value not in KNOWN_CURRENCIES:
            self.problem(row.line, column, f"unknown currency {row.get(column)!r}", CURRENCY_HINT)
            return None
        return value


# --- budget ----------------------------------------------------------------------------------


class BudgetImporter(FinanceCsv):
    """`fiscal_year, version, category, cost_center, currency, m01..m12[, note]`: one row per
    budget line; `version` 0 is the budget, N reforecast N; `m01` is the fiscal year's first
    month. Fiscal years and versions must exist; lines are added or changed, never removed."""

    kind = "budget"
    required_columns = ("fiscal_year", "version", "category", "cost_center", *MONTH_FIELDS)
    optional_columns = ("currency", "note")

    def plan(self) -> Diff:
        diff = self.new_diff()
        years = {fy.year: fy for fy in FiscalYear.objects.all()}
        versions = {
            (v.fiscal_year.year, v.number): v
            for v in BudgetVersion.objects.select_related("fiscal_year")
        }
        centers = {c.code: c for c in CostCenter.objects.all()}
        existing = {
            (ln.version_id, ln.category, ln.cost_center_id): ln for ln in BudgetLine.objects.all()
        }
        seen: dict[tuple[Any, ...], int] = {}
        for row in self.read_rows():
            year = self.parse_decimal(row, "fiscal_year", required=True, places=0)
            number = self.parse_decimal(row, "version", required=True, minimum=Decimal(0), places=0)
            category = self.parse_choice(row, "category", CATEGORY_CODES, required=True)
            code = row.get("cost_center")
            center = centers.get(code) if code else None
            if code and center is None:
                self.problem(
                    row.line,
                    "cost_center",
                    f"no cost center {code!r}",
                    "create it on the Cost centers page, or leave the column empty",
                )
            amounts = [
                self.parse_decimal(row, m, places=2, max_digits=14) or Decimal(0)
                for m in MONTH_FIELDS
            ]
            currency = self.parse_currency(row) if row.get("currency") else None
            if year is None or number is None or category is None:
                continue
            version = versions.get((int(year), int(number)))
            if int(year) not in years:
                self.problem(
                    row.line,
                    "fiscal_year",
                    f"no fiscal year {int(year)}",
                    "create the fiscal year first (Budget page)",
                )
                continue
            if version is None:
                self.problem(
                    row.line,
                    "version",
                    f"FY{int(year)} has no version {int(number)}",
                    "create the reforecast first (Budget page)",
                )
                continue
            key = (version.pk, category, center.pk if center else None)
            if key in seen:
                self.problem(
                    row.line,
                    "category",
                    f"a second line for {category} {code}: already on line {seen[key]}",
                    "keep one row per category and cost center",
                )
                continue
            seen[key] = row.line
            currency = currency or version.fiscal_year.currency
            new = {
                **dict(zip(MONTH_FIELDS, amounts, strict=True)),
                "currency": currency,
                "note": row.get("note"),
            }
            label = f"FY{int(year)} v{int(number)} {category} {code}".strip()
            old = existing.get(key)
            payload = (version, category, center, new)
            if old is None:
                diff.add(Change("added", label, line=row.line, payload=payload))
                continue
            changed = {k: (getattr(old, k), v) for k, v in new.items() if getattr(old, k) != v}
            kind = "changed" if changed else "unchanged"
            diff.add(
                Change(kind, label, line=row.line, fields=changed, payload=(old, *payload[1:]))
            )
        return diff

    def apply(self, diff: Diff) -> None:
        for change in diff.changes:
            if change.kind == "unchanged":
                continue
            target, category, center, new = change.payload
            line = (
                target
                if isinstance(target, BudgetLine)
                else BudgetLine(version=target, category=category, cost_center=center)
            )
            for name, value in new.items():
                setattr(line, name, value)
            line.save()


# --- exchange rates ----------------------------------------------------------------------------


class RatesImporter(FinanceCsv):
    """`month, currency, rate`: units of the reporting currency per unit, per month (YYYY-MM)."""

    kind = "exchange-rates"
    required_columns = ("month", "currency", "rate")

    def plan(self) -> Diff:
        diff = self.new_diff()
        existing = {(r.month, r.currency): r for r in MonthlyRate.objects.all()}
        seen: dict[str, int] = {}
        for row in self.read_rows():
            text = row.get("month")
            month = _parse_month(text)
            if month is None:
                self.problem(row.line, "month", f"{text!r} is not a month", "write YYYY-MM")
            currency = self.parse_currency(row)
            rate = self.parse_decimal(
                row,
                "rate",
                required=True,
                minimum=Decimal(0),
                min_exclusive=True,
                places=6,
                max_digits=14,
            )
            if month is None or currency is None or rate is None:
                continue
            key = f"{month:%Y-%m} {currency}"
            if key in seen:
                self.problem(
                    row.line,
                    "month",
                    f"{key} already on line {seen[key]}",
                    "keep one rate per currency and month",
                )
                continue
            seen[key] = row.line
            old = existing.get((month, currency))
            if old is None:
                diff.add(Change("added", key, line=row.line, payload=(month, currency, rate)))
            elif old.rate != rate:
                diff.add(
                    Change(
                        "changed",
                        key,
                        line=row.line,
                        fields={"rate": (old.rate, rate)},
                        payload=(month, currency, rate),
                    )
                )
            else:
                diff.add(Change("unchanged", key, line=row.line))
        return diff

    def apply(self, diff: Diff) -> None:
        for change in diff.changes:
            if change.kind == "unchanged":
                continue
            month, currency, rate = change.payload
            row = MonthlyRate.objects.filter(month=month, currency=currency).first() or MonthlyRate(
                month=month, currency=currency
            )
            row.rate = rate
            row.save()


def _parse_month(text: str) -> date | None:
    match_ = re.fullmatch(r"(\d{4})-(\d{2})(?:-01)?", text.strip())
    if not match_ or not 1 <= int(match_.group(2)) <= 12:
        return None
    return date(int(match_.group(1)), int(match_.group(2)), 1)


# --- general ledger --------------------------------------------------------------------------


class LedgerImporter(FinanceCsv):
    """`date, account, cost_center, vendor, amount, currency, description[, entry_id]`.

    Each row is mapped to a category by the ledger mapping rules (unmapped: `unallocated`,
    shown, never dropped) and converted at its month's rate. A row is identified by
    `entry_id`, else by its content and its occurrence in the file, so importing the same file
    again changes nothing.
    """

    kind = "ledger"
    required_columns = (
        "date",
        "account",
        "cost_center",
        "vendor",
        "amount",
        "currency",
        "description",
    )
    optional_columns = ("entry_id",)

    def plan(self) -> Diff:
        diff = self.new_diff()
        rules = load_rules("ledger")
        rates = selectors.rates()
        centers = {c.code: c for c in CostCenter.objects.all()}
        team_of_center = dict(CostCenter.objects.values_list("pk", "team_id"))
        vendors = {v.name.lower(): v for v in Vendor.objects.all()}
        existing = {e.key: e for e in LedgerEntry.objects.all()}
        occurrences: dict[str, int] = defaultdict(int)
        seen: dict[str, int] = {}
        for row in self.read_rows():
            day = self.parse_date(row, "date", required=True)
            account = self.parse_text(row, "account", required=True, max_length=64)
            code = row.get("cost_center")
            center = centers.get(code) if code else None
            if code and center is None:
                self.problem(
                    row.line,
                    "cost_center",
                    f"no cost center {code!r}",
                    "create it on the Cost centers page (or fix the code)",
                )
            amount = self.parse_decimal(row, "amount", required=True, places=2, max_digits=14)
            currency = self.parse_currency(row)
            vendor_name = self.parse_text(row, "vendor", max_length=200)
            description = self.parse_text(row, "description", max_length=300)
            if day is None or amount is None or currency is None or (code and center is None):
                continue
            month = day.replace(day=1)
            converted = rates.convert(amount, currency, month)
            if converted is None:
                self.problem(
                    row.line,
                    "currency",
                    f"no exchange rate for {currency} in {month:%Y-%m}",
                    _rate_hint(currency, month),
                )
                continue
            entry_id = row.get("entry_id")
            if entry_id:
                key = f"id:{entry_id}"
                if key in seen:
                    self.problem(
                        row.line,
                        "entry_id",
                        f"duplicate entry_id {entry_id!r}: already on line {seen[key]}",
                        "keep one row per entry_id",
                    )
                    continue
            else:
                content = "|".join(
                    [
                        day.isoformat(),
                        account,
                        code,
                        vendor_name,
                        str(amount),
                        currency,
                        description,
                    ]
                )
                occurrences[content] += 1
                key = hashlib.sha256(f"{content}|{occurrences[content]}".encode()).hexdigest()[:40]
            seen[key] = row.line
            vendor = vendors.get(vendor_name.lower())
            target = match(
                rules,
                {
                    "account": [account],
                    "vendor": [vendor_name],
                    "cost_center": [code],
                    "description": [description],
                },
            )
            center_id = target.cost_center_id or (center.pk if center else None)
            values = {
                "date": day,
                "month": month,
                "account": account,
                "cost_center_id": center_id,
                "vendor_name": vendor_name,
                "vendor_id": vendor.pk if vendor is not None else None,
                "amount": amount,
                "currency": currency,
                "amount_reporting": converted,
                "description": description,
                "category": target.category or "unallocated",
                "team_id": target.team_id or team_of_center.get(center_id or 0),
                "initiative": target.initiative,
            }
            old = existing.get(key)
            if old is None:
                diff.add(Change("added", key, line=row.line, payload=values))
                continue
            changed = {k: (getattr(old, k), v) for k, v in values.items() if getattr(old, k) != v}
            diff.add(
                Change(
                    "changed" if changed else "unchanged",
                    key,
                    line=row.line,
                    fields=changed,
                    payload=values,
                )
            )
        return diff

    def apply(self, diff: Diff) -> None:
        created = []
        for change in diff.changes:
            if change.kind == "added":
                created.append(
                    LedgerEntry(
                        key=change.key,
                        source_file=self.path.name,
                        line=change.line or 0,
                        **change.payload,
                    )
                )
            elif change.kind == "changed":
                entry = LedgerEntry.objects.get(key=change.key)
                for name, value in change.payload.items():
                    setattr(entry, name, value)
                entry.save()
        LedgerEntry.objects.bulk_create(created, batch_size=500)
        audit_created(created, actor=self.actor)


# --- FOCUS cloud bills -----------------------------------------------------------------------

# Columns Steward reads, present in every FOCUS version 1.0-1.3.
FOCUS_REQUIRED = (
    "BilledCost",
    "EffectiveCost",
    "BillingCurrency",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargePeriodStart",
    "ChargeCategory",
    "ServiceName",
    "BillingAccountId",
)
# Columns that first appear in a version (the newest one found names the file's version).
FOCUS_VERSION_MARKERS: list[tuple[str, tuple[str, ...]]] = [
    ("1.3", ("ServiceProviderName", "HostProviderName", "ContractApplied", "AllocatedMethodId")),
    ("1.2", ("InvoiceId", "BillingAccountType", "SubAccountType", "PricingCurrency")),
    (
        "1.1",
        (
            "ServiceSubcategory",
            "SkuMeter",
            "SkuPriceDetails",
            "CommitmentDiscountQuantity",
            "CapacityReservationId",
        ),
    ),
]
# Provider column per version profile: 1.3 names the service provider; older ones ProviderName.
FOCUS_PROVIDER = {
    "1.3": ("ServiceProviderName", "ProviderName"),
    "1.2": ("ProviderName",),
    "1.1": ("ProviderName",),
    "1.0": ("ProviderName",),
}
NULLS = frozenset({"", "NULL", "null"})
NOT_SEEN = object()
_STAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?"
)


# ContractApplied element keys (lower case) -> Steward's names. FOCUS 1.3 prints `...ID`,
# its errata `...Id`; both are read.
_APPLIED_KEYS = {
    "contractid": "contract_id",
    "contractcommitmentid": "commitment_id",
    "contractcommitmentappliedcost": "cost",
    "contractcommitmentappliedquantity": "quantity",
    "contractcommitmentappliedunit": "unit",
}
Applied = tuple[str, str, Decimal | None, Decimal | None, str]


def _applied_number(value: Any) -> Decimal | None:
    """A JSON number (or a number written as a string) as a Decimal; None for null."""
    if value is None or value in NULLS:
        return None
    if isinstance(value, bool):
        raise ValueError("a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError("a number") from None
    if not number.is_finite():
        raise ValueError("a number")
    return number


def parse_contract_applied(text: str) -> list[Applied]:
    """The elements of a FOCUS 1.3 `ContractApplied` value: (contract id, commitment id,
    applied cost, applied quantity, applied unit) each. Read: `{"Elements": [...]}` (1.3 as
    ratified), a bare array, `{"ContractApplied": [...]}` (the draft's example) and a single
    element object. ValueError with what is wrong otherwise."""
    try:
        parsed = json.loads(text, parse_float=Decimal)
    except ValueError:
        raise ValueError("is not JSON") from None
    if isinstance(parsed, dict):
        lower = {str(k).lower(): v for k, v in parsed.items()}
        if "elements" in lower:
            parsed = lower["elements"]
        elif "contractapplied" in lower:
            parsed = lower["contractapplied"]
        else:
            parsed = [parsed]
    if not isinstance(parsed, list):
        raise ValueError('is not a JSON object with an "Elements" array')
    found: list[Applied] = []
    for element in parsed:
        if not isinstance(element, dict):
            raise ValueError("has an element that is not a JSON object")
        values = {_APPLIED_KEYS[k.lower()]: v for k, v in element.items()
                  if k.lower() in _APPLIED_KEYS}  # fmt: skip
        commitment = values.get("commitment_id")
        if commitment is None or not str(commitment).strip():
            raise ValueError("has an element without ContractCommitmentId")
        try:
            cost = _applied_number(values.get("cost"))
        except ValueError:
            raise ValueError("has a ContractCommitmentAppliedCost that is not a number") from None
        try:
            quantity = _applied_number(values.get("quantity"))
        except ValueError:
            raise ValueError(
                "has a ContractCommitmentAppliedQuantity that is not a number"
            ) from None
        unit = values.get("unit")
        found.append(
            (
                str(values.get("contract_id") or "").strip(),
                str(commitment).strip(),
                cost,
                quantity,
                "" if unit is None or quantity is None else str(unit).strip(),
            )
        )
    return found


def focus_version(header: list[str]) -> str:
    """The FOCUS version a header belongs to (1.0 when no newer column is present)."""
    names = set(header)
    for version, markers in FOCUS_VERSION_MARKERS:
        if names & set(markers):
            return version
    return "1.0"


def parse_stamp(text: str) -> date | None:
    """The UTC date of a FOCUS date/time (`2024-09-18T22:00:00Z`, `2024-09-18 22:00:00`,
    `2024-09-18`); None when it is none of these."""
    m = _STAMP.fullmatch(text.strip())
    if m is None:
        return None
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    offset = m.group(7)
    if offset and offset != "Z" and m.group(4) is not None:
        parsed = datetime.fromisoformat(text.strip().replace(" ", "T"))
        return parsed.astimezone(UTC).date()
    return day


@dataclass
class _Period:
    provider: str
    account: str
    start: date
    end: date
    currency: str
    digest: Any
    rows: int = 0
    effective: Decimal = Decimal(0)
    billed: Decimal = Decimal(0)
    first_line: int = 0


_BAD = object()  # a value that is not a number (FocusImporter._focus_quantity)


def _focus_get(values: list[str], index: int | None) -> str:
    """The stripped value at `index` ("" when the column is absent or the value is NULL)."""
    if index is None:
        return ""
    value = values[index].strip()
    return "" if value in NULLS else value


@dataclass
class _FocusColumns:
    """Where each FOCUS column is in the header (None when absent), and the FOCUS version."""

    version: str
    width: int
    provider_cols: list[str]
    billed: int | None
    effective: int | None
    currency: int | None
    stamps: tuple[tuple[int | None, str], ...]  # billing period start, end, charge start
    service: int | None
    account: int | None
    providers: list[int | None]
    category: int | None
    sub: int | None
    sub_name: int | None
    resource: int | None
    resource_name: int | None
    tags: int | None
    quantity: int | None
    unit: int | None
    applied: int | None


@dataclass
class _FocusTotals:
    """What one FOCUS import has summed so far, and the caches of values parsed once."""

    rules: list[Rule]
    rates: Any
    center_of_team: dict[int, int]
    periods: dict[tuple[str, str, date], _Period] = field(default_factory=dict)
    sums: dict[tuple[Any, ...], list[Any]] = field(default_factory=dict)
    targets: dict[tuple[Any, ...], Target] = field(default_factory=dict)
    missing_rates: set[tuple[str, date]] = field(default_factory=set)
    applied_sums: dict[tuple[Any, ...], list[Any]] = field(default_factory=dict)
    applied_seen: dict[str, list[Applied] | str] = field(default_factory=dict)
    stamp_seen: dict[str, Any] = field(default_factory=dict)
    tags_seen: dict[str, dict[str, Any]] = field(default_factory=dict)


# A valid row: amounts (billed, effective), currency, (period start, end, charge start), service,
# account, provider, the Tags text, the tags, quantity, unit, ContractApplied's elements.
class _FocusRow(NamedTuple):
    """One valid FOCUS row's parsed values, as `_focus_row` reads them."""

    amounts: list[Decimal]  # BilledCost, EffectiveCost
    currency: str
    stamps: tuple[date, date, date]  # billing period start and end, charge period start
    service: str
    account: str
    provider: str
    tag_text: str
    tags: dict[str, Any]
    quantity: Any  # ConsumedQuantity (None when absent)
    unit: str
    applied: list[Applied]


def _add_applied(
    applied_sums: dict[tuple[Any, ...], list[Any]],
    pkey: tuple[str, str, date],
    month: date,
    applied: list[Applied],
) -> None:
    """Add a row's ContractApplied elements to the sums per contract, commitment and unit."""
    for contract_id, commitment, a_cost, a_qty, a_unit in applied:
        ckey = (pkey, month, contract_id, commitment, a_unit)
        c_acc = applied_sums.get(ckey)
        if c_acc is None:
            applied_sums[ckey] = [a_cost, a_qty, 1]
        else:
            if a_cost is not None:
                c_acc[0] = a_cost if c_acc[0] is None else c_acc[0] + a_cost
            if a_qty is not None:
                c_acc[1] = a_qty if c_acc[1] is None else c_acc[1] + a_qty
            c_acc[2] += 1


class FocusImporter(Importer):
    """A FOCUS 1.0-1.3 cost and usage CSV (FORMATS.md 4): rows summed per billing period,
    charge month and allocation key at import. Re-importing a billing period replaces it;
    the same file again changes nothing. Tolerates `NULL`, timestamps without `T`/`Z`, extra
    columns and `Tags` as a JSON string; headers are matched case-insensitively."""

    kind = "focus"

    def _lines(self) -> Iterator[tuple[int, list[str]]] | None:
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            self.problem(None, None, f"cannot read the file: {exc.strerror or exc}")
            return None
        if raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.problem(line, None, "is not valid UTF-8", "save the file as UTF-8")
            return None
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)

        def rows() -> Iterator[tuple[int, list[str]]]:
            try:
                for values in reader:
                    yield reader.line_num, values
            except csv.Error as exc:
                self.problem(reader.line_num, None, f"cannot read the row: {exc}")

        return rows()

    def plan(self) -> Diff:
        diff = self.new_diff()
        lines = self._lines()
        if lines is None:
            return diff
        cols = self._focus_columns(next(lines, None))
        if cols is None:
            return diff
        totals = _FocusTotals(load_rules("focus"), selectors.rates(), team_cost_centers())
        width = cols.width
        for line, values in lines:
            if len(values) != width:
                if any(v.strip() for v in values):
                    self.problem(
                        line,
                        None,
                        f"has {len(values)} values but the header has {width} columns",
                        "quote values that contain commas",
                    )
                continue
            row = self._focus_row(line, values, cols, totals)
            if row is not None:
                self._add_row(line, values, row, cols, totals)
        self._period_changes(diff, cols.version, totals)
        if diff.writes:
            diff.notes.append(f"read as FOCUS {cols.version}")
        return diff

    def _focus_columns(self, first: tuple[int, list[str]] | None) -> _FocusColumns | None:
        """Where each column is in the header row; None (with problems) when a required one
        is missing or there is no header."""
        if first is None or not any(v.strip() for v in first[1]):
            self.problem(1, None, "the file has no header row", "export the bill with its header")
            return None
        header = [h.strip() for h in first[1]]
        by_lower = {h.lower(): i for i, h in enumerate(header)}
        canon = {c.lower(): c for c in (*FOCUS_REQUIRED, "ProviderName", "ServiceProviderName")}
        header = [canon.get(h.lower(), h) for h in header]
        version = focus_version(header)
        missing = [c for c in FOCUS_REQUIRED if c.lower() not in by_lower]
        provider_cols = [c for c in FOCUS_PROVIDER[version] if c.lower() in by_lower]
        if not provider_cols:
            missing.append(FOCUS_PROVIDER[version][0])
        for column in missing:
            self.problem(
                1,
                column,
                f"required FOCUS {version} column is missing",
                "export the bill in FOCUS 1.0-1.3 with all mandatory columns",
            )
        if missing:
            return None

        def col(name: str) -> int | None:
            return by_lower.get(name.lower())

        return _FocusColumns(
            version=version,
            width=len(header),
            provider_cols=provider_cols,
            billed=col("BilledCost"),
            effective=col("EffectiveCost"),
            currency=col("BillingCurrency"),
            stamps=(
                (col("BillingPeriodStart"), "BillingPeriodStart"),
                (col("BillingPeriodEnd"), "BillingPeriodEnd"),
                (col("ChargePeriodStart"), "ChargePeriodStart"),
            ),
            service=col("ServiceName"),
            account=col("BillingAccountId"),
            providers=[col(c) for c in provider_cols],
            category=col("ServiceCategory"),
            sub=col("SubAccountId"),
            sub_name=col("SubAccountName"),
            resource=col("ResourceId"),
            resource_name=col("ResourceName"),
            tags=col("Tags"),
            # Conditional columns, read where present (ContractApplied from FOCUS 1.3 on).
            quantity=col("ConsumedQuantity"),
            unit=col("ConsumedUnit"),
            applied=col("ContractApplied"),
        )

    def _focus_row(
        self, line: int, values: list[str], cols: _FocusColumns, totals: _FocusTotals
    ) -> _FocusRow | None:
        """One data row read and checked; None after recording its problems (every one)."""
        get = _focus_get
        amounts, ok = self._focus_amounts(line, values, cols)
        currency = get(values, cols.currency).upper()
        if currency not in KNOWN_CURRENCIES:
            self.problem(
                line,
                "BillingCurrency",
                f"unknown currency {get(values, cols.currency)!r}",
                CURRENCY_HINT,
            )
            ok = False
        stamps = self._focus_stamps(line, values, cols, totals.stamp_seen)
        service = get(values, cols.service)
        account = get(values, cols.account)
        provider = next((get(values, i) for i in cols.providers if get(values, i)), "")
        for text, name in (
            (service, "ServiceName"),
            (account, "BillingAccountId"),
            (provider, cols.provider_cols[0]),
        ):
            if not text:
                self.problem(line, name, "is empty", f"FOCUS requires {name}")
                ok = False
        tag_text = get(values, cols.tags)
        tags = self._focus_tags(line, tag_text, totals.tags_seen) if tag_text else {}
        quantity, unit = self._focus_quantity(line, values, cols)
        applied = self._focus_applied(line, values, cols, totals.applied_seen)
        if not ok or stamps is None or tags is None or quantity is _BAD or isinstance(applied, str):
            return None
        return _FocusRow(
            amounts=amounts,
            currency=currency,
            stamps=stamps,
            service=service,
            account=account,
            provider=provider,
            tag_text=tag_text,
            tags=tags,
            quantity=quantity,
            unit=unit,
            applied=applied,
        )

    def _focus_amounts(
        self, line: int, values: list[str], cols: _FocusColumns
    ) -> tuple[list[Decimal], bool]:
        """BilledCost and EffectiveCost, and whether both are numbers."""
        ok = True
        amounts = []
        for index, name in ((cols.billed, "BilledCost"), (cols.effective, "EffectiveCost")):
            text = _focus_get(values, index)
            try:
                amount = Decimal(text) if text else None
                if amount is None or not amount.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                self.problem(
                    line,
                    name,
                    f"{_focus_get(values, index)!r} is not a number" if text else "is empty",
                    "write a plain decimal such as 12.3456 (no currency symbol, no "
                    "thousands separator); FOCUS costs are never null",
                )
                ok = False
                amount = Decimal(0)
            amounts.append(amount)
        return amounts, ok

    def _focus_stamps(
        self, line: int, values: list[str], cols: _FocusColumns, stamp_seen: dict[str, Any]
    ) -> tuple[date, date, date] | None:
        """The billing period's start and end and the charge's start (None when one is bad)."""
        stamps = []
        ok = True
        for index, name in cols.stamps:
            text = _focus_get(values, index)
            # A bill has few distinct timestamps: each is parsed once.
            day = stamp_seen.get(text, NOT_SEEN)
            if day is NOT_SEEN:
                day = parse_stamp(text)
                if len(stamp_seen) < 100_000:
                    stamp_seen[text] = day
            if day is None:
                self.problem(
                    line,
                    name,
                    f"{_focus_get(values, index) or '(empty)'!r} is not a date-time",
                    "write YYYY-MM-DDTHH:MM:SSZ (UTC)",
                )
                ok = False
            stamps.append(day)
        return (stamps[0], stamps[1], stamps[2]) if ok else None

    def _focus_tags(
        self, line: int, tag_text: str, tags_seen: dict[str, dict[str, Any]]
    ) -> dict[str, Any] | None:
        """The Tags JSON object (each distinct text parsed once); None when it is not one."""
        try:
            parsed = tags_seen.get(tag_text)
            if parsed is None:
                parsed = json.loads(tag_text)
                if not isinstance(parsed, dict):
                    raise ValueError
                if len(tags_seen) < 200_000:
                    tags_seen[tag_text] = parsed
            return parsed
        except ValueError:
            self.problem(
                line,
                "Tags",
                "is not a JSON object",
                'write tags as a JSON object, e.g. {"team": "payments"}',
            )
            return None

    def _focus_quantity(self, line: int, values: list[str], cols: _FocusColumns) -> tuple[Any, str]:
        """ConsumedQuantity (None when absent or empty, `_BAD` when not a number) and its
        ConsumedUnit."""
        if cols.quantity is None:
            return None, ""
        text = _focus_get(values, cols.quantity)
        if not text:
            return None, ""
        quantity: Any
        try:
            quantity = Decimal(text)
            if not quantity.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.problem(
                line,
                "ConsumedQuantity",
                f"{text!r} is not a number",
                "write a plain decimal such as 12.5 (no unit, no thousands "
                "separator), or leave it empty",
            )
            quantity = _BAD
        return quantity, _focus_get(values, cols.unit)

    def _focus_applied(
        self,
        line: int,
        values: list[str],
        cols: _FocusColumns,
        applied_seen: dict[str, list[Applied] | str],
    ) -> list[Applied] | str:
        """ContractApplied's elements (each distinct text parsed once); a str is the problem."""
        applied: list[Applied] | str = []
        if cols.applied is None:
            return applied
        text = _focus_get(values, cols.applied)
        if not text:
            return applied
        applied = applied_seen.get(text, "")
        if applied == "":
            try:
                applied = parse_contract_applied(text)
            except ValueError as exc:
                applied = str(exc)
            if len(applied_seen) < 100_000:
                applied_seen[text] = applied
        if isinstance(applied, str):
            self.problem(
                line,
                "ContractApplied",
                applied,
                'write {"Elements": [{"ContractCommitmentId": "...", '
                '"ContractCommitmentAppliedCost": 12.5, ...}]} (FOCUS 1.3)',
            )
        return applied

    def _add_row(
        self,
        line: int,
        values: list[str],
        row: _FocusRow,
        cols: _FocusColumns,
        totals: _FocusTotals,
    ) -> None:
        """Add a valid row to its billing period and to its allocation key's sums."""
        (
            amounts,
            currency,
            stamps,
            service,
            account,
            provider,
            tag_text,
            tags,
            quantity,
            unit,
            applied,
        ) = row
        bp_start, bp_end, charge = stamps
        month = charge.replace(day=1)
        if totals.rates.rate(currency, month) is None:
            if (currency, month) not in totals.missing_rates:
                totals.missing_rates.add((currency, month))
                self.problem(
                    line,
                    "BillingCurrency",
                    f"no exchange rate for {currency} in {month:%Y-%m}",
                    _rate_hint(currency, month),
                )
            return
        pkey = (provider, account, bp_start)
        period = totals.periods.get(pkey)
        if period is None:
            period = totals.periods[pkey] = _Period(
                provider, account, bp_start, bp_end, currency, hashlib.sha256(), first_line=line
            )
        elif period.currency != currency:
            self.problem(
                line,
                "BillingCurrency",
                f"{currency} differs from {period.currency} on line "
                f"{period.first_line} of the same billing period",
                "a billing period is billed in one currency",
            )
            return
        period.digest.update("\x1f".join(values).encode())
        period.digest.update(b"\x1e")
        period.rows += 1
        billed, effective = amounts
        period.effective += effective
        period.billed += billed
        sub_id, sub_name = _focus_get(values, cols.sub), _focus_get(values, cols.sub_name)
        res_id = _focus_get(values, cols.resource)
        res_name = _focus_get(values, cols.resource_name)
        tkey = (tag_text, sub_id, sub_name, service, res_id, res_name, provider)
        target = totals.targets.get(tkey)
        if target is None:
            target = match(
                totals.rules,
                focus_values(tags, sub_id, sub_name, service, res_id, res_name, provider),
            )
            if len(totals.targets) < 200_000:
                totals.targets[tkey] = target
        center = target.cost_center_id or (
            totals.center_of_team.get(target.team_id) if target.team_id else None
        )
        akey = (
            pkey,
            month,
            service,
            _focus_get(values, cols.category),
            sub_name or sub_id,
            target.team_id,
            center,
            target.service,
            target.initiative,
            unit,
        )
        acc = totals.sums.get(akey)
        if acc is None:
            totals.sums[akey] = [effective, billed, 1, quantity]
        else:
            acc[0] += effective
            acc[1] += billed
            acc[2] += 1
            if quantity is not None:
                acc[3] = quantity if acc[3] is None else acc[3] + quantity
        if applied:
            _add_applied(totals.applied_sums, pkey, month, applied)

    def _period_changes(self, diff: Diff, version: str, totals: _FocusTotals) -> None:
        """One change per billing period read: added, unchanged (same digest) or changed."""
        existing = {
            (p.provider, p.billing_account, p.start): p for p in BillingPeriod.objects.all()
        }
        by_period: dict[tuple[str, str, date], list[tuple[tuple[Any, ...], list[Any]]]] = (
            defaultdict(list)
        )
        for akey, acc in totals.sums.items():
            by_period[akey[0]].append((akey, acc))
        applied_by_period: dict[tuple[str, str, date], list[tuple[tuple[Any, ...], list[Any]]]]
        applied_by_period = defaultdict(list)
        for ckey, c_acc in totals.applied_sums.items():
            applied_by_period[ckey[0]].append((ckey, c_acc))
        for pkey, period in totals.periods.items():
            digest = period.digest.hexdigest()
            label = f"{period.provider} {period.account} {period.start:%Y-%m}"
            old = existing.get(pkey)
            payload = (
                period,
                digest,
                version,
                by_period.get(pkey, []),
                totals.rates,
                applied_by_period.get(pkey, []),
            )
            if old is None:
                diff.add(
                    Change(
                        "added",
                        label,
                        line=period.first_line,
                        payload=payload,
                        notes=[f"{period.rows} rows"],
                    )
                )
            elif old.digest == digest:
                diff.add(Change("unchanged", label, line=period.first_line))
            else:
                diff.add(
                    Change(
                        "changed",
                        label,
                        line=period.first_line,
                        payload=payload,
                        fields={
                            "effective_cost": (old.effective_cost, cents(period.effective)),
                            "rows": (old.rows, period.rows),
                        },
                        notes=["replaces the billing period imported before"],
                    )
                )

    def apply(self, diff: Diff) -> None:
        for change in diff.changes:
            if change.kind == "unchanged":
                continue
            period, digest, version, groups, rates, applied = change.payload
            row = BillingPeriod.objects.filter(
                provider=period.provider, billing_account=period.account, start=period.start
            ).first()
            if row is not None:
                CloudCost.objects.filter(period=row).delete()
                CommitmentCost.objects.filter(period=row).delete()
            else:
                row = BillingPeriod(
                    provider=period.provider, billing_account=period.account, start=period.start
                )
            row.end = period.end
            row.focus_version = version
            row.digest = digest
            row.rows = period.rows
            row.effective_cost = cents(period.effective)
            row.billed_cost = cents(period.billed)
            row.currency = period.currency
            row.source_file = self.path.name
            row.save()
            costs = [
                CloudCost(
                    period=row,
                    month=month,
                    service_name=service[:200],
                    service_category=category[:64],
                    sub_account=sub[:200],
                    team_id=team,
                    cost_center_id=center,
                    service=svc,
                    initiative=init,
                    currency=period.currency,
                    effective_cost=acc[0],
                    billed_cost=acc[1],
                    effective_reporting=rates.convert(acc[0], period.currency, month),
                    rows=acc[2],
                    consumed_quantity=acc[3],
                    consumed_unit=unit[:64],
                )
                for (_p, month, service, category, sub, team, center, svc, init, unit), acc in (
                    groups
                )
            ]
            CloudCost.objects.bulk_create(costs, batch_size=1000)
            commitments = [
                CommitmentCost(
                    period=row,
                    month=month,
                    contract_id=contract_id[:200],
                    commitment_id=commitment[:200],
                    currency=period.currency,
                    applied_cost=acc[0],
                    applied_reporting=(
                        ZERO_CENTS
                        if acc[0] is None
                        else rates.convert(acc[0], period.currency, month)
                    ),
                    applied_quantity=acc[1],
                    applied_unit=unit[:64],
                    rows=acc[2],
                )
                for (_p, month, contract_id, commitment, unit), acc in applied
            ]
            CommitmentCost.objects.bulk_create(commitments, batch_size=1000)


# --- contracts -------------------------------------------------------------------------------


def _contract_change(
    key: str, line: int, vendor: str, code: str, values: dict[str, Any], old: Contract | None
) -> Change:
    """The change of one contract row: added, or changed/unchanged against the stored one."""
    payload = (vendor, code, values)
    if old is None:
        return Change("added", key, line=line, payload=payload)
    changed = {k: (getattr(old, k), v) for k, v in values.items() if getattr(old, k) != v}
    if old.vendor.name != vendor:
        changed["vendor"] = (old.vendor.name, vendor)
    old_code = old.cost_center.code if old.cost_center_id else ""  # type: ignore[union-attr]
    if old_code != code:
        changed["cost_center"] = (old_code, code)
    return Change(
        "changed" if changed else "unchanged", key, line=line, fields=changed, payload=payload
    )


class ContractsImporter(FinanceCsv):
    """`key, vendor, title, start, end, auto_renew, notice_days, annual_value, currency[,
    category, cost_center, owner, data_processed, last_security_review]`; vendors named for the
    first time are created. Overlapping contracts of one vendor and title are refused."""

    kind = "contracts"
    required_columns = ("key", "vendor", "start", "end", "notice_days", "annual_value", "currency")
    optional_columns = (
        "title",
        "auto_renew",
        "category",
        "cost_center",
        "owner",
        "data_processed",
        "last_security_review",
    )
    identifier_columns = ("key",)

    def plan(self) -> Diff:
        diff = self.new_diff()
        centers = {c.code: c for c in CostCenter.objects.all()}
        vendors = {v.name: v for v in Vendor.objects.all()}
        existing = {c.key: c for c in Contract.objects.select_related("vendor")}
        seen: dict[str, int] = {}
        spans: dict[tuple[str, str], list[tuple[date, date, str, int]]] = defaultdict(list)
        new_vendors: set[str] = set()
        for row in self.read_rows():
            key = self.parse_key(row, "key", seen, max_length=64)
            vendor = self.parse_text(row, "vendor", required=True, max_length=200)
            start = self.parse_date(row, "start", required=True)
            end = self.parse_date(row, "end", required=True)
            notice = self.parse_decimal(
                row, "notice_days", required=True, minimum=Decimal(0), places=0, max_digits=5
            )
            value = self.parse_decimal(
                row, "annual_value", required=True, minimum=Decimal(0), places=2, max_digits=14
            )
            currency = self.parse_currency(row)
            category = self.parse_choice(row, "category", CATEGORY_CODES) or "saas"
            auto = self.parse_bool(row, "auto_renew")
            review = self.parse_date(row, "last_security_review")
            code = row.get("cost_center")
            if code and code not in centers:
                self.problem(
                    row.line,
                    "cost_center",
                    f"no cost center {code!r}",
                    "create it on the Cost centers page, or leave it empty",
                )
            if start and end and end <= start:
                self.problem(
                    row.line,
                    "end",
                    f"{end} is not after the start {start}",
                    "give an end date after the start date",
                )
                continue
            if None in (key, start, end, notice, value, currency) or not vendor:
                continue
            assert key is not None and start is not None and end is not None
            title = row.get("title")
            self._overlaps_in_file(row.line, spans[(vendor, title)], vendor, start, end)
            spans[(vendor, title)].append((start, end, key, row.line))
            if vendor not in vendors and vendor not in new_vendors:
                new_vendors.add(vendor)
                diff.notes.append(f"vendor {vendor!r} created")
            values = {
                "title": title,
                "start": start,
                "end": end,
                "auto_renew": bool(auto),
                "notice_days": int(notice or 0),
                "annual_value": value,
                "currency": currency,
                "category": category,
                "owner": row.get("owner"),
                "data_processed": row.get("data_processed"),
                "last_security_review": review,
            }
            diff.add(_contract_change(key, row.line, vendor, code, values, existing.get(key)))
        self._overlaps_stored(existing, set(seen), spans)
        return diff

    def _overlaps_in_file(
        self,
        line: int,
        spans: list[tuple[date, date, str, int]],
        vendor: str,
        start: date,
        end: date,
    ) -> None:
        """A problem per earlier contract of the file (same vendor and title) that overlaps."""
        for s, e, other, other_line in spans:
            if s < end and start < e:
                self.problem(
                    line,
                    "start",
                    f"overlaps contract {other} (line {other_line}) of {vendor} from {s} to {e}",
                    "end the old contract before the new one starts, or give them different titles",
                )

    def _overlaps_stored(
        self,
        existing: dict[str, Contract],
        in_file: set[str],
        spans: dict[tuple[str, str], list[tuple[date, date, str, int]]],
    ) -> None:
        """Overlaps with stored contracts that this file does not change."""
        for contract in existing.values():
            if contract.key in in_file:
                continue
            for s, e, _other, other_line in spans.get((contract.vendor.name, contract.title), []):
                if contract.start < e and s < contract.end:
                    self.problem(
                        other_line,
                        "start",
                        f"overlaps stored contract {contract.key} of {contract.vendor.name} "
                        f"from {contract.start} to {contract.end}",
                        "end the old contract before the new one starts",
                    )

    def apply(self, diff: Diff) -> None:
        centers = {c.code: c for c in CostCenter.objects.all()}
        for change in diff.changes:
            if change.kind == "unchanged":
                continue
            vendor_name, code, values = change.payload
            vendor, _ = Vendor.objects.get_or_create(
                name=vendor_name, defaults={"category": values["category"]}
            )
            contract = Contract.objects.filter(key=change.key).first() or Contract(key=change.key)
            contract.vendor = vendor
            contract.cost_center = centers.get(code) if code else None
            for name, value in values.items():
                setattr(contract, name, value)
            contract.save()


class CapitalizationImporter(FinanceCsv):
    """`initiative, method, capitalize_from[, go_live]`: when each initiative's effort is
    capitalized (`asc-350-40`: development stage start; `asu-2025-06`: funding authorized and
    completion probable); one row per initiative."""

    kind = "capitalization"
    required_columns = ("initiative", "method", "capitalize_from")
    optional_columns = ("go_live",)

    def plan(self) -> Diff:
        from steward.finance.models import Capitalization, CapitalizationMethod

        diff = self.new_diff()
        existing = {c.initiative: c for c in Capitalization.objects.all()}
        seen: dict[str, int] = {}
        for row in self.read_rows():
            key = self.parse_key(row, "initiative", seen, max_length=64)
            method = self.parse_choice(row, "method", CapitalizationMethod.values, required=True)
            start = self.parse_date(row, "capitalize_from", required=True)
            live = self.parse_date(row, "go_live")
            if start and live and live <= start:
                self.problem(
                    row.line,
                    "go_live",
                    f"{live} is not after {start}",
                    "give a go-live after the start",
                )
                continue
            if key is None or method is None or start is None:
                continue
            values = {"method": method, "capitalize_from": start, "go_live": live}
            old = existing.get(key)
            if old is None:
                diff.add(Change("added", key, line=row.line, payload=values))
                continue
            changed = {k: (getattr(old, k), v) for k, v in values.items() if getattr(old, k) != v}
            diff.add(
                Change(
                    "changed" if changed else "unchanged",
                    key,
                    line=row.line,
                    fields=changed,
                    payload=values,
                )
            )
        return diff

    def apply(self, diff: Diff) -> None:
        from steward.finance.models import Capitalization

        for change in diff.changes:
            if change.kind != "unchanged":
                Capitalization.objects.update_or_create(
                    initiative=change.key, defaults=change.payload
                )


class EvaluationsImporter(FinanceCsv):
    """`evaluation, title, date, vendor, criterion, weight, score`: one row per vendor and
    criterion; a criterion's weight is the same on every row of an evaluation; scores 0-5."""

    kind = "vendor-evaluations"
    required_columns = ("evaluation", "title", "date", "vendor", "criterion", "weight", "score")

    def plan(self) -> Diff:
        from steward.finance.models import VendorEvaluation

        diff = self.new_diff()
        found: dict[str, dict[str, Any]] = {}
        for row in self.read_rows():
            key = self.parse_text(row, "evaluation", required=True, max_length=64)
            day = self.parse_date(row, "date", required=True)
            vendor = self.parse_text(row, "vendor", required=True, max_length=200)
            criterion = self.parse_text(row, "criterion", required=True, max_length=100)
            weight = self.parse_decimal(
                row,
                "weight",
                required=True,
                minimum=Decimal(0),
                min_exclusive=True,
                places=2,
                max_digits=6,
            )
            score = self.parse_decimal(
                row,
                "score",
                required=True,
                minimum=Decimal(0),
                maximum=Decimal(5),
                places=2,
                max_digits=4,
            )
            if (
                not key
                or day is None
                or not vendor
                or not criterion
                or weight is None
                or score is None
            ):
                continue
            item = found.setdefault(
                key,
                {
                    "title": row.get("title"),
                    "date": day,
                    "weights": {},
                    "scores": {},
                    "line": row.line,
                },
            )
            old_weight = item["weights"].get(criterion)
            if old_weight is not None and Decimal(old_weight) != weight:
                self.problem(
                    row.line,
                    "weight",
                    f"{criterion} weighs {old_weight} on an earlier row",
                    "give a criterion one weight per evaluation",
                )
                continue
            item["weights"][criterion] = str(weight)
            item["scores"].setdefault(vendor, {})[criterion] = str(score)
        existing = {e.key: e for e in VendorEvaluation.objects.all()}
        for key, item in found.items():
            values = {k: item[k] for k in ("title", "date", "weights", "scores")}
            old = existing.get(key)
            if old is None:
                diff.add(Change("added", key, line=item["line"], payload=values))
                continue
            changed = {k: (getattr(old, k), v) for k, v in values.items() if getattr(old, k) != v}
            diff.add(
                Change(
                    "changed" if changed else "unchanged",
                    key,
                    line=item["line"],
                    fields=changed,
                    payload=values,
                )
            )
        return diff

    def apply(self, diff: Diff) -> None:
        from steward.finance.models import VendorEvaluation

        for change in diff.changes:
            if change.kind != "unchanged":
                VendorEvaluation.objects.update_or_create(key=change.key, defaults=change.payload)


# --- service usage (the measure of unit cost) -------------------------------------------------


class UsageImporter(FinanceCsv):
    """`service, month, quantity, unit`: how much a service was used in a month (YYYY-MM); the
    denominator of its unit cost. A service keeps one unit; importing a month again replaces
    its quantity."""

    kind = "service-usage"
    required_columns = ("service", "month", "quantity", "unit")

    def plan(self) -> Diff:
        from steward.finance.models import ServiceUsage

        diff = self.new_diff()
        existing = {(u.service, u.month): u for u in ServiceUsage.objects.all()}
        units = dict(ServiceUsage.objects.values_list("service", "unit"))
        seen: dict[tuple[str, date], int] = {}
        for row in self.read_rows():
            service = self.parse_text(row, "service", required=True, max_length=100)
            text = row.get("month")
            month = _parse_month(text)
            if month is None:
                self.problem(row.line, "month", f"{text!r} is not a month", "write YYYY-MM")
            quantity = self.parse_decimal(
                row, "quantity", required=True, minimum=Decimal(0), places=4, max_digits=20
            )
            unit = self.parse_text(row, "unit", required=True, max_length=50)
            if not service or month is None or quantity is None or not unit:
                continue
            if (service, month) in seen:
                self.problem(
                    row.line,
                    "month",
                    f"{service} {month:%Y-%m} already on line {seen[(service, month)]}",
                    "keep one row per service and month",
                )
                continue
            seen[(service, month)] = row.line
            known = units.setdefault(service, unit)
            if known != unit:
                self.problem(
                    row.line,
                    "unit",
                    f"{service} is measured in {known!r}, not {unit!r}",
                    f"write {known!r} (one unit per service) or convert the quantity",
                )
                continue
            key = f"{service} {month:%Y-%m}"
            payload = (service, month, quantity, unit, row.line)
            old = existing.get((service, month))
            if old is None:
                diff.add(Change("added", key, line=row.line, payload=payload))
            elif old.quantity != quantity or old.unit != unit:
                diff.add(
                    Change(
                        "changed",
                        key,
                        line=row.line,
                        fields={"quantity": (old.quantity, quantity)},
                        payload=payload,
                    )
                )
            else:
                diff.add(Change("unchanged", key, line=row.line))
        return diff

    def apply(self, diff: Diff) -> None:
        from steward.finance.models import ServiceUsage

        source = self.path.name[-300:]
        for change in diff.changes:
            if change.kind == "unchanged":
                continue
            service, month, quantity, unit, line = change.payload
            ServiceUsage.objects.update_or_create(
                service=service,
                month=month,
                defaults={"quantity": quantity, "unit": unit, "source_file": source, "line": line},
            )


__all__ = [
    "BudgetImporter",
    "ContractsImporter",
    "FocusImporter",
    "LedgerImporter",
    "RatesImporter",
    "audit_deleted",
]
