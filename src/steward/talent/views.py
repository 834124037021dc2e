"""Hiring pages ("People & team"): the hiring plan, requisitions with their board, candidates,
interviews, the funnel, diversity aggregates and the employer brand.

Who sees what is `talent.rules` (registered with the policy): a page for people who may not
use it is 403; a row they may not see is 404.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from steward.core import policy
from steward.core.editing import form_page, require
from steward.core.errors import BadInput
from steward.core.markdown_html import render_markdown
from steward.core.periods import parse_period
from steward.core.tables import list_response
from steward.talent import forms, jobposts, rules, selectors, services
from steward.talent.filtersets import CandidateFilterSet, RequisitionFilterSet
from steward.talent.models import (
    Application,
    Candidate,
    Offer,
    Requisition,
    RequisitionStatus,
    Scorecard,
)
from steward.talent.tables import CandidateTable, RequisitionTable


def _post_only(request: HttpRequest) -> None:
    if request.method != "POST":
        raise Http404("POST only")


def _req(request: HttpRequest, key: str) -> Requisition:
    require(rules.may_see_hiring(request.user))
    req = selectors.requisition_get(actor=request.user, key=key)
    if req is None:
        raise Http404("no such requisition")
    return req


def _app(request: HttpRequest, pk: int) -> Application:
    require(rules.may_see_candidates(request.user))
    app = selectors.application_get(actor=request.user, pk=pk)
    if app is None:
        raise Http404("no such application")
    return app


def _candidate(request: HttpRequest, pk: int) -> Candidate:
    require(rules.may_see_candidates(request.user))
    cand = selectors.candidate_get(actor=request.user, pk=pk)
    if cand is None:
        raise Http404("no such candidate")
    return cand


def _period(request: HttpRequest) -> tuple[date, date]:
    try:
        return parse_period(request.GET.get("from"), request.GET.get("to"), default_days=365)
    except BadInput:
        return parse_period(None, None, default_days=365)


# --- plan and requisitions ------------------------------------------------------------------


def plan(request: HttpRequest) -> HttpResponse:
    """The hiring plan: openings per quarter and team against filled and expected hires, and
    the requisitions (sortable, filtered by team, hiring manager and status, as CSV)."""
    require(rules.may_see_hiring(request.user))
    data = selectors.hiring_plan(actor=request.user)
    context = {
        "data": data,
        "may_recruit": rules.may_recruit(request.user),
        "may_see_money": rules.may_see_money(request.user),
    }
    return _requisition_rows(request, context=context, behind=data["behind"])


def requisitions_csv(request: HttpRequest) -> HttpResponse:
    """The requisitions of the plan page (same filters and order) as a CSV download."""
    require(rules.may_see_hiring(request.user))
    return _requisition_rows(request, csv_filename="requisitions.csv")


def _requisition_rows(
    request: HttpRequest,
    *,
    context: dict[str, Any] | None = None,
    behind: set[str] | frozenset[str] = frozenset(),
    csv_filename: str | None = None,
) -> HttpResponse:
    rows = selectors.requisition_list(actor=request.user).exclude(
        status=RequisitionStatus.CANCELLED
    )
    return list_response(
        request,
        rows=rows,
        table=RequisitionTable,
        filters=RequisitionFilterSet,
        template="talent/plan.html",
        context=context,
        csv_url=reverse("talent:requisitions_csv"),
        csv_filename=csv_filename,
        table_kwargs={"behind": behind},
    )


def plan_generate(request: HttpRequest) -> HttpResponse:
    """POST: one planned requisition per new headcount plan entry."""
    _post_only(request)
    require(rules.may_recruit(request.user))
    made = services.hiring_plan_generate(actor=request.user)
    messages.success(request, f"{len(made)} requisitions added from the headcount plan.")
    return redirect("talent:plan")


def _done(req: Requisition) -> str:
    return reverse("talent:requisition_detail", args=[req.key])


def requisition_create(request: HttpRequest) -> HttpResponse:
    """A new requisition (planned until the CTO approves it and it is opened)."""
    require(rules.may_recruit(request.user))
    initial = {k: request.GET[k] for k in ("title", "level") if k in request.GET}
    form = forms.RequisitionForm(request.POST or None, actor=request.user, initial=initial)
    return form_page(
        request, form, title="New requisition", back=reverse("talent:plan"), done=_done
    )


def requisition_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Edit a requisition."""
    req = _req(request, key)
    require(rules.may_recruit(request.user))
    form = forms.RequisitionForm(request.POST or None, actor=request.user, instance=req)
    return form_page(request, form, title=f"Edit {req.key}", back=_done(req), done=_done)


