"""Git ingestion into the database: correctness against git, increments, force-pushes, errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from steward.engineering import selectors, services
from steward.engineering.ingest import ingest_paths
from steward.engineering.models import Commit, FileChange, Identity, LinkKey, Repository, Tag
from tests.engineering.gitfixtures import build_tricky, commit, git_contributors, init, run

pytestmark = pytest.mark.django_db


def _admin() -> User:
    return User.objects.get(username="admin")


def _as_tuples(data: dict) -> dict[str, tuple[int, int, int]]:  # type: ignore[type-arg]
    return {r["email"]: (r["commits"], r["added"], r["deleted"]) for r in data["contributors"]}


def test_contributors_equal_git(tmp_path: Path) -> None:
    repo = tmp_path / "tricky-repo"
    shas = build_tricky(repo)
    [result] = ingest_paths([repo])
    assert result.ok, result.error
    stored = Repository.objects.get(name="tricky-repo")
    data = selectors.contributors(actor=_admin(), repository=stored)
    assert _as_tuples(data) == git_contributors(repo)
    assert [r["commits"] for r in data["contributors"]] == sorted(
        (r["commits"] for r in data["contributors"]), reverse=True
    )
    assert Commit.objects.filter(repository=stored).count() == int(
        run(repo, "rev-list", "--count", "HEAD")
    )
    rename = FileChange.objects.get(commit__sha=shas["rename"])
    assert (rename.old_path, rename.path) == ("a.txt", "renamed.txt")
    assert FileChange.objects.get(commit__sha=shas["binary"]).binary is True
    merge = Commit.objects.get(sha=shas["merge"])
    assert merge.parent_count == 2
    zoe = Commit.objects.get(sha=shas["same_time_1"])
    assert zoe.author_offset == 120 and zoe.author_day == date(2026, 1, 5)
    assert zoe.authored_at.isoformat() == "2026-01-05T08:00:00+00:00"
    assert set(Tag.objects.filter(repository=stored).values_list("name", "sha")) == {
        ("v1.0", shas["binary"]),
        ("v1.1", shas["mailmap"]),
    }
    keys = set(
        LinkKey.objects.filter(commit__repository=stored).values_list(
            "commit__sha", "key", "source"
        )
    )
    assert (shas["root"], "PAY-1", "message") in keys
    assert (shas["same_time_2"], "#42", "message") in keys
    assert (shas["merge"], "PAY-7", "branch") in keys
    assert Identity.objects.filter(email="bob@new.example.com", name="Bob Builder").exists()


def test_incremental_and_force_push(tmp_path: Path) -> None:
    repo = init(tmp_path / "pushy")
    (repo / "f.txt").write_text("1\n")
    first = commit(repo, "one", when="2026-02-01T10:00:00+00:00")
    (repo / "f.txt").write_text("1\n2\n")
    second = commit(repo, "two", when="2026-02-02T10:00:00+00:00")
    [r1] = ingest_paths([repo])
    assert (r1.ok, r1.new_commits) == (True, 2)
    [r2] = ingest_paths([repo])
    assert (r2.ok, r2.new_commits, r2.skipped) == (True, 0, True)
    (repo / "f.txt").write_text("1\n2\n3\n")
    commit(repo, "three", when="2026-02-03T10:00:00+00:00")
    [r3] = ingest_paths([repo])
    assert r3.new_commits == 1
    # Force-push: history rewritten from `first`; `second` and `three` are gone.
    run(repo, "reset", "-q", "--hard", first)
    (repo / "g.txt").write_text("x\ny\n")
    rewritten = commit(repo, "rewritten", email="eve@example.com", when="2026-02-04T10:00:00+00:00")
    [r4] = ingest_paths([repo])
    assert (r4.new_commits, r4.unreachable) == (1, 2)
    stored = Repository.objects.get(name="pushy")
    assert stored.head_sha == rewritten
    assert not Commit.objects.get(repository=stored, sha=second).reachable
    data = selectors.contributors(actor=_admin(), repository=stored)
    assert _as_tuples(data) == git_contributors(repo)
    # Force-push back: the old commits are reachable again, nothing duplicated.
    run(repo, "reset", "-q", "--hard", second)
    [r5] = ingest_paths([repo])
    assert r5.new_commits == 0
    assert Commit.objects.get(repository=stored, sha=second).reachable
    assert Commit.objects.filter(repository=stored, sha=second).count() == 1
    assert _as_tuples(selectors.contributors(actor=_admin(), repository=stored)) == (
        git_contributors(repo)
    )


def test_bad_repositories_fail_alone(tmp_path: Path) -> None:
    good = init(tmp_path / "folder" / "good")
    (good / "x").write_text("x\n")
    commit(good, "x")
    init(tmp_path / "folder" / "empty")
    (tmp_path / "folder" / "junk.git").mkdir()
    (tmp_path / "folder" / "junk.git" / "HEAD").write_text("garbage")
    (tmp_path / "folder" / "junk.git" / "objects").mkdir()
    (tmp_path / "folder" / "junk.git" / "refs").mkdir()
    results = {r.name: r for r in ingest_paths([tmp_path / "folder", tmp_path / "nowhere"])}
    assert results["good"].ok
    assert not results["empty"].ok and "no commits" in results["empty"].error
    assert not results["junk"].ok and results["junk"].error
    assert not results["nowhere"].ok and "no such folder" in results["nowhere"].error
    assert not Repository.objects.filter(name__in=["empty", "junk", "nowhere"]).exists()


def test_bare_repository_and_catalog_owner(tmp_path: Path) -> None:
    work = init(tmp_path / "svc")
    (work / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n"
        "spec:\n  owner: group:default/payments\n"
    )
    commit(work, "catalog")
    run(tmp_path, "clone", "-q", "--bare", str(work), "svc-bare.git")
    [result] = ingest_paths([tmp_path / "svc-bare.git"])
    assert result.ok, result.error
    stored = Repository.objects.get(name="svc-bare")
    assert stored.team is not None and stored.team.slug == "payments"
    assert stored.owner_source == "catalog"


def test_identities_resolve_and_links_apply_retroactively(tmp_path: Path) -> None:
    from steward.org.models import Person

    person = Person.objects.filter(end_date__isnull=True).order_by("employee_id").first()
    assert person is not None
    own = person.emails.first()
    assert own is not None
    repo = init(tmp_path / "ident")
    (repo / "a").write_text("a\n")
    commit(repo, "by person", email=own.email.upper(), when="2026-03-02T23:30:00-02:00")
    (repo / "b").write_text("b\n")
    commit(repo, "by stranger", email="stranger@home.example", when="2026-03-03T10:00:00+00:00")
    (repo / "c").write_text("c\n")
    commit(
        repo,
        "bump deps",
        name="dependabot[bot]",
        email="49699333+dependabot[bot]@users.noreply.github.com",
        when="2026-03-03T11:00:00+00:00",
    )
    ingest_paths([repo])
    stored = Repository.objects.get(name="ident")
    days = selectors.active_person_days(
        start=date(2026, 3, 1), end=date(2026, 3, 5), repository_ids=[stored.pk]
    )
    # The author's local date (23:30 at -02:00 is 01:30 UTC on the 3rd) is the 2nd.
    assert [(d.person_id, d.day) for d in days] == [(person.pk, date(2026, 3, 2))]
    unmatched = [r.email for r in selectors.identity_list(actor=_admin())]
    assert "stranger@home.example" in unmatched
    assert Identity.objects.get(email__startswith="49699333").is_bot
    other = Person.objects.exclude(pk=person.pk).order_by("employee_id").first()
    services.identity_link(
        actor=_admin(), identity=Identity.objects.get(email="stranger@home.example"), person=other
    )
    days = selectors.active_person_days(
        start=date(2026, 3, 1), end=date(2026, 3, 5), repository_ids=[stored.pk]
    )
    assert {(d.person_id, d.day) for d in days} == {
        (person.pk, date(2026, 3, 2)),
        (other.pk, date(2026, 3, 3)),  # type: ignore[union-attr]
    }
    services.identity_mark_bot(
        actor=_admin(), identity=Identity.objects.get(email="stranger@home.example")
    )
    days = selectors.active_person_days(
        start=date(2026, 3, 1), end=date(2026, 3, 5), repository_ids=[stored.pk]
    )
    assert [(d.person_id, d.day) for d in days] == [(person.pk, date(2026, 3, 2))]
    evidence = list(
        selectors.commit_evidence(
            start=date(2026, 3, 1), end=date(2026, 3, 5), repository_ids=[stored.pk]
        )
    )
    assert [e.person_id for e in evidence] == [person.pk]


def _row_counts() -> dict[str, int]:
    """Rows of every engineering table and of the audit log."""
    from auditlog.models import LogEntry
    from django.apps import apps

    counts = {
        m._meta.label: m.objects.count() for m in apps.get_app_config("engineering").get_models()
    }
    counts["auditlog.LogEntry"] = LogEntry.objects.count()
    return counts


def _git_tags(repo: Path) -> set[tuple[str, str]]:
    """git's own view: tag name and the commit it points to (annotated tags peeled)."""
    out = run(repo, "tag", "--format=%(refname:short) %(*objectname) %(objectname)")
    found = set()
    for line in out.decode().splitlines():
        name, *shas = line.split()
        found.add((name, shas[0]))  # the peeled commit of an annotated tag comes first
    return found


