"""The cockpit's own records: computed findings, who dismissed what, reports, snapshots, vision.

Findings are derived data (recomputed by a background job, not audited); a dismissal, a
report's commentary, a snapshot and the vision are decisions of people (audited).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FindingRun(models.Model):
    """One computation of every registered finding rule (derived data, not audited).

    `data_version` is the newest audit-log entry when the run started: a later write (an
    import, an edit) makes the run stale and the home page asks for a new one.
    """

    on = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    data_version = models.BigIntegerField(default=0)
    errors = models.JSONField(default=dict, blank=True)  # rule -> what went wrong

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"findings of {self.on}"


class StoredFinding(models.Model):
    """One finding of a run, as its rule returned it (`core.registry.Finding`)."""

    run = models.ForeignKey(FindingRun, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(max_length=100)
    severity = models.CharField(max_length=16)
    statement = models.TextField()
    url = models.CharField(max_length=500)
    owner = models.CharField(max_length=200, blank=True)
    identity = models.CharField(max_length=400)
    fingerprint = models.CharField(max_length=400)
    subject = models.CharField(max_length=200, blank=True)
    audience = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["run", "pk"]

    def __str__(self) -> str:
        return self.statement


class FindingDismissal(models.Model):
    """A user set a finding aside: dismissed (until its figure changes) or snoozed to a day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    identity = models.CharField(max_length=400)
    fingerprint = models.CharField(max_length=400)
    # Snoozed: hidden before this day (its figure changing does not bring it back earlier).
    until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "identity"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "identity"],
                name="cockpit_dismissal_once",
                violation_error_message="this finding is already set aside",
            )
        ]

    def __str__(self) -> str:
        return self.identity


class ReportKind(models.TextChoices):
    BOARD = "board", "Board report"
    BRIEF = "brief", "Executive brief"


class ReportNote(models.Model):
    """The CTO's commentary on one section of one report (kept with the report)."""

    kind = models.CharField(max_length=8, choices=ReportKind.choices)
    period = models.CharField(max_length=7)  # "2026Q4" or "2026-11"
    section = models.CharField(max_length=64)
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "period", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "section"],
                name="cockpit_note_once",
                violation_error_message="this section already has a note",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} {self.section}"


class Snapshot(models.Model):
    """The key figures of a quarter, frozen when it closed (or on demand)."""

    period = models.CharField(max_length=6)  # "2026Q4"
    taken_at = models.DateTimeField()
    reason = models.CharField(max_length=16)  # "quarter end" or "on demand"
    figures = models.JSONField(default=list)  # [{key, label, value, unit, section}]
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period", "-taken_at"]

    def __str__(self) -> str:
        return f"{self.period} ({self.reason})"


class Vision(models.Model):
    """The technology vision (Markdown), with the objectives and decisions it stands on."""

    text = models.TextField(blank=True)
    objectives = models.ManyToManyField("strategy.Objective", blank=True, related_name="+")
    decisions = models.ManyToManyField("architecture.Decision", blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "technology vision"
