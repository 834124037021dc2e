"""Talent acquisition: requisitions (the hiring plan), candidates, applications with their
append-only stage history, offers with versions, interview kits and scorecards, sources and
employer-brand activities, and voluntary self-identification stored apart from applications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

# A requisition's pipeline unless it defines its own. "Hired" is an outcome, not a stage.
DEFAULT_STAGES = ["Applied", "Screen", "Technical interview", "Onsite", "Offer"]


def pipeline_of(stages: list[str] | None) -> list[str]:
    """A requisition's stages in order: its own `stages`, else the default."""
    return list(stages or []) or list(DEFAULT_STAGES)


class Reason(models.TextChoices):
    GROWTH = "growth", "Growth"
    BACKFILL = "backfill", "Backfill"


class RequisitionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    OPEN = "open", "Open"
    ON_HOLD = "on_hold", "On hold"
    FILLED = "filled", "Filled"
    CANCELLED = "cancelled", "Cancelled"


# status -> the statuses it may move to.
REQUISITION_MOVES: dict[str, tuple[str, ...]] = {
    "planned": ("open", "cancelled"),
    "open": ("on_hold", "filled", "cancelled"),
    "on_hold": ("open", "cancelled"),
    "filled": ("open",),
    "cancelled": ("planned",),
}


class Requisition(models.Model):
    """One opening (a headcount slot) in the hiring plan, and later the job it is hired for."""

    key = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    team = models.ForeignKey("org.Team", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=32)
    role = models.ForeignKey(
        "org.RoleDescription", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices, default=Reason.GROWTH)
    initiative = models.ForeignKey(
        "strategy.Initiative", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    budgeted_cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    hiring_manager = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    quarter = models.CharField(max_length=6)
    target_start = models.DateField()
    status = models.CharField(
        max_length=16, choices=RequisitionStatus.choices, default=RequisitionStatus.PLANNED
    )
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    stages = models.JSONField(default=list, blank=True)
    # The headcount plan entry it was generated from (orgdesign's key), when it was.
    plan_entry_key = models.CharField(max_length=64, blank=True, db_index=True)
    # The optimizer's value of one more person (13 person-weeks) in this team and quarter.
    value_of_one_more_person = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target_start", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budgeted_cost__isnull=True) | Q(budgeted_cost__gte=0),
                name="requisition_cost_not_negative",
                violation_error_message="the budgeted cost cannot be negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    @property
    def pipeline(self) -> list[str]:
        """The requisition's stages in order (its own, else the default)."""
        return pipeline_of(self.stages)


class Approval(models.Model):
    """One approval (or refusal) of a requisition by a named approver."""

    requisition = models.ForeignKey(
        "talent.Requisition", on_delete=models.CASCADE, related_name="approvals"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=16)
    approved = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{'approval' if self.approved else 'refusal'} of {self.requisition_id}"


class ActivityKind(models.TextChoices):
    TALK = "talk", "Talk"
    POST = "post", "Blog post"
    EVENT = "event", "Event"
    OPEN_SOURCE = "open_source", "Open-source contribution"


class BrandActivity(models.Model):
    """An employer-brand activity: a talk, a post, an event or an open-source contribution."""

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=ActivityKind.choices)
    on = models.DateField()
    url = models.URLField(blank=True)
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    repository = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-on", "title"]
        verbose_name_plural = "brand activities"

    def __str__(self) -> str:
        return self.title


class SourceKind(models.TextChoices):
    JOB_BOARD = "job_board", "Job board"
    CAREER_SITE = "career_site", "Career site"
    REFERRAL = "referral", "Referral"
    AGENCY = "agency", "Agency"
    SOURCING = "sourcing", "Sourced by us"
    BRAND = "brand", "Employer brand"
    OTHER = "other", "Other"


