"""Growth forms: every write goes through the services (errors land beside their fields)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any, ClassVar

from django import forms
from django.utils.text import slugify

from steward.core import policy
from steward.core.forms import ServiceForm, date_input
from steward.growth import rules, services
from steward.growth.models import (
    Competency,
    Course,
    DevelopmentGoal,
    LadderLevel,
    OnboardingTemplate,
    PromotionCase,
    Survey,
)
from steward.org.forms import person_field, set_picker_rows

_DUE = re.compile(r"\s+by\s+(\d{4}-\d{2}-\d{2})\s*$")


def numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines of `text` that hold something, stripped, with their numbers from 1."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line:
            yield number, line


def parse_actions(text: str, owner: Any, field: str) -> list[services.ActionIn]:
    """One action item per line; "… by 2026-12-15" sets the due day."""
    items = []
    for number, line in numbered_lines(text):
        due = None
        match = _DUE.search(line)
        if match:
            try:
                due = date.fromisoformat(match.group(1))
            except ValueError as exc:
                raise services.GrowthError(
                    f"line {number}: {match.group(1)} is not a day",
                    fields={field: [f"line {number}: write the day as YYYY-MM-DD"]},
                ) from exc
            line = line[: match.start()].strip()
        items.append(services.ActionIn(text=line, owner=owner, due_on=due))
    return items


class LevelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A ladder level shown as "Track · L3 Senior Software Engineer"."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.track} · {obj}"


def level_choice(**kwargs: Any) -> LevelChoiceField:
    """A level picked from a list (the form sets the queryset)."""
    return LevelChoiceField(queryset=LadderLevel.objects.none(), **kwargs)


def competency_choice(**kwargs: Any) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    """A competency picked from a list (the form sets the queryset)."""
    return forms.ModelChoiceField(queryset=Competency.objects.none(), **kwargs)


def text_area(rows: int, **kwargs: Any) -> forms.CharField:
    """Text of several lines, in a box `rows` lines high."""
    return forms.CharField(widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def currency_field() -> forms.RegexField:
    """A three-letter currency code, EUR unless changed."""
    return forms.RegexField(
        regex=r"^[A-Z]{3}$",
        initial="EUR",
        max_length=3,
        error_messages={"invalid": "three capital letters, e.g. EUR"},
    )


def set_rows(form: forms.Form, name: str, rows: Any) -> None:
    """The rows the list field `name` offers."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = rows


def set_people(form: ServiceForm, *, me_in: str = "") -> None:
    """The person pickers offer whom the actor may see; `me_in` starts at the actor's person."""
    set_picker_rows(form, form.actor)
    if me_in and not form.is_bound:
        me = policy.person_of(form.actor)
        if me is not None:
            form.initial[me_in] = me


