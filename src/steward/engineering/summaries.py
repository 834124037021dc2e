"""Per-repository and per-author figures kept at ingest, so pages never scan the commit table.

`Repository.reachable_commits` and `AuthorSummary` rows are written by the ingestion writer in
the same transaction as the commits they count:
- new commits (always reachable) are added as deltas (`add_commits`), one upsert per author;
- commits whose reachability changes (a force-push, or commits that come back) make the
  authors they touch be recomputed from the commit table (`recompute_authors`), because a
  maximum (the latest commit and its name) cannot be decremented.
`AuthorDay` rows (reachable non-merge commits per repository, author and local day) are kept
the same way, except that a count can go down: commits whose reachability changes add or
subtract their (author, day) counts (`move_days`), and rows that fall to 0 are deleted.
`AuthorDayKey` rows (the same commits when they reference link keys, per repository, author, day,
key and set of keys) follow `AuthorDay` step by step: new commits add (`add_key_days`), commits
changing reachability add or subtract (`move_days` moves both), a rebuild recomputes both.
`rebuild` recomputes everything from the commits (the data migrations use it; the tests compare
the maintained figures with an independent recomputation).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, F, Max, Q, Sum

CHUNK = 500
KEY_SEPARATOR = "\x1f"  # ASCII unit separator: never part of a key found in commit text


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


def add_days(repo_id: int, days: dict[tuple[str, Any], int]) -> None:
    """Add new reachable non-merge commits, counted per (email, day as the database stores
    it), to the repository's per-author, per-day counts."""
    from steward.engineering.models import AuthorDay

    if not days:
        return
    t = _table(AuthorDay)
    sql = (
        f"INSERT INTO {t} (repository_id, email, day, commits) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT (repository_id, email, day) DO UPDATE SET "
        f"commits = {t}.commits + excluded.commits"
    )
    rows = [(repo_id, email, day, n) for (email, day), n in sorted(days.items()) if n]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def move_days(repo_id: int, where: str, params: Sequence[Any], value: bool) -> None:
    """Before commits of a repository change reachability to `value`: add (True) or subtract
    (False) their non-merge (email, day) counts. `where` (a WHERE clause over the commit
    table's columns) selects the commits with `params`; rows that fall to 0 are deleted."""
    from steward.engineering.models import AuthorDay, Commit

    t, ct = _table(AuthorDay), _table(Commit)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT email, author_day, COUNT(*) FROM {ct} {where} "
            "AND parent_count <= 1 GROUP BY email, author_day",
            list(params),
        )
        found = cursor.fetchall()
    if not found:
        return
    _move_key_days(repo_id, where, params, value)
    if value:
        add_days(repo_id, {(email, day): n for email, day, n in found})
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {t} SET commits = commits - %s "
            "WHERE repository_id = %s AND email = %s AND day = %s",
            [(n, repo_id, email, day) for email, day, n in found],
        )
        cursor.execute(f"DELETE FROM {t} WHERE repository_id = %s AND commits = 0", [repo_id])


