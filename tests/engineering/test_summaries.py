"""Figures kept at ingest (repository reachable counts, author summaries) against a full
recomputation from the commit table and against git, over increments and force-pushes."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from steward.core import datacache
from steward.engineering import ingest, selectors, summaries
from steward.engineering.ingest import ingest_paths
from steward.engineering.models import (
    AuthorDay,
    AuthorDayKey,
    AuthorSummary,
    Commit,
    LinkKey,
    Repository,
)
from tests.engineering.gitfixtures import build_tricky, commit, git_contributors, run

pytestmark = pytest.mark.django_db


def _recomputed(repo: Repository) -> dict[str, tuple[Any, ...]]:
    """Every author's figures, computed here in Python from the stored commits."""
    out: dict[str, list[Any]] = defaultdict(lambda: ["", 0, 0, 0, None, 0])
    rows = Commit.objects.filter(repository=repo, reachable=True).order_by("committed_at", "id")
    for email, name, parents, added, deleted, at in rows.values_list(
        "email", "mailmap_name", "parent_count", "added", "deleted", "committed_at"
    ):
        entry = out[email]
        entry[5] += 1
        if parents <= 1:
            entry[0] = name  # the latest (time, id) wins: rows come in that order
            entry[1] += 1
            entry[2] += added
            entry[3] += deleted
            entry[4] = at
    return {email: tuple(v) for email, v in out.items()}


def _kept(repo: Repository) -> dict[str, tuple[Any, ...]]:
    return {
        s.email: (s.name, s.commits, s.added, s.deleted, s.last_committed_at, s.all_commits)
        for s in AuthorSummary.objects.filter(repository=repo)
    }


def _days_recomputed(repo: Repository) -> dict[tuple[str, Any], int]:
    """Reachable non-merge commits per (email, author day), counted here one by one."""
    out: dict[tuple[str, Any], int] = defaultdict(int)
    for email, day, parents, reachable in Commit.objects.filter(repository=repo).values_list(
        "email", "author_day", "parent_count", "reachable"
    ):
        if reachable and parents <= 1:
            out[(email, day)] += 1
    return dict(out)


def _days_kept(repo: Repository) -> dict[tuple[str, Any], int]:
    return {(d.email, d.day): d.commits for d in AuthorDay.objects.filter(repository=repo)}


def _key_days_recomputed(repo: Repository) -> dict[tuple[str, Any, str, str], int]:
    """Reachable non-merge commits with link keys, per (email, day, key, the commit's keys),
    counted here one by one from the commits and their `LinkKey` rows."""
    keys: dict[int, set[str]] = defaultdict(set)
    for commit_id, key in LinkKey.objects.filter(commit__repository=repo).values_list(
        "commit_id", "key"
    ):
        keys[commit_id].add(key)
    out: dict[tuple[str, Any, str, str], int] = defaultdict(int)
    for pk, email, day, parents, reachable in Commit.objects.filter(repository=repo).values_list(
        "pk", "email", "author_day", "parent_count", "reachable"
    ):
        if reachable and parents <= 1 and keys[pk]:
            joined = summaries.KEY_SEPARATOR.join(sorted(keys[pk]))
            for key in keys[pk]:
                out[(email, day, key, joined)] += 1
    return dict(out)


def _key_days_kept(repo: Repository) -> dict[tuple[str, Any, str, str], int]:
    return {
        (d.email, d.day, d.key, d.keys): d.commits
        for d in AuthorDayKey.objects.filter(repository=repo)
    }


def _check(path: Path, name: str) -> Repository:
    repo = Repository.objects.get(name=name)
    assert _kept(repo) == _recomputed(repo)
    # No row of 0: a force-push that empties a day deletes its row.
    assert _days_kept(repo) == _days_recomputed(repo)
    assert _key_days_kept(repo) == _key_days_recomputed(repo)
    assert sum(_days_kept(repo).values()) == int(
        run(path, "rev-list", "--count", "--no-merges", "HEAD")
    )
    assert repo.reachable_commits == int(run(path, "rev-list", "--count", "HEAD"))
    assert repo.reachable_commits == Commit.objects.filter(repository=repo, reachable=True).count()
    admin = User.objects.get(username="admin")
    data = selectors.contributors(actor=admin, repository=repo)
    assert {r["email"]: (r["commits"], r["added"], r["deleted"]) for r in data["contributors"]} == (
        git_contributors(path)
    )
    listed = selectors.repository_list(actor=admin).get(pk=repo.pk)
    assert listed.commit_count == repo.reachable_commits
    return repo


def _figure_entries() -> list[LogEntry]:
    """Audit entries about the kept figures (there should be none)."""
    kinds = ContentType.objects.get_for_models(AuthorSummary, AuthorDay, AuthorDayKey)
    return list(LogEntry.objects.filter(content_type__in=kinds.values()))


