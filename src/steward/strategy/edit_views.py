"""Editing the strategy in the browser: objectives, key results, check-ins, initiatives, ideas
and improvement actions.

Each page is for the strategy editors (policy.may_change_strategy); others get 403, and rows
they may not see are 404. The services check the policy again and write the audit log.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from steward.core import policy
from steward.core.editing import delete_page, form_page, require
from steward.strategy import forms, selectors, services
from steward.strategy.models import CheckIn, Idea, ImprovementAction, KeyResult, Objective


def _editor(request: HttpRequest) -> None:
    require(policy.may_change_strategy(request.user))


def _objective(request: HttpRequest, key: str) -> Objective:
    objective = selectors.objective_get(actor=request.user, key=key)
    if objective is None:
        raise Http404("no such objective")
    _editor(request)
    return objective


def _key_result(request: HttpRequest, key: str, kr: str) -> KeyResult:
    result = (
        policy.visible(request.user, "strategy.KeyResult")
        .select_related("objective")
        .filter(objective__key=key, key=kr)
        .first()
    )
    if result is None:
        raise Http404("no such key result")
    _editor(request)
    return result  # type: ignore[no-any-return]


def _back_to(key: str) -> str:
    return reverse("strategy:objective_detail", args=[key])


def objective_create(request: HttpRequest) -> HttpResponse:
    """Create an objective."""
    _editor(request)
    form = forms.ObjectiveForm(request.POST or None, actor=request.user)
    return form_page(
        request,
        form,
        title="New objective",
        back=reverse("strategy:objectives"),
        done=lambda o: _back_to(o.key),
    )


def objective_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Edit an objective."""
    objective = _objective(request, key)
    form = forms.ObjectiveForm(request.POST or None, actor=request.user, instance=objective)
    return form_page(
        request,
        form,
        title=f"Edit {objective.key}",
        back=_back_to(key),
        done=lambda o: _back_to(key),
    )


def objective_delete(request: HttpRequest, key: str) -> HttpResponse:
    """Delete an objective after saying what goes with it."""
    objective = _objective(request, key)
    return delete_page(
        request,
        what=f"objective {objective.key} {objective.title}",
        summary=services.deletion_preview(objective),
        back=_back_to(key),
        done=reverse("strategy:objectives"),
        delete=lambda: services.objective_delete(actor=request.user, objective=objective),  # type: ignore[arg-type]
    )


def key_result_create(request: HttpRequest, key: str) -> HttpResponse:
    """Add a key result to an objective."""
    objective = _objective(request, key)
    form = forms.KeyResultForm(request.POST or None, actor=request.user, objective=objective)
    return form_page(
        request,
        form,
        title=f"New key result of {objective.key}",
        back=_back_to(key),
        done=lambda kr: _back_to(key),
    )


def key_result_edit(request: HttpRequest, key: str, kr: str) -> HttpResponse:
    """Edit a key result; a new current value is recorded as a check-in."""
    result = _key_result(request, key, kr)
    form = forms.KeyResultForm(
        request.POST or None, actor=request.user, objective=result.objective, instance=result
    )
    return form_page(
        request,
        form,
        title=f"Edit {key} {result.key}",
        back=_back_to(key),
        done=lambda r: _back_to(key),
    )


def key_result_delete(request: HttpRequest, key: str, kr: str) -> HttpResponse:
    """Delete a key result after saying what goes with it."""
    result = _key_result(request, key, kr)
    return delete_page(
        request,
        what=f"key result {key} {result.key} {result.title}",
        summary=services.deletion_preview(result),
        back=_back_to(key),
        done=_back_to(key),
        delete=lambda: services.key_result_delete(actor=request.user, key_result=result),  # type: ignore[arg-type]
    )


def check_in_create(request: HttpRequest, key: str, kr: str) -> HttpResponse:
    """Record a check-in of a key result."""
    result = _key_result(request, key, kr)
    form = forms.CheckInForm(request.POST or None, actor=request.user, key_result=result)
    return form_page(
        request,
        form,
        title=f"Check-in of {key} {result.key}",
        intro=result.title,
        back=_back_to(key),
        done=lambda c: _back_to(key),
    )


def check_in_delete(request: HttpRequest, key: str, kr: str, pk: int) -> HttpResponse:
    """Delete a check-in (the key result's value follows the latest one left)."""
    result = _key_result(request, key, kr)
    check_in = CheckIn.objects.filter(key_result=result, pk=pk).first()
    if check_in is None:
        raise Http404("no such check-in")
    return delete_page(
        request,
        what=f"the check-in of {key} {result.key} on {check_in.on:%Y-%m-%d}",
        summary=services.deletion_preview(check_in),
        back=_back_to(key),
        done=_back_to(key),
        delete=lambda: services.check_in_delete(actor=request.user, check_in=check_in),  # type: ignore[arg-type]
    )


def _initiative_url(key: str) -> str:
    return reverse("strategy:initiative_detail", args=[key])


