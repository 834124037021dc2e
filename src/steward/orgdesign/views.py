"""Organization design pages: health, capacity, headcount plan, scenario editor (HTMX)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import yaml
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from steward.core import errorpages, labels, policy
from steward.core.errors import BadInput
from steward.core.periods import quarter_range
from steward.core.templatetags.steward_format import format_number, percent
from steward.org import selectors as org_selectors
from steward.org.models import Department, Team
from steward.orgdesign import charts
from steward.orgdesign import selectors as sel
from steward.orgdesign import services as design
from steward.orgdesign.forms import CHANGE_FORMS, ChangeForm
from steward.orgdesign.models import (
    ChangeKind,
    Scenario,
    ScenarioStatus,
    TeamAllocation,
)


def _day(request: HttpRequest) -> date:
    text = request.GET.get("date")
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        return date.today()


def _names(request: HttpRequest) -> dict[str, str]:
    return sel.visible_names(request.user)


def _team_names() -> dict[str, str]:
    return dict(Team.objects.values_list("slug", "name"))


def _name_flags(flags: list[dict[str, Any]], names: dict[str, str]) -> None:
    """Attach display names and links so the template links every flag to its people
    (`people_named`: (url or "", name) pairs; `subject_url`: the person's or team's page)."""
    teams = _team_names()
    person_url = org_selectors.detail_url_maker("org:person_detail")
    team_url = org_selectors.detail_url_maker("org:team_detail")
    for flag in flags:
        subject = flag["subject"]
        flag["subject_is_person"] = subject in names
        flag["subject_is_team"] = subject in teams
        flag["subject_name"] = names.get(subject, teams.get(subject, subject))
        flag["subject_url"] = (
            person_url(subject)
            if subject in names
            else team_url(subject)
            if subject in teams
            else ""
        )
        flag["people_named"] = [
            (person_url(k) if k in names else "", names.get(k, k)) for k in flag["people"]
        ]


def _mix_text(mix: dict[str, Any]) -> str:
    return ", ".join(f"{level} {percent(share)}" for level, share in mix.items())


def health(request: HttpRequest) -> HttpResponse:
    """Organization health: the flags first (reason and people), then every structure figure."""
    day = _day(request)
    data = sel.structure_analysis(actor=request.user, on=day)
    names = _names(request)
    _name_flags(data["flags"], names)
    team_names = _team_names()
    team_url = org_selectors.detail_url_maker("org:team_detail")
    for team in data["teams"]:
        team["name"] = team_names.get(team["slug"], team.get("name") or team["slug"])
        team["url"] = team_url(team["slug"])
        # "L2 40 %, L3 60 %" written here rather than by two nested template loops per team.
        team["mix_text"] = _mix_text(team["seniority_mix"])
        team["target_text"] = _mix_text(team.get("target_mix") or {})
    dept_names = dict(Department.objects.values_list("slug", "name"))
    data["departments"] = [
        {**row, "name": dept_names.get(slug, slug)} for slug, row in data["by_department"].items()
    ]
    for interaction in data.get("interactions", {}).get("items", []):
        interaction["team_name"] = team_names.get(interaction["team"], interaction["team"])
        interaction["other_name"] = team_names.get(interaction["other"], interaction["other"])
    spans = data["span_of_control"]["by_manager"]
    chart = None
    if spans:
        rows = [{"manager": names.get(k, k), "reports": n} for k, n in spans.items()]
        chart = mark_safe(charts.span_of_control_svg(rows))
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
    team_names = _team_names()
    for row in [*data["teams"], *data["allocations"]]:
        row["team_name"] = team_names.get(row["team"], row["team"])
    ids = {
        (slug, kind, quarter): pk
        for slug, kind, quarter, pk in TeamAllocation.objects.values_list(
            "team__slug", "kind", "quarter", "pk"
        )
    }
    for row in data["allocations"]:
        row["id"] = ids.get((row["team"], row["kind"], row["quarter"]))
    return render(
        request,
        "orgdesign/capacity.html",
        {
            "data": data,
            "quarters_text": f"{quarters[0]}..{quarters[-1]}",
            "may_edit": policy.may_change_org(request.user),
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
        return errorpages.validation_error(request, str(exc), back=reverse("orgdesign:capacity"))
    return redirect("orgdesign:capacity")


def _require_planner(request: HttpRequest) -> None:
    if not policy.may_plan_org(request.user):
        raise PermissionDenied("may not see organization plans")


def headcount_plan(request: HttpRequest) -> HttpResponse:
    """The headcount plan: entries, totals per quarter and team, composition gap."""
    _require_planner(request)
    data = sel.headcount_plan(actor=request.user, team=request.GET.get("team") or None)
    team_names = _team_names()
    visible = set(policy.visible(request.user, "org.Person").values_list("employee_id", flat=True))
    names = _names(request)
    for row in [*data["teams"], *data["items"]]:
        row["team_name"] = team_names.get(row["team"], row["team"])
    for entry in data["items"]:
        if entry.get("replaces"):
            entry["replaces_name"] = names.get(entry["replaces"], entry["replaces"])
            entry["replaces_visible"] = entry["replaces"] in visible
    chart = None
    rows = [
        {"team": t["team"], "quarter": q, "hires": n}
        for t in data["teams"]
        for q, n in t["by_quarter"].items()
        if n
    ]
    if rows:
        chart = mark_safe(charts.planned_hires_svg(rows))
    return render(
        request,
        "orgdesign/headcount_plan.html",
        {
            "data": data,
            "with_cost": "cost_total" in data["totals"],
            "chart": chart,
            "names": _names(request),
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


def _describe_payload(
    payload: dict[str, Any], people: dict[str, str], teams: dict[str, str]
) -> list[tuple[str, str]]:
    """A scenario change's values in plain language: names instead of IDs and team codes."""

    def show(value: Any) -> str:
        if isinstance(value, list | tuple):
            return ", ".join(show(v) for v in value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        text = str(value)
        if isinstance(value, int | float | Decimal) or re.fullmatch(r"\d+(\.\d+)?", text):
            return format_number(value)
        return people.get(text) or teams.get(text) or text

    return [
        (labels.label(key, "scenario_field"), show(value))
        for key, value in payload.items()
        if value not in (None, "", [])
    ]


def _editor_context(request: HttpRequest, scenario: Scenario, error: str = "") -> dict[str, Any]:
    comparison = sel.scenario_comparison(actor=request.user, scenario=scenario)
    names = _names(request)
    _name_flags(comparison["structure"]["flags_added"], names)
    _name_flags(comparison["structure"]["flags_removed"], names)
    for row in comparison["manager_changes"]:
        row["name"] = names.get(row["person"], row["name"])
        row["before_name"] = names.get(row["before"] or "", row["before"] or "—")
        row["after_name"] = names.get(row["after"] or "", row["after"] or "—")
    team_names = _team_names()
    for team_row in comparison["structure"]["teams"]:
        team_row["name"] = team_names.get(team_row["slug"], team_row["slug"])
    cap: dict[str, dict[str, Any]] = {}
    for row in comparison["capacity"]:
        cap.setdefault(team_names.get(row["team"], row["team"]), {})[row["quarter"]] = row
    return {
        "scenario": scenario,
        "changes": [
            {
                "position": c.position,
                "label": c.get_kind_display(),
                "payload": sel.payload_visible(request.user, c.payload),
                "fields": _describe_payload(
                    sel.payload_visible(request.user, c.payload), names, team_names
                ),
            }
            for c in scenario.changes.order_by("position")  # type: ignore[attr-defined]
        ],
        "cmp": comparison,
        "capacity": sorted(cap.items()),
        "cost_rows": [
            (team_names.get(slug, slug), row)
            for slug, row in (comparison.get("cost") or {}).get("by_team", {}).items()
        ],
        "names": names,
        "error": error,
        "may_edit": scenario.status == ScenarioStatus.DRAFT
        and policy.may_edit_scenario(request.user, scenario),
        "may_apply": scenario.status == ScenarioStatus.DRAFT
        and policy.may_change_org(request.user),
        "kinds": ChangeKind.choices,
    }


def _change_form(request: HttpRequest, scenario: Scenario, kind: str) -> ChangeForm:
    form_class = CHANGE_FORMS.get(kind) or CHANGE_FORMS[ChangeKind.MOVE_PERSON]
    data = request.POST if request.method == "POST" else None
    return form_class(data, actor=request.user, scenario=scenario, prefix="change")


def _render_editor(
    request: HttpRequest, scenario: Scenario, form: ChangeForm, status: int = 200
) -> HttpResponse:
    context = {**_editor_context(request, scenario), "form": form, "kind": form.kind}
    return render(request, "orgdesign/scenario_detail.html", context, status=status)


def scenario_detail(request: HttpRequest, scenario_id: int) -> HttpResponse:
    """The scenario editor: changes, a small form for the next change of the chosen kind, and
    the before/after panel."""
    scenario = _get_scenario(request, scenario_id)
    return _render_editor(
        request, scenario, _change_form(request, scenario, request.GET.get("kind", ""))
    )


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
    """Add a change from the change form of its kind (errors beside the fields); a request
    without the form's fields (HTMX or a script) passes its payload fields as they are."""
    scenario = _get_scenario(request, scenario_id)
    kind = request.POST.get("kind", "")
    if "change-kind" in request.POST or any(k.startswith("change-") for k in request.POST):
        form = _change_form(request, scenario, request.POST.get("change-kind", kind))
        if not policy.may_edit_scenario(request.user, scenario):
            raise PermissionDenied("you may not edit this scenario")
        if form.submit():
            messages.success(request, f"Added: {ChangeKind(form.kind).label.lower()}.")
            url = reverse("orgdesign:scenario_detail", args=[scenario.pk])
            return redirect(f"{url}?kind={form.kind}")
        return _render_editor(request, scenario, form, status=400)
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
