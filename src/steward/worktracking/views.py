"""Work-tracking pages: flow (cycle time, size, reviews), pull requests, tracker items,
investment balance and its rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from steward.core import policy
from steward.core.deletion import deletion_summary
from steward.core.editing import delete_page, form_page, require
from steward.core.periods import parse_period
from steward.org import selectors as org_selectors
from steward.worktracking import forms, rules, selectors, services
from steward.worktracking import investment as investment_model
from steward.worktracking.filtersets import FlowFilterSet
from steward.worktracking.models import InvestmentRule, PullRequest
from steward.worktracking.panels import ktlo_label


def _scope(request: HttpRequest) -> dict[str, Any]:
    start, end = parse_period(request.GET.get("from"), request.GET.get("to"))
    team = request.GET.get("team") or None
    return {"team": team, "start": start, "end": end}


def _query(request: HttpRequest, **picked: Any) -> str:
    """The period and team of the page as a query string, for the drill-down links; `picked`
    replaces what was typed (the flow page's team by its slug, whether picked by name or not)."""
    from urllib.parse import urlencode

    keep = {k: request.GET[k] for k in ("from", "to", "team") if request.GET.get(k)}
    keep.update({k: v for k, v in picked.items() if v})
    for k, v in picked.items():
        if not v:
            keep.pop(k, None)
    return urlencode(keep)


def _team_names() -> dict[str, str]:
    return org_selectors.team_names_by_slug()


SHOWN = 100  # rows of the drill-down table; the week and team links narrow it


def flow_page(request: HttpRequest) -> HttpResponse:
    """Cycle time of merged pull requests per team and week, their size, review load and
    unreviewed merges; every figure drills down to the pull requests behind it.

    The team is picked by name (its slug, as the links carry it, gives the same page); a bad
    team or period answers 400 with the message beside its field and no figures."""
    filterset = FlowFilterSet(request.GET, PullRequest.objects.none(), actor=request.user)
    if not filterset.form.is_valid():
        context = {"filter": filterset, "scope": filterset.scope}
        return render(request, "worktracking/flow.html", context, status=400)
    scope = filterset.scope
    start: date = scope["start"]
    end: date = scope["end"]
    report, shown, shown_total = selectors.flow_page(
        actor=request.user,
        start=start,
        end=end,
        team=scope["team"],
        week=request.GET.get("week"),
        drill_team=request.GET.get("drill_team"),
        unreviewed=bool(request.GET.get("unreviewed")),
        shown=SHOWN,
    )
    load = selectors.review_load(actor=request.user, start=start, end=end)
    names = _team_names()
    for row in [*report["by_team"], *shown]:
        row["team_name"] = (
            names.get(row["team"], row["team"]) if row["team"] else "No team (author not matched)"
        )
    report["by_team"].sort(key=lambda r: (r["team"] is None, r["team_name"].lower()))
    context = {
        "scope": scope,
        "report": report,
        "load": load,
        "pulls": shown,
        "pulls_total": shown_total,
        "query": _query(request, team=scope["team"]),
        "team_names": names,
        "filter": filterset,
    }
    return render(request, "worktracking/flow.html", context)


def pulls(request: HttpRequest) -> HttpResponse:
    """Every pull request; `?repo=`, `?state=` and `?unlinked=1` (repository not ingested)."""
    rows = selectors.pull_list(
        actor=request.user,
        repo=request.GET.get("repo") or None,
        state=request.GET.get("state") or None,
        unlinked=bool(request.GET.get("unlinked")),
    )
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "worktracking/pulls.html", {"page": page, "query": request.GET})


