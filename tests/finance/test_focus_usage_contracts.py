"""FOCUS ConsumedQuantity/ConsumedUnit and ContractApplied (1.3): kept at import (summed per
group), unit cost per service and unit from the bills, spend against a contract through the
bills; bad values refused with line and column. Numbers are hand-computed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.finance import selectors, services
from steward.finance.importers import parse_contract_applied
from steward.finance.models import BillingPeriod, CloudCost, CommitmentCost

pytestmark = pytest.mark.usefixtures("no_finance")

HEADER = [
    "BilledCost",
    "EffectiveCost",
    "BillingCurrency",
    "BillingAccountId",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargePeriodStart",
    "ChargeCategory",
    "ServiceName",
    "ServiceProviderName",
    "Tags",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractApplied",
]
SEP, OCT, NOV = "2024-09-01T00:00:00Z", "2024-10-01T00:00:00Z", "2024-11-01T00:00:00Z"
TAG = json.dumps({"team": "payments"})


def _applied(cost: str) -> str:
    return json.dumps(
        {
            "Elements": [
                {
                    "ContractId": "EDP-1",
                    "ContractCommitmentId": "EDP-1-Y1",
                    "ContractCommitmentAppliedCost": float(cost),
                    "ContractCommitmentAppliedQuantity": None,
                    "ContractCommitmentAppliedUnit": None,
                }
            ]
        }
    )


def _bill() -> list[list[object]]:
    """September and October 2024: EC2 hours and S3 storage for payments, a purchase row
    without usage; the EC2 rows of September draw on the EDP-1 commitment."""
    return [
        ["8.25", "8.25", "USD", "acc-1", SEP, OCT, SEP, "Usage", "Amazon EC2", "AWS", TAG,
         "10", "Hours", _applied("8.25")],
        ["1.75", "1.75", "USD", "acc-1", SEP, OCT, SEP, "Usage", "Amazon EC2", "AWS", TAG,
         "2.5", "Hours", _applied("1.75")],
        ["4.00", "4.00", "USD", "acc-1", SEP, OCT, SEP, "Usage", "Amazon S3", "AWS", TAG,
         "100", "GB-Mo", "NULL"],
        ["50.00", "0", "USD", "acc-1", SEP, OCT, SEP, "Purchase", "Amazon EC2", "AWS", TAG,
         "", "", ""],
        ["6.00", "6.00", "USD", "acc-1", OCT, NOV, OCT, "Usage", "Amazon EC2", "AWS", TAG,
         "5", "Hours", ""],
    ]  # fmt: skip


@pytest.fixture
def setup() -> None:
    from steward.org import selectors as org

    services.rule_create(
        actor=SYSTEM, source="focus", priority=1, field="tag:team", pattern="payments",
        team=org.team_by_slug("payments"), service="payments-api",
    )  # fmt: skip
    for month in (date(2024, 9, 1), date(2024, 10, 1)):
        services.rate_set(actor=SYSTEM, month=month, currency="USD", rate=D("0.9"))


def test_consumed_quantity_and_contract_applied_are_kept_summed(
    setup: None, write_csv: Callable[..., Path]
) -> None:
    diff = run_import("focus", write_csv("bill-1.3.csv", HEADER, _bill()), actor=SYSTEM)
    assert diff.counts()["added"] == 2
    assert set(BillingPeriod.objects.values_list("focus_version", flat=True)) == {"1.3"}
    groups = {
        (c.month, c.service_name, c.consumed_unit): (c.consumed_quantity, c.effective_cost, c.rows)
        for c in CloudCost.objects.all()
    }
    assert groups == {
        # 10 + 2.5 hours; 8.25 + 1.75 USD.
        (date(2024, 9, 1), "Amazon EC2", "Hours"): (D("12.5"), D("10.00"), 2),
        (date(2024, 9, 1), "Amazon S3", "GB-Mo"): (D(100), D("4.00"), 1),
        # The purchase row has no usage: a group of its own, quantity null.
        (date(2024, 9, 1), "Amazon EC2", ""): (None, D(0), 1),
        (date(2024, 10, 1), "Amazon EC2", "Hours"): (D(5), D("6.00"), 1),
    }
    (edp,) = CommitmentCost.objects.all()
    # 8.25 + 1.75 = 10.00 USD applied, at 0.9 = 9.00 EUR; two bill rows.
    assert (edp.contract_id, edp.commitment_id, edp.month) == (
        "EDP-1",
        "EDP-1-Y1",
        date(2024, 9, 1),
    )
    assert (edp.applied_cost, edp.applied_reporting, edp.applied_quantity, edp.rows) == (
        D("10.00"), D("9.00"), None, 2,
    )  # fmt: skip
    # Importing again changes nothing; a corrected September replaces its commitments too.
    assert (
        run_import("focus", write_csv("again.csv", HEADER, _bill()), actor=SYSTEM).counts()[
            "unchanged"
        ]
        == 2
    )
    corrected = _bill()
    corrected[1][-1] = ""
    run_import("focus", write_csv("fix.csv", HEADER, corrected), actor=SYSTEM)
    assert [(c.applied_cost, c.rows) for c in CommitmentCost.objects.all()] == [(D("8.25"), 1)]


def test_unit_cost_per_service_and_unit_from_the_bills(
    setup: None,
    write_csv: Callable[..., Path],
    client_as: Callable[..., object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run_import("focus", write_csv("bill.csv", HEADER, _bill()), actor=SYSTEM)
    report = selectors.unit_costs(actor=SYSTEM, start=date(2024, 9, 1), end=date(2024, 11, 1))
    (pay,) = report["services"]
    # Cost: September 10.00 + 4.00 + 0 USD = 14.00 -> 9.00 + 3.60 + 0 EUR; October 6.00 USD
    # -> 5.40 EUR. Total 18.00 EUR.
    assert pay["cost"] == D("18.00")
    consumed = {c["unit"]: (c["quantity"], c["cost"], c["unit_cost"]) for c in pay["consumed"]}
    assert consumed == {
        # (9.00 + 5.40) EUR ÷ (12.5 + 5) hours = 14.40 ÷ 17.5 = 0.822857 EUR an hour.
        "Hours": (D("17.5"), D("14.40"), D("0.822857")),
        # 3.60 EUR ÷ 100 GB-Mo = 0.036 EUR a GB-month.
        "GB-Mo": (D(100), D("3.60"), D("0.036000")),
    }
    # The allocation page's cost by service carries the same unit costs.
    allocation = selectors.allocation_report(
        actor=SYSTEM, start=date(2024, 9, 1), end=date(2024, 11, 1)
    )
    (service,) = allocation["services"]
    assert service["amount"] == D("18.00")
    assert [(c["unit"], c["quantity"], c["cost"], c["unit_cost"]) for c in service["consumed"]] == [
        ("GB-Mo", D(100), D("3.60"), D("0.036000")),
        ("Hours", D("17.5"), D("14.40"), D("0.822857")),
    ]
    hours = next(c for c in pay["consumed"] if c["unit"] == "Hours")
    # September 9.00 ÷ 12.5 = 0.72; October 5.40 ÷ 5 = 1.08.
    assert [m["unit_cost"] for m in hours["by_month"]] == [D("0.720000"), D("1.080000")]
    services.fiscal_year_create(actor=SYSTEM, year=2024)
    from steward.finance import api, views

    monkeypatch.setattr(api, "_today", lambda: date(2024, 11, 15))
    monkeypatch.setattr(views, "_today", lambda: date(2024, 11, 15))
    cto = client_as("cto")
    data = cto.get("/api/v1/finance/unit-costs?year=2024").json()  # type: ignore[attr-defined]
    (item,) = data["services"]
    assert item["consumed"] == [
        {"unit": "GB-Mo", "quantity": "100.000000", "cost": "3.60", "unit_cost": "0.036000"},
        {"unit": "Hours", "quantity": "17.500000", "cost": "14.40", "unit_cost": "0.822857"},
    ]
    page = cto.get("/finance/services/?year=2024").content.decode()  # type: ignore[attr-defined]
    assert "17.50 Hours: 0.822857 EUR per Hours" in page
    assert "100.00 GB-Mo: 0.036000 EUR per GB-Mo" in page
    detail = cto.get("/finance/services/payments-api/?year=2024").content.decode()  # type: ignore[attr-defined]
    assert "Usage from the bills" in detail and "0.720000" in detail and "1.080000" in detail


def test_spend_against_a_contract_through_the_bills(
    setup: None, write_csv: Callable[..., Path], client_as: Callable[..., object]
) -> None:
    run_import("focus", write_csv("bill.csv", HEADER, _bill()), actor=SYSTEM)
    vendor = services.vendor_upsert(actor=SYSTEM, name="Amazon Web Services", category="cloud")
    services.contract_upsert(
        actor=SYSTEM,
        key="EDP-1",
        values={"vendor": vendor, "title": "Enterprise discount", "start": date(2024, 1, 1),
                "end": date(2026, 1, 1), "annual_value": D(120000), "currency": "EUR",
                "category": "cloud", "notice_days": 90},
    )  # fmt: skip
    (row,) = selectors.renewal_calendar(actor=SYSTEM, today=date(2024, 12, 1))
    # No ledger rows of the vendor; 9.00 EUR applied to EDP-1-Y1 under contract EDP-1.
    assert (row["spend_12m"], row["spend_cloud_12m"]) == (D("9.00"), D("9.00"))
    (commitment,) = selectors.commitment_spend(actor=SYSTEM)
    assert (commitment["cost"], commitment["rows"], commitment["contract"].key) == (
        D("9.00"), 2, "EDP-1",
    )  # fmt: skip
    page = client_as("finance").get("/finance/cloud/").content.decode()  # type: ignore[attr-defined]
    assert "EDP-1-Y1" in page and "Enterprise discount" in page


def test_bad_usage_and_contract_values_are_located(
    setup: None, write_csv: Callable[..., Path]
) -> None:
    rows = _bill()
    rows[0][11] = "10 hours"
    rows[1][13] = "{not json"
    rows[2][13] = json.dumps({"Elements": [{"ContractCommitmentAppliedCost": 1}]})
    rows[4][13] = json.dumps([{"ContractCommitmentId": "X", "ContractCommitmentAppliedCost": "$1"}])
    with pytest.raises(InvalidInput) as caught:
        run_import("focus", write_csv("bad.csv", HEADER, rows), actor=SYSTEM)
    found = {(p.line, p.column): p.message for p in caught.value.problems}
    assert set(found) == {
        (2, "ConsumedQuantity"),
        (3, "ContractApplied"),
        (4, "ContractApplied"),
        (6, "ContractApplied"),
    }
    assert "without ContractCommitmentId" in found[(4, "ContractApplied")]
    assert "AppliedCost that is not a number" in found[(6, "ContractApplied")]
    assert not BillingPeriod.objects.exists() and not CommitmentCost.objects.exists()


def test_contract_applied_shapes() -> None:
    element = {
        "ContractCommitmentID": "C-1",
        "ContractCommitmentAppliedQuantity": "10",
        "ContractCommitmentAppliedUnit": "Hours",
        "ContractCommitmentAppliedCost": None,
    }
    expected = [("", "C-1", None, D(10), "Hours")]
    # 1.3 as ratified, a bare array, the draft's example, a single element.
    assert parse_contract_applied(json.dumps({"Elements": [element]})) == expected
    assert parse_contract_applied(json.dumps([element])) == expected
    assert parse_contract_applied(json.dumps({"ContractApplied": [element]})) == expected
    assert parse_contract_applied(json.dumps(element)) == expected
    assert parse_contract_applied("[]") == []
    with pytest.raises(ValueError, match="not JSON"):
        parse_contract_applied("Elements")


def test_a_focus_1_0_bill_keeps_its_usage_and_has_no_contract_applied(
    setup: None, write_csv: Callable[..., Path]
) -> None:
    # The public sample's quirks: NULL for nulls, timestamps without T/Z, ProviderName.
    header = [h for h in HEADER if h not in ("ServiceProviderName", "ContractApplied")]
    header.append("ProviderName")
    sep, octo = "2024-09-01 00:00:00", "2024-10-01 00:00:00"
    rows = [
        ["3.00", "3.00", "USD", "acc-1", sep, octo, sep, "Usage", "Amazon EC2", TAG, "4",
         "Hours", "AWS"],
        ["1.00", "1.00", "USD", "acc-1", sep, octo, sep, "Tax", "Amazon EC2", TAG, "NULL",
         "NULL", "AWS"],
    ]  # fmt: skip
    run_import("focus", write_csv("focus-1.0.csv", header, rows), actor=SYSTEM)
    assert BillingPeriod.objects.get().focus_version == "1.0"
    assert sorted(
        CloudCost.objects.values_list("consumed_unit", "consumed_quantity", "effective_cost")
    ) == [("", None, D("1.00")), ("Hours", D(4), D("3.00"))]
    assert not CommitmentCost.objects.exists()