class Source(models.Model):
    """Where applications come from; a brand source names the activity behind it."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=SourceKind.choices, default=SourceKind.OTHER)
    activity = models.ForeignKey(
        "talent.BrandActivity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sources",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Candidate(models.Model):
    """A person who applies (to one or several requisitions). Personal data, erasable."""

    external_id = models.CharField(max_length=100, blank=True, db_index=True)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    location = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    retain_until = models.DateField(null=True, blank=True)
    erased_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="candidate_external_id_unique",
                violation_error_message="another candidate has this ATS id",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SelfIdentification(models.Model):
    """Voluntary self-identification, stored apart from the application; never shown per
    person, only counted in aggregates under the small-group rule."""

    candidate = models.OneToOneField(
        "talent.Candidate", on_delete=models.CASCADE, related_name="self_identification"
    )
    gender = models.CharField(max_length=40, blank=True)
    ethnicity = models.CharField(max_length=60, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        # Never the answers: the audit log and the admin show this.
        return f"self-identification {self.pk}"


class Outcome(models.TextChoices):
    OPEN = "open", "In process"
    HIRED = "hired", "Hired"
    REJECTED = "rejected", "Rejected"
    WITHDREW = "withdrew", "Withdrew"


class RejectedBy(models.TextChoices):
    US = "ours", "We rejected"
    THEM = "theirs", "Candidate withdrew or declined"


class Application(models.Model):
    """A candidate applying to one requisition; its stage history is `moves`."""

    external_id = models.CharField(max_length=100, blank=True, db_index=True)
    candidate = models.ForeignKey(
        "talent.Candidate", on_delete=models.PROTECT, related_name="applications"
    )
    requisition = models.ForeignKey(
        "talent.Requisition", on_delete=models.PROTECT, related_name="applications"
    )
    source = models.ForeignKey(
        "talent.Source",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    referrer = models.CharField(max_length=200, blank=True)
    applied_at = models.DateTimeField()
    stage = models.CharField(max_length=100)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.OPEN)
    rejection_reason = models.CharField(max_length=200, blank=True)
    rejected_by = models.CharField(max_length=8, choices=RejectedBy.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["applied_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "requisition"],
                name="application_one_per_candidate_and_requisition",
                violation_error_message="this candidate already applied to this requisition",
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="application_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"application {self.pk} to {self.requisition_id}"


class StageMove(models.Model):
    """An application entered a stage on a date. Append-only: rows are never changed."""

    application = models.ForeignKey(
        "talent.Application", on_delete=models.CASCADE, related_name="moves"
    )
    position = models.PositiveIntegerField()
    stage = models.CharField(max_length=100)
    entered_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "position"], name="stage_move_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} entered {self.stage}"


class OfferStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    EXTENDED = "extended", "Extended"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Offer(models.Model):
    """One version of the offer made on an application (a changed offer is a new version)."""

    application = models.ForeignKey(
        "talent.Application", on_delete=models.CASCADE, related_name="offers"
    )
    version = models.PositiveSmallIntegerField()
    salary = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    status = models.CharField(max_length=16, choices=OfferStatus.choices, default="draft")
    sent_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    starts_at = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "version"]
        constraints = [
            models.UniqueConstraint(fields=["application", "version"], name="offer_version_unique")
        ]

    def __str__(self) -> str:
        return f"offer v{self.version} on application {self.application_id}"


class InterviewKit(models.Model):
    """The structured interview for a role and level: competencies (scorecard attributes by
    category) with their questions, built from the role description."""

    title = models.CharField(max_length=200)
    role = models.ForeignKey(
        "org.RoleDescription", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    level = models.CharField(max_length=32, blank=True)
    # [{"name", "category", "questions": [..]}]
    competencies = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "level"]

    def __str__(self) -> str:
        return self.title


class Scorecard(models.Model):
    """One interviewer's scorecard for one interview of an application (Greenhouse shape):
    attribute ratings 1-5 with written evidence, and an overall recommendation."""

    application = models.ForeignKey(
        "talent.Application", on_delete=models.CASCADE, related_name="scorecards"
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kit = models.ForeignKey(
        "talent.InterviewKit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    interview = models.CharField(max_length=200)
    stage = models.CharField(max_length=100, blank=True)
    interviewed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # 1 definitely not, 2 no, 4 yes, 5 strong yes; null: no decision (FORMATS.md 5.1).
    overall = models.PositiveSmallIntegerField(null=True, blank=True)
    # [{"attribute", "category", "rating": 1..5, "evidence"}]
    ratings = models.JSONField(default=list, blank=True)
    key_take_aways = models.TextField(blank=True)

    class Meta:
        ordering = ["application", "interviewed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "interviewer", "interview"],
                name="scorecard_one_per_interviewer_and_interview",
            ),
            models.CheckConstraint(
                condition=Q(overall__isnull=True) | Q(overall__in=[1, 2, 4, 5]),
                name="scorecard_overall_on_scale",
                violation_error_message="overall recommendation: 1, 2, 4 or 5 (or no decision)",
            ),
        ]

    def __str__(self) -> str:
        return f"scorecard {self.pk}: {self.interview}"
