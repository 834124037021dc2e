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
from steward.core.forms import PickerInput, ServiceForm, date_input
from steward.core.periods import parse_quarter
from steward.org import selectors as org_selectors
from steward.org.forms import person_field, person_label, resolve_person, set_picker_rows
from steward.orgdesign import services as design
from steward.orgdesign.models import (
    AllocationKind,
    ChangeKind,
    HeadcountPlanEntry,
    PlanKind,
    PlanStatus,
    Scenario,
    TeamAllocation,
)
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


# --- capacity allocations and the headcount plan (issue 9) -----------------------------------


def _live_team_choices(actor: Any) -> list[tuple[str, str]]:
    teams = org_selectors.team_list(actor=actor).filter(dissolved_on__isnull=True)
    return list(teams.order_by("name").values_list("slug", "name"))


def _team_row(slug: str) -> Any:
    team = org_selectors.team_by_slug(slug)
    assert team is not None  # a choice among the live teams
    return team


def _clean_quarter(text: str) -> str:
    """A quarter as "2027Q1", or blank; the message says what would be accepted."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        return str(parse_quarter(text))
    except BadInput as exc:
        raise forms.ValidationError(str(exc)) from exc


class AllocationForm(ServiceForm):
    """A share of a team's capacity set aside (on-call, keeping the lights on, leave, other).

    Adding names the team, kind and quarter; editing changes the share and the note."""

    team = forms.ChoiceField(choices=())
    kind = forms.ChoiceField(choices=AllocationKind.choices)
    quarter = forms.CharField(
        max_length=7,
        required=False,
        help_text="A quarter such as 2027Q1; blank for every quarter.",
    )
    share = forms.DecimalField(
        label="Share of capacity (%)",
        min_value=Decimal("0.1"),
        max_value=Decimal(100),
        max_digits=4,
        decimal_places=1,
        help_text="Between 0.1 and 100 %; to stop setting capacity aside, delete the allocation.",
    )
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            for name in ("team", "kind", "quarter"):
                del self.fields[name]
            self.initial.update(share=self.instance.share * 100, note=self.instance.note)
        else:
            self.fields["team"].choices = [("", "—"), *_live_team_choices(self.actor)]  # type: ignore[attr-defined]

    def clean_quarter(self) -> str:
        return _clean_quarter(self.cleaned_data.get("quarter", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance is None and data.get("team") and data.get("kind"):
            taken = TeamAllocation.objects.filter(
                team__slug=data["team"], kind=data["kind"], quarter=data.get("quarter", "")
            ).exists()
            if taken:
                raise forms.ValidationError(
                    "This team already has an allocation of this kind for that quarter: edit it "
                    "on the capacity page."
                )
        return data

    def perform(self, data: dict[str, Any]) -> TeamAllocation:
        share = data["share"] / 100
        if self.instance is not None:
            return design.allocation_update(
                actor=self.actor, allocation=self.instance, share=share, note=data["note"]
            )
        team = _team_row(data["team"])
        row = design.allocation_set(
            actor=self.actor,
            team=team,
            kind=data["kind"],
            share=share,
            quarter=data["quarter"],
            note=data["note"],
        )
        assert row is not None  # the share is above 0
        return row


class PlanEntryForm(ServiceForm):
    """A planned hire or backfill: team, level, expected start, FTE, location, planned salary.

    The key is made from the team when left blank; a backfill names the person it replaces.
    """

    key = forms.SlugField(
        max_length=64,
        required=False,
        help_text="A short code for the entry; blank: made from the team (hc-payments-3).",
    )
    team = forms.ChoiceField(choices=())
    kind = forms.ChoiceField(choices=PlanKind.choices)
    status = forms.ChoiceField(choices=PlanStatus.choices)
    title = forms.CharField(max_length=200, required=False)
    level = forms.CharField(max_length=32, help_text="The career level, e.g. L3.")
    track = forms.ChoiceField(
        choices=list(HeadcountPlanEntry._meta.get_field("track").choices or [])  # org's Track
    )
    expected_start = forms.DateField(widget=date_input())
    quarter = forms.CharField(
        max_length=7,
        required=False,
        help_text="The plan quarter such as 2027Q1; blank: the quarter of the expected start.",
    )
    fte = forms.DecimalField(
        label="FTE", min_value=Decimal("0.01"), max_value=Decimal(1), decimal_places=2, initial=1
    )
    location = forms.CharField(max_length=100, required=False)
    salary = forms.DecimalField(
        label="Planned salary",
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    currency = forms.CharField(max_length=3, required=False, help_text="e.g. EUR")
    replaces = person_field(required=False, help_text="For a backfill: the person who left.")
    manager = person_field(required=False, help_text="Who the new person will report to.")
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_picker_rows(self, self.actor)
        self.fields["team"].choices = [("", "—"), *_live_team_choices(self.actor)]  # type: ignore[attr-defined]
        entry = self.instance
        if entry is None:
            del self.fields["status"]
            return
        del self.fields["key"]
        self.initial.update(
            team=entry.team.slug,
            kind=entry.kind,
            status=entry.status,
            title=entry.title,
            level=entry.level,
            track=entry.track,
            expected_start=entry.expected_start,
            quarter=entry.quarter,
            fte=entry.fte,
            location=entry.location,
            salary=entry.salary,
            currency=entry.currency,
            replaces=entry.replaces,
            manager=entry.manager,
            note=entry.note,
        )

    def clean_quarter(self) -> str:
        return _clean_quarter(self.cleaned_data.get("quarter", ""))

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").strip().upper()

    def _fields(self, data: dict[str, Any]) -> dict[str, Any]:
        names = ("kind", "title", "level", "track", "expected_start", "quarter", "fte")
        values = {name: data[name] for name in names}
        values.update(
            team=_team_row(data["team"]),
            location=data["location"],
            salary=data["salary"],
            currency=data["currency"],
            replaces=data["replaces"],
            manager=data["manager"],
            note=data["note"],
        )
        return values

    def perform(self, data: dict[str, Any]) -> HeadcountPlanEntry:
        values = self._fields(data)
        if self.instance is not None:
            return design.plan_entry_update(
                actor=self.actor, entry=self.instance, status=data["status"], **values
            )
        team = values.pop("team")
        key = data["key"] or _free_plan_key(f"hc-{team.slug}")
        return design.plan_entry_create(
            actor=self.actor,
            key=key,
            team=team,
            level=values.pop("level"),
            expected_start=values.pop("expected_start"),
            kind=values.pop("kind"),
            quarter=values.pop("quarter"),
            **values,
        )


def _free_plan_key(base: str) -> str:
    """`base-N` with the first N not taken by a plan entry."""
    taken = set(
        HeadcountPlanEntry.objects.filter(key__startswith=f"{base}-").values_list("key", flat=True)
    )
    n = 1
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
