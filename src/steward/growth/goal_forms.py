"""Forms for goals that cascade from objectives (through `growth.goals`' services)."""

from __future__ import annotations

from typing import Any

from django import forms

from steward.core.forms import ServiceForm, date_input
from steward.growth import goals, selectors
from steward.growth.forms import level_choice, set_people, set_rows, text_area
from steward.growth.models import Goal
from steward.org.forms import person_field, team_field


class ObjectiveChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An objective shown by its title."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class KeyResultChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A key result shown as "Objective · key result"."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.objective.title} · {obj.title}"


def _pickers(form: ServiceForm) -> None:
    set_rows(form, "key_result", goals.key_result_rows(actor=form.actor))
    set_rows(form, "level", selectors.level_list(actor=form.actor))


class GoalEditForm(ServiceForm):
    """Change a goal (its objective and owner stay)."""

    title = forms.CharField(max_length=300)
    key_result = KeyResultChoiceField(
        queryset=Goal._default_manager.none(),
        required=False,
        help_text="one of the objective's key results this goal moves (optional)",
    )
    level = level_choice(
        required=False, help_text="the ladder level whose expectations the goal is measured by"
    )
    description = text_area(3, required=False)
    due_on = forms.DateField(widget=date_input(), required=False, label="Due on")
    progress = forms.IntegerField(min_value=0, max_value=100, initial=0, label="Progress (%)")
    status = forms.ChoiceField(choices=Goal.Status.choices, initial=Goal.Status.OPEN)
    note = text_area(
        2, required=False, help_text="what moved (kept with the check-in when progress changes)"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _pickers(self)
        goal = self.instance
        if goal is not None and not self.is_bound:
            self.initial.update(
                {
                    "title": goal.title,
                    "key_result": goal.key_result,
                    "level": goal.level,
                    "description": goal.description,
                    "due_on": goal.due_on,
                    "progress": goal.progress,
                    "status": goal.status,
                }
            )

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call(goals.goal_update, data, goal=self.instance)


class GoalForm(ServiceForm):
    """A new goal under an objective, for a team or for one person."""

    objective = ObjectiveChoiceField(queryset=Goal._default_manager.none())
    key_result = KeyResultChoiceField(
        queryset=Goal._default_manager.none(),
        required=False,
        help_text="one of the objective's key results this goal moves (optional)",
    )
    title = forms.CharField(max_length=300)
    team = team_field(required=False, help_text="a team's goal: the team")
    person = person_field(required=False, help_text="or one person's goal: the person")
    level = level_choice(
        required=False,
        help_text="the ladder level whose expectations the goal is measured by "
        "(blank: the person's level today)",
    )
    description = text_area(3, required=False)
    due_on = forms.DateField(widget=date_input(), required=False, label="Due on")

    def __init__(self, *args: Any, objective: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_rows(self, "objective", goals.objective_rows(actor=self.actor))
        _pickers(self)
        set_people(self)
        if objective is not None and not self.is_bound:
            self.initial["objective"] = objective

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call(goals.goal_create, data)
