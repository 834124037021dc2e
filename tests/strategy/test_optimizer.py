"""The portfolio optimizer against exhaustive enumeration, hand-solved cases and bad input."""

from __future__ import annotations

import copy
import itertools
import random
from typing import Any

import pytest

from steward.strategy.optimizer import InvalidInstance, parse_instance, solve_data

QUARTERS = ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]


def _ord(q: str) -> int:
    return int(q[:4]) * 4 + int(q[5]) - 1


def brute_force(data: dict[str, Any]) -> float | None:
    """The best objective by trying every assignment (None: no feasible assignment).

    Written from CONTRACT.md's words, independently of the optimizer's formulation.
    """
    quarters = data["quarters"]
    first = _ord(quarters[0])
    items = data["initiatives"]
    caps = {t["id"]: t["capacity"] for t in data["teams"]}
    budget = data.get("budget")
    discount = data.get("discount_per_quarter", 0.0)
    best: float | None = None
    options = [None, *range(len(quarters))]
    for assignment in itertools.product(options, repeat=len(items)):
        start = {item["id"]: s for item, s in zip(items, assignment, strict=True)}
        ok = True
        used: dict[tuple[str, int], float] = {}
        spent: dict[int, float] = {}
        for item in items:
            s = start[item["id"]]
            d = item.get("duration", 1)
            if s is None:
                if item.get("mandatory"):
                    ok = False
                    break
                continue
            end = s + d - 1
            if end > len(quarters) - 1:
                ok = False
                break
            if item.get("earliest") and first + s < _ord(item["earliest"]):
                ok = False
                break
            if item.get("deadline") and first + end > _ord(item["deadline"]):
                ok = False
                break
            for dep in item.get("depends_on", []):
                ds = start[dep]
                dep_item = next(i for i in items if i["id"] == dep)
                if ds is None or ds + dep_item.get("duration", 1) - 1 >= s:
                    ok = False
                    break
            if not ok:
                break
            for q in range(s, end + 1):
                for team, weeks in item.get("effort", {}).items():
                    used[(team, q)] = used.get((team, q), 0.0) + weeks / d
                spent[q] = spent.get(q, 0.0) + item.get("cost", 0) / d
        if not ok:
            continue
        if any(v > caps[t][quarters[q]] + 1e-9 for (t, q), v in used.items()):
            continue
        if budget is not None and any(v > budget[quarters[q]] + 1e-9 for q, v in spent.items()):
            continue
        value = sum(
            item["value"] * (1 - discount) ** start[item["id"]]
            for item in items
            if start[item["id"]] is not None
        )
        if best is None or value > best + 1e-12:
            best = value
    return best


def check_schedule(data: dict[str, Any], result: dict[str, Any]) -> float:
    """Verify that a returned schedule satisfies every constraint; return its objective."""
    quarters = data["quarters"]
    index = {q: n for n, q in enumerate(quarters)}
    items = {i["id"]: i for i in data["initiatives"]}
    start = {k: index[v] for k, v in result["schedule"].items()}
    assert set(result["schedule"]) | set(result["unscheduled"]) == set(items)
    assert not set(result["schedule"]) & set(result["unscheduled"])
    used: dict[tuple[str, int], float] = {}
    spent: dict[int, float] = {}
    for key, s in start.items():
        item = items[key]
        d = item.get("duration", 1)
        assert s + d - 1 < len(quarters)
        if item.get("earliest"):
            assert _ord(quarters[s]) >= _ord(item["earliest"])
        if item.get("deadline"):
            assert _ord(quarters[s + d - 1]) <= _ord(item["deadline"])
        for dep in item.get("depends_on", []):
            assert dep in start and start[dep] + items[dep].get("duration", 1) <= s
        for q in range(s, s + d):
            for team, weeks in item.get("effort", {}).items():
                used[(team, q)] = used.get((team, q), 0.0) + weeks / d
            spent[q] = spent.get(q, 0.0) + item.get("cost", 0) / d
    for item in items.values():
        if item.get("mandatory"):
            assert item["id"] in start
    caps = {t["id"]: t["capacity"] for t in data["teams"]}
    for (team, q), v in used.items():
        assert v <= caps[team][quarters[q]] + 1e-6
    if data.get("budget") is not None:
        for q, v in spent.items():
            assert v <= data["budget"][quarters[q]] + 1e-6
    discount = data.get("discount_per_quarter", 0.0)
    return sum(items[k]["value"] * (1 - discount) ** s for k, s in start.items())


