"""Demo step for finance: FY2026 (January to December) with a budget and a reforecast, cost
centers per team, monthly USD rates, ten months of general-ledger actuals and of AWS bills in
FOCUS 1.2 (written as files and imported through the importers), mapping rules, 20 vendors
with contracts, one of them inside its notice period on the demo's reference date.

The cloud bill grows from July on in three teams' services, so the cloud lines are forecast to
overrun their budget.
"""

from __future__ import annotations

import csv
import json
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.finance import selectors, services
from steward.finance.models import add_months
from steward.org import selectors as org

if TYPE_CHECKING:
    from steward.demo.builder import DemoContext

YEAR = 2026
USD_RATES = [
    "0.92",
    "0.93",
    "0.92",
    "0.91",
    "0.92",
    "0.93",
    "0.94",
    "0.93",
    "0.92",
    "0.91",
    "0.91",
    "0.92",
]
# service, monthly base cost in USD per team, service category, usage unit (FOCUS
# ConsumedUnit) and its price in USD: the bills count ConsumedQuantity = cost ÷ price.
CLOUD_SERVICES = [
    ("Amazon Elastic Compute Cloud", Decimal("3200"), "Compute", "Hours", Decimal("0.192")),
    ("Amazon Relational Database Service", Decimal("1400"), "Databases", "Hours", Decimal("0.38")),
    ("Amazon Simple Storage Service", Decimal("450"), "Storage", "GB-Mo", Decimal("0.023")),
    ("Amazon CloudFront", Decimal("300"), "Networking", "GB", Decimal("0.085")),
]


def _quantity(cost: Decimal, price: Decimal) -> str:
    """The usage a cost buys at `price`, to two decimals."""
    return f"{(cost / price).quantize(Decimal('0.01'))}"


GROWING_TEAMS = ("search", "ml-ranking", "data-platform")
# account, category, vendor, monthly amount (EUR), description
LEDGER = [
    ("6100", "saas", "Atlassian", Decimal("9817"), "Jira and Confluence"),
    ("6100", "saas", "GitHub", Decimal("7393"), "GitHub Enterprise"),
    ("6100", "saas", "Datadog", Decimal("18472"), "Monitoring"),
    ("6100", "saas", "Slack", Decimal("4211"), "Chat"),
    ("6100", "saas", "Figma", Decimal("1913"), "Design tools"),
    ("6100", "saas", "PagerDuty", Decimal("2587"), "On-call"),
    ("6100", "saas", "Snowflake", Decimal("12489"), "Data warehouse"),
    ("6100", "saas", "Sentry", Decimal("1306"), "Error tracking"),
    ("6200", "hardware", "Apple", Decimal("13971"), "Laptops"),
    ("6300", "training", "O'Reilly", Decimal("2117"), "Learning platform"),
    ("6400", "recruiting", "Greenhouse", Decimal("3089"), "ATS"),
    ("6400", "recruiting", "Hays", Decimal("9023"), "Agency fees"),
    ("6500", "contractors", "Thoughtworks", Decimal("41987"), "Platform migration support"),
    ("6600", "other", "WeWork", Decimal("6521"), "Flex desks"),
]
EXTRA_VENDORS = ["Okta", "1Password", "Miro", "Notion", "LaunchDarkly", "CircleCI"]
ACCOUNT_CATEGORIES = {
    "6100": "saas",
    "6200": "hardware",
    "6300": "training",
    "6400": "recruiting",
    "6500": "contractors",
    "6600": "other",
}


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# The columns of the demo's FOCUS bill.
FOCUS_HEADER = [
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "BillingCurrency",
    "BillingAccountId",
    "BillingAccountName",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "InvoiceId",
    "InvoiceIssuerName",
    "ProviderName",
    "PublisherName",
    "ServiceName",
    "ServiceCategory",
    "SubAccountId",
    "SubAccountName",
    "ResourceId",
    "RegionId",
    "Tags",
    "ConsumedQuantity",
    "ConsumedUnit",
]


