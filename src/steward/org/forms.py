"""Forms of the organization; each saves through one service of `steward.org.services`.

People and teams are picked by name (`person_field`, `team_field`), never by id or slug.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.text import slugify

from steward.core.forms import PickerField, ServiceForm, date_input
from steward.org import selectors, services
from steward.org.models import (
    Department,
    Person,
    RoleDescription,
    Team,
    TeamType,
    TerminationType,
    Track,
)


def person_label(person: Person) -> str:
    """How a person is shown in a picker: name, then employee id to tell namesakes apart."""
    return f"{person.name} ({person.employee_id})"


def team_label(team: Team) -> str:
    """How a team is shown in a picker: its name."""
    return team.name


def resolve_person(rows: QuerySet[Person], text: str) -> list[Person]:
    """People matching a picker label: "Name (E0012)", an exact name, or a unique name part."""
    if text.endswith(")") and " (" in text:
        employee_id = text.rsplit(" (", 1)[1][:-1]
        found = list(rows.filter(employee_id=employee_id))
        if found:
            return found
    exact = list(rows.filter(name__iexact=text)[:6])
    return exact or list(rows.filter(name__icontains=text)[:6])


def resolve_team(rows: QuerySet[Team], text: str) -> list[Team]:
    """Teams matching a picker label: an exact name, or a unique part of one."""
    exact = list(rows.filter(name__iexact=text)[:6])
    return exact or list(rows.filter(name__icontains=text)[:6])


def person_field(**kwargs: Any) -> PickerField:
    """A person picked by name."""
    return PickerField(
        source="org:pick_people",
        display=person_label,
        resolve=resolve_person,
        noun="person",
        **kwargs,
    )


def team_field(**kwargs: Any) -> PickerField:
    """A team picked by name."""
    return PickerField(
        source="org:pick_teams", display=team_label, resolve=resolve_team, noun="team", **kwargs
    )


def set_picker_rows(form: forms.Form, actor: Any) -> None:
    """Give every picker of `form` the rows `actor` may pick from."""
    for field in form.fields.values():
        if isinstance(field, PickerField):
            if field.noun == "person":
                field.rows = selectors.person_list(actor=actor)
            else:
                field.rows = selectors.team_list(actor=actor)


def picker_options(actor: Any, kind: str, text: str, limit: int = 12) -> list[str]:
    """Suggestions for a picker: labels of visible people or teams whose name contains `text`."""
    text = text.strip()
    if kind == "people":
        people = selectors.person_list(actor=actor, active_on=date.today())
        if text:
            people = people.filter(Q(name__icontains=text) | Q(employee_id__iexact=text))
        return [person_label(p) for p in people.order_by("name")[:limit]]
    teams = selectors.team_list(actor=actor).filter(dissolved_on__isnull=True)
    if text:
        teams = teams.filter(name__icontains=text)
    return [team_label(t) for t in teams.order_by("name")[:limit]]


def _emails(text: str) -> list[str]:
    return [e.strip().lower() for e in text.replace(",", ";").split(";") if e.strip()]


def _department_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((d.slug, d.name) for d in Department.objects.order_by("name"))]


class PersonForm(ServiceForm):
    """A person: the public record, the HR record and compensation for the roles allowed."""

    employee_id = forms.CharField(max_length=64, label="Employee id")
    name = forms.CharField(max_length=200)
    emails = forms.CharField(required=False, help_text="several addresses separated by ;")
    title = forms.CharField(max_length=200, required=False)
    level = forms.CharField(max_length=32, required=False)
    track = forms.ChoiceField(choices=Track.choices)
    team = team_field(required=False)
    manager = person_field(required=False)
    location = forms.CharField(max_length=100, required=False)
    timezone = forms.CharField(max_length=64, required=False, help_text="e.g. Europe/Berlin")
    start_date = forms.DateField(widget=date_input(), label="Start date")
    end_date = forms.DateField(
        widget=date_input(), required=False, label="End date", help_text="set when they leave"
    )
    on = forms.DateField(
        widget=date_input(),
        required=False,
        label="A new team or manager applies from",
        help_text="default today",
    )
    department = forms.ChoiceField(choices=(), required=False)
    employment_type = forms.CharField(max_length=32, required=False)
    fte = forms.DecimalField(max_digits=4, decimal_places=2, required=False, label="FTE")
    termination_type = forms.ChoiceField(
        choices=[("", "—"), *TerminationType.choices], required=False
    )
    regretted = forms.NullBooleanField(required=False, label="Regretted departure")
    salary = forms.DecimalField(max_digits=12, decimal_places=2, required=False, min_value=0)
    currency = forms.CharField(max_length=3, required=False, help_text="ISO 4217, e.g. EUR")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person: Person | None = self.instance
        editable = services.person_editable_fields(actor=self.actor, person=person)
        for name in list(self.fields):
            if name in ("employee_id", "on"):
                continue
            if name not in editable:
                del self.fields[name]
        if person is not None:
            del self.fields["employee_id"]
            for name in self.fields:
                if name == "emails":
                    self.initial[name] = "; ".join(e.email for e in person.emails.all())
                elif name == "department":
                    self.initial[name] = person.department.slug if person.department else ""
                elif name != "on":
                    self.initial[name] = getattr(person, name)
        else:
            del self.fields["on"]
        if "department" in self.fields:
            self.fields["department"].choices = _department_choices()  # type: ignore[attr-defined]
        set_picker_rows(self, self.actor)

    def perform(self, data: dict[str, Any]) -> Person:
        values = {k: v for k, v in data.items() if k not in ("employee_id", "on")}
        if "emails" in values:
            values["emails"] = _emails(values["emails"])
        if "department" in values:
            values["department"] = Department.objects.filter(slug=values["department"]).first()
        for text in ("title", "level", "location", "timezone", "employment_type", "currency"):
            if text in values:
                values[text] = values[text] or ""
        if "currency" in values:
            values["currency"] = values["currency"].upper()
        if "termination_type" in values:
            values["termination_type"] = values["termination_type"] or ""
        if "fte" in values and values["fte"] is None:
            values["fte"] = Decimal("1.00")
        if self.instance is None:
            return services.person_add(
                actor=self.actor, employee_id=data["employee_id"].strip(), **values
            )
        return services.person_update(
            actor=self.actor, person=self.instance, on=data.get("on"), **values
        )


class TeamMoveForm(ServiceForm):
    """Move a person to another team from a date (the old membership stays in the history)."""

    person = person_field()
    team = team_field(label="New team")
    on = forms.DateField(widget=date_input(), label="From", initial=date.today)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_picker_rows(self, self.actor)

    def perform(self, data: dict[str, Any]) -> Person:
        person: Person = data["person"]
        if person.team_id == data["team"].pk:
            from steward.org.errors import OrgError

            message = f"{person.name} is in {data['team'].name} already"
            raise OrgError(message, fields={"team": [message]})
        return services.person_move(
            actor=self.actor, person=person, team=data["team"], on=data["on"]
        )


def unique_slug(model: Any, name: str) -> str:
    """A slug for a new team or department, from its name (numbered when taken)."""
    base = slugify(name)[:60] or "team"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class TeamForm(ServiceForm):
    """A team: name, type, mission, department and lead (the slug is made from the name)."""

    name = forms.CharField(max_length=200)
    type = forms.ChoiceField(choices=TeamType.choices)
    mission = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    department = forms.ChoiceField(choices=(), required=False)
    lead = person_field(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _department_choices()  # type: ignore[attr-defined]
        team: Team | None = self.instance
        if team is not None:
            self.initial.update(
                name=team.name,
                type=team.type,
                mission=team.mission,
                department=team.department.slug if team.department else "",
                lead=team.lead,
            )
        set_picker_rows(self, self.actor)

    def perform(self, data: dict[str, Any]) -> Team:
        department = Department.objects.filter(slug=data["department"]).first()
        values = {
            "name": data["name"],
            "type": data["type"],
            "mission": data["mission"],
            "department": department,
            "lead": data["lead"],
        }
        if self.instance is None:
            slug = unique_slug(Team, data["name"])
            return services.team_create(actor=self.actor, slug=slug, **values)
        return services.team_update(actor=self.actor, team=self.instance, **values)


class DepartmentForm(ServiceForm):
    """A department: name and the department it belongs to."""

    name = forms.CharField(max_length=200)
    parent = forms.ChoiceField(choices=(), required=False, label="Part of")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _department_choices()
        if self.instance is not None:
            choices = [c for c in choices if c[0] != self.instance.slug]
            self.initial.update(
                name=self.instance.name,
                parent=self.instance.parent.slug if self.instance.parent else "",
            )
        self.fields["parent"].choices = choices  # type: ignore[attr-defined]

    def perform(self, data: dict[str, Any]) -> Department:
        parent = Department.objects.filter(slug=data["parent"]).first()
        if self.instance is None:
            return services.department_create(
                actor=self.actor,
                slug=unique_slug(Department, data["name"]),
                name=data["name"],
                parent=parent,
            )
        return services.department_update(
            actor=self.actor, department=self.instance, name=data["name"], parent=parent
        )


class RoleForm(ServiceForm):
    """A role description: title, one-line description and the body in Markdown."""

    title = forms.CharField(max_length=200)
    description = forms.CharField(max_length=500, required=False)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text="Markdown: a summary, then sections with ## headings and - bullet items",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role: RoleDescription | None = self.instance
        if role is not None:
            self.initial.update(title=role.title, description=role.description, body=role.body)

    def perform(self, data: dict[str, Any]) -> RoleDescription:
        return services.role_description_save(
            actor=self.actor,
            role=self.instance,
            title=data["title"],
            description=data["description"],
            body=data["body"],
        )
