"""Growth pages: 1:1s, career ladders, a person's growth, promotions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from steward.core import policy
from steward.core.editing import delete_page, form_page, require
from steward.core.forms import ServiceForm
from steward.growth import forms, rules, selectors
from steward.org import selectors as org_selectors

# --- 1:1s -----------------------------------------------------------------------------------


def one_on_ones(request: HttpRequest) -> HttpResponse:
    """The 1:1 cadences one may see, overdue first; one's own open action items."""
    today = date.today()
    overdue_only = request.GET.get("overdue") == "1"
    rows = selectors.pair_list(actor=request.user, on=today, overdue_only=overdue_only)
    all_rows = rows if not overdue_only else selectors.pair_list(actor=request.user, on=today)
    context = {
        "rows": rows,
        "overdue_only": overdue_only,
        "overdue_count": sum(1 for r in all_rows if r.state.overdue),
        "total": len(all_rows),
        "today": today,
        "actions": selectors.open_action_items(actor=request.user),
        "me": policy.person_of(request.user),
        "may_create": rules.may_start_own(request.user),
    }
    return render(request, "growth/one_on_ones.html", context)


def _pair(request: HttpRequest, pk: int) -> object:
    pair = selectors.pair_get(actor=request.user, pk=pk)
    if pair is None:
        raise Http404("no such 1:1")
    return pair


def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One cadence: its state, the days met, and (for the pair) what was said."""
    pair = _pair(request, pk)
    today = date.today()
    meetings = selectors.meeting_list(actor=request.user, pair=pair)
    state = selectors.cadence_state(
        cadence_days=pair.cadence_days,  # type: ignore[attr-defined]
        started_on=pair.started_on,  # type: ignore[attr-defined]
        held=[m["held_on"] for m in meetings],
        on=today,
    )
    context = {
        "pair": pair,
        "state": state,
        "meetings": meetings,
        "in_pair": rules.is_in_pair(request.user, pair),
        "may_manage": rules.may_manage_pair(
            request.user,
            pair.report_id,  # type: ignore[attr-defined]
            pair.manager_id,  # type: ignore[attr-defined]
        ),
        "today": today,
    }
    return render(request, "growth/pair_detail.html", context)


def pair_create(request: HttpRequest) -> HttpResponse:
    """Start a 1:1 cadence."""
    require(rules.may_start_own(request.user))
    form = forms.PairForm(request.POST or None, actor=request.user)
    return form_page(
        request,
        form,
        title="New 1:1 cadence",
        back=reverse("growth:one_on_ones"),
        done=lambda pair: reverse("growth:pair_detail", args=[pair.pk]),
        intro="A 1:1 is overdue when none is recorded within 1.5 × its cadence.",
    )


def pair_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a cadence or end it."""
    pair = _pair(request, pk)
    require(rules.may_manage_pair(request.user, pair.report_id, pair.manager_id))  # type: ignore[attr-defined]
    form = forms.PairEditForm(request.POST or None, actor=request.user, instance=pair)
    back = reverse("growth:pair_detail", args=[pk])
    return form_page(request, form, title="Change the 1:1 cadence", back=back)


def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a 1:1 (the pair only)."""
    pair = _pair(request, pk)
    require(rules.is_in_pair(request.user, pair))
    form = forms.MeetingForm(request.POST or None, actor=request.user, instance=pair)
    back = reverse("growth:pair_detail", args=[pk])
    return form_page(
        request,
        form,
        title="Record a 1:1",
        back=back,
        intro="The agenda, the notes and the action items are seen by the two of you only.",
    )


def action_item_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: mark an action item done today, or open again."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    item = selectors.action_item_get(actor=request.user, pk=pk)
    if item is None:
        raise Http404("no such action item")
    from steward.growth import services

    done_on = None if item.done_on else date.today()
    try:
        services.action_item_set_done(actor=request.user, item=item, done_on=done_on)
    except PermissionDenied:
        raise
    messages.success(request, "Action item updated.")
    back = request.POST.get("next") or reverse("growth:pair_detail", args=[item.meeting.pair_id])
    if not back.startswith("/"):
        back = reverse("growth:one_on_ones")
    return redirect(back)


# --- ladders --------------------------------------------------------------------------------


def ladders(request: HttpRequest) -> HttpResponse:
    """Every career framework with its tracks and levels."""
    context = {
        "frameworks": selectors.framework_list(actor=request.user),
        "may_edit": rules.may_edit_ladder(request.user),
    }
    return render(request, "growth/ladders.html", context)


def ladder_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One framework: per track, the expectations of every competency at every level."""
    framework = selectors.framework_get(actor=request.user, key=key)
    if framework is None:
        raise Http404("no such framework")
    context = {"framework": framework, "tracks": selectors.framework_matrix(framework)}
    return render(request, "growth/ladder_detail.html", context)


