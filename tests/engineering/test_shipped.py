"""Shipped commit times kept per deployment at link time equal a read of the commit table,
on the demo company and over ingests, force-pushes and re-links of a small repository."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from steward.core.policy import SYSTEM
from steward.engineering import dora, services, shipped
from steward.engineering.ingest import ingest_paths
from steward.engineering.models import Commit, Deployment, Repository
from tests.engineering.gitfixtures import build_tricky, commit, run

pytestmark = pytest.mark.django_db


def _from_orm(deployment_ids: list[int]) -> dict[int, list[int]]:
    """Each deployment's reachable shipped commits' times, through the ORM's datetimes."""
    out: dict[int, list[int]] = {pk: [] for pk in deployment_ids}
    for pk, at in Commit.objects.filter(
        reachable=True, deployment_id__in=deployment_ids
    ).values_list("deployment_id", "committed_at"):
        out[pk].append(dora.micros(at))
    return {pk: sorted(v) for pk, v in out.items()}


def _kept(deployment_ids: list[int]) -> dict[int, list[int]]:
    return {
        pk: shipped.unpack(blob).tolist()
        for pk, blob in Deployment.objects.filter(pk__in=deployment_ids).values_list(
            "pk", "shipped_times"
        )
    }


def test_demo_deployments_keep_their_shipped_times() -> None:
    ids = list(Deployment.objects.values_list("pk", flat=True))
    kept = _kept(ids)
    expected = _from_orm(ids)
    assert kept == expected
    assert sum(len(v) for v in kept.values()) > 1000  # the demo links commits: not vacuous
    # The data migration's full rebuild writes the same blobs.
    Deployment.objects.update(shipped_times=b"")
    shipped.rebuild_all()
    assert _kept(ids) == expected


def _deploy(name: str, repo: str, sha: str, at: str) -> None:
    services.deployment_upsert(
        actor=SYSTEM,
        data={
            "id": name,
            "repo": repo,
            "sha": sha,
            "environment": "production",
            "status": "success",
            "finished_at": at,
        },
        source="csv",
    )


def test_kept_over_links_ingests_and_force_pushes(tmp_path: Path) -> None:
    path = tmp_path / "ship"
    shas = build_tricky(path)
    [r1] = ingest_paths([path])
    assert r1.ok, r1.error
    head = run(path, "rev-parse", "HEAD").decode().strip()
    _deploy("ship-1", "ship", shas["mailmap"], "2026-03-01T12:00:00.250000Z")
    _deploy("ship-2", "ship", head, "2026-03-05T12:00:00Z")

    def check() -> dict[int, list[int]]:
        ids = list(Deployment.objects.filter(repo_name="ship").values_list("pk", flat=True))
        kept = _kept(ids)
        assert kept == _from_orm(ids)
        return kept

    first = check()
    assert sum(len(v) for v in first.values()) == int(run(path, "rev-list", "--count", "HEAD"))
    # New commits and a deployment of them: only the new deployment ships them.
    (path / "n.txt").write_text("1\n")
    commit(path, "new", when="2026-03-06T10:00:00+00:00")
    ingest_paths([path])
    new_head = run(path, "rev-parse", "HEAD").decode().strip()
    _deploy("ship-3", "ship", new_head, "2026-03-07T12:00:00Z")
    kept = check()
    assert [len(v) for v in kept.values()].count(1) >= 1
    # Force-push away the new commit: it is no longer reachable, so no longer shipped.
    run(path, "reset", "-q", "--hard", head)
    [r3] = ingest_paths([path])
    assert r3.unreachable == 1
    kept = check()
    ship3 = Deployment.objects.get(external_id="ship-3").pk
    assert kept[ship3] == []
    # It comes back (no new commit, only reachability moves): shipped again.
    run(path, "reset", "-q", "--hard", new_head)
    [r4] = ingest_paths([path])
    assert r4.new_commits == 0
    kept = check()
    assert len(kept[ship3]) == 1
    at = Commit.objects.get(repository__name="ship", sha=new_head).committed_at
    assert kept[ship3] == [dora.micros(at)]
    assert at == datetime(2026, 3, 6, 10, 0, tzinfo=UTC)


def test_a_deployment_without_repository_ships_nothing(tmp_path: Path) -> None:
    path = tmp_path / "gone"
    build_tricky(path)
    ingest_paths([path])
    _deploy("gone-1", "gone", run(path, "rev-parse", "HEAD~3").decode().strip(), "2026-03-01T12Z")
    _deploy("gone-2", "gone", run(path, "rev-parse", "HEAD").decode().strip(), "2026-03-02T12:00Z")
    from steward.engineering.selectors import Scope, dora_data

    scope = Scope(repo="gone")
    before = dora_data(scope, datetime(2026, 1, 1).date(), datetime(2026, 4, 1).date())
    assert len(before.shipped) > 0
    Repository.objects.filter(name="gone").delete()
    after = dora_data(scope, datetime(2026, 1, 1).date(), datetime(2026, 4, 1).date())
    assert len(after.shipped) == 0