def requisition_detail(request: HttpRequest, key: str) -> HttpResponse:
    """A requisition: its facts, approvals, status, and the pipeline's counts."""
    req = _req(request, key)
    expected = selectors.expected_by_requisition(actor=request.user).get(req.key, 0.0)
    counts = {s: 0 for s in req.pipeline}
    for stage in req.applications.filter(outcome="open").values_list("stage", flat=True):
        counts[stage] = counts.get(stage, 0) + 1
    context = {
        "req": req,
        "approvals": req.approvals.select_related("approver"),
        "approved": services.is_approved(req),
        "moves": services.REQUISITION_MOVES.get(req.status, ()),
        "expected": expected,
        "counts": counts,
        "hired": req.applications.filter(outcome="hired").count(),
        "may_recruit": rules.may_recruit(request.user),
        "may_approve": rules.may_approve(request.user),
        "may_see_money": rules.may_see_money(request.user),
        "may_see_candidates": rules.may_see_candidates(request.user),
        "kit": selectors.kit_for(req),
    }
    return render(request, "talent/requisition_detail.html", context)


def requisition_approve(request: HttpRequest, key: str) -> HttpResponse:
    """POST: the acting user approves (or refuses, `approved=no`) the requisition."""
    _post_only(request)
    req = _req(request, key)
    require(rules.may_approve(request.user))
    services.approval_record(
        actor=request.user,
        requisition=req,
        approved=request.POST.get("approved", "yes") != "no",
        note=request.POST.get("note", ""),
    )
    return redirect(_done(req))


def requisition_status(request: HttpRequest, key: str) -> HttpResponse:
    """POST: move the requisition to another status."""
    _post_only(request)
    req = _req(request, key)
    require(rules.may_recruit(request.user))
    try:
        services.requisition_move(
            actor=request.user, requisition=req, status=request.POST.get("status", "")
        )
    except services.TalentError as exc:
        messages.error(request, str(exc))
    return redirect(_done(req))


def board(request: HttpRequest, key: str) -> HttpResponse:
    """The kanban board of a requisition: a column per stage; move or close with a form."""
    req = _req(request, key)
    require(rules.may_see_candidates(request.user))
    context = {"req": req, "board": selectors.board(actor=request.user, requisition=req)}
    return render(request, "talent/board.html", context)


def job_post(request: HttpRequest, key: str) -> HttpResponse:
    """The job post of a requisition, rendered from its role description (HTML)."""
    req = _req(request, key)
    text = jobposts.job_post_markdown(req)
    return render(request, "talent/job_post.html", {"req": req, "html": render_markdown(text)})


def job_post_markdown(request: HttpRequest, key: str) -> HttpResponse:
    """The job post as Markdown (the seed's role-description format)."""
    req = _req(request, key)
    response = HttpResponse(jobposts.job_post_markdown(req), content_type="text/markdown")
    response["Content-Disposition"] = f'inline; filename="{req.key}.md"'
    return response


# --- applications ---------------------------------------------------------------------------


def _back_to_board(app: Application) -> str:
    return reverse("talent:board", args=[app.requisition.key])


def application_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an application to a later stage (GET: the form; POST: append the move)."""
    app = _app(request, pk)
    form = forms.MoveForm(request.POST or None, actor=request.user, instance=app)
    return form_page(
        request,
        form,
        title=f"Move {app.candidate.name}",
        back=_back_to_board(app),
        done=_back_to_board,
        intro=f"Stages: {' → '.join(app.requisition.pipeline)}. Now in {app.stage}.",
    )


def application_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close an application: hired, rejected with a reason, or withdrew."""
    app = _app(request, pk)
    form = forms.CloseForm(request.POST or None, actor=request.user, instance=app)
    return form_page(
        request,
        form,
        title=f"Close {app.candidate.name}'s application",
        back=_back_to_board(app),
        done=_back_to_board,
    )


def offer_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of the application's offer."""
    app = _app(request, pk)
    require(rules.may_recruit(request.user))
    form = forms.OfferForm(request.POST or None, actor=request.user, instance=app)
    return form_page(
        request,
        form,
        title=f"Offer to {app.candidate.name}",
        back=reverse("talent:candidate_detail", args=[app.candidate_id]),
        done=lambda offer: reverse("talent:candidate_detail", args=[app.candidate_id]),
    )


