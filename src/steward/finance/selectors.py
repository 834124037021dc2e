"""Reads of the finance app: budgets, actuals, people cost, forecast, allocation, contracts.

Every read used by a page, the API or the CLI starts from what the actor may see (finance,
the CTO, admins and executives see money; `policy.visible` answers). Cost figures made of
individual pay are hidden from executives under the small-group rule (core/disclosure.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, QuerySet, Sum, When

from steward.core import disclosure, policy
from steward.core.requestmemo import once_per_request
from steward.finance import forecast as fc
from steward.finance import rules
from steward.finance.models import (
    Category,
    add_months,
)
from steward.finance.money import Rates, cents
from steward.finance.people_cost import Stint, monthly_costs

Actor = policy.Actor
ZERO = Decimal(0)
QUANTITY = Decimal("0.000001")  # the six decimals FOCUS quantities are kept to
CATEGORY_LABELS = dict(Category.choices)
# A line is called out when its year-end forecast exceeds its budget by more than this share,
# unless a variance threshold of its own (or of its category) says otherwise.
OVERRUN_THRESHOLD = Decimal("0.05")
DEFAULT_THRESHOLD = fc.Threshold(percent=OVERRUN_THRESHOLD * 100)
LATEST_MONTH = date(9999, 12, 1)


def _require(actor: Actor) -> None:
    if not rules.may_see_money(actor):
        raise PermissionDenied("budgets and costs are for finance, the CTO and executives")


def _visible(actor: Actor, model: str) -> QuerySet[Any]:
    return policy.visible(actor, f"finance.{model}")


def reporting_currency() -> str:
    """The currency every report is in."""
    return str(settings.STEWARD_REPORTING_CURRENCY)


@once_per_request
def rates() -> Rates:
    """Monthly rates, with orgdesign's standing exchange rates for months without one."""
    from steward.finance.models import MonthlyRate
    from steward.orgdesign import selectors as orgdesign

    standing = orgdesign.cost_rates().fx
    rows = MonthlyRate.objects.values_list("month", "currency", "rate")
    return Rates.build(reporting_currency(), rows, standing)


# --- budget ------------------------------------------------------------------------------------


def fiscal_year_list(*, actor: Actor) -> QuerySet[Any]:
    """The fiscal years `actor` may see."""
    return _visible(actor, "FiscalYear").order_by("year")


def fiscal_year_get(*, actor: Actor, year: int) -> Any | None:
    """Fiscal year `year` if `actor` may see it."""
    return fiscal_year_list(actor=actor).filter(year=year).first()


def fiscal_year_of(*, actor: Actor, day: date) -> Any | None:
    """The fiscal year containing `day`, else the latest."""
    years = list(fiscal_year_list(actor=actor))
    for fy in years:
        if fy.start <= day < fy.end:
            return fy
    return years[-1] if years else None


def version_list(*, actor: Actor, fiscal_year: Any) -> QuerySet[Any]:
    """The versions of a fiscal year, budget first."""
    return _visible(actor, "BudgetVersion").filter(fiscal_year=fiscal_year).order_by("number")


def budget_lines(*, actor: Actor, version: Any) -> QuerySet[Any]:
    """The lines of a version."""
    return (
        _visible(actor, "BudgetLine")
        .filter(version=version)
        .select_related("cost_center")
        .order_by("category", "cost_center__code")
    )


def cost_center_list(*, actor: Actor) -> QuerySet[Any]:
    """Cost centers by code."""
    return _visible(actor, "CostCenter").select_related("team").order_by("code")


def line_plan(line: Any, rates_: Rates, months: list[date]) -> list[Decimal]:
    """A budget line's twelve months in the reporting currency."""
    out = []
    for month, amount in zip(months, line.amounts, strict=True):
        converted = rates_.convert(amount, line.currency, month)
        out.append(converted if converted is not None else ZERO)
    return out


def versions_side_by_side(*, actor: Actor, fiscal_year: Any) -> dict[str, Any]:
    """Each version's year total per category and cost center, side by side."""
    _require(actor)
    rates_ = rates()
    months = fiscal_year.months
    versions = list(version_list(actor=actor, fiscal_year=fiscal_year))
    rows: dict[tuple[str, str], dict[int, Decimal]] = defaultdict(dict)
    names: dict[tuple[str, str], str] = {}
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for version in versions:
        for line in budget_lines(actor=actor, version=version):
            key = (line.category, line.cost_center.code if line.cost_center else "")
            names[key] = line.cost_center.name if line.cost_center else ""
            amount = sum(line_plan(line, rates_, months), ZERO)
            rows[key][version.number] = amount
            totals[version.number] += amount
    return {
        "versions": versions,
        "rows": [
            {
                "category": cat,
                "category_label": CATEGORY_LABELS.get(cat, cat),
                "cost_center": code,
                "cost_center_name": names[(cat, code)],
                "amounts": [rows[(cat, code)].get(v.number) for v in versions],
            }
            for cat, code in sorted(rows)
        ],
        "totals": [totals.get(v.number, ZERO) for v in versions],
        "currency": reporting_currency(),
    }


# --- people cost ------------------------------------------------------------------------------


def people_stints(rates_: Rates) -> list[Stint]:
    """Everyone's team spells and the open headcount plan, each with its fully loaded annual
    cost x FTE in the reporting currency (standing rates: pay is stated per year)."""
    from steward.org import selectors as org
    from steward.orgdesign import selectors as orgdesign

    cost_rates = orgdesign.cost_rates()
    people = org.pay_by_employee_id()
    plan = {e.key: e for e in orgdesign.plan_entries(actor=policy.SYSTEM)}
    stints = []
    for assignment in [*orgdesign.live_assignments(), *orgdesign.plan_assignments()]:
        source = (
            plan.get(assignment.person) if assignment.planned else people.get(assignment.person)
        )
        if source is None or source.salary is None:
            continue
        loaded = Decimal(source.salary) * (1 + cost_rates.burden_of(source.location or ""))
        currency = source.currency or rates_.reporting
        # Pay is stated per year: converted at the latest rate known (deterministic).
        rate = rates_.rate(currency, LATEST_MONTH)
        if rate is None:
            continue
        annual = loaded * rate * Decimal(assignment.fte)
        stints.append(
            Stint(assignment.person, assignment.team, assignment.start, assignment.end, annual)
        )
    return stints


