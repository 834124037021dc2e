"""Goal pages: goals that cascade from objectives, a goal with its objective and level
expectations, and the forms to set, change and delete them."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from steward.core.deletion import deletion_summary
from steward.core.editing import delete_page, form_page, require
from steward.growth import goal_forms, goals
from steward.growth.models import Goal
from steward.strategy import selectors as strategy_selectors


def goal_list(request: HttpRequest) -> HttpResponse:
    """Goals one may see, under the objective each serves."""
    groups: dict[int, dict[str, object]] = {}
    for goal in goals.goal_list(actor=request.user):
        group = groups.setdefault(goal.objective.pk, {"objective": goal.objective, "goals": []})
        group["goals"].append(goal)  # type: ignore[attr-defined]
    context = {"groups": list(groups.values()), "may_add": goals.may_add(request.user)}
    return render(request, "growth/goals.html", context)


def _goal(request: HttpRequest, pk: int) -> Goal:
    goal = goals.goal_get(actor=request.user, pk=pk)
    if goal is None:
        raise Http404("no such goal")
    return goal


def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A goal: the objective (and key result) it cascades from, its owner, the expectations
    of its level, its progress."""
    goal = _goal(request, pk)
    objective = strategy_selectors.objective_get(actor=request.user, key=goal.objective.key)
    parent = None if objective is None else strategy_selectors.objective_dict(objective)
    key_result = None
    if parent is not None and goal.key_result is not None:
        key_result = next(
            (kr for kr in parent["key_results"] if kr["key"] == goal.key_result.key), None
        )
    context = {
        "goal": goal,
        "owner": goals.owner_name(goal),
        "parent": parent,
        "key_result": key_result,
        "expectations": goals.expectations(goal.level),
        "check_ins": goals.check_ins(actor=request.user, goal=goal),
        "may_change": goals.may_change(request.user, goal),
    }
    return render(request, "growth/goal_detail.html", context)


def goal_create(request: HttpRequest) -> HttpResponse:
    """Set a goal under an objective (`?objective=KEY` picks it)."""
    require(goals.may_add(request.user))
    objective = None
    if key := request.GET.get("objective"):
        objective = goals.objective_of(actor=request.user, key=key)
    form = goal_forms.GoalForm(request.POST or None, actor=request.user, objective=objective)
    return form_page(
        request,
        form,
        title="New goal",
        back=reverse("growth:goals"),
        done=lambda goal: reverse("growth:goal_detail", args=[goal.pk]),
        intro="A goal serves an objective; give a team, or one person for an individual goal.",
    )


def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a goal's wording, key result, level, due day, progress or status."""
    goal = _goal(request, pk)
    require(goals.may_change(request.user, goal))
    form = goal_forms.GoalEditForm(request.POST or None, actor=request.user, instance=goal)
    back = reverse("growth:goal_detail", args=[pk])
    return form_page(request, form, title="Change the goal", back=back)


def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a goal (after confirming)."""
    goal = _goal(request, pk)
    require(goals.may_change(request.user, goal))
    return delete_page(
        request,
        what=f"the goal {goal.title}",
        summary=deletion_summary(goal),
        back=reverse("growth:goal_detail", args=[pk]),
        done=reverse("growth:goals"),
        delete=lambda: goals.goal_delete(actor=request.user, goal=goal),
    )
