"""The organization: people and their employment history, teams, departments and roles."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q


class TeamType(models.TextChoices):
    STREAM_ALIGNED = "stream-aligned", "Stream-aligned"
    PLATFORM = "platform", "Platform"
    ENABLING = "enabling", "Enabling"
    COMPLICATED_SUBSYSTEM = "complicated-subsystem", "Complicated subsystem"


class Track(models.TextChoices):
    IC = "ic", "Individual contributor"
    MANAGER = "manager", "Manager"


class TerminationType(models.TextChoices):
    VOLUNTARY = "voluntary", "Voluntary"
    INVOLUNTARY = "involuntary", "Involuntary"
    OTHER = "other", "Other"


class Department(models.Model):
    """A department or group; departments nest through `parent`."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team with a Team Topologies type and a mission."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=32, choices=TeamType.choices)
    mission = models.TextField(blank=True)
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    lead = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams"
    )
    # Set when a reorg dissolves the team; history keeps pointing at it.
    dissolved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A person employed now or before; a leaver stays as a record with `end_date` set.

    `team`, `manager` and the dates describe the current (or last) state; the history of
    employment spells, team memberships and reporting lines is kept in their own tables.
    """

    employee_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=32, blank=True)
    track = models.CharField(max_length=16, choices=Track.choices, default=Track.IC)
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    location = models.CharField(max_length=100, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    employment_type = models.CharField(max_length=32, blank=True)
    fte = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("1.00"))
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    termination_type = models.CharField(max_length=16, choices=TerminationType.choices, blank=True)
    regretted = models.BooleanField(null=True, blank=True)
    salary = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        ordering = ["name", "employee_id"]
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="person_end_after_start",
                violation_error_message="end_date must not be before start_date",
            ),
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=1),
                name="person_fte_in_range",
                violation_error_message="fte must be greater than 0 and at most 1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_id})"

    def is_active_on(self, on: date) -> bool:
        """Employed on `on`: started on or before it and not yet ended."""
        return self.start_date <= on and (self.end_date is None or self.end_date > on)


class PersonEmail(models.Model):
    """One of a person's email addresses (work, previous, personal git identities)."""

    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="emails")
    email = models.EmailField(unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["person", "position"]

    def __str__(self) -> str:
        return self.email


class EmploymentSpell(models.Model):
    """A continuous period of employment; a re-hire opens a new spell for the same person."""

    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="spells")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    termination_type = models.CharField(max_length=16, choices=TerminationType.choices, blank=True)
    regretted = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["person", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "start_date"],
                name="spell_unique_start",
                violation_error_message="a person has one spell per start date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.start_date}–{self.end_date or ''}"


class TeamMembership(models.Model):
    """A person's home team over `[start, end)`."""

    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey("org.Team", on_delete=models.PROTECT, related_name="memberships")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["person", "start"]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.team_id} {self.start}–{self.end or ''}"


class ReportingLine(models.Model):
    """A person's manager over `[start, end)`."""

    person = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, related_name="reporting_lines"
    )
    manager = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["person", "start"]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.manager_id} {self.start}–{self.end or ''}"


class RoleDescription(models.Model):
    """A role description: Markdown with YAML front matter (title, description)."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField()
    sections = models.JSONField(default=list, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
