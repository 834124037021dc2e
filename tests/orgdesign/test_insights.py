"""The cockpit rules on span of control and team size, on a hand-built organization."""

from __future__ import annotations

from datetime import date

import pytest

from steward.core.policy import SYSTEM
from steward.orgdesign import insights
from tests.factories import PersonFactory, TeamFactory

ON = date(2026, 12, 1)


@pytest.fixture
def org(empty_org: None) -> dict[str, object]:
    """Ten in Big (Mia manages the other nine), one in Solo, Leo and five reports in Right."""
    big = TeamFactory(slug="f-big", name="Big")
    solo = TeamFactory(slug="f-solo", name="Solo")
    right = TeamFactory(slug="f-right", name="Right")
    mia = PersonFactory(name="Mia Many", team=big)
    for _ in range(9):
        PersonFactory(team=big, manager=mia)
    PersonFactory(name="Sol Alone", team=solo)
    leo = PersonFactory(name="Leo Fine", team=right)
    for _ in range(5):
        PersonFactory(team=right, manager=leo)
    return {"mia": mia}


def test_span_over_eight_fires_for_the_manager_of_nine_only(org: dict[str, object]) -> None:
    found = insights.span_of_control(SYSTEM, ON)
    assert [(f.statement, f.figure, f.severity) for f in found] == [
        ("Mia Many has 9 direct reports (span of control over 8)", "9", "warning")
    ]
    assert found[0].subject == f"person:{org['mia'].employee_id}"  # type: ignore[attr-defined]
    assert found[0].url == "/org/health/?date=2026-12-01"


def test_team_size_outside_five_to_nine_and_a_team_of_one(org: dict[str, object]) -> None:
    found = {f.key: f for f in insights.team_size(SYSTEM, ON)}
    assert set(found) == {"f-big", "f-solo"}  # Right has 6: inside 5–9
    assert found["f-big"].statement == "Big has 10 active members (team size outside 5–9)"
    assert found["f-big"].figure == "10"
    assert found["f-solo"].statement == "Solo has 1 active member (a team of one)"
    assert found["f-solo"].subject == "team:f-solo"
    assert found["f-solo"].url == "/org/teams/f-solo/"
