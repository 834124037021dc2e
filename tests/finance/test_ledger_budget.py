"""General ledger and budget CSV imports, budget export, versions and the grid editor."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.finance import services
from steward.finance.models import MONTH_FIELDS, BudgetLine, FiscalYear, LedgerEntry

pytestmark = pytest.mark.usefixtures("no_finance")

LEDGER = ["date", "account", "cost_center", "vendor", "amount", "currency", "description"]


@pytest.fixture
def setup() -> None:
    services.cost_center_upsert(actor=SYSTEM, code="CC-IT", name="IT")
    services.rule_create(
        actor=SYSTEM, source="ledger", priority=1, field="account", pattern="61*", category="saas"
    )
    services.rule_create(
        actor=SYSTEM,
        source="ledger",
        priority=2,
        field="vendor",
        pattern="apple",
        category="hardware",
    )
    services.rate_set(actor=SYSTEM, month=date(2030, 2, 1), currency="USD", rate=D("0.5"))


def test_ledger_maps_converts_and_is_idempotent(
    setup: None, write_csv: Callable[..., Path]
) -> None:
    rows = [
        ["2030-02-03", "6100", "CC-IT", "Datadog", "1000.00", "EUR", "Monitoring"],
        ["2030-02-04", "6200", "CC-IT", "Apple", "300.00", "USD", "Laptop"],
        ["2030-02-05", "6999", "", "Misc", "12.34", "EUR", "Sundries"],
        ["2030-02-05", "6999", "", "Misc", "12.34", "EUR", "Sundries"],  # a second identical row
    ]
    path = write_csv("gl.csv", LEDGER, rows)
    diff = run_import("ledger", path, actor=SYSTEM)
    assert diff.counts()["added"] == 4
    entries = {(e.account, e.category, e.amount_reporting) for e in LedgerEntry.objects.all()}
    assert entries == {
        ("6100", "saas", D("1000.00")),
        ("6200", "hardware", D("150.00")),
        ("6999", "unallocated", D("12.34")),
    }
    assert LedgerEntry.objects.filter(account="6999").count() == 2
    assert run_import("ledger", path, actor=SYSTEM).counts()["unchanged"] == 4
    assert LedgerEntry.objects.count() == 4


def test_ledger_errors_name_line_column_and_fix(
    setup: None, write_csv: Callable[..., Path]
) -> None:
    rows = [
        ["2030-02-03", "6100", "CC-NOPE", "X", "10", "EUR", ""],
        ["3/2/30", "6100", "", "X", "10", "EUR", ""],
        ["2030-02-03", "6100", "", "X", "1,000", "EUR", ""],
        ["2030-02-03", "6100", "", "X", "10", "ZZZ", ""],
        ["2031-07-03", "6100", "", "X", "10", "CHF", ""],
    ]
    with pytest.raises(InvalidInput) as caught:
        run_import("ledger", write_csv("bad.csv", LEDGER, rows), actor=SYSTEM)
    got = [(p.line, p.column) for p in caught.value.problems]
    assert got == [(2, "cost_center"), (3, "date"), (4, "amount"), (5, "currency"), (6, "currency")]
    assert "add a rate for CHF in 2031-07" in str(caught.value)
    assert not LedgerEntry.objects.exists()


def test_budget_csv_round_trip_and_versions(
    setup: None, write_csv: Callable[..., Path], client_as: Callable[..., object]
) -> None:
    fy = services.fiscal_year_create(actor=SYSTEM, year=2031, first_month=4)
    assert (fy.start, fy.end) == (date(2030, 4, 1), date(2031, 4, 1))
    header = ["fiscal_year", "version", "category", "cost_center", "currency", *MONTH_FIELDS]
    rows = [
        [2031, 0, "saas", "CC-IT", "EUR", *[1000] * 12],
        [2031, 0, "cloud", "", "EUR", *range(1, 13)],
    ]
    assert (
        run_import("budget", write_csv("b.csv", header, rows), actor=SYSTEM).counts()["added"] == 2
    )
    assert (
        run_import("budget", write_csv("b.csv", header, rows), actor=SYSTEM).counts()["unchanged"]
        == 2
    )
    cloud = BudgetLine.objects.get(category="cloud")
    assert cloud.total == D(78)  # 1 + 2 + ... + 12
    reforecast = services.version_create(actor=SYSTEM, fiscal_year=fy)
    assert (reforecast.number, reforecast.name, reforecast.lines.count()) == (1, "Reforecast 1", 2)
    response = client_as("finance").get("/finance/budget/2031/0/export.csv")
    exported = list(csv.reader(io.StringIO(response.content.decode())))
    assert exported[0] == [*header[:5], *MONTH_FIELDS[:0], *header[5:], "note"]
    assert exported[1][:5] == ["2031", "0", "cloud", "", "EUR"] and exported[1][5:8] == [
        "1.00",
        "2.00",
        "3.00",
    ]
    again = write_csv("again.csv", exported[0], exported[1:])
    assert run_import("budget", again, actor=SYSTEM).counts()["unchanged"] == 2
    bad = [[2031, 7, "saas", "CC-IT", "EUR", *[1] * 12], [2031, 0, "rent", "", "EUR", *[1] * 12]]
    with pytest.raises(InvalidInput) as caught:
        run_import("budget", write_csv("bad.csv", header, bad), actor=SYSTEM)
    assert [(p.line, p.column) for p in caught.value.problems] == [(2, "version"), (3, "category")]


def test_grid_editor_saves_through_the_services(
    setup: None, client_as: Callable[..., object]
) -> None:
    fy = services.fiscal_year_create(actor=SYSTEM, year=2032)
    client = client_as("finance")
    page = client.get("/finance/budget/2032/0/edit/")
    assert page.status_code == 200
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, (category, amount) in enumerate([("saas", "250.50"), ("training", "")]):
        data[f"form-{i}-category"] = category
        data[f"form-{i}-cost_center"] = "CC-IT" if i == 0 else ""
        for m in MONTH_FIELDS:
            data[f"form-{i}-{m}"] = amount
    response = client.post("/finance/budget/2032/0/edit/", data)
    assert response.status_code == 302
    line = BudgetLine.objects.get(version__fiscal_year=fy)
    assert (line.category, line.cost_center.code, line.total) == ("saas", "CC-IT", D("3006.00"))
    data["form-0-m01"] = "-5"
    assert client.post("/finance/budget/2032/0/edit/", data).status_code == 422
    assert client_as("engineer").get("/finance/budget/2032/0/edit/").status_code == 403
    assert client_as("executive").get("/finance/budget/2032/0/edit/").status_code == 403
    assert FiscalYear.objects.filter(year=2032).exists()
