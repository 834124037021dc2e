"""CSV import of deployments and incidents (`steward import deployments|incidents FILE`).

Rows are validated with the same rules as the webhooks (`services.deployment_validate`,
`services.incident_validate`); `id` is the natural key, so importing a file again changes
nothing and a changed row updates its record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from steward.core.importing import Change, CsvImporter, Diff
from steward.engineering import services
from steward.engineering.models import Deployment, Incident, RecordSource, Repository

DEPLOYMENT_FIELDS = ("repo", "sha", "environment", "status", "started_at", "finished_at", "service")
INCIDENT_FIELDS = ("service", "repo", "severity", "created_at", "resolved_at", "deployment_id")


def _deployment_now(d: Deployment) -> dict[str, Any]:
    return {
        "repo": d.repo_name,
        "sha": d.sha,
        "environment": d.environment,
        "status": d.status,
        "started_at": d.started_at,
        "finished_at": d.finished_at,
        "service": d.service,
    }


def _incident_now(i: Incident) -> dict[str, Any]:
    return {
        "service": i.service,
        "repo": i.repo_name,
        "severity": i.severity,
        "created_at": i.created_at,
        "resolved_at": i.resolved_at,
        "deployment_id": i.deployment_external_id,
    }


class _RecordImporter(CsvImporter):
    """Shared plan/apply of the two record kinds."""

    fields: ClassVar[tuple[str, ...]] = ()
    model: ClassVar[Any] = None

    def validate(self, data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        """Clean one row (the webhook's rules)."""
        raise NotImplementedError

    def current(self, record: Any) -> dict[str, Any]:
        """A stored record's fields in the CSV's vocabulary."""
        raise NotImplementedError

    def plan(self) -> Diff:
        diff = self.new_diff()
        rows = self.read_rows()
        existing = {
            r.external_id: r
            for r in self.model.objects.filter(external_id__in=[row.get("id") for row in rows])
        }
        seen: dict[str, int] = {}
        for row in rows:
            key = row.get("id")
            if key and key in seen:
                self.problem(
                    row.line,
                    "id",
                    f"{key!r} appears twice (first on line {seen[key]})",
                    "keep one row per id",
                )
                continue
            seen[key] = row.line
            clean, errors = self.validate(dict(row.values))
            for error in errors:
                self.problem(row.line, error.field, error.message)
            if errors:
                continue
            new = {name: clean[name] for name in self.fields}
            old_record = existing.get(key)
            if old_record is None:
                diff.add(Change("added", key, line=row.line, payload=dict(row.values)))
                continue
            old = self.current(old_record)
            changed = {
                name: (old[name], new[name])
                for name in self.fields
                if (old[name] or None) != (new[name] or None)
            }
            kind = "changed" if changed else "unchanged"
            diff.add(Change(kind, key, line=row.line, fields=changed, payload=dict(row.values)))
        return diff


class DeploymentImporter(_RecordImporter):
    """Deployments CSV: id, repo, sha, environment, status, started_at, finished_at, service."""

    kind = "deployments"
    required_columns = ("id", "environment", "status")
    optional_columns = ("repo", "sha", "started_at", "finished_at", "service")
    identifier_columns = ("id",)
    fields = DEPLOYMENT_FIELDS
    model = Deployment

    def validate(self, data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        """Clean one row (the webhook's rules)."""
        return services.deployment_validate(data)

    def current(self, record: Any) -> dict[str, Any]:
        """A stored deployment in the CSV's vocabulary."""
        return _deployment_now(record)

    def apply(self, diff: Diff) -> None:
        repos: set[str] = set()
        for change in diff.changes:
            if change.kind == "unchanged":
                continue
            deployment, _ = services.deployment_upsert(
                actor=self.actor, data=change.payload, source=RecordSource.CSV, relink=False
            )
            if deployment.repository_id:
                repos.add(deployment.repo_name)
        for repo in Repository.objects.filter(name__in=repos):
            services.deployments_link(repository=repo)


class IncidentImporter(_RecordImporter):
    """Incidents CSV: id, service, repo, severity, created_at, resolved_at, deployment_id."""

    kind = "incidents"
    required_columns = ("id", "created_at")
    optional_columns = ("service", "repo", "severity", "resolved_at", "deployment_id")
    identifier_columns = ("id", "deployment_id")
    fields = INCIDENT_FIELDS
    model = Incident

    def validate(self, data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        """Clean one row (the webhook's rules)."""
        return services.incident_validate(data)

    def current(self, record: Any) -> dict[str, Any]:
        """A stored incident in the CSV's vocabulary."""
        return _incident_now(record)

    def apply(self, diff: Diff) -> None:
        for change in diff.changes:
            if change.kind != "unchanged":
                services.incident_upsert(
                    actor=self.actor, data=change.payload, source=RecordSource.CSV
                )
