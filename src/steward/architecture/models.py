"""Architecture decision records."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from steward.architecture.adr_format import STATUSES

STATUS_CHOICES = [(s, s.capitalize()) for s in STATUSES]

# The workflow: status -> the statuses it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("proposed",),
    "proposed": ("draft", "accepted", "rejected"),
    "accepted": ("deprecated", "superseded"),
    "rejected": (),
    "deprecated": (),
    "superseded": (),
}
# Moves only a decider (architect, cto, admin) makes.
DECIDER_MOVES = frozenset({"accepted", "rejected", "deprecated", "superseded"})


class Decision(models.Model):
    """One architecture decision record; `number` is allocated by Steward and never reused."""

    number = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=300)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default="draft")
    date = models.DateField(null=True, blank=True)
    decision_makers = models.JSONField(default=list, blank=True)
    consulted = models.JSONField(default=list, blank=True)
    informed = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_by_set",
    )
    body = models.TextField(blank=True)
    # The file a numberless record (log4brains `YYYYMMDD-title.md`) came from: a re-import
    # finds the number Steward gave it.
    source_file = models.CharField(max_length=300, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=STATUSES), name="decision_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"ADR-{self.number:04d} {self.title}"

    @property
    def superseded_by(self) -> Decision | None:
        """The record that replaced this one (the newest, when several claim it)."""
        return self.superseded_by_set.order_by("-number").first()