def random_instance(rng: random.Random) -> dict[str, Any]:
    """A small instance that exercises every kind of constraint."""
    n_quarters = rng.choice([2, 3, 4])
    quarters = QUARTERS[:n_quarters]
    teams = [
        {"id": t, "capacity": {q: float(rng.choice([0, 10, 20, 30, 40])) for q in quarters}}
        for t in ("a", "b")
    ]
    n_items = rng.choice([3, 4, 5])
    items = []
    for n in range(n_items):
        effort = {
            t: float(rng.choice([5, 10, 20, 30, 40])) for t in ("a", "b") if rng.random() < 0.7
        }
        depends = []
        if n > 0 and rng.random() < 0.35:
            depends = [f"I{rng.randrange(n)}"]
        items.append(
            {
                "id": f"I{n}",
                "value": float(rng.choice([1, 2, 3, 5, 8, 13, 20])),
                "effort": effort,
                "cost": float(rng.choice([0, 10, 20, 40])),
                "duration": rng.choice([1, 1, 2, 3]),
                "depends_on": depends,
                "mandatory": rng.random() < 0.15,
                "earliest": rng.choice([None, None, *quarters]),
                "deadline": rng.choice([None, None, *quarters, "2028Q2"]),
            }
        )
    return {
        "quarters": quarters,
        "discount_per_quarter": rng.choice([0.0, 0.0, 0.1, 0.25]),
        "teams": teams,
        "budget": rng.choice([None, {q: float(rng.choice([20, 40, 60])) for q in quarters}]),
        "initiatives": items,
    }


@pytest.mark.parametrize("seed", range(150))
def test_matches_exhaustive_enumeration(seed: int) -> None:
    data = random_instance(random.Random(seed))
    expected = brute_force(data)
    result = solve_data(data, bottlenecks=False)
    if expected is None:
        assert result["status"] == "infeasible"
        assert result["reason"]
        return
    assert result["status"] == "optimal"
    assert result["mip_gap"] == 0.0
    assert result["objective"] == pytest.approx(expected, abs=1e-6)
    assert check_schedule(data, result) == pytest.approx(expected, abs=1e-6)


def test_random_instances_exercise_every_constraint() -> None:
    """The generator above must produce binding cases of each kind, or the test proves little."""
    kinds: set[str] = set()
    for seed in range(150):
        data = random_instance(random.Random(seed))
        for item in data["initiatives"]:
            if item["depends_on"]:
                kinds.add("dependency")
            if item["deadline"]:
                kinds.add("deadline")
            if item["earliest"]:
                kinds.add("earliest")
            if item["duration"] > 1:
                kinds.add("duration")
            if item["mandatory"]:
                kinds.add("mandatory")
        if data["budget"]:
            kinds.add("budget")
        if data["discount_per_quarter"]:
            kinds.add("discount")
        if brute_force(data) is None:
            kinds.add("infeasible")
    assert kinds == {
        "dependency",
        "deadline",
        "earliest",
        "duration",
        "mandatory",
        "budget",
        "discount",
        "infeasible",
    }


def _team(cap: float, quarters: list[str]) -> dict[str, Any]:
    return {"id": "payments", "capacity": {q: cap for q in quarters}}


def test_hand_solved_capacity_and_dependency() -> None:
    # Capacity 120 per quarter. I3 (75/quarter for two quarters) blocks everything else: 50.
    # I2 (100) + I1 (60) in different quarters: 70. I1 then I4 (70) after it: 60. Best: 70.
    data = {
        "quarters": ["2027Q1", "2027Q2"],
        "teams": [_team(120, ["2027Q1", "2027Q2"])],
        "budget": None,
        "initiatives": [
            {"id": "I1", "value": 40, "effort": {"payments": 60}},
            {"id": "I2", "value": 30, "effort": {"payments": 100}},
            {"id": "I3", "value": 50, "effort": {"payments": 150}, "duration": 2},
            {"id": "I4", "value": 20, "effort": {"payments": 70}, "depends_on": ["I1"]},
        ],
    }
    result = solve_data(data)
    assert result["status"] == "optimal"
    assert result["objective"] == 70.0
    assert sorted(result["schedule"]) == ["I1", "I2"]
    assert result["unscheduled"] == ["I3", "I4"]


