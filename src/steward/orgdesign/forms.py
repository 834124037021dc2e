"""One small form per kind of scenario change; people picked by name, teams from a list.

Each form turns its cleaned fields into the change's payload (employee IDs and team slugs, as
org-as-code writes them) and adds it through `services.scenario_add_change`, which checks it
against the scenario like every other write path (API, YAML import).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.utils.text import slugify

from steward.core import labels
from steward.core.errors import BadInput
from steward.core.forms import PickerInput, date_input
from steward.org import selectors as org_selectors
from steward.org.forms import person_label, resolve_person
from steward.orgdesign import services as design
from steward.orgdesign.models import ChangeKind, Scenario
from steward.orgdesign.structure import TEAM_TYPES

FOLLOW_LEAD_HELP = "They then report to the lead of their new team."


def _person_input() -> PickerInput:
    return PickerInput("org:pick_people", person_label)


class ChangeForm(forms.Form):
    """A scenario change of one kind; `perform` adds it to the scenario."""

    kind: ClassVar[str]
    people_fields: ClassVar[tuple[str, ...]] = ()
    team_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, actor: Any, scenario: Scenario, **kwargs: Any) -> None:
        self.actor = actor
        self.scenario = scenario
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *self._team_choices()]
        for name in self.team_fields:
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices

    def _scenario_changes(self) -> list[tuple[str, dict[str, Any]]]:
        rows = self.scenario.changes.order_by("position").values_list("kind", "payload")  # type: ignore[attr-defined]
        return list(rows)

    def _team_choices(self) -> list[tuple[str, str]]:
        """Teams of the live org, then the teams this scenario creates."""
        live = [
            (t.slug, t.name) for t in org_selectors.team_list(actor=self.actor).order_by("name")
        ]
        known = {slug for slug, _ in live}
        planned = []
        for kind, payload in self._scenario_changes():
            slug = payload.get("slug") if kind == "create_team" else payload.get("new_slug")
            if kind in ("create_team", "split_team") and slug and slug not in known:
                name = payload.get("name") if kind == "create_team" else payload.get("new_name")
                planned.append((slug, f"{name or slug} (new in this scenario)"))
                known.add(slug)
        return live + planned

    def _person_key(self, text: str) -> str:
        """The employee ID of a person picked by name (or ID), or a planned hire's key."""
        text = text.strip()
        for kind, payload in self._scenario_changes():
            if kind == "add_hire" and text in (payload.get("key"), payload.get("title")):
                return str(payload["key"])
        rows = org_selectors.person_list(actor=self.actor)
        by_id = list(rows.filter(employee_id=text)[:1])
        found = by_id or resolve_person(rows, text)
        if not found:
            raise forms.ValidationError(f"no person named {text!r}: pick one from the list")
        if len(found) > 1:
            names = "; ".join(person_label(p) for p in found[:5])
            raise forms.ValidationError(f"{len(found)} people match {text!r}: {names}")
        return found[0].employee_id

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.people_fields:
            text = data.get(name)
            if not text:
                continue
            try:
                data[name] = self._person_key(text)
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        return data

    def payload(self, data: dict[str, Any]) -> dict[str, Any]:
        """The change's payload from the cleaned data (empty values left out)."""
        return {k: v for k, v in data.items() if v not in (None, "", [])}

    def submit(self) -> bool:
        """Add the change; False with the reason on the form when it is refused."""
        if not self.is_valid():
            return False
        try:
            design.scenario_add_change(
                actor=self.actor,
                scenario=self.scenario,
                kind=self.kind,
                payload=self.payload(dict(self.cleaned_data)),
            )
        except BadInput as exc:
            self.add_error(None, str(exc))
            return False
        return True


def _person(label: str, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=_person_input(), help_text=help_text
    )


def _team(label: str, required: bool = True, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=required, help_text=help_text)


def _follow_lead() -> forms.BooleanField:
    return forms.BooleanField(
        label="Report to the team's lead", required=False, initial=True, help_text=FOLLOW_LEAD_HELP
    )


class MovePersonForm(ChangeForm):
    kind = ChangeKind.MOVE_PERSON
    people_fields = ("person", "manager")
    team_fields = ("team",)

    person = _person("Person")
    team = _team("To team", required=False, help_text="Leave empty for no team.")
    follow_lead = _follow_lead()
    manager = _person("New manager", required=False, help_text="Overrides the team's lead.")

    def payload(self, data: dict[str, Any]) -> dict[str, Any]:
        out = super().payload(data)
        out["follow_lead"] = bool(data.get("follow_lead"))
        return out


