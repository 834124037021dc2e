"""Strategy: objectives and key results, initiatives (the roadmap), budgets and improvement work."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from steward.strategy import scoring

QUARTER_PATTERN = r"^\d{4}Q[1-4]$"


def validate_quarter(value: str) -> None:
    """A quarter written as 2027Q1."""
    import re

    if value and not re.match(QUARTER_PATTERN, value):
        raise ValidationError(f"{value!r} is not a quarter like 2027Q1")


class Objective(models.Model):
    """A business objective for a period, with an owner and a priority (1 = highest)."""

    key = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start = models.DateField()
    end = models.DateField()
    priority = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["priority", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="objective_end_after_start",
                violation_error_message="end must be after start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"


class KeyResult(models.Model):
    """A measurable result of an objective: baseline, target and the current value."""

    objective = models.ForeignKey(
        "strategy.Objective", on_delete=models.CASCADE, related_name="key_results"
    )
    key = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    metric = models.CharField(max_length=200, blank=True)
    unit = models.CharField(max_length=32, blank=True)
    baseline = models.DecimalField(max_digits=16, decimal_places=4)
    target = models.DecimalField(max_digits=16, decimal_places=4)
    current = models.DecimalField(max_digits=16, decimal_places=4)
    confidence = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )

    class Meta:
        ordering = ["objective", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "key"],
                name="keyresult_unique_key",
                violation_error_message="key results of an objective have distinct keys",
            ),
            models.CheckConstraint(
                condition=~Q(target=models.F("baseline")),
                name="keyresult_target_differs",
                violation_error_message="target must differ from baseline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"

    @property
    def progress(self) -> float:
        """METRICS.md: clamp((current − baseline) ÷ (target − baseline), 0, 1)."""
        return scoring.kr_progress(self.baseline, self.target, self.current)


class CheckIn(models.Model):
    """A dated reading of a key result (the history behind its current value)."""

    key_result = models.ForeignKey(
        "strategy.KeyResult", on_delete=models.CASCADE, related_name="check_ins"
    )
    on = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=4)
    confidence = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["key_result", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.key_result_id} on {self.on}: {self.value}"


class TeamGoal(models.Model):
    """A team's goal that cascades from an objective."""

    objective = models.ForeignKey(
        "strategy.Objective", on_delete=models.CASCADE, related_name="team_goals"
    )
    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["objective", "team"]

    def __str__(self) -> str:
        return f"{self.team_id}: {self.title}"


class InitiativeStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in-progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Horizon(models.TextChoices):
    NOW = "now", "Now"
    NEXT = "next", "Next"
    LATER = "later", "Later"


class Level(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


def _fib_validators() -> list[MinValueValidator | MaxValueValidator]:
    return [MinValueValidator(1), MaxValueValidator(20)]


class Initiative(models.Model):
    """A roadmap initiative: what, for which objectives, by whom, at what effort and cost."""

    key = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner_team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cost = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    # WSJF inputs on the scale 1, 2, 3, 5, 8, 13, 20.
    value = models.PositiveSmallIntegerField(default=1, validators=_fib_validators())
    time_criticality = models.PositiveSmallIntegerField(default=1, validators=_fib_validators())
    risk_reduction = models.PositiveSmallIntegerField(default=1, validators=_fib_validators())
    job_size = models.PositiveSmallIntegerField(default=1, validators=_fib_validators())
    # RICE inputs (effort comes from the per-team estimates, in person-months).
    reach = models.PositiveIntegerField(default=0)
    impact = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal(1))
    confidence = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.8"))
    feasibility = models.CharField(max_length=8, choices=Level.choices, default=Level.HIGH)
    technical_risk = models.CharField(max_length=8, choices=Level.choices, default=Level.LOW)
    earliest = models.CharField(max_length=6, blank=True, validators=[validate_quarter])
    deadline = models.CharField(max_length=6, blank=True, validators=[validate_quarter])
    duration = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    mandatory = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=InitiativeStatus.choices, default=InitiativeStatus.PROPOSED
    )
    horizon = models.CharField(max_length=8, choices=Horizon.choices, default=Horizon.LATER)
    # The quarter the plan starts it in (set by hand or by `steward plan solve --apply`).
    planned_start = models.CharField(max_length=6, blank=True, validators=[validate_quarter])
    link_keys = models.JSONField(default=list, blank=True)
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependants"
    )

    class Meta:
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__gte=0),
                name="initiative_cost_not_negative",
                violation_error_message="cost must not be negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"

    @property
    def wsjf(self) -> float:
        """WSJF per METRICS.md."""
        return scoring.wsjf(self.value, self.time_criticality, self.risk_reduction, self.job_size)