def step_finance(ctx: DemoContext) -> None:
    """Budget, reforecast, rates, ledger, FOCUS bills, rules, vendors and contracts."""
    shared, centers, fy = _cost_centers_and_rules()
    _budget(fy, shared, centers)
    # Through the reference month, so November is there once the real date has passed it.
    closed = [m for m in fy.months if m <= ctx.today.replace(day=1)]
    with tempfile.TemporaryDirectory() as folder:
        ledger = _write(
            Path(folder) / "ledger-2026.csv",
            ["date", "account", "cost_center", "vendor", "amount", "currency", "description"],
            _ledger_rows(closed),
        )
        run_import("ledger", ledger, actor=SYSTEM, today=ctx.today)
        bill = _write(Path(folder) / "focus-2026.csv", FOCUS_HEADER, _focus_rows(closed, centers))
        run_import("focus", bill, actor=SYSTEM, today=ctx.today)
        contracts = _write(
            Path(folder) / "contracts.csv",
            [
                "key",
                "vendor",
                "title",
                "start",
                "end",
                "auto_renew",
                "notice_days",
                "annual_value",
                "currency",
                "category",
                "cost_center",
                "owner",
                "data_processed",
                "last_security_review",
            ],
            _contract_rows(),
        )
        run_import("contracts", contracts, actor=SYSTEM, today=ctx.today)
        evaluation = _evaluations(Path(folder))
        run_import("vendor-evaluations", evaluation, actor=SYSTEM, today=ctx.today)
    _capitalization(ctx)


def _cost_centers_and_rules() -> tuple[Any, dict[str, Any], Any]:
    """The shared cost center, one per live team (by slug), the fiscal year with its USD rates,
    and the ledger and FOCUS mapping rules."""
    teams = org.teams_by_slug()
    shared = services.cost_center_upsert(actor=SYSTEM, code="CC-IT", name="IT and tooling (shared)")
    centers = {
        slug: services.cost_center_upsert(
            actor=SYSTEM, code=f"CC-{slug.upper()}", name=team.name, team=team
        )
        for slug, team in sorted(teams.items())
        if team.dissolved_on is None
    }
    fy = services.fiscal_year_create(actor=SYSTEM, year=YEAR, first_month=1, currency="EUR")
    for month, rate in zip(fy.months, USD_RATES, strict=True):
        services.rate_set(actor=SYSTEM, month=month, currency="USD", rate=Decimal(rate))
    for category, account in [(c, a) for a, c in ACCOUNT_CATEGORIES.items()]:
        services.rule_create(
            actor=SYSTEM,
            source="ledger",
            priority=10,
            field="account",
            pattern=account,
            category=category,
        )
    for slug, team in centers.items():
        services.rule_create(
            actor=SYSTEM,
            source="focus",
            priority=10,
            field="tag:team",
            pattern=slug,
            team=team.team,
            service=f"{slug}-api",
        )
    services.rule_create(
        actor=SYSTEM,
        source="focus",
        priority=20,
        field="sub_account",
        pattern="shared-*",
        cost_center=shared,
    )

    return shared, centers, fy


def _budget(fy: Any, shared: Any, centers: dict[str, Any]) -> None:
    """The budget's first version (people from the organization's own cost) and a reforecast."""
    months = fy.months
    # People budget from the organization's own people cost (1 % head room), other lines flat.
    version = fy.versions.get(number=0)
    people = selectors.people_cost(months)
    center_codes = {slug: c for slug, c in centers.items()}
    for slug, center in center_codes.items():
        # Ends in 3: no plan figure equals a (500-rounded) demo salary.
        amounts = [
            (people.team_month(slug, i) * Decimal("1.01") / 10).quantize(Decimal("1")) * 10 + 3
            for i in range(12)
        ]
        if any(amounts):
            services.budget_line_save(
                actor=SYSTEM,
                version=version,
                category="people",
                cost_center=center,
                amounts=amounts,
            )
        base = sum((s[1] for s in CLOUD_SERVICES), Decimal(0)) * Decimal("0.92")
        services.budget_line_save(
            actor=SYSTEM,
            version=version,
            category="cloud",
            cost_center=center,
            amounts=[base.quantize(Decimal("1")) + 1] * 12,
        )
    for category in ("saas", "hardware", "training", "recruiting", "contractors", "other"):
        monthly = sum((r[3] for r in LEDGER if r[1] == category), Decimal(0))
        services.budget_line_save(
            actor=SYSTEM,
            version=version,
            category=category,
            cost_center=shared,
            amounts=[monthly] * 12,
        )
    services.budget_line_save(
        actor=SYSTEM,
        version=version,
        category="cloud",
        cost_center=shared,
        amounts=[Decimal("2513")] * 12,
    )
    reforecast = services.version_create(actor=SYSTEM, fiscal_year=fy, note="After the first half")
    line = reforecast.lines.get(category="contractors", cost_center=shared)
    services.budget_line_save(
        actor=SYSTEM,
        version=reforecast,
        category="contractors",
        cost_center=shared,
        amounts=[*line.amounts[:6], *[Decimal("29987")] * 6],
        line=line,
    )


