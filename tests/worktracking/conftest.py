"""A small world for work-tracking tests: one team, its repository with three commits (the merge
commit deployed), and the author's email known to the organization."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from steward.engineering.models import Deployment, Repository
from steward.org.models import Person, Team
from tests.factories import CommitFactory, PersonFactory, RepositoryFactory, TeamFactory

FIXTURES = Path(__file__).parent / "fixtures"
A, B, C = "a" * 40, "b" * 40, "c" * 40


@dataclass
class World:
    team: Team
    alice: Person
    carol: Person
    repository: Repository
    deployment: Deployment


@pytest.fixture
def world(db: None) -> World:
    team = TeamFactory(slug="f-payments", name="Factory payments")
    alice = PersonFactory(team=team, emails=["alice@example.test"], start_date=date(2024, 1, 1))
    carol = PersonFactory(
        team=team,
        emails=["carol@example.test", "carol@users.noreply.github.com"],
        start_date=date(2024, 1, 1),
    )
    repository = RepositoryFactory(name="wt-payments", team=team)

    def at(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    CommitFactory(
        repository=repository, sha=A, email="alice@example.test",
        authored_at=at("2026-03-02T09:00"), added=10, deleted=2,
    )  # fmt: skip
    CommitFactory(
        repository=repository, sha=B, parents=A, parent_count=1, email="alice@example.test",
        authored_at=at("2026-03-02T15:00"), added=5, deleted=3,
    )  # fmt: skip
    merge = CommitFactory(
        repository=repository, sha=C, parents=f"{'9' * 40} {B}", parent_count=2,
        email="alice@example.test", authored_at=at("2026-03-03T12:00"), added=0, deleted=0,
    )  # fmt: skip
    deployment = Deployment.objects.create(
        external_id="wt-dep-1",
        repository=repository,
        repo_name="wt-payments",
        sha=C,
        environment="production",
        status="success",
        finished_at=at("2026-03-04T10:00"),
        source="csv",
    )
    merge.deployment = deployment
    merge.save()
    return World(team, alice, carol, repository, deployment)
