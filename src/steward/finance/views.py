"""Finance pages: budget (grid editor, versions side by side, CSV), plan vs actual vs
forecast, cost allocation, cloud bills and mapping rules, vendors and contracts, rates."""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from steward.core.editing import form_page, require, submitted
from steward.core.errors import InvalidFields
from steward.core.tables import list_response
from steward.finance import charts, forms, rules, selectors, services
from steward.finance.filtersets import ContractFilterSet
from steward.finance.models import MONTH_FIELDS, BillingPeriod, CloudCost, MappingRule, MonthlyRate
from steward.finance.tables import ContractTable


def _money_page(request: HttpRequest) -> None:
    require(rules.may_see_money(request.user))


def _today() -> date:
    return timezone.localdate()


def _fiscal_year(request: HttpRequest) -> Any:
    text = request.GET.get("year") or ""
    if text.isdigit():
        fy = selectors.fiscal_year_get(actor=request.user, year=int(text))
        if fy is None:
            raise Http404("no such fiscal year")
        return fy
    return selectors.fiscal_year_of(actor=request.user, day=_today())


def _year_page(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    """A money page of a fiscal year (`?year=`, else this one): the year and the context that
    every such page starts from (the year and the years to pick from)."""
    _money_page(request)
    fy = _fiscal_year(request)
    return fy, {"fiscal_year": fy, "years": selectors.fiscal_year_list(actor=request.user)}


def _version(request: HttpRequest, fiscal_year: Any) -> Any:
    versions = selectors.version_list(actor=request.user, fiscal_year=fiscal_year)
    text = request.GET.get("version") or ""
    if text.isdigit():
        found = versions.filter(number=int(text)).first()
        if found is None:
            raise Http404("no such version")
        return found
    return versions.order_by("-number").first()


def _version_at(request: HttpRequest, year: int, number: int) -> Any:
    """Version `number` of fiscal year `year` (404 when either is missing)."""
    fy = selectors.fiscal_year_get(actor=request.user, year=year)
    version = (
        fy
        and selectors.version_list(actor=request.user, fiscal_year=fy).filter(number=number).first()
    )
    if version is None:
        raise Http404("no such budget version")
    return version


def _rows(request: HttpRequest, model: Any) -> Any:
    """The rows of a finance model the user may see."""
    return model.objects.filter(
        pk__in=selectors._visible(request.user, model.__name__).values("pk")
    )


def _evaluation(request: HttpRequest, key: str) -> Any:
    found = selectors._visible(request.user, "VendorEvaluation").filter(key=key).first()
    if found is None:
        raise Http404("no such evaluation")
    return found


def _csv_download(filename: str) -> tuple[HttpResponse, Any]:
    """A CSV file to download, and the writer that fills it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, csv.writer(response)


def budget(request: HttpRequest) -> HttpResponse:
    """A budget version line by line and month by month, and the versions side by side."""
    fy, context = _year_page(request)
    context["may_edit"] = rules.may_change_money(request.user)
    if fy is not None:
        version = _version(request, fy)
        context.update(
            version=version,
            versions=selectors.version_list(actor=request.user, fiscal_year=fy),
            lines=selectors.budget_lines(actor=request.user, version=version),
            side=selectors.versions_side_by_side(actor=request.user, fiscal_year=fy),
            months=fy.months,
        )
    return render(request, "finance/budget.html", context)


def budget_edit(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """Edit a version's lines as a grid (one row per line, one column per month)."""
    require(rules.may_change_money(request.user))
    version = _version_at(request, year, number)
    lines = list(selectors.budget_lines(actor=request.user, version=version))
    grid = forms.BudgetGrid(request.POST or None, initial=forms.grid_initial(lines))
    status = 200
    if request.method == "POST":
        if grid.is_valid():
            try:
                with transaction.atomic():
                    saved = forms.grid_save(actor=request.user, version=version, grid=grid)
            except InvalidFields as exc:
                grid.non_form_errors().append(str(exc))  # type: ignore[attr-defined]
            else:
                messages.success(request, f"{version}: {saved} lines saved.")
                return redirect(reverse("finance:budget") + f"?year={year}&version={number}")
        status = 422
    months = version.fiscal_year.months
    context = {"grid": grid, "version": version, "months": months, "month_fields": MONTH_FIELDS}
    return render(request, "finance/budget_edit.html", context, status=status)


def budget_export(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """A version's lines as CSV, in the format `steward import budget` reads."""
    _money_page(request)
    version = _version_at(request, year, number)
    response, writer = _csv_download(f"budget-{year}-v{number}.csv")
    writer.writerow(
        ["fiscal_year", "version", "category", "cost_center", "currency", *MONTH_FIELDS, "note"]
    )
    for line in selectors.budget_lines(actor=request.user, version=version):
        writer.writerow(
            [
                year,
                number,
                line.category,
                line.cost_center.code if line.cost_center else "",
                line.currency,
                *[f"{getattr(line, m):.2f}" for m in MONTH_FIELDS],
                line.note,
            ]
        )
    return response


def version_create(request: HttpRequest, year: int) -> HttpResponse:
    """POST: the next reforecast of a fiscal year, copied from its latest version."""
    require(rules.may_change_money(request.user))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    fy = selectors.fiscal_year_get(actor=request.user, year=year)
    if fy is None:
        raise Http404("no such fiscal year")
    version = services.version_create(
        actor=request.user, fiscal_year=fy, note=request.POST.get("note", "")
    )
    messages.success(request, f"{version} created from the latest version.")
    return redirect(reverse("finance:budget") + f"?year={year}&version={version.number}")


def fiscal_year_create(request: HttpRequest) -> HttpResponse:
    """A new fiscal year (with an empty budget)."""
    require(rules.may_change_money(request.user))
    form = forms.FiscalYearForm(request.POST or None, actor=request.user)
    return form_page(
        request,
        form,
        title="New fiscal year",
        back=reverse("finance:budget"),
        done=lambda fy: reverse("finance:budget") + f"?year={fy.year}",
        intro="Twelve months from the month you pick; named by the calendar year it ends in.",
    )


def cost_centers(request: HttpRequest) -> HttpResponse:
    """Cost centers and a form to add one."""
    _money_page(request)
    form = forms.CostCenterForm(request.POST or None, actor=request.user)
    may_edit = rules.may_change_money(request.user)
    done = submitted(
        request, form, allowed=may_edit, saved="Cost center saved.", done="finance:cost_centers"
    )
    if done is not None:
        return done
    context = {
        "centers": selectors.cost_center_list(actor=request.user),
        "form": form,
        "may_edit": may_edit,
    }
    return render(request, "finance/cost_centers.html", context, status=422 if form.errors else 200)


def rates(request: HttpRequest) -> HttpResponse:
    """Monthly exchange rates and a form to set one."""
    _money_page(request)
    form = forms.RateForm(request.POST or None, actor=request.user)
    may_edit = rules.may_change_money(request.user)
    done = submitted(request, form, allowed=may_edit, saved="Rate saved.", done="finance:rates")
    if done is not None:
        return done
    context = {
        "rates": _rows(request, MonthlyRate).order_by("-month", "currency"),
        "form": form,
        "reporting": selectors.reporting_currency(),
        "may_edit": may_edit,
    }
    return render(request, "finance/rates.html", context, status=422 if form.errors else 200)


def thresholds(request: HttpRequest) -> HttpResponse:
    """The variance thresholds set (per line or per category) and a form to set one;
    `?edit=<id>` fills the form with a threshold to change."""
    _money_page(request)
    may_edit = rules.may_change_money(request.user)
    initial: dict[str, Any] = {}
    editing = request.GET.get("edit", "")
    if editing.isdigit():
        found = selectors.threshold_list(actor=request.user).filter(pk=int(editing)).first()
        if found is not None:
            initial = {
                "category": found.category,
                "cost_center": found.cost_center.code if found.cost_center else "",
                "percent": found.percent,
                "amount": found.amount,
                "note": found.note,
            }
    form = forms.ThresholdForm(request.POST or None, actor=request.user, initial=initial)
    saved = "Threshold saved; the plan-vs-actual page flags lines by it now."
    done = submitted(request, form, allowed=may_edit, saved=saved, done="finance:thresholds")
    if done is not None:
        return done
    context = {
        "thresholds": selectors.threshold_list(actor=request.user),
        "default_percent": selectors.DEFAULT_THRESHOLD.percent,
        "form": form,
        "currency": selectors.reporting_currency(),
        "may_edit": may_edit,
    }
    return render(request, "finance/thresholds.html", context, status=422 if form.errors else 200)


def threshold_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: remove a threshold (its lines fall back to the category's, then the default)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require(rules.may_change_money(request.user))
    found = selectors.threshold_list(actor=request.user).filter(pk=pk).first()
    if found is None:
        raise Http404("no such threshold")
    services.threshold_delete(actor=request.user, threshold=found)
    messages.success(request, "Threshold removed.")
    return redirect("finance:thresholds")


def plan_vs_actual(request: HttpRequest) -> HttpResponse:
    """Plan, actual and forecast per month and line, the year-end variance and overruns."""
    fy, context = _year_page(request)
    if fy is not None:
        version = _version(request, fy)
        report = selectors.plan_vs_actual(
            actor=request.user, fiscal_year=fy, version=version, today=_today()
        )
        drivers = selectors.variance_drivers(
            actor=request.user, fiscal_year=fy, only_overruns=True, report=report
        )
        context.update(
            report=report,
            drivers=[line["summary"] for line in drivers["lines"]],
            versions=selectors.version_list(actor=request.user, fiscal_year=fy),
            chart=mark_safe(
                charts.monthly_svg(
                    report["months"], report["per_month"], report["closed"], report["currency"]
                )
            ),
        )
    return render(request, "finance/plan_vs_actual.html", context)


def allocation(request: HttpRequest) -> HttpResponse:
    """Cost per team, service, initiative and objective over a fiscal year to date."""
    fy, context = _year_page(request)
    if fy is not None:
        end = min(fy.end, _today())
        report = selectors.cost_allocation(actor=request.user, start=fy.start, end=end)
        teams = [(r["name"], r["total"]) for r in report["teams"] if r["total"] is not None]
        inits = [
            (r["title"], r["amount"]) for r in report["initiatives"][:15] if r["amount"] is not None
        ]
        context.update(
            report=report,
            team_chart=mark_safe(charts.bars_svg(teams, report["currency"], "Cost"))
            if teams
            else "",
            initiative_chart=mark_safe(charts.bars_svg(inits, report["currency"], "Cost"))
            if inits
            else "",
        )
    return render(request, "finance/allocation.html", context)


def cloud(request: HttpRequest) -> HttpResponse:
    """Imported billing periods, cloud cost by service and month (unmapped shown), rules."""
    _money_page(request)
    from django.db.models import Sum

    periods = _rows(request, BillingPeriod)
    costs = _rows(request, CloudCost)
    by_service = (
        costs.values("service_name")
        .annotate(total=Sum("effective_reporting"))
        .order_by("-total")[:30]
    )
    unmapped = costs.filter(team__isnull=True, service="", initiative="").aggregate(
        t=Sum("effective_reporting")
    )["t"]
    by_team = (
        costs.values("team__name").annotate(total=Sum("effective_reporting")).order_by("-total")
    )
    form = forms.RuleForm(request.POST or None, actor=request.user)
    may_edit = rules.may_change_money(request.user)
    saved = "Rule saved; it applies to bills and ledgers imported from now on."
    done = submitted(request, form, allowed=may_edit, saved=saved, done="finance:cloud")
    if done is not None:
        return done
    context = {
        "periods": periods.order_by("-start"),
        "by_service": by_service,
        "by_team": by_team,
        "unmapped": unmapped,
        "rules": _rows(request, MappingRule).select_related("team", "cost_center"),
        "commitments": selectors.commitment_spend(actor=request.user),
        "form": form,
        "currency": selectors.reporting_currency(),
        "may_edit": may_edit,
    }
    return render(request, "finance/cloud.html", context, status=422 if form.errors else 200)


def contracts(request: HttpRequest) -> HttpResponse:
    """The renewal calendar with its alerts, spend per vendor, concentration, and every
    contract (sortable, filtered by vendor and category, as CSV)."""
    _money_page(request)
    today = _today()
    start = date(today.year - 1, today.month, 1)
    spend = selectors.vendor_spend(actor=request.user, start=start, end=today)
    context = {
        "calendar": selectors.renewal_calendar(actor=request.user, today=today),
        "spend": spend[:20],
        "concentration": selectors.concentration(spend),
        "spend_from": start,
        "currency": selectors.reporting_currency(),
        "today": today,
        "evaluations": selectors.evaluation_list(actor=request.user),
        "may_edit": rules.may_change_money(request.user),
    }
    return list_response(
        request,
        rows=selectors.contract_list(actor=request.user),
        table=ContractTable,
        filters=ContractFilterSet,
        template="finance/contracts.html",
        context=context,
        csv_url=reverse("finance:contracts_csv"),
    )


def contract_create(request: HttpRequest) -> HttpResponse:
    """A new contract (finance, the CTO and admins)."""
    require(rules.may_change_money(request.user))
    form = forms.ContractForm(
        request.POST or None,
        actor=request.user,
        initial={"currency": selectors.reporting_currency()},
    )
    return form_page(
        request,
        form,
        title="New contract",
        back=reverse("finance:contracts"),
        intro="The cancel-by date is the end date minus the notice period; the renewal "
        "calendar warns 90, 60 and 30 days before it.",
    )


def contract_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Change a contract's dates, notice, value, owner or data."""
    require(rules.may_change_money(request.user))
    found = selectors.contract_list(actor=request.user).filter(key=key).first()
    if found is None:
        raise Http404("no such contract")
    form = forms.ContractForm(
        request.POST or None,
        actor=request.user,
        instance=found,
        initial=forms.ContractForm.initial_of(found),
    )
    return form_page(
        request, form, title=f"Contract {found.title or found.key}",
        back=reverse("finance:contracts"),
    )  # fmt: skip


def contracts_csv(request: HttpRequest) -> HttpResponse:
    """Every contract (the page's filters and order) as a CSV download."""
    _money_page(request)
    return list_response(
        request,
        rows=selectors.contract_list(actor=request.user),
        table=ContractTable,
        filters=ContractFilterSet,
        template="finance/contracts.html",
        csv_filename="contracts.csv",
    )


def evaluation_decision(request: HttpRequest, key: str) -> HttpResponse:
    """POST: record a vendor evaluation as a draft architecture decision."""
    require(rules.may_change_money(request.user))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    found = _evaluation(request, key)
    try:
        decision = services.evaluation_to_decision(actor=request.user, evaluation=found)
    except InvalidFields as exc:
        messages.error(request, str(exc))
        return redirect("finance:contracts")
    return redirect("architecture:decision_detail", decision.number)


def _capitalization_period(fy: Any) -> tuple[date, date]:
    return fy.start, min(fy.end, _today().replace(day=1)) if fy.start < _today() else fy.end


def capitalization(request: HttpRequest) -> HttpResponse:
    """Capitalizable and expensed effort cost per initiative and quarter, with the evidence."""
    fy, context = _year_page(request)
    if fy is not None:
        start, end = _capitalization_period(fy)
        context["report"] = selectors.capitalization_report(
            actor=request.user, start=start, end=end
        )
        context["start"], context["end"] = start, end
    return render(request, "finance/capitalization.html", context)


def capitalization_export(request: HttpRequest) -> HttpResponse:
    """The capitalization report as CSV for the accountants."""
    _money_page(request)
    fy = _fiscal_year(request)
    if fy is None:
        raise Http404("no fiscal year")
    start, end = _capitalization_period(fy)
    report = selectors.capitalization_report(actor=request.user, start=start, end=end)
    response, writer = _csv_download(f"capitalization-{fy.year}.csv")
    columns = [
        "initiative",
        "quarter",
        "method",
        "person_days",
        "effort_cost",
        "capitalizable",
        "expensed",
    ]
    writer.writerow([*columns, "currency"])
    for row in report["rows"]:
        writer.writerow(
            [("" if row[c] is None else row[c]) for c in columns] + [report["currency"]]
        )
    return response


def variance(request: HttpRequest) -> HttpResponse:
    """Budget against forecast per line and the vendors, accounts, services or teams behind it."""
    fy, context = _year_page(request)
    if fy is not None:
        version = _version(request, fy)
        report = selectors.variance_drivers(
            actor=request.user, fiscal_year=fy, version=version, today=_today()
        )
        closed = fy.months[: report["closed"]]
        context.update(
            report=report,
            versions=selectors.version_list(actor=request.user, fiscal_year=fy),
            version=version,
            evidence_from=fy.start,
            evidence_to=closed[-1] if closed else fy.start,
        )
    return render(request, "finance/variance.html", context)


def _month_param(request: HttpRequest, name: str) -> date | None:
    text = request.GET.get(name) or ""
    try:
        day = date.fromisoformat(text if len(text) > 7 else f"{text}-01")
    except ValueError:
        return None
    return day.replace(day=1)


def ledger(request: HttpRequest) -> HttpResponse:
    """The ledger rows behind a figure: a period of months and optionally a category, cost
    center, vendor or account (every filter is in the address, so a figure links here)."""
    from steward.finance.models import add_months

    _money_page(request)
    today = _today()
    start = _month_param(request, "from") or today.replace(day=1, month=1)
    last = _month_param(request, "to") or today.replace(day=1)
    end = add_months(last, 1)
    center = request.GET.get("cost_center")
    filters = {
        "category": request.GET.get("category") or None,
        "cost_center": None if center is None else center,
        "vendor": request.GET.get("vendor") or None,
        "account": request.GET.get("account") or None,
    }
    rows = selectors.ledger_rows(actor=request.user, start=start, end=end, **filters)
    from django.db.models import Sum

    shown = 500
    context = {
        "rows": rows[:shown],
        "count": rows.count(),
        "total": rows.aggregate(t=Sum("amount_reporting"))["t"],
        "shown": shown,
        "start": start,
        "last": last,
        "filters": {k: v for k, v in filters.items() if v is not None},
        "currency": selectors.reporting_currency(),
    }
    return render(request, "finance/ledger.html", context)


def _closed_months(fy: Any) -> tuple[date, date]:
    """The closed months of the fiscal year (all twelve once it is over)."""
    return fy.start, min(fy.end, _today().replace(day=1))


def services_cost(request: HttpRequest) -> HttpResponse:
    """Cost per service and, where a usage measure is imported, its unit cost."""
    fy, context = _year_page(request)
    if fy is not None:
        start, end = _closed_months(fy)
        context["report"] = selectors.unit_costs(actor=request.user, start=start, end=end)
    return render(request, "finance/services.html", context)


def service_cost(request: HttpRequest, service: str) -> HttpResponse:
    """One service month by month (cost, usage, unit cost) and the cloud cost behind it."""
    fy, context = _year_page(request)
    if fy is None:
        raise Http404("no fiscal year")
    start, end = _closed_months(fy)
    report = selectors.service_detail(actor=request.user, service=service, start=start, end=end)
    if report["row"] is None:
        raise Http404("no cost or usage for this service in the fiscal year")
    context.update(report=report, service=service)
    return render(request, "finance/service.html", context)


def evaluation_create(request: HttpRequest) -> HttpResponse:
    """A new vendor evaluation: vendors and weighted criteria; scores on the next page."""
    require(rules.may_change_money(request.user))
    form = forms.EvaluationForm(request.POST or None, actor=request.user)
    return form_page(
        request,
        form,
        title="New vendor evaluation",
        back=reverse("finance:contracts"),
        done=lambda e: reverse("finance:evaluation_edit", args=[e.key]),
        intro="Name the vendors and the criteria with their weights; score each vendor next.",
    )


def evaluation_edit(request: HttpRequest, key: str) -> HttpResponse:
    """The evaluation as a grid: one row per criterion (name, weight, a score per vendor)."""
    require(rules.may_change_money(request.user))
    found = _evaluation(request, key)
    vendors = forms.evaluation_vendors(found)
    head_initial, rows = forms.evaluation_initial(found)
    data = request.POST if request.method == "POST" else None
    head = forms.EvaluationHeadForm(data, initial=head_initial, vendors=vendors)
    grid = forms.CriteriaGrid(data, initial=rows, form_kwargs={"vendors": vendors})
    status = 200
    if request.method == "POST":
        saved = forms.evaluation_submit(actor=request.user, evaluation=found, head=head, grid=grid)
        if saved is not None:
            messages.success(request, f"{saved.title}: saved.")
            if head.cleaned_data.get("add_vendor"):
                return redirect("finance:evaluation_edit", saved.key)
            return redirect(reverse("finance:contracts") + f"#evaluation-{saved.key}")
        status = 422
    from steward.finance.evaluations import weighted_scores

    context = {
        "evaluation": found,
        "vendors": vendors,
        "head": head,
        "grid": grid,
        "ranked": weighted_scores(found.weights, found.scores),
    }
    return render(request, "finance/evaluation_edit.html", context, status=status)