def _ledger_rows(closed: list[date]) -> list[list[object]]:
    """The general ledger of the closed months (amounts wobble a little month to month)."""
    ledger_rows: list[list[object]] = []
    for i, month in enumerate(closed):
        for account, _cat, vendor, amount, text in LEDGER:
            wobble = Decimal(1) + Decimal(((i * 7 + len(vendor)) % 9) - 4) / 100
            ledger_rows.append(
                [
                    (month + timedelta(days=14)).isoformat(),
                    account,
                    "CC-IT",
                    vendor,
                    f"{amount * wobble:.2f}",
                    "EUR",
                    text,
                ]
            )
        ledger_rows.append(
            [
                (month + timedelta(days=20)).isoformat(),
                "6999",
                "CC-IT",
                "Misc",
                "740.00",
                "EUR",
                "Unmapped sundries",
            ]
        )
    return ledger_rows


def _focus_row(
    month: date,
    *,
    costs: tuple[str, str, str, str],
    what: str,
    service: str,
    category: str,
    account: tuple[str, str, str],
    tags: str,
    usage: tuple[str, str],
) -> list[object]:
    """One FOCUS line of the demo's AWS bill for `month`: `costs` are billed, effective, list
    and contracted cost, `account` the sub-account id, its name and the resource id, `usage`
    the consumed quantity and its unit."""
    nxt = add_months(month, 1)
    sub_account, sub_name, resource = account
    return [
        *costs,
        "USD",
        "123456789012",
        "Northwind",
        f"{month}T00:00:00Z",
        f"{nxt}T00:00:00Z",
        f"{month}T00:00:00Z",
        f"{nxt}T00:00:00Z",
        "Usage",
        "",
        what,
        f"INV-{month:%Y%m}",
        "Amazon Web Services",
        "AWS",
        "AWS",
        service,
        category,
        sub_account,
        sub_name,
        resource,
        "eu-central-1",
        tags,
        *usage,
    ]


def _focus_rows(closed: list[date], centers: dict[str, Any]) -> list[list[object]]:
    """A FOCUS bill of the closed months: each team's services, shared networking and
    untagged experiments."""
    focus_rows: list[list[object]] = []
    for i, month in enumerate(closed):
        for slug in sorted(centers):
            growth = Decimal(1) + (
                Decimal("0.12") * (i - 5) if slug in GROWING_TEAMS and i > 5 else Decimal(0)
            )
            for service, base, category, unit, price in CLOUD_SERVICES:
                cost = (base * growth).quantize(Decimal("0.0001"))
                focus_rows.append(
                    _focus_row(
                        month,
                        costs=(f"{cost}", f"{cost}", f"{cost * Decimal('1.1'):.4f}", f"{cost}"),
                        what=f"{service} usage",
                        service=service,
                        category=category,
                        account=(f"acct-{slug}", f"{slug}", f"arn:aws:{slug}:{category.lower()}"),
                        tags=json.dumps({"team": slug, "environment": "production"}),
                        usage=(_quantity(cost, price), unit),
                    )
                )
        focus_rows.append(
            _focus_row(
                month,
                costs=("2300.0000", "2300.0000", "2500.0000", "2300.0000"),
                what="Shared networking",
                service="Amazon Virtual Private Cloud",
                category="Networking",
                account=("shared-network", "shared-network", "vpc-shared"),
                tags="",
                usage=(_quantity(Decimal(2300), Decimal("0.045")), "GB"),
            )
        )
        focus_rows.append(
            _focus_row(
                month,
                costs=("410.0000", "410.0000", "410.0000", "410.0000"),
                what="Untagged experiments",
                service="AWS Lambda",
                category="Compute",
                account=("sandbox", "sandbox", "lambda-sandbox"),
                tags="",
                usage=(_quantity(Decimal(410), Decimal("0.0000166667")), "GB-Seconds"),
            )
        )
    return focus_rows