def ladder_export(request: HttpRequest, key: str) -> HttpResponse:
    """The framework as Steward's ladder file (YAML, FORMATS.md 6)."""
    from steward.growth import ladder_format

    framework = selectors.framework_get(actor=request.user, key=key)
    if framework is None:
        raise Http404("no such framework")
    text = ladder_format.dump_yaml(ladder_format.framework_data(framework))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{framework.key}.yaml"'
    return response


# --- a person's growth ----------------------------------------------------------------------


def _person(request: HttpRequest, employee_id: str) -> object:
    person = org_selectors.person_get(actor=request.user, employee_id=employee_id)
    if person is None or not selectors.may_see_person_growth(request.user, person):
        raise Http404("no such person")
    return person


def person_growth(request: HttpRequest, employee_id: str) -> HttpResponse:
    """A person's level history, development plans and promotion cases."""
    person = _person(request, employee_id)
    history = selectors.person_levels(actor=request.user, person=person)
    cases = selectors.promotion_list(actor=request.user).filter(person=person)
    context = {
        "person": person,
        "history": history,
        "current": selectors.level_on(history, date.today()),
        "plans": selectors.plans_of(actor=request.user, person=person),
        "cases": cases,
        "may_manage": rules.may_manage_person(request.user, person.pk),  # type: ignore[attr-defined]
        "may_plan": rules.may_keep_plan(request.user, person.pk),  # type: ignore[attr-defined]
    }
    return render(request, "growth/person_growth.html", context)


def my_growth(request: HttpRequest) -> HttpResponse:
    """One's own growth page."""
    me = policy.person_of(request.user)
    if me is None:
        raise Http404("no person is linked to this login")
    return redirect("growth:person_growth", employee_id=me.employee_id)


def _level_form(
    request: HttpRequest,
    employee_id: str,
    form_class: type[ServiceForm],
    may: Callable[[Any, int], bool],
    title: Callable[[Any], str],
) -> HttpResponse:
    """A form about a person that picks a ladder level, for those `may` lets; back to their
    growth page."""
    person = _person(request, employee_id)
    require(may(request.user, person.pk))  # type: ignore[attr-defined]
    form = form_class(
        request.POST or None,
        actor=request.user,
        instance=person,
        rows=selectors.level_list(actor=request.user),
    )
    back = reverse("growth:person_growth", args=[employee_id])
    return form_page(request, form, title=title(person), back=back)


def level_set(request: HttpRequest, employee_id: str) -> HttpResponse:
    """Put a person at a level from a day."""
    return _level_form(
        request, employee_id, forms.LevelForm, rules.may_manage_person, lambda p: f"Level of {p}"
    )


def plan_create(request: HttpRequest, employee_id: str) -> HttpResponse:
    """Open a development plan."""
    return _level_form(
        request, employee_id, forms.PlanForm, rules.may_keep_plan, lambda _: "New development plan"
    )


