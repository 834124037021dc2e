"""Technologies detected at ingest (issue 11 item 3): `steward ingest git` stores what the
manifests at the ingested head declare, and reads them again only when the head moved."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from steward.architecture import services
from steward.architecture.models import RepositoryDetection, TechnologyUse
from steward.engineering import ingest
from steward.engineering.models import Repository

pytestmark = pytest.mark.django_db


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=a", "-c", "user.email=a@b", *args],
        check=True,
        capture_output=True,
    )


def _commit(folder: Path, message: str) -> str:
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", message)
    out = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", "HEAD"], check=True, capture_output=True
    )
    return out.stdout.decode().strip()


def _uses(repo: Repository) -> set[tuple[str, str, str, str]]:
    return {
        (u.ecosystem, u.name, u.version, u.manifest)
        for u in TechnologyUse.objects.filter(repository=repo)
        if u.ecosystem in ("npm", "pypi")
    }


def test_ingest_detects_and_redetects_only_when_head_moves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "shop-web"
    folder.mkdir()
    _git(folder, "init", "-q", "-b", "main")
    (folder / "package.json").write_text('{"dependencies": {"angular": "1.8.3"}}')
    (folder / "api").mkdir()
    (folder / "api" / "requirements.txt").write_text("pymongo==4.8\nDjango>=5.2\n")
    first = _commit(folder, "one")
    assert all(r.ok for r in ingest.ingest_paths([folder]))
    repo = Repository.objects.get(name="shop-web")
    assert _uses(repo) == {
        ("npm", "angular", "1.8.3", "package.json"),
        ("pypi", "pymongo", "==4.8", "api/requirements.txt"),
        ("pypi", "Django", ">=5.2", "api/requirements.txt"),
    }
    done = RepositoryDetection.objects.get(repository=repo)
    assert (done.revision, done.manifests) == (first, ["api/requirements.txt", "package.json"])

    # Ingesting again with the same head reads no manifest.
    calls: list[str] = []
    real = services.detect_repository

    def counting(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs["rev"])
        return real(**kwargs)

    monkeypatch.setattr(services, "detect_repository", counting)
    assert all(r.ok for r in ingest.ingest_paths([folder]))
    assert calls == []

    # A new head: detected again, and what HEAD no longer declares is gone.
    (folder / "api" / "requirements.txt").unlink()
    second = _commit(folder, "two")
    assert all(r.ok for r in ingest.ingest_paths([folder]))
    assert calls == [second]
    assert {name for _, name, _, _ in _uses(repo)} == {"angular"}
    assert RepositoryDetection.objects.get(repository=repo).revision == second


def test_a_failing_detection_does_not_fail_the_ingestion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "svc"
    folder.mkdir()
    _git(folder, "init", "-q", "-b", "main")
    (folder / "go.mod").write_text("module x\n")
    _commit(folder, "one")

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "detect_repository", broken)
    [result] = ingest.ingest_paths([folder])
    assert result.ok and result.new_commits == 1
    assert not RepositoryDetection.objects.filter(repository__name="svc").exists()
