"""Tables of the engineering list pages (core.tables): deployments, lead-time commits and
incidents (the drill-downs of the Delivery page), repositories and author identities."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_tables2 as tables
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html

from steward.core.labels import label
from steward.core.tables import DateTimeColumn, NumberColumn, StewardTable
from steward.engineering import selectors


class DeploymentTable(StewardTable):
    """Production deployments: id, repository, finish, status, whether an incident names it,
    the commits it shipped first (counted for the rows shown only) and its source."""

    noun = ("deployment", "deployments")

    external_id = tables.Column(verbose_name="Deployment")
    repository = tables.Column(
        accessor="repo_name",
        verbose_name="Repository",
        order_by=("repository__name", "repo_name"),
    )
    finished_at = DateTimeColumn(verbose_name="Finished")
    status = tables.Column(verbose_name="Status")
    incident = tables.Column(
        accessor="external_id", verbose_name="Named by an incident", orderable=False
    )
    shipped = NumberColumn(verbose_name="Commits shipped first", orderable=False)
    source = tables.Column(verbose_name="Source")
    first_of_repository = tables.Column(
        verbose_name="First of its repository (no baseline)", visible=False
    )

    class Meta(StewardTable.Meta):
        per_page = 100
        empty_text = "No deployments in this period. Widen the period or choose another team."

    def __init__(self, data: Any, *, named: set[str] | frozenset[str] = frozenset(), **kwargs: Any):
        super().__init__(data, **kwargs)
        self.named = named

    def configure(self, request: HttpRequest, *, paginate: bool = True) -> StewardTable:
        """Sort and page, then count the shipped commits of the rows shown: the page's (one
        query over its ids), or every row of the CSV (one grouped query)."""
        super().configure(request, paginate=paginate)
        if paginate:
            selectors.with_shipped_counts(self.page.object_list.data)
        else:
            selectors.with_shipped_counts(self.data.data, every=True)
        return self

    def csv_values(self, record: Any) -> dict[str, Any]:
        """The CSV row without django-tables2's per-cell work (a download may hold every
        deployment of ten years); the same values as the `value_*` methods give."""
        return {
            "external_id": record.external_id,
            "repository": self._repository(record),
            "finished_at": record.finished_at.isoformat(timespec="seconds"),
            "status": record.get_status_display(),
            "incident": self.value_incident(record.external_id),
            "shipped": record.shipped,
            "source": record.get_source_display(),
            "first_of_repository": self.value_first_of_repository(record.first_of_repository),
        }

    def render_external_id(self, value: str, record: Any) -> str:
        url = reverse("engineering:deployment_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_external_id(self, value: str) -> str:
        return value

    def _repository(self, record: Any) -> str:
        return record.repository.name if record.repository_id else record.repo_name

    def render_repository(self, record: Any) -> str:
        name = self._repository(record)
        if record.repository_id:
            url = reverse("engineering:repository_detail", args=[name])
            return format_html('<a href="{}">{}</a>', url, name)
        return name or "—"

    def value_repository(self, record: Any) -> str:
        return self._repository(record)

    def render_incident(self, value: str) -> str:
        return "yes" if value in self.named else ""

    def value_incident(self, value: str) -> str:
        return "yes" if value in self.named else "no"

    def value_shipped(self, value: int) -> int:
        return value

    def value_first_of_repository(self, value: bool) -> str:
        return "yes" if value else "no"

    def render_shipped(self, value: int, record: Any) -> str:
        shown = f"{value:,}"
        if record.first_of_repository:
            return format_html('{} <span class="muted">(first: no baseline)</span>', shown)
        return shown


def _hours(record: Any) -> float | None:
    if record.resolved_at is None:
        return None
    return (record.resolved_at - record.created_at) / timedelta(hours=1)


class IncidentTable(StewardTable):
    """Incidents: id, service, severity, created and resolved (UTC), hours to resolve and the
    deployment that caused it."""

    noun = ("incident", "incidents")

    external_id = tables.Column(verbose_name="Incident")
    service = tables.Column(verbose_name="Service")
    severity = tables.Column(verbose_name="Severity")
    created_at = DateTimeColumn(verbose_name="Created")
    resolved_at = DateTimeColumn(verbose_name="Resolved")
    hours = NumberColumn(
        accessor="resolved_at", verbose_name="Hours to resolve", order_by=("duration",), decimals=1
    )
    deployment_external_id = tables.Column(verbose_name="Caused by")

    class Meta(StewardTable.Meta):
        per_page = 100
        empty_text = "No incidents resolved in this period."

    def render_severity(self, value: str) -> str:
        return label(value)

    def value_severity(self, value: str) -> str:
        return label(value)

    def render_hours(self, record: Any) -> str:
        hours = _hours(record)
        return "—" if hours is None else f"{hours:,.1f}"

    def value_hours(self, record: Any) -> str:
        hours = _hours(record)
        return "" if hours is None else f"{hours:.1f}"


class RepositoryTable(StewardTable):
    """Repositories: name, owning team, who declared the owner, commits, ingestion state and
    when it was last ingested."""

    noun = ("repository", "repositories")

    name = tables.Column(verbose_name="Repository")
    team = tables.Column(accessor="team__name", verbose_name="Team", order_by=("team__name",))
    owner_source = tables.Column(verbose_name="Owner declared by")
    commit_count = NumberColumn(verbose_name="Commits")
    status = tables.Column(verbose_name="Status")
    last_ingested_at = DateTimeColumn(verbose_name="Last ingested")
    last_error = tables.Column(verbose_name="Last error", visible=False)

    class Meta(StewardTable.Meta):
        empty_text = "No repositories yet: run steward ingest git PATH."

    def render_name(self, value: str) -> str:
        url = reverse("engineering:repository_detail", args=[value])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_name(self, value: str) -> str:
        return value

    def render_team(self, value: str, record: Any) -> str:
        url = reverse("engineering:delivery")
        return format_html('<a href="{}?team={}">{}</a>', url, record.team.slug, value)

    def value_team(self, value: str) -> str:
        return value

    def render_status(self, value: str, record: Any) -> str:
        if record.last_error:
            return f"{value}: {record.last_error}"
        return value


_HOUR = timedelta(hours=1)


def _lead_hours(record: Any) -> float:
    return float(record.lead / _HOUR)


class LeadTimeTable(StewardTable):
    """The commits counted in lead time for changes: commit, repository, when committed, the
    deployment that shipped it, its lead time in hours and its subject."""

    noun = ("commit", "commits")

    sha = tables.Column(verbose_name="Commit")
    repository = tables.Column(
        accessor="repository__name", verbose_name="Repository", order_by=("repository__name",)
    )
    committed_at = DateTimeColumn(verbose_name="Committed")
    deployment = tables.Column(
        accessor="deployment__external_id",
        verbose_name="Deployment",
        order_by=("deployment__finished_at", "deployment__external_id"),
    )
    hours = NumberColumn(accessor="lead", verbose_name="Lead time (hours)", order_by=("lead",))
    subject = tables.Column(verbose_name="Subject")

    class Meta(StewardTable.Meta):
        per_page = 100
        empty_text = "No commits shipped in this period. Widen the period or choose another team."

    # Read as columns (ten years of commits): not the `lead` annotation either, which SQLite
    # computes by calling back into Python for each row; the same difference is taken here.
    def csv_fields(self) -> tuple[str, ...]:
        """A commit's columns the CSV shows (its subject is the message's first line)."""
        return (
            "sha",
            "repository__name",
            "committed_at",
            "deployment__external_id",
            "deployment__finished_at",
            "message",
        )

    def csv_values(self, record: Any) -> dict[str, Any]:
        """The CSV row from the `csv_fields` of a commit, as the `value_*` methods give it."""
        committed_at = record["committed_at"]
        lead = record["deployment__finished_at"] - committed_at
        return {
            "sha": record["sha"],
            "repository": record["repository__name"],
            "committed_at": committed_at.isoformat(timespec="seconds"),
            "deployment": record["deployment__external_id"],
            "hours": f"{lead / _HOUR:.1f}",
            "subject": record["message"].split("\n", 1)[0],  # Commit.subject
        }

    def render_sha(self, value: str) -> str:
        return format_html("<code>{}</code>", value[:10])

    def value_sha(self, value: str) -> str:
        return value

    def render_repository(self, value: str) -> str:
        url = reverse("engineering:repository_detail", args=[value])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_repository(self, value: str) -> str:
        return value

    def render_deployment(self, value: str, record: Any) -> str:
        url = reverse("engineering:deployment_detail", args=[record.deployment_id])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_deployment(self, value: str) -> str:
        return value

    def render_hours(self, record: Any) -> str:
        return f"{_lead_hours(record):,.1f}"

    def value_hours(self, record: Any) -> str:
        return f"{_lead_hours(record):.1f}"


IDENTITY_KINDS = {"unmatched": "Unmatched", "bot": "Bot", "linked": "Linked to a person"}


class IdentityTable(StewardTable):
    """Author identities: email, name, commits (counted for the rows shown only), state and,
    on the page, the admin's actions (link to a person, mark as a bot, reset)."""

    noun = ("identity", "identities")

    email = tables.Column(verbose_name="Email")
    name = tables.Column(verbose_name="Name")
    commits = NumberColumn(accessor="email", verbose_name="Commits", orderable=False)
    kind = tables.Column(verbose_name="State")
    action = tables.Column(
        accessor="pk", verbose_name="Action", orderable=False, exclude_from_export=True
    )

    class Meta(StewardTable.Meta):
        per_page = 100
        empty_text = "No identities in this state."

    def __init__(self, data: Any, *, state: str = "unmatched", **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.state = state
        self.commit_counts: dict[str, int] = {}

    def configure(self, request: HttpRequest, *, paginate: bool = True) -> StewardTable:
        """Sort and page, then count the commits of the rows shown: the page's emails (one
        grouped query), or every row's for the CSV (one grouped query over a subquery)."""
        super().configure(request, paginate=paginate)
        if paginate:
            emails = [row.email for row in self.page.object_list.data]
            self.commit_counts = selectors.identity_commit_counts(emails)
        else:
            self.commit_counts = selectors.identity_commit_counts(
                self.data.data.order_by().values("email")
            )
        return self

    def render_commits(self, value: str) -> str:
        return f"{self.commit_counts.get(value, 0):,}"

    def value_commits(self, value: str) -> int:
        return self.commit_counts.get(value, 0)

    def render_kind(self, value: str, record: Any) -> str:
        shown = IDENTITY_KINDS.get(value, value)
        return f"{shown} (set by an admin)" if record.manual else shown

    def value_kind(self, value: str, record: Any) -> str:
        return self.render_kind(value, record)

    def render_action(self, value: int, record: Any) -> str:
        reset = (
            format_html(
                ' <button name="action" value="reset" class="btn btn-outline-secondary btn-sm">'
                "Reset</button>"
            )
            if record.manual
            else ""
        )
        return format_html(
            '<form method="post" class="d-inline">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="identity" value="{}">'
            '<input type="hidden" name="state" value="{}">'
            '<input name="person" aria-label="Person to link {} to" list="people-options" '
            'placeholder="Name or employee ID" size="18" autocomplete="off" '
            'hx-get="{}?field=person" hx-trigger="input changed delay:150ms" '
            'hx-target="#people-options" hx-swap="innerHTML" '
            'class="form-control form-control-sm d-inline-block w-auto"> '
            '<button name="action" value="link" class="btn btn-outline-primary btn-sm">Link'
            "</button> "
            '<button name="action" value="bot" class="btn btn-outline-secondary btn-sm">Bot'
            "</button>{}</form>",
            get_token(self.request),
            value,
            self.state,
            record.email,
            reverse("org:pick_people"),
            reset,
        )
