"""Writes of the engineering app: deployments, incidents, identities, ownership, webhook sources."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.utils.dateparse import parse_datetime

from steward.core import policy
from steward.core.errors import BadInput, StewardError
from steward.core.models import token_digest
from steward.core.periods import EARLIEST, LATEST
from steward.engineering import shipped as shipped_figures
from steward.engineering.models import (
    Commit,
    Deployment,
    DeploymentStatus,
    Identity,
    Incident,
    OwnerSource,
    RecordSource,
    Repository,
    WebhookSource,
)

Actor = policy.Actor


class EngineeringError(StewardError):
    """A failure in the engineering app."""


class DeploymentConflict(EngineeringError):
    """A deployment derived from a git tag may be changed only by the git ingest (HTTP 409)."""


TAG_ID_PREFIX = "tag:"


def _require(actor: Actor, label: str) -> None:
    policy.require(actor, "change", label)


# ---------------------------------------------------------------- validation of records


@dataclass(frozen=True)
class FieldError:
    """A problem with one field of a deployment or incident record."""

    field: str
    message: str


def _parse_when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        parsed: datetime | None = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        parsed = parse_datetime(text)
        if parsed is None and len(text) == 10:
            parsed = parse_datetime(text + "T00:00:00")
    else:
        return None
    if parsed is None:
        raise ValueError("not an ISO 8601 date-time")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        in_utc = parsed.astimezone(UTC)
    except OverflowError as exc:  # 9999-12-31T23:59:59-14:00 is in year 10000 in UTC
        raise ValueError("out of range") from exc
    if not EARLIEST <= in_utc.date() <= LATEST:
        raise ValueError("out of range")
    return parsed


def _text(
    data: Mapping[str, Any],
    name: str,
    errors: list[FieldError],
    *,
    required: bool,
    limit: int = 200,
) -> str:
    value = data.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, str | int | float)):
        errors.append(FieldError(name, "must be text (a string or a number)"))
        return ""
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors.append(FieldError(name, "required"))
    elif len(text) > limit:
        errors.append(FieldError(name, f"at most {limit} characters"))
    return text


def _when(
    data: Mapping[str, Any], name: str, errors: list[FieldError], *, required: bool
) -> datetime | None:
    try:
        value = _parse_when(data.get(name))
    except ValueError:
        errors.append(
            FieldError(
                name,
                f"not an ISO 8601 date-time between {EARLIEST} and {LATEST} "
                "(e.g. 2026-03-01T12:00:00Z)",
            )
        )
        return None
    if value is None and required:
        errors.append(FieldError(name, "required (ISO 8601 date-time)"))
    return value


def deployment_validate(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Clean one deployment record (CSV row or webhook payload); field errors if invalid."""
    errors: list[FieldError] = []
    clean: dict[str, Any] = {
        "id": _text(data, "id", errors, required=True),
        "repo": _text(data, "repo", errors, required=False),
        "sha": _text(data, "sha", errors, required=False, limit=40).lower(),
        "environment": _text(data, "environment", errors, required=True, limit=100),
        "service": _text(data, "service", errors, required=False),
    }
    if clean["id"].startswith(TAG_ID_PREFIX):
        errors.append(
            FieldError("id", f"ids starting with {TAG_ID_PREFIX!r} are reserved for git tags")
        )
    status = _text(data, "status", errors, required=True, limit=16).lower()
    if status and status not in DeploymentStatus.values:
        errors.append(FieldError("status", "must be success or failure"))
    clean["status"] = status
    if clean["sha"] and not re.fullmatch(r"[0-9a-f]{4,40}", clean["sha"]):
        errors.append(FieldError("sha", "must be a hexadecimal commit sha"))
    if not clean["repo"] and not clean["service"]:
        errors.append(FieldError("repo", "give repo or service"))
    clean["started_at"] = _when(data, "started_at", errors, required=False)
    clean["finished_at"] = _when(data, "finished_at", errors, required=False)
    if clean["finished_at"] is None and not any(e.field == "finished_at" for e in errors):
        clean["finished_at"] = clean["started_at"]
        if clean["started_at"] is None and not any(e.field == "started_at" for e in errors):
            errors.append(FieldError("finished_at", "required (or give started_at)"))
    if (
        clean["started_at"] is not None
        and clean["finished_at"] is not None
        and clean["finished_at"] < clean["started_at"]
    ):
        errors.append(FieldError("finished_at", "must not be before started_at"))
    return clean, errors


