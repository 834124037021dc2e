"""Editing capacity allocations and the headcount plan in the browser (issue 9).

The pages are for the org editors (policy.may_change_org); others get 403. The forms call the
services, which check the policy again and are audited (auditlog tracks these models).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from steward.core import labels, policy
from steward.core.deletion import deletion_summary
from steward.core.editing import delete_page, form_page, require
from steward.orgdesign import services as design
from steward.orgdesign.forms import AllocationForm, PlanEntryForm
from steward.orgdesign.models import HeadcountPlanEntry, TeamAllocation


def _editor(request: HttpRequest) -> None:
    require(policy.may_change_org(request.user))


def _allocation_name(allocation: TeamAllocation) -> str:
    quarter = allocation.quarter or "every quarter"
    kind = labels.label(allocation.kind, "allocation")
    return f"{allocation.team.name}: {kind}, {quarter}"


def allocation_create(request: HttpRequest) -> HttpResponse:
    """Set a share of a team's capacity aside."""
    _editor(request)
    initial = {"team": request.GET.get("team", "")}
    form = AllocationForm(request.POST or None, actor=request.user, initial=initial)
    back = reverse("orgdesign:capacity")
    return form_page(request, form, title="Add an allocation", back=back, done=lambda _row: back)


def allocation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an allocation's share and note."""
    _editor(request)
    allocation = get_object_or_404(TeamAllocation.objects.select_related("team"), pk=pk)
    form = AllocationForm(request.POST or None, actor=request.user, instance=allocation)
    back = reverse("orgdesign:capacity")
    return form_page(
        request,
        form,
        title=f"Edit the allocation {_allocation_name(allocation)}",
        back=back,
        done=lambda _row: back,
    )


def allocation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an allocation after confirmation."""
    _editor(request)
    allocation = get_object_or_404(TeamAllocation.objects.select_related("team"), pk=pk)
    back = reverse("orgdesign:capacity")
    return delete_page(
        request,
        what=f"the allocation {_allocation_name(allocation)}",
        summary=deletion_summary(allocation),
        back=back,
        done=back,
        delete=lambda: design.allocation_delete(actor=request.user, allocation=allocation),  # type: ignore[arg-type]
    )


def _plan_entry(request: HttpRequest, key: str) -> HeadcountPlanEntry:
    entry = (
        HeadcountPlanEntry.objects.select_related("team", "replaces", "manager")
        .filter(key=key)
        .first()
    )
    if entry is None:
        raise Http404("no such plan entry")
    return entry


def plan_entry_create(request: HttpRequest) -> HttpResponse:
    """Add a planned hire or backfill."""
    _editor(request)
    initial = {"team": request.GET.get("team", ""), "fte": 1}
    form = PlanEntryForm(request.POST or None, actor=request.user, initial=initial)
    back = reverse("orgdesign:headcount_plan")
    return form_page(request, form, title="Add a planned hire", back=back, done=lambda _entry: back)


def plan_entry_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Change a plan entry, its status included."""
    _editor(request)
    entry = _plan_entry(request, key)
    form = PlanEntryForm(request.POST or None, actor=request.user, instance=entry)
    back = reverse("orgdesign:headcount_plan")
    return form_page(
        request, form, title=f"Edit the planned hire {entry.key}", back=back, done=lambda _e: back
    )


def plan_entry_delete(request: HttpRequest, key: str) -> HttpResponse:
    """Remove a plan entry after confirmation (cancelling keeps it in the plan's history)."""
    _editor(request)
    entry = _plan_entry(request, key)
    back = reverse("orgdesign:headcount_plan")
    return delete_page(
        request,
        what=f"the planned hire {entry.key}",
        summary=deletion_summary(entry),
        back=back,
        done=back,
        delete=lambda: design.plan_entry_delete(actor=request.user, entry=entry),  # type: ignore[arg-type]
    )
