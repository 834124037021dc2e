"""Organization design: declared team structure, cost rates, headcount plan and reorg scenarios.

The tables keep the names they had when these models lived in the `org` app (`org_scenario`,
...), so moving the models changed no database.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from steward.org.models import Track


class AllocationKind(models.TextChoices):
    ON_CALL = "on-call", "On-call"
    KTLO = "ktlo", "Keep the lights on"
    LEAVE = "leave", "Planned leave"
    OTHER = "other", "Other"


class TeamAllocation(models.Model):
    """A share of a team's capacity that is not available for planned work.

    `quarter` blank applies to every quarter; a row for a specific quarter ("2027Q3") replaces
    the general row of the same kind in that quarter.
    """

    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="allocations")
    kind = models.CharField(max_length=16, choices=AllocationKind.choices)
    quarter = models.CharField(max_length=6, blank=True)
    share = models.DecimalField(max_digits=4, decimal_places=3)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "org_teamallocation"  # kept from when these models lived in org
        ordering = ["team", "kind", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "kind", "quarter"],
                name="allocation_unique",
                violation_error_message="one allocation per team, kind and quarter",
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=1),
                name="allocation_share_in_range",
                violation_error_message="share must be between 0 and 1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.kind} {self.quarter or '*'}: {self.share}"


class InteractionMode(models.TextChoices):
    COLLABORATION = "collaboration", "Collaboration"
    X_AS_A_SERVICE = "x-as-a-service", "X-as-a-service"
    FACILITATING = "facilitating", "Facilitating"


class TeamInteraction(models.Model):
    """A declared Team Topologies interaction: `team` interacts with `other` in `mode`."""

    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="interactions")
    other = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=16, choices=InteractionMode.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "org_teaminteraction"  # kept from when these models lived in org
        ordering = ["team", "other", "mode"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "other", "mode"],
                name="interaction_unique",
                violation_error_message="this interaction is already declared",
            ),
            models.CheckConstraint(
                condition=~Q(team=models.F("other")),
                name="interaction_two_teams",
                violation_error_message="a team does not interact with itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.mode} {self.other_id}"


class LevelMixTarget(models.Model):
    """A declared target share of a level in a team (team blank: every team without its own)."""

    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="level_targets"
    )
    level = models.CharField(max_length=32)
    share = models.DecimalField(max_digits=4, decimal_places=3)

    class Meta:
        db_table = "org_levelmixtarget"  # kept from when these models lived in org
        ordering = ["team", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "level"],
                name="level_target_unique",
                violation_error_message="one target per team and level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team_id or '*'} {self.level}: {self.share}"


class CompositionMetric(models.TextChoices):
    MANAGER_TO_IC = "manager_to_ic_ratio", "ICs per manager"
    SENIOR_SHARE = "senior_share", "Share of senior levels"


class CompositionTarget(models.Model):
    """An organization-wide composition target, compared with the live org plus the plan."""

    metric = models.CharField(max_length=32, choices=CompositionMetric.choices, unique=True)
    value = models.DecimalField(max_digits=8, decimal_places=3)
    levels = models.CharField(
        max_length=200, blank=True, help_text="senior_share: the senior levels, comma-separated"
    )

    class Meta:
        db_table = "org_compositiontarget"  # kept from when these models lived in org
        ordering = ["metric"]

    def __str__(self) -> str:
        return f"{self.metric} = {self.value}"


class BurdenRate(models.Model):
    """Employer costs on top of salary for a location (location blank: everywhere else)."""

    location = models.CharField(max_length=100, blank=True, unique=True)
    rate = models.DecimalField(max_digits=5, decimal_places=3)

    class Meta:
        db_table = "org_burdenrate"  # kept from when these models lived in org
        ordering = ["location"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=5),
                name="burden_rate_in_range",
                violation_error_message="rate must be between 0 and 5 (e.g. 0.25 for 25%)",
            )
        ]

    def __str__(self) -> str:
        return f"{self.location or '*'}: {self.rate}"


class ExchangeRate(models.Model):
    """Units of the reporting currency for one unit of `currency`."""

    currency = models.CharField(max_length=3)
    reporting_currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=14, decimal_places=6)

    class Meta:
        db_table = "org_exchangerate"  # kept from when these models lived in org
        ordering = ["reporting_currency", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "reporting_currency"],
                name="exchange_rate_unique",
                violation_error_message="one rate per currency pair",
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="exchange_rate_positive",
                violation_error_message="rate must be positive",
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} {self.reporting_currency}"


class PlanKind(models.TextChoices):
    HIRE = "hire", "New hire"
    BACKFILL = "backfill", "Backfill"


class PlanStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    APPROVED = "approved", "Approved"
    FILLED = "filled", "Filled"
    CANCELLED = "cancelled", "Cancelled"


class HeadcountPlanEntry(models.Model):
    """A planned hire or backfill for a team: level, quarter, expected start, planned salary."""

    key = models.SlugField(max_length=64, unique=True)
    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="planned_hires")
    kind = models.CharField(max_length=16, choices=PlanKind.choices, default=PlanKind.HIRE)
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.PLANNED)
    title = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=32)
    track = models.CharField(max_length=16, choices=Track.choices, default=Track.IC)
    quarter = models.CharField(max_length=6)
    expected_start = models.DateField()
    fte = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("1.00"))
    location = models.CharField(max_length=100, blank=True)
    salary = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    replaces = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    manager = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "org_headcountplanentry"  # kept from when these models lived in org
        ordering = ["expected_start", "key"]
        verbose_name_plural = "headcount plan entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=1),
                name="plan_fte_in_range",
                violation_error_message="fte must be greater than 0 and at most 1",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.kind} {self.level} for {self.team_id} in {self.quarter}"


class ScenarioStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPLIED = "applied", "Applied"
    DISCARDED = "discarded", "Discarded"


class Scenario(models.Model):
    """A named draft reorg on top of the live org; nothing changes until it is applied."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    effective_date = models.DateField()
    status = models.CharField(
        max_length=16, choices=ScenarioStatus.choices, default=ScenarioStatus.DRAFT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        db_table = "org_scenario"  # kept from when these models lived in org
        ordering = ["-updated_at", "name"]

    def __str__(self) -> str:
        return self.name


class ChangeKind(models.TextChoices):
    MOVE_PERSON = "move_person", "Move person"
    CHANGE_MANAGER = "change_manager", "Change manager"
    CREATE_TEAM = "create_team", "Create team"
    MERGE_TEAMS = "merge_teams", "Merge teams"
    SPLIT_TEAM = "split_team", "Split team"
    DISSOLVE_TEAM = "dissolve_team", "Dissolve team"
    ADD_HIRE = "add_hire", "Add planned hire"
    MARK_DEPARTURE = "mark_departure", "Mark departure"


class ScenarioChange(models.Model):
    """One change of a scenario, with the live values it was drafted against (`base`)."""

    scenario = models.ForeignKey(
        "orgdesign.Scenario", on_delete=models.CASCADE, related_name="changes"
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=32, choices=ChangeKind.choices)
    payload = models.JSONField(default=dict)
    base = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "org_scenariochange"  # kept from when these models lived in org
        ordering = ["scenario", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "position"],
                name="scenario_change_position_unique",
                violation_error_message="one change per position",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scenario_id}#{self.position} {self.kind}"