def _contract_rows() -> list[list[object]]:
    """Twenty contracts, two of them inside their notice period on the reference date."""
    contract_rows: list[list[object]] = []
    vendors = [v for _a, _c, v, _m, _t in LEDGER] + EXTRA_VENDORS
    for n, vendor in enumerate(vendors[:20], start=1):
        category = next((c for _a, c, v, _m, _t in LEDGER if v == vendor), "saas")
        monthly = next((m for _a, _c, v, m, _t in LEDGER if v == vendor), Decimal(1513))
        if vendor == "Datadog":
            # Inside its notice period on the reference date: cancel-by 16 Nov 2026.
            start, end, notice = date(2024, 1, 15), date(2027, 1, 15), 60
        elif vendor == "Atlassian":
            # Cancel-by within 30 days of the reference date.
            start, end, notice = date(2024, 3, 1), date(2027, 3, 1), 90
        else:
            start = date(2025, 1 + n % 12, 1)
            end = date(2027, 1 + n % 12, 1) + timedelta(days=120 + 10 * n)
            notice = 30 + 15 * (n % 5)
        contract_rows.append(
            [
                f"C-{n:03d}",
                vendor,
                f"{vendor} subscription",
                start.isoformat(),
                end.isoformat(),
                "yes" if n % 3 else "no",
                notice,
                f"{monthly * 12:.2f}",
                "EUR",
                category,
                "CC-IT",
                "CTO" if n % 2 else "Head of Platform",
                "customer data" if category == "saas" else "",
                (date(2026, 1 + n % 10, 10)).isoformat() if n % 4 else "",
            ]
        )
    return contract_rows


def _evaluations(folder: Path) -> Path:
    """The observability platform renewal's vendor evaluation file."""
    criteria = {"Cost": 3, "Features": 2, "Support": 1}
    marks = {
        "Datadog": {"Cost": 2, "Features": 5, "Support": 4},
        "Grafana Cloud": {"Cost": 4, "Features": 4, "Support": 3},
        "New Relic": {"Cost": 3, "Features": 4, "Support": 3},
    }
    return _write(
        Path(folder) / "evaluations.csv",
        ["evaluation", "title", "date", "vendor", "criterion", "weight", "score"],
        [
            [
                "E-OBS",
                "Observability platform renewal",
                "2026-10-20",
                vendor,
                c,
                w,
                marks[vendor][c],
            ]
            for vendor in marks
            for c, w in criteria.items()
        ],
    )


def _capitalization(ctx: DemoContext) -> None:
    """Capitalization windows for the three initiatives with the most commit effort this year."""
    from steward.finance.models import Capitalization

    start = date(YEAR, 1, 1)
    cost, _days = selectors.initiative_effort_cost(start, ctx.today.replace(day=1))
    totals: dict[str, Decimal] = {}
    for (initiative, _month), amount in cost.items():
        if initiative != "unlinked":
            totals[initiative] = totals.get(initiative, Decimal(0)) + amount
    chosen = sorted(totals, key=lambda k: -totals[k])[:3]
    windows = [
        ("asc-350-40", date(YEAR, 3, 1), date(YEAR, 9, 15)),
        ("asu-2025-06", date(YEAR, 2, 10), None),
        ("asc-350-40", date(YEAR, 5, 1), date(YEAR, 11, 1)),
    ]
    for key, (method, begin, live) in zip(chosen, windows, strict=False):
        Capitalization.objects.create(
            initiative=key, method=method, capitalize_from=begin, go_live=live
        )