def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a goal to a development plan."""
    plan = selectors.plan_get(actor=request.user, pk=pk)
    if plan is None:
        raise Http404("no such plan")
    require(rules.may_keep_plan(request.user, plan.person_id))
    form = forms.GoalForm(
        request.POST or None,
        actor=request.user,
        instance=plan,
        rows=selectors.competency_list(actor=request.user),
    )
    back = reverse("growth:person_growth", args=[plan.person.employee_id])
    return form_page(request, form, title=f"New goal: {plan.title}", back=back)


def goal_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a check-in on a goal."""
    goal = selectors.goal_get(actor=request.user, pk=pk)
    if goal is None:
        raise Http404("no such goal")
    require(rules.may_keep_plan(request.user, goal.plan.person_id))
    form = forms.CheckInForm(request.POST or None, actor=request.user, instance=goal)
    back = reverse("growth:person_growth", args=[goal.plan.person.employee_id])
    return form_page(request, form, title=f"Check-in: {goal.title}", back=back)


# --- promotions -----------------------------------------------------------------------------


def promotions(request: HttpRequest) -> HttpResponse:
    """Promotion cases one may see, newest first."""
    status = request.GET.get("status") or None
    from steward.growth.models import PromotionCase

    if status not in (None, *PromotionCase.Status.values):
        status = None
    context = {
        "cases": selectors.promotion_list(actor=request.user, status=status),
        "statuses": PromotionCase.Status.choices,
        "status": status or "",
        "may_open": rules.may_start_for_reports(request.user),
    }
    return render(request, "growth/promotions.html", context)


def _case(request: HttpRequest, pk: int) -> object:
    case = selectors.promotion_get(actor=request.user, pk=pk)
    if case is None:
        raise Http404("no such promotion case")
    return case


def promotion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case: evidence and decision history."""
    case = _case(request, pk)
    context = {
        "case": case,
        "may_manage": rules.may_manage_person(request.user, case.person_id),  # type: ignore[attr-defined]
        "may_decide": rules.may_decide_promotion(request.user),
    }
    return render(request, "growth/promotion_detail.html", context)


def promotion_create(request: HttpRequest) -> HttpResponse:
    """Open a promotion case."""
    require(rules.may_start_for_reports(request.user))
    form = forms.PromotionForm(
        request.POST or None, actor=request.user, rows=selectors.level_list(actor=request.user)
    )
    return form_page(
        request,
        form,
        title="New promotion case",
        back=reverse("growth:promotions"),
        done=lambda case: reverse("growth:promotion_detail", args=[case.pk]),
    )


def promotion_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Add evidence to a case."""
    case = _case(request, pk)
    require(rules.may_manage_person(request.user, case.person_id))  # type: ignore[attr-defined]
    form = forms.EvidenceForm(
        request.POST or None,
        actor=request.user,
        instance=case,
        rows=selectors.competency_list(actor=request.user),
    )
    back = reverse("growth:promotion_detail", args=[pk])
    return form_page(request, form, title="Add evidence", back=back)


def promotion_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a decision on a case."""
    case = _case(request, pk)
    require(rules.may_decide_promotion(request.user))
    form = forms.DecisionForm(request.POST or None, actor=request.user, instance=case)
    back = reverse("growth:promotion_detail", args=[pk])
    return form_page(request, form, title="Decide", back=back)


# --- engagement -----------------------------------------------------------------------------


def engagement(request: HttpRequest) -> HttpResponse:
    """eNPS per survey round and team (small groups hidden), the trend, questions, comments."""
    from steward.growth import charts
    from steward.growth import engagement as results

    rounds = results.survey_list()
    key = request.GET.get("survey")
    chosen = next((s for s in rounds if s.key == key), rounds[-1] if rounds else None)
    trend = results.enps_trend()
    context = {
        "rounds": rounds,
        "chosen": chosen,
        "result": results.enps_round(chosen) if chosen else None,
        "questions": results.question_scores(chosen) if chosen else [],
        "comments": results.comments(chosen) if chosen else None,
        "trend": trend,
        "trend_svg": charts.enps_trend_svg(trend) if len(trend) > 1 else "",
        "drops": results.enps_drops(),
        "min_group": results.min_group(),
        "may_import": rules.may_import_surveys(request.user),
        "participation": results.participation(chosen) if chosen else None,
    }
    return render(request, "growth/engagement.html", context)


def survey_create(request: HttpRequest) -> HttpResponse:
    """A new survey round: title, dates, audience, questions (answers are imported)."""
    require(rules.may_import_surveys(request.user))
    form = forms.SurveyForm(request.POST or None, actor=request.user)
    return form_page(
        request,
        form,
        title="New survey",
        back=reverse("growth:engagement"),
        done=lambda survey: f"{reverse('growth:engagement')}?survey={survey.key}",
        intro="Answers are anonymous: no answer is linked to a person, and results show only "
        "for groups that reach the small-group threshold.",
    )


def survey_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Change a survey round; questions that have answers keep their key and kind."""
    from steward.growth.models import Survey

    require(rules.may_import_surveys(request.user))
    survey = _by_key(Survey, key, "survey")
    form = forms.SurveyForm(request.POST or None, actor=request.user, instance=survey)
    back = f"{reverse('growth:engagement')}?survey={survey.key}"
    return form_page(request, form, title=f"Edit {survey.title}", back=back)


