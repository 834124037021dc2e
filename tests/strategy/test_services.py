"""Strategy services and selectors against the database.

Tests of one rule build their data with factories; the planning and prioritization tests use the
demo company (loaded in every test database).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from steward.core.errors import BadInput
from steward.core.policy import SYSTEM
from steward.strategy import selectors, services
from steward.strategy.models import Idea, Initiative, QuarterBudget
from tests.factories import KeyResultFactory, ObjectiveFactory, PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_check_ins_keep_history_and_follow_the_latest() -> None:
    kr = KeyResultFactory()
    before = kr.check_ins.count()
    services.check_in_record(
        actor=SYSTEM,
        key_result=kr,
        value=Decimal(7),
        confidence=Decimal("0.9"),
        on=date(2030, 1, 1),
    )
    services.check_in_record(
        actor=SYSTEM,
        key_result=kr,
        value=Decimal(3),
        confidence=Decimal("0.4"),
        on=date(2029, 1, 1),
    )
    kr.refresh_from_db()
    assert kr.check_ins.count() == before + 2
    assert kr.current == Decimal(7)  # the older back-dated reading does not replace it
    history = selectors.key_result_history(actor=SYSTEM, objective_key=kr.objective.key, key=kr.key)
    assert history is not None
    assert [c["on"] for c in history["check_ins"]][-2:] == [date(2029, 1, 1), date(2030, 1, 1)]


def test_only_strategy_editors_change_it() -> None:
    engineer = User.objects.get(username="engineer")
    kr = KeyResultFactory()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.check_in_record(
            actor=engineer, key_result=kr, value=Decimal(1), confidence=Decimal(1), on=date.today()
        )
    services.check_in_record(
        actor=User.objects.get(username="cto"),
        key_result=kr,
        value=Decimal(1),
        confidence=Decimal(1),
        on=date.today(),
    )


def test_weights_must_sum_to_one() -> None:
    objectives = ObjectiveFactory.create_batch(2)
    with pytest.raises(BadInput, match=r"weights sum to 1\.1"):
        services.initiative_upsert(
            actor=SYSTEM,
            key="W1",
            title="w",
            objectives=[(objectives[0], Decimal("0.5")), (objectives[1], Decimal("0.6"))],
        )


def test_idea_pipeline_moves_only_forward() -> None:
    idea = services.idea_create(actor=SYSTEM, title="t", hypothesis="h")
    with pytest.raises(BadInput, match="proposed cannot become adopted"):
        services.idea_move(actor=SYSTEM, idea=idea, status="adopted", on=date(2027, 1, 1))
    services.idea_move(actor=SYSTEM, idea=idea, status="experimenting", on=date(2027, 1, 1))
    with pytest.raises(BadInput, match="outcome"):
        services.idea_move(actor=SYSTEM, idea=idea, status="adopted", on=date(2027, 2, 1))
    services.idea_move(
        actor=SYSTEM, idea=idea, status="adopted", on=date(2027, 2, 1), outcome="it worked"
    )
    idea.refresh_from_db()
    assert (idea.status, idea.timebox_start, idea.decided_on) == (
        "adopted",
        date(2027, 1, 1),
        date(2027, 2, 1),
    )
    assert Idea.objects.filter(status="adopted").count() >= 2


def test_action_closure_rate_by_hand() -> None:
    team = TeamFactory(slug="closure-t", type="enabling")
    for n, closed in enumerate([date(2027, 1, 5), date(2027, 1, 30), None, None]):
        action = services.action_create(
            actor=SYSTEM,
            title=f"a{n}",
            source="retrospective",
            created_on=date(2027, 1, 1),
            due_on=date(2027, 1, 20) if n < 3 else date(2027, 3, 1),
            team=team,
        )
        if closed:
            services.action_close(actor=SYSTEM, action=action, on=closed)
    summary = selectors.action_closure(actor=SYSTEM, today=date(2027, 2, 1), team="closure-t")
    # 2 of 4 closed, one of them on time; one open action is past its due date.
    assert summary == {
        "actions": 4,
        "closed": 2,
        "closure_rate": 0.5,
        "closed_on_time": 1,
        "overdue": 1,
    }


def test_plan_from_the_database_and_apply() -> None:
    result = services.plan_solve(actor=SYSTEM, quarters="2027Q1..2027Q4", bottleneck_time_limit=5)
    assert result["status"] == "optimal" and result["mip_gap"] == 0.0
    data = selectors.portfolio_instance(quarters="2027Q1..2027Q4")
    assert set(result["schedule"]) | set(result["unscheduled"]) == {
        i["id"] for i in data["initiatives"]
    }
    # The mandatory initiative is scheduled by its deadline.
    assert result["schedule"]["REL-MR"] <= "2027Q3"
    # The whole budget when in-progress work is planned too (else what it spends is taken off).
    replanned = selectors.portfolio_instance(quarters="2027Q1..2027Q4", replan_in_progress=True)
    assert replanned["budget"] == {
        q: float(QuarterBudget.objects.get(quarter=q).amount) for q in data["quarters"]
    }
    applied = services.plan_solve(
        actor=SYSTEM, quarters="2027Q1..2027Q4", apply=True, bottleneck_time_limit=0
    )
    for key, quarter in applied["schedule"].items():
        assert Initiative.objects.get(key=key).planned_start == quarter
    for key in applied["unscheduled"]:
        assert Initiative.objects.get(key=key).planned_start == ""


def test_plan_rejects_a_partial_budget() -> None:
    QuarterBudget.objects.filter(quarter="2027Q2").delete()
    with pytest.raises(BadInput, match="no budget for 2027Q2"):
        selectors.portfolio_instance(quarters="2027Q1..2027Q4")


def test_capacity_is_fte_times_13_for_a_full_quarter() -> None:
    team = TeamFactory(slug="cap-t", type="platform")
    for fte in ["1.00", "0.50"]:
        PersonFactory(start_date=date(2026, 1, 1), team=team, fte=Decimal(fte))
    from steward.core.periods import quarter_range

    capacity = selectors.team_capacity(quarters=quarter_range("2027Q1"))
    assert capacity["cap-t"]["2027Q1"] == pytest.approx(13 * 1.5)


def test_prioritization_sorts_and_ranks() -> None:
    data = selectors.prioritization(actor=SYSTEM, sort="wsjf")
    wsjf = [row["wsjf"] for row in data["items"]]
    assert wsjf == sorted(wsjf, reverse=True)
    by_cost = selectors.prioritization(actor=SYSTEM, sort="cost")["items"]
    assert [r["cost"] for r in by_cost] == sorted(r["cost"] for r in by_cost)
    with pytest.raises(BadInput, match="sort"):
        selectors.prioritization(actor=SYSTEM, sort="nonsense")
    svg = selectors.value_effort_svg(data["items"])
    assert svg.startswith("<svg") and "Value vs effort" in svg


def test_plan_under_a_reorg_scenario_uses_its_capacity() -> None:
    from steward.core.periods import quarter_range
    from steward.orgdesign import selectors as design_selectors
    from steward.orgdesign.models import Scenario

    quarters = quarter_range("2027Q1..2027Q2")
    live = selectors.team_capacity(quarters=quarters)
    changed = False
    for scenario in Scenario.objects.order_by("pk"):
        comparison = design_selectors.scenario_comparison(
            actor=SYSTEM, scenario=scenario, quarters=quarters
        )
        got = selectors.team_capacity(quarters=quarters, scenario=scenario.pk)
        for row in comparison["capacity"]:
            assert got[row["team"]][row["quarter"]] == pytest.approx(row["after"], abs=0.01)
            changed |= (
                live.get(row["team"], {}).get(row["quarter"]) != got[row["team"]][row["quarter"]]
            )
        result = services.plan_solve(
            actor=SYSTEM, quarters="2027Q1..2027Q2", scenario=scenario.pk, bottleneck_time_limit=0
        )
        assert result["status"] in ("optimal", "infeasible")
    assert changed, "no demo scenario changes any capacity: the test would not notice"
    with pytest.raises(BadInput, match="no such scenario"):
        selectors.team_capacity(quarters=quarters, scenario=999999)


def _running(initiative: Initiative, quarter: str) -> bool:
    start = int(initiative.planned_start[:4]) * 4 + int(initiative.planned_start[5]) - 1
    q = int(quarter[:4]) * 4 + int(quarter[5]) - 1
    return start <= q < start + initiative.duration


def test_in_progress_initiatives_stay_at_their_start_unless_replanned() -> None:
    from steward.core.periods import quarter_range

    quarters = "2027Q1..2027Q4"
    in_progress = list(
        Initiative.objects.filter(status="in-progress")
        .exclude(planned_start="")
        .prefetch_related("efforts__team")
    )
    running = [i for i in in_progress if _running(i, "2027Q1")]
    assert running, "the demo has no in-progress initiative running in 2027Q1: test proves little"
    # A proposed initiative that depends on one of them must start after it ends.
    waiting_on = next(i for i in running if i.planned_start == "2026Q4" and i.duration == 2)
    follower = Initiative.objects.filter(status="proposed", earliest="").first()
    assert follower is not None
    services.initiative_upsert(
        actor=SYSTEM, key=follower.key, title=follower.title, depends_on=[waiting_on]
    )
    data = selectors.portfolio_instance(quarters=quarters)
    ids = {i["id"] for i in data["initiatives"]}
    assert data["fixed"] == {i.key: i.planned_start for i in in_progress}
    assert not ids & set(data["fixed"])
    follower_data = next(i for i in data["initiatives"] if i["id"] == follower.key)
    assert follower_data["earliest"] == "2027Q2" and follower_data["depends_on"] == []
    live = selectors.team_capacity(quarters=quarter_range(quarters))
    for team in data["teams"]:
        taken = sum(
            float(e.person_weeks) / i.duration
            for i in running
            for e in i.efforts.all()
            if e.team.slug == team["id"]
        )
        assert team["capacity"]["2027Q1"] == pytest.approx(
            max(0.0, live[team["id"]]["2027Q1"] - taken), abs=0.01
        )
    budget = float(QuarterBudget.objects.get(quarter="2027Q1").amount)
    spent = sum(float(i.cost) / i.duration for i in running)
    assert data["budget"]["2027Q1"] == pytest.approx(budget - spent, abs=0.01)
    # Re-planned: they are decisions again, and capacity is the live one.
    again = selectors.portfolio_instance(quarters=quarters, replan_in_progress=True)
    assert {i.key for i in in_progress} <= {i["id"] for i in again["initiatives"]}
    assert again["fixed"] == {}
    # Applying the plan leaves in-progress work where it was.
    result = services.plan_solve(
        actor=SYSTEM, quarters=quarters, apply=True, bottleneck_time_limit=0
    )
    assert result["fixed"] == data["fixed"]
    for initiative in in_progress:
        initiative.refresh_from_db()
        assert initiative.planned_start == data["fixed"][initiative.key]
        assert initiative.status == "in-progress"


def test_plan_is_stored_and_solved_again_only_when_its_inputs_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from steward.strategy import optimizer
    from steward.strategy.models import PlanSolution

    first = services.plan_current(quarters="2027Q1..2027Q4", bottleneck_time_limit=5)
    assert first["stored"] is False and first["status"] == "optimal"
    assert PlanSolution.objects.count() == 1

    def no_solving(*args: object, **kwargs: object) -> None:
        raise AssertionError("solved although nothing changed")

    real = optimizer.solve_data
    monkeypatch.setattr(optimizer, "solve_data", no_solving)
    second = services.plan_current(quarters="2027Q1..2027Q4", bottleneck_time_limit=5)
    assert second["stored"] is True
    assert {k: v for k, v in second.items() if k not in ("stored", "computed_at")} == {
        k: v for k, v in first.items() if k not in ("stored", "computed_at")
    }
    # Another request (re-plan in-progress work) is its own stored plan.
    monkeypatch.setattr(optimizer, "solve_data", real)
    replanned = services.plan_current(
        quarters="2027Q1..2027Q4", replan_in_progress=True, bottleneck_time_limit=5
    )
    assert replanned["stored"] is False and replanned["fixed"] == {}
    assert PlanSolution.objects.count() == 2
    # A change to an input makes the stored plan stale: solved again on the next request.
    changed = Initiative.objects.filter(status="proposed").first()
    assert changed is not None
    Initiative.objects.filter(pk=changed.pk).update(value=changed.value + 5)
    third = services.plan_current(quarters="2027Q1..2027Q4", bottleneck_time_limit=5)
    assert third["stored"] is False
    assert PlanSolution.objects.count() == 2
    monkeypatch.setattr(optimizer, "solve_data", no_solving)
    assert services.plan_current(quarters="2027Q1..2027Q4", bottleneck_time_limit=5)["stored"]


def test_plan_page_shows_zero_as_zero_with_units_and_what_a_person_unlocks(
    client_as, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import re

    key = Initiative.objects.order_by("key").first().key  # type: ignore[union-attr]

    def stored(**kwargs: object) -> dict[str, object]:
        return {
            "status": "optimal",
            "objective": 10.0,
            "mip_gap": 0.0,
            "schedule": {key: "2027Q1"},
            "unscheduled": [],
            "quarters": ["2027Q1"],
            "fixed": {},
            "overcommitted": [],
            "seconds": 0.1,
            "stored": True,
            "computed_at": "2026-12-01T10:00:00+00:00",
            "bottlenecks": [
                {"team": "zero-team", "quarter": "2027Q1", "used": 10.0, "capacity": 10.0,
                 "marginal_value_of_13_person_weeks": 0.0, "unlocks": []},
                {"team": "five-team", "quarter": "2027Q1", "used": 20.0, "capacity": 26.0,
                 "marginal_value_of_13_person_weeks": 5.0, "unlocks": [key]},
                {"team": "late-team", "quarter": "2027Q1", "used": 5.0, "capacity": 6.0,
                 "marginal_value_of_13_person_weeks": None, "unlocks": []},
            ],
        }  # fmt: skip

    monkeypatch.setattr(services, "plan_current", stored)
    html = client_as("cto").get("/strategy/plan/").content.decode()
    rows = {
        team: row for team, row in re.findall(r"<tr><td>([a-z-]+-team)</td>(.*?)</tr>", html, re.S)
    }
    assert set(rows) == {"zero-team", "five-team", "late-team"}
    assert '<td class="num">0</td>' in rows["zero-team"]
    assert "not computed" not in rows["zero-team"]
    assert '<td class="num">5</td>' in rows["five-team"] and f">{key}</a>" in rows["five-team"]
    assert "not computed" in rows["late-team"]
    assert "per 13 person-weeks" in html
    assert "stored solution computed 1 Dec 2026" in html  # the product's one date format