def test_hand_solved_discount_prefers_the_valuable_item_first() -> None:
    # One slot per quarter; A is worth 10, B 8; discount 0.5: A first (10 + 4 = 14) beats
    # B first (8 + 5 = 13).
    data = {
        "quarters": ["2027Q1", "2027Q2"],
        "discount_per_quarter": 0.5,
        "teams": [_team(10, ["2027Q1", "2027Q2"])],
        "initiatives": [
            {"id": "A", "value": 10, "effort": {"payments": 10}},
            {"id": "B", "value": 8, "effort": {"payments": 10}},
        ],
    }
    result = solve_data(data)
    assert result["schedule"] == {"A": "2027Q1", "B": "2027Q2"}
    assert result["objective"] == 14.0


def test_marginal_value_of_one_more_person() -> None:
    # Capacity 20 in the only quarter: A (20, value 5) fits; B (13, value 9) alone is better: 9.
    # With 33: A and B both fit: 14, so 13 more person-weeks are worth 5.
    data = {
        "quarters": ["2027Q1"],
        "teams": [_team(20, ["2027Q1"])],
        "initiatives": [
            {"id": "A", "value": 5, "effort": {"payments": 20}},
            {"id": "B", "value": 9, "effort": {"payments": 13}},
        ],
    }
    result = solve_data(data)
    assert result["objective"] == 9.0
    assert result["bottlenecks"] == [
        {
            "team": "payments",
            "quarter": "2027Q1",
            "used": 13.0,
            "capacity": 20.0,
            "marginal_value_of_13_person_weeks": 5.0,
            "unlocks": ["A"],
        }
    ]


def _raised(data: dict[str, Any], team: str, quarter: str) -> dict[str, Any]:
    raised = copy.deepcopy(data)
    for entry in raised["teams"]:
        if entry["id"] == team:
            entry["capacity"][quarter] += 13
    return raised


@pytest.mark.parametrize("seed", range(0, 150, 2))
def test_priced_bottlenecks_equal_a_full_resolve_with_13_more_person_weeks(seed: int) -> None:
    """Every priced value equals brute force with that capacity raised, minus brute force."""
    data = random_instance(random.Random(seed))
    base = brute_force(data)
    result = solve_data(data)
    if base is None:
        return
    for entry in result["bottlenecks"]:
        raised = brute_force(_raised(data, entry["team"], entry["quarter"]))
        assert raised is not None
        assert entry["marginal_value_of_13_person_weeks"] == pytest.approx(raised - base, abs=1e-6)
        assert "marginal_is_lower_bound" not in entry


def test_pricing_test_sees_positive_and_zero_values() -> None:
    """The seeds above must price some bottlenecks above 0 and some at 0, or they prove little."""
    values = [
        entry["marginal_value_of_13_person_weeks"]
        for seed in range(0, 150, 2)
        for entry in solve_data(random_instance(random.Random(seed)))["bottlenecks"]
    ]
    assert any(v > 0 for v in values) and any(v == 0 for v in values)


def test_priced_value_of_several_bottlenecks_and_what_they_unlock() -> None:
    # Two teams, one quarter, no budget. X needs 10 of a (value 4), Y 10 of b (value 6),
    # Z 10 of a and 10 of b (value 5); capacity 10 each. Best: X + Y = 10. With a at 23,
    # X + Z = 9 is the only new choice: worth 0. With b at 23, Y + Z = 11 (a 10, b 20): worth
    # 1, and it unlocks Z.
    data = {
        "quarters": ["2027Q1"],
        "teams": [
            {"id": "a", "capacity": {"2027Q1": 10}},
            {"id": "b", "capacity": {"2027Q1": 10}},
        ],
        "initiatives": [
            {"id": "X", "value": 4, "effort": {"a": 10}},
            {"id": "Y", "value": 6, "effort": {"b": 10}},
            {"id": "Z", "value": 5, "effort": {"a": 10, "b": 10}},
        ],
    }
    result = solve_data(data)
    assert result["objective"] == 10.0
    by_team = {b["team"]: b for b in result["bottlenecks"]}
    assert by_team["a"]["marginal_value_of_13_person_weeks"] == 0.0
    assert by_team["a"]["unlocks"] == []
    assert by_team["b"]["marginal_value_of_13_person_weeks"] == 1.0
    assert by_team["b"]["unlocks"] == ["Z"]


def test_infeasible_mandatory_deadline_is_named() -> None:
    data = {
        "quarters": ["2027Q1", "2027Q2", "2027Q3"],
        "teams": [_team(100, ["2027Q1", "2027Q2", "2027Q3"])],
        "initiatives": [
            {"id": "A", "value": 1, "duration": 2},
            {"id": "B", "value": 1, "depends_on": ["A"], "mandatory": True, "deadline": "2027Q2"},
        ],
    }
    result = solve_data(data)
    assert result["status"] == "infeasible"
    assert (
        result["reason"]
        == "mandatory initiative B cannot finish by 2027Q2 after its dependencies A"
    )
    assert result["schedule"] == {}
    assert result["objective"] is None


