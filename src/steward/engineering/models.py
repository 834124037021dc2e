"""Engineering evidence: repositories, commits, file changes, tags, identities, link keys,
deployments, incidents and webhook sources."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class OwnerSource(models.TextChoices):
    NONE = "", "Not declared"
    MANUAL = "manual", "Declared in Steward"
    CATALOG = "catalog", "catalog-info.yaml"


class IngestStatus(models.TextChoices):
    NEVER = "never", "Never ingested"
    OK = "ok", "Ingested"
    FAILED = "failed", "Failed"


class Repository(models.Model):
    """A git repository read by `steward ingest git`; owned by at most one team."""

    name = models.CharField(max_length=200, unique=True)
    path = models.CharField(max_length=1000, blank=True)
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="repositories"
    )
    owner_source = models.CharField(max_length=16, choices=OwnerSource.choices, blank=True)
    head_sha = models.CharField(max_length=40, blank=True)
    tag_pattern = models.CharField(
        max_length=200, blank=True, help_text="Tags matching this regex are production deployments."
    )
    status = models.CharField(max_length=16, choices=IngestStatus.choices, default="never")
    last_error = models.TextField(blank=True)
    last_ingested_at = models.DateTimeField(null=True, blank=True)
    # Maintained by ingestion in the same transaction as the commits (see AuthorSummary).
    reachable_commits = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "repositories"

    def __str__(self) -> str:
        return self.name


class Commit(models.Model):
    """A commit; `reachable` is False once a force-push removed it from the repository's HEAD."""

    # No separate index: the unique (repository, sha) constraint serves lookups by repository.
    repository = models.ForeignKey(
        "engineering.Repository", on_delete=models.CASCADE, related_name="commits", db_index=False
    )
    sha = models.CharField(max_length=40)
    parents = models.CharField(max_length=1000, blank=True)
    parent_count = models.PositiveSmallIntegerField(default=0)
    author_name = models.CharField(max_length=300)
    author_email = models.CharField(max_length=300)
    # The author after .mailmap (git's %aN / %aE, email lowercased): the identity that counts.
    mailmap_name = models.CharField(max_length=300)
    email = models.CharField(max_length=300)
    authored_at = models.DateTimeField()
    author_offset = models.SmallIntegerField(default=0)
    author_day = models.DateField()
    committer_name = models.CharField(max_length=300)
    committer_email = models.CharField(max_length=300)
    committed_at = models.DateTimeField()
    committer_offset = models.SmallIntegerField(default=0)
    message = models.TextField(blank=True)
    added = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    files = models.PositiveIntegerField(default=0)
    reachable = models.BooleanField(default=True)
    deployment = models.ForeignKey(
        "engineering.Deployment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shipped_commits",
    )

    class Meta:
        ordering = ["-committed_at", "sha"]
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "sha"],
                name="commit_unique_sha",
                violation_error_message="a commit is stored once per repository",
            )
        ]
        # Few indexes on purpose: each one costs time on every commit ingested.
        indexes = [
            models.Index(fields=["email", "author_day"], name="commit_email_day"),
            # Activity and attribution read a window of local days out of the whole history
            # (~5 % of the rows at scale): without it both engines scan every commit. With the
            # sha, in the order of the alignment drill-down (day, sha): a page reads its rows
            # in order and stops, instead of sorting every commit of its days.
            models.Index(fields=["author_day", "sha"], name="commit_author_day_sha"),
        ]

    def __str__(self) -> str:
        return self.sha[:10]

    @property
    def subject(self) -> str:
        """The first line of the message."""
        return self.message.split("\n", 1)[0]


