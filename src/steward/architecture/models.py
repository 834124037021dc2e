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


# --------------------------------------------------------------------------- the tech radar


class RadarQuadrant(models.Model):
    """A quadrant of the radar (any number; `position` is the display order)."""

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    # Whether its blips can show up in manifests (not Techniques): "Adopt but unused" is
    # flagged only for detectable quadrants.
    detectable = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class RadarRing(models.Model):
    """A ring (any number; position 0 is the innermost, e.g. Adopt)."""

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    color = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Technology(models.Model):
    """A blip: a technology, technique, tool or platform; its ring lives in its timeline."""

    key = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    quadrant = models.ForeignKey(
        RadarQuadrant, on_delete=models.PROTECT, related_name="technologies"
    )
    description = models.TextField(blank=True)  # Markdown
    # Other names the manifests use for it ("psycopg", "postgres" for PostgreSQL).
    aliases = models.JSONField(default=list, blank=True)
    links = models.JSONField(default=list, blank=True)  # [{"url", "title"}]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


MOVE_CHOICES = [
    ("new", "New"),
    ("in", "Moved in"),
    ("out", "Moved out"),
    ("unchanged", "No change"),
]


class BlipEvent(models.Model):
    """Where a technology stood from `date` on (until its next event); no ring: off the radar."""

    technology = models.ForeignKey(Technology, on_delete=models.CASCADE, related_name="events")
    date = models.DateField()
    ring = models.ForeignKey(
        RadarRing, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moved = models.CharField(max_length=10, choices=MOVE_CHOICES, default="unchanged")
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["technology", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["technology", "date"], name="blip_event_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.technology} {self.date}: {self.ring or 'off the radar'}"


class TechnologyUse(models.Model):
    """A dependency a repository declares in a manifest at `revision` (technology detection)."""

    repository = models.ForeignKey(
        "engineering.Repository", on_delete=models.CASCADE, related_name="+"
    )
    ecosystem = models.CharField(max_length=32)  # pypi, npm, go, maven, cargo, rubygems, ...
    name = models.CharField(max_length=300)
    version = models.CharField(max_length=100, blank=True)
    manifest = models.CharField(max_length=300)
    revision = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["repository", "ecosystem", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "ecosystem", "name", "manifest"], name="technology_use_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


class RepositoryDetection(models.Model):
    """The revision a repository's technologies were last detected at (TechnologyUse rows are
    that revision's), so ingestion re-detects only when the head moved."""

    repository = models.OneToOneField(
        "engineering.Repository", on_delete=models.CASCADE, related_name="+"
    )
    revision = models.CharField(max_length=40, blank=True)
    detected_at = models.DateTimeField()
    manifests = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.repository_id} at {self.revision[:10]}"


# --------------------------------------------------------------------------- service catalog

COMPONENT_KINDS = ("component", "system", "api", "resource", "domain")
KIND_CHOICES = [(k, k.capitalize() if k != "api" else "API") for k in COMPONENT_KINDS]


class Component(models.Model):
    """A catalog entity (Backstage kinds Component, System, API, Resource, Domain)."""

    kind = models.CharField(max_length=16, choices=KIND_CHOICES, default="component")
    namespace = models.CharField(max_length=63, default="default")
    name = models.CharField(max_length=63)
    title = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    type = models.CharField(max_length=50, blank=True)
    lifecycle = models.CharField(max_length=50, blank=True)
    # spec.owner as written (`group:default/team-a`) and the Steward team it names.
    owner_ref = models.CharField(max_length=200, blank=True)
    owner_team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    repository = models.ForeignKey(
        "engineering.Repository", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paths = models.JSONField(default=list, blank=True)
    system = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="parts"
    )
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents"
    )
    oncall = models.CharField(max_length=200, blank=True)
    runbook = models.CharField(max_length=500, blank=True)
    tags = models.JSONField(default=list, blank=True)
    annotations = models.JSONField(default=dict, blank=True)
    links = models.JSONField(default=list, blank=True)
    # What Steward does not model, kept for the export: metadata.labels, the rest of spec.
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "namespace", "name"], name="component_ref_once"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.name

    @property
    def ref(self) -> str:
        """Its entity reference `kind:namespace/name`."""
        return f"{self.kind}:{self.namespace}/{self.name}"


# --------------------------------------------------------------------------- tech debt

DEBT_STATUSES = ("open", "planned", "done")


class DebtItem(models.Model):
    """A tech-debt item, prioritized by WSJF (METRICS.md: inputs on 1, 2, 3, 5, 8, 13, 20)."""

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    components = models.ManyToManyField(Component, blank=True, related_name="debt_items")
    paths = models.JSONField(default=list, blank=True)  # linked hotspots: repo paths
    owner_team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    business_value = models.PositiveSmallIntegerField(default=1)
    time_criticality = models.PositiveSmallIntegerField(default=1)
    risk_reduction = models.PositiveSmallIntegerField(default=1)
    job_size = models.PositiveSmallIntegerField(default=1)
    # Cost of delay per quarter, in the reporting currency (the "interest" paid on the debt).
    interest = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    decisions = models.ManyToManyField(Decision, blank=True, related_name="debt_items")
    status = models.CharField(
        max_length=10, choices=[(s, s.capitalize()) for s in DEBT_STATUSES], default="open"
    )
    # The strategy initiative this item became (its key; the initiative lives in strategy).
    initiative_key = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class DecisionLink(models.Model):
    """A decision's link to a technology or a catalog component (initiatives link from strategy)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="links")
    technology = models.ForeignKey(
        Technology, null=True, blank=True, on_delete=models.CASCADE, related_name="decision_links"
    )
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.CASCADE, related_name="decision_links"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(technology__isnull=False) | models.Q(component__isnull=False),
                name="decision_link_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"ADR link {self.decision_id}: {self.technology_id or self.component_id}"


class DecisionInitiative(models.Model):
    """A decision linked to a strategy initiative, by the initiative's key: strategy sits above
    architecture, so the link is plain data here and strategy's pages set it (as for debt)."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="initiative_links"
    )
    initiative_key = models.CharField(max_length=64)

    class Meta:
        ordering = ["initiative_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "initiative_key"], name="decision_initiative_once"
            ),
        ]

    def __str__(self) -> str:
        return f"ADR link {self.decision_id}: initiative {self.initiative_key}"