def offer_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: the latest offer version is accepted, declined or withdrawn."""
    _post_only(request)
    require(rules.may_recruit(request.user))
    offer = (
        policy.visible(request.user, "talent.offer")
        .filter(pk=pk)
        .select_related("application")
        .first()
    )
    if not isinstance(offer, Offer):
        raise Http404("no such offer")
    try:
        services.offer_resolve(
            actor=request.user, offer=offer, status=request.POST.get("status", "")
        )
    except services.TalentError as exc:
        messages.error(request, str(exc))
    return redirect("talent:candidate_detail", offer.application.candidate_id)


# --- candidates -----------------------------------------------------------------------------


def candidates(request: HttpRequest) -> HttpResponse:
    """Candidates the user may see (recruiting: all; a hiring manager: their requisitions'),
    sortable, filtered by name or email and by requisition, with their CSV."""
    require(rules.may_see_candidates(request.user))
    context = {"may_recruit": rules.may_recruit(request.user)}
    return _candidate_rows(request, context=context)


def candidates_csv(request: HttpRequest) -> HttpResponse:
    """The candidates of the list (same filters and order) as CSV; each candidate written is
    audited as an access (candidate data)."""
    require(rules.may_see_candidates(request.user))
    return _candidate_rows(request, csv_filename="candidates.csv")


def _candidate_rows(
    request: HttpRequest,
    *,
    context: dict[str, Any] | None = None,
    csv_filename: str | None = None,
) -> HttpResponse:
    return list_response(
        request,
        rows=selectors.candidate_list(actor=request.user),
        table=CandidateTable,
        filters=CandidateFilterSet,
        template="talent/candidates.html",
        context=context,
        csv_url=reverse("talent:candidates_csv"),
        csv_filename=csv_filename,
    )


def candidate_create(request: HttpRequest) -> HttpResponse:
    """A new candidate."""
    require(rules.may_recruit(request.user))
    form = forms.CandidateForm(request.POST or None, actor=request.user)
    return form_page(
        request,
        form,
        title="New candidate",
        back=reverse("talent:candidates"),
        done=lambda c: reverse("talent:candidate_detail", args=[c.pk]),
    )


def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A candidate: applications with their stage history, offers and the debrief. Every
    opening of this page is written to the audit log."""
    cand = _candidate(request, pk)
    services.candidate_accessed(actor=request.user, candidate=cand)
    apps = []
    for app in selectors.application_list(actor=request.user).filter(candidate=cand):
        apps.append(
            {
                "app": app,
                "moves": app.moves.order_by("position"),
                "offers": app.offers.order_by("version"),
                "debrief": selectors.debrief(actor=request.user, application=app),
            }
        )
    context = {
        "cand": cand,
        "apps": apps,
        "may_recruit": rules.may_recruit(request.user),
        "may_see_money": rules.may_see_money(request.user),
    }
    return render(request, "talent/candidate_detail.html", context)


def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate applies to a requisition."""
    cand = _candidate(request, pk)
    require(rules.may_recruit(request.user))
    form = forms.ApplicationForm(request.POST or None, actor=request.user, instance=cand)
    return form_page(
        request,
        form,
        title=f"Application of {cand.name}",
        back=reverse("talent:candidate_detail", args=[cand.pk]),
        done=lambda app: reverse("talent:candidate_detail", args=[cand.pk]),
    )


def candidate_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """Erase the candidate's personal data (an anonymous stub keeps the funnel counts)."""
    cand = _candidate(request, pk)
    require(rules.may_recruit(request.user))
    if request.method == "POST":
        services.candidate_erase(actor=request.user, candidate=cand)
        messages.success(request, "The candidate's personal data was erased.")
        return redirect("talent:candidates")
    return render(request, "talent/candidate_erase.html", {"cand": cand})


def scorecard_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The interviewer's own scorecard (only they may submit it)."""
    require(rules.may_see_candidates(request.user))
    card = (
        Scorecard.objects.filter(pk=pk, interviewer_id=request.user.pk)
        .select_related("application", "application__candidate", "kit")
        .first()
    )
    if card is None:
        raise Http404("no such scorecard of yours")
    form = forms.ScorecardForm(request.POST or None, actor=request.user, instance=card)
    back = reverse("talent:candidate_detail", args=[card.application.candidate_id])
    return form_page(
        request,
        form,
        title=f"Scorecard: {card.interview}",
        back=back,
        done=lambda c: back,
        intro="Rate each attribute you assessed and write the evidence for every rating. "
        "You see the other interviewers' scorecards after you submit yours.",
    )


# --- figures --------------------------------------------------------------------------------


def _funnel_scope(request: HttpRequest) -> dict[str, Any]:
    """`?from=&to=&team=&requisition=` of the funnel pages (team by slug, requisition by key;
    values the actor may not see are dropped)."""
    start, end = _period(request)
    reqs = selectors.requisition_list(actor=request.user)
    teams = {r.team.slug: r.team.name for r in reqs if r.team}
    team = request.GET.get("team") or None
    if team not in teams:
        team = None
    requisition = request.GET.get("requisition") or None
    if requisition and not reqs.filter(key=requisition).exists():
        requisition = None
    return {
        "start": start,
        "end": end,
        "team": team,
        "requisition": requisition,
        "teams": sorted(teams.items(), key=lambda kv: kv[1]),
        "requisitions": [(r.key, r.title) for r in reqs],
    }


def _drill_url(scope: dict[str, Any], what: str, stage: str | None = None) -> str:
    from urllib.parse import urlencode

    query = {"from": scope["start"].isoformat(), "to": scope["end"].isoformat(), "what": what}
    if stage:
        query["stage"] = stage
    for name in ("team", "requisition"):
        if scope[name]:
            query[name] = scope[name]
    return f"{reverse('talent:funnel_applications')}?{urlencode(query)}"


def funnel(request: HttpRequest) -> HttpResponse:
    """The hiring funnel (METRICS.md "Hiring") for a period, the whole plan, one team or one
    requisition: a chart of the stages whose bars, like the table's numbers, open the
    applications behind them."""
    from steward.talent import charts

    require(rules.may_see_hiring(request.user))
    scope = _funnel_scope(request)
    data = selectors.hiring_metrics(
        actor=request.user,
        start=scope["start"],
        end=scope["end"],
        team=scope["team"],
        requisition=scope["requisition"],
    )
    for row in data["stages"]:
        row["reached_url"] = _drill_url(scope, "reached", row["stage"])
        row["passed_url"] = _drill_url(scope, "passed", row["stage"])
        row["stopped_url"] = _drill_url(scope, "stopped", row["stage"])
        row["stopped"] = row["reached"] - row["passed"]
    shown = [row for row in data["stages"] if row["reached"]]
    calibration = (
        selectors.interviewer_calibration(actor=request.user)
        if rules.may_see_candidates(request.user)
        else []
    )
    context = {
        **scope,
        "data": data,
        "team": scope["team"] or "",
        "chart_svg": charts.funnel_svg(shown) if shown else "",
        "applications_url": _drill_url(scope, "applications"),
        "hires_url": _drill_url(scope, "hires"),
        "calibration": calibration,
        "may_see_diversity": rules.may_see_diversity(request.user),
    }
    return render(request, "talent/funnel.html", context)


DRILL_TITLES = {
    "reached": "Entered {stage} in the period and left it",
    "passed": "Went further than {stage}",
    "stopped": "Stopped at {stage}",
    "applications": "Applications created in the period",
    "hires": "Hires (offer accepted in the period)",
}


def funnel_applications(request: HttpRequest) -> HttpResponse:
    """The applications behind one funnel number. Candidates are named (and linked) only for
    those who may see that application's candidate data; others see the rows without them."""
    from steward.talent import funnel as figures

    require(rules.may_see_hiring(request.user))
    scope = _funnel_scope(request)
    what = request.GET.get("what") or "applications"
    stage = request.GET.get("stage") or None
    if what not in figures.DRILL_KINDS or (what in ("reached", "passed", "stopped") and not stage):
        raise Http404("no such funnel figure")
    data = selectors.funnel_drilldown(
        actor=request.user,
        start=scope["start"],
        end=scope["end"],
        what=what,
        stage=stage,
        team=scope["team"],
        requisition=scope["requisition"],
    )
    back = {k: v for k, v in request.GET.items() if k in ("from", "to", "team", "requisition")}
    from urllib.parse import urlencode

    context = {
        **scope,
        "data": data,
        "title": DRILL_TITLES[what].format(stage=stage or ""),
        "back": f"{reverse('talent:funnel')}?{urlencode(back)}",
        "stage_view": what in ("reached", "passed", "stopped"),
    }
    return render(request, "talent/funnel_applications.html", context)


def diversity(request: HttpRequest) -> HttpResponse:
    """The funnel by self-identified gender or ethnicity (`?attribute=`), aggregates under the
    small-group rule only."""
    require(rules.may_see_diversity(request.user))
    start, end = _period(request)
    attribute = request.GET.get("attribute") or "gender"
    if attribute not in selectors.DIVERSITY_ATTRIBUTES:
        attribute = "gender"
    data = selectors.diversity_funnel(actor=request.user, start=start, end=end, attribute=attribute)
    tabs = [
        (name, f"?attribute={name}&from={start.isoformat()}&to={end.isoformat()}")
        for name in selectors.DIVERSITY_ATTRIBUTES
    ]
    context = {"data": data, "start": start, "end": end, "attribute": attribute, "tabs": tabs}
    return render(request, "talent/diversity.html", context)


def brand(request: HttpRequest) -> HttpResponse:
    """Employer-brand activities with the applications and hires of their sources."""
    require(rules.may_recruit(request.user))
    context: dict[str, Any] = {
        "activities": selectors.brand_report(actor=request.user),
        "sources": selectors.source_list(actor=request.user),
        "kits": selectors.kit_list(actor=request.user),
        "repositories": selectors.open_source_candidates(actor=request.user),
        "today": date.today(),
        "since": date.today() - timedelta(days=365),
    }
    return render(request, "talent/brand.html", context)


def source_create(request: HttpRequest) -> HttpResponse:
    """A new source of applications."""
    require(rules.may_recruit(request.user))
    form = forms.SourceForm(request.POST or None, actor=request.user)
    return form_page(
        request,
        form,
        title="New source",
        back=reverse("talent:brand"),
        done=lambda s: reverse("talent:brand"),
    )


def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a source: its name, kind and the employer-brand activity behind it."""
    require(rules.may_recruit(request.user))
    source = selectors.source_list(actor=request.user).filter(pk=pk).first()
    if source is None:
        raise Http404("no such source")
    form = forms.SourceForm(request.POST or None, actor=request.user, instance=source)
    return form_page(
        request,
        form,
        title=f"Edit source {source.name}",
        back=reverse("talent:brand"),
        done=lambda s: reverse("talent:brand"),
    )


def activity_create(request: HttpRequest) -> HttpResponse:
    """A new employer-brand activity."""
    require(rules.may_recruit(request.user))
    initial = {k: request.GET[k] for k in ("title", "kind", "repository") if k in request.GET}
    form = forms.ActivityForm(request.POST or None, actor=request.user, initial=initial)
    return form_page(
        request,
        form,
        title="New employer-brand activity",
        back=reverse("talent:brand"),
        done=lambda a: reverse("talent:brand"),
    )


def kit_build(request: HttpRequest, key: str) -> HttpResponse:
    """POST: build (or rebuild) the interview kit of the requisition's role and level."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    req = _req(request, key)
    require(rules.may_recruit(request.user))
    if req.role is None:
        messages.error(request, "Pick the requisition's role description first.")
    else:
        try:
            services.kit_build(actor=request.user, role=req.role, level=req.level)
        except services.TalentError as exc:
            messages.error(request, str(exc))
    return redirect(_done(req))


def candidate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a candidate's contact data and retention date."""
    cand = _candidate(request, pk)
    require(rules.may_recruit(request.user))
    form = forms.CandidateEditForm(request.POST or None, actor=request.user, instance=cand)
    back = reverse("talent:candidate_detail", args=[cand.pk])
    return form_page(request, form, title=f"Edit {cand.name}", back=back, done=lambda c: back)


def self_identify(request: HttpRequest, pk: int) -> HttpResponse:
    """Record voluntary self-identification (write-only: what was recorded is never shown)."""
    cand = _candidate(request, pk)
    require(rules.may_recruit(request.user))
    form = forms.SelfIdentificationForm(request.POST or None, actor=request.user, instance=cand)
    back = reverse("talent:candidate_detail", args=[cand.pk])
    return form_page(
        request,
        form,
        title="Voluntary self-identification",
        back=back,
        done=lambda c: back,
        intro="Stored apart from the application and counted only in aggregates of at least "
        "the small-group size; blank answers remove what was recorded.",
    )


def interviewer_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Put an interviewer on the application's panel (their scorecard to fill)."""
    app = _app(request, pk)
    require(rules.may_recruit(request.user))
    form = forms.InterviewerForm(request.POST or None, actor=request.user, instance=app)
    back = reverse("talent:candidate_detail", args=[app.candidate_id])
    return form_page(
        request,
        form,
        title=f"Interviewer for {app.candidate.name}",
        back=back,
        done=lambda c: back,
    )


# --- importing applications from the browser ------------------------------------------------

_IMPORT_SESSION = "talent_import"


def _staging_dir() -> Any:
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.STEWARD_HOME) / "uploads" / "talent"
    path.mkdir(parents=True, exist_ok=True)
    _forget_old_uploads(path)
    return path