class RowsForm(ServiceForm):
    """A form with a list field, `rows_field`, whose rows the page passes as `rows`."""

    rows_field: ClassVar[str] = ""

    def __init__(self, *args: Any, rows: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_rows(self, self.rows_field, rows)


class PairForm(ServiceForm):
    """A new 1:1 cadence."""

    manager = person_field(help_text="who runs the 1:1")
    report = person_field(help_text="their report")
    cadence_days = forms.IntegerField(
        min_value=1,
        max_value=365,
        initial=14,
        label="Every (days)",
        help_text="7 weekly, 14 every two weeks",
    )
    started_on = forms.DateField(widget=date_input(), initial=date.today, label="Starting on")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_people(self, me_in="manager")

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call(services.pair_create, data)


class PairEditForm(ServiceForm):
    """Change a cadence, or end it."""

    cadence_days = forms.IntegerField(min_value=1, max_value=365, label="Every (days)")
    ended_on = forms.DateField(
        widget=date_input(), required=False, label="Ended on", help_text="leave empty while running"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(
                cadence_days=self.instance.cadence_days, ended_on=self.instance.ended_on
            )

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call(services.pair_update, data, pair=self.instance)


class MeetingForm(ServiceForm):
    """Record a 1:1 (seen by the two of you only)."""

    held_on = forms.DateField(widget=date_input(), initial=date.today, label="Held on")
    agenda = text_area(4, required=False)
    private_notes = text_area(4, required=False, help_text="only the two of you see these notes")
    actions_report = text_area(
        3,
        required=False,
        label="Action items for the report",
        help_text='one per line; end a line with "by 2026-12-15" for a due day',
    )
    actions_manager = text_area(3, required=False, label="Action items for the manager")

    def perform(self, data: dict[str, Any]) -> Any:
        pair = self.instance
        actions = parse_actions(data["actions_report"], pair.report, "actions_report")
        actions += parse_actions(data["actions_manager"], pair.manager, "actions_manager")
        return services.meeting_record(
            actor=self.actor,
            pair=pair,
            held_on=data["held_on"],
            agenda=data["agenda"],
            private_notes=data["private_notes"],
            actions=actions,
        )


class LevelForm(RowsForm):
    """Put a person at a ladder level from a day."""

    level = level_choice()
    start = forms.DateField(widget=date_input(), initial=date.today, label="From")
    note = forms.CharField(required=False, max_length=300)

    rows_field = "level"

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call(services.person_level_set, data, person=self.instance)


class PlanForm(RowsForm):
    """A development plan for a person."""

    title = forms.CharField(max_length=200)
    started_on = forms.DateField(widget=date_input(), initial=date.today)
    target_level = level_choice(required=False)

    rows_field = "target_level"

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call(services.plan_create, data, person=self.instance)


class GoalForm(RowsForm):
    """A goal of a development plan, tied to a competency."""

    title = forms.CharField(max_length=300)
    competency = competency_choice(required=False)
    due_on = forms.DateField(widget=date_input(), required=False)

    rows_field = "competency"

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call(services.goal_add, data, plan=self.instance)


class CheckInForm(ServiceForm):
    """A check-in on a development goal."""

    on = forms.DateField(widget=date_input(), initial=date.today, label="Day")
    progress = forms.IntegerField(min_value=0, max_value=100, label="Progress (%)")
    note = text_area(3, required=False)
    status = forms.ChoiceField(choices=DevelopmentGoal.Status.choices, required=False)

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call(services.goal_check_in, data, goal=self.instance)


class PromotionForm(RowsForm):
    """A promotion case: who, to which level, why."""

    person = person_field()
    to_level = level_choice(label="To level")
    opened_on = forms.DateField(widget=date_input(), initial=date.today)
    summary = text_area(4, required=False)

    rows_field = "to_level"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_people(self)

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call(services.promotion_open, data)


class EvidenceForm(RowsForm):
    """A piece of evidence for a promotion case."""

    competency = competency_choice(required=False)
    text = text_area(3, label="What they did")
    url = forms.URLField(required=False, label="Link", assume_scheme="https")

    rows_field = "competency"

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call(services.promotion_add_evidence, data, case=self.instance)


class DecisionForm(ServiceForm):
    """A decision on a promotion case."""

    outcome = forms.ChoiceField(
        choices=[c for c in PromotionCase.Status.choices if c[0] != PromotionCase.Status.OPEN]
    )
    on = forms.DateField(widget=date_input(), initial=date.today, label="Day")
    note = text_area(3, required=False)

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call(services.promotion_decide, data, case=self.instance)


class OnboardingForm(ServiceForm):
    """Start a joiner's onboarding from a template."""

    person = person_field(label="New joiner")
    template = forms.ModelChoiceField(queryset=OnboardingTemplate.objects.all())
    buddy = person_field(required=False)
    start = forms.DateField(
        widget=date_input(), required=False, help_text="leave empty for the joiner's start date"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_people(self)

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call(services.onboarding_start, data)


# --- engagement surveys ---------------------------------------------------------------------

_QUESTION = re.compile(r"^(?:\[(?P<key>[^\]]*)\]\s*)?(?P<kind>[A-Za-z]+)\s*:\s*(?P<text>.*)$")


def parse_questions(text: str) -> list[services.QuestionIn]:
    """One question per line: "kind: text", or "[key] kind: text" to keep a key (kinds: enps,
    scale, text). A line without a key gets one: `enps` for the eNPS question, else from the
    words of the question."""
    questions: list[services.QuestionIn] = []
    problems: list[str] = []
    taken: set[str] = set()
    pending: list[tuple[int, str, str]] = []
    for number, line in numbered_lines(text):
        match = _QUESTION.match(line)
        if match is None:
            problems.append(
                f"line {number}: write “kind: question” (kinds: enps, scale, text), "
                "e.g. “scale: I know what is expected of me at work”"
            )
            continue
        kind = match.group("kind").lower()
        key = (match.group("key") or "").strip()
        if key and not re.fullmatch(r"[A-Za-z0-9_-]{1,100}", key):
            problems.append(f"line {number}: key [{key}] may hold letters, digits, - and _ only")
            continue
        if key:
            taken.add(key)
            questions.append(services.QuestionIn(key, kind, match.group("text"), number))
        else:
            pending.append((number, kind, match.group("text")))
    for number, kind, words in pending:
        base = "enps" if kind == "enps" else (slugify(words)[:40].strip("-") or "question")
        key, n = base, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
        taken.add(key)
        questions.append(services.QuestionIn(key, kind, words, number))
    if problems:
        raise services.GrowthError(problems[0], fields={"questions": problems})
    return sorted(questions, key=lambda q: q.line)


def questions_text(survey: Survey) -> str:
    """A survey's questions as the form shows them (keys kept, so edits match)."""
    return "\n".join(f"[{q.key}] {q.kind}: {q.text}" for q in survey.questions.all())


class KeyedForm(ServiceForm):
    """Create or change a row named by a short `key` that cannot change later: when changing,
    the key is shown locked and the other fields start at the row's values (`initial_of`)."""

    unique_in: ClassVar[Any] = None  # a model: a new key one of its rows has is refused here

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        row = self.instance
        if row is not None:
            key = self.fields["key"]
            key.disabled = True
            key.required = False
            self.initial["key"] = row.key
            if not self.is_bound:
                self.initial.update(self.initial_of(row))

    def initial_of(self, row: Any) -> dict[str, Any]:
        """The other fields' values of the row being changed."""
        return {}

    def chosen_key(self, data: dict[str, Any]) -> str:
        """The row's key when changing; else the one typed (refused when taken)."""
        if self.instance is not None:
            return str(self.instance.key)
        key = data["key"]
        if self.unique_in is not None and self.unique_in.objects.filter(key=key).exists():
            raise services.GrowthError(
                "taken", fields={"key": [f"{key!r} is taken: pick another short name"]}
            )
        return str(key)


class SurveyForm(KeyedForm):
    """Create or change a survey round: title, dates, who is asked, the questions. Answers are
    anonymous and arrive by import (`steward import survey FILE`)."""

    title = forms.CharField(max_length=200)
    key = forms.SlugField(
        max_length=100,
        label="Survey id",
        help_text="the survey id column of the answers file, e.g. 2027-q1 (cannot change later)",
    )
    opened_on = forms.DateField(widget=date_input(), initial=date.today, label="Opens on")
    closes_on = forms.DateField(widget=date_input(), required=False, label="Closes on")
    audience: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(  # type: ignore[type-arg]
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="the teams asked; none selected asks the whole organization",
    )
    intro = text_area(
        2,
        required=False,
        label="Introduction",
        help_text="shown to respondents above the questions",
    )
    questions = text_area(
        8,
        help_text=(
            "one per line, “kind: question”; kinds: enps (0–10, “How likely are you to "
            "recommend us as a place to work?”), scale (1–5 agreement), text (a comment). "
            "“[key] kind: question” keeps a key; a question with answers keeps its key and kind"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from steward.org import selectors as org_selectors

        set_rows(self, "audience", org_selectors.team_list(actor=self.actor).order_by("name"))

    def initial_of(self, row: Any) -> dict[str, Any]:
        return {
            "title": row.title,
            "opened_on": row.opened_on,
            "closes_on": row.closes_on,
            "audience": list(row.audience.all()),
            "intro": row.intro,
            "questions": questions_text(row),
        }

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call(
            services.survey_save,
            data,
            survey=self.instance,
            key=self.chosen_key(data),
            audience=list(data["audience"]),
            questions=parse_questions(data["questions"]),
        )


# --- onboarding templates, the training catalog, coaching -----------------------------------

_TASK = re.compile(r"^(?:day\s*)?(?P<day>\d+)\s+(?P<owner>[A-Za-z]+)\s*:\s*(?P<title>.+)$", re.I)
OWNERS = ("joiner", "manager", "buddy")


def parse_tasks(text: str) -> list[tuple[str, int, str]]:
    """One task per line: "DAY OWNER: what", e.g. "3 manager: first 1:1" (owners: joiner,
    manager, buddy; day 0-365 after the start)."""
    tasks: list[tuple[str, int, str]] = []
    problems: list[str] = []
    for number, line in numbered_lines(text):
        match = _TASK.match(line)
        if match is None:
            problems.append(f"line {number}: write “day owner: task”, e.g. “3 manager: first 1:1”")
            continue
        day, owner = int(match.group("day")), match.group("owner").lower()
        if owner not in OWNERS:
            problems.append(f"line {number}: owner {owner!r} is not one of joiner, manager, buddy")
        if day > 365:
            problems.append(f"line {number}: day {day:,} is after the first year: 0 to 365")
        tasks.append((match.group("title").strip(), day, owner))
    if not tasks and not problems:
        problems.append("add at least one task, one per line")
    if problems:
        raise services.GrowthError(problems[0], fields={"tasks": problems})
    return tasks


class OnboardingTemplateForm(KeyedForm):
    """Create or change an onboarding template: its tasks with day and owner."""

    title = forms.CharField(max_length=200)
    key = forms.SlugField(max_length=100, label="Short name", help_text="letters, digits, -")
    tasks = text_area(
        10,
        help_text=(
            "one per line, “day owner: task” — day after the start (0–365; 30/60/90 phases), "
            "owner joiner, manager or buddy; e.g. “1 buddy: lunch together”"
        ),
    )

    unique_in = OnboardingTemplate

    def initial_of(self, row: Any) -> dict[str, Any]:
        tasks = "\n".join(f"{t.day} {t.owner}: {t.title}" for t in row.tasks.all())
        return {"title": row.title, "tasks": tasks}

    def perform(self, data: dict[str, Any]) -> Any:
        key = self.chosen_key(data)
        tasks = parse_tasks(data["tasks"])
        return self.call(services.onboarding_template_save, data, key=key, tasks=tasks)


class CourseForm(KeyedForm):
    """Create or change a catalog course."""

    title = forms.CharField(max_length=300)
    key = forms.SlugField(max_length=100, label="Short name", help_text="letters, digits, -")
    provider = forms.CharField(max_length=200, required=False)
    hours = forms.DecimalField(min_value=0, max_digits=6, decimal_places=1, required=False)
    cost = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2, initial=0)
    currency = currency_field()

    unique_in = Course

    def initial_of(self, row: Any) -> dict[str, Any]:
        names = ("title", "provider", "hours", "cost", "currency")
        return {name: getattr(row, name) for name in names}

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call(services.course_save, data, key=self.chosen_key(data))


class CoachingForm(ServiceForm):
    """Start coaching a team lead."""

    coach = person_field()
    lead = person_field(label="Team lead")
    started_on = forms.DateField(widget=date_input(), initial=date.today, label="Starting on")
    goals = text_area(4, required=False, help_text="one goal per line")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_people(self, me_in="coach")

    def perform(self, data: dict[str, Any]) -> Any:
        if data["coach"].pk == data["lead"].pk:
            raise services.GrowthError(
                "same person", fields={"lead": ["a coach coaches someone else"]}
            )
        return self.call(services.coaching_start, data, goals=data["goals"].splitlines())


class CoachingSessionForm(ServiceForm):
    """Record a coaching session (notes: the coach and the lead only)."""

    held_on = forms.DateField(widget=date_input(), initial=date.today, label="Held on")
    topic = forms.CharField(max_length=300)
    notes = text_area(4, required=False, help_text="only the coach and the lead see these notes")

    def perform(self, data: dict[str, Any]) -> Any:
        return self.call(services.coaching_session_record, data, programme=self.instance)


class TrainingRecordForm(ServiceForm):
    """Record that someone took a course."""

    person = person_field()
    course: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None)  # type: ignore[type-arg]
    completed_on = forms.DateField(widget=date_input(), initial=date.today, label="Completed on")
    cost = forms.DecimalField(
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text="leave empty for the catalog's cost",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_people(self, me_in="person")
        set_rows(self, "course", Course.objects.order_by("title"))

    def perform(self, data: dict[str, Any]) -> Any:
        if not rules.may_keep_plan(self.actor, data["person"].pk):
            raise services.GrowthError(
                "not yours", fields={"person": ["you record training for yourself or your reports"]}
            )
        return self.call(services.training_record_add, data)


class TrainingBudgetForm(ServiceForm):
    """Set a person's training budget for a year."""

    person = person_field()
    year = forms.IntegerField(min_value=2000, max_value=2100, initial=lambda: date.today().year)
    amount = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2)
    currency = currency_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_people(self)

    def perform(self, data: dict[str, Any]) -> Any:
        if not rules.may_manage_person(self.actor, data["person"].pk):
            raise services.GrowthError(
                "not yours", fields={"person": ["budgets are set by the managers above the person"]}
            )
        return self.call(services.training_budget_set, data)
