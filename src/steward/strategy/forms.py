"""Forms of the strategy; each saves through one service of `steward.strategy.services`.

Owners are picked by name and teams by name (the org's pickers); objectives by their title.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms

from steward.core.forms import ServiceForm, date_input
from steward.org.forms import person_field, set_picker_rows, team_field
from steward.strategy import rules, services
from steward.strategy.models import (
    IDEA_TRANSITIONS,
    ActionSource,
    CheckIn,
    Horizon,
    Idea,
    IdeaStatus,
    ImprovementAction,
    Initiative,
    InitiativeStatus,
    KeyResult,
    Level,
    Objective,
)
from steward.strategy.scoring import RICE_CONFIDENCE, RICE_IMPACT, WSJF_SCALE

CONFIDENCE_HELP = "0 to 1: how sure the owner is that the target will be met"


class ObjectiveForm(ServiceForm):
    """An objective: key (new objectives only), title, owner, period and priority."""

    key = forms.CharField(max_length=64, help_text="short and stable, e.g. O4")
    title = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner = person_field(required=False)
    start = forms.DateField(widget=date_input())
    end = forms.DateField(widget=date_input())
    priority = forms.IntegerField(min_value=1, initial=1, help_text="1 is the highest")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        objective: Objective | None = self.instance
        if objective is not None:
            del self.fields["key"]
            self.initial.update(
                title=objective.title,
                description=objective.description,
                owner=objective.owner,
                start=objective.start,
                end=objective.end,
                priority=objective.priority,
            )
        set_picker_rows(self, self.actor)

    def perform(self, data: dict[str, Any]) -> Objective:
        values = {k: data[k] for k in ("title", "description", "owner", "start", "end", "priority")}
        if self.instance is None:
            return services.objective_create(actor=self.actor, key=data["key"].strip(), **values)
        return services.objective_update(actor=self.actor, objective=self.instance, **values)


class KeyResultForm(ServiceForm):
    """A key result: baseline, target and current value; a new current value is a check-in."""

    key = forms.CharField(max_length=64, help_text="e.g. KR3")
    title = forms.CharField(max_length=300)
    metric = forms.CharField(max_length=200, required=False)
    unit = forms.CharField(max_length=32, required=False)
    baseline = forms.DecimalField(max_digits=16, decimal_places=4)
    target = forms.DecimalField(max_digits=16, decimal_places=4)
    current = forms.DecimalField(max_digits=16, decimal_places=4)
    confidence = forms.DecimalField(
        max_digits=3,
        decimal_places=2,
        min_value=0,
        max_value=1,
        initial=Decimal("0.5"),
        help_text=CONFIDENCE_HELP,
    )

    def __init__(self, *args: Any, objective: Objective, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objective = objective
        kr: KeyResult | None = self.instance
        if kr is not None:
            del self.fields["key"]
            for name in ("title", "metric", "unit", "baseline", "target", "current", "confidence"):
                self.initial[name] = getattr(kr, name)

    def perform(self, data: dict[str, Any]) -> KeyResult:
        values = {
            k: data[k]
            for k in ("title", "metric", "unit", "baseline", "target", "current", "confidence")
        }
        if self.instance is None:
            return services.key_result_create(
                actor=self.actor, objective=self.objective, key=data["key"].strip(), **values
            )
        return services.key_result_update(actor=self.actor, key_result=self.instance, **values)


class CheckInForm(ServiceForm):
    """A dated reading of a key result."""

    on = forms.DateField(widget=date_input(), initial=date.today, label="Date")
    value = forms.DecimalField(max_digits=16, decimal_places=4)
    confidence = forms.DecimalField(
        max_digits=3, decimal_places=2, min_value=0, max_value=1, help_text=CONFIDENCE_HELP
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, key_result: KeyResult, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_result = key_result
        self.initial.setdefault("confidence", key_result.confidence)

    def perform(self, data: dict[str, Any]) -> CheckIn:
        return services.check_in_record(actor=self.actor, key_result=self.key_result, **data)


def _scale_choices(scale: tuple[Any, ...]) -> list[tuple[str, str]]:
    return [(str(s), str(s)) for s in scale]


# Rows for objective links and team efforts shown beyond those already set.
EXTRA_ROWS = 2


class InitiativeForm(ServiceForm):
    """An initiative with its objective links (weights summing to 1) and effort per team."""

    key = forms.CharField(max_length=64, help_text="short and stable, e.g. PAY-LAUNCH")
    title = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner_team = team_field(required=False, label="Owner team")
    status = forms.ChoiceField(choices=InitiativeStatus.choices)
    horizon = forms.ChoiceField(choices=Horizon.choices)
    cost = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, initial=0)
    value = forms.TypedChoiceField(choices=_scale_choices(WSJF_SCALE), coerce=int, initial="1")
    time_criticality = forms.TypedChoiceField(
        choices=_scale_choices(WSJF_SCALE), coerce=int, initial="1"
    )
    risk_reduction = forms.TypedChoiceField(
        choices=_scale_choices(WSJF_SCALE), coerce=int, initial="1"
    )
    job_size = forms.TypedChoiceField(choices=_scale_choices(WSJF_SCALE), coerce=int, initial="1")
    reach = forms.IntegerField(min_value=0, initial=0)
    impact = forms.TypedChoiceField(
        choices=_scale_choices(RICE_IMPACT), coerce=Decimal, initial="1.0"
    )
    confidence = forms.TypedChoiceField(
        choices=_scale_choices(RICE_CONFIDENCE), coerce=Decimal, initial="0.8"
    )
    feasibility = forms.ChoiceField(choices=Level.choices, initial=Level.HIGH)
    technical_risk = forms.ChoiceField(choices=Level.choices, initial=Level.LOW)
    earliest = forms.CharField(max_length=6, required=False, help_text="a quarter, e.g. 2027Q1")
    deadline = forms.CharField(max_length=6, required=False, help_text="a quarter, e.g. 2027Q4")
    duration = forms.IntegerField(min_value=1, initial=1, help_text="quarters")
    mandatory = forms.BooleanField(required=False)
    planned_start = forms.CharField(max_length=6, required=False, help_text="a quarter")
    depends_on = forms.MultipleChoiceField(choices=(), required=False, label="Depends on")

    SCALARS = (
        "description",
        "status",
        "horizon",
        "cost",
        "value",
        "time_criticality",
        "risk_reduction",
        "job_size",
        "reach",
        "impact",
        "confidence",
        "feasibility",
        "technical_risk",
        "earliest",
        "deadline",
        "duration",
        "mandatory",
        "planned_start",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initiative: Initiative | None = self.instance
        others = Initiative.objects.order_by("key")
        objectives = [("", "—")] + [
            (o.key, f"{o.key}: {o.title}") for o in Objective.objects.order_by("priority", "key")
        ]
        links: list[tuple[str, Decimal]] = []
        efforts: list[tuple[Any, Decimal]] = []
        if initiative is not None:
            del self.fields["key"]
            others = others.exclude(pk=initiative.pk)
            for name in self.SCALARS:
                value = getattr(initiative, name)
                if name in rules.SCALES:
                    value = str(rules.on_scale(value, rules.SCALES[name]))
                self.initial[name] = value
            self.initial["title"] = initiative.title
            self.initial["owner_team"] = initiative.owner_team
            self.initial["depends_on"] = [d.key for d in initiative.depends_on.all()]
            links = [
                (link.objective.key, link.weight.normalize())
                for link in initiative.objective_links.select_related("objective")
            ]
            efforts = [
                (e.team, e.person_weeks.normalize())
                for e in initiative.efforts.select_related("team")
            ]
        self.fields["depends_on"].choices = [  # type: ignore[attr-defined]
            (i.key, f"{i.key}: {i.title}") for i in others
        ]
        self.link_rows = max(len(links) + EXTRA_ROWS, 3)
        for n in range(self.link_rows):
            self.fields[f"objective_{n}"] = forms.ChoiceField(
                choices=objectives, required=False, label=f"Objective {n + 1}"
            )
            self.fields[f"weight_{n}"] = forms.DecimalField(
                min_value=0,
                max_value=1,
                decimal_places=4,
                required=False,
                label=f"Weight {n + 1}",
                help_text="the weights of all objectives add up to 1" if n == 0 else "",
            )
            if n < len(links):
                self.initial[f"objective_{n}"], self.initial[f"weight_{n}"] = links[n]
        self.effort_rows = max(len(efforts) + EXTRA_ROWS, 3)
        for n in range(self.effort_rows):
            self.fields[f"effort_team_{n}"] = team_field(required=False, label=f"Team {n + 1}")
            self.fields[f"effort_weeks_{n}"] = forms.DecimalField(
                min_value=0,
                decimal_places=2,
                required=False,
                label=f"Person-weeks {n + 1}",
            )
            if n < len(efforts):
                self.initial[f"effort_team_{n}"], self.initial[f"effort_weeks_{n}"] = efforts[n]
        set_picker_rows(self, self.actor)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(self.link_rows):
            if bool(data.get(f"objective_{n}")) != (data.get(f"weight_{n}") is not None):
                self.add_error(f"weight_{n}", "give an objective and its weight together")
        for n in range(self.effort_rows):
            if bool(data.get(f"effort_team_{n}")) != (data.get(f"effort_weeks_{n}") is not None):
                self.add_error(f"effort_weeks_{n}", "give a team and its person-weeks together")
        return data

    def perform(self, data: dict[str, Any]) -> Initiative:
        by_key = {o.key: o for o in Objective.objects.all()}
        objectives = [
            (by_key[data[f"objective_{n}"]], data[f"weight_{n}"])
            for n in range(self.link_rows)
            if data.get(f"objective_{n}")
        ]
        efforts: dict[Any, Decimal] = {}
        for n in range(self.effort_rows):
            team = data.get(f"effort_team_{n}")
            if team is not None:
                efforts[team] = efforts.get(team, Decimal(0)) + data[f"effort_weeks_{n}"]
        fields = {name: data[name] for name in self.SCALARS}
        for name in ("earliest", "deadline", "planned_start"):
            fields[name] = (fields[name] or "").strip().upper()
        fields["owner_team"] = data["owner_team"]
        depends = list(Initiative.objects.filter(key__in=data["depends_on"]))
        return services.initiative_save(
            actor=self.actor,
            initiative=self.instance,
            key=self.instance.key if self.instance else data["key"].strip(),
            title=data["title"],
            fields=fields,
            objectives=objectives,
            efforts=efforts,
            depends_on=depends,
        )


class IdeaForm(ServiceForm):
    """An idea or experiment: hypothesis, owner, team, time box and budget."""

    title = forms.CharField(max_length=300)
    hypothesis = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    owner = person_field(required=False)
    team = team_field(required=False)
    timebox_start = forms.DateField(widget=date_input(), required=False, label="Time box from")
    timebox_end = forms.DateField(widget=date_input(), required=False, label="Time box until")
    budget = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0, initial=0)
    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="what the experiment showed",
    )

    status = forms.ChoiceField(
        choices=(),
        required=False,
        help_text="proposed → experimenting → adopted or dropped (say the outcome when it ends)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        idea: Idea | None = self.instance
        if idea is None:
            del self.fields["outcome"]
            del self.fields["status"]
        else:
            for name in self.fields:
                self.initial[name] = getattr(idea, name)
            allowed = (idea.status, *IDEA_TRANSITIONS.get(idea.status, ()))
            self.fields["status"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in IdeaStatus.choices if value in allowed
            ]
        set_picker_rows(self, self.actor)

    def perform(self, data: dict[str, Any]) -> Idea:
        if self.instance is None:
            return services.idea_create(actor=self.actor, **data)
        status = data.pop("status", "") or self.instance.status
        idea = services.idea_update(actor=self.actor, idea=self.instance, **data)
        if status != idea.status:
            idea = services.idea_move(
                actor=self.actor, idea=idea, status=status, on=date.today(), outcome=idea.outcome
            )
        return idea


class ActionForm(ServiceForm):
    """An improvement action from a retrospective or an incident review."""

    title = forms.CharField(max_length=300)
    source = forms.ChoiceField(choices=ActionSource.choices)
    source_ref = forms.CharField(
        max_length=200, required=False, label="Source reference", help_text="e.g. INC-42"
    )
    owner = person_field(required=False)
    team = team_field(required=False)
    created_on = forms.DateField(widget=date_input(), initial=date.today, label="Created")
    due_on = forms.DateField(widget=date_input(), label="Due")
    closed_on = forms.DateField(widget=date_input(), required=False, label="Closed")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action: ImprovementAction | None = self.instance
        if action is None:
            del self.fields["closed_on"]
        else:
            for name in self.fields:
                self.initial[name] = getattr(action, name)
        set_picker_rows(self, self.actor)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        created, due = data.get("created_on"), data.get("due_on")
        if created and due and due < created:
            self.add_error("due_on", "is before the day the action was created")
        return data

    def perform(self, data: dict[str, Any]) -> ImprovementAction:
        if self.instance is None:
            return services.action_create(actor=self.actor, **data)
        return services.action_update(actor=self.actor, action=self.instance, **data)


class InitiativeDecisionsForm(ServiceForm):
    """The architecture decisions (ADR numbers) an initiative carries out or depends on."""

    decisions = forms.CharField(
        required=False,
        label="Decisions",
        help_text="ADR numbers separated by commas, e.g. 8, 15 (empty: none)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from steward.architecture import selectors as architecture_selectors

        super().__init__(*args, **kwargs)
        linked = architecture_selectors.decisions_of_initiative(
            actor=self.actor, key=self.instance.key
        )
        self.initial["decisions"] = ", ".join(str(d.number) for d in linked)

    def clean_decisions(self) -> list[Any]:
        from steward.architecture import selectors as architecture_selectors

        raw = self.cleaned_data["decisions"] or ""
        numbers: list[int] = []
        for part in raw.replace(";", ",").split(","):
            text = part.strip().upper().removeprefix("ADR-").removeprefix("ADR").strip()
            if not text:
                continue
            if not text.isdigit():
                raise forms.ValidationError(f"{part.strip()!r} is not an ADR number")
            numbers.append(int(text))
        found = {
            d.number: d
            for d in architecture_selectors.decision_list(actor=self.actor).filter(
                number__in=numbers
            )
        }
        missing = sorted(set(numbers) - set(found))
        if missing:
            raise forms.ValidationError("no decision number " + ", ".join(str(n) for n in missing))
        return [found[n] for n in sorted(set(numbers))]

    def perform(self, data: dict[str, Any]) -> Any:
        return services.initiative_link_decisions(
            actor=self.actor, initiative=self.instance, decisions=data["decisions"]
        )
