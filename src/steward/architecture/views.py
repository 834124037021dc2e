"""Decision pages: the list (filter by status and tag), one decision, create and edit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from steward.architecture import forms, rules, selectors
from steward.architecture.filtersets import DecisionFilterSet
from steward.architecture.models import (
    COMPONENT_KINDS,
    DEBT_STATUSES,
    Component,
    Decision,
    Technology,
)
from steward.architecture.radar_svg import radar_svg
from steward.architecture.tables import DecisionTable
from steward.core import policy
from steward.core.editing import form_page, require
from steward.core.markdown_html import render_markdown
from steward.core.tables import list_response


def decisions(request: HttpRequest) -> HttpResponse:
    """Every decision record, by number; sortable, filtered by status and tag, as CSV."""
    return _decision_rows(request, csv_filename=None)


def decisions_csv(request: HttpRequest) -> HttpResponse:
    """The decisions of the list page (same filters and order) as a CSV download."""
    return _decision_rows(request, csv_filename="decisions.csv")


def _decision_rows(request: HttpRequest, *, csv_filename: str | None) -> HttpResponse:
    return list_response(
        request,
        rows=selectors.decision_list(actor=request.user),
        table=DecisionTable,
        filters=DecisionFilterSet,
        template="architecture/decisions.html",
        context={"may_draft": rules.may_draft(request.user)},
        csv_url=reverse("architecture:decisions_csv"),
        csv_filename=csv_filename,
    )


def _decision(request: HttpRequest, number: int) -> Decision:
    decision = selectors.decision_get(actor=request.user, number=number)
    if decision is None:
        raise Http404("no such decision")
    return decision


def decision_detail(request: HttpRequest, number: int) -> HttpResponse:
    """One decision: its metadata, the rendered body and the supersede chain."""
    decision = _decision(request, number)
    context = {
        "decision": decision,
        "body_html": render_markdown(decision.body),
        "chain": selectors.supersede_chain(decision),
        "links": decision.links.select_related("technology", "component"),
        "initiatives": selectors.decision_initiative_keys(decision),
        "may_edit": rules.may_edit(request.user, decision),
    }
    return render(request, "architecture/decision_detail.html", context)


def _done(decision: Decision) -> str:
    return reverse("architecture:decision_detail", args=[decision.number])


def decision_create(request: HttpRequest) -> HttpResponse:
    """Draft a new decision (Steward gives it the next number)."""
    require(rules.may_draft(request.user))
    form = forms.DecisionForm(request.POST or None, actor=request.user)
    return form_page(
        request,
        form,
        title="New decision",
        back=reverse("architecture:decisions"),
        done=_done,
        intro="A new decision starts as a draft; architects and the CTO accept or reject it.",
    )


def decision_edit(request: HttpRequest, number: int) -> HttpResponse:
    """Edit a decision and move it along the workflow."""
    decision = _decision(request, number)
    require(rules.may_edit(request.user, decision))
    form = forms.DecisionForm(request.POST or None, actor=request.user, instance=decision)
    return form_page(
        request,
        form,
        title=f"Edit ADR-{decision.number:04d}",
        back=_done(decision),
        done=_done,
    )


def decision_preview(request: HttpRequest) -> HttpResponse:
    """POST `body` (Markdown) -> the rendered, sanitized HTML (the form's live preview)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require(rules.may_draft(request.user))
    return HttpResponse(render_markdown(request.POST.get("body", "")))


# --------------------------------------------------------------------------- the tech radar


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _tech_url(blip: Any) -> str:
    return reverse("architecture:technology", args=[blip.technology.key])


def radar(request: HttpRequest) -> HttpResponse:
    """The radar as it stood on `?date=` (default today): the SVG and the table beside it;
    `?from=` adds what changed between that day and the radar's day."""
    today = timezone.localdate()
    day = _day(request.GET.get("date"), today)
    blips = selectors.radar_on(actor=request.user, day=day)
    quadrants, rings = selectors.quadrants(), selectors.rings()
    svg = radar_svg(
        quadrants, rings, blips, url=_tech_url, title=f"Technology radar on {day.isoformat()}"
    )
    since = _day(request.GET.get("from"), day) if request.GET.get("from") else None
    changes = selectors.radar_diff(actor=request.user, start=since, end=day) if since else []
    numbered = list(enumerate(blips, start=1))
    context = {
        "day": day,
        "today": today,
        "since": since,
        "svg": mark_safe(svg),
        "table": [
            {"quadrant": q, "rows": [(n, b) for n, b in numbered if b.quadrant.pk == q.pk]}
            for q in quadrants
        ],
        "changes": changes,
        "count": len(blips),
        "may_edit": rules.may_edit_radar(request.user),
    }
    return render(request, "architecture/radar.html", context)


def radar_svg_file(request: HttpRequest) -> HttpResponse:
    """The radar on `?date=` as a standalone SVG file (to print or embed)."""
    day = _day(request.GET.get("date"), timezone.localdate())
    blips = selectors.radar_on(actor=request.user, day=day)
    svg = radar_svg(
        selectors.quadrants(),
        selectors.rings(),
        blips,
        url=lambda b: request.build_absolute_uri(_tech_url(b)),
        title=f"Technology radar on {day.isoformat()}",
    )
    return HttpResponse(svg, content_type="image/svg+xml")


def _technology(request: HttpRequest, key: str) -> Technology:
    tech = selectors.technology_get(actor=request.user, key=key)
    if tech is None:
        raise Http404("no such technology")
    return tech


def technology(request: HttpRequest, key: str) -> HttpResponse:
    """One technology: its timeline with reasons, where it is used, the decisions naming it."""
    tech = _technology(request, key)
    context = {
        "technology": tech,
        "description_html": render_markdown(tech.description),
        "timeline": selectors.technology_timeline(tech),
        "uses": selectors.technology_uses(tech, actor=request.user),
        "decisions": selectors.linked_decisions(technology=tech),
        "may_edit": rules.may_edit_radar(request.user),
    }
    return render(request, "architecture/technology.html", context)


def technology_create(request: HttpRequest) -> HttpResponse:
    """Put a new technology on the radar."""
    require(rules.may_edit_radar(request.user))
    form = forms.TechnologyForm(
        request.POST or None, actor=request.user, today=timezone.localdate()
    )
    return form_page(
        request,
        form,
        title="New technology",
        back=reverse("architecture:radar"),
        done=lambda t: reverse("architecture:technology", args=[t.key]),
        intro="The ring and date start its timeline; later moves are recorded with their reason.",
    )


def technology_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Rename a technology, change its quadrant, description or aliases."""
    tech = _technology(request, key)
    require(rules.may_edit_radar(request.user))
    form = forms.TechnologyForm(request.POST or None, actor=request.user, instance=tech)
    back = reverse("architecture:technology", args=[tech.key])
    return form_page(request, form, title=f"Edit {tech.name}", back=back, done=lambda t: back)


def technology_move(request: HttpRequest, key: str) -> HttpResponse:
    """Move a blip to another ring, or off the radar, from a date on."""
    tech = _technology(request, key)
    require(rules.may_edit_radar(request.user))
    form = forms.BlipMoveForm(
        request.POST or None,
        actor=request.user,
        instance=tech,
        initial={"date": timezone.localdate()},
    )
    back = reverse("architecture:technology", args=[tech.key])
    return form_page(
        request,
        form,
        title=f"Move {tech.name}",
        back=back,
        done=lambda t: back,
        intro="The move is added to its timeline; the radar on earlier dates stays as it was.",
    )


def radar_usage(request: HttpRequest) -> HttpResponse:
    """Technologies in the code: Hold technologies still used, Adopt technologies unused, and
    what each repository declares (from its manifests at HEAD)."""
    today = timezone.localdate()
    flags = selectors.detection_flags(actor=request.user, day=today)
    detected = selectors.detections(actor=request.user)
    by_repository = selectors.technologies_by_repository(actor=request.user)
    context = {
        **flags,
        "by_repository": [
            (repo, techs, detected.get(repo)) for repo, techs in sorted(by_repository.items())
        ],
        "may_edit": rules.may_edit_radar(request.user),
    }
    return render(request, "architecture/radar_usage.html", context)


# --------------------------------------------------------------------------- service catalog


def catalog(request: HttpRequest) -> HttpResponse:
    """The catalog: every entity with owner, tier, lifecycle, repository and its flags;
    `?team=` and `?kind=` filter."""
    today = timezone.localdate()
    team = request.GET.get("team") or None
    kind = request.GET.get("kind") or None
    if kind not in (None, *COMPONENT_KINDS):
        kind = None
    components = list(selectors.component_list(actor=request.user, team=team, kind=kind))
    trucks = selectors.component_truck_factors(components, actor=request.user)
    rows = [
        (c, selectors.component_flags(c, today, trucks.get(c.pk)), trucks.get(c.pk))
        for c in components
    ]
    context = {
        "rows": rows,
        "flagged": sum(1 for _c, f, _t in rows if f),
        "truck_one": sum(1 for _c, _f, t in rows if t and t["truck_factor"] == 1),
        "kinds": COMPONENT_KINDS,
        "kind": kind or "",
        "team": team or "",
        "may_create": rules.may_create_owned(request.user),
    }
    return render(request, "architecture/catalog.html", context)


def _component(request: HttpRequest, kind: str, namespace: str, name: str) -> Component:
    component = selectors.component_get(
        actor=request.user, kind=kind, namespace=namespace, name=name
    )
    if component is None:
        raise Http404("no such component")
    return component


def _component_url(component: Component) -> str:
    return reverse(
        "architecture:component",
        args=[component.kind, component.namespace, component.name],
    )


def component(request: HttpRequest, kind: str, namespace: str, name: str) -> HttpResponse:
    """One entity: its facts, flags, dependencies both ways, technologies and debt."""
    found = _component(request, kind, namespace, name)
    repo_techs = selectors.technologies_by_repository(actor=request.user)
    truck = selectors.component_truck_factors([found], actor=request.user).get(found.pk)
    context = {
        "component": found,
        "flags": selectors.component_flags(found, timezone.localdate(), truck),
        "truck": truck,
        "dependents": found.dependents.order_by("name"),
        "parts": found.parts.order_by("name"),
        "technologies": repo_techs.get(found.repository.name, []) if found.repository else [],
        "detected": (
            selectors.detections(actor=request.user).get(found.repository.name)
            if found.repository
            else None
        ),
        "debt": selectors.debt_ranked(actor=request.user, component=found),
        "decisions": selectors.linked_decisions(component=found),
        "may_edit": rules.may_edit_owned(request.user, found),
    }
    return render(request, "architecture/component.html", context)


def component_create(request: HttpRequest) -> HttpResponse:
    """Add a component, system, API, resource or domain to the catalog."""
    require(rules.may_create_owned(request.user))
    form = forms.ComponentForm(request.POST or None, actor=request.user)
    return form_page(
        request,
        form,
        title="New catalog entry",
        back=reverse("architecture:catalog"),
        done=_component_url,
        intro="Team leads add their own team's services; architects and the CTO any.",
    )


def component_edit(request: HttpRequest, kind: str, namespace: str, name: str) -> HttpResponse:
    """Edit one catalog entity."""
    found = _component(request, kind, namespace, name)
    require(rules.may_edit_owned(request.user, found))
    form = forms.ComponentForm(request.POST or None, actor=request.user, instance=found)
    return form_page(
        request, form, title=f"Edit {found}", back=_component_url(found), done=_component_url
    )


# --------------------------------------------------------------------------- tech-debt register


def debt(request: HttpRequest) -> HttpResponse:
    """The debt register ranked by WSJF; `?status=` filters."""
    status = request.GET.get("status") or None
    if status not in (None, *DEBT_STATUSES):
        status = None
    ranked = selectors.debt_ranked(actor=request.user, status=status)
    interest = sum((r.item.interest or 0 for r in ranked if r.item.status != "done"), Decimal(0))
    context = {
        "ranked": ranked,
        "statuses": DEBT_STATUSES,
        "status": status or "",
        "open_interest": interest,
        "may_create": rules.may_create_owned(request.user),
    }
    return render(request, "architecture/debt.html", context)


def _debt(request: HttpRequest, pk: int) -> Any:
    item = selectors.debt_get(actor=request.user, pk=pk)
    if item is None:
        raise Http404("no such debt item")
    return item


def debt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One debt item: its WSJF worked out, affected services, decisions, the initiative."""
    item = _debt(request, pk)
    ranked = next(r for r in selectors.debt_ranked(actor=request.user) if r.item.pk == item.pk)
    context = {
        "r": ranked,
        "item": item,
        "may_edit": rules.may_edit_owned(request.user, item),
        "may_convert": policy.may_change_strategy(request.user) and not item.initiative_key,
    }
    return render(request, "architecture/debt_detail.html", context)


def debt_create(request: HttpRequest) -> HttpResponse:
    """File a tech-debt item."""
    require(rules.may_create_owned(request.user))
    form = forms.DebtForm(request.POST or None, actor=request.user)
    return form_page(
        request,
        form,
        title="New tech-debt item",
        back=reverse("architecture:debt"),
        done=lambda i: reverse("architecture:debt_detail", args=[i.pk]),
        intro="WSJF = (business value + time criticality + risk reduction) ÷ job size.",
    )


def debt_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a tech-debt item."""
    item = _debt(request, pk)
    require(rules.may_edit_owned(request.user, item))
    form = forms.DebtForm(request.POST or None, actor=request.user, instance=item)
    back = reverse("architecture:debt_detail", args=[item.pk])
    return form_page(request, form, title=f"Edit {item.title}", back=back, done=lambda i: back)


def radar_setup(request: HttpRequest) -> HttpResponse:
    """The radar's quadrants and rings (architects and the CTO change them)."""
    context = {
        "quadrants": selectors.quadrants(),
        "rings": selectors.rings(),
        "may_edit": rules.may_edit_radar(request.user),
    }
    return render(request, "architecture/radar_setup.html", context)


def _setup_page(request: HttpRequest, form: Any, title: str) -> HttpResponse:
    require(rules.may_edit_radar(request.user))
    back = reverse("architecture:radar_setup")
    return form_page(request, form, title=title, back=back, done=lambda _obj: back)


def quadrant_create(request: HttpRequest) -> HttpResponse:
    """Add a quadrant."""
    form = forms.QuadrantForm(request.POST or None, actor=request.user)
    return _setup_page(request, form, "New quadrant")


def quadrant_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Rename or reorder a quadrant."""
    found = next((q for q in selectors.quadrants() if q.key == key), None)
    if found is None:
        raise Http404("no such quadrant")
    form = forms.QuadrantForm(request.POST or None, actor=request.user, instance=found)
    return _setup_page(request, form, f"Edit quadrant {found.name}")


def ring_create(request: HttpRequest) -> HttpResponse:
    """Add a ring."""
    form = forms.RingForm(request.POST or None, actor=request.user)
    return _setup_page(request, form, "New ring")


def ring_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Rename, recolour or reorder a ring."""
    found = next((r for r in selectors.rings() if r.key == key), None)
    if found is None:
        raise Http404("no such ring")
    form = forms.RingForm(request.POST or None, actor=request.user, instance=found)
    return _setup_page(request, form, f"Edit ring {found.name}")


def _posted(request: HttpRequest) -> Any:
    """The POST data, even when empty (a form whose only field is optional is still bound)."""
    return request.POST if request.method == "POST" else None


def _delete_setup_page(
    request: HttpRequest, form: Any, *, what: str, held: list[str], moved_noun: str
) -> HttpResponse:
    """The confirmation page of a quadrant or ring deletion: what it holds, where it goes."""
    require(rules.may_edit_radar(request.user))
    back = reverse("architecture:radar_setup")
    if request.method == "POST":
        moved = form.submit()
        if moved is not None:
            target = form.cleaned_data.get("move_to")
            note = f" ({moved:,} {moved_noun} now in {target.name})" if moved and target else ""
            messages.success(request, f"Deleted {what}{note}.")
            return redirect(back)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "what": what, "held": held, "back": back}
    return render(request, "architecture/radar_delete.html", context, status=status)


def quadrant_delete(request: HttpRequest, key: str) -> HttpResponse:
    """Delete a quadrant, moving its technologies to another one (refused without one)."""
    found = next((q for q in selectors.quadrants() if q.key == key), None)
    if found is None:
        raise Http404("no such quadrant")
    held = [t.name for t in found.technologies.order_by("name")]
    form = forms.QuadrantDeleteForm(_posted(request), actor=request.user, instance=found)
    return _delete_setup_page(
        request, form, what=f"quadrant {found.name}", held=held, moved_noun="technologies"
    )


def ring_delete(request: HttpRequest, key: str) -> HttpResponse:
    """Delete a ring, putting every blip event in it into another ring (refused without one)."""
    found = next((r for r in selectors.rings() if r.key == key), None)
    if found is None:
        raise Http404("no such ring")
    held = selectors.ring_technologies(found)
    form = forms.RingDeleteForm(_posted(request), actor=request.user, instance=found)
    return _delete_setup_page(
        request, form, what=f"ring {found.name}", held=held, moved_noun="timeline events"
    )