def incident_validate(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Clean one incident record (CSV row or webhook payload); field errors if invalid."""
    errors: list[FieldError] = []
    clean: dict[str, Any] = {
        "id": _text(data, "id", errors, required=True),
        "service": _text(data, "service", errors, required=False),
        "repo": _text(data, "repo", errors, required=False),
        "severity": _text(data, "severity", errors, required=False, limit=50),
        "deployment_id": _text(data, "deployment_id", errors, required=False),
    }
    if not clean["repo"] and not clean["service"]:
        errors.append(FieldError("service", "give service or repo"))
    clean["created_at"] = _when(data, "created_at", errors, required=True)
    clean["resolved_at"] = _when(data, "resolved_at", errors, required=False)
    if (
        clean["created_at"] is not None
        and clean["resolved_at"] is not None
        and clean["resolved_at"] < clean["created_at"]
    ):
        errors.append(FieldError("resolved_at", "must not be before created_at"))
    return clean, errors


# ---------------------------------------------------------------- deployments and incidents


def _repository(name: str) -> Repository | None:
    return Repository.objects.filter(name=name).first() if name else None


@transaction.atomic
def deployment_upsert(
    *,
    actor: Actor,
    data: Mapping[str, Any],
    source: str = RecordSource.WEBHOOK,
    relink: bool = True,
) -> tuple[Deployment, bool]:
    """Create or update the deployment with `data["id"]`; returns it and whether it was new.

    A deployment that came from a git tag is never replaced by another source
    (DeploymentConflict): the next ingest would bring the tag's version back.
    """
    _require(actor, "engineering.deployment")
    clean, errors = deployment_validate(data)
    if errors:
        raise BadInput("; ".join(f"{e.field}: {e.message}" for e in errors))
    if source != RecordSource.TAG:
        existing = Deployment.objects.filter(external_id=clean["id"]).only("source").first()
        if existing is not None and existing.source == RecordSource.TAG:
            raise DeploymentConflict(
                f"id {clean['id']!r}: this deployment comes from a git tag and is kept by the "
                "git ingest; send the deployment under another id"
            )
    repo = _repository(clean["repo"])
    deployment, created = Deployment.objects.update_or_create(
        external_id=clean["id"],
        defaults={
            "repository": repo,
            "repo_name": clean["repo"],
            "sha": clean["sha"],
            "environment": clean["environment"],
            "status": clean["status"],
            "started_at": clean["started_at"],
            "finished_at": clean["finished_at"],
            "service": clean["service"],
            "source": source,
        },
    )
    deployment.full_clean()
    if relink and repo is not None:
        deployments_link(repository=repo)
    return deployment, created


@transaction.atomic
def incident_upsert(
    *, actor: Actor, data: Mapping[str, Any], source: str = RecordSource.WEBHOOK
) -> tuple[Incident, bool]:
    """Create or update the incident with `data["id"]`; returns it and whether it was new."""
    _require(actor, "engineering.incident")
    clean, errors = incident_validate(data)
    if errors:
        raise BadInput("; ".join(f"{e.field}: {e.message}" for e in errors))
    incident, created = Incident.objects.update_or_create(
        external_id=clean["id"],
        defaults={
            "service": clean["service"],
            "repository": _repository(clean["repo"]),
            "repo_name": clean["repo"],
            "severity": clean["severity"],
            "created_at": clean["created_at"],
            "resolved_at": clean["resolved_at"],
            "deployment_external_id": clean["deployment_id"],
            "source": source,
        },
    )
    incident.full_clean()
    return incident, created


def tag_deployments_sync(*, repository: Repository) -> bool:
    """Make the repository's tag deployments match its tags and `tag_pattern`; True if changed."""
    wanted: dict[str, tuple[str, datetime]] = {}
    if repository.tag_pattern:
        pattern = re.compile(repository.tag_pattern)
        for tag in repository.tags.all():
            if pattern.search(tag.name) and tag.tagged_at is not None:
                wanted[f"tag:{repository.name}:{tag.name}"] = (tag.sha, tag.tagged_at)
    have = {
        d.external_id: d
        for d in Deployment.objects.filter(repository=repository, source=RecordSource.TAG)
    }
    stale = [k for k in have if k not in wanted]
    changed = bool(stale)
    if stale:
        Deployment.objects.filter(external_id__in=stale).delete()
    new = []
    for key, (sha, when) in wanted.items():
        old = have.get(key)
        if old is not None and old.sha == sha and old.finished_at == when:
            continue
        if old is not None:
            Deployment.objects.filter(pk=old.pk).update(sha=sha, started_at=when, finished_at=when)
            changed = True
            continue
        new.append(
            Deployment(
                external_id=key,
                repository=repository,
                repo_name=repository.name,
                sha=sha,
                environment="production",
                status=DeploymentStatus.SUCCESS,
                started_at=when,
                finished_at=when,
                source=RecordSource.TAG,
            )
        )
    if new:
        Deployment.objects.bulk_create(new, ignore_conflicts=True)
        changed = True
    return changed


@transaction.atomic
def deployments_link(*, repository: Repository) -> int:
    """Link each successful production deployment to the commits it shipped for the first time.

    Deployments are taken in order of `finished_at`; a deployment ships the commits reachable
    from its sha that no earlier deployment reached. The first deployment whose sha is known has
    no baseline (`first_of_repository`): its commits are linked but lead time excludes them.
    Returns the number of commits linked. Keeps each deployment's `shipped_times` (shipped.py).
    """
    Deployment.objects.filter(repository__isnull=True, repo_name=repository.name).update(
        repository=repository
    )
    Incident.objects.filter(repository__isnull=True, repo_name=repository.name).update(
        repository=repository
    )
    deployments = list(
        Deployment.objects.filter(
            repository=repository,
            environment__iexact="production",
            status=DeploymentStatus.SUCCESS,
        )
        .exclude(sha="")
        .order_by("finished_at", "external_id")
        .values_list("pk", "sha")
    )
    Commit.objects.filter(repository=repository, deployment__isnull=False).update(deployment=None)
    Deployment.objects.filter(repository=repository, first_of_repository=True).update(
        first_of_repository=False
    )
    if not deployments:
        shipped_figures.store(repository.pk)
        return 0
    graph: dict[str, tuple[int, str]] = {
        sha: (pk, parents)
        for pk, sha, parents in Commit.objects.filter(repository=repository).values_list(
            "pk", "sha", "parents"
        )
    }
    shipped: set[str] = set()
    assignments: dict[int, list[int]] = {}
    first: int | None = None
    for deployment_pk, raw_sha in deployments:
        sha = raw_sha
        if sha not in graph and len(sha) < 40:
            sha = next((s for s in graph if s.startswith(raw_sha)), "")
        if sha not in graph:
            continue
        if first is None:
            first = deployment_pk
        ids: list[int] = []
        stack = [sha]
        while stack:
            current = stack.pop()
            if current in shipped or current not in graph:
                continue
            shipped.add(current)
            pk, parents = graph[current]
            ids.append(pk)
            stack.extend(parents.split())
        if ids:
            assignments[deployment_pk] = ids
    pairs = [(deployment_pk, pk) for deployment_pk, ids in assignments.items() for pk in ids]
    if pairs:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {Commit._meta.db_table} SET deployment_id = %s WHERE id = %s",
                pairs,
            )
    total = len(pairs)
    if first is not None:
        Deployment.objects.filter(pk=first).update(first_of_repository=True)
    shipped_figures.store(repository.pk)
    return total