def test_unchanged_reingest_writes_nothing(tmp_path: Path) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    repo = tmp_path / "steady"
    build_tricky(repo)
    [first] = ingest_paths([repo])
    assert first.ok, first.error
    stored = Repository.objects.get(name="steady")
    stored.tag_pattern = r"^v"  # tags are deployments too: their sync must also write nothing
    stored.save()
    ingest_paths([repo])
    assert Tag.objects.filter(repository=stored).count() == 2
    counts = _row_counts()
    row = Repository.objects.filter(pk=stored.pk).values().get()
    tags = list(Tag.objects.filter(repository=stored).values())
    figures = selectors.contributors(actor=_admin(), repository=stored)
    with CaptureQueriesContext(connection) as queries:
        [again] = ingest_paths([repo])
    assert (again.ok, again.skipped, again.new_commits) == (True, True, 0)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert _row_counts() == counts
    assert Repository.objects.filter(pk=stored.pk).values().get() == row
    assert list(Tag.objects.filter(repository=stored).values()) == tags
    assert selectors.contributors(actor=_admin(), repository=stored) == figures


def test_reingest_applies_exactly_the_tag_changes(tmp_path: Path) -> None:
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    repo = tmp_path / "retag"
    shas = build_tricky(repo)
    ingest_paths([repo])
    stored = Repository.objects.get(name="retag")
    before = {t.name: t for t in Tag.objects.filter(repository=stored)}
    assert set((n, t.sha) for n, t in before.items()) == _git_tags(repo)
    tag_type = ContentType.objects.get_for_model(Tag)
    tag_entries = LogEntry.objects.filter(content_type=tag_type).count()
    counts = _row_counts()
    run(repo, "tag", "v2.0", shas["merge"])  # a new tag
    run(repo, "tag", "-f", "v1.0", shas["rename"])  # a moved tag
    [result] = ingest_paths([repo])
    assert result.ok and result.new_commits == 0
    after = {t.name: t for t in Tag.objects.filter(repository=stored)}
    assert set((n, t.sha) for n, t in after.items()) == _git_tags(repo)
    assert after["v1.0"].sha == shas["rename"] and after["v2.0"].sha == shas["merge"]
    # The unchanged tag is the same row; the moved one was updated in place, not re-inserted.
    assert after["v1.1"].pk == before["v1.1"].pk and after["v1.0"].pk == before["v1.0"].pk
    assert after["v1.1"].tagged_at == before["v1.1"].tagged_at
    expected = {**counts, "engineering.Tag": counts["engineering.Tag"] + 1}
    now = _row_counts()
    # The audit log gains the moved tag and the repository's new last_ingested_at, nothing else.
    assert now.pop("auditlog.LogEntry") == expected.pop("auditlog.LogEntry") + 2
    assert now == expected
    assert LogEntry.objects.filter(content_type=tag_type).count() == tag_entries + 1
    # A deleted tag goes, the others stay.
    run(repo, "tag", "-d", "v2.0")
    ingest_paths([repo])
    assert set(Tag.objects.filter(repository=stored).values_list("name", "sha")) == _git_tags(repo)


def test_writer_dates_are_what_django_stores() -> None:
    # The writer builds datetimes and local days from a per-day cache; they must be exactly the
    # values Django's own adapters give for the same instants (before 1970 and leap days too).
    from datetime import UTC, datetime, timedelta

    from django.db import connection

    from steward.engineering.ingest import _Writer

    to_dt, to_day = _Writer().adapters
    ops = connection.ops
    for seconds in (-5_000_000_000, -86_401, -1, 0, 951_782_400, 1_709_164_799, 4_102_444_800):
        for step in (0, 1, 59, 3_599, 86_399):
            when = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds + step)
            assert to_dt(seconds + step) == ops.adapt_datetimefield_value(when)
            assert to_day(seconds + step) == ops.adapt_datefield_value(when.date())
