"""The small-group rule on hand-built figures: before, after, differences and complements."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from steward.core.disclosure import (
    Figure,
    combine,
    determined,
    min_group_size,
    suppressed,
    too_small,
)

D = Decimal


def pay(*people: str, amount: int = 100) -> dict[str, Decimal]:
    return {p: D(amount) for p in people}


TEN = [f"p{n}" for n in range(10)]


def test_threshold_default_and_floor() -> None:
    assert min_group_size(None) == 5
    assert min_group_size(7) == 7
    assert min_group_size(1) == 3


def test_single_figure_under_five_people_is_too_small_and_empty_is_not() -> None:
    assert too_small(Figure(pay("a", "b", "c", "d")), 5)
    assert not too_small(Figure(pay("a", "b", "c", "d", "e")), 5)
    assert not too_small(Figure({}), 5)


def test_change_of_one_person_in_a_big_team_is_too_small() -> None:
    # The receiving team of a merge: 10 before, 11 after; the delta is x's pay alone.
    before = pay(*TEN)
    after = {**before, "x": D(123)}
    assert too_small(Figure(before, after), 5)
    # Moving nobody and changing no pay: the delta (0) reveals nothing.
    assert not too_small(Figure(before, dict(before)), 5)
    # A pay change of one person is a change of one person.
    raised = {**before, "p3": D(150)}
    assert too_small(Figure(before, raised), 5)


def test_merge_hides_both_teams_but_keeps_the_total() -> None:
    """The demo's "merge two small teams": x (alone in `small`) joins `big` (10 people)."""
    figures = {
        "small": Figure(pay("x"), {}),
        "big": Figure(pay(*TEN), pay(*TEN, "x")),
        "total": Figure(pay(*TEN, "x"), pay(*TEN, "x")),
    }
    hidden = suppressed(figures, [(["small", "big"], "total")], 5)
    assert hidden == {"small", "big"}


def test_one_hidden_row_gets_a_complement() -> None:
    # Row c (2 people) is too small; total minus a and b would give it away.
    figures = {
        "a": Figure(pay(*TEN[:5])),
        "b": Figure(pay(*TEN[5:], "q")),
        "c": Figure(pay("y", "z")),
        "total": Figure(pay(*TEN, "q", "y", "z")),
    }
    hidden = suppressed(figures, [(["a", "b", "c"], "total")], 5)
    # The smallest shown row (a: 5 people) joins c; c + a covers 7 people.
    assert hidden == {"a", "c"}


def test_complement_grows_until_the_hidden_group_is_big_enough() -> None:
    figures = {
        "a": Figure(pay("a1")),
        "b": Figure(pay("b1", "b2")),
        "c": Figure(pay(*TEN)),
        "total": Figure(pay("a1", "b1", "b2", *TEN)),
    }
    hidden = suppressed(figures, [(["a", "b", "c"], "total")], 5)
    # a and b are both too small, and together still 3 people: c must go too.
    assert hidden == {"a", "b", "c"}


def test_no_row_left_to_hide_hides_the_total() -> None:
    figures = {"only": Figure(pay("x")), "total": Figure(pay("x"))}
    assert suppressed(figures, [(["only"], "total")], 5) == {"only", "total"}


def test_a_single_hire_hides_the_total_delta_and_a_row_so_the_total_cannot_be_summed() -> None:
    # Five people move from a to b, and one hire h joins b: each team changes by 5+ people,
    # but the total changes by h alone. The rows must not add up to h's pay.
    movers = [f"m{n}" for n in range(5)]
    stay_a = [f"a{n}" for n in range(5)]
    stay_b = [f"b{n}" for n in range(5)]
    figures = {
        "a": Figure(pay(*movers, *stay_a), pay(*stay_a)),
        "b": Figure(pay(*stay_b), pay(*stay_b, *movers, "h")),
        "total": Figure(pay(*movers, *stay_a, *stay_b), pay(*movers, *stay_a, *stay_b, "h")),
    }
    assert not too_small(figures["a"], 5) and not too_small(figures["b"], 5)
    hidden = suppressed(figures, [(["a", "b"], "total")], 5)
    assert "total" in hidden
    assert hidden & {"a", "b"}