STAGED_HOURS = 24


def _forget_old_uploads(folder: Any) -> None:
    """Previews not imported within STAGED_HOURS are deleted (candidate data is not kept)."""
    import shutil
    import time

    limit = time.time() - STAGED_HOURS * 3600
    for entry in folder.iterdir():
        try:
            if entry.is_dir() and entry.stat().st_mtime < limit:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


def _file_label(path: Any) -> str:
    from steward.talent.importers import ApplicationsImporter

    if path.suffix.lower() == ".json":
        return "Greenhouse or Lever JSON export"
    vendor = ApplicationsImporter(path, actor=None).csv_vendor()
    return {"greenhouse": "Greenhouse CSV report", "lever": "Lever CSV report"}.get(
        vendor or "", "Steward applications CSV"
    )


def _shown_problems(problems: list[Any], path: Any, name: str) -> list[dict[str, Any]]:
    """Problems with the uploaded file's own name (not the staging path)."""
    return [
        {
            "file": name if p.file == str(path) else p.file,
            "line": p.line,
            "column": p.column,
            "message": p.message,
            "hint": p.hint,
        }
        for p in problems
    ]


def applications_import(request: HttpRequest) -> HttpResponse:
    """Upload → validate → preview: the file is checked and its changes listed; nothing is
    written until "Import" (applications_import_commit). Recruiting roles only."""
    import secrets

    from steward.core.errors import InvalidInput
    from steward.core.importing import run_import

    require(rules.may_recruit(request.user))
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            token = secrets.token_urlsafe(16)
            folder = _staging_dir() / token
            folder.mkdir()
            name = upload.name.replace("/", "_").replace("\\", "_")
            path = folder / name
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            context.update(name=name, detected=_file_label(path))
            try:
                diff = run_import("applications", path, actor=request.user, dry_run=True)
            except InvalidInput as exc:
                context["problems"] = _shown_problems(exc.problems, path, name)
                _discard(path)
            else:
                status = 200
                staged = request.session.get(_IMPORT_SESSION) or {}
                staged[token] = {"path": str(path), "name": name}
                request.session[_IMPORT_SESSION] = staged
                changes = [c for c in diff.changes if c.kind != "unchanged"]
                context.update(diff=diff, counts=diff.counts(), changes=changes[:200], token=token)
    return render(request, "talent/import.html", context, status=status)


