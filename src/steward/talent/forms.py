"""Hiring forms: each calls one service; service errors land beside their fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.models import User

from steward.core.forms import ServiceForm, date_input
from steward.org import forms as org_forms
from steward.org import selectors as org
from steward.talent import rules, selectors, services
from steward.talent.models import (
    ActivityKind,
    Outcome,
    Reason,
    RejectedBy,
    Requisition,
    Scorecard,
    Source,
    SourceKind,
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


class RequisitionForm(ServiceForm):
    """A requisition: what, where, why, when, for how much, who hires, through which stages."""

    title = forms.CharField(
        max_length=200, help_text="the job title, e.g. Senior Software Engineer"
    )
    team = org_forms.team_field()
    level = forms.CharField(max_length=32, help_text="e.g. L3")
    role = forms.ChoiceField(required=False, help_text="the role description it hires for")
    reason = forms.ChoiceField(choices=Reason.choices)
    initiative = forms.CharField(required=False, help_text="key of the initiative it serves")
    budgeted_cost = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        help_text="fully loaded cost per year",
    )
    currency = forms.CharField(required=False, max_length=3)
    hiring_manager = org_forms.person_field(required=False)
    recruiter = forms.ChoiceField(required=False)
    target_start = forms.DateField(widget=date_input())
    stages = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="one stage per line, in order (blank: Applied, Screen, Technical interview, "
        "Onsite, Offer)",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_forms.set_picker_rows(self, self.actor)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [("", "—")] + [
            (r.slug, r.title) for r in org.role_list(actor=self.actor)
        ]
        recruiter_field = self.fields["recruiter"]
        assert isinstance(recruiter_field, forms.ChoiceField)
        recruiter_field.choices = [("", "—")] + [
            (u.username, u.get_full_name() or u.username)
            for u in User.objects.filter(groups__name__in=["people"]).order_by("username")
        ]
        req: Requisition | None = self.instance
        if req is not None:
            self.initial.update(
                title=req.title,
                team=req.team,
                level=req.level,
                role=req.role.slug if req.role else "",
                reason=req.reason,
                initiative=req.initiative.key if req.initiative else "",
                budgeted_cost=req.budgeted_cost,
                currency=req.currency,
                hiring_manager=req.hiring_manager,
                recruiter=req.recruiter.username if req.recruiter else "",
                target_start=req.target_start,
                stages="\n".join(req.stages),
                note=req.note,
            )
        if not rules.may_see_money(self.actor):
            del self.fields["budgeted_cost"]
            del self.fields["currency"]

    def perform(self, data: dict[str, Any]) -> Requisition:
        from steward.strategy import selectors as strategy

        initiative = None
        if data["initiative"]:
            initiative = strategy.initiative_get(actor=self.actor, key=data["initiative"].strip())
            if initiative is None:
                raise services.TalentError(
                    "no such initiative", fields={"initiative": ["no initiative with this key"]}
                )
        values: dict[str, Any] = {
            "title": data["title"],
            "team": data["team"],
            "level": data["level"],
            "role": org.role_get(actor=self.actor, slug=data["role"]) if data["role"] else None,
            "reason": data["reason"],
            "initiative": initiative,
            "hiring_manager": data["hiring_manager"],
            "recruiter": User.objects.filter(username=data["recruiter"]).first()
            if data["recruiter"]
            else None,
            "target_start": data["target_start"],
            "quarter": services.quarter_of(data["target_start"]),
            "stages": _lines(data["stages"]),
            "note": data["note"],
        }
        values["quarter"] = str(values["quarter"])
        if "budgeted_cost" in data:
            values["budgeted_cost"] = data["budgeted_cost"]
            values["currency"] = data["currency"]
        if self.instance is None:
            return services.requisition_create(actor=self.actor, **values)
        return services.requisition_update(actor=self.actor, requisition=self.instance, **values)


class CandidateForm(ServiceForm):
    """A candidate's contact data (personal data: kept for the retention period)."""

    name = forms.CharField(max_length=200)
    email = forms.EmailField(required=False)
    phone = forms.CharField(required=False, max_length=40)
    location = forms.CharField(required=False, max_length=100)
    retention_days = forms.IntegerField(
        min_value=1,
        max_value=3650,
        initial=services.DEFAULT_RETENTION_DAYS,
        help_text="days to keep the data; then it is erased",
    )

    def perform(self, data: dict[str, Any]) -> Any:
        return services.candidate_create(actor=self.actor, **data)


