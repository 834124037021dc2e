"""The decision form: every write goes through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from steward.architecture import rules, services
from steward.architecture.models import (
    DEBT_STATUSES,
    KIND_CHOICES,
    TRANSITIONS,
    BlipEvent,
    Component,
    DebtItem,
    Decision,
    RadarQuadrant,
    RadarRing,
    Technology,
)
from steward.core.forms import ServiceForm, date_input


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


class MarkdownWithPreview(forms.Textarea):
    """A Markdown textarea; HTMX posts it as one types and shows the rendered, sanitized HTML."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        target = f"{name}-preview"
        attrs = {
            **(attrs or {}),
            "hx-post": reverse("architecture:decision_preview"),
            "hx-trigger": "input changed delay:400ms, load",
            "hx-target": f"#{target}",
            "hx-swap": "innerHTML",
        }
        html = super().render(name, value, attrs, renderer)
        return format_html(
            '{}<div class="markdown preview" id="{}" aria-live="polite"></div>', html, target
        )


class DecisionForm(ServiceForm):
    """A decision record; the status offers the workflow's next steps only."""

    title = forms.CharField(max_length=300)
    status = forms.ChoiceField(required=False)
    superseded_by = forms.IntegerField(
        required=False, help_text="when superseding: the number of the decision that replaces it"
    )
    date = forms.DateField(required=False, widget=date_input())
    decision_makers = forms.CharField(required=False, help_text="comma-separated names")
    consulted = forms.CharField(required=False, help_text="comma-separated names")
    informed = forms.CharField(required=False, help_text="comma-separated names")
    tags = forms.CharField(required=False, help_text="comma-separated")
    supersedes = forms.IntegerField(required=False, help_text="number of the decision it replaces")
    body = forms.CharField(
        required=False,
        widget=MarkdownWithPreview(attrs={"rows": 16}),
        help_text="Markdown (the preview below updates as you type)",
    )
    technologies = forms.ModelMultipleChoiceField(
        queryset=Technology.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="the radar blips this decision is about",
    )
    components = forms.ModelMultipleChoiceField(
        queryset=Component.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        label="Services",
        help_text="the catalog entries this decision is about",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision: Decision | None = self.instance
        if decision is None:
            del self.fields["status"]
            del self.fields["superseded_by"]
            return
        moves = TRANSITIONS.get(decision.status, ())
        status_field = self.fields["status"]
        assert isinstance(status_field, forms.ChoiceField)
        status_field.choices = [(decision.status, decision.status)] + [(m, m) for m in moves]
        self.initial.update(
            title=decision.title,
            status=decision.status,
            date=decision.date,
            decision_makers=", ".join(decision.decision_makers),
            consulted=", ".join(decision.consulted),
            informed=", ".join(decision.informed),
            tags=", ".join(decision.tags),
            supersedes=decision.supersedes.number if decision.supersedes else None,
            body=decision.body,
            technologies=[link.technology for link in decision.links.all() if link.technology],
            components=[link.component for link in decision.links.all() if link.component],
        )

    def _decision(self, number: int | None, field: str) -> Decision | None:
        if number is None:
            return None
        found = Decision.objects.filter(number=number).first()
        if found is None:
            raise services.DecisionError(
                f"no decision {number}", fields={field: [f"no decision number {number}"]}
            )
        return found

    def perform(self, data: dict[str, Any]) -> Decision:
        values = {
            "title": data["title"],
            "date": data["date"],
            "decision_makers": _split(data["decision_makers"]),
            "consulted": _split(data["consulted"]),
            "informed": _split(data["informed"]),
            "tags": _split(data["tags"]),
            "supersedes": self._decision(data["supersedes"], "supersedes"),
            "body": data["body"],
        }
        links = {
            "technologies": list(data.get("technologies") or []),
            "components": list(data.get("components") or []),
        }
        if self.instance is None:
            created = services.decision_create(actor=self.actor, **values)
            return services.decision_set_links(actor=self.actor, decision=created, **links)
        decision = services.decision_update(actor=self.actor, decision=self.instance, **values)
        services.decision_set_links(actor=self.actor, decision=decision, **links)
        status = data.get("status") or decision.status
        if status != decision.status:
            replaced_by = self._decision(data.get("superseded_by"), "superseded_by")
            decision = services.decision_move(
                actor=self.actor, decision=decision, status=status, superseded_by=replaced_by
            )
        return decision


# --------------------------------------------------------------------------- the tech radar


class TechnologyForm(ServiceForm):
    """A technology on the radar; when new, also where it enters the radar and why."""

    name = forms.CharField(max_length=200)
    quadrant = forms.ModelChoiceField(queryset=RadarQuadrant.objects.all(), empty_label=None)
    ring = forms.ModelChoiceField(
        queryset=RadarRing.objects.all(), required=False, empty_label="(not on the radar yet)"
    )
    date = forms.DateField(widget=date_input(), help_text="the day it entered this ring")
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}), help_text="Markdown"
    )
    aliases = forms.CharField(
        required=False,
        help_text="comma-separated other names manifests use (e.g. psycopg, postgres)",
    )

    def __init__(self, *args: Any, today: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tech: Technology | None = self.instance
        if tech is not None:
            for name in ("ring", "date", "reason"):
                del self.fields[name]
            self.initial.update(
                name=tech.name,
                quadrant=tech.quadrant,
                description=tech.description,
                aliases=", ".join(tech.aliases),
            )
        else:
            self.initial.setdefault("date", today)

    def perform(self, data: dict[str, Any]) -> Technology:
        tech = services.technology_save(
            actor=self.actor,
            name=data["name"],
            quadrant=data["quadrant"],
            description=data["description"],
            aliases=_split(data["aliases"]),
            links=self.instance.links if self.instance else (),
            technology=self.instance,
        )
        if self.instance is None and data.get("ring") is not None:
            services.blip_record(
                actor=self.actor,
                technology=tech,
                day=data["date"],
                ring=data["ring"],
                reason=data["reason"],
            )
        return tech


class BlipMoveForm(ServiceForm):
    """Move a blip to another ring (or off the radar) from a date on, with the reason."""

    ring = forms.ModelChoiceField(
        queryset=RadarRing.objects.all(), required=False, empty_label="(take it off the radar)"
    )
    date = forms.DateField(widget=date_input())
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def perform(self, data: dict[str, Any]) -> Technology:
        technology: Technology = self.instance
        services.blip_record(
            actor=self.actor,
            technology=technology,
            day=data["date"],
            ring=data["ring"],
            reason=data["reason"],
        )
        return technology


# --------------------------------------------------------------------------- service catalog


class ComponentForm(ServiceForm):
    """A catalog entity: owner team, tier, lifecycle, repository, system, dependencies."""

    kind = forms.ChoiceField(choices=KIND_CHOICES)
    name = forms.CharField(
        max_length=63, help_text="letters and digits joined by - _ or . (as in Backstage)"
    )
    title = forms.CharField(max_length=200, required=False)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    type = forms.CharField(max_length=50, required=False, help_text="service, website, library…")
    lifecycle = forms.ChoiceField(
        choices=[
            ("", "—"),
            ("experimental", "experimental"),
            ("production", "production"),
            ("deprecated", "deprecated"),
        ],
        required=False,
    )
    owner_team: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, required=False)
    tier = forms.TypedChoiceField(
        choices=[("", "—"), ("1", "Tier 1"), ("2", "Tier 2"), ("3", "Tier 3")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    repository: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="name"
    )
    system = forms.ModelChoiceField(
        queryset=Component.objects.filter(kind="system"), required=False
    )
    depends_on = forms.ModelMultipleChoiceField(
        queryset=Component.objects.exclude(kind__in=["system", "domain"]),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    oncall = forms.CharField(max_length=200, required=False, label="On-call rotation")
    runbook = forms.CharField(max_length=500, required=False, help_text="a URL")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from steward.engineering import selectors as engineering_selectors
        from steward.org import selectors as org_selectors

        super().__init__(*args, **kwargs)
        teams = org_selectors.team_list(actor=self.actor).filter(dissolved_on__isnull=True)
        if not rules.may_decide(self.actor):
            teams = teams.filter(pk__in=rules.led_team_ids(self.actor))
        owner = self.fields["owner_team"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = teams.order_by("name")
        repo = self.fields["repository"]
        assert isinstance(repo, forms.ModelChoiceField)
        repo.queryset = engineering_selectors.repository_list(actor=self.actor).order_by("name")
        component: Component | None = self.instance
        if component is not None:
            del self.fields["kind"]
            del self.fields["name"]
            deps = self.fields["depends_on"]
            assert isinstance(deps, forms.ModelMultipleChoiceField)
            deps.queryset = Component.objects.exclude(kind__in=["system", "domain"]).exclude(
                pk=component.pk
            )
            self.initial.update(
                {name: getattr(component, name) for name in services.COMPONENT_FIELDS}
            )
            self.initial["depends_on"] = list(component.depends_on.all())

    def perform(self, data: dict[str, Any]) -> Component:
        values = {name: data[name] for name in services.COMPONENT_FIELDS}
        values["lifecycle"] = values["lifecycle"] or ""
        if self.instance is None:
            return services.component_save(
                actor=self.actor,
                kind=data["kind"],
                name=data["name"],
                depends_on=list(data["depends_on"]),
                **values,
            )
        return services.component_save(
            actor=self.actor,
            component=self.instance,
            depends_on=list(data["depends_on"]),
            **values,
        )


# --------------------------------------------------------------------------- tech-debt register

SCALE_CHOICES = [(str(v), str(v)) for v in services.WSJF_SCALE]


def _score(label: str, help_text: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=SCALE_CHOICES, coerce=int, initial="1", label=label, help_text=help_text
    )


class DebtForm(ServiceForm):
    """A tech-debt item: what it is, where, what it costs to leave it, and its WSJF inputs."""

    title = forms.CharField(max_length=300)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    owner_team: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, required=False)
    components = forms.ModelMultipleChoiceField(
        queryset=Component.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        label="Affected services",
    )
    paths = forms.CharField(
        required=False, help_text="comma-separated paths or hotspots (repo/path)"
    )
    interest = forms.DecimalField(
        required=False,
        min_value=0,
        decimal_places=2,
        label="Interest (cost of delay per quarter)",
        help_text="in the reporting currency",
    )
    business_value = _score("Business value", "1, 2, 3, 5, 8, 13 or 20")
    time_criticality = _score("Time criticality", "how fast the value decays")
    risk_reduction = _score("Risk reduction / opportunity enablement", "")
    job_size = _score("Job size", "relative effort")
    decisions = forms.ModelMultipleChoiceField(
        queryset=Decision.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        label="Linked decisions",
    )
    status = forms.ChoiceField(choices=[(s, s) for s in DEBT_STATUSES], initial="open")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from steward.org import selectors as org_selectors

        super().__init__(*args, **kwargs)
        teams = org_selectors.team_list(actor=self.actor).filter(dissolved_on__isnull=True)
        if not rules.may_decide(self.actor):
            teams = teams.filter(pk__in=rules.led_team_ids(self.actor))
        owner = self.fields["owner_team"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = teams.order_by("name")
        item: DebtItem | None = self.instance
        if item is not None:
            self.initial.update({name: getattr(item, name) for name in services.DEBT_FIELDS})
            self.initial["paths"] = ", ".join(item.paths)
            self.initial["components"] = list(item.components.all())
            self.initial["decisions"] = list(item.decisions.all())

    def perform(self, data: dict[str, Any]) -> DebtItem:
        values = {name: data[name] for name in services.DEBT_FIELDS}
        values["paths"] = _split(data["paths"])
        return services.debt_save(
            actor=self.actor,
            item=self.instance,
            components=list(data["components"]),
            decisions=list(data["decisions"]),
            **values,
        )


class QuadrantForm(ServiceForm):
    """A radar quadrant: its name, place in the display order, and whether manifests show it."""

    name = forms.CharField(max_length=100)
    position = forms.IntegerField(min_value=0, help_text="display order, clockwise from 12 o'clock")
    detectable = forms.BooleanField(
        required=False,
        initial=True,
        label="Its technologies show up in manifests",
        help_text="untick for Techniques: their Adopt blips are never flagged as unused",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            self.initial.update(
                name=self.instance.name,
                position=self.instance.position,
                detectable=self.instance.detectable,
            )

    def perform(self, data: dict[str, Any]) -> RadarQuadrant:
        return services.quadrant_save(
            actor=self.actor,
            name=data["name"],
            position=data["position"],
            detectable=data["detectable"],
            quadrant=self.instance,
        )


class RingForm(ServiceForm):
    """A radar ring: name, position (0 innermost), colour and what it means."""

    name = forms.CharField(max_length=100)
    position = forms.IntegerField(min_value=0, help_text="0 is the innermost ring")
    color = forms.CharField(max_length=20, required=False, help_text="e.g. #5ba300")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            self.initial.update(
                name=self.instance.name,
                position=self.instance.position,
                color=self.instance.color,
                description=self.instance.description,
            )

    def perform(self, data: dict[str, Any]) -> RadarRing:
        return services.ring_save(
            actor=self.actor,
            name=data["name"],
            position=data["position"],
            color=data["color"],
            description=data["description"],
            ring=self.instance,
        )


class QuadrantDeleteForm(ServiceForm):
    """Delete a quadrant; its technologies go to another quadrant first."""

    move_to = forms.ModelChoiceField(
        queryset=RadarQuadrant.objects.none(),
        required=False,
        label="Move its technologies to",
        empty_label="(it holds no technology)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["move_to"]
        field.queryset = RadarQuadrant.objects.exclude(pk=self.instance.pk)  # type: ignore[attr-defined]
        if self.instance.technologies.exists():
            field.empty_label = "Choose a quadrant"  # type: ignore[attr-defined]

    def perform(self, data: dict[str, Any]) -> int:
        return services.quadrant_delete(
            actor=self.actor, quadrant=self.instance, move_to=data["move_to"]
        )


class RingDeleteForm(ServiceForm):
    """Delete a ring; every timeline event in it goes to another ring first."""

    move_to = forms.ModelChoiceField(
        queryset=RadarRing.objects.none(),
        required=False,
        label="Put its blips (their whole history) in",
        empty_label="(no blip has ever been in it)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["move_to"]
        field.queryset = RadarRing.objects.exclude(pk=self.instance.pk)  # type: ignore[attr-defined]
        if BlipEvent.objects.filter(ring=self.instance).exists():
            field.empty_label = "Choose a ring"  # type: ignore[attr-defined]

    def perform(self, data: dict[str, Any]) -> int:
        return services.ring_delete(actor=self.actor, ring=self.instance, move_to=data["move_to"])
