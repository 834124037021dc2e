"""The initiatives list (core.tables): filters by team name (owning or contributing), status,
sorting by cost, the CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from steward.org.models import Team
from steward.strategy.models import Initiative

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_filter_by_team_name_counts_owning_and_contributing_teams(client_as) -> None:  # type: ignore[no-untyped-def]
    team = Team.objects.get(slug="payments")
    expected = {
        i.key
        for i in Initiative.objects.all()
        if i.owner_team_id == team.pk or i.efforts.filter(team=team).exists()
    }
    assert expected
    rows = _csv(client_as("engineer").get("/strategy/initiatives/export.csv", {"team": "Payments"}))
    assert {r["Key"] for r in rows} == expected


def test_sort_by_cost_and_every_initiative_in_the_csv(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    rows = _csv(client.get("/strategy/initiatives/export.csv", {"sort": "-cost"}))
    assert len(rows) == Initiative.objects.count()
    costs = [Decimal(r["Cost"]) for r in rows]
    assert costs == sorted((i.cost for i in Initiative.objects.all()), reverse=True)
    page = client.get("/strategy/initiatives/", {"status": "done"})
    assert page.status_code == 200
    done = Initiative.objects.filter(status="done").count()
    assert f"{done} initiative" in page.content.decode()


def test_a_bad_horizon_is_an_error(client_as) -> None:  # type: ignore[no-untyped-def]
    response = client_as("engineer").get("/strategy/initiatives/", {"horizon": "someday"})
    assert response.status_code == 400
    assert "someday is not one of the available choices" in response.content.decode()
