"""`PeopleCost` answers a team's month and its people's parts from an index built once (it was
a pass over everyone per team and month: 245 teams x 2,000 people at 1,000,000 commits); the
figures are those of a pass over the cells, to the last digit."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from decimal import Decimal as D

from steward.finance.selectors import PeopleCost


def _cells(seed: int) -> list[dict[tuple[str | None, str], D]]:
    rng = random.Random(seed)
    teams = [None, "", "a", "b", "c"]
    months = []
    for _ in range(12):
        cell = {}
        for n in range(40):
            team = rng.choice(teams)
            cell[(team, f"p{n}")] = D(rng.randint(0, 10**9)) / 100 + D("0.001") * rng.randint(0, 9)
        months.append(cell)
    return months


def _old_team_month(cells: list[dict], team: str | None, index: int) -> D:
    return sum((v for (t, _w), v in cells[index].items() if t == team), D(0))


def _old_contributions(cells: list[dict], team: str | None, indexes: range) -> dict[str, D]:
    out: dict[str, D] = defaultdict(D)
    for i in indexes:
        for (t, who), v in cells[i].items():
            if t == team:
                out[who] += v
    return dict(out)


def test_index_gives_the_figures_of_a_pass_over_the_cells() -> None:
    for seed in range(5):
        cells = _cells(seed)
        people = PeopleCost([date(2030, m, 1) for m in range(1, 13)], cells)
        assert people.teams() == sorted(
            {t for cell in cells for (t, _w) in cell}, key=lambda t: t or ""
        )
        for team in [None, "", "a", "b", "c", "nobody"]:
            for i in range(12):
                got = people.team_month(team, i)
                assert got == _old_team_month(cells, team, i)
                assert str(got) == str(_old_team_month(cells, team, i))  # same digits
            for months in (range(12), range(3, 7), [0, 11]):
                got_parts = people.contributions(team, months)
                old_parts = _old_contributions(cells, team, months)
                assert list(got_parts.items()) == list(old_parts.items())


def test_hand_computed_team_month() -> None:
    cells = [{("a", "x"): D("100.50"), ("b", "y"): D("7"), ("a", "z"): D("0.25")}]
    people = PeopleCost([date(2030, 1, 1)], cells)
    assert people.team_month("a", 0) == D("100.75")
    assert people.team_month("b", 0) == D("7")
    assert people.team_month("c", 0) == D(0)
    assert people.contributions("a", [0]) == {"x": D("100.50"), "z": D("0.25")}
    assert people.teams() == ["a", "b"]


def test_monthly_costs_are_the_old_per_stint_loop() -> None:
    """`monthly_costs` (annual / 12 once per stint, the month's bounds once) gives the figures
    of the loop over `days_in` it replaced, to the last digit, at month edges too."""
    from steward.finance.money import cents
    from steward.finance.people_cost import Stint, days_in, days_in_month, monthly_costs

    rng = random.Random(7)
    stints = []
    for n in range(300):
        start = date(2029 + rng.randint(0, 2), rng.randint(1, 12), rng.choice([1, 2, 15, 28]))
        end = (
            None
            if rng.random() < 0.4
            else date(start.year + rng.randint(0, 1), rng.randint(1, 12), 1)
        )
        annual = D(rng.randint(10_000, 300_000)) * D("1.2345") * D(rng.choice(["1", "0.5", "0.8"]))
        stints.append(Stint(f"p{n % 200}", rng.choice([None, "a", "b"]), start, end, annual))
    months = [date(2030, m, 1) for m in range(1, 13)]
    for month, got in zip(months, monthly_costs(stints, months), strict=True):
        found: dict[tuple[str | None, str], D] = defaultdict(D)
        for s in stints:
            days = days_in(s, month)
            if days:
                found[(s.team, s.who)] += s.annual / 12 * days / days_in_month(month)
        old = {k: cents(v) for k, v in found.items()}
        assert list(got.items()) == list(old.items())
        assert [str(v) for v in got.values()] == [str(v) for v in old.values()]