def test_infeasible_window_and_capacity_reasons() -> None:
    quarters = ["2027Q1", "2027Q2"]
    window = {
        "quarters": quarters,
        "teams": [_team(100, quarters)],
        "initiatives": [
            {"id": "L", "value": 1, "duration": 2, "earliest": "2027Q2", "mandatory": True}
        ],
    }
    reason = solve_data(window)["reason"]
    assert reason.startswith("mandatory initiative L cannot be scheduled: it runs 2 quarters")
    capacity = {
        "quarters": quarters,
        "teams": [_team(10, quarters)],
        "initiatives": [
            {
                "id": "X",
                "value": 1,
                "effort": {"payments": 8},
                "mandatory": True,
                "deadline": "2027Q1",
            },
            {
                "id": "Y",
                "value": 1,
                "effort": {"payments": 8},
                "mandatory": True,
                "deadline": "2027Q1",
            },
        ],
    }
    reason = solve_data(capacity)["reason"]
    assert reason == (
        "mandatory initiatives X, Y cannot all be scheduled together: "
        "they exceed the capacity of team payments"
    )
    budget = {
        "quarters": quarters,
        "teams": [_team(100, quarters)],
        "budget": {"2027Q1": 5, "2027Q2": 5},
        "initiatives": [{"id": "Z", "value": 1, "cost": 6, "mandatory": True}],
    }
    assert solve_data(budget)["reason"] == "mandatory initiative Z exceeds the budget"


BASE: dict[str, Any] = {
    "quarters": ["2027Q1", "2027Q2"],
    "teams": [{"id": "payments", "capacity": {"2027Q1": 10, "2027Q2": 10}}],
    "initiatives": [{"id": "A", "value": 1, "effort": {"payments": 5}}],
}


def _with(path: list[Any], value: Any) -> dict[str, Any]:
    import copy

    data = copy.deepcopy(BASE)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (
            _with(["initiatives", 0, "effort"], {"ghost": 1}),
            "initiatives[0] (A).effort.ghost",
            "unknown team",
        ),
        (
            _with(["initiatives", 0, "effort"], {"payments": -1}),
            "initiatives[0] (A).effort.payments",
            "negative",
        ),
        (_with(["quarters"], ["2027Q1", "2027-Q2"]), "quarters[1]", "malformed quarter"),
        (_with(["quarters"], ["2027Q1", "2027Q3"]), "quarters[1]", "does not follow"),
        (_with(["initiatives", 0, "depends_on"], ["A"]), "initiatives[0] (A).depends_on", "itself"),
        (
            _with(["initiatives", 0, "depends_on"], ["B"]),
            "initiatives[0] (A).depends_on",
            "unknown",
        ),
        (_with(["initiatives", 0, "duration"], 0), "initiatives[0] (A).duration", "whole number"),
        (_with(["initiatives", 0, "deadline"], "Q4"), "initiatives[0] (A).deadline", "malformed"),
        (_with(["teams", 0, "capacity"], {"2027Q1": 10}), "teams[0].capacity", "missing quarter"),
        (_with(["budget"], {"2027Q1": 1, "2027Q2": 1, "2030Q1": 1}), "budget.2030Q1", "not in"),
        (_with(["discount_per_quarter"], 1.0), "discount_per_quarter", "not below 1"),
        (
            _with(["initiatives", 0, "value"], "high"),
            "initiatives[0] (A).value",
            "expected a number",
        ),
    ],
)
def test_bad_input_names_the_field(data: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InvalidInstance) as info:
        parse_instance(data)
    assert info.value.field == field
    assert words in str(info.value)
    assert info.value.exit_code == 2


def test_dependency_cycle_is_rejected_with_the_cycle() -> None:
    data = {
        "quarters": ["2027Q1"],
        "teams": [],
        "initiatives": [
            {"id": "A", "value": 1, "depends_on": ["C"]},
            {"id": "B", "value": 1, "depends_on": ["A"]},
            {"id": "C", "value": 1, "depends_on": ["B"]},
        ],
    }
    with pytest.raises(InvalidInstance) as info:
        parse_instance(data)
    message = str(info.value)
    assert "dependency cycle" in message
    assert all(x in message for x in ("A", "B", "C"))
