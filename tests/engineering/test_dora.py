"""The four keys on hand-computed fixtures: pure functions, then through ingestion and services."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from steward.core.policy import SYSTEM
from steward.engineering import dora, selectors, services
from steward.engineering.ingest import ingest_paths
from tests.engineering.gitfixtures import commit, init


def at(day: int, hour: float, month: int = 1) -> datetime:
    return datetime(2026, month, day, int(hour), int(hour % 1 * 60), tzinfo=UTC)


def test_four_keys_by_hand() -> None:
    deploys = [
        dora.Deploy("a", at(5, 10), True, False),
        dora.Deploy("b", at(5, 15), True, False),
        dora.Deploy("c", at(6, 9), True, False),
        dora.Deploy("d", at(12, 9), True, False),
        dora.Deploy("e", at(14, 9), False, False),
        dora.Deploy("f", at(15, 9), True, True),
        dora.Deploy("late", at(20, 9), True, False),
    ]
    shipped = [
        dora.Shipped(at(5, 10), at(4, 10)),  # 24 h
        dora.Shipped(at(5, 10), at(5, 8)),  # 2 h
        dora.Shipped(at(12, 10), at(10, 10)),  # 48 h
        dora.Shipped(at(12, 10), at(12, 11)),  # negative: dropped
        dora.Shipped(at(20, 10), at(19, 10)),  # outside the period
    ]
    outages = [
        dora.Outage(at(5, 10), at(5, 10.5)),  # 0.5 h
        dora.Outage(at(10, 10), at(11, 10)),  # 24 h
        dora.Outage(at(18, 10), at(20, 10)),  # resolved after the period
        dora.Outage(at(6, 10), None),  # unresolved
    ]
    keys = dora.four_keys(deploys, shipped, outages, date(2026, 1, 5), date(2026, 1, 19))
    assert keys["deployment_frequency"] == {
        "deployments": 5,
        "per_week": 2.5,
        "deployment_days_per_week_median": 2.0,
        "level": "high",
    }
    assert keys["lead_time_for_changes"] == {
        "changes": 3,
        "median_hours": 24.0,
        "p75_hours": 36.0,
        "level": "high",
    }
    assert keys["change_failure_rate"] == {
        "deployments": 6,
        "failed": 2,
        "rate": pytest.approx(1 / 3),
        "level": "low",
    }
    assert keys["failed_deployment_recovery_time"] == {
        "incidents": 2,
        "median_hours": 12.25,
        "level": "high",
    }


def test_levels_at_their_bounds() -> None:
    start, end = date(2026, 1, 1), date(2026, 4, 1)
    monthly = [dora.Deploy(str(m), datetime(2026, m, 10, tzinfo=UTC), True, False) for m in (1, 3)]
    assert dora.deployment_frequency(monthly, start, end)["level"] == "medium"
    assert dora.deployment_frequency(monthly[:1], start, end)["level"] == "low"
    daily = [
        dora.Deploy(str(d), datetime(2026, 1, d, 12, tzinfo=UTC), True, False) for d in range(5, 10)
    ]
    elite = dora.deployment_frequency(daily, date(2026, 1, 5), date(2026, 1, 12))
    assert (elite["deployment_days_per_week_median"], elite["level"]) == (5.0, "elite")
    assert dora._level(0.05, [(0.05, "elite"), (0.10, "high")], strict=False) == "elite"
    lead = dora.lead_time([dora.Shipped(at(2, 0), at(1, 0))], date(2026, 1, 1), date(2026, 2, 1))
    assert (lead["median_hours"], lead["level"]) == (24.0, "high")  # 24 h is not < 24 h


def test_no_data_is_null_not_zero() -> None:
    keys = dora.four_keys([], [], [], date(2026, 1, 1), date(2026, 4, 1))
    assert keys == {
        "deployment_frequency": {
            "deployments": 0,
            "per_week": 0.0,
            "deployment_days_per_week_median": 0.0,
            "level": "low",
        },
        "lead_time_for_changes": {
            "changes": 0,
            "median_hours": None,
            "p75_hours": None,
            "level": "no data",
        },
        "change_failure_rate": {"deployments": 0, "failed": 0, "rate": None, "level": "no data"},
        "failed_deployment_recovery_time": {
            "incidents": 0,
            "median_hours": None,
            "level": "no data",
        },
    }


@pytest.mark.django_db
def test_dora_through_ingestion_and_services(tmp_path: Path) -> None:
    repo = init(tmp_path / "dora-fixture")
    shas = []
    for i, when in enumerate(
        [
            "2026-01-05T08:00:00+00:00",
            "2026-01-05T12:00:00+00:00",
            "2026-01-06T09:00:00+00:00",
            "2026-01-07T09:00:00+00:00",
        ]
    ):
        (repo / "f").write_text(f"{i}\n")
        shas.append(commit(repo, f"c{i}", when=when))
    ingest_paths([repo])
    rows = [
        ("d1", shas[0], "production", "success", "2026-01-05T10:00:00Z"),
        ("d2", shas[2], "PRODUCTION", "success", "2026-01-06T12:00:00Z"),
        ("d3", shas[3], "production", "failure", "2026-01-07T10:00:00Z"),
        ("d4", shas[3], "production", "success", "2026-01-07T15:00:00Z"),
        ("s1", shas[3], "staging", "success", "2026-01-07T14:00:00Z"),
    ]
    for key, sha, env, status, finished in rows:
        services.deployment_upsert(
            actor=SYSTEM,
            data={
                "id": f"fx-{key}",
                "repo": "dora-fixture",
                "sha": sha,
                "environment": env,
                "status": status,
                "finished_at": finished,
                "service": "fixture-svc",
            },
        )
    services.incident_upsert(
        actor=SYSTEM,
        data={
            "id": "fx-i1",
            "service": "fixture-svc",
            "repo": "dora-fixture",
            "severity": "sev2",
            "created_at": "2026-01-07T16:00:00Z",
            "resolved_at": "2026-01-07T18:00:00Z",
            "deployment_id": "fx-d4",
        },
    )
    admin = User.objects.get(username="admin")
    data = selectors.dora_metrics(
        actor=admin, repo="dora-fixture", start=date(2026, 1, 5), end=date(2026, 1, 12)
    )
    assert data["from"] == "2026-01-05" and data["repo"] == "dora-fixture"
    assert data["deployment_frequency"] == {
        "deployments": 3,
        "per_week": 3.0,
        "deployment_days_per_week_median": 3.0,
        "level": "high",
    }
    assert data["lead_time_for_changes"] == {
        "changes": 3,
        "median_hours": 6.0,
        "p75_hours": 15.0,
        "level": "elite",
    }
    assert data["change_failure_rate"] == {
        "deployments": 4,
        "failed": 2,
        "rate": 0.5,
        "level": "low",
    }
    assert data["failed_deployment_recovery_time"] == {
        "incidents": 1,
        "median_hours": 2.0,
        "level": "high",
    }
    assert list(data) == [
        "from",
        "to",
        "team",
        "repo",
        "deployment_frequency",
        "lead_time_for_changes",
        "change_failure_rate",
        "failed_deployment_recovery_time",
    ]
    shipped = selectors.shipped_commits(
        actor=admin, repo="dora-fixture", start=date(2026, 1, 5), end=date(2026, 1, 12)
    )
    assert sorted(c.sha for c in shipped) == sorted(shas[1:])
    # The same id again updates, never duplicates; re-linking keeps the figures.
    services.deployment_upsert(
        actor=SYSTEM,
        data={
            "id": "fx-d3",
            "repo": "dora-fixture",
            "sha": shas[3],
            "environment": "production",
            "status": "success",
            "finished_at": "2026-01-07T10:00:00Z",
        },
    )
    again = selectors.dora_metrics(
        actor=admin, repo="dora-fixture", start=date(2026, 1, 5), end=date(2026, 1, 12)
    )
    assert again["change_failure_rate"]["failed"] == 1
    assert again["deployment_frequency"]["deployments"] == 4
    # d3 (10:00) now ships c3 first: lead times 24 h, 3 h, 1 h.
    assert again["lead_time_for_changes"]["median_hours"] == 3.0
