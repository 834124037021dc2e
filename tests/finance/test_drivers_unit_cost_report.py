"""Variance drivers, unit cost per service and the money section of the cockpit's reports,
against hand-computed numbers (METRICS.md "Money")."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from steward.core import registry
from steward.core.errors import BadInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.core.registry import ReportPeriod
from steward.finance import reports, selectors, services
from steward.finance.models import ServiceUsage

pytestmark = pytest.mark.usefixtures("no_finance", "empty_org")

TODAY = date(2030, 8, 15)  # January to July closed, five months open
FOCUS = [
    "BilledCost",
    "EffectiveCost",
    "BillingCurrency",
    "BillingAccountId",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargePeriodStart",
    "ChargeCategory",
    "ServiceName",
    "ProviderName",
]
GL = ["date", "account", "cost_center", "vendor", "amount", "currency", "description"]


def _stamp(month: int) -> str:
    return f"2030-{month:02d}-01T00:00:00Z"


@pytest.fixture
def year(write_csv: Callable[..., Path]) -> object:
    it = services.cost_center_upsert(actor=SYSTEM, code="CC-IT", name="IT")
    for account in ("6100", "6200"):
        services.rule_create(
            actor=SYSTEM,
            source="ledger",
            priority=1,
            field="account",
            pattern=account,
            category="saas",
        )
    services.rule_create(
        actor=SYSTEM, source="focus", priority=1, field="service", pattern="EC2",
        service="search-api",
    )  # fmt: skip
    fy = services.fiscal_year_create(actor=SYSTEM, year=2030)
    version = fy.versions.get()
    services.budget_line_save(
        actor=SYSTEM, version=version, category="saas", cost_center=it, amounts=[D(1000)] * 12
    )
    services.budget_line_save(
        actor=SYSTEM, version=version, category="cloud", cost_center=None, amounts=[D(500)] * 12
    )
    gl = []
    for month in range(1, 8):
        gl.append([f"2030-{month:02d}-05", "6100", "CC-IT", "Datadog", "1000", "EUR", "APM"])
        snowflake = "100" if month <= 4 else "400"
        gl.append([f"2030-{month:02d}-06", "6100", "CC-IT", "Snowflake", snowflake, "EUR", "DW"])
        gl.append([f"2030-{month:02d}-07", "6200", "CC-IT", "", "50", "EUR", "Card fees"])
    run_import("ledger", write_csv("gl.csv", GL, gl), actor=SYSTEM)
    for month in range(1, 8):
        ec2 = "400" if month <= 4 else "600"
        bill = [
            [ec2, ec2, "EUR", "a", _stamp(month), _stamp(month + 1), _stamp(month), "Usage",
             "EC2", "AWS"],
            ["100", "100", "EUR", "a", _stamp(month), _stamp(month + 1), _stamp(month), "Usage",
             "S3", "AWS"],
        ]  # fmt: skip
        run_import("focus", write_csv(f"bill-{month}.csv", FOCUS, bill), actor=SYSTEM)
    return fy


# --- variance drivers ---------------------------------------------------------------------


def test_drivers_name_what_moved_and_its_effect_to_year_end(year: object) -> None:
    report = selectors.variance_drivers(actor=SYSTEM, fiscal_year=year, today=TODAY)
    assert (report["closed"], report["open"]) == (7, 5)
    lines = {(ln["category"], ln["cost_center"]): ln for ln in report["lines"]}
    saas = lines[("saas", "CC-IT")]
    # Actual 1,150 a month Jan-Apr, 1,450 May-Jul: 8,950 to date; run rate 1,450 x 5 open
    # months = 7,250; forecast 16,200 against 12,000: +4,200 (+35 %).
    assert (saas["forecast_total"], saas["variance"], saas["variance_share"]) == (
        D(16200), D(4200), D("0.35"),
    )  # fmt: skip
    # Snowflake: mean of Feb-Apr 100, of May-Jul 400: +300 a month, x 5 open months = 1,500.
    [snowflake] = saas["drivers"]
    assert (snowflake["kind"], snowflake["name"]) == ("vendor", "Snowflake")
    assert (snowflake["earlier"], snowflake["recent"], snowflake["change"]) == (
        D(100), D(400), D(300),
    )  # fmt: skip
    assert (snowflake["effect"], snowflake["actual_to_date"]) == (D(1500), D(1600))
    # Datadog and the card fees (account 6200, no vendor) did not move.
    others = {(c["kind"], c["name"]): c["change"] for c in saas["components"]}
    assert others == {("vendor", "Datadog"): 0, ("vendor", "Snowflake"): 300,
                      ("account", "6200"): 0}  # fmt: skip
    assert saas["summary"] == "SaaS · IT +35 %: 1 vendor grew (Snowflake 300/month)"
    cloud = lines[("cloud", "")]
    # 500 a month Jan-Apr, 700 May-Jul: 4,100 + 5 x 700 = 7,600 against 6,000: +1,600.
    assert (cloud["forecast_total"], cloud["variance"]) == (D(7600), D(1600))
    [search] = cloud["drivers"]
    assert (search["kind"], search["key"], search["change"], search["effect"]) == (
        "service", "search-api", D(200), D(1000),
    )  # fmt: skip
    assert cloud["summary"].startswith("Cloud · No cost center +27 %: 1 cloud service grew")
    # The largest variance first.
    assert [ln["category"] for ln in report["lines"]] == ["saas", "cloud"]


def test_the_ledger_page_lists_the_rows_behind_a_driver(
    year: object, client_as: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    from steward.finance import views

    monkeypatch.setattr(views, "_today", lambda: TODAY)
    client = client_as("finance")
    page = client.get("/finance/variance/?year=2030")  # type: ignore[attr-defined]
    assert page.status_code == 200
    html = page.content.decode()
    assert "SaaS · IT +35 %: 1 vendor grew (Snowflake 300/month)" in html
    link = re.search(r'href="(/finance/ledger/\?[^"]*vendor=Snowflake)"', html)
    assert link, "the driver links to its ledger rows"
    rows = client.get(link.group(1).replace("&amp;", "&"))  # type: ignore[attr-defined]
    assert rows.status_code == 200
    text = rows.content.decode()
    # Seven Snowflake rows: 4 x 100 + 3 x 400 = 1,600.
    assert text.count("<td>Snowflake</td>") == 7
    assert 'id="ledger-total"' in text and "1,600" in text
    assert client_as("engineer").get("/finance/variance/").status_code == 403  # type: ignore[attr-defined]


def test_executives_get_no_team_breakdown_of_people_cost(year: object) -> None:
    executive = User.objects.get(username="executive")
    report = selectors.variance_drivers(actor=executive, fiscal_year=year, today=TODAY)
    kinds = {c["kind"] for ln in report["lines"] for c in ln["components"]}
    assert "team" not in kinds


# --- unit cost ------------------------------------------------------------------------------


def test_unit_cost_counts_the_months_with_a_usage_measure(
    year: object, write_csv: Callable[..., Path]
) -> None:
    usage = [["search-api", f"2030-{m:02d}", "1000000", "requests"] for m in range(1, 7)]
    result = run_import(
        "service-usage",
        write_csv("usage.csv", ["service", "month", "quantity", "unit"], usage),
        actor=SYSTEM,
    )
    assert ServiceUsage.objects.count() == 6
    report = selectors.unit_costs(actor=SYSTEM, start=date(2030, 1, 1), end=date(2030, 8, 1))
    search = next(r for r in report["services"] if r["service"] == "search-api")
    # Cost 4 x 400 + 3 x 600 = 3,400; usage measured Jan-Jun only: (4 x 400 + 2 x 600) ÷
    # 6,000,000 requests = 2,800 ÷ 6,000,000 = 0.000467 EUR a request; July has no measure.
    assert search["cost"] == D(3400)
    assert (search["usage"], search["unit"]) == (D(6000000), "requests")
    assert search["unit_cost"] == D("0.000467")
    assert search["months_without_usage"] == 1
    # S3 is mapped to no service: shown apart, never dropped.
    assert report["no_service"] == D(700)
    detail = selectors.service_detail(
        actor=SYSTEM, service="search-api", start=date(2030, 1, 1), end=date(2030, 8, 1)
    )
    assert [m["unit_cost"] for m in detail["by_month"]] == [D("0.0004")] * 4 + [D("0.0006")] * 2 + [
        None
    ]
    assert [(e["service_name"], e["cost"], e["rows"]) for e in detail["evidence"]] == [
        ("EC2", D(400), 1)
    ] * 4 + [("EC2", D(600), 1)] * 3
    # Importing the same file again changes nothing.
    again = run_import(
        "service-usage",
        write_csv("usage.csv", ["service", "month", "quantity", "unit"], usage),
        actor=SYSTEM,
    )
    assert result.counts()["added"] == 6
    assert again.counts()["unchanged"] == 6 and not again.writes


def test_usage_in_another_unit_is_refused_with_line_and_column(
    year: object, write_csv: Callable[..., Path]
) -> None:
    rows = [
        ["search-api", "2030-01", "10", "requests"],
        ["search-api", "2030-02", "10", "GB"],
        ["search-api", "2030-13", "-1", "requests"],
    ]
    with pytest.raises(BadInput) as caught:
        run_import(
            "service-usage",
            write_csv("usage.csv", ["service", "month", "quantity", "unit"], rows),
            actor=SYSTEM,
        )
    text = str(caught.value)
    assert "usage.csv:3: column unit" in text and "'requests'" in text
    assert "usage.csv:4: column month" in text and "YYYY-MM" in text
    assert "usage.csv:4: column quantity" in text
    assert ServiceUsage.objects.count() == 0  # nothing half-written


def test_unit_cost_page_and_api_link_to_the_evidence(
    year: object,
    write_csv: Callable[..., Path],
    client_as: Callable[..., object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from steward.finance import api, views

    monkeypatch.setattr(views, "_today", lambda: TODAY)
    monkeypatch.setattr(api, "_today", lambda: TODAY)
    run_import(
        "service-usage",
        write_csv(
            "usage.csv",
            ["service", "month", "quantity", "unit"],
            [["search-api", "2030-01", "2000", "orders"]],
        ),
        actor=SYSTEM,
    )
    client = client_as("cto")
    page = client.get("/finance/services/?year=2030").content.decode()  # type: ignore[attr-defined]
    # January: 400 ÷ 2,000 orders = 0.2 EUR an order.
    assert "0.200000 EUR per orders" in page
    assert "/finance/services/search-api/?year=2030" in page
    detail = client.get("/finance/services/search-api/?year=2030")  # type: ignore[attr-defined]
    assert detail.status_code == 200 and "bill-1.csv" in detail.content.decode()
    data = client.get("/api/v1/finance/unit-costs?year=2030").json()  # type: ignore[attr-defined]
    search = next(s for s in data["services"] if s["service"] == "search-api")
    assert (search["cost"], search["usage"], search["unit_cost"]) == (
        "3400.00", "2000.0000", "0.200000",
    )  # fmt: skip
    assert search["url"] == "/finance/services/search-api/?year=2030"
    drivers = client.get("/api/v1/finance/variance-drivers?year=2030").json()  # type: ignore[attr-defined]
    assert drivers["lines"][0]["drivers"][0]["name"] == "Snowflake"
    assert client_as("engineer").get("/api/v1/finance/unit-costs").status_code == 403  # type: ignore[attr-defined]


# --- the money section of the reports -------------------------------------------------------


def test_money_section_figures_and_audience(year: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reports, "_today", lambda: TODAY)
    brief = ReportPeriod("brief", date(2030, 7, 1), date(2030, 8, 1), "July 2030", False)
    section = reports.money_section(User.objects.get(username="cto"), brief)
    assert section is not None and section.key == "money"
    figures = {f.key: f.value for f in section.figures}
    # Budget 12,000 + 6,000; forecast 16,200 + 7,600 = 23,800; +5,800 = 32.2 % of budget.
    assert figures["money.budget"] == 18000
    assert figures["money.forecast"] == 23800
    assert figures["money.variance"] == 5800
    assert figures["money.variance_share"] == 32.2
    assert figures["money.overruns"] == 2
    flat = re.sub(r"\s+", " ", section.html)
    # July: saas 1,450 + cloud 700 against a plan of 1,000 + 500.
    assert "actual 2,150 EUR against a plan of 1,500 EUR" in flat
    assert "SaaS · IT +35 %: 1 vendor grew (Snowflake 300/month)" in flat
    board = ReportPeriod("board", date(2030, 7, 1), date(2030, 10, 1), "2030Q3", True)
    for_board = reports.money_section(User.objects.get(username="executive"), board)
    assert for_board is not None
    assert "Snowflake" not in for_board.html and "2 budget lines forecast" in for_board.html
    # Only the money roles get the section; the registry runs it with the cockpit's own.
    assert reports.money_section(User.objects.get(username="engineer"), brief) is None
    assert reports.money_section(User.objects.get(username="manager"), brief) is None
    assert "money" in dict(registry.report_sections.items())
    # No fiscal year covers 2031: no money section rather than last year's figures.
    later = ReportPeriod("brief", date(2031, 1, 1), date(2031, 2, 1), "January 2031", False)
    assert reports.money_section(User.objects.get(username="cto"), later) is None


def test_the_board_pdf_carries_the_money_section(
    year: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from steward.cockpit import reports as cockpit_reports

    monkeypatch.setattr(reports, "_today", lambda: TODAY)
    built = cockpit_reports.build(SYSTEM, cockpit_reports.parse_period("board", "2030Q3"))
    assert "money" in [s["section"].key for s in built["sections"]]
    outline = {f["key"]: f["value"] for f in built["outline"]}
    assert outline["money.forecast"] == 23800


def test_when_nothing_moved_the_summary_names_the_gap_to_plan_and_the_largest_part() -> None:
    row = {"category_label": "Contractors", "cost_center_name": "IT", "variance_share": D("0.26"),
           "actual_to_date": D(460000), "plan_to_date": D(400000)}  # fmt: skip
    parts = [{"name": "Thoughtworks", "actual_to_date": D(345000)},
             {"name": "Globant", "actual_to_date": D(115000)}]  # fmt: skip
    assert selectors._driver_summary(row, [], True, parts) == (
        "Contractors · IT +26 %: no component's monthly cost moved; 60,000 above plan to date, "
        "the largest component Thoughtworks (75 % of the line's cost)"
    )
    figures = selectors.driver_figures([D(10), D(20)], open_months=10)
    # Fewer than four closed months: no earlier window, so no change is claimed.
    assert (figures["recent"], figures["earlier"], figures["change"]) == (D(15), None, None)
