"""FOCUS 1.0-1.3 bills: profiles, quirks, mapping, replace-by-period, refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.db.models import Sum

from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.finance import services
from steward.finance.importers import focus_version, parse_stamp
from steward.finance.models import BillingPeriod, CloudCost
from steward.org import selectors as org

pytestmark = pytest.mark.usefixtures("no_finance")

BASE = [
    "BilledCost",
    "EffectiveCost",
    "BillingCurrency",
    "BillingAccountId",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "ServiceName",
    "ServiceCategory",
    "SubAccountId",
    "SubAccountName",
    "ResourceId",
    "Tags",
]
EXTRA = {
    "1.0": ["ProviderName", "Id"],
    "1.1": ["ProviderName", "ServiceSubcategory", "SkuMeter"],
    "1.2": ["ProviderName", "InvoiceId", "BillingAccountType", "SubAccountType"],
    "1.3": ["ServiceProviderName", "HostProviderName", "ContractApplied"],
}


def _rows(version: str) -> list[list[object]]:
    """Three rows of September 2024: two tagged for payments, one untagged."""
    sep, octo = "2024-09-01", "2024-10-01"
    if version == "1.0":
        # The public sample's quirks: no T/Z, NULL for nulls, an extra `Id` column.
        sep, octo = "2024-09-01 00:00:00", "2024-10-01 00:00:00"
    null = "NULL" if version == "1.0" else ""
    tag = json.dumps({"team": "payments", "environment": "dev"})
    common = [
        [
            "10.50",
            "8.25",
            "USD",
            "acc-1",
            sep,
            octo,
            sep,
            octo,
            "Usage",
            "Amazon EC2",
            "Compute",
            "sub-pay",
            "Payments",
            "i-1",
            tag,
        ],
        [
            "4.00",
            "4.00",
            "USD",
            "acc-1",
            sep,
            octo,
            "2024-09-05 10:00:00" if version == "1.0" else "2024-09-05T10:00:00Z",
            octo,
            "Usage",
            "Amazon S3",
            "Storage",
            "sub-pay",
            "Payments",
            "b-1",
            tag,
        ],
        [
            "100.00",
            "0",
            "USD",
            "acc-1",
            sep,
            octo,
            sep,
            octo,
            "Purchase",
            "Amazon EC2",
            "Compute",
            null,
            null,
            null,
            null,
        ],
    ]
    extra = {
        "1.0": ["AWS", "row-1"],
        "1.1": ["AWS", "Compute", "Hours"],
        "1.2": ["AWS", "INV-1", "Organization", "Account"],
        "1.3": ["AWS", "AWS", "[]"],
    }[version]
    return [[*row, *extra] for row in common]


@pytest.fixture
def payments_rule() -> None:
    team = org.team_by_slug("payments")
    services.rule_create(
        actor=SYSTEM,
        source="focus",
        priority=1,
        field="tag:team",
        pattern="pay*",
        team=team,
        service="payments-api",
        initiative="PAY-LAUNCH",
    )
    services.rate_set(actor=SYSTEM, month=date(2024, 9, 1), currency="USD", rate=D("0.9"))


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2", "1.3"])
def test_each_version_imports_maps_and_sums(
    version: str, payments_rule: None, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(f"focus-{version}.csv", BASE + EXTRA[version], _rows(version))
    diff = run_import("focus", path, actor=SYSTEM)
    assert diff.counts()["added"] == 1
    period = BillingPeriod.objects.get()
    assert (period.provider, period.billing_account, period.start) == (
        "AWS",
        "acc-1",
        date(2024, 9, 1),
    )
    assert period.focus_version == version
    assert period.rows == 3
    # EffectiveCost 8.25 + 4.00 + 0 = 12.25; BilledCost 10.50 + 4 + 100 = 114.50.
    assert period.effective_cost == D("12.25")
    assert period.billed_cost == D("114.50")
    mapped = CloudCost.objects.filter(team__slug="payments")
    assert mapped.aggregate(t=Sum("effective_cost"))["t"] == D("12.25")
    assert set(mapped.values_list("initiative", flat=True)) == {"PAY-LAUNCH"}
    # 12.25 USD at 0.9 = 11.03 EUR (11.025 rounded per group: 7.43 + 3.60).
    assert mapped.aggregate(t=Sum("effective_reporting"))["t"] == D("7.43") + D("3.60")
    unmapped = CloudCost.objects.get(team__isnull=True)
    assert unmapped.billed_cost == D(100) and unmapped.effective_cost == 0
    # Same file again: nothing changes.
    again = run_import("focus", path, actor=SYSTEM)
    assert again.counts() == {"added": 0, "changed": 0, "unchanged": 1, "ended": 0}


def test_reimporting_a_period_replaces_it(
    payments_rule: None, write_csv: Callable[..., Path]
) -> None:
    rows = _rows("1.2")
    run_import("focus", write_csv("a.csv", BASE + EXTRA["1.2"], rows), actor=SYSTEM)
    corrected = [rows[0]]
    corrected[0] = ["10.50", "9.00", *rows[0][2:]]
    diff = run_import("focus", write_csv("b.csv", BASE + EXTRA["1.2"], corrected), actor=SYSTEM)
    assert diff.counts()["changed"] == 1
    period = BillingPeriod.objects.get()
    assert (period.rows, period.effective_cost) == (1, D("9.00"))
    assert CloudCost.objects.aggregate(t=Sum("effective_cost"))["t"] == D("9.00")


def test_headers_in_any_case(payments_rule: None, write_csv: Callable[..., Path]) -> None:
    header = [h.lower() for h in BASE + EXTRA["1.2"]]
    run_import("focus", write_csv("lower.csv", header, _rows("1.2")), actor=SYSTEM)
    assert BillingPeriod.objects.get().effective_cost == D("12.25")


def test_bad_rows_are_located_and_nothing_is_written(
    payments_rule: None, write_csv: Callable[..., Path]
) -> None:
    rows = _rows("1.2")
    rows[0][1] = "$10,000.00 "
    rows[1][2] = "XYZ"
    rows[2][6] = "5/1/25"
    rows[2][14] = "{not json"
    with pytest.raises(InvalidInput) as caught:
        run_import("focus", write_csv("bad.csv", BASE + EXTRA["1.2"], rows), actor=SYSTEM)
    found = {(p.line, p.column) for p in caught.value.problems}
    assert found == {
        (2, "EffectiveCost"),
        (3, "BillingCurrency"),
        (4, "ChargePeriodStart"),
        (4, "Tags"),
    }
    assert all(p.hint for p in caught.value.problems)
    assert not BillingPeriod.objects.exists() and not CloudCost.objects.exists()


def test_missing_rate_and_missing_column(write_csv: Callable[..., Path]) -> None:
    # No monthly and no standing rate for CHF: one problem per currency and month.
    rows = [[*r[:2], "CHF", *r[3:]] for r in _rows("1.2")]
    with pytest.raises(InvalidInput) as caught:
        run_import("focus", write_csv("norate.csv", BASE + EXTRA["1.2"], rows), actor=SYSTEM)
    assert [(p.line, p.column) for p in caught.value.problems] == [(2, "BillingCurrency")]
    assert "no exchange rate for CHF in 2024-09" in str(caught.value)
    header = [h for h in BASE + EXTRA["1.2"] if h != "EffectiveCost"]
    rows = [r[:1] + r[2:] for r in _rows("1.2")]
    with pytest.raises(InvalidInput, match=r"EffectiveCost: required FOCUS 1\.2 column is missing"):
        run_import("focus", write_csv("nocol.csv", header, rows), actor=SYSTEM)


def test_version_profiles_and_timestamps() -> None:
    assert focus_version(BASE + EXTRA["1.0"]) == "1.0"
    assert focus_version(BASE + EXTRA["1.3"]) == "1.3"
    assert parse_stamp("2024-09-18 22:00:00") == date(2024, 9, 18)
    assert parse_stamp("2024-09-18T22:00:00Z") == date(2024, 9, 18)
    assert parse_stamp("2024-09-18T22:00:00-05:00") == date(2024, 9, 19)
    assert parse_stamp("5/1/25") is None
