"""The cockpit rule "a DORA key moved a level down", on hand-built deployments."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from steward.core.policy import SYSTEM
from steward.engineering import insights
from steward.engineering.models import Deployment
from tests.factories import RepositoryFactory, TeamFactory

pytestmark = pytest.mark.django_db

ON = date(2021, 7, 1)  # before the demo's history: only these deployments count


def _deploy(repo: object, day: date, n: int) -> None:
    Deployment.objects.create(
        external_id=f"{repo.name}-{n}",  # type: ignore[attr-defined]
        repository=repo,
        repo_name=repo.name,  # type: ignore[attr-defined]
        environment="production",
        status="success",
        finished_at=datetime.combine(day, time(12), tzinfo=UTC),
        source="csv",
    )


def _mine(slug: str) -> list[object]:
    return [f for f in insights.dora_level_down(SYSTEM, ON) if f.subject == f"team:{slug}"]


def test_a_team_that_deployed_daily_then_weekly_has_one_finding() -> None:
    falling = RepositoryFactory(team=TeamFactory(slug="f-falling", name="Falling Team"))
    steady = RepositoryFactory(team=TeamFactory(slug="f-steady", name="Steady Team"))
    # 90 days before [ON-90, ON): a deployment every day -> 7 deployment days a week (elite).
    for i in range(90):
        _deploy(falling, ON - timedelta(days=180 - i), i)
    # The last 90 days: every seventh day -> 1 deployment day a week (high).
    for i in range(0, 90, 7):
        _deploy(falling, ON - timedelta(days=90 - i), 1000 + i)
    # Every other day in both windows: the same level twice, no finding.
    for i in range(0, 180, 2):
        _deploy(steady, ON - timedelta(days=180 - i), i)

    found = _mine("f-falling")
    assert len(found) == 1
    (finding,) = found
    assert finding.rule == "dora-level-down"
    assert finding.severity == "warning"  # one level, not to low
    assert finding.statement == (
        "Falling Team's deployment frequency moved from elite to high: deployments on 1 day a "
        "week in the last 90 days, deployments on 7 days a week the 90 days before"
    )
    assert finding.figure == "elite->high"
    assert finding.key == "f-falling:deployment_frequency"
    assert finding.url.startswith("/engineering/delivery/?team=f-falling&from=2021-04-02")
    assert _mine("f-steady") == []


def test_no_data_in_either_window_is_no_finding() -> None:
    quiet = RepositoryFactory(team=TeamFactory(slug="f-quiet"))
    for i in range(90):
        _deploy(quiet, ON - timedelta(days=180 - i), i)
    # Nothing in the last 90 days: deployment frequency is "low" (it has a level), the other
    # keys "no data" -> only the frequency drops, to low: critical.
    (finding,) = _mine("f-quiet")
    assert finding.severity == "critical"
    assert finding.figure == "elite->low"


def test_possessive_of_a_plural_name() -> None:
    assert insights.possessive("Mobile Apps") == "Mobile Apps'"
    assert insights.possessive("Core Platform") == "Core Platform's"
