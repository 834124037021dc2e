"""The home page (what needs attention, with the evidence), reports, snapshots and the vision."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from steward.cockpit import reports, selectors, services
from steward.core import policy
from steward.core.errors import BadInput
from steward.core.navigation import visible_areas

SNOOZE_DAYS = {"week": 7, "month": 30}


def home(request: HttpRequest) -> HttpResponse:
    """What needs attention (ranked findings), key figures and the areas the user may open."""
    roles = policy.roles_of(request.user)
    today = date.today()
    found = selectors.findings_for(actor=request.user, on=today) if roles else None
    # A stale run (another day, or an audited write such as an import since) is still shown;
    # a refresh is queued for the worker, once.
    refreshing = bool(roles) and selectors.run_is_stale(found["run"] if found else None, today)
    if refreshing:
        from steward.cockpit.tasks import refresh_findings_requested

        refresh_findings_requested()
    context = {
        "areas": visible_areas(request.user),
        "roles": roles,
        "org": selectors.org_summary(actor=request.user, on=today) if roles else None,
        "findings": found,
        "refreshing": refreshing,
        "may_report": bool(roles & policy.REPORT_READER_ROLES),
    }
    return render(request, "cockpit/home.html", context)


@require_POST
def finding_set_aside(request: HttpRequest) -> HttpResponse:
    """Dismiss a finding (until its figure changes) or snooze it for a week or a month."""
    identity = request.POST.get("identity", "")
    fingerprint = request.POST.get("fingerprint", "")
    how = request.POST.get("how", "dismiss")
    if not identity or (how != "dismiss" and how not in SNOOZE_DAYS):
        messages.error(request, "Choose a finding, and dismiss or snooze it for a week or a month.")
        return redirect("home")
    until = date.today() + timedelta(days=SNOOZE_DAYS[how]) if how in SNOOZE_DAYS else None
    try:
        services.finding_set_aside(
            actor=request.user, identity=identity, fingerprint=fingerprint, until=until
        )
    except BadInput as exc:
        messages.error(request, str(exc))
    return redirect("home")


@require_POST
def finding_restore(request: HttpRequest) -> HttpResponse:
    """Show a dismissed or snoozed finding again."""
    services.finding_restore(actor=request.user, identity=request.POST.get("identity", ""))
    return redirect("home")


def _require_reader(request: HttpRequest) -> None:
    if not policy.roles_of(request.user) & policy.REPORT_READER_ROLES:
        raise PermissionDenied("reports are for the CTO and the executives")


def report_index(request: HttpRequest) -> HttpResponse:
    """The reports that can be generated: the board report per quarter, the brief per month."""
    _require_reader(request)
    return render(
        request,
        "cockpit/report_index.html",
        {
            "quarters": reports.recent_quarters(date.today()),
            "months": reports.recent_months(date.today()),
            "snapshots": selectors.snapshot_list(),
            "may_write": policy.may_write_reports(request.user),
        },
    )


def _period(kind: str, period: str) -> reports.ReportPeriod:
    try:
        return reports.parse_period(kind, period)
    except BadInput as exc:
        raise Http404(str(exc)) from exc


def report_view(request: HttpRequest, kind: str, period: str) -> HttpResponse:
    """A report in the browser, with the CTO's commentary per section (editable by the CTO)."""
    _require_reader(request)
    built = reports.build(request.user, _period(kind, period))
    return render(
        request,
        "cockpit/report_page.html",
        {"report": built, "may_write": policy.may_write_reports(request.user)},
    )


def report_pdf(request: HttpRequest, kind: str, period: str) -> HttpResponse:
    """The same report as a PDF download (WeasyPrint)."""
    _require_reader(request)
    built = reports.build(request.user, _period(kind, period))
    response = HttpResponse(reports.pdf(built), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{built["filename"]}.pdf"'
    return response


@require_POST
def report_note(request: HttpRequest, kind: str, period: str) -> HttpResponse:
    """Keep the CTO's commentary on one section of a report."""
    report_period = _period(kind, period)
    section = request.POST.get("section", "")
    try:
        services.report_note_save(
            actor=request.user,
            kind=kind,
            period=reports.code_of(report_period),
            section=section,
            text=request.POST.get("text", ""),
        )
    except BadInput as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Commentary saved with the report.")
    return redirect(f"{request.path.rsplit('/notes/', 1)[0]}/#section-{section}")


@require_POST
def snapshot_take(request: HttpRequest) -> HttpResponse:
    """Freeze the key figures of a quarter now (on demand)."""
    _require_reader(request)
    try:
        quarter = reports.parse_period("board", request.POST.get("quarter", ""))
        reports.snapshot(request.user, quarter, reason="on demand")
    except BadInput as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Snapshot of {quarter.label} taken.")
    return redirect("cockpit:reports")


def vision(request: HttpRequest) -> HttpResponse:
    """The technology vision, with the objectives and decisions it stands on."""
    if not policy.roles_of(request.user):
        raise PermissionDenied("no role")
    return render(
        request,
        "cockpit/vision.html",
        {"vision": selectors.vision(), "may_write": policy.may_write_reports(request.user)},
    )


def vision_edit(request: HttpRequest) -> HttpResponse:
    """Edit the technology vision (Markdown) and pick the objectives and decisions it links."""
    if not policy.may_write_reports(request.user):
        raise PermissionDenied("only the CTO edits the technology vision")
    choices = selectors.vision_choices()
    if request.method == "POST":
        services.vision_save(
            actor=request.user,
            text=request.POST.get("text", ""),
            objective_ids=[int(v) for v in request.POST.getlist("objectives") if v.isdigit()],
            decision_ids=[int(v) for v in request.POST.getlist("decisions") if v.isdigit()],
        )
        messages.success(request, "Technology vision saved.")
        return redirect("cockpit:vision")
    return render(
        request, "cockpit/vision_edit.html", {"vision": selectors.vision(), "choices": choices}
    )
