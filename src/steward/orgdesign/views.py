"""Organization design pages: health, capacity, headcount plan, scenario editor (HTMX)."""

from __future__ import annotations

from datetime import date
from typing import Any

import altair as alt
import yaml
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from steward.core import policy
from steward.core.charts import spec_svg
from steward.core.errors import BadInput
from steward.core.periods import quarter_range
from steward.org.models import Person, Team, TeamType
from steward.orgdesign import selectors as sel
from steward.orgdesign import services as design
from steward.orgdesign.models import (
    AllocationKind,
    ChangeKind,
    Scenario,
    ScenarioStatus,
)


def svg(chart: alt.TopLevelMixin) -> str:
    """An Altair chart rendered to inline SVG on the server (no JavaScript, no CDN)."""
    return mark_safe(spec_svg(chart.to_json()))


def _day(request: HttpRequest) -> date:
    text = request.GET.get("date")
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        return date.today()


def _names() -> dict[str, str]:
    return dict(Person.objects.values_list("employee_id", "name"))


def _name_flags(flags: list[dict[str, Any]], names: dict[str, str]) -> None:
    """Attach display names so the template links every flag to its people."""
    for flag in flags:
        flag["subject_is_person"] = flag["subject"] in names
        flag["subject_name"] = names.get(flag["subject"], flag["subject"])
        flag["people_named"] = [(k, names.get(k, k)) for k in flag["people"]]


def health(request: HttpRequest) -> HttpResponse:
    """Organization health: the flags first (reason and people), then every structure figure."""
    day = _day(request)
    data = sel.structure_analysis(actor=request.user, on=day)
    names = _names()
    _name_flags(data["flags"], names)
    spans = data["span_of_control"]["by_manager"]
    chart = None
    if spans:
        rows = [{"manager": names.get(k, k), "reports": n} for k, n in spans.items()]
        chart = svg(
            alt.Chart(alt.Data(values=rows))
            .mark_bar()
            .encode(
                x=alt.X("reports:Q", title="direct reports"),
                y=alt.Y("manager:N", sort="-x", title=None),
                color=alt.condition(
                    "datum.reports > 8 || datum.reports < 3",
                    alt.value("#b3261e"),
                    alt.value("#1f5fa8"),
                ),
            )
            .properties(width=420, height=max(120, 16 * len(rows)))
        )
    return render(
        request,
        "orgdesign/health.html",
        {"data": data, "names": names, "day": day, "span_chart": chart},
    )


def capacity(request: HttpRequest) -> HttpResponse:
    """Capacity per team and quarter, with each team's allocations (editable by org editors)."""
    text = request.GET.get("quarters") or ""
    try:
        quarters = quarter_range(text) if text else sel.default_quarters(date.today())
    except BadInput:
        quarters = sel.default_quarters(date.today())
    data = sel.capacity_report(actor=request.user, quarters=quarters)
    return render(
        request,
        "orgdesign/capacity.html",
        {
            "data": data,
            "quarters_text": f"{quarters[0]}..{quarters[-1]}",
            "may_edit": policy.may_change_org(request.user),
            "kinds": AllocationKind.choices,
            "teams": Team.objects.filter(dissolved_on__isnull=True).order_by("name"),
        },
    )


@require_POST
def allocation_set(request: HttpRequest) -> HttpResponse:
    """Set one team allocation (share 0 removes it)."""
    team = Team.objects.filter(slug=request.POST.get("team", "")).first()
    if team is None:
        raise Http404("no such team")
    try:
        design.allocation_set(
            actor=request.user,  # type: ignore[arg-type]
            team=team,
            kind=request.POST.get("kind", ""),
            share=request.POST.get("share", "0"),
            quarter=request.POST.get("quarter", ""),
        )
    except BadInput as exc:
        return HttpResponse(str(exc), status=422)
    return redirect("orgdesign:capacity")


def _require_planner(request: HttpRequest) -> None:
    if not policy.may_plan_org(request.user):
        raise PermissionDenied("may not see organization plans")


def headcount_plan(request: HttpRequest) -> HttpResponse:
    """The headcount plan: entries, totals per quarter and team, composition gap."""
    _require_planner(request)
    data = sel.headcount_plan(actor=request.user, team=request.GET.get("team") or None)
    chart = None
    rows = [
        {"team": t["team"], "quarter": q, "hires": n}
        for t in data["teams"]
        for q, n in t["by_quarter"].items()
        if n
    ]
    if rows:
        chart = svg(
            alt.Chart(alt.Data(values=rows))
            .mark_bar()
            .encode(
                x=alt.X("quarter:O", title=None),
                y=alt.Y("sum(hires):Q", title="planned FTE"),
                color=alt.Color("team:N"),
            )
            .properties(width=420, height=220)
        )
    return render(
        request,
        "orgdesign/headcount_plan.html",
        {
            "data": data,
            "with_cost": "cost_total" in data["totals"],
            "chart": chart,
            "names": _names(),
        },
    )