class ApplicationForm(ServiceForm):
    """The candidate applies to a requisition, from a source."""

    requisition = forms.ChoiceField()
    source = forms.ChoiceField(required=False)
    referrer = forms.CharField(required=False, max_length=200)
    applied_on = forms.DateField(required=False, widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from steward.talent import selectors

        req_field = self.fields["requisition"]
        assert isinstance(req_field, forms.ChoiceField)
        req_field.choices = [
            (r.key, f"{r.key} {r.title} ({r.team.name})")
            for r in selectors.requisition_list(actor=self.actor).filter(
                status__in=("planned", "open")
            )
        ]
        source_field = self.fields["source"]
        assert isinstance(source_field, forms.ChoiceField)
        source_field.choices = [("", "—")] + [(s.name, s.name) for s in Source.objects.all()]

    def perform(self, data: dict[str, Any]) -> Any:
        req = Requisition.objects.get(key=data["requisition"])
        return services.application_create(
            actor=self.actor,
            candidate=self.instance,
            requisition=req,
            source=Source.objects.filter(name=data["source"]).first() if data["source"] else None,
            referrer=data["referrer"],
            applied_at=data["applied_on"],
        )


class MoveForm(ServiceForm):
    """Move an application to a later stage, or close it."""

    stage = forms.CharField(max_length=100)
    on = forms.DateField(required=False, widget=date_input())

    def perform(self, data: dict[str, Any]) -> Any:
        return services.application_move(
            actor=self.actor, application=self.instance, stage=data["stage"], at=data["on"]
        )


class CloseForm(ServiceForm):
    """Close an application: hired, rejected (our reason or theirs) or withdrew."""

    outcome = forms.ChoiceField(choices=[c for c in Outcome.choices if c[0] != "open"])
    reason = forms.CharField(required=False, max_length=200)
    rejected_by = forms.ChoiceField(choices=[("", "—"), *RejectedBy.choices], required=False)
    on = forms.DateField(required=False, widget=date_input())

    def perform(self, data: dict[str, Any]) -> Any:
        return services.application_close(
            actor=self.actor,
            application=self.instance,
            outcome=data["outcome"],
            reason=data["reason"],
            rejected_by=data["rejected_by"],
            at=data["on"],
        )


class OfferForm(ServiceForm):
    """A new version of the offer."""

    salary = forms.DecimalField(min_value=Decimal(0), max_digits=12, decimal_places=2)
    currency = forms.CharField(max_length=3)
    starts_at = forms.DateField(required=False, widget=date_input())
    send = forms.BooleanField(required=False, initial=True, help_text="extend it now")

    def perform(self, data: dict[str, Any]) -> Any:
        from django.utils import timezone

        return services.offer_make(
            actor=self.actor,
            application=self.instance,
            salary=data["salary"],
            currency=data["currency"],
            starts_at=data["starts_at"],
            sent_at=timezone.now() if data["send"] else None,
        )


class ScorecardForm(ServiceForm):
    """The interviewer's scorecard: a rating with written evidence per attribute, and an
    overall recommendation (no neutral)."""

    MAX_ATTRIBUTES = 16

    RATINGS = [
        ("", "—"),
        ("1", "Definitely not"),
        ("2", "No"),
        ("3", "Mixed"),
        ("4", "Yes"),
        ("5", "Strong yes"),
    ]
    overall = forms.ChoiceField(
        choices=[
            ("definitely_not", "Definitely not"),
            ("no", "No"),
            ("yes", "Yes"),
            ("strong_yes", "Strong yes"),
            ("no_decision", "No decision"),
        ]
    )
    key_take_aways = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        card: Scorecard = self.instance
        kit = list(card.kit.competencies if card.kit else [])[: self.MAX_ATTRIBUTES]
        self.attributes = [c["name"] for c in kit]
        focus = {c["name"] for c in kit if c.get("focus")}
        if not self.attributes:
            self.attributes = ["Technical skills", "Communication", "Collaboration"]
        for i, name in enumerate(self.attributes):
            self.fields[f"rating_{i}"] = forms.ChoiceField(
                choices=self.RATINGS,
                required=False,
                label=f"{name}: rating",
                help_text="a focus of this level: it counts twice" if name in focus else "",
            )
            self.fields[f"evidence_{i}"] = forms.CharField(
                required=False,
                label=f"{name}: evidence",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def perform(self, data: dict[str, Any]) -> Any:
        ratings = [
            {"attribute": name, "rating": data[f"rating_{i}"], "evidence": data[f"evidence_{i}"]}
            for i, name in enumerate(self.attributes)
            if data[f"rating_{i}"] or data[f"evidence_{i}"]
        ]
        try:
            return services.scorecard_submit(
                actor=self.actor,
                scorecard=self.instance,
                overall=data["overall"],
                ratings=ratings,
                key_take_aways=data["key_take_aways"],
            )
        except services.TalentError as exc:
            raise services.TalentError(str(exc), fields={"__all__": [str(exc)]}) from exc


class SourceForm(ServiceForm):
    """A source of applications (a brand source names its activity); with `instance`, the
    source to change (its name, kind and linked activity)."""

    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=SourceKind.choices)
    activity = forms.ChoiceField(required=False, label="Employer-brand activity")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activity"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—")] + [
            (str(a.pk), a.title) for a in selectors.activity_rows(actor=self.actor)
        ]
        if self.instance is not None:
            self.initial.update(
                name=self.instance.name,
                kind=self.instance.kind,
                activity=str(self.instance.activity_id or ""),
            )

    def perform(self, data: dict[str, Any]) -> Any:
        activity = (
            selectors.activity_rows(actor=self.actor).filter(pk=data["activity"]).first()
            if data["activity"]
            else None
        )
        if self.instance is None:
            return services.source_create(
                actor=self.actor, name=data["name"], kind=data["kind"], activity=activity
            )
        return services.source_update(
            actor=self.actor,
            source=self.instance,
            name=data["name"],
            kind=data["kind"],
            activity=activity,
            clear_activity=activity is None,
        )


