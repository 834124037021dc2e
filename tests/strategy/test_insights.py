"""The cockpit rules of the strategy app: a starved objective (on a hand-built repository and
plan) and a bottleneck team (on a plan result shaped as CONTRACT.md "Portfolio instance")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from steward.core.policy import SYSTEM
from steward.engineering.ingest import ingest_paths
from steward.org import services as org_services
from steward.strategy import insights, services
from steward.strategy.models import Initiative, Objective
from tests.engineering.gitfixtures import commit, init

ON = date(2020, 3, 1)  # before the demo's history: only the fixture's commits count


def _plan(tmp_path: Path, *, days_on_oa: int, days_on_ob: int) -> None:
    """OA (priority 1) is 80 % of the plan, OB (priority 2) 20 %; Ann works `days_on_oa`
    days on OA's initiative and `days_on_ob` days on OB's, one commit a day."""
    Initiative.objects.all().delete()
    Objective.objects.all().delete()
    team = org_services.team_create(actor=SYSTEM, slug="f-strat", name="S", type="stream-aligned")
    owner = org_services.person_create(
        actor=SYSTEM,
        employee_id="FST1",
        name="Olga Owner",
        start_date=date(2019, 1, 1),
        emails=["ann.starved@example.com"],
        team=team,
    )
    oa = services.objective_upsert(
        actor=SYSTEM, key="OA", title="Grow", start=date(2020, 1, 1), end=date(2021, 1, 1),
        priority=1,
    )  # fmt: skip
    ob = services.objective_upsert(
        actor=SYSTEM, key="OB", title="Keep", start=date(2020, 1, 1), end=date(2021, 1, 1),
        priority=2,
    )  # fmt: skip
    Objective.objects.filter(pk=oa.pk).update(owner=owner)
    for key, objective, weeks, link in (("IA", oa, 40, "ST-1"), ("IB", ob, 10, "ST-2")):
        services.initiative_upsert(
            actor=SYSTEM,
            key=key,
            title=key,
            fields={"link_keys": [link], "status": "in-progress"},
            objectives=[(objective, Decimal(1))],
            efforts={team: Decimal(weeks)},
        )
    repo = init(tmp_path / "starved")
    day = 1
    for link, days in (("ST-1", days_on_oa), ("ST-2", days_on_ob)):
        for _ in range(days):
            (repo / "f").write_text(str(day))
            when = f"2020-02-{day:02d}T10:00:00+00:00"
            commit(repo, f"{link} work", name="Ann", email="ann.starved@example.com", when=when)
            day += 1
    [result] = ingest_paths([repo])
    assert result.ok, result.error


@pytest.mark.django_db
def test_an_objective_with_a_ninth_of_its_planned_share_is_starved(tmp_path: Path) -> None:
    # OA: 1 of 11 person-days = 9 % against 40 / 50 = 80 %; OB: 91 % against 20 %.
    _plan(tmp_path, days_on_oa=1, days_on_ob=10)
    found = insights.starved_objectives(SYSTEM, ON)
    assert len(found) == 1
    (finding,) = found
    assert finding.statement == (
        "OA (Grow) is priority 1 and received 9 % of effort in the last 90 days; plan 80 %"
    )
    assert finding.severity == "critical"
    assert finding.owner == "Olga Owner"
    assert finding.key == "OA" and finding.figure == "9 % of 80 %"
    assert finding.url == "/strategy/alignment/?from=2019-12-02&to=2020-03-01"


@pytest.mark.django_db
def test_an_objective_close_to_its_plan_is_not_starved(tmp_path: Path) -> None:
    # OA: 8 of 11 = 73 % against 80 %: more than half of it and 7 points below -> not starved;
    # OB: 27 % against 20 % -> above its plan.
    _plan(tmp_path, days_on_oa=8, days_on_ob=3)
    assert insights.starved_objectives(SYSTEM, ON) == []


@pytest.mark.django_db
def test_a_team_of_two_with_five_initiatives_is_the_bottleneck(empty_org: None) -> None:
    """Two people give 26 person-weeks a quarter; five initiatives of 18 fit one a quarter,
    so the least valuable (value 5 + 1 + 1 = 7) waits; one more person (13 person-weeks) in any
    quarter fits two there (36 of 39), which schedules all five: +7 in each of the 4 quarters."""
    from steward.strategy.models import QuarterBudget

    Initiative.objects.all().delete()
    QuarterBudget.objects.all().delete()
    team = org_services.team_create(actor=SYSTEM, slug="f-bn", name="Bottle", type="platform")
    for n in range(2):
        org_services.person_create(
            actor=SYSTEM, employee_id=f"FBN{n}", name=f"Bee {n}", start_date=date(2020, 1, 1),
            team=team,
        )  # fmt: skip
    for key, value in (("B1", 20), ("B2", 13), ("B3", 8), ("B4", 8), ("B5", 5)):
        services.initiative_upsert(
            actor=SYSTEM,
            key=key,
            title=key,
            fields={"value": value, "status": "planned"},
            objectives=[],
            efforts={team: Decimal(18)},
        )
    found = insights.bottleneck_teams(SYSTEM, date(2026, 11, 27))
    assert [f.key for f in found] == [f"f-bn:2027Q{n}" for n in (1, 2, 3, 4)]
    assert found[0].statement == (
        "Bottle is the bottleneck in 2027Q1: 18 of 26 person-weeks planned; one more person "
        "would add 7.0 to the plan's value"
    )
    assert {f.figure for f in found} == {"7.0"}
    assert found[0].url == "/strategy/plan/?quarters=2027Q1..2027Q4"


def test_a_bottleneck_team_names_the_value_of_one_more_person(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result: dict[str, Any] = {
        "status": "optimal",
        "bottlenecks": [
            {"team": "payments", "quarter": "2027Q1", "used": 118, "capacity": 120,
             "marginal_value_of_13_person_weeks": 12.5},
            {"team": "checkout", "quarter": "2027Q2", "used": 60, "capacity": 60,
             "marginal_value_of_13_person_weeks": 0.0},
        ],
    }  # fmt: skip
    asked: list[str] = []

    def plan_current(*, quarters: str, **limits: Any) -> dict[str, Any]:
        asked.append(quarters)
        return result

    monkeypatch.setattr(services, "plan_current", plan_current)
    monkeypatch.setattr(
        "steward.org.selectors.team_names_by_slug", lambda: {"payments": "Payments"}
    )
    found = insights.bottleneck_teams(SYSTEM, date(2026, 11, 27))
    assert asked == ["2027Q1..2027Q4"]  # the four quarters after 2026Q4, as the plan page
    assert [(f.statement, f.figure, f.subject) for f in found] == [
        (
            "Payments is the bottleneck in 2027Q1: 118 of 120 person-weeks planned; one more "
            "person would add 12.5 to the plan's value",
            "12.5",
            "team:payments",
        )
    ]  # checkout binds too, but one more person would add nothing: no finding
    result["status"] = "infeasible"
    assert insights.bottleneck_teams(SYSTEM, date(2026, 11, 27)) == []