def scenario_list(request: HttpRequest) -> HttpResponse:
    """Scenarios the user may see, and a form to start one."""
    _require_planner(request)
    if request.method == "POST":
        try:
            effective = date.fromisoformat(request.POST.get("effective_date") or "")
        except ValueError:
            effective = date.today()
        scenario = design.scenario_create(
            actor=request.user,  # type: ignore[arg-type]
            name=request.POST.get("name") or "Untitled scenario",
            description=request.POST.get("description", ""),
            effective_date=effective,
        )
        return redirect("orgdesign:scenario_detail", scenario_id=scenario.pk)
    return render(
        request,
        "orgdesign/scenario_list.html",
        {"scenarios": sel.scenario_list(actor=request.user), "today": date.today()},
    )


def _get_scenario(request: HttpRequest, scenario_id: int) -> Scenario:
    scenario = sel.scenario_get(actor=request.user, scenario_id=scenario_id)
    if scenario is None:
        raise Http404("no such scenario")
    return scenario


def _editor_context(request: HttpRequest, scenario: Scenario, error: str = "") -> dict[str, Any]:
    comparison = sel.scenario_comparison(actor=request.user, scenario=scenario)
    names = _names()
    _name_flags(comparison["structure"]["flags_added"], names)
    _name_flags(comparison["structure"]["flags_removed"], names)
    for row in comparison["manager_changes"]:
        row["name"] = names.get(row["person"], row["name"])
        row["before_name"] = names.get(row["before"] or "", row["before"] or "—")
        row["after_name"] = names.get(row["after"] or "", row["after"] or "—")
    cap: dict[str, dict[str, Any]] = {}
    for row in comparison["capacity"]:
        cap.setdefault(row["team"], {})[row["quarter"]] = row
    return {
        "scenario": scenario,
        "changes": [
            {
                "position": c.position,
                "label": c.get_kind_display(),
                "payload": sel.payload_visible(request.user, c.payload),
            }
            for c in scenario.changes.order_by("position")  # type: ignore[attr-defined]
        ],
        "cmp": comparison,
        "capacity": sorted(cap.items()),
        "names": names,
        "error": error,
        "may_edit": scenario.status == ScenarioStatus.DRAFT
        and policy.may_edit_scenario(request.user, scenario),
        "may_apply": scenario.status == ScenarioStatus.DRAFT
        and policy.may_change_org(request.user),
        "kinds": ChangeKind.choices,
        "team_types": TeamType.choices,
        "teams": Team.objects.filter(dissolved_on__isnull=True).order_by("name"),
    }


def scenario_detail(request: HttpRequest, scenario_id: int) -> HttpResponse:
    """The scenario editor: changes, a form for the next one, and the before/after panel."""
    scenario = _get_scenario(request, scenario_id)
    return render(request, "orgdesign/scenario_detail.html", _editor_context(request, scenario))


def _payload(post: Any) -> dict[str, Any]:
    fields = (
        "person",
        "team",
        "manager",
        "slug",
        "name",
        "type",
        "source",
        "into",
        "new_slug",
        "new_name",
        "lead",
        "key",
        "level",
        "expected_start",
        "salary",
        "currency",
        "location",
        "on",
    )
    data: dict[str, Any] = {f: post.get(f, "").strip() for f in fields if post.get(f, "").strip()}
    people = [p.strip() for p in post.get("people", "").replace(",", " ").split() if p.strip()]
    if people:
        data["people"] = people
    if post.get("follow_lead") == "no":
        data["follow_lead"] = False
    return data


@require_POST
def scenario_change_add(request: HttpRequest, scenario_id: int) -> HttpResponse:
    """HTMX: add a change; answers with the updated changes list and before/after panel."""
    scenario = _get_scenario(request, scenario_id)
    error = ""
    try:
        design.scenario_add_change(
            actor=request.user,  # type: ignore[arg-type]
            scenario=scenario,
            kind=request.POST.get("kind", ""),
            payload=_payload(request.POST),
        )
    except (BadInput, PermissionDenied) as exc:
        error = str(exc)
    return render(
        request, "orgdesign/_editor_panel.html", _editor_context(request, scenario, error)
    )


@require_POST
def scenario_change_remove(request: HttpRequest, scenario_id: int, position: int) -> HttpResponse:
    """HTMX: remove a change; answers with the updated panel."""
    scenario = _get_scenario(request, scenario_id)
    error = ""
    try:
        design.scenario_remove_change(actor=request.user, scenario=scenario, position=position)  # type: ignore[arg-type]
    except BadInput as exc:
        error = str(exc)
    return render(
        request, "orgdesign/_editor_panel.html", _editor_context(request, scenario, error)
    )


@require_POST
def scenario_apply(request: HttpRequest, scenario_id: int) -> HttpResponse:
    """Apply the scenario to the live org (org editors); conflicts are shown, nothing written."""
    scenario = _get_scenario(request, scenario_id)
    try:
        design.scenario_apply(actor=request.user, scenario=scenario)  # type: ignore[arg-type]
    except BadInput as exc:
        context = _editor_context(request, scenario, str(exc))
        return render(request, "orgdesign/scenario_detail.html", context, status=409)
    return redirect("orgdesign:scenario_detail", scenario_id=scenario.pk)


def scenario_export(request: HttpRequest, scenario_id: int) -> HttpResponse:
    """The scenario as a YAML file."""
    scenario = _get_scenario(request, scenario_id)
    data = design.scenario_to_data(scenario)
    data["changes"] = [sel.payload_visible(request.user, c) for c in data["changes"]]
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scenario-{scenario.pk}.yaml"'
    return response