class AuthorSummary(models.Model):
    """One author's (mailmapped email's) reachable commits in one repository, kept by ingestion.

    Written in the same transaction as the commits it counts (`summaries.py`): new commits add
    to it, a force-push (commits becoming unreachable or reachable again) recomputes the authors
    it touched. `commits`, `added`, `deleted`, `last_committed_at` and `name` cover non-merge
    commits (METRICS.md contributors); `all_commits` counts merges too (the identities page).
    """

    repository = models.ForeignKey(
        "engineering.Repository",
        on_delete=models.CASCADE,
        related_name="author_summaries",
        db_index=False,  # the unique (repository, email) constraint serves it
    )
    email = models.CharField(max_length=300)
    # The mailmapped name of the author's latest non-merge commit (by commit time, then id).
    name = models.CharField(max_length=300, blank=True)
    commits = models.PositiveIntegerField(default=0)
    added = models.PositiveBigIntegerField(default=0)
    deleted = models.PositiveBigIntegerField(default=0)
    last_committed_at = models.DateTimeField(null=True, blank=True)
    all_commits = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["repository", "-commits", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "email"],
                name="author_summary_unique",
                violation_error_message="one summary per author and repository",
            )
        ]
        indexes = [models.Index(fields=["email"], name="author_summary_email")]

    def __str__(self) -> str:
        return f"{self.email} in {self.repository_id}"


class AuthorDay(models.Model):
    """One author's (mailmapped email's) reachable non-merge commits in one repository on one
    local day (the commit's `author_day`), kept by ingestion.

    Written in the same transaction as the commits it counts (`summaries.py`): new commits add
    to it, commits whose reachability changes (a force-push, or commits coming back) add or
    subtract; a row whose count falls to 0 is deleted, so the table equals a recomputation
    (`GROUP BY repository, email, author_day` of the reachable non-merge commits). Figures that
    need only who, where and which day (team–code alignment, person-days) read it instead of
    the commits.
    """

    repository = models.ForeignKey(
        "engineering.Repository",
        on_delete=models.CASCADE,
        related_name="author_days",
        db_index=False,  # the unique (repository, email, day) constraint serves it
    )
    email = models.CharField(max_length=300)
    day = models.DateField()
    commits = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["repository", "day", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "email", "day"],
                name="author_day_unique",
                violation_error_message="one row per author, repository and day",
            )
        ]
        # Windows of days over every repository (attribution, alignment): covering, so a
        # window's totals per (day, email) are read from the index alone, in GROUP BY order.
        indexes = [models.Index(fields=["day", "email", "commits"], name="author_day_day_email")]

    def __str__(self) -> str:
        return f"{self.email} in {self.repository_id} on {self.day}"


class AuthorDayKey(models.Model):
    """Reachable non-merge commits that reference link keys, per repository, author (mailmapped
    email), local day and set of keys, kept by ingestion beside `AuthorDay`.

    A commit referencing keys {A, B} counts in two rows, (key A, keys "A B") and (key B,
    keys "A B"), so a read selects the rows of the keys it wants through (key, day) and still
    sees each commit's whole set (attribution splits a commit across all its initiatives).
    `keys` holds the commit's distinct link keys, sorted, joined by the ASCII unit separator
    (never part of a key). Commits without keys have no row: they are `AuthorDay`'s count
    minus the keyed ones. Maintained exactly like `AuthorDay` (`summaries.py`): new commits
    add, commits changing reachability add or subtract, rows at 0 are deleted.
    """

    repository = models.ForeignKey(
        "engineering.Repository",
        on_delete=models.CASCADE,
        related_name="author_day_keys",
        db_index=False,  # the unique constraint (repository first) serves it
    )
    email = models.CharField(max_length=300)
    day = models.DateField()
    key = models.CharField(max_length=100)
    keys = models.TextField()
    commits = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["repository", "day", "email", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "email", "day", "key", "keys"],
                name="author_day_key_unique",
                violation_error_message="one row per author, repository, day, key and set of keys",
            )
        ]
        # Attribution reads the rows of the initiatives' keys in a window of days: covering
        # (every column the read selects), so the rows come from the index alone, no table
        # lookup per row.
        indexes = [
            models.Index(
                fields=["key", "day", "email", "repository", "keys", "commits"],
                name="author_day_key_covering",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} in {self.repository_id} on {self.day}: {self.key}"


class FileChange(models.Model):
    """One file a commit touched: lines added and deleted (0 for binary files), renames kept."""

    commit = models.ForeignKey(
        "engineering.Commit", on_delete=models.CASCADE, related_name="file_changes"
    )
    path = models.CharField(max_length=1000)
    old_path = models.CharField(max_length=1000, blank=True)
    added = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    binary = models.BooleanField(default=False)
    # git's status letter (A added, M modified, D deleted, T type changed, R renamed); "" for
    # rows ingested before statuses were kept (code knowledge then asks for a re-ingestion).
    status = models.CharField(max_length=1, blank=True, default="")

    def __str__(self) -> str:
        return self.path


class Tag(models.Model):
    """A tag of a repository and the commit it points to."""

    repository = models.ForeignKey(
        "engineering.Repository", on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(max_length=300)
    sha = models.CharField(max_length=40)
    tagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["repository", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "name"],
                name="tag_unique_name",
                violation_error_message="a tag name is unique within a repository",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Identity(models.Model):
    """An author email (after .mailmap) and whom it belongs to: a person, a bot, or nobody yet.

    `person` and `is_bot` set by an admin (`manual`) win over matching by the person's emails.
    """

    email = models.CharField(max_length=300, unique=True)
    name = models.CharField(max_length=300, blank=True)
    person = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_bot = models.BooleanField(default=False)
    manual = models.BooleanField(default=False)

    class Meta:
        ordering = ["email"]
        verbose_name_plural = "identities"
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True) | Q(is_bot=False),
                name="identity_bot_has_no_person",
                violation_error_message="a bot is not linked to a person",
            )
        ]

    def __str__(self) -> str:
        return self.email