# ---------------------------------------------------------------- repositories and identities


@transaction.atomic
def repository_update(
    *,
    actor: Actor,
    repository: Repository,
    team: Any = None,
    tag_pattern: str | None = None,
    clear_team: bool = False,
) -> Repository:
    """Declare the owning team and/or the deployment tag pattern of a repository."""
    _require(actor, "engineering.repository")
    if team is not None or clear_team:
        repository.team = team
        repository.owner_source = OwnerSource.MANUAL if team is not None else OwnerSource.NONE
    if tag_pattern is not None:
        try:
            re.compile(tag_pattern)
        except re.error as exc:
            raise BadInput(f"tag_pattern: not a regular expression ({exc})") from exc
        repository.tag_pattern = tag_pattern
    repository.full_clean()
    # Not `reachable_commits`, which ingestion keeps in SQL (this object may be stale).
    repository.save(update_fields=["team", "owner_source", "tag_pattern"])
    if tag_pattern is not None and tag_deployments_sync(repository=repository):
        deployments_link(repository=repository)
    return repository


@transaction.atomic
def identity_link(*, actor: Actor, identity: Identity, person: Any) -> Identity:
    """Link an author identity to a person (applies to every figure, past and future)."""
    _require(actor, "engineering.identity")
    identity.person = person
    identity.is_bot = False
    identity.manual = True
    identity.full_clean()
    identity.save()
    return identity


@transaction.atomic
def identity_mark_bot(*, actor: Actor, identity: Identity, is_bot: bool = True) -> Identity:
    """Mark an identity as a bot (never counted as a person), or undo that."""
    _require(actor, "engineering.identity")
    identity.is_bot = is_bot
    identity.person = None
    identity.manual = True
    identity.full_clean()
    identity.save()
    return identity


@transaction.atomic
def identity_reset(*, actor: Actor, identity: Identity) -> Identity:
    """Forget an admin's decision: the identity is matched automatically again."""
    from steward.engineering import config

    _require(actor, "engineering.identity")
    identity.person = None
    identity.manual = False
    identity.is_bot = config.looks_like_bot(identity.name, identity.email, config.bot_patterns())
    identity.save()
    return identity


# ---------------------------------------------------------------- webhook sources


@transaction.atomic
def webhook_source_create(*, actor: Actor, name: str) -> tuple[WebhookSource, str]:
    """Create a webhook source; returns it and its raw token (shown once, stored hashed)."""
    _require(actor, "engineering.webhooksource")
    if WebhookSource.objects.filter(name=name).exists():
        raise BadInput(f"NAME {name!r}: a webhook source with this name exists")
    raw = "whk_" + secrets.token_urlsafe(32)
    source = WebhookSource(name=name, token_hash=token_digest(raw))
    source.full_clean()
    source.save()
    return source, raw


def webhook_source_for_token(raw: str) -> WebhookSource | None:
    """The active source whose token is `raw`, else None."""
    if not raw:
        return None
    return WebhookSource.objects.filter(token_hash=token_digest(raw), revoked=False).first()
