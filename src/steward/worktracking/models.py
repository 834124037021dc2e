"""Pull requests, their reviews and commits, tracker items and investment rules."""

from __future__ import annotations

from django.db import models


class Source(models.TextChoices):
    GITHUB = "github", "GitHub"
    GITLAB = "gitlab", "GitLab"
    JIRA = "jira", "Jira"
    LINEAR = "linear", "Linear"


class Account(models.Model):
    """A login on a code host; its email (learned from the commits it authored) names the person
    through engineering's identities."""

    source = models.CharField(max_length=16, choices=Source.choices)
    login = models.CharField(max_length=200)
    name = models.CharField(max_length=300, blank=True)
    email = models.CharField(max_length=300, blank=True)
    is_bot = models.BooleanField(default=False)

    class Meta:
        ordering = ["source", "login"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "login"],
                name="account_unique_login",
                violation_error_message="a login is stored once per code host",
            )
        ]

    def __str__(self) -> str:
        return self.login


class PullState(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed without merging"
    MERGED = "merged", "Merged"


class PullRequest(models.Model):
    """A pull request (GitHub) or merge request (GitLab).

    `repository` is null while the repository named by `repo_name` is not ingested: the pull
    request is kept and flagged, and linked when the repository arrives.
    """

    source = models.CharField(max_length=16, choices=Source.choices)
    repo_name = models.CharField(max_length=300)
    number = models.PositiveIntegerField()
    repository = models.ForeignKey(
        "engineering.Repository",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(max_length=1000, blank=True)
    url = models.CharField(max_length=1000, blank=True)
    state = models.CharField(max_length=16, choices=PullState.choices)
    draft = models.BooleanField(default=False)
    author = models.ForeignKey(
        "worktracking.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    ready_at = models.DateTimeField(null=True, blank=True)
    merged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    head_ref = models.CharField(max_length=500, blank=True)
    base_ref = models.CharField(max_length=500, blank=True)
    head_sha = models.CharField(max_length=40, blank=True)
    merge_commit_sha = models.CharField(max_length=40, blank=True)
    merge_commit = models.ForeignKey(
        "engineering.Commit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # From the host when it reports them (GitHub's /pulls/N), else summed over linked commits.
    additions = models.PositiveIntegerField(null=True, blank=True)
    deletions = models.PositiveIntegerField(null=True, blank=True)
    labels = models.JSONField(default=list, blank=True)
    link_keys = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "repo_name", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "repo_name", "number"],
                name="pull_unique_number",
                violation_error_message="a pull request number is unique within a repository",
            )
        ]
        indexes = [models.Index(fields=["merged_at"], name="pull_merged_at")]

    def __str__(self) -> str:
        mark = "!" if self.source == Source.GITLAB else "#"
        return f"{self.repo_name}{mark}{self.number}"


class PullRequestCommit(models.Model):
    """A commit of a pull request, linked to engineering's commit once ingested."""

    pull_request = models.ForeignKey(
        "worktracking.PullRequest", on_delete=models.CASCADE, related_name="commits"
    )
    sha = models.CharField(max_length=40)
    commit = models.ForeignKey(
        "engineering.Commit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    authored_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["authored_at", "sha"]
        constraints = [
            models.UniqueConstraint(
                fields=["pull_request", "sha"],
                name="pull_commit_unique",
                violation_error_message="a commit is listed once per pull request",
            )
        ]

    def __str__(self) -> str:
        return self.sha[:10]


class ReviewKind(models.TextChoices):
    REVIEW = "review", "Review"
    COMMENT = "comment", "Comment"


class Review(models.Model):
    """A submitted review (GitHub), an approval or change request (GitLab), or a comment."""

    pull_request = models.ForeignKey(
        "worktracking.PullRequest", on_delete=models.CASCADE, related_name="reviews"
    )
    external_id = models.CharField(max_length=200)
    reviewer = models.ForeignKey(
        "worktracking.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=ReviewKind.choices)
    state = models.CharField(max_length=32)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pull_request", "external_id"],
                name="review_unique_id",
                violation_error_message="a review is stored once per pull request",
            )
        ]
        indexes = [models.Index(fields=["submitted_at"], name="review_submitted_at")]

    def __str__(self) -> str:
        return self.external_id


class StatusCategory(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class WorkItem(models.Model):
    """An issue of a tracker (Jira, GitHub issues, Linear): an epic, a story, a bug, ..."""

    source = models.CharField(max_length=16, choices=Source.choices)
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=1000, blank=True)
    item_type = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=100, blank=True)
    status_category = models.CharField(max_length=16, choices=StatusCategory.choices, blank=True)
    project = models.CharField(max_length=300, blank=True)
    repo_name = models.CharField(max_length=300, blank=True)
    labels = models.JSONField(default=list, blank=True)
    parent_key = models.CharField(max_length=200, blank=True)
    epic_key = models.CharField(max_length=200, blank=True)
    assignee = models.CharField(max_length=300, blank=True)
    estimate = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    url = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "key"],
                name="workitem_unique_key",
                violation_error_message="an issue key is unique within its tracker",
            )
        ]
        indexes = [models.Index(fields=["key"], name="workitem_key")]

    def __str__(self) -> str:
        return self.key


class RuleField(models.TextChoices):
    ISSUE_TYPE = "issue_type", "Issue type"
    LABEL = "label", "Label"
    PROJECT = "project", "Project"
    REPOSITORY = "repository", "Repository"


class InvestmentRule(models.Model):
    """`position`-ordered rule: a work item (or a commit, for repository rules) whose `field`
    equals `value` (case-insensitively) belongs to `category`; the first match wins."""

    position = models.PositiveIntegerField(unique=True)
    category = models.CharField(max_length=100)
    field = models.CharField(max_length=16, choices=RuleField.choices)
    value = models.CharField(max_length=300)
    ktlo = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.position}: {self.field}={self.value} -> {self.category}"