class LinkKey(models.Model):
    """A reference such as PAY-123 or #42 found in a commit's message or merged branch name."""

    class Source(models.TextChoices):
        MESSAGE = "message", "Commit message"
        BRANCH = "branch", "Branch name"

    commit = models.ForeignKey(
        "engineering.Commit", on_delete=models.CASCADE, related_name="link_keys"
    )
    key = models.CharField(max_length=100, db_index=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MESSAGE)

    def __str__(self) -> str:
        return self.key


class DeploymentStatus(models.TextChoices):
    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"


class RecordSource(models.TextChoices):
    CSV = "csv", "CSV import"
    WEBHOOK = "webhook", "Webhook"
    TAG = "tag", "Git tag"
    DEMO = "demo", "Demo"


class Deployment(models.Model):
    """A deployment of a repository's commit to an environment (CONTRACT.md `deployments`)."""

    external_id = models.CharField(max_length=200, unique=True)
    repository = models.ForeignKey(
        "engineering.Repository",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deployments",
    )
    repo_name = models.CharField(max_length=200, blank=True)
    sha = models.CharField(max_length=40, blank=True)
    environment = models.CharField(max_length=100)
    status = models.CharField(max_length=16, choices=DeploymentStatus.choices)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField()
    service = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=16, choices=RecordSource.choices)
    # True for the first successful production deployment of a repository: no baseline.
    first_of_repository = models.BooleanField(default=False)
    # Commit times of the reachable commits it shipped first, kept by linking (shipped.py).
    shipped_times = models.BinaryField(default=b"", editable=False)

    class Meta:
        ordering = ["-finished_at", "external_id"]
        indexes = [models.Index(fields=["repository", "finished_at"], name="deploy_repo_time")]

    def __str__(self) -> str:
        return self.external_id

    @property
    def is_production(self) -> bool:
        """Counts for DORA: the environment is production (any case)."""
        return self.environment.lower() == "production"


class Incident(models.Model):
    """An incident in production (CONTRACT.md `incidents`), perhaps caused by a deployment."""

    external_id = models.CharField(max_length=200, unique=True)
    service = models.CharField(max_length=200, blank=True)
    repository = models.ForeignKey(
        "engineering.Repository",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
    )
    repo_name = models.CharField(max_length=200, blank=True)
    severity = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    deployment_external_id = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=16, choices=RecordSource.choices)

    class Meta:
        ordering = ["-created_at", "external_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("created_at")),
                name="incident_resolved_after_created",
                violation_error_message="resolved_at must not be before created_at",
            )
        ]

    def __str__(self) -> str:
        return self.external_id


class WebhookSource(models.Model):
    """A system allowed to post deployments and incidents; its token is stored hashed."""

    name = models.CharField(max_length=100, unique=True)
    token_hash = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
