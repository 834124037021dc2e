"""Contracts (import, overlaps, cancel-by and alerts) and the finance pages and API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.finance import selectors
from steward.finance.models import Contract, Vendor

HEADER = [
    "key",
    "vendor",
    "title",
    "start",
    "end",
    "auto_renew",
    "notice_days",
    "annual_value",
    "currency",
]


@pytest.mark.usefixtures("no_finance")
def test_contracts_import_cancel_by_and_alert_levels(write_csv: Callable[..., Path]) -> None:
    rows = [
        ["C1", "Acme", "Support", "2029-01-01", "2031-01-01", "yes", "60", "12000", "EUR"],
        ["C2", "Beta", "", "2029-01-01", "2030-09-30", "no", "30", "500.50", "EUR"],
        ["C3", "Gamma", "", "2029-01-01", "2030-12-01", "no", "0", "1", "EUR"],
    ]
    diff = run_import("contracts", write_csv("c.csv", HEADER, rows), actor=SYSTEM)
    assert diff.counts()["added"] == 3 and Vendor.objects.count() == 3
    # C1: 1 Jan 2031 - 60 days = 2 Nov 2030.
    assert Contract.objects.get(key="C1").cancel_by == date(2030, 11, 2)
    calendar = {
        r["contract"].key: r
        for r in selectors.renewal_calendar(actor=SYSTEM, today=date(2030, 9, 10))
    }
    # C2 cancel-by 31 Aug 2030: inside its notice period; C1 in 53 days; C3 on 1 Dec 2030, 82 days.
    assert (calendar["C2"]["alert"], calendar["C2"]["days_left"]) == ("inside", -10)
    assert (calendar["C1"]["alert"], calendar["C1"]["days_left"]) == ("60", 53)
    assert (calendar["C3"]["alert"], calendar["C3"]["days_left"]) == ("90", 82)
    assert (
        run_import("contracts", write_csv("c.csv", HEADER, rows), actor=SYSTEM).counts()[
            "unchanged"
        ]
        == 3
    )


@pytest.mark.usefixtures("no_finance")
def test_overlapping_contract_versions_are_refused(write_csv: Callable[..., Path]) -> None:
    run_import(
        "contracts",
        write_csv(
            "a.csv",
            HEADER,
            [["C1", "Acme", "Support", "2029-01-01", "2031-01-01", "no", "30", "100", "EUR"]],
        ),
        actor=SYSTEM,
    )
    rows = [
        ["C2", "Acme", "Support", "2030-06-01", "2032-01-01", "no", "30", "100", "EUR"],
        ["C3", "Acme", "Other", "2029-01-01", "2029-01-01", "no", "30", "100", "XXX"],
    ]
    with pytest.raises(InvalidInput) as caught:
        run_import("contracts", write_csv("b.csv", HEADER, rows), actor=SYSTEM)
    got = sorted((p.line, p.column) for p in caught.value.problems)
    assert got == [(2, "start"), (3, "currency"), (3, "end")]
    assert "overlaps stored contract C1" in str(caught.value)
    assert Contract.objects.count() == 1


PAGES = [
    "/finance/budget/",
    "/finance/plan-vs-actual/",
    "/finance/allocation/",
    "/finance/cloud/",
    "/finance/contracts/",
    "/finance/cost-centers/",
    "/finance/rates/",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_show_the_demo_money_to_finance_only(
    client_as: Callable[..., object], path: str
) -> None:
    response = client_as("finance").get(path)
    assert response.status_code == 200
    assert client_as("engineer").get(path).status_code == 403


def test_demo_budget_page_speaks_plainly(client_as: Callable[..., object]) -> None:
    body = client_as("cto").get("/finance/plan-vs-actual/?year=2026").content.decode()
    assert "Plan vs actual vs forecast FY2026" in body and " EUR" in body
    assert "Forecast to year end" in body
    contracts = client_as("cto").get("/finance/contracts/").content.decode()
    assert "Datadog" in contracts


def test_api_lists_are_paginated_and_money_only(client_as: Callable[..., object]) -> None:
    client = client_as("finance")
    page = client.get("/api/v1/finance/contracts?limit=5").json()
    assert page["count"] == 20 and len(page["items"]) == 5
    assert {"key", "vendor", "cancel_by", "annual_value", "currency"} <= set(page["items"][0])
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/finance/contracts?limit=20")
    assert len(queries) <= 8
    forecast = client.get("/api/v1/finance/forecast?year=2026").json()
    assert set(forecast) >= {
        "year",
        "currency",
        "budget",
        "actual_to_date",
        "forecast",
        "variance",
        "lines",
    }
    assert D(forecast["budget"]) == sum(D(line["budget"]) for line in forecast["lines"])
    assert client_as("engineer").get("/api/v1/finance/contracts").status_code == 403


@pytest.mark.django_db
def test_demo_cloud_overruns_its_budget_on_the_reference_date() -> None:
    fy = selectors.fiscal_year_get(actor=SYSTEM, year=2026)
    report = selectors.plan_vs_actual(actor=SYSTEM, fiscal_year=fy, today=date(2026, 11, 27))
    overrun = {(r["category"], r["cost_center"]) for r in report["overruns"]}
    assert {("cloud", "CC-SEARCH"), ("cloud", "CC-ML-RANKING")} <= overrun
    assert report["closed"] == 10


@pytest.mark.django_db
def test_cloud_drivers_name_the_services_that_grew() -> None:
    fy = selectors.fiscal_year_get(actor=SYSTEM, year=2026)
    drivers = selectors.cloud_drivers(actor=SYSTEM, fiscal_year=fy, today=date(2026, 11, 27))
    # Closed: Jan-Oct. The growing teams' services cost (1 + 0.12 x (i - 5)) x base from
    # month index 6 (July), in USD converted at the month's rate: May-Jul 1 x 0.92 + 1 x 0.93
    # + 1.12 x 0.94 = 2.9028, Aug-Oct 1.24 x 0.93 + 1.36 x 0.92 + 1.48 x 0.91 = 3.7512 (x base):
    # +29.2 %. The other teams' services did not grow.
    assert [(d["service"], round(d["growth"], 3)) for d in drivers] == [
        ("data-platform-api", D("0.292")),
        ("ml-ranking-api", D("0.292")),
        ("search-api", D("0.292")),
    ]


@pytest.mark.usefixtures("no_finance")
def test_vendor_evaluation_scores_and_decision_record(
    write_csv: Callable[..., Path], client_as: Callable[..., object]
) -> None:
    from steward.architecture.models import Decision
    from steward.finance.models import VendorEvaluation

    header = ["evaluation", "title", "date", "vendor", "criterion", "weight", "score"]
    rows = [
        ["E1", "Monitoring", "2030-01-10", "A", "Cost", "3", "2"],
        ["E1", "Monitoring", "2030-01-10", "A", "Features", "1", "5"],
        ["E1", "Monitoring", "2030-01-10", "B", "Cost", "3", "4"],
        ["E1", "Monitoring", "2030-01-10", "B", "Features", "1", "1"],
    ]
    run_import("vendor-evaluations", write_csv("e.csv", header, rows), actor=SYSTEM)
    # A: (3 x 2 + 1 x 5) / 4 = 2.75; B: (3 x 4 + 1 x 1) / 4 = 3.25.
    [item] = selectors.evaluation_list(actor=SYSTEM)
    assert item["ranked"] == [("B", D("3.25")), ("A", D("2.75"))]
    client = client_as("finance")
    response = client.post("/finance/evaluations/E1/decision/")
    number = VendorEvaluation.objects.get().decision_number
    assert response.status_code == 302 and response.url == f"/architecture/decisions/{number}/"
    decision = Decision.objects.get(number=number)
    assert decision.status == "draft" and 'Chosen option: "B"' in decision.body
    again = client.post("/finance/evaluations/E1/decision/")
    assert again.status_code == 302 and Decision.objects.filter(title=decision.title).count() == 1
    assert client_as("executive").post("/finance/evaluations/E1/decision/").status_code == 403
    bad = [["E2", "X", "2030-01-10", "A", "Cost", "3", "7"]]
    with pytest.raises(InvalidInput, match="score"):
        run_import("vendor-evaluations", write_csv("bad.csv", header, bad), actor=SYSTEM)


@pytest.mark.django_db
def test_demo_bills_carry_usage_and_the_unit_cost_follows() -> None:
    report = selectors.unit_costs(actor=SYSTEM, start=date(2026, 1, 1), end=date(2026, 11, 1))
    search = next(r for r in report["services"] if r["service"] == "search-api")
    consumed = {c["unit"]: c for c in search["consumed"]}
    # EC2 and RDS bill hours, S3 GB-months, CloudFront GB.
    assert set(consumed) == {"Hours", "GB-Mo", "GB"}
    hours = consumed["Hours"]["by_month"][0]
    # January: EC2 3,200 USD ÷ 0.192 = 16,666.67 h, RDS 1,400 ÷ 0.38 = 3,684.21 h; cost at
    # 0.92: 2,944.00 + 1,288.00 = 4,232.00 EUR; 4,232.00 ÷ 20,350.88 h = 0.207952 EUR an hour.
    assert (hours["quantity"], hours["cost"], hours["unit_cost"]) == (
        D("20350.88"), D("4232.00"), D("0.207952"),
    )  # fmt: skip
    storage = consumed["GB-Mo"]["by_month"][0]
    # S3: 450 USD ÷ 0.023 = 19,565.22 GB-months; 414.00 EUR ÷ 19,565.22 = 0.021160.
    assert (storage["quantity"], storage["unit_cost"]) == (D("19565.22"), D("0.021160"))


@pytest.mark.usefixtures("no_finance")
def test_contract_form_creates_changes_and_refuses(client_as: Callable[..., object]) -> None:
    from auditlog.models import LogEntry

    client = client_as("finance")
    form = {
        "key": "C-SNYK",
        "vendor": "Snyk",
        "title": "Code scanning",
        "start": "2026-01-01",
        "end": "2027-01-01",
        "notice_days": "45",
        "annual_value": "24000",
        "currency": "usd",
        "category": "saas",
        "cost_center": "",
        "owner": "CTO",
    }
    assert client.post("/finance/contracts/new/", form).status_code == 302  # type: ignore[attr-defined]
    contract = Contract.objects.get(key="C-SNYK")
    # A new vendor, with the contract's category; cancel-by = 1 Jan 2027 - 45 days.
    assert (contract.vendor.name, contract.vendor.category) == ("Snyk", "saas")
    assert (contract.currency, contract.cancel_by) == ("USD", date(2026, 11, 17))
    assert LogEntry.objects.get_for_object(contract).count() == 1
    # The same key again, an overlapping contract of the vendor and title, an end before start.
    again = client.post("/finance/contracts/new/", form).content.decode()  # type: ignore[attr-defined]
    assert "C-SNYK exists already" in again
    overlap = client.post(  # type: ignore[attr-defined]
        "/finance/contracts/new/", {**form, "key": "C-SNYK-2", "start": "2026-06-01"}
    )
    assert overlap.status_code == 422 and "C-SNYK runs 2026-01-01 to 2027-01-01" in (
        overlap.content.decode()
    )
    backwards = client.post(  # type: ignore[attr-defined]
        "/finance/contracts/new/", {**form, "key": "C-X", "end": "2025-01-01"}
    )
    assert "the end date must be after the start date" in backwards.content.decode()
    assert Contract.objects.count() == 1
    # Change: the key stays, the notice period moves the cancel-by date.
    edit = client.post(  # type: ignore[attr-defined]
        "/finance/contracts/C-SNYK/edit/", {**form, "key": "OTHER", "notice_days": "90"}
    )
    assert edit.status_code == 302
    contract.refresh_from_db()
    assert (contract.key, contract.cancel_by) == ("C-SNYK", date(2026, 10, 3))
    assert client_as("executive").get("/finance/contracts/new/").status_code == 403  # type: ignore[attr-defined]
    assert client_as("engineer").post("/finance/contracts/new/", form).status_code == 403  # type: ignore[attr-defined]