# --- attrition and retention ----------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[date, date]:
    """`?from=&to=` (ISO days), default the last 12 months up to today (excluded)."""
    today = date.today()
    default_from = date(today.year - 1, today.month, 1)
    default_to = date(today.year, today.month, 1)
    try:
        start = date.fromisoformat(request.GET.get("from") or default_from.isoformat())
        end = date.fromisoformat(request.GET.get("to") or default_to.isoformat())
    except ValueError:
        start, end = default_from, default_to
    if end <= start:
        start, end = default_from, default_to
    return start, end


def attrition(request: HttpRequest) -> HttpResponse:
    """Attrition rates per METRICS.md, by a grouping, with tenure curves and exit reasons."""
    from steward.growth import charts, retention

    if not rules.may_see_attrition(request.user):
        raise PermissionDenied("attrition figures are for the CTO, executives and the people role")
    start, end = _period(request)
    by = request.GET.get("by") or "team"
    if by not in retention.GROUPINGS:
        by = "team"
    today = date.today()
    tenure = retention.tenure_report(actor=request.user, on=today)
    voluntary = retention.tenure_report(actor=request.user, on=today, voluntary_only=True)
    context = {
        "report": retention.attrition_report(actor=request.user, start=start, end=end, by=by),
        "by": by,
        "groupings": retention.GROUPING_LABELS.items(),
        "by_label": retention.GROUPING_LABELS[by],
        "start": start,
        "end": end,
        "period_days": (end - start).days,
        "tenure": tenure,
        "voluntary": voluntary,
        "tenure_svg": charts.survival_svg(tenure["curve"]),
        "voluntary_svg": charts.survival_svg(voluntary["curve"], "Not resigned"),
        "reasons": retention.exit_reasons(actor=request.user, start=start, end=end),
        "may_see_reasons": rules.may_see_retention(request.user),
    }
    return render(request, "growth/attrition.html", context)


def retention(request: HttpRequest) -> HttpResponse:
    """Retention signals as cohorts and drivers (never a score per person)."""
    from steward.growth import retention as signals

    if not rules.may_see_retention(request.user):
        raise PermissionDenied("retention signals are for the CTO and the people role")
    today = date.today()
    context = {
        "signals": signals.retention_signals(actor=request.user, on=today),
        "today": today,
        "min_group": signals.engagement.min_group(),
    }
    return render(request, "growth/retention.html", context)


# --- onboarding -----------------------------------------------------------------------------


def onboarding(request: HttpRequest) -> HttpResponse:
    """Onboarding plans and their progress; time to first and tenth commit by cohort and team."""
    from steward.growth import onboarding as plans

    today = date.today()
    start = today - timedelta(days=365)
    context = {
        "rows": plans.plan_rows(actor=request.user, on=today),
        "commits": plans.time_to_commits(actor=request.user, start=start, end=today, on=today),
        "today": today,
        "may_start": rules.may_start_for_reports(request.user),
        "templates": [
            {
                "title": t.title,
                "key": t.key,
                "tasks": len(tasks := list(t.tasks.all())),
                "last_day": max((task.day for task in tasks), default=None),
            }
            for t in policy.visible(request.user, "growth.OnboardingTemplate").prefetch_related(
                "tasks"
            )
        ],
        "may_edit_templates": rules.may_edit_ladder(request.user),
    }
    return render(request, "growth/onboarding.html", context)