def initiative_create(request: HttpRequest) -> HttpResponse:
    """Create an initiative."""
    _editor(request)
    form = forms.InitiativeForm(request.POST or None, actor=request.user)
    return form_page(
        request,
        form,
        title="New initiative",
        back=reverse("strategy:roadmap"),
        done=lambda i: _initiative_url(i.key),
    )


def _initiative(request: HttpRequest, key: str):  # type: ignore[no-untyped-def]
    initiative = selectors.initiative_get(actor=request.user, key=key)
    if initiative is None:
        raise Http404("no such initiative")
    _editor(request)
    return initiative


def initiative_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Edit an initiative with its objective links and efforts."""
    initiative = _initiative(request, key)
    form = forms.InitiativeForm(request.POST or None, actor=request.user, instance=initiative)
    back = _initiative_url(key)
    return form_page(request, form, title=f"Edit {key}", back=back, done=lambda i: back)


def initiative_decisions(request: HttpRequest, key: str) -> HttpResponse:
    """Link an initiative to the architecture decisions (ADRs) it carries out."""
    initiative = _initiative(request, key)
    form = forms.InitiativeDecisionsForm(
        request.POST if request.method == "POST" else None,
        actor=request.user,
        instance=initiative,
    )
    back = _initiative_url(key)
    return form_page(
        request,
        form,
        title=f"Decisions of {key}",
        back=back,
        done=lambda i: back,
        intro="The decisions show on the initiative's page and the initiative on theirs.",
    )


def initiative_delete(request: HttpRequest, key: str) -> HttpResponse:
    """Delete an initiative after saying what goes with it."""
    initiative = _initiative(request, key)
    return delete_page(
        request,
        what=f"initiative {key} {initiative.title}",
        summary=services.deletion_preview(initiative),
        back=_initiative_url(key),
        done=reverse("strategy:roadmap"),
        delete=lambda: services.initiative_delete(actor=request.user, initiative=initiative),  # type: ignore[arg-type]
    )


INNOVATION = "strategy:innovation"


def idea_create(request: HttpRequest) -> HttpResponse:
    """Propose an idea or experiment."""
    _editor(request)
    form = forms.IdeaForm(request.POST or None, actor=request.user)
    back = reverse(INNOVATION)
    return form_page(request, form, title="New idea", back=back, done=lambda i: back)


def _idea(request: HttpRequest, pk: int) -> Idea:
    idea = selectors.idea_list(actor=request.user).filter(pk=pk).first()
    if idea is None:
        raise Http404("no such idea")
    _editor(request)
    return idea


def idea_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an idea."""
    idea = _idea(request, pk)
    form = forms.IdeaForm(request.POST or None, actor=request.user, instance=idea)
    back = reverse(INNOVATION)
    return form_page(request, form, title=f"Edit {idea.title}", back=back, done=lambda i: back)


def idea_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an idea after confirmation."""
    idea = _idea(request, pk)
    return delete_page(
        request,
        what=f"idea {idea.title}",
        summary=services.deletion_preview(idea),
        back=reverse(INNOVATION),
        done=reverse(INNOVATION),
        delete=lambda: services.idea_delete(actor=request.user, idea=idea),  # type: ignore[arg-type]
    )


def action_create(request: HttpRequest) -> HttpResponse:
    """Record an improvement action."""
    _editor(request)
    form = forms.ActionForm(request.POST or None, actor=request.user)
    back = reverse(INNOVATION)
    return form_page(request, form, title="New improvement action", back=back, done=lambda a: back)


def _action(request: HttpRequest, pk: int) -> ImprovementAction:
    action = selectors.action_list(actor=request.user).filter(pk=pk).first()
    if action is None:
        raise Http404("no such improvement action")
    _editor(request)
    return action


def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit or close an improvement action."""
    action = _action(request, pk)
    form = forms.ActionForm(request.POST or None, actor=request.user, instance=action)
    back = reverse(INNOVATION)
    return form_page(request, form, title=f"Edit {action.title}", back=back, done=lambda a: back)


def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an improvement action after confirmation."""
    action = _action(request, pk)
    return delete_page(
        request,
        what=f"improvement action {action.title}",
        summary=services.deletion_preview(action),
        back=reverse(INNOVATION),
        done=reverse(INNOVATION),
        delete=lambda: services.action_delete(actor=request.user, action=action),  # type: ignore[arg-type]
    )


def initiative_from_debt(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: make tech-debt item `pk` an initiative, then show the initiative."""
    from django.contrib import messages
    from django.http import HttpResponseNotAllowed
    from django.shortcuts import redirect

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _editor(request)
    try:
        initiative = services.initiative_from_debt(actor=request.user, item_id=pk)
    except services.StrategyError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("architecture:debt_detail", args=[pk]))
    messages.success(request, f"Initiative {initiative.key} created from the debt item.")
    return redirect(reverse("strategy:initiative_detail", args=[initiative.key]))
