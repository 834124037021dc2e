"""Plan vs actual vs forecast, people cost, allocation and findings against hand-computed
numbers (METRICS.md "Money")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from fractions import Fraction
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from steward.core import registry
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.finance import selectors, services
from steward.orgdesign.models import BurdenRate, HeadcountPlanEntry
from tests.factories import PersonFactory, TeamFactory

pytestmark = pytest.mark.usefixtures("no_finance", "empty_org")

TODAY = date(2030, 4, 15)  # January to March closed
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


@pytest.fixture
def year(write_csv: Callable[..., Path]) -> object:
    it = services.cost_center_upsert(actor=SYSTEM, code="CC-IT", name="IT")
    services.rule_create(
        actor=SYSTEM, source="ledger", priority=1, field="account", pattern="6100", category="saas"
    )
    fy = services.fiscal_year_create(actor=SYSTEM, year=2030)
    version = fy.versions.get()
    services.budget_line_save(
        actor=SYSTEM, version=version, category="saas", cost_center=it, amounts=[D(1000)] * 12
    )
    services.budget_line_save(
        actor=SYSTEM, version=version, category="cloud", cost_center=None, amounts=[D(500)] * 12
    )
    services.vendor_upsert(actor=SYSTEM, name="Slack", category="saas")
    slack = services.vendor_upsert(actor=SYSTEM, name="Slack", category="saas")
    services.contract_upsert(
        actor=SYSTEM,
        key="C-1",
        values={
            "vendor": slack,
            "start": date(2029, 1, 1),
            "end": date(2031, 1, 1),
            "notice_days": 30,
            "annual_value": D(1200),
            "currency": "EUR",
            "category": "saas",
            "cost_center": it,
        },
    )
    gl = []
    for month, amount in ((1, "900"), (2, "1100"), (3, "1300"), (4, "5000")):
        gl.append([f"2030-{month:02d}-10", "6100", "CC-IT", "Datadog", amount, "EUR", "Monitoring"])
        if month < 4:
            gl.append([f"2030-{month:02d}-11", "6100", "CC-IT", "Slack", "100", "EUR", "Chat"])
    run_import(
        "ledger",
        write_csv(
            "gl.csv",
            ["date", "account", "cost_center", "vendor", "amount", "currency", "description"],
            gl,
        ),
        actor=SYSTEM,
    )
    bill = [
        [
            c,
            c,
            "EUR",
            "a",
            f"2030-{m:02d}-01T00:00:00Z",
            f"2030-{m + 1:02d}-01T00:00:00Z",
            f"2030-{m:02d}-01T00:00:00Z",
            "Usage",
            "EC2",
            "AWS",
        ]
        for m, c in ((1, "400"), (2, "500"), (3, "600"))
    ]
    run_import("focus", write_csv("bill.csv", FOCUS, bill), actor=SYSTEM)
    return fy


def test_forecast_by_line_and_year(year: object) -> None:
    report = selectors.plan_vs_actual(actor=SYSTEM, fiscal_year=year, today=TODAY)
    lines = {(ln["category"], ln["cost_center"]): ln for ln in report["lines"]}
    assert set(lines) == {("saas", "CC-IT"), ("cloud", "")}
    saas = lines[("saas", "CC-IT")]
    # Actual 1000, 1200, 1400 (Slack's 100 a month is under contract). Run rate of the rest:
    # mean(900, 1100, 1300) = 1100; open month = 100 due + 1100 = 1200; 3,600 + 9 x 1,200.
    assert saas["actual"][:4] == [D(1000), D(1200), D(1400), D(5000)]
    assert saas["run_rate"] == D(1100)
    assert saas["forecast"][3:] == [D(1200)] * 9
    assert saas["forecast_total"] == D(14400)
    assert (saas["budget"], saas["variance"], saas["variance_share"]) == (
        D(12000),
        D(2400),
        D("0.2"),
    )
    assert saas["overrun"] is True
    cloud = lines[("cloud", "")]
    # FOCUS EffectiveCost 400, 500, 600; run rate 500; 1,500 + 9 x 500 = 6,000 = budget.
    assert (cloud["forecast_total"], cloud["variance"], cloud["overrun"]) == (D(6000), D(0), False)
    assert (report["budget"], report["actual_to_date"], report["forecast"], report["variance"]) == (
        D(18000),
        D(5100),
        D(20400),
        D(2400),
    )
    data = selectors.forecast_json(actor=SYSTEM, fiscal_year=year, today=TODAY)
    assert data["lines"] == [
        {
            "category": "cloud",
            "budget": D(6000),
            "actual_to_date": D(1500),
            "forecast": D(6000),
            "variance": D(0),
            "overrun": False,
            "threshold_percent": D(5),
            "threshold_amount": None,
        },
        {
            "category": "saas",
            "budget": D(12000),
            "actual_to_date": D(3600),
            "forecast": D(14400),
            "variance": D(2400),
            # +20 % against the default 5 %.
            "overrun": True,
            "threshold_percent": D(5),
            "threshold_amount": None,
        },
    ]


def test_each_line_is_flagged_by_its_own_threshold(year: object) -> None:
    from steward.finance.models import CostCenter

    it = CostCenter.objects.get(code="CC-IT")

    def saas() -> tuple[bool, dict[str, object], bool]:
        report = selectors.plan_vs_actual(actor=SYSTEM, fiscal_year=year, today=TODAY)
        line = next(ln for ln in report["lines"] if ln["category"] == "saas")
        category = next(c for c in report["categories"] if c["category"] == "saas")
        return line["overrun"], line["threshold"], category["overrun"]

    # The SaaS line is 2,400 (+20 %) over a budget of 12,000; the default 5 % flags it.
    assert saas() == (True, {"percent": D(5), "amount": None, "source": "default"}, True)
    # Its own threshold of 25 %: 20 % is not above it; the category keeps the default.
    services.threshold_set(actor=SYSTEM, category="saas", cost_center=it, percent=D(25))
    assert saas() == (False, {"percent": D(25), "amount": None, "source": "line"}, True)
    # Percentage and amount: both must be exceeded. 20 % > 10 % but 2,400 <= 3,000.
    services.threshold_set(
        actor=SYSTEM, category="saas", cost_center=it, percent=D(10), amount=D(3000)
    )
    assert saas()[0] is False
    services.threshold_set(
        actor=SYSTEM, category="saas", cost_center=it, percent=D(10), amount=D("2399.99")
    )
    assert saas()[0] is True
    # Without a line threshold the category's applies, to the line and the category total.
    from steward.finance.models import VarianceThreshold

    services.threshold_delete(actor=SYSTEM, threshold=VarianceThreshold.objects.get())
    services.threshold_set(actor=SYSTEM, category="saas", amount=D(2500))
    assert saas() == (False, {"percent": None, "amount": D(2500), "source": "category"}, False)
    data = selectors.forecast_json(actor=SYSTEM, fiscal_year=year, today=TODAY)
    line = next(ln for ln in data["lines"] if ln["category"] == "saas")
    assert (line["overrun"], line["threshold_percent"], line["threshold_amount"]) == (
        False, None, D(2500),
    )  # fmt: skip
    # No finding for a line under its threshold.
    found = registry.findings(User.objects.get(username="finance"), TODAY)
    assert [f for f in found if f.rule == "budget line forecast to overrun"] == []


def test_a_threshold_needs_a_limit_and_an_editor(year: object) -> None:
    from django.core.exceptions import PermissionDenied

    from steward.finance.services import FinanceError

    with pytest.raises(FinanceError) as caught:
        services.threshold_set(actor=SYSTEM, category="cloud")
    assert set(caught.value.fields) == {"percent", "amount"}
    with pytest.raises(FinanceError) as caught:
        services.threshold_set(actor=SYSTEM, category="cloud", percent=D(-1))
    assert set(caught.value.fields) == {"percent"}
    with pytest.raises(PermissionDenied):
        services.threshold_set(
            actor=User.objects.get(username="executive"), category="cloud", percent=D(10)
        )


def test_thresholds_page_sets_changes_and_removes_audited(
    year: object, client_as: Callable[..., object]
) -> None:
    from auditlog.models import LogEntry

    from steward.finance.models import VarianceThreshold

    finance = client_as("finance")
    page = finance.get("/finance/thresholds/")  # type: ignore[attr-defined]
    assert page.status_code == 200 and "every line uses the default, 5 %" in page.content.decode()
    bad = finance.post("/finance/thresholds/", {"category": "saas", "cost_center": "CC-IT"})  # type: ignore[attr-defined]
    assert bad.status_code == 422 and not VarianceThreshold.objects.exists()
    done = finance.post(  # type: ignore[attr-defined]
        "/finance/thresholds/",
        {"category": "saas", "cost_center": "CC-IT", "percent": "25", "note": "tooling review"},
    )
    assert done.status_code == 302
    row = VarianceThreshold.objects.get()
    assert (row.category, row.cost_center.code, row.percent, row.amount) == (
        "saas", "CC-IT", D(25), None,
    )  # fmt: skip
    assert LogEntry.objects.get_for_object(row).count() == 1
    edit = finance.get(f"/finance/thresholds/?edit={row.pk}").content.decode()  # type: ignore[attr-defined]
    assert 'value="25.00"' in edit
    finance.post(
        "/finance/thresholds/", {"category": "saas", "cost_center": "CC-IT", "amount": "1000"}
    )  # type: ignore[attr-defined]
    row.refresh_from_db()
    assert (row.percent, row.amount) == (None, D(1000))
    plan = finance.get("/finance/plan-vs-actual/?year=2030").content.decode()  # type: ignore[attr-defined]
    assert "above 1,000 EUR (the line&#x27;s)" in plan or "above 1,000 EUR (the line's)" in plan
    engineer = client_as("engineer")
    assert engineer.get("/finance/thresholds/").status_code == 403  # type: ignore[attr-defined]
    executive = client_as("executive")
    assert executive.post(f"/finance/thresholds/{row.pk}/delete/").status_code == 403  # type: ignore[attr-defined]
    assert finance.post(f"/finance/thresholds/{row.pk}/delete/").status_code == 302  # type: ignore[attr-defined]
    assert not VarianceThreshold.objects.exists()


def test_findings_name_the_overrun_and_the_notice_period(year: object) -> None:
    found = registry.findings(User.objects.get(username="finance"), TODAY)
    overruns = [f for f in found if f.rule == "budget line forecast to overrun"]
    assert [f.statement for f in overruns] == [
        "SaaS · IT: forecast 14,400 EUR against a budget of 12,000 EUR (+20 %)"
    ]
    finance_rules = {"budget line forecast to overrun", "contract inside its notice period"}
    seen_by_engineer = registry.findings(User.objects.get(username="engineer"), TODAY)
    assert [f for f in seen_by_engineer if f.rule in finance_rules] == []
    # Slack's contract ends 1 Jan 2031 with 30 days' notice: cancel by 2 Dec 2030.
    late = [
        f
        for f in registry.findings(User.objects.get(username="cto"), date(2030, 12, 5))
        if f.rule == "contract inside its notice period"
    ]
    assert [f.severity for f in late] == ["critical"]
    assert "inside its notice period since 2 Dec 2030" in late[0].statement
    # Spend against the contract: Slack's ledger rows of January to March, 3 x 100.
    calendar = selectors.renewal_calendar(actor=SYSTEM, today=TODAY)
    assert [(r["contract"].key, r["spend_12m"]) for r in calendar] == [("C-1", D(300))]


def _people() -> object:
    BurdenRate.objects.all().delete()
    BurdenRate.objects.create(location="", rate=D("0.20"))
    team = TeamFactory(slug="t", name="Team T")
    PersonFactory(
        employee_id="A",
        team=team,
        salary=D(120000),
        currency="EUR",
        location="Nowhere",
        start_date=date(2030, 3, 11),
        end_date=date(2030, 5, 16),
    )
    HeadcountPlanEntry.objects.create(
        key="h1",
        team=team,
        level="L2",
        quarter="2030Q2",
        expected_start=date(2030, 4, 16),
        fte=D("0.5"),
        salary=D(60000),
        currency="EUR",
    )
    return team


def test_people_cost_from_the_org_and_the_headcount_plan() -> None:
    _people()
    months = [date(2030, m, 1) for m in (2, 3, 4, 5, 6)]
    cost = selectors.people_cost(months)
    # A: 120,000 x 1.2 / 12 = 12,000 a month; 21/31 of March, 15/31 of May.
    # Hire: 60,000 x 1.2 x 0.5 / 12 = 3,000 a month from 16 April (15/30 of April).
    assert [cost.team_month("t", i) for i in range(5)] == [
        D(0),
        D("8129.03"),
        D("13500.00"),
        D("8806.45"),
        D("3000.00"),
    ]


def test_executives_see_people_cost_only_over_enough_people() -> None:
    _people()
    services.cost_center_upsert(actor=SYSTEM, code="CC-T", name="Team T", team=None)
    fy = services.fiscal_year_create(actor=SYSTEM, year=2030)
    cto = selectors.plan_vs_actual(
        actor=User.objects.get(username="cto"), fiscal_year=fy, today=TODAY
    )
    executive = selectors.plan_vs_actual(
        actor=User.objects.get(username="executive"), fiscal_year=fy, today=TODAY
    )
    people_cto = next(ln for ln in cto["lines"] if ln["category"] == "people")
    people_exec = next(ln for ln in executive["lines"] if ln["category"] == "people")
    assert people_cto["actual"][2] == D("8129.03") and not people_cto["suppressed"]
    assert (
        people_exec["suppressed"]
        and people_exec["actual"] is None
        and people_exec["forecast_total"] is None
    )
    with pytest.raises(Exception, match="finance"):
        selectors.plan_vs_actual(
            actor=User.objects.get(username="engineer"), fiscal_year=fy, today=TODAY
        )


def test_cost_of_an_initiative_is_effort_share_of_team_cost_plus_direct(
    monkeypatch: pytest.MonkeyPatch, write_csv: Callable[..., Path]
) -> None:
    team = _people()
    services.rule_create(
        actor=SYSTEM,
        source="ledger",
        priority=1,
        field="account",
        pattern="6500",
        category="contractors",
        initiative="I1",
        team=team,
    )
    run_import(
        "ledger",
        write_csv(
            "gl.csv",
            ["date", "account", "cost_center", "vendor", "amount", "currency", "description"],
            [["2030-04-20", "6500", "", "Acme", "200", "EUR", "Help"]],
        ),
        actor=SYSTEM,
    )
    cells = {("t", "2030-04", "I1"): Fraction(3), ("t", "2030-04", "unlinked"): Fraction(1)}
    monkeypatch.setattr(selectors, "effort_cells", lambda start, end: cells)
    report = selectors.cost_allocation(actor=SYSTEM, start=date(2030, 4, 1), end=date(2030, 5, 1))
    initiatives = {r["initiative"]: r for r in report["initiatives"]}
    # April team cost 13,500 x 3/4 = 10,125 + 200 mapped directly.
    assert initiatives["I1"]["effort_cost"] == D("10125.00")
    assert initiatives["I1"]["amount"] == D("10325.00")
    assert initiatives["unlinked"]["amount"] == D("3375.00")
    teams = {r["team"]: r for r in report["teams"]}
    assert (teams["t"]["people"], teams["t"]["direct"], teams["t"]["total"]) == (
        D("13500.00"),
        D(200),
        D("13700.00"),
    )
    hidden = selectors.cost_allocation(
        actor=User.objects.get(username="executive"), start=date(2030, 4, 1), end=date(2030, 5, 1)
    )
    assert hidden["teams"][0]["people"] is None and hidden["people_suppressed"]


def test_capitalization_splits_effort_cost_at_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    from steward.finance.models import Capitalization

    _people()
    Capitalization.objects.create(
        initiative="I1",
        method="asc-350-40",
        capitalize_from=date(2030, 4, 11),
        go_live=date(2030, 5, 11),
    )
    cells = {
        ("t", "2030-04", "I1"): Fraction(3),
        ("t", "2030-04", "unlinked"): Fraction(1),
        ("t", "2030-05", "I1"): Fraction(2),
    }
    monkeypatch.setattr(selectors, "effort_cells", lambda start, end: cells)
    report = selectors.capitalization_report(
        actor=SYSTEM, start=date(2030, 4, 1), end=date(2030, 6, 1)
    )
    # April: 13,500 x 3/4 = 10,125, capitalized 20 of 30 days = 6,750.
    # May: all effort is I1's: 8,806.45, capitalized 10 of 31 days = 2,840.79.
    assert report["rows"] == [
        {
            "initiative": "I1",
            "quarter": "2030Q2",
            "method": "asc-350-40",
            "person_days": D(5),
            "effort_cost": D("18931.45"),
            "capitalizable": D("9590.79"),
            "expensed": D("9340.66"),
        },
    ]