def onboarding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One joiner's plan: tasks by phase, owners, due days."""
    from steward.growth import onboarding as plans

    plan = plans.plan_get(actor=request.user, pk=pk)
    if plan is None:
        raise Http404("no such onboarding plan")
    tasks = list(plan.tasks.all())
    context = {"plan": plan, "tasks": tasks, "today": date.today()}
    return render(request, "growth/onboarding_detail.html", context)


def onboarding_start(request: HttpRequest) -> HttpResponse:
    """Start a joiner's onboarding from a template."""
    require(rules.may_start_for_reports(request.user))
    form = forms.OnboardingForm(request.POST or None, actor=request.user)
    return form_page(
        request,
        form,
        title="Start an onboarding plan",
        back=reverse("growth:onboarding"),
        done=lambda plan: reverse("growth:onboarding_detail", args=[plan.pk]),
        intro="The template's tasks are copied with due days counted from the start date.",
    )


def onboarding_task_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: tick an onboarding task off (or open it again)."""
    from steward.growth import services

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    task = (
        policy.visible(request.user, "growth.OnboardingTask")
        .select_related("plan")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404("no such task")
    services.onboarding_task_set_done(
        actor=request.user, task=task, done_on=None if task.done_on else date.today()
    )
    return redirect("growth:onboarding_detail", pk=task.plan_id)


# --- coaching and training ------------------------------------------------------------------


def coaching(request: HttpRequest) -> HttpResponse:
    """Coaching programmes for team leads, and training: catalog, records, budgets."""
    text = request.GET.get("year") or ""
    year = int(text) if text.isdigit() and 1900 <= int(text) <= 2999 else date.today().year
    me = policy.person_of(request.user)
    programmes = selectors.coaching_list(actor=request.user)
    for programme in programmes:
        programme.may_record = me is not None and me.pk in (programme.coach_id, programme.lead_id)
    context = {
        "programmes": programmes,
        "training": selectors.training_overview(actor=request.user, year=year),
        "year": year,
        "may_edit_catalog": rules.may_edit_ladder(request.user),
        "may_set_budgets": rules.may_edit_ladder(request.user)
        or bool(policy.subtree_ids(request.user)),
        "may_start_coaching": bool(policy.roles_of(request.user) & rules.GROWTH_ADMIN_ROLES)
        or me is not None,
    }
    return render(request, "growth/coaching.html", context)


# --- onboarding templates, catalog, coaching forms ------------------------------------------


def _by_key(model: Any, key: str, what: str) -> Any:
    """The `model` row with `key` (404 "no such `what`")."""
    row = model.objects.filter(key=key).first()
    if row is None:
        raise Http404(f"no such {what}")
    return row


def _template(key: str) -> Any:
    from steward.growth.models import OnboardingTemplate

    return _by_key(OnboardingTemplate, key, "onboarding template")


def _course(key: str) -> Any:
    from steward.growth.models import Course

    return _by_key(Course, key, "course")


def _catalog_form(
    request: HttpRequest,
    form_class: type[ServiceForm],
    row_of: Callable[[], Any] | None = None,
    *,
    back: str,
    new_title: str = "",
    intro: str = "",
) -> HttpResponse:
    """Create (no `row_of`) or change a row of a catalog: the people role, the CTO, admins."""
    require(rules.may_edit_ladder(request.user))
    row = None if row_of is None else row_of()
    form = form_class(request.POST or None, actor=request.user, instance=row)
    title = new_title if row is None else f"Edit {row.title}"
    return form_page(request, form, title=title, back=reverse(back), intro=intro)


def _catalog_delete(
    request: HttpRequest,
    row_of: Callable[[], Any],
    *,
    what: str,
    goes_with: dict[str, str],
    back: str,
    delete: Callable[[Any], None],
) -> HttpResponse:
    """Delete a row of a catalog (people role, CTO, admins); `goes_with` names what goes too."""
    from steward.core.deletion import deletion_summary

    require(rules.may_edit_ladder(request.user))
    row = row_of()
    url = reverse(back)
    return delete_page(
        request,
        what=f"the {what} {row.title}",
        summary=deletion_summary(row, goes_with),
        back=url,
        done=url,
        delete=lambda: delete(row),
    )


def onboarding_template_create(request: HttpRequest) -> HttpResponse:
    """A new onboarding template (people role, CTO, admins)."""
    return _catalog_form(
        request,
        forms.OnboardingTemplateForm,
        back="growth:onboarding",
        new_title="New onboarding template",
    )


def onboarding_template_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Change a template's title and tasks (plans already made keep their tasks)."""
    return _catalog_form(
        request,
        forms.OnboardingTemplateForm,
        lambda: _template(key),
        back="growth:onboarding",
        intro="Plans already started from this template keep their own tasks.",
    )