@dataclass
class PeopleCost:
    """People cost per month: per (team, person) cents, for totals and the small-group rule."""

    months: list[date]
    cells: list[dict[tuple[str | None, str], Decimal]]
    # Per month, team -> its (person, cost) cells in the order of `cells`, and team -> their
    # sum: built once on first use, so a team's month costs a look-up, not a pass over everyone
    # (callers ask every team x month: 245 teams x 2,000 people at scale).
    _by_team: list[dict[str | None, list[tuple[str, Decimal]]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _totals: list[dict[str | None, Decimal]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def _index(self) -> list[dict[str | None, list[tuple[str, Decimal]]]]:
        if self._by_team is None:
            by_team: list[dict[str | None, list[tuple[str, Decimal]]]] = []
            for cell in self.cells:
                month: dict[str | None, list[tuple[str, Decimal]]] = defaultdict(list)
                for (t, who), v in cell.items():
                    month[t].append((who, v))
                by_team.append(dict(month))
            # Summed from ZERO in the cells' order: the same Decimal as a sum over the cells.
            self._totals = [
                {t: sum((v for _w, v in parts), ZERO) for t, parts in month.items()}
                for month in by_team
            ]
            self._by_team = by_team
        return self._by_team

    def team_month(self, team: str | None, index: int) -> Decimal:
        """A team's cost in month `index`."""
        self._index()
        return self._totals[index].get(team, ZERO)

    def teams(self) -> list[str | None]:
        """Teams with any cost."""
        return sorted({t for month in self._index() for t in month}, key=lambda t: t or "")

    def contributions(self, team: str | None, indexes: range | list[int]) -> dict[str, Decimal]:
        """Per person, their part of a team's cost over some months (for disclosure)."""
        by_team = self._index()
        out: dict[str, Decimal] = defaultdict(Decimal)
        for i in indexes:
            for who, v in by_team[i].get(team, ()):
                out[who] += v
        return dict(out)


def people_cost(months: list[date]) -> PeopleCost:
    """People cost of each month (METRICS.md), per team and person."""
    stints = people_stints(rates())
    return PeopleCost(months, monthly_costs(stints, months))


# --- actuals ----------------------------------------------------------------------------------

LineKey = tuple[str, str]  # (category, cost center code or "")


@once_per_request
def _center_codes() -> dict[int, str]:
    from steward.finance.models import CostCenter

    return dict(CostCenter.objects.values_list("pk", "code"))


@once_per_request
def _team_centers() -> dict[str, str]:
    from steward.finance.models import CostCenter

    found: dict[str, str] = {}
    for slug, code in CostCenter.objects.filter(team__isnull=False).values_list(
        "team__slug", "code"
    ):
        found.setdefault(slug, code)
    return found


@once_per_request
def _contract_months() -> dict[int, list[tuple[date, date]]]:
    """vendor id -> the [start, end) spans of its contracts."""
    from steward.finance.models import Contract

    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for vendor, start, end in Contract.objects.values_list("vendor_id", "start", "end"):
        spans[vendor].append((start, end))
    return spans


def actuals(fiscal_year: Any, people: PeopleCost | None = None) -> dict[str, Any]:
    """Actual cost per line and month: ledger (mapped category), cloud bills (EffectiveCost,
    category cloud) and people cost (from the org), plus the part under contract."""
    from steward.finance.models import CloudCost, LedgerEntry

    months = fiscal_year.months
    index = {m: i for i, m in enumerate(months)}
    codes = _center_codes()
    actual: dict[LineKey, list[Decimal]] = defaultdict(lambda: [ZERO] * 12)
    committed: dict[LineKey, list[Decimal]] = defaultdict(lambda: [ZERO] * 12)
    contracts = _contract_months()
    ledger = LedgerEntry.objects.filter(month__gte=fiscal_year.start, month__lt=fiscal_year.end)
    for category, center, vendor, day, month, amount in ledger.values_list(
        "category", "cost_center_id", "vendor_id", "date", "month", "amount_reporting"
    ):
        key = (category, codes.get(center, ""))
        actual[key][index[month]] += amount
        if vendor is not None and any(s <= day < e for s, e in contracts.get(vendor, [])):
            committed[key][index[month]] += amount
    cloud = (
        CloudCost.objects.filter(month__gte=fiscal_year.start, month__lt=fiscal_year.end)
        .values_list("cost_center_id", "month")
        .annotate(total=Sum("effective_reporting"))
    )
    for center, month, total in cloud:
        actual[("cloud", codes.get(center, ""))][index[month]] += cents(total or ZERO)
    people = people or people_cost(months)
    centers = _team_centers()
    people_lines: dict[LineKey, list[str | None]] = defaultdict(list)
    for team in people.teams():
        key = ("people", centers.get(team or "", ""))
        people_lines[key].append(team)
        for i in range(12):
            value = people.team_month(team, i)
            actual[key][i] += value
            committed[key][i] += value
    return {"actual": actual, "committed_actual": committed, "people_lines": people_lines}


def contract_due(fiscal_year: Any, rates_: Rates) -> dict[LineKey, list[Decimal]]:
    """Contract payments due per line and month: annual value / 12 in each month the contract
    runs (auto-renewing contracts run on past their end)."""
    from steward.finance.models import Contract

    months = fiscal_year.months
    codes = _center_codes()
    due: dict[LineKey, list[Decimal]] = defaultdict(lambda: [ZERO] * 12)
    for c in Contract.objects.all():
        key = (c.category, codes.get(c.cost_center_id or 0, ""))
        for i, month in enumerate(months):
            runs = c.start < add_months(month, 1) and (c.auto_renew or month < c.end)
            if runs:
                converted = rates_.convert(c.annual_value / 12, c.currency, month)
                due[key][i] += converted or ZERO
    return due


@dataclass(frozen=True)
class Thresholds:
    """The variance thresholds in force: per line (category, cost center code) and per
    category (cost center None); `for_line` falls back line -> category -> default (5 %)."""

    table: dict[tuple[str, str | None], fc.Threshold]

    def for_line(self, category: str, cost_center: str | None) -> tuple[fc.Threshold, str]:
        """The threshold of a line and where it comes from: line, category or default."""
        if cost_center and (category, cost_center) in self.table:
            return self.table[(category, cost_center)], "line"
        if (category, None) in self.table:
            return self.table[(category, None)], "category"
        return DEFAULT_THRESHOLD, "default"


def thresholds() -> Thresholds:
    """Every variance threshold (`finance.VarianceThreshold`), read once."""
    from steward.finance.models import VarianceThreshold

    table: dict[tuple[str, str | None], fc.Threshold] = {}
    for category, code, percent, amount in VarianceThreshold.objects.values_list(
        "category", "cost_center__code", "percent", "amount"
    ):
        table[(category, code)] = fc.Threshold(percent=percent, amount=amount)
    return Thresholds(table)


def threshold_list(*, actor: Actor) -> QuerySet[Any]:
    """The thresholds set, by category and cost center."""
    _require(actor)
    return _visible(actor, "VarianceThreshold").select_related("cost_center")


def threshold_view(threshold: fc.Threshold, source: str) -> dict[str, Any]:
    """A threshold as pages and the API show it."""
    return {"percent": threshold.percent, "amount": threshold.amount, "source": source}


def closed_months(fiscal_year: Any, today: date) -> int:
    """How many months of the fiscal year ended before `today`'s month began."""
    return sum(1 for m in fiscal_year.months if add_months(m, 1) <= today.replace(day=1))


def plan_vs_actual(
    *, actor: Actor, fiscal_year: Any, version: Any | None = None, today: date | None = None
) -> dict[str, Any]:
    """Plan, actual and forecast per line (category x cost center) and month, with totals and
    the lines forecast to overrun (METRICS.md "Money")."""
    _require(actor)
    today = today or date.today()
    rates_ = rates()
    months = fiscal_year.months
    if version is None:
        version = version_list(actor=actor, fiscal_year=fiscal_year).order_by("-number").first()
    plans: dict[LineKey, list[Decimal]] = {}
    names = {code: name for code, name in cost_center_list(actor=actor).values_list("code", "name")}
    if version is not None:
        for line in budget_lines(actor=actor, version=version):
            key = (line.category, line.cost_center.code if line.cost_center else "")
            plans[key] = line_plan(line, rates_, months)
    people = people_cost(months)
    found = actuals(fiscal_year, people)
    due = contract_due(fiscal_year, rates_)
    closed = closed_months(fiscal_year, today)
    keys = sorted(set(plans) | set(found["actual"]) | set(due))
    lines = []
    for key in keys:
        actual = found["actual"].get(key, [ZERO] * 12)
        committed_actual = found["committed_actual"].get(key, [ZERO] * 12)
        if key[0] == "people":
            committed = actual
            uncommitted = [ZERO] * 12
        else:
            committed = due.get(key, [ZERO] * 12)
            uncommitted = [a - c for a, c in zip(actual, committed_actual, strict=True)]
        lines.append(
            fc.forecast_line(
                fc.LineInput(
                    key[0], key[1], plans.get(key, [ZERO] * 12), actual, committed, uncommitted
                ),
                closed,
            )
        )
    hidden = _hidden_people_lines(actor, people, found["people_lines"])
    limits = thresholds()

    def line_limit(line: fc.LineForecast) -> fc.Threshold:
        return limits.for_line(line.category, line.cost_center)[0]

    overrun = {(ln.category, ln.cost_center) for ln in fc.overruns(lines, line_limit)}
    rows = []
    for line in lines:
        secret = (line.category, line.cost_center) in hidden
        limit, source = limits.for_line(line.category, line.cost_center)
        rows.append(
            {
                "category": line.category,
                "category_label": CATEGORY_LABELS.get(line.category, line.category),
                "cost_center": line.cost_center,
                "cost_center_name": names.get(line.cost_center, "No cost center"),
                "plan": line.plan,
                "actual": None if secret else line.actual,
                "forecast": None if secret else line.forecast,
                "budget": line.budget,
                "plan_to_date": line.plan_to_date,
                "actual_to_date": None if secret else line.actual_to_date,
                "forecast_total": None if secret else line.forecast_total,
                "variance": None if secret else line.variance,
                "variance_share": None if secret else line.variance_share,
                "run_rate": None if secret else line.run_rate,
                "overrun": (line.category, line.cost_center) in overrun and not secret,
                "threshold": threshold_view(limit, source),
                "suppressed": secret,
            }
        )

    def total(attr: str) -> Decimal:
        return sum((getattr(ln, attr) for ln in lines), ZERO)

    per_month = {
        "plan": [sum((ln.plan[i] for ln in lines), ZERO) for i in range(12)],
        "actual": [sum((ln.actual[i] for ln in lines), ZERO) for i in range(12)],
        "forecast": [sum((ln.forecast[i] for ln in lines), ZERO) for i in range(12)],
    }
    by_category: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for ln in lines:
        cell = by_category[ln.category]
        cell["budget"] += ln.budget
        cell["actual_to_date"] += ln.actual_to_date
        cell["forecast"] += ln.forecast_total
    return {
        "year": fiscal_year.year,
        "currency": rates_.reporting,
        "version": version,
        "months": months,
        "closed": closed,
        "budget": total("budget"),
        "plan_to_date": total("plan_to_date"),
        "actual_to_date": total("actual_to_date"),
        "forecast": total("forecast_total"),
        "variance": total("forecast_total") - total("budget"),
        "per_month": per_month,
        "lines": rows,
        "categories": [
            {
                "category": cat,
                "category_label": CATEGORY_LABELS.get(cat, cat),
                "budget": v["budget"],
                "actual_to_date": v["actual_to_date"],
                "forecast": v["forecast"],
                "variance": v["forecast"] - v["budget"],
                # A category is flagged by its own threshold (or the default) on its totals.
                "overrun": limits.for_line(cat, None)[0].exceeded(
                    v["forecast"] - v["budget"], v["budget"]
                ),
                "threshold": threshold_view(*limits.for_line(cat, None)),
            }
            for cat, v in sorted(by_category.items())
        ],
        "overruns": [r for r in rows if r["overrun"]],
        # For `variance_drivers` on the same page (people cost is the slow part to compute).
        "people_cost": people,
    }


def cloud_drivers(
    *, actor: Actor, fiscal_year: Any, today: date, growth: Decimal = Decimal("0.1")
) -> list[dict[str, Any]]:
    """Cloud services whose mean EffectiveCost of the last 3 closed months grew by more than
    `growth` over the 3 months before: what drives a cloud variance."""
    from steward.finance.models import CloudCost

    _require(actor)
    closed = closed_months(fiscal_year, today)
    if closed < 6:
        return []
    months = fiscal_year.months
    recent, before = months[closed - 3 : closed], months[closed - 6 : closed - 3]
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    rows = (
        CloudCost.objects.filter(month__gte=before[0], month__lt=add_months(recent[-1], 1))
        .values_list("service", "service_name", "month")
        .annotate(total=Sum("effective_reporting"))
    )
    # A service as the mapping rules name it (e.g. search-api), else the provider's service.
    for service, provider_service, month, total in rows:
        sums[service or provider_service][1 if month in recent else 0] += cents(total or ZERO)
    found: list[dict[str, Any]] = []
    for service, (old, new) in sums.items():
        if old > 0 and (new - old) / old > growth:
            found.append(
                {
                    "service": service,
                    "before": cents(old / 3),
                    "recent": cents(new / 3),
                    "growth": (new - old) / old,
                }
            )
    found.sort(key=lambda r: (-(r["recent"] - r["before"]), r["service"]))
    return found


def forecast_json(*, actor: Actor, fiscal_year: Any, today: date | None = None) -> dict[str, Any]:
    """CONTRACT.md `steward finance forecast --json`: year totals and one line per category."""
    report = plan_vs_actual(actor=actor, fiscal_year=fiscal_year, today=today)
    return {
        "year": report["year"],
        "currency": report["currency"],
        "version": report["version"].name if report["version"] else None,
        "closed_months": report["closed"],
        "budget": report["budget"],
        "actual_to_date": report["actual_to_date"],
        "forecast": report["forecast"],
        "variance": report["variance"],
        "lines": [
            {
                **{
                    k: c[k]
                    for k in (
                        "category",
                        "budget",
                        "actual_to_date",
                        "forecast",
                        "variance",
                        "overrun",
                    )
                },
                "threshold_percent": c["threshold"]["percent"],
                "threshold_amount": c["threshold"]["amount"],
            }
            for c in report["categories"]
        ],
    }


def _may_see_pay(actor: Actor) -> bool:
    return bool(policy.roles_of(actor) & policy.COMPENSATION_ROLES)


def min_group() -> int:
    """The small-group threshold in force."""
    return disclosure.min_group_size(getattr(settings, "STEWARD_MIN_GROUP_SIZE", None))


def _hidden_people_lines(
    actor: Actor, people: PeopleCost, people_lines: dict[LineKey, list[str | None]]
) -> set[LineKey]:
    """People lines an executive may not see: made of too few people, with complements."""
    if _may_see_pay(actor) or not people_lines:
        return set()
    figures: dict[Any, disclosure.Figure] = {}
    for key, teams in people_lines.items():
        parts: dict[str, Decimal] = defaultdict(Decimal)
        for team in teams:
            for who, v in people.contributions(team, range(12)).items():
                parts[who] += v
        figures[key] = disclosure.Figure(dict(parts))
    figures["total"] = disclosure.combine(figures[k] for k in people_lines)
    hidden = disclosure.suppressed(figures, [(list(people_lines), "total")], min_group())
    return {k for k in hidden if k != "total"}


# --- allocation -----------------------------------------------------------------------------


def effort_cells(start: date, end: date) -> dict[tuple[str, str, str], Fraction]:
    """Person-days per (team, month YYYY-MM, initiative key or `unlinked`) from the commits'
    link keys: strategy's attribution of effort (the alignment report's cells).

    One grouped query (engineering's `commit_groups`: commits counted per person, day and the
    initiatives' link keys) instead of one row per commit; the cells are the same exactly
    (`alignment.attribute_groups`), see tests/finance/test_allocation_speed.py and
    bench/finance_allocation.py."""
    from steward.engineering import selectors as evidence
    from steward.org import selectors as org_selectors
    from steward.strategy import alignment
    from steward.strategy import selectors as strategy

    by_key: dict[str, list[str]] = defaultdict(list)
    for initiative in strategy.initiative_list(actor=policy.SYSTEM):
        for key in initiative.link_keys:
            by_key[key].append(initiative.key)
    groups = evidence.commit_groups(start=start, end=end, keys=set(by_key))
    memberships = evidence.team_on({g.person_id for g in groups}, start, end)
    slug_of = org_selectors.team_slugs_by_id()

    def team_of(person: int, day: date) -> str | None:
        for s, e, team_id in memberships.get(person, []):
            if s <= day and (e is None or day < e):
                return slug_of.get(team_id)
        return None

    return dict(alignment.attribute_groups(groups, by_key, team_of).cells)


# Effort cells are kept until the data behind them changes (the stamp below); a day at most.
EFFORT_CACHE_SECONDS = 24 * 3600


def data_stamp() -> str:
    """A digest that changes whenever the data behind effort may have: every repository's head,
    last ingest and commit count (git ingest writes commits in bulk, then its repository), and
    the latest audit-log entry (every change through a service or an import is audited:
    identities, team memberships, initiatives and their link keys)."""
    import hashlib

    from auditlog.models import LogEntry
    from django.db.models import Max

    from steward.engineering import selectors as evidence

    repos = list(
        evidence.repository_list(actor=policy.SYSTEM)
        .order_by("pk")
        .values_list("pk", "head_sha", "last_ingested_at", "reachable_commits")
    )
    last = LogEntry.objects.aggregate(m=Max("pk"))["m"]
    return hashlib.sha256(repr((repos, last)).encode()).hexdigest()[:32]


def effort_cells_cached(start: date, end: date) -> dict[tuple[str, str, str], Fraction]:
    """`effort_cells(start, end)` computed once per data change (Django's cache, keyed by the
    period and `data_stamp()`): pages and reports read the stored cells."""
    from django.core.cache import cache

    key = f"finance:effort:{start.isoformat()}:{end.isoformat()}:{data_stamp()}"
    found = cache.get(key)
    if found is None:
        found = effort_cells(start, end)
        cache.set(key, found, EFFORT_CACHE_SECONDS)
    return found  # type: ignore[no-any-return]


def effort_cells_per_commit(start: date, end: date) -> dict[tuple[str, str, str], Fraction]:
    """The same cells from one row per commit (the way `effort_cells` worked before it read
    grouped rows): the baseline of bench/finance_allocation.py and the check of the tests."""
    from steward.engineering import selectors as evidence
    from steward.org import selectors as org_selectors
    from steward.strategy import alignment
    from steward.strategy import selectors as strategy

    by_key: dict[str, list[str]] = defaultdict(list)
    for initiative in strategy.initiative_list(actor=policy.SYSTEM):
        for key in initiative.link_keys:
            by_key[key].append(initiative.key)
    commits = [
        alignment.CommitRef(c.commit_id, c.person_id, c.day, c.keys)
        for c in evidence.commit_evidence(start=start, end=end)
    ]
    memberships = evidence.team_on({c.person_id for c in commits}, start, end)
    slug_of = org_selectors.team_slugs_by_id()

    def team_of(person: int, day: date) -> str | None:
        for s, e, team_id in memberships.get(person, []):
            if s <= day and (e is None or day < e):
                return slug_of.get(team_id)
        return None

    return dict(alignment.attribute(commits, by_key, team_of, by_commit=False).cells)


def _months_between(start: date, end: date) -> list[date]:
    out = []
    month = start.replace(day=1)
    while month < end:
        out.append(month)
        month = add_months(month, 1)
    return out


def money_stamp() -> str:
    """`data_stamp()` and finance's own bulk-written rows (ledger and cloud-bill imports)."""
    import hashlib

    from django.db.models import Count, Max

    from steward.finance.models import BillingPeriod, CloudCost, LedgerEntry

    parts = [
        data_stamp(),
        LedgerEntry.objects.aggregate(n=Count("pk"), m=Max("pk")),
        CloudCost.objects.aggregate(n=Count("pk"), m=Max("pk")),
        BillingPeriod.objects.aggregate(m=Max("imported_at")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def cost_allocation(*, actor: Actor, start: date, end: date) -> dict[str, Any]:
    """Cost per team, per service, per initiative and per objective over the months of
    [start, end) (METRICS.md: team = people cost + costs mapped to it; initiative = Σ months
    team people cost x the initiative's share of the team's effort + direct costs).

    Computed once per data change (`money_stamp()`) and audience (those who may see pay, and
    the others, for whom small groups are hidden), then read from Django's cache."""
    from django.core.cache import cache

    _require(actor)
    audience = "pay" if _may_see_pay(actor) else "totals"
    key = f"finance:allocation:{start}:{end}:{audience}:{min_group()}:{money_stamp()}"
    found = cache.get(key)
    if found is None:
        found = allocation_report(actor=actor, start=start, end=end)
        cache.set(key, found, EFFORT_CACHE_SECONDS)
    return found  # type: ignore[no-any-return]


def allocation_report(*, actor: Actor, start: date, end: date) -> dict[str, Any]:
    """`cost_allocation` computed now (no cache)."""
    _require(actor)
    months = _months_between(start, end)
    people = people_cost(months)
    team_people: dict[str, Decimal] = defaultdict(Decimal)
    for i, _month in enumerate(months):
        for team in people.teams():
            team_people[team or ""] += people.team_month(team, i)
    lo, hi = months[0] if months else start, add_months(months[-1], 1) if months else end
    slugs = _team_slugs()
    direct = _DirectCosts()
    direct.add_cloud(lo, hi, slugs)
    direct.add_ledger(lo, hi, slugs)
    effort_cost = _effort_cost(lo, hi, months, people)
    initiative: dict[str, Decimal] = defaultdict(Decimal)
    for key in set(effort_cost) | set(direct.initiative):
        initiative[key] = cents(effort_cost.get(key, ZERO)) + direct.initiative.get(key, ZERO)
    titles, per_objective = _objective_effort(initiative)
    teams = sorted(set(team_people) | set(direct.team))
    hidden = _hidden_teams(actor, people, teams)
    secret_people = bool(hidden)
    return {
        "from": lo,
        "to": hi,
        "currency": reporting_currency(),
        "teams": _allocation_team_rows(teams, hidden, team_people, direct.team),
        "services": _allocation_service_rows(direct.service, direct.usage),
        "initiatives": _allocation_initiative_rows(
            initiative, effort_cost, direct.initiative, titles, secret_people
        ),
        "objectives": sorted(
            (
                {
                    "objective": k,
                    "amount": None
                    if secret_people
                    else cents(Decimal(v.numerator) / Decimal(v.denominator)),
                }
                for k, v in per_objective.items()
            ),
            key=lambda r: r["objective"],
        ),
        "unallocated": direct.unallocated,
        "people_suppressed": secret_people,
    }


@dataclass
class _DirectCosts:
    """Cloud and ledger costs of a period by team slug, service and initiative, and the part
    allocated to none."""

    team: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    service: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    initiative: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    # Per service and FOCUS ConsumedUnit: quantity and the cost of the rows that carry it.
    usage: dict[str, dict[str, list[Decimal]]] = field(default_factory=lambda: defaultdict(dict))
    unallocated: Decimal = ZERO

    def add_cloud(self, lo: date, hi: date, slugs: dict[int, str]) -> None:
        """Add the cloud costs of the months from `lo` to before `hi`."""
        from steward.finance.models import CloudCost

        for team_id, svc, init, unit, amount, quantity in (
            CloudCost.objects.filter(month__gte=lo, month__lt=hi)
            .values_list("team_id", "service", "initiative", "consumed_unit")
            .annotate(total=Sum("effective_reporting"), q=Sum("consumed_quantity"))
        ):
            amount = cents(amount or ZERO)
            if team_id is None and not svc and not init:
                self.unallocated += amount
            if team_id is not None:
                self.team[slugs.get(team_id, "")] += amount
            if svc:
                self.service[svc] += amount
                if unit and quantity is not None:
                    cell = self.usage[svc].setdefault(unit, [ZERO, ZERO])
                    cell[0] += Decimal(quantity)
                    cell[1] += amount
            if init:
                self.initiative[init] += amount

    def add_ledger(self, lo: date, hi: date, slugs: dict[int, str]) -> None:
        """Add the general ledger's costs of the months from `lo` to before `hi`."""
        from steward.finance.models import LedgerEntry

        for team_id, init, category, amount in (
            LedgerEntry.objects.filter(month__gte=lo, month__lt=hi)
            .values_list("team_id", "initiative", "category")
            .annotate(total=Sum("amount_reporting"))
        ):
            amount = cents(amount or ZERO)
            if team_id is not None:
                self.team[slugs.get(team_id, "")] += amount
            elif category == "unallocated":
                self.unallocated += amount
            if init:
                self.initiative[init] += amount


def _effort_cost(lo: date, hi: date, months: list[date], people: PeopleCost) -> dict[str, Decimal]:
    """People cost per initiative: each team's monthly cost shared by its effort days."""
    cells = effort_cells_cached(lo, hi)
    month_index = {m.strftime("%Y-%m"): i for i, m in enumerate(months)}
    team_month_total: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
    for (team, month, _init), days in cells.items():
        team_month_total[(team, month)] += days
    effort_cost: dict[str, Decimal] = defaultdict(Decimal)
    for (team, month, init), days in cells.items():
        total_days = team_month_total[(team, month)]
        index_ = month_index.get(month)
        if index_ is None or not total_days:
            continue
        share = days / total_days
        cost = people.team_month(team, index_)
        effort_cost[init] += Decimal(cost) * Decimal(share.numerator) / Decimal(share.denominator)
    return effort_cost


def _objective_effort(
    initiative: dict[str, Decimal],
) -> tuple[dict[str, str], dict[str, Fraction]]:
    """The initiatives' titles, and the amounts per objective through the initiatives' links."""
    from steward.strategy import alignment
    from steward.strategy import selectors as strategy

    weights: dict[str, dict[str, Fraction]] = {}
    titles: dict[str, str] = {}
    for item in strategy.initiative_list(actor=policy.SYSTEM):
        titles[item.key] = item.title
        weights[item.key] = {
            link.objective.key: Fraction(str(link.weight)) for link in item.objective_links.all()
        }
    per_objective = alignment.objective_effort(
        {k: Fraction(str(v)) for k, v in initiative.items()}, weights
    )
    return titles, per_objective


def _allocation_team_rows(
    teams: list[str],
    hidden: set[str],
    team_people: dict[str, Decimal],
    team_direct: dict[str, Decimal],
) -> list[dict[str, Any]]:
    names = _team_names()
    return [
        {
            "team": t,
            "name": names.get(t, "No team") if t else "No team",
            "people": None if t in hidden else cents(team_people.get(t, ZERO)),
            "direct": team_direct.get(t, ZERO),
            "total": None
            if t in hidden
            else cents(team_people.get(t, ZERO)) + team_direct.get(t, ZERO),
        }
        for t in teams
    ]


def _allocation_service_rows(
    service: dict[str, Decimal], usage: dict[str, dict[str, list[Decimal]]]
) -> list[dict[str, Any]]:
    return sorted(
        (
            {
                "service": k,
                "amount": v,
                "consumed": [
                    {
                        "unit": unit,
                        "quantity": q.quantize(QUANTITY),
                        "cost": c,
                        "unit_cost": unit_cost(c, q),
                    }
                    for unit, (q, c) in sorted(usage.get(k, {}).items())
                ],
            }
            for k, v in service.items()
        ),
        key=lambda r: (-r["amount"], r["service"]),
    )


def _allocation_initiative_rows(
    initiative: dict[str, Decimal],
    effort_cost: dict[str, Decimal],
    direct_initiative: dict[str, Decimal],
    titles: dict[str, str],
    secret_people: bool,
) -> list[dict[str, Any]]:
    return sorted(
        (
            {
                "initiative": k,
                "title": titles.get(k, "Not linked to an initiative" if k == "unlinked" else k),
                "effort_cost": None if secret_people else cents(effort_cost.get(k, ZERO)),
                "direct": direct_initiative.get(k, ZERO),
                "amount": None if secret_people else v,
            }
            for k, v in initiative.items()
        ),
        # Ties (and hidden amounts) in key order, so the order is the same on every run.
        key=lambda r: (-(r["amount"] or r["direct"]), r["initiative"]),
    )


def _team_slugs() -> dict[int, str]:
    from steward.org import selectors as org

    return org.team_slugs_by_id()


def _team_names() -> dict[str, str]:
    from steward.org import selectors as org

    return org.team_names_by_slug()


def _hidden_teams(actor: Actor, people: PeopleCost, teams: list[str]) -> set[str]:
    """Teams whose people cost an executive may not see (small groups and complements)."""
    if _may_see_pay(actor):
        return set()
    months = range(len(people.months))
    figures: dict[Any, disclosure.Figure] = {
        t: disclosure.Figure(people.contributions(t or None, months)) for t in teams
    }
    figures["__total__"] = disclosure.combine(figures[t] for t in teams)
    hidden = disclosure.suppressed(figures, [(teams, "__total__")], min_group())
    return {k for k in hidden if k != "__total__"}


def costs_json(*, actor: Actor, start: date, end: date, by: str) -> dict[str, Any]:
    """CONTRACT.md `steward finance costs --json`: {from, to, currency, total, unallocated,
    groups[{key, amount}]}; cloud cost is FOCUS EffectiveCost."""
    from steward.finance.models import CloudCost, LedgerEntry

    _require(actor)
    report = cost_allocation(actor=actor, start=start, end=end)
    groups: list[dict[str, Any]]
    if by == "team":
        groups = [{"key": r["team"] or "(none)", "amount": r["total"]} for r in report["teams"]]
    elif by == "service":
        groups = [{"key": r["service"], "amount": r["amount"]} for r in report["services"]]
    elif by == "initiative":
        groups = [{"key": r["initiative"], "amount": r["amount"]} for r in report["initiatives"]]
    elif by == "provider":
        rows = (
            CloudCost.objects.filter(month__gte=report["from"], month__lt=report["to"])
            .values_list("period__provider")
            .annotate(total=Sum("effective_reporting"))
        )
        groups = [{"key": p, "amount": cents(t or ZERO)} for p, t in rows]
    else:
        found: dict[str, Decimal] = defaultdict(Decimal)
        for cat, total in (
            LedgerEntry.objects.filter(month__gte=report["from"], month__lt=report["to"])
            .values_list("category")
            .annotate(total=Sum("amount_reporting"))
        ):
            found[cat] += cents(total or ZERO)
        found["cloud"] += cents(
            CloudCost.objects.filter(month__gte=report["from"], month__lt=report["to"]).aggregate(
                t=Sum("effective_reporting")
            )["t"]
            or ZERO
        )
        found["people"] += sum((r["people"] or ZERO for r in report["teams"]), ZERO)
        groups = [{"key": k, "amount": v} for k, v in sorted(found.items())]
    total = sum((g["amount"] or ZERO for g in groups), ZERO)
    return {
        "from": report["from"],
        "to": report["to"],
        "currency": report["currency"],
        "total": total,
        "unallocated": report["unallocated"],
        "groups": groups,
    }


# --- vendors and contracts -------------------------------------------------------------------

ALERT_DAYS = (90, 60, 30)


def contract_list(*, actor: Actor) -> QuerySet[Any]:
    """Contracts by end date."""
    return (
        _visible(actor, "Contract").select_related("vendor", "cost_center").order_by("end", "key")
    )


def vendor_list(*, actor: Actor) -> QuerySet[Any]:
    """Vendors by name."""
    return _visible(actor, "Vendor").order_by("name")


def renewal_calendar(*, actor: Actor, today: date) -> list[dict[str, Any]]:
    """Contracts still running, each with its cancel-by date, days left and the alert level
    (90, 60 or 30 days before cancel-by; `inside` once the notice period has begun)."""
    from datetime import timedelta

    from steward.finance.models import CommitmentCost, LedgerEntry

    rows = []
    year_ago = today - timedelta(days=365)
    spent: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for vendor, day, amount in LedgerEntry.objects.filter(
        date__gte=year_ago, date__lt=today, vendor__isnull=False
    ).values_list("vendor_id", "date", "amount_reporting"):
        spent[vendor].append((day, amount))
    # Cloud spend applied to a contract commitment (FOCUS 1.3 ContractApplied): counted for
    # the Steward contract whose key is the provider's contract or commitment id.
    applied: dict[str, dict[int, tuple[date, Decimal]]] = defaultdict(dict)
    for pk, contract_id, commitment, month, amount in CommitmentCost.objects.filter(
        month__gte=year_ago.replace(day=1), month__lt=today
    ).values_list("pk", "contract_id", "commitment_id", "month", "applied_reporting"):
        for ref in {contract_id.lower(), commitment.lower()} - {""}:
            applied[ref][pk] = (month, amount)
    for c in contract_list(actor=actor).filter(end__gt=today):
        days = (c.cancel_by - today).days
        # Spend against the contract: the vendor's ledger rows of the last 12 months that fall
        # inside the contract's dates, and the cloud cost applied to it in those months.
        spend = sum((a for d, a in spent.get(c.vendor_id, []) if c.start <= d < c.end), ZERO)
        cloud = sum(
            (a for m, a in applied.get(c.key.lower(), {}).values()
             if c.start.replace(day=1) <= m < c.end),
            ZERO,
        )  # fmt: skip
        if days < 0:
            level = "inside"
        else:
            level = next((str(d) for d in sorted(ALERT_DAYS) if days <= d), "")
        rows.append(
            {
                "contract": c,
                "cancel_by": c.cancel_by,
                "days_left": days,
                "alert": level,
                "spend_12m": spend + cloud,
                "spend_cloud_12m": cloud,
            }
        )
    rows.sort(key=lambda r: r["cancel_by"])
    return rows


def commitment_spend(*, actor: Actor) -> list[dict[str, Any]]:
    """Cloud cost applied to each contract commitment (FOCUS 1.3 ContractApplied), summed over
    every imported billing period: applied cost (reporting currency), quantity and unit, bill
    rows, the months, and the Steward contract whose key is the contract or commitment id."""
    from django.db.models import Count, Max, Min

    _require(actor)
    contracts = {c.key.lower(): c for c in contract_list(actor=actor)}
    rows = (
        _visible(actor, "CommitmentCost")
        .values("contract_id", "commitment_id", "applied_unit")
        .annotate(
            cost=Sum("applied_reporting"),
            quantity=Sum("applied_quantity"),
            rows=Sum("rows"),
            months=Count("month", distinct=True),
            first=Min("month"),
            last=Max("month"),
        )
        .order_by("contract_id", "commitment_id", "applied_unit")
    )
    out = []
    for r in rows:
        match = contracts.get(r["commitment_id"].lower()) or contracts.get(r["contract_id"].lower())
        out.append({**r, "cost": cents(r["cost"] or ZERO), "contract": match})
    return out


def vendor_spend(*, actor: Actor, start: date, end: date) -> list[dict[str, Any]]:
    """Spend per vendor from the ledger in [start, end), with its share and contract value."""
    from steward.finance.models import LedgerEntry

    _require(actor)
    rows = (
        LedgerEntry.objects.filter(date__gte=start, date__lt=end)
        .exclude(vendor_name="")
        .values_list("vendor_name")
        .annotate(total=Sum("amount_reporting"))
    )
    amounts = [(v, cents(t or ZERO)) for v, t in rows]
    total = sum((t for _v, t in amounts), ZERO)
    out = [{"vendor": v, "amount": t, "share": (t / total) if total else None} for v, t in rows]
    out.sort(key=lambda r: (-r["amount"], r["vendor"]))
    return out


def concentration(spend: list[dict[str, Any]], top: int = 5) -> Decimal | None:
    """Share of spend in the `top` vendors."""
    total = sum((r["amount"] for r in spend), ZERO)
    if not total:
        return None
    return sum((r["amount"] for r in spend[:top]), ZERO) / total


# --- capitalization --------------------------------------------------------------------------


def initiative_effort_cost(
    start: date, end: date
) -> tuple[dict[tuple[str, date], Decimal], dict[tuple[str, date], Decimal]]:
    """(initiative, month) -> effort cost and person-days over the months of [start, end)."""
    months = _months_between(start, end)
    people = people_cost(months)
    cells = effort_cells_cached(start, end)
    index = {m.strftime("%Y-%m"): (i, m) for i, m in enumerate(months)}
    totals: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
    for (team, month, _init), days in cells.items():
        totals[(team, month)] += days
    cost: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    person_days: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    for (team, month, init), days in cells.items():
        found = index.get(month)
        if found is None or not totals[(team, month)]:
            continue
        i, first = found
        share = days / totals[(team, month)]
        cost[(init, first)] += people.team_month(team, i) * share.numerator / share.denominator
        person_days[(init, first)] += Decimal(days.numerator) / Decimal(days.denominator)
    return dict(cost), dict(person_days)


def capitalization_windows() -> dict[str, Any]:
    """Every initiative's capitalization window (initiative key -> `capitalization.Window`),
    for figures computed once for anyone: the caller shows them only to those who may see
    money (`rules.may_see_money`)."""
    from steward.finance.capitalization import Window
    from steward.finance.models import Capitalization

    return {
        c.initiative: Window(c.method, c.capitalize_from, c.go_live)
        for c in Capitalization.objects.order_by("initiative")
    }


def capitalization_report(*, actor: Actor, start: date, end: date) -> dict[str, Any]:
    """Capitalizable and expensed effort cost per initiative and quarter (METRICS.md)."""
    from steward.finance.capitalization import Window, split

    _require(actor)
    windows = {
        c.initiative: Window(c.method, c.capitalize_from, c.go_live)
        for c in _visible(actor, "Capitalization")
    }
    cost, days = initiative_effort_cost(start, end)
    hidden = not _may_see_pay(actor) and bool(cost)
    rows = split(cost, days, windows)
    if hidden:
        # Effort cost is pay split by commits: executives see it summed over all initiatives.
        total_cap = sum((r["capitalizable"] for r in rows), ZERO)
        total_exp = sum((r["expensed"] for r in rows), ZERO)
        for r in rows:
            r["effort_cost"] = r["capitalizable"] = r["expensed"] = None
        return {
            "rows": rows,
            "capitalizable": total_cap,
            "expensed": total_exp,
            "currency": reporting_currency(),
            "suppressed": True,
            "windows": windows,
        }
    return {
        "rows": rows,
        "capitalizable": sum((r["capitalizable"] for r in rows), ZERO),
        "expensed": sum((r["expensed"] for r in rows), ZERO),
        "currency": reporting_currency(),
        "suppressed": False,
        "windows": windows,
    }


def evaluation_list(*, actor: Actor) -> list[dict[str, Any]]:
    """Vendor evaluations, newest first, each with its vendors ranked by weighted score."""
    from steward.finance.evaluations import weighted_scores

    _require(actor)
    return [
        {"evaluation": e, "ranked": weighted_scores(e.weights, e.scores)}
        for e in _visible(actor, "VendorEvaluation")
    ]


# --- variance drivers ------------------------------------------------------------------------

DRIVER_KINDS = {"vendor": "Vendor", "account": "Ledger account", "service": "Cloud service",
                "team": "Team"}  # fmt: skip


def _component_months(
    fiscal_year: Any, closed: int, people: PeopleCost | None, with_people: bool
) -> dict[LineKey, dict[tuple[str, str], list[Decimal]]]:
    """line -> (kind, name) -> actual cost of each closed month: ledger rows by vendor (else
    account), cloud cost by service (the mapping rules' name, else the provider's), people cost
    by team."""
    from steward.finance.models import CloudCost, LedgerEntry

    months = fiscal_year.months[:closed]
    out: dict[LineKey, dict[tuple[str, str], list[Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: [ZERO] * closed)
    )
    if not closed:
        return out
    index = {m: i for i, m in enumerate(months)}
    codes = _center_codes()
    end = add_months(months[-1], 1)
    for category, center, vendor, account, month, total in (
        LedgerEntry.objects.filter(month__gte=months[0], month__lt=end)
        .values_list("category", "cost_center_id", "vendor_name", "account", "month")
        .annotate(total=Sum("amount_reporting"))
    ):
        part = ("vendor", vendor) if vendor else ("account", account)
        out[(category, codes.get(center, ""))][part][index[month]] += cents(total or ZERO)
    # A service as the mapping rules name it, else the provider's: grouped so in SQL (a bill of
    # a million rows keeps ~15,000 sums; grouping them by both names returned most of them).
    named = Case(When(service="", then=F("service_name")), default=F("service"))
    for center, service, month, total in (
        CloudCost.objects.filter(month__gte=months[0], month__lt=end)
        .annotate(named=named)
        .values_list("cost_center_id", "named", "month")
        .annotate(total=Sum("effective_reporting"))
    ):
        part = ("service", service)
        out[("cloud", codes.get(center, ""))][part][index[month]] += cents(total or ZERO)
    if with_people and people is not None:
        centers = _team_centers()
        for team in people.teams():
            key = ("people", centers.get(team or "", ""))
            for i in range(closed):
                out[key][("team", team or "")][i] += people.team_month(team, i)
    return out


def driver_figures(amounts: list[Decimal], open_months: int) -> dict[str, Decimal | None]:
    """A component's actual to date, its mean monthly cost over the last three closed months
    (`recent`) and the three before (`earlier`, None with fewer than four closed months), the
    change per month and its effect to year end (change x open months)."""
    closed = len(amounts)
    recent_months = amounts[max(0, closed - 3) :]
    earlier_months = amounts[max(0, closed - 6) : max(0, closed - 3)]
    recent = cents(sum(recent_months, ZERO) / len(recent_months)) if recent_months else None
    earlier = cents(sum(earlier_months, ZERO) / len(earlier_months)) if earlier_months else None
    change = None if recent is None or earlier is None else recent - earlier
    return {
        "actual_to_date": sum(amounts, ZERO),
        "earlier": earlier,
        "recent": recent,
        "change": change,
        "effect": None if change is None else change * open_months,
    }


def variance_drivers(
    *,
    actor: Actor,
    fiscal_year: Any,
    today: date | None = None,
    version: Any | None = None,
    only_overruns: bool = False,
    limit: int = 5,
    report: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Budget against forecast per line, each with the vendors, ledger accounts, cloud services
    or teams behind it, the largest movers first.

    A line's variance at year end is forecast − budget (METRICS.md); the forecast carries each
    component's recent run rate into the open months, so a component drives the variance by
    how much its monthly cost moved: change = mean of the last 3 closed months − mean of the 3
    before, effect to year end = change x open months. `drivers` are the components whose
    cost moved the way the line's variance goes (up for an overrun, down for an underrun),
    largest effect first, at most `limit`; `others` counts the rest. People lines are broken
    down by team for those who may see pay only. `report`: the `plan_vs_actual` already
    computed for the same actor, year, version and day (a page showing both reads it once)."""
    if report is None:
        report = plan_vs_actual(actor=actor, fiscal_year=fiscal_year, version=version, today=today)
    closed = report["closed"]
    open_months = 12 - closed
    with_people = _may_see_pay(actor)
    people = (report.get("people_cost") or people_cost(fiscal_year.months)) if with_people else None
    parts = _component_months(fiscal_year, closed, people, with_people)
    names = _team_names()
    lines = []
    for row in report["lines"]:
        variance = row["variance"]
        if variance is None or not variance:
            continue
        if only_overruns and not row["overrun"]:
            continue
        components: list[dict[str, Any]] = []
        for (kind, name), amounts in parts.get((row["category"], row["cost_center"]), {}).items():
            figures = driver_figures(amounts, open_months)
            label = names.get(name, name or "No team") if kind == "team" else name
            components.append({"kind": kind, "kind_label": DRIVER_KINDS[kind], "key": name,
                               "name": label, **figures})  # fmt: skip
        up = variance > 0
        moved = [
            c for c in components
            if c["change"] is not None and (c["change"] > 0 if up else c["change"] < 0)
        ]  # fmt: skip
        moved.sort(key=lambda c: (-abs(c["effect"]), c["name"]))
        new = [c for c in moved if c["earlier"] == 0]
        lines.append(
            {
                **{k: row[k] for k in ("category", "category_label", "cost_center",
                                       "cost_center_name", "budget", "forecast_total",
                                       "variance", "variance_share", "overrun",
                                       "threshold", "plan_to_date", "actual_to_date")},
                "drivers": moved[:limit],
                "others": len(components) - len(moved[:limit]),
                "new": len(new),
                "components": sorted(components, key=lambda c: -c["actual_to_date"]),
                "summary": _driver_summary(row, moved, up, components),
            }
        )  # fmt: skip
    lines.sort(key=lambda r: (-abs(r["variance"]), r["category"], r["cost_center"]))
    return {
        "year": report["year"],
        "currency": report["currency"],
        "version": report["version"],
        "closed": closed,
        "open": open_months,
        "lines": lines,
    }


def _driver_summary(
    row: dict[str, Any], moved: list[dict[str, Any]], up: bool, components: list[dict[str, Any]]
) -> str:
    """ "Cloud · Search +18 %: 3 cloud services grew" (the issue's wording); when nothing
    moved, the variance comes from spending off plan all along: say by how much to date and
    which component is the largest."""
    from steward.core.templatetags.steward_format import money

    share = row["variance_share"]
    head = f"{row['category_label']} · {row['cost_center_name']}"
    head += f" {share * 100:+.0f} %" if share is not None else " (no budget)"
    if not moved:
        to_date = (row["actual_to_date"] or ZERO) - (row["plan_to_date"] or ZERO)
        text = f"{head}: no component's monthly cost moved; {money(abs(to_date))} "
        text += "above plan to date" if to_date >= 0 else "below plan to date"
        total = sum((c["actual_to_date"] for c in components), ZERO)
        if components and total > 0:
            top = max(components, key=lambda c: c["actual_to_date"])
            text += (
                f", the largest component {top['name']} "
                f"({top['actual_to_date'] / total * 100:.0f} % of the line's cost)"
            )
        return text
    kinds = {c["kind"] for c in moved}
    noun = DRIVER_KINDS[next(iter(kinds))].lower() if len(kinds) == 1 else "component"
    plural = "" if len(moved) == 1 else ("es" if noun.endswith("s") else "s")
    verb = "grew" if up else "shrank"
    named = ", ".join(f"{c['name']} {money(c['change'])}/month" for c in moved[:3])
    return f"{head}: {len(moved)} {noun}{plural} {verb} ({named})"


def ledger_rows(
    *,
    actor: Actor,
    start: date,
    end: date,
    category: str | None = None,
    cost_center: str | None = None,
    vendor: str | None = None,
    account: str | None = None,
) -> QuerySet[Any]:
    """The ledger rows behind a figure: months [start, end), optionally one line and component
    (`cost_center` "" is the line without a cost center)."""
    _require(actor)
    rows = _visible(actor, "LedgerEntry").filter(month__gte=start, month__lt=end)
    if category:
        rows = rows.filter(category=category)
    if cost_center is not None:
        rows = (
            rows.filter(cost_center__code=cost_center)
            if cost_center
            else rows.filter(cost_center__isnull=True)
        )
    if vendor:
        rows = rows.filter(vendor_name=vendor)
    if account:
        rows = rows.filter(account=account)
    return rows.select_related("cost_center").order_by("date", "pk")


# --- unit cost per service -------------------------------------------------------------------


def _catalog() -> dict[str, Any]:
    """Catalog components by name (lower case): what a finance service name points at."""
    from steward.architecture import selectors as architecture

    return {
        c.name.lower(): c for c in architecture.component_list(actor=policy.SYSTEM)
        if c.kind == "component"
    }  # fmt: skip


def unit_costs(*, actor: Actor, start: date, end: date) -> dict[str, Any]:
    """Cost per service over the months of [start, end) and, where a usage measure exists, its
    unit cost (METRICS.md: cost ÷ usage measure).

    A service's cost is the cloud cost (FOCUS EffectiveCost) the mapping rules give it. Its unit
    cost over the period counts only the months that have a usage measure (cost of those
    months ÷ their usage), so a month without usage data does not inflate it; `months_without_
    usage` says how many months had cost but no measure. `consumed` is the usage the cloud
    bills count (FOCUS ConsumedQuantity per ConsumedUnit, kept at import): per unit, the
    quantity, the EffectiveCost of the rows that carry it and the unit cost, cost ÷ quantity."""
    from steward.finance.models import ServiceUsage

    _require(actor)
    months = _months_between(start, end)
    lo, hi = (months[0], add_months(months[-1], 1)) if months else (start, start)
    cost: dict[str, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    # One grouped read gives both: the cost per service and month (over every unit) and, per
    # FOCUS ConsumedUnit, the quantity and the cost of the rows that carry it.
    consumed: dict[str, ConsumedCells] = defaultdict(lambda: defaultdict(dict))
    for service, unit, month, quantity, total in (
        _visible(actor, "CloudCost").filter(month__gte=lo, month__lt=hi).exclude(service="")
        .values_list("service", "consumed_unit", "month")
        .annotate(q=Sum("consumed_quantity"), total=Sum("effective_reporting"))
    ):  # fmt: skip
        amount = cents(total or ZERO)
        cost[service][month] += amount
        if unit and quantity is not None:
            consumed[service][unit][month] = (Decimal(quantity).quantize(QUANTITY), amount)
    usage: dict[str, dict[date, Decimal]] = defaultdict(dict)
    units: dict[str, str] = {}
    for service, month, quantity, unit in ServiceUsage.objects.filter(
        pk__in=_visible(actor, "ServiceUsage").values("pk"), month__gte=lo, month__lt=hi
    ).values_list("service", "month", "quantity", "unit"):
        usage[service][month] = quantity
        units[service] = unit
    catalog = _catalog()
    rows: list[dict[str, Any]] = []
    for service in sorted(set(cost) | set(usage)):
        by_month = cost.get(service, {})
        measured = usage.get(service, {})
        total = sum(by_month.values(), ZERO)
        used_months = [m for m in measured if measured[m] > 0]
        cost_measured = sum((by_month.get(m, ZERO) for m in used_months), ZERO)
        quantity = sum((measured[m] for m in used_months), ZERO)
        component = catalog.get(service.lower())
        rows.append(
            {
                "service": service,
                "title": (component.title or component.name) if component else service,
                "component": component,
                "team": component.owner_team.name if component and component.owner_team else "",
                "cost": total,
                "usage": quantity if used_months else None,
                "unit": units.get(service, ""),
                "unit_cost": unit_cost(cost_measured, quantity) if used_months else None,
                "months_without_usage": sum(1 for m in by_month if m not in used_months),
                "cost_by_month": [by_month.get(m, ZERO) for m in months],
                "usage_by_month": [measured.get(m) for m in months],
                "consumed": _consumed_rows(consumed.get(service, {}), months),
            }
        )
    rows.sort(key=lambda r: (-r["cost"], r["service"]))
    unmapped = (
        _visible(actor, "CloudCost").filter(month__gte=lo, month__lt=hi, service="")
        .aggregate(t=Sum("effective_reporting"))["t"]
    )  # fmt: skip
    return {
        "from": lo,
        "to": hi,
        "months": months,
        "currency": reporting_currency(),
        "services": rows,
        "no_service": cents(unmapped or ZERO),
    }


ConsumedCells = dict[str, dict[date, tuple[Decimal, Decimal]]]


def _consumed_rows(cells: ConsumedCells, months: list[date]) -> list[dict[str, Any]]:
    """Per unit a service's bills count: quantity, the cost of the rows that carry it and the
    unit cost (cost ÷ quantity), over the period and per month."""
    rows = []
    for unit, by_month in sorted(cells.items()):
        quantity = sum((q for q, _c in by_month.values()), ZERO)
        cost = sum((c for _q, c in by_month.values()), ZERO)
        rows.append(
            {
                "unit": unit,
                "quantity": quantity,
                "cost": cost,
                "unit_cost": unit_cost(cost, quantity),
                "by_month": [
                    {
                        "month": m,
                        "quantity": by_month[m][0] if m in by_month else None,
                        "cost": by_month[m][1] if m in by_month else None,
                        "unit_cost": unit_cost(by_month[m][1], by_month[m][0])
                        if m in by_month
                        else None,
                    }
                    for m in months
                ],
            }
        )
    return rows


def unit_cost(cost: Decimal, quantity: Decimal) -> Decimal | None:
    """cost ÷ quantity to six decimals (a unit cost is often a fraction of a cent)."""
    if not quantity:
        return None
    return (cost / quantity).quantize(Decimal("0.000001"))


def service_detail(*, actor: Actor, service: str, start: date, end: date) -> dict[str, Any]:
    """One service per month (cost, usage, unit cost) and the cloud cost rows behind it: each
    billing period, provider service and sub-account with its EffectiveCost and bill rows."""
    report = unit_costs(actor=actor, start=start, end=end)
    row = next((r for r in report["services"] if r["service"] == service), None)
    months = []
    if row is not None:
        for m, c, u in zip(report["months"], row["cost_by_month"], row["usage_by_month"],
                           strict=True):  # fmt: skip
            months.append({"month": m, "cost": c, "usage": u,
                           "unit_cost": unit_cost(c, u) if u else None})  # fmt: skip
    evidence = (
        _visible(actor, "CloudCost")
        .filter(service=service, month__gte=report["from"], month__lt=report["to"])
        .values("month", "period__provider", "period__billing_account", "period__source_file",
                "service_name", "sub_account", "team__name", "currency")
        .annotate(cost=Sum("effective_reporting"), rows=Sum("rows"))
        .order_by("month", "service_name", "sub_account")
    )  # fmt: skip
    return {**report, "row": row, "by_month": months, "evidence": list(evidence)}