def pull_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One pull request: the four parts of its cycle time, its commits, reviews, deployment."""
    pull = selectors.pull_get(actor=request.user, pk=pk)
    if pull is None:
        raise Http404("no such pull request")
    context = selectors.pull_detail(actor=request.user, pull=pull)
    return render(request, "worktracking/pull_detail.html", context)


def items(request: HttpRequest) -> HttpResponse:
    """Tracker items with their parents, epics and the initiatives their keys name."""
    items_qs = selectors.item_list(
        actor=request.user,
        source=request.GET.get("source") or None,
        project=request.GET.get("project") or None,
    )
    page = Paginator(items_qs, 100).get_page(request.GET.get("page"))
    shown = list(page)
    initiatives = investment_model.initiatives_of_items(actor=request.user, items=shown)
    categories = investment_model.categories_of(shown)
    rows = [
        {"item": i, "category": categories[i.key], "initiatives": initiatives[i.key]} for i in shown
    ]
    return render(request, "worktracking/items.html", {"page": page, "rows": rows})


def investment(request: HttpRequest) -> HttpResponse:
    """Effort per investment category (rules on issue type, label, project, repository)."""
    scope = _scope(request)
    report = investment_model.investment_report(
        actor=request.user, start=scope["start"], end=scope["end"]
    )
    names = _team_names()
    for category in report["categories"]:
        category["label"] = ktlo_label(category["category"], category["ktlo"])
    for item in report["items"]:
        item["category_label"] = ktlo_label(item["category"], False)
    for row in report["by_team_month"]:
        row["team_name"] = names.get(row["team"], row["team"]) if row["team"] else "No team"
    return render(
        request,
        "worktracking/investment.html",
        {
            "scope": scope,
            "report": report,
            "team_names": names,
            "may_edit": rules.may_change(request.user),
        },
    )


# ---------------------------------------------------------------- investment rules


def _rule(request: HttpRequest, pk: int) -> InvestmentRule:
    rule = policy.visible(request.user, "worktracking.InvestmentRule").filter(pk=pk).first()
    if rule is None:
        raise Http404("no such investment rule")
    require(rules.may_change(request.user))
    return rule


def investment_rules(request: HttpRequest) -> HttpResponse:
    """The rules in order, each with how many work items it matches, decides and passes on to
    children; the CTO and admins add, edit, move and delete them."""
    context = {
        **investment_model.rules_with_preview(actor=request.user),
        "may_edit": rules.may_change(request.user),
    }
    return render(request, "worktracking/investment_rules.html", context)


def _rule_form_page(
    request: HttpRequest, form: forms.InvestmentRuleForm, *, title: str
) -> HttpResponse:
    """The rule form with a Preview button: how many imported work items the rule would match,
    shown without saving."""
    back = reverse("worktracking:investment_rules")
    preview = None
    status = 200
    if request.method == "POST" and "preview" in request.POST:
        if form.is_valid():
            preview = investment_model.preview_one(
                form.cleaned_data["field"], form.cleaned_data["value"]
            )
    elif request.method == "POST":
        if form.submit() is not None:
            messages.success(request, f"{title}: saved.")
            return redirect(back)
        status = 422
    context = {"form": form, "title": title, "back": back, "preview": preview}
    return render(request, "worktracking/rule_form.html", context, status=status)


def investment_rule_create(request: HttpRequest) -> HttpResponse:
    """Add an investment rule."""
    require(rules.may_change(request.user))
    form = forms.InvestmentRuleForm(request.POST or None, actor=request.user)
    return _rule_form_page(request, form, title="New investment rule")


def investment_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an investment rule, or its place in the order."""
    rule = _rule(request, pk)
    form = forms.InvestmentRuleForm(request.POST or None, actor=request.user, instance=rule)
    return _rule_form_page(request, form, title=f"Edit investment rule {rule.position}")


def investment_rule_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a rule up or down (the list's arrows post here) or to a given place."""
    rule = _rule(request, pk)
    form = forms.InvestmentRuleMoveForm(
        request.POST or None, actor=request.user, instance=rule, initial={"position": rule.position}
    )
    back = reverse("worktracking:investment_rules")
    return form_page(
        request,
        form,
        title=f"Move investment rule {rule.position}",
        back=back,
        done=lambda r: back,
        intro="The first rule that matches a work item decides its category.",
    )


def investment_rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an investment rule; the items it decided fall to the next matching rule."""
    rule = _rule(request, pk)
    back = reverse("worktracking:investment_rules")
    return delete_page(
        request,
        what=f"investment rule {rule.position} ({rule.get_field_display()} {rule.value} → "
        f"{rule.category})",
        summary=deletion_summary(rule),
        back=back,
        done=back,
        delete=lambda: services.investment_rule_delete(actor=request.user, rule=rule),
    )
