"""The Delivery page's one-fetch figures per team equal the per-team selector's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User

from steward.demo.company import REFERENCE_DATE
from steward.engineering import selectors
from steward.org.models import Team

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("days", [90, 365])
def test_by_team_equals_dora_metrics_per_team(days: int) -> None:
    cto = User.objects.get(username="cto")
    end = REFERENCE_DATE
    start = end - timedelta(days=days)
    slugs = list(Team.objects.values_list("slug", flat=True))
    by_team = selectors.dora_metrics_by_team(actor=cto, teams=slugs, start=start, end=end)
    assert set(by_team) == set(slugs)
    deployments = 0
    for slug in slugs:
        expected = selectors.dora_metrics(actor=cto, team=slug, start=start, end=end)
        assert by_team[slug] == expected, slug
        deployments += expected["deployment_frequency"]["deployments"]
    assert deployments > 0  # the demo deploys, so the comparison is not vacuous


def test_a_team_without_repositories_has_no_data() -> None:
    cto = User.objects.get(username="cto")
    figures = selectors.dora_metrics_by_team(
        actor=cto, teams=["no-such-team"], start=date(2026, 1, 1), end=date(2026, 4, 1)
    )["no-such-team"]
    assert figures["deployment_frequency"]["deployments"] == 0
    assert figures["lead_time_for_changes"]["median_hours"] is None


@pytest.mark.parametrize("team", [None, "payments", "checkout"])
def test_overview_equals_metrics_and_trend(team: str | None) -> None:
    cto = User.objects.get(username="cto")
    end = REFERENCE_DATE
    start = end - timedelta(days=90)
    metrics, weeks = selectors.dora_overview(actor=cto, team=team, start=start, end=end)
    assert metrics == selectors.dora_metrics(actor=cto, team=team, start=start, end=end)
    assert weeks == selectors.dora_trend(actor=cto, team=team, start=start, end=end)
    assert len(weeks) == 13 or len(weeks) == 14
