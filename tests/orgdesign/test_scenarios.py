"""Reorg scenarios on plain data: changes, refusals, manager changes, costs and conflicts."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from steward.core.periods import Quarter
from steward.orgdesign.capacity import Assignment, CostRates, capacity
from steward.orgdesign.scenarios import (
    Change,
    apply_changes,
    conflicts,
    cost_delta,
    live_base,
    manager_changes,
    team_costs,
)
from steward.orgdesign.structure import analyze
from tests.orgdesign.test_structure import D, small_org


def assignments_of(snapshot):  # type: ignore[no-untyped-def]
    return [
        Assignment(p.key, p.team, p.spells[0].start, p.spells[0].end, p.fte)
        for p in snapshot.people.values()
        if p.team
    ]


def run(*changes: tuple[str, dict[str, object]], owned=None):  # type: ignore[no-untyped-def]
    snap = small_org()
    items = [Change(kind, payload, n + 1) for n, (kind, payload) in enumerate(changes)]
    return snap, apply_changes(snap, assignments_of(snap), items, owned)


def test_cycle_and_leaver_are_refused_and_skipped() -> None:
    _, result = run(
        ("change_manager", {"person": "V1", "manager": "a1"}),
        ("move_person", {"person": "b2", "team": "alpha"}),
        ("move_person", {"person": "nobody", "team": "alpha"}),
        ("move_person", {"person": "p1", "team": "omega"}),
    )
    assert result.problems == [
        "change 1 (change_manager): V1 cannot report to a1: that makes a reporting cycle",
        "change 2 (move_person): person b2: not employed on 2027-01-15 (a leaver)",
        "change 3 (move_person): person nobody: no such person",
        "change 4 (move_person): team omega: no such team (or dissolved in this scenario)",
    ]
    assert result.snapshot.people["V1"].manager == "C"


def test_emptying_a_team_that_owns_things_is_refused() -> None:
    _, result = run(
        ("move_person", {"person": "b1", "team": "alpha"}),
        owned={"beta": ["repository payments-api"]},
    )
    assert result.problems == [
        "change 1 (move_person): team beta would be left without members but still owns "
        "repository payments-api; hand those over first"
    ]
    _, result = run(("dissolve_team", {"team": "beta"}), owned={"beta": ["service ledger"]})
    assert "still owns service ledger" in result.problems[0]


def test_merge_moves_members_follows_lead_and_dissolves() -> None:
    before, result = run(("merge_teams", {"source": "beta", "into": "alpha"}))
    assert result.problems == []
    assert result.dissolved == ["beta"]
    assert "beta" not in result.snapshot.teams
    assert manager_changes(before, result.snapshot) == [
        {"person": "b1", "name": "", "before": "M2", "after": "M1"}
    ]
    after = analyze(result.snapshot)
    alpha = next(t for t in after["teams"] if t["slug"] == "alpha")
    assert alpha["size"] == 7
    # Interactions that named beta are gone with it.
    assert after["interactions"]["counts"]["facilitating"] == 0


def test_split_creates_team_and_reports_follow_new_lead() -> None:
    before, result = run(
        (
            "split_team",
            {"team": "alpha", "new_slug": "alpha-2", "people": ["a3", "a4"], "lead": "a3"},
        )
    )
    assert result.problems == []
    assert result.created == ["alpha-2"]
    assert result.snapshot.teams["alpha-2"].lead == "a3"
    assert manager_changes(before, result.snapshot) == [
        {"person": "a4", "name": "", "before": "M1", "after": "a3"}
    ]
    teams = {t["slug"]: t["size"] for t in analyze(result.snapshot)["teams"]}
    assert teams["alpha"] == 4 and teams["alpha-2"] == 2
    # Capacity in 2027Q1 (90 days): a3 and a4 in alpha for 14 days, then in alpha-2 for 76.
    cap = capacity(result.assignments, [], [Quarter(2027, 1)])
    assert cap["alpha-2"]["2027Q1"]["person_weeks"] == round(2 * 13 * 76 / 90, 2)
    # alpha: 4 people all quarter (M1 M2 a1 a2) + a3, a4 for 14 days; f1 from 1 Feb (59 days).
    expected_alpha = 4 * 13 + 2 * 13 * 14 / 90 + 13 * 59 / 90
    assert cap["alpha"]["2027Q1"]["person_weeks"] == round(expected_alpha, 2)


def test_split_refuses_people_from_another_team() -> None:
    _, result = run(("split_team", {"team": "alpha", "new_slug": "x", "people": ["b1"]}))
    assert result.problems == ["change 1 (split_team): person b1 is not a member of alpha"]
    assert "x" not in result.snapshot.teams


def test_hire_and_departure_change_structure_capacity_and_cost() -> None:
    before, result = run(
        (
            "add_hire",
            {
                "key": "H1",
                "team": "beta",
                "level": "L2",
                "expected_start": "2027-02-15",
                "salary": "60000",
                "currency": "EUR",
                "location": "Berlin",
            },
        ),
        ("mark_departure", {"person": "a2", "on": "2027-03-02"}),
    )
    assert result.problems == []
    after = analyze(result.snapshot)
    # H1 counts in the scenario's structure (reports to beta's lead M2), a2 does not.
    assert after["people"] == 11
    assert after["span_of_control"]["by_manager"]["M2"] == 2
    assert result.snapshot.people["H1"].manager == "M2"
    cap = capacity(result.assignments, [], [Quarter(2027, 1)])
    assert cap["beta"]["2027Q1"]["planned_hire_weeks"] == round(13 * 45 / 90, 2)
    # a2 works 60 of 90 days in alpha.
    before_cap = capacity(assignments_of(before), [], [Quarter(2027, 1)])
    drop = before_cap["alpha"]["2027Q1"]["person_weeks"] - cap["alpha"]["2027Q1"]["person_weeks"]
    assert round(drop, 2) == round(13 * 30 / 90, 2)

    rates = CostRates("EUR", {"Berlin": Decimal("0.2")}, {})
    salaried = small_org()
    salaried.people = {
        k: dataclasses.replace(p, salary=Decimal("50000"), currency="EUR", location="Berlin")
        for k, p in salaried.people.items()
    }
    after_salaried = apply_changes(
        salaried,
        [],
        [
            Change(
                "add_hire", {"key": "H1", "team": "beta", "salary": "60000", "location": "Berlin"}
            ),
            Change("mark_departure", {"person": "a2"}),
        ],
    ).snapshot
    delta = cost_delta(team_costs(salaried, rates), team_costs(after_salaried, rates))
    assert delta["by_team"]["beta"]["delta"] == Decimal("72000.00")  # 60000 × 1.2
    assert delta["by_team"]["alpha"]["delta"] == Decimal("-60000.00")  # 50000 × 1.2
    assert delta["total"]["delta"] == Decimal("12000.00")


def test_conflicts_name_what_changed_in_the_live_org() -> None:
    live = small_org()
    change = Change("move_person", {"person": "b1", "team": "alpha"}, 1)
    base = live_base(change, live)
    assert conflicts(change, base, live) == []
    live.people["b1"] = dataclasses.replace(live.people["b1"], team="gamma")
    assert conflicts(change, base, live) == [
        "change 1 (move_person): b1's team changed in the live org from beta to gamma "
        "since the change was drafted"
    ]
    create = Change("create_team", {"slug": "omega"}, 2)
    base = live_base(create, live)
    live.teams["omega"] = live.teams["beta"]
    assert conflicts(create, base, live) == [
        "change 2 (create_team): team omega was created in the live org since drafting"
    ]
    assert live.on == D
    left = Change("change_manager", {"person": "a1", "manager": "M2"}, 3)
    base = live_base(left, live)
    live.people["M2"] = dataclasses.replace(live.people["M2"], spells=())
    assert (
        "M2's employed changed in the live org from True to False" in conflicts(left, base, live)[0]
    )
    assert date(2027, 1, 15) == D