class ChangeManagerForm(ChangeForm):
    kind = ChangeKind.CHANGE_MANAGER
    people_fields = ("person", "manager")

    person = _person("Person")
    manager = _person("New manager", required=False, help_text="Leave empty for no manager.")


class CreateTeamForm(ChangeForm):
    kind = ChangeKind.CREATE_TEAM
    people_fields = ("lead",)

    name = forms.CharField(label="Team name", max_length=200)
    type = forms.ChoiceField(
        label="Team type", choices=[(t, labels.label(t, "team_type")) for t in TEAM_TYPES]
    )
    lead = _person("Lead", required=False)

    def payload(self, data: dict[str, Any]) -> dict[str, Any]:
        return super().payload({**data, "slug": slugify(data.get("name") or "")})


class SplitTeamForm(ChangeForm):
    kind = ChangeKind.SPLIT_TEAM
    people_fields = ("lead",)
    team_fields = ("team",)

    team = _team("Team to split")
    new_name = forms.CharField(label="New team's name", max_length=200)
    people = forms.CharField(
        label="People who move",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Names of members of the team, one per line.",
    )
    lead = _person("New team's lead", required=False)
    follow_lead = _follow_lead()

    def clean_people(self) -> list[str]:
        keys = []
        for line in str(self.cleaned_data.get("people") or "").splitlines():
            if line.strip():
                keys.append(self._person_key(line))
        if not keys:
            raise forms.ValidationError("name at least one member who moves")
        return keys

    def payload(self, data: dict[str, Any]) -> dict[str, Any]:
        out = super().payload({**data, "new_slug": slugify(data.get("new_name") or "")})
        out["follow_lead"] = bool(data.get("follow_lead"))
        return out


class MergeTeamsForm(ChangeForm):
    kind = ChangeKind.MERGE_TEAMS
    team_fields = ("source", "into")

    source = _team("Team that goes away")
    into = _team("Team its members join")
    follow_lead = _follow_lead()

    def payload(self, data: dict[str, Any]) -> dict[str, Any]:
        out = super().payload(data)
        out["follow_lead"] = bool(data.get("follow_lead"))
        return out


class DissolveTeamForm(ChangeForm):
    kind = ChangeKind.DISSOLVE_TEAM
    team_fields = ("team", "into")

    team = _team("Team to dissolve")
    into = _team("Its members join", required=False, help_text="Leave empty for no team.")
    follow_lead = _follow_lead()

    def payload(self, data: dict[str, Any]) -> dict[str, Any]:
        out = super().payload(data)
        out["follow_lead"] = bool(data.get("follow_lead"))
        return out


class AddHireForm(ChangeForm):
    kind = ChangeKind.ADD_HIRE
    people_fields = ("manager",)
    team_fields = ("team",)

    team = _team("Team")
    title = forms.CharField(label="Role title", max_length=200, required=False)
    level = forms.CharField(label="Level", max_length=32, required=False)
    expected_start = forms.DateField(label="Expected start", widget=date_input())
    manager = _person("Manager", required=False, help_text="Defaults to the team's lead.")
    salary = forms.DecimalField(label="Salary per year", required=False, min_value=Decimal(0))
    currency = forms.CharField(label="Currency", max_length=3, required=False)
    location = forms.CharField(label="Location", max_length=100, required=False)

    def payload(self, data: dict[str, Any]) -> dict[str, Any]:
        taken = {str(p.get("key")) for kind, p in self._scenario_changes() if kind == "add_hire"}
        number = 1
        while f"H-{data['team']}-{number}" in taken:
            number += 1
        start = data.get("expected_start")
        salary = data.get("salary")
        return super().payload(
            {
                **data,
                "key": f"H-{data['team']}-{number}",
                "expected_start": start.isoformat() if isinstance(start, date) else start,
                "salary": str(salary) if salary is not None else None,
                "currency": (data.get("currency") or "").upper(),
            }
        )


class MarkDepartureForm(ChangeForm):
    kind = ChangeKind.MARK_DEPARTURE
    people_fields = ("person",)

    person = _person("Person")
    on = forms.DateField(label="Leaves on", widget=date_input())

    def payload(self, data: dict[str, Any]) -> dict[str, Any]:
        return super().payload({**data, "on": data["on"].isoformat()})


CHANGE_FORMS: dict[str, type[ChangeForm]] = {
    form.kind: form
    for form in (
        MovePersonForm,
        ChangeManagerForm,
        CreateTeamForm,
        SplitTeamForm,
        MergeTeamsForm,
        DissolveTeamForm,
        AddHireForm,
        MarkDepartureForm,
    )
}