@pytest.mark.parametrize("batch", [4000, 2])
def test_kept_figures_equal_recomputation_over_ingests_and_force_pushes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(ingest, "BATCH", batch)
    path = tmp_path / "kept"
    shas = build_tricky(path)
    [r1] = ingest_paths([path])
    assert r1.ok, r1.error
    _check(path, "kept")
    # Increments: the same author under new names (the latest commit names the author), and a
    # new author with two commits in the same second (ties go by id, as in a recomputation).
    (path / "n.txt").write_text("1\n")
    commit(path, "renamed PAY-7 PAY-8", name="Ann Renamed", when="2026-03-01T10:00:00+00:00")
    (path / "n.txt").write_text("1\n2\n")
    commit(path, "renamed again PAY-8", name="Ann Final", when="2026-03-01T10:05:00+00:00")
    (path / "m.txt").write_text("a\nb\nc\n")
    commit(path, "PAY-8 PAY-7", name="Nia A", email="nia@example.com", when="2026-03-02T10:00:00Z")
    (path / "m.txt").write_text("a\nb\n")
    commit(path, "PAY-7, PAY-8", name="Nia B", email="nia@example.com", when="2026-03-02T10:00:00Z")
    [r2] = ingest_paths([path])
    assert r2.new_commits == 4
    repo = _check(path, "kept")
    # Nia's two commits with the same keys (in any order): one set, counted twice, per key.
    sets = {
        (d.email, d.key): (d.keys, d.commits) for d in AuthorDayKey.objects.filter(repository=repo)
    }
    assert sets[("nia@example.com", "PAY-7")] == ("PAY-7\x1fPAY-8", 2)
    assert sets[("nia@example.com", "PAY-8")] == ("PAY-7\x1fPAY-8", 2)
    assert sets[("ann@example.com", "PAY-7")] == ("PAY-7\x1fPAY-8", 1)
    assert AuthorSummary.objects.get(repository=repo, email="ann@example.com").name == "Ann Final"
    # Force-push back to tricky's head: Nia's and Ann's new commits become unreachable.
    old_head = run(path, "rev-parse", "HEAD").decode().strip()
    run(path, "reset", "-q", "--hard", shas["mailmap"])
    (path / "z.txt").write_text("z\n")
    commit(path, "rewritten", name="Zed", email="zed@example.com", when="2026-03-03T10:00:00Z")
    version = datacache.data_version()
    [r3] = ingest_paths([path])
    assert r3.unreachable > 0
    # The kept figures are derived, not audited (the force-push replaced some of them); the
    # repository's audited row moves the data version that cached figures are keyed by.
    assert datacache.data_version() > version
    assert not _figure_entries()
    repo = _check(path, "kept")
    assert not AuthorSummary.objects.filter(repository=repo, email="nia@example.com").exists()
    assert AuthorSummary.objects.get(repository=repo, email="ann@example.com").name == "Ann Author"
    # The old history comes back (no new commits, reachable again).
    run(path, "reset", "-q", "--hard", old_head)
    [r4] = ingest_paths([path])
    assert r4.new_commits == 0
    repo = _check(path, "kept")
    assert AuthorSummary.objects.get(repository=repo, email="ann@example.com").name == "Ann Final"
    # A full rebuild gives the same rows as the ones kept incrementally.
    before, days_before, keys_before = _kept(repo), _days_kept(repo), _key_days_kept(repo)
    assert len(keys_before) > 3
    entries = LogEntry.objects.count()
    summaries.rebuild()
    assert LogEntry.objects.count() == entries
    assert _kept(repo) == before
    assert _days_kept(repo) == days_before
    assert _key_days_kept(repo) == keys_before
    # Deleting the repository deletes its counts.
    pk = repo.pk
    assert AuthorDay.objects.filter(repository_id=pk).exists()
    assert AuthorDayKey.objects.filter(repository_id=pk).exists()
    repo.delete()
    assert not AuthorDay.objects.filter(repository_id=pk).exists()
    assert not AuthorDayKey.objects.filter(repository_id=pk).exists()


def test_repository_list_and_contributors_do_not_read_commits(tmp_path: Path) -> None:
    path = tmp_path / "reads"
    build_tricky(path)
    ingest_paths([path])
    admin = User.objects.get(username="admin")
    assert "engineering_commit" not in str(selectors.repository_list(actor=admin).query)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    repo = Repository.objects.get(name="reads")
    with CaptureQueriesContext(connection) as queries:
        selectors.contributors(actor=admin, repository=repo)
    assert not any("engineering_commit" in q["sql"] for q in queries.captured_queries)
