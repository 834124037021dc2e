"""Per-repository and per-author figures kept at ingest, so pages never scan the commit table.

`Repository.reachable_commits` and `AuthorSummary` rows are written by the ingestion writer in
the same transaction as the commits they count:
- new commits (always reachable) are added as deltas (`add_commits`), one upsert per author;
- commits whose reachability changes (a force-push, or commits that come back) make the
  authors they touch be recomputed from the commit table (`recompute_authors`), because a
  maximum (the latest commit and its name) cannot be decremented.
`rebuild` recomputes everything from the commits (the data migration uses it; the tests compare
the maintained figures with an independent recomputation).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, F, Max, Q, Sum

CHUNK = 500


@dataclass
class AuthorDelta:
    """What a batch of new commits adds to one author's summary."""

    all_commits: int = 0
    commits: int = 0
    added: int = 0
    deleted: int = 0
    last_time: int | None = None  # committer time (unix seconds) of the latest non-merge commit
    last_value: Any = None  # the same, as the database stores it
    name: str = ""

    def add(
        self, *, merge: bool, added: int, deleted: int, time: int, value: Any, name: str
    ) -> None:
        """Count one new commit; a later (or equally late, inserted later) commit names it."""
        self.all_commits += 1
        if merge:
            return
        self.commits += 1
        self.added += added
        self.deleted += deleted
        if self.last_time is None or time >= self.last_time:
            self.last_time, self.last_value, self.name = time, value, name


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def add_commits(repo_id: int, deltas: dict[str, AuthorDelta]) -> None:
    """Add a batch of new, reachable commits to the repository's and its authors' figures."""
    from steward.engineering.models import AuthorSummary, Repository

    if not deltas:
        return
    t = _table(AuthorSummary)
    # New commits get larger ids than stored ones, so on equal times the new name wins (>=),
    # as the order by (committed_at, id) of a recomputation would have it.
    sql = (
        f"INSERT INTO {t} (repository_id, email, name, commits, added, deleted, "
        "last_committed_at, all_commits) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (repository_id, email) DO UPDATE SET "
        f"commits = {t}.commits + excluded.commits, "
        f"added = {t}.added + excluded.added, "
        f"deleted = {t}.deleted + excluded.deleted, "
        f"all_commits = {t}.all_commits + excluded.all_commits, "
        "name = CASE WHEN excluded.last_committed_at IS NOT NULL AND "
        f"({t}.last_committed_at IS NULL OR excluded.last_committed_at >= {t}.last_committed_at) "
        f"THEN excluded.name ELSE {t}.name END, "
        "last_committed_at = CASE WHEN excluded.last_committed_at IS NOT NULL AND "
        f"({t}.last_committed_at IS NULL OR excluded.last_committed_at >= {t}.last_committed_at) "
        f"THEN excluded.last_committed_at ELSE {t}.last_committed_at END"
    )
    rows = [
        (repo_id, email, d.name, d.commits, d.added, d.deleted, d.last_value, d.all_commits)
        for email, d in sorted(deltas.items())
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    total = sum(d.all_commits for d in deltas.values())
    Repository.objects.filter(pk=repo_id).update(reachable_commits=F("reachable_commits") + total)


def _author_rows(
    commit_model: Any, repo_id: int, emails: Sequence[str] | None
) -> list[dict[str, Any]]:
    """The summaries of `emails` (all authors if None) of a repository, from its commits."""
    base = commit_model.objects.filter(repository_id=repo_id, reachable=True)
    if emails is not None:
        base = base.filter(email__in=list(emails))
    plain = Q(parent_count__lte=1)
    rows = list(
        base.order_by()
        .values("email")
        .annotate(
            all_commits=Count("id"),
            commits=Count("id", filter=plain),
            added=Sum("added", filter=plain),
            deleted=Sum("deleted", filter=plain),
            last_committed_at=Max("committed_at", filter=plain),
        )
    )
    names: dict[str, str] = {}
    for email, name in (
        base.filter(plain).order_by("committed_at", "id").values_list("email", "mailmap_name")
    ):
        names[email] = name
    for row in rows:
        row["name"] = names.get(row["email"], "")
        row["added"] = row["added"] or 0
        row["deleted"] = row["deleted"] or 0
    return rows


def recompute_authors(repo_id: int, emails: Iterable[str], reachable_delta: int) -> None:
    """Recompute the summaries of `emails` in a repository after their commits' reachability
    changed, and move its reachable count by `reachable_delta`."""
    from steward.engineering.models import AuthorSummary, Commit, Repository

    emails = sorted(set(emails))
    for start in range(0, len(emails), CHUNK):
        part = emails[start : start + CHUNK]
        AuthorSummary.objects.filter(repository_id=repo_id, email__in=part).delete()
        AuthorSummary.objects.bulk_create(
            [
                AuthorSummary(repository_id=repo_id, **row)
                for row in _author_rows(Commit, repo_id, part)
            ]
        )
    if reachable_delta:
        Repository.objects.filter(pk=repo_id).update(
            reachable_commits=F("reachable_commits") + reachable_delta
        )


def rebuild(
    *,
    repository_model: Any = None,
    commit_model: Any = None,
    summary_model: Any = None,
    repository_ids: Iterable[int] | None = None,
) -> None:
    """Recompute every figure of the repositories (all by default) from their commits.

    The model arguments let a data migration pass its historical models."""
    from steward.engineering import models

    repository_model = repository_model or models.Repository
    commit_model = commit_model or models.Commit
    summary_model = summary_model or models.AuthorSummary
    ids = (
        list(repository_ids)
        if repository_ids is not None
        else list(repository_model.objects.values_list("pk", flat=True))
    )
    for repo_id in ids:
        summary_model.objects.filter(repository_id=repo_id).delete()
        rows = _author_rows(commit_model, repo_id, None)
        summary_model.objects.bulk_create(
            [summary_model(repository_id=repo_id, **row) for row in rows], batch_size=1000
        )
        repository_model.objects.filter(pk=repo_id).update(
            reachable_commits=sum(r["all_commits"] for r in rows)
        )
