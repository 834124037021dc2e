"""The four keys on integer-microsecond arrays equal the commit-by-commit computation.

The reference builds one `dora.Shipped` per shipped commit from the ORM (datetimes converted by
Django) and runs the original list code of `dora.lead_time`; the selectors now read integer
timestamps in SQL and compute with numpy. Every figure must be the same float."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import User

from steward.demo.company import REFERENCE_DATE
from steward.engineering import dora, selectors, shipped
from steward.engineering.models import Commit, Deployment

pytestmark = pytest.mark.django_db


def test_arrays_equal_lists_with_microseconds_and_negative_leads() -> None:
    rng = random.Random(18)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    shipped = []
    for _ in range(2001):
        deployed = base + timedelta(
            days=rng.randrange(60), seconds=rng.randrange(86400), microseconds=rng.randrange(10**6)
        )
        # Mostly before the deployment; a few after it (clock skew: dropped from lead times).
        committed = deployed - timedelta(seconds=rng.randrange(-3600, 30 * 86400))
        shipped.append(dora.Shipped(deployed_at=deployed, committed_at=committed))
    arrays = dora.ShippedTimes.of(shipped).by_deployed()
    for start, end in [
        (date(2026, 1, 1), date(2026, 3, 1)),
        (date(2026, 1, 10), date(2026, 1, 17)),
        (date(2026, 2, 3), date(2026, 2, 4)),
        (date(2025, 1, 1), date(2025, 2, 1)),  # nothing: no data
    ]:
        expected = dora.lead_time(shipped, start, end)
        assert dora.lead_time(arrays, start, end) == expected
        assert dora.lead_time(arrays.between(start, end), start, end) == expected
    # An even count takes the mean of the two middle values; check it is exercised.
    assert dora.lead_time(shipped[:2], date(2026, 1, 1), date(2026, 3, 1))["changes"] == 2
    assert dora.lead_time(
        dora.ShippedTimes.of(shipped[:2]), date(2026, 1, 1), date(2026, 3, 1)
    ) == dora.lead_time(shipped[:2], date(2026, 1, 1), date(2026, 3, 1))


def test_micros_is_exact() -> None:
    moment = datetime(2026, 11, 27, 23, 59, 59, 999999, tzinfo=UTC)
    assert dora.micros(moment) == int(moment.timestamp()) * 10**6 + 999999
    assert dora.day_micros(date(1970, 1, 2)) == 86_400 * 10**6


def _reference(team: str | None, start: date, end: date) -> dict:  # type: ignore[type-arg]
    """The four keys with one `Shipped` per commit read through the ORM."""
    scope = selectors.Scope(team=team)
    data = selectors.dora_data(scope, start, end)
    lo = datetime.combine(start, datetime.min.time(), tzinfo=UTC)
    hi = datetime.combine(end, datetime.min.time(), tzinfo=UTC)
    counted = scope.deployments().filter(
        finished_at__gte=lo, finished_at__lt=hi, status="success", first_of_repository=False
    )
    shipped = [
        dora.Shipped(deployed_at=d, committed_at=c)
        for d, c in Commit.objects.filter(
            reachable=True, deployment__in=counted.values("pk")
        ).values_list("deployment__finished_at", "committed_at")
    ]
    assert len(shipped) == len(data.shipped)
    return dora.four_keys(data.deploys, shipped, data.outages, start, end)


@pytest.mark.parametrize("days", [30, 90, 365])
def test_selectors_equal_the_per_commit_reference(days: int) -> None:
    cto = User.objects.get(username="cto")
    end = REFERENCE_DATE
    start = end - timedelta(days=days)
    teams = [None, "payments", "checkout"]
    by_team = selectors.dora_metrics_by_team(
        actor=cto, teams=["payments", "checkout"], start=start, end=end
    )
    for team in teams:
        expected = _reference(team, start, end)
        assert expected["lead_time_for_changes"]["changes"] > 0, team  # not vacuous
        got = selectors.dora_metrics(actor=cto, team=team, start=start, end=end)
        assert {k: v for k, v in got.items() if k in expected} == expected, team
        if team:
            assert {k: v for k, v in by_team[team].items() if k in expected} == expected


def test_weekly_trend_equals_the_per_commit_reference() -> None:
    cto = User.objects.get(username="cto")
    end = REFERENCE_DATE
    start = end - timedelta(days=90)
    weeks = selectors.dora_trend(actor=cto, start=start, end=end)
    for week in weeks:
        monday = date.fromisoformat(week["week"])
        expected = _reference(None, monday, monday + timedelta(days=7))
        assert {k: v for k, v in week.items() if k in expected} == expected, week["week"]


def test_epoch_sql_keeps_microseconds() -> None:
    deployment = Deployment.objects.filter(status="success").first()
    assert deployment is not None
    commit = Commit.objects.filter(reachable=True).first()
    assert commit is not None
    moment = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    Commit.objects.filter(pk=commit.pk).update(committed_at=moment, deployment=deployment)
    times = shipped.unpack(shipped.recompute([deployment.pk])[deployment.pk])
    assert dora.micros(moment) in times.tolist()


def test_delivery_pages_teams_by_50(client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.core.policy import SYSTEM
    from steward.org import services as org_services
    from steward.org.models import Team

    for i in range(60):
        org_services.team_create(
            actor=SYSTEM, slug=f"pg-{i:02d}", name=f"Paged {i:02d}", type="stream-aligned"
        )
    total = Team.objects.count()
    client = client_as("cto")
    first = client.get("/engineering/delivery/")
    assert first.status_code == 200
    assert len(first.context["teams"]) == 50
    last_number = (total + 49) // 50
    last = client.get(f"/engineering/delivery/?page={last_number}")
    assert len(last.context["teams"]) == total - 50 * (last_number - 1)
    shown = [
        row["team"].slug
        for n in range(1, last_number + 1)
        for row in client.get(f"/engineering/delivery/?page={n}").context["teams"]
    ]
    assert sorted(shown) == sorted(Team.objects.values_list("slug", flat=True))
    # The figures of a team on its page equal the per-team selector's.
    cto = User.objects.get(username="cto")
    start, end = first.context["scope"]["start"], first.context["scope"]["end"]
    checked = 0
    for n in range(1, last_number + 1):
        for row in client.get(f"/engineering/delivery/?page={n}").context["teams"]:
            if row["team"].slug in ("payments", "checkout", "pg-00"):
                expected = selectors.dora_metrics(
                    actor=cto, team=row["team"].slug, start=start, end=end
                )
                assert row["figures"] == expected
                checked += 1
    assert checked == 3
