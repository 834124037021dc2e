"""API schemas of engineering evidence (METRICS.md shapes). The four keys' figures are null when
there is no data (`level` then says "no data")."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class RepositoryOut(Schema):
    name: str
    team: str | None
    owner_source: str | None
    head_sha: str | None
    tag_pattern: str | None
    status: str
    last_error: str | None
    last_ingested_at: datetime | None
    commits: int | None


class RepositoryPage(Schema):
    items: list[RepositoryOut]
    count: int


class ContributorOut(Schema):
    email: str
    name: str
    commits: int
    added: int
    deleted: int


class OtherContributors(Schema):
    """The authors the caller may not see individually, summed."""

    authors: int
    commits: int
    added: int
    deleted: int


class ContributorsOut(Schema):
    repo: str
    contributors: list[ContributorOut]
    others: OtherContributors


class DeploymentFrequency(Schema):
    deployments: int
    per_week: float
    deployment_days_per_week_median: float
    level: str


class LeadTime(Schema):
    changes: int
    median_hours: float | None
    p75_hours: float | None
    level: str


class ChangeFailureRate(Schema):
    deployments: int
    failed: int
    rate: float | None
    level: str


class RecoveryTime(Schema):
    incidents: int
    median_hours: float | None
    level: str


class FourKeys(Schema):
    deployment_frequency: DeploymentFrequency
    lead_time_for_changes: LeadTime
    change_failure_rate: ChangeFailureRate
    failed_deployment_recovery_time: RecoveryTime


class DoraOut(FourKeys):
    from_: str = Field(alias="from")
    to: str
    team: str | None
    repo: str | None


class DoraWeek(FourKeys):
    week: str


class DoraWeekPage(Schema):
    items: list[DoraWeek]
    count: int


class DeploymentOut(Schema):
    id: str
    repo: str | None
    sha: str | None
    environment: str
    status: str
    started_at: datetime | None
    finished_at: datetime | None
    service: str | None
    source: str
    shipped_commits: int | None
    first_of_repository: bool


class DeploymentPage(Schema):
    items: list[DeploymentOut]
    count: int


class IncidentOut(Schema):
    id: str
    service: str | None
    repo: str | None
    severity: str | None
    created_at: datetime
    resolved_at: datetime | None
    deployment_id: str | None
    source: str


class IncidentPage(Schema):
    items: list[IncidentOut]
    count: int


class LeadTimeCommitOut(Schema):
    repo: str
    sha: str
    email: str
    subject: str
    committed_at: datetime
    deployment_id: str | None
    lead_time_hours: float | None


class LeadTimeCommitPage(Schema):
    items: list[LeadTimeCommitOut]
    count: int


class DeploymentReceived(DeploymentOut):
    """A deployment received by the webhook; `created` is false when the same `id` updated it
    (200) and true when it is new (201)."""

    created: bool


class IncidentReceived(IncidentOut):
    """An incident received by the webhook; `created` as for deployments."""

    created: bool