def add_key_days(repo_id: int, counts: dict[tuple[str, Any, tuple[str, ...]], int]) -> None:
    """Add new reachable non-merge commits that reference link keys, counted per (email, day as
    the database stores it, the commit's distinct keys sorted), to the repository's
    `AuthorDayKey` rows (one row per key of the set)."""
    from steward.engineering.models import AuthorDayKey

    rows = [
        (repo_id, email, day, key, KEY_SEPARATOR.join(keys), n)
        for (email, day, keys), n in sorted(counts.items())
        if n
        for key in keys
    ]
    if not rows:
        return
    t = _table(AuthorDayKey)
    sql = (
        f"INSERT INTO {t} (repository_id, email, day, key, keys, commits) "
        "VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (repository_id, email, day, key, keys) DO UPDATE SET "
        f"commits = {t}.commits + excluded.commits"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _key_day_counts(cursor: Any) -> dict[tuple[str, Any, tuple[str, ...]], int]:
    """Commits per (email, day, sorted distinct keys) from rows (commit id, email, day, key)."""
    per_commit: dict[int, tuple[str, Any, set[str]]] = {}
    for pk, email, day, key in cursor.fetchall():
        entry = per_commit.get(pk)
        if entry is None:
            entry = per_commit[pk] = (email, day, set())
        entry[2].add(key)
    counts: dict[tuple[str, Any, tuple[str, ...]], int] = {}
    for email, day, keys in per_commit.values():
        cell = (email, day, tuple(sorted(keys)))
        counts[cell] = counts.get(cell, 0) + 1
    return counts


def _move_key_days(repo_id: int, where: str, params: Sequence[Any], value: bool) -> None:
    """`move_days` for the `AuthorDayKey` rows: the same commits' keyed counts."""
    from steward.engineering.models import AuthorDayKey, Commit, LinkKey

    t, ct, lk = _table(AuthorDayKey), _table(Commit), _table(LinkKey)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {ct}.id, email, author_day, k.key FROM {ct} "
            f"JOIN {lk} k ON k.commit_id = {ct}.id {where} AND parent_count <= 1",
            list(params),
        )
        counts = _key_day_counts(cursor)
    if not counts or value:
        add_key_days(repo_id, counts)
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {t} SET commits = commits - %s WHERE repository_id = %s AND email = %s "
            "AND day = %s AND key = %s AND keys = %s",
            [
                (n, repo_id, email, day, key, KEY_SEPARATOR.join(keys))
                for (email, day, keys), n in sorted(counts.items())
                for key in keys
            ],
        )
        cursor.execute(f"DELETE FROM {t} WHERE repository_id = %s AND commits = 0", [repo_id])


def rebuild_key_days(
    repo_id: int, *, commit_model: Any = None, link_model: Any = None, key_model: Any = None
) -> None:
    """Recompute a repository's `AuthorDayKey` rows from its commits and their link keys."""
    from steward.engineering import models

    commit_model = commit_model or models.Commit
    link_model = link_model or models.LinkKey
    key_model = key_model or models.AuthorDayKey
    ct, lk = _table(commit_model), _table(link_model)
    true = "true" if connection.vendor == "postgresql" else "1"
    key_model.objects.filter(repository_id=repo_id).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.id, c.email, c.author_day, k.key FROM {ct} c "
            f"JOIN {lk} k ON k.commit_id = c.id WHERE c.repository_id = %s "
            f"AND c.reachable = {true} AND c.parent_count <= 1",
            [repo_id],
        )
        counts = _key_day_counts(cursor)
    key_model.objects.bulk_create(
        [
            key_model(
                repository_id=repo_id,
                email=email,
                day=day,
                key=key,
                keys=KEY_SEPARATOR.join(keys),
                commits=n,
            )
            for (email, day, keys), n in sorted(counts.items())
            for key in keys
        ],
        batch_size=1000,
    )


def rebuild_days(repo_id: int, *, commit_model: Any = None, day_model: Any = None) -> None:
    """Recompute a repository's per-author, per-day counts from its commits (one statement)."""
    from steward.engineering import models

    commit_model = commit_model or models.Commit
    day_model = day_model or models.AuthorDay
    t, ct = _table(day_model), _table(commit_model)
    true = "true" if connection.vendor == "postgresql" else "1"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {t} WHERE repository_id = %s", [repo_id])
        cursor.execute(
            f"INSERT INTO {t} (repository_id, email, day, commits) "
            f"SELECT repository_id, email, author_day, COUNT(*) FROM {ct} "
            f"WHERE repository_id = %s AND reachable = {true} AND parent_count <= 1 "
            "GROUP BY repository_id, email, author_day",
            [repo_id],
        )


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
    day_model: Any = None,
    repository_ids: Iterable[int] | None = None,
    with_days: bool = True,
    with_keys: bool | None = None,
) -> None:
    """Recompute every figure of the repositories (all by default) from their commits.

    The model arguments let a data migration pass its historical models (`with_days=False`
    for a migration older than the `AuthorDay` table; `with_keys`, `with_days` unless given,
    for the `AuthorDayKey` rows, always with the current models)."""
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
        if with_days:
            rebuild_days(repo_id, commit_model=commit_model, day_model=day_model)
        if with_days if with_keys is None else with_keys:
            rebuild_key_days(repo_id, commit_model=commit_model)