def _discard(path: Any) -> None:
    import shutil

    shutil.rmtree(path.parent, ignore_errors=True)


def applications_import_commit(request: HttpRequest) -> HttpResponse:
    """POST `token`: import the previewed file (validated again, one transaction, audited)."""
    from pathlib import Path

    from steward.core.errors import InvalidInput
    from steward.core.importing import run_import

    require(rules.may_recruit(request.user))
    _post_only(request)
    staged = request.session.get(_IMPORT_SESSION) or {}
    entry = staged.pop(request.POST.get("token") or "", None)
    request.session[_IMPORT_SESSION] = staged
    if entry is None or not Path(entry["path"]).exists():
        messages.error(request, "That preview has expired: upload the file again.")
        return redirect("talent:applications_import")
    path = Path(entry["path"])
    try:
        diff = run_import("applications", path, actor=request.user)
    except InvalidInput as exc:
        context = {
            "form": forms.ImportUploadForm(),
            "name": entry["name"],
            "problems": _shown_problems(exc.problems, path, entry["name"]),
        }
        return render(request, "talent/import.html", context, status=422)
    finally:
        _discard(path)
    counts = diff.counts()
    messages.success(
        request,
        f"Imported {entry['name']}: {counts['added']:,} added, {counts['changed']:,} changed, "
        f"{counts['unchanged']:,} unchanged.",
    )
    return redirect("talent:plan")
