"""Decision pages: the list (filter by status and tag), one decision, create and edit."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse

from steward.architecture import forms, rules, selectors
from steward.architecture.adr_format import STATUSES
from steward.architecture.models import Decision
from steward.core.editing import form_page, require
from steward.core.markdown_html import render_markdown


def decisions(request: HttpRequest) -> HttpResponse:
    """Every decision record, newest number last; `?status=` and `?tag=` filter."""
    status = request.GET.get("status") or None
    if status not in (None, *STATUSES):
        status = None
    tag = request.GET.get("tag") or None
    rows = selectors.decision_list(actor=request.user, status=status, tag=tag)
    context = {
        "decisions": rows,
        "statuses": STATUSES,
        "tags": selectors.all_tags(actor=request.user),
        "status": status or "",
        "tag": tag or "",
        "may_draft": rules.may_draft(request.user),
    }
    return render(request, "architecture/decisions.html", context)


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