def onboarding_template_delete(request: HttpRequest, key: str) -> HttpResponse:
    """Delete a template (plans made from it keep their tasks)."""
    from steward.growth import services

    return _catalog_delete(
        request,
        lambda: _template(key),
        what="onboarding template",
        goes_with={
            "growth.onboardingtemplatetask": "template tasks",
            "growth.onboardingplan": "onboarding plans (they keep their tasks)",
        },
        back="growth:onboarding",
        delete=lambda t: services.onboarding_template_delete(actor=request.user, template=t),
    )


def course_create(request: HttpRequest) -> HttpResponse:
    """A new catalog course (people role, CTO, admins)."""
    return _catalog_form(request, forms.CourseForm, back="growth:coaching", new_title="New course")


def course_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Change a catalog course (records keep the cost they were recorded with)."""
    return _catalog_form(request, forms.CourseForm, lambda: _course(key), back="growth:coaching")


def course_delete(request: HttpRequest, key: str) -> HttpResponse:
    """Delete a course nobody took (training records block it)."""
    from steward.growth import services

    return _catalog_delete(
        request,
        lambda: _course(key),
        what="course",
        goes_with={"growth.trainingrecord": "training records"},
        back="growth:coaching",
        delete=lambda course: services.course_delete(actor=request.user, course=course),
    )


def coaching_create(request: HttpRequest) -> HttpResponse:
    """Start a coaching programme (the coach themself, or people/CTO/admins)."""
    require(rules.may_start_own(request.user))
    form = forms.CoachingForm(request.POST or None, actor=request.user)
    back = reverse("growth:coaching")
    return form_page(request, form, title="Start coaching", back=back)


def coaching_session_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a session of a programme (the coach and the lead only)."""
    programme = (
        policy.visible(request.user, "growth.CoachingProgramme")
        .select_related("coach", "lead")
        .filter(pk=pk)
        .first()
    )
    if programme is None:
        raise Http404("no such coaching programme")
    me = policy.person_of(request.user)
    require(me is not None and me.pk in (programme.coach_id, programme.lead_id))
    form = forms.CoachingSessionForm(request.POST or None, actor=request.user, instance=programme)
    back = reverse("growth:coaching")
    return form_page(
        request,
        form,
        title=f"Session: {programme.coach.name} coaching {programme.lead.name}",
        back=back,
    )


def training_record_create(request: HttpRequest) -> HttpResponse:
    """Record a course someone took (themself, their managers, people/CTO/admins)."""
    require(policy.person_of(request.user) is not None or rules.may_edit_ladder(request.user))
    form = forms.TrainingRecordForm(request.POST or None, actor=request.user)
    back = reverse("growth:coaching")
    return form_page(request, form, title="Record training", back=back)


def training_budget_set(request: HttpRequest) -> HttpResponse:
    """Set a training budget (managers above the person, people/CTO/admins)."""
    require(rules.may_edit_ladder(request.user) or bool(policy.subtree_ids(request.user)))
    form = forms.TrainingBudgetForm(request.POST or None, actor=request.user)
    back = reverse("growth:coaching")
    return form_page(
        request,
        form,
        title="Set a training budget",
        back=back,
        intro="Setting a budget again for the same person and year changes it.",
    )