def test_two_dimensional_plan_cells_row_and_column_totals() -> None:
    """A headcount plan: teams × quarters, one planned hire per cell."""
    cells = {
        ("t1", "q1"): Figure(pay("h1")),
        ("t1", "q2"): Figure(pay("h2", "h3", "h4", "h5", "h6")),
        ("t2", "q1"): Figure(pay("h7", "h8", "h9", "h10", "h11")),
        ("t2", "q2"): Figure(pay("h12", "h13", "h14", "h15", "h16")),
    }
    teams = {t: combine(f for (tt, _), f in cells.items() if tt == t) for t in ("t1", "t2")}
    quarters = {q: combine(f for (_, qq), f in cells.items() if qq == q) for q in ("q1", "q2")}
    figures: dict[object, Figure] = {
        **cells,
        **{("team", t): f for t, f in teams.items()},
        **{("quarter", q): f for q, f in quarters.items()},
        "total": combine(cells.values()),
    }
    lines = [
        ([("t1", "q1"), ("t1", "q2")], ("team", "t1")),
        ([("t2", "q1"), ("t2", "q2")], ("team", "t2")),
        ([("t1", "q1"), ("t2", "q1")], ("quarter", "q1")),
        ([("t1", "q2"), ("t2", "q2")], ("quarter", "q2")),
        ([("team", "t1"), ("team", "t2")], "total"),
        ([("quarter", "q1"), ("quarter", "q2")], "total"),
    ]
    hidden = suppressed(figures, lines, 5)
    # The one-hire cell and a complement in its row and in its column (and so the fourth).
    assert {("t1", "q1"), ("t1", "q2"), ("t2", "q1"), ("t2", "q2")} <= hidden
    assert "total" not in hidden
    # Check the guarantee directly: no shown total minus its shown members is a small group.
    for members, total in lines:
        if total in hidden:
            continue
        secret = [figures[m] for m in members if m in hidden]
        assert not secret or not too_small(combine(secret), 5)


# --- an outside oracle: linear algebra over random tables -----------------------------------


def _determined(hidden: list[object], lines: list[tuple[list[object], object]], x: object) -> bool:
    """True when the shown figures fix the value of hidden figure `x` (rank test)."""
    import numpy as np

    index = {k: n for n, k in enumerate(hidden)}
    rows = []
    for members, total in lines:
        row = [0.0] * len(hidden)
        for m in members:
            if m in index:
                row[index[m]] -= 1.0
        if total in index:
            row[index[total]] += 1.0
        if any(row):
            rows.append(row)
    target = [0.0] * len(hidden)
    target[index[x]] = 1.0
    if not rows:
        return False
    a = np.array(rows)
    return bool(np.linalg.matrix_rank(np.vstack([a, target])) == np.linalg.matrix_rank(a))


def test_determined_combines_lines_that_each_have_two_unknowns() -> None:
    # a + b, b + c and a + c shown: each line has two unknowns, together they fix all three.
    lines = [(["a", "b"], "ab"), (["b", "c"], "bc"), (["a", "c"], "ac")]
    assert determined(["a", "b", "c"], lines) == {"a", "b", "c"}
    # Without a + c, b can take any value (a and c follow): nothing is fixed.
    assert determined(["a", "b", "c"], lines[:2]) == set()
    # A 2 x 2 table with every cell hidden and its margins shown fixes no cell.
    table = [(["a", "b"], "r1"), (["c", "d"], "r2"), (["a", "c"], "k1"), (["b", "d"], "k2")]
    assert determined(["a", "b", "c", "d"], table) == set()
    # With b shown, a, c and d follow from the margins.
    assert determined(["a", "c", "d"], table) == {"a", "c", "d"}


@settings(max_examples=300, deadline=None)
# Tables that the rule let through before it solved the line equations exactly (a hidden
# figure fixed only by combining several lines).
@example(teams=3, quarters=3, sizes=[2, 0, 4, 2, 6, 0, 0, 4, 0, 0, 0, 0])
@example(teams=3, quarters=3, sizes=[2, 0, 2, 5, 4, 2, 4, 0, 0, 0, 0, 0])
@given(
    teams=st.integers(1, 4),
    quarters=st.integers(1, 3),
    sizes=st.lists(st.integers(0, 6), min_size=12, max_size=12),
)
def test_no_small_hidden_figure_is_determined_by_the_shown_ones(
    teams: int, quarters: int, sizes: list[int]
) -> None:
    cells: dict[object, Figure] = {}
    n = 0
    for t in range(teams):
        for q in range(quarters):
            size = sizes[t * quarters + q]
            cells[(t, q)] = Figure({f"h{n + k}": D(100 + n + k) for k in range(size)})
            n += size
    figures: dict[object, Figure] = dict(cells)
    for t in range(teams):
        figures[("T", t)] = combine(cells[(t, q)] for q in range(quarters))
    for q in range(quarters):
        figures[("Q", q)] = combine(cells[(t, q)] for t in range(teams))
    figures["all"] = combine(cells.values())
    lines: list[tuple[list[object], object]] = [
        ([(t, q) for q in range(quarters)], ("T", t)) for t in range(teams)
    ]
    lines += [([(t, q) for t in range(teams)], ("Q", q)) for q in range(quarters)]
    lines += [
        ([("T", t) for t in range(teams)], "all"),
        ([("Q", q) for q in range(quarters)], "all"),
    ]
    hidden = suppressed(figures, lines, 5)
    assert {k for k, f in figures.items() if too_small(f, 5)} <= hidden
    secret = sorted(hidden, key=str)
    for x in secret:
        if too_small(figures[x], 5):
            assert not _determined(secret, lines, x), (x, sorted(map(str, hidden)))