class InitiativeObjective(models.Model):
    """An initiative's contribution to an objective; an initiative's weights sum to 1."""

    initiative = models.ForeignKey(
        "strategy.Initiative", on_delete=models.CASCADE, related_name="objective_links"
    )
    objective = models.ForeignKey(
        "strategy.Objective", on_delete=models.CASCADE, related_name="initiative_links"
    )
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )

    class Meta:
        ordering = ["initiative", "objective"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "objective"],
                name="initiativeobjective_unique",
                violation_error_message="an initiative links an objective once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} → {self.objective_id} ({self.weight})"


class InitiativeEffort(models.Model):
    """A team's estimated effort on an initiative, in person-weeks."""

    initiative = models.ForeignKey(
        "strategy.Initiative", on_delete=models.CASCADE, related_name="efforts"
    )
    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="+")
    person_weeks = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        ordering = ["initiative", "team"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "team"],
                name="initiativeeffort_unique",
                violation_error_message="one estimate per team and initiative",
            ),
            models.CheckConstraint(
                condition=Q(person_weeks__gte=0),
                name="initiativeeffort_not_negative",
                violation_error_message="effort must not be negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id}/{self.team_id}: {self.person_weeks} pw"


class QuarterBudget(models.Model):
    """The budget available to start and run initiatives in a quarter."""

    quarter = models.CharField(max_length=6, unique=True, validators=[validate_quarter])
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["quarter"]

    def __str__(self) -> str:
        return f"{self.quarter}: {self.amount}"


class IdeaStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    EXPERIMENTING = "experimenting", "Experimenting"
    ADOPTED = "adopted", "Adopted"
    DROPPED = "dropped", "Dropped"


# The pipeline's allowed moves: proposed → experimenting → adopted / dropped (or dropped early).
IDEA_TRANSITIONS: dict[str, tuple[str, ...]] = {
    IdeaStatus.PROPOSED: (IdeaStatus.EXPERIMENTING, IdeaStatus.DROPPED),
    IdeaStatus.EXPERIMENTING: (IdeaStatus.ADOPTED, IdeaStatus.DROPPED),
    IdeaStatus.ADOPTED: (),
    IdeaStatus.DROPPED: (),
}


class Idea(models.Model):
    """An idea or experiment in the innovation pipeline, time-boxed with a budget."""

    title = models.CharField(max_length=300)
    hypothesis = models.TextField()
    owner = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    timebox_start = models.DateField(null=True, blank=True)
    timebox_end = models.DateField(null=True, blank=True)
    budget = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))
    status = models.CharField(
        max_length=16, choices=IdeaStatus.choices, default=IdeaStatus.PROPOSED
    )
    outcome = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["status", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """The time box ends after it starts; adopted or dropped experiments record an outcome."""
        if self.timebox_start and self.timebox_end and self.timebox_end < self.timebox_start:
            raise ValidationError({"timebox_end": "the time box ends before it starts"})
        if self.status in (IdeaStatus.ADOPTED, IdeaStatus.DROPPED) and not self.outcome:
            raise ValidationError({"outcome": "say what the experiment showed"})


class ActionSource(models.TextChoices):
    RETROSPECTIVE = "retrospective", "Retrospective"
    INCIDENT = "incident", "Incident"


class ImprovementAction(models.Model):
    """A continuous-improvement action from a retrospective or an incident review."""

    title = models.CharField(max_length=300)
    source = models.CharField(max_length=16, choices=ActionSource.choices)
    source_ref = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_on = models.DateField()
    due_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "title"]

    def __str__(self) -> str:
        return self.title


class PlanSolution(models.Model):
    """A solved portfolio plan, kept so that pages serve it instead of re-solving per request.

    `request` names what was asked (quarters, scenario, re-plan of in-progress work);
    `fingerprint` is a hash of the whole instance the optimizer saw and of the solver settings,
    so a change to any initiative, capacity or budget makes the stored solution stale.
    Derived data, not audited (settings: AUDITLOG_EXCLUDE_TRACKING_MODELS).
    """

    request = models.CharField(max_length=200, unique=True)
    fingerprint = models.CharField(max_length=64)
    result = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["request"]

    def __str__(self) -> str:
        return self.request