class ActivityForm(ServiceForm):
    """An employer-brand activity; `sources` links existing sources to it (each moved from the
    activity it named before, if any)."""

    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=ActivityKind.choices)
    on = forms.DateField(widget=date_input())
    url = forms.URLField(required=False, assume_scheme="https")
    repository = forms.CharField(required=False, max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    sources = forms.MultipleChoiceField(
        required=False,
        label="Sources it brings applications from",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sources"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (str(s.pk), s.name) for s in selectors.source_list(actor=self.actor).order_by("name")
        ]

    def perform(self, data: dict[str, Any]) -> Any:
        chosen = data.pop("sources")
        activity = services.activity_create(actor=self.actor, **data)
        for source in selectors.source_list(actor=self.actor).filter(pk__in=chosen):
            services.source_update(actor=self.actor, source=source, activity=activity)
        return activity


class CandidateEditForm(ServiceForm):
    """A candidate's contact data and the date their data is kept until."""

    name = forms.CharField(max_length=200)
    email = forms.EmailField(required=False)
    phone = forms.CharField(required=False, max_length=40)
    location = forms.CharField(required=False, max_length=100)
    retain_until = forms.DateField(
        required=False, widget=date_input(), help_text="then the purge erases the data"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cand = self.instance
        self.initial.update(
            name=cand.name,
            email=cand.email,
            phone=cand.phone,
            location=cand.location,
            retain_until=cand.retain_until,
        )

    def perform(self, data: dict[str, Any]) -> Any:
        return services.candidate_update(actor=self.actor, candidate=self.instance, **data)


class SelfIdentificationForm(ServiceForm):
    """Voluntary self-identification. Stored apart from the application, never shown per
    person (this form never shows what was recorded), counted only in aggregates."""

    gender = forms.CharField(required=False, max_length=40, help_text="as the candidate states it")
    ethnicity = forms.CharField(required=False, max_length=60)

    def perform(self, data: dict[str, Any]) -> Any:
        services.self_identify(actor=self.actor, candidate=self.instance, **data)
        return self.instance


class InterviewerForm(ServiceForm):
    """Put an interviewer on the application's panel for one interview."""

    interviewer = forms.ChoiceField()
    interview = forms.CharField(max_length=200, help_text="e.g. Technical interview")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["interviewer"]
        assert isinstance(field, forms.ChoiceField)
        users = User.objects.filter(
            groups__name__in=["admin", "cto", "people", "manager"]
        ).distinct()
        field.choices = [(u.username, u.get_full_name() or u.username) for u in users]
        self.initial.setdefault("interview", self.instance.stage)

    def perform(self, data: dict[str, Any]) -> Any:
        from steward.talent import selectors

        app = self.instance
        return services.scorecard_assign(
            actor=self.actor,
            application=app,
            interviewer=User.objects.get(username=data["interviewer"]),
            interview=data["interview"],
            kit=selectors.kit_for(app.requisition),
        )


MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ImportUploadForm(forms.Form):
    """An applications file to check and preview before anything is written."""

    file = forms.FileField(
        label="Export file",
        help_text=(
            "a Greenhouse or Lever CSV report or JSON export, or Steward's applications CSV "
            "(one row per stage entered); at most 10 MB"
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name or ""
        if not name.lower().endswith((".csv", ".json")):
            raise forms.ValidationError(f"{name} is neither .csv nor .json: export as CSV or JSON")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"{name} has {upload.size:,} bytes; at most {MAX_UPLOAD_BYTES:,}: split the export"
            )
        return upload
