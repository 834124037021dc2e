"""The org chart layout (pure): every visible box placed once, no two boxes overlap, every
visible child joined to its parent by one connector, collapsed subtrees counted not drawn."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from steward.org.chartlayout import (
    BOX_H,
    BOX_W,
    DEFAULT_BOX_BUDGET,
    MARGIN,
    PITCH,
    PRINT_V_GAP,
    ChartNode,
    default_levels,
    layout,
    page_cuts,
)


def _tree(parents: list[int]) -> list[ChartNode]:
    """Node i's parent is parents[i-1] (< i); node 0 is the root."""
    nodes = [ChartNode(id="n0", parent=None, name="Root")]
    for i, parent in enumerate(parents, start=1):
        nodes.append(ChartNode(id=f"n{i}", parent=f"n{parent}", name=f"Person {i}"))
    return nodes


def _overlap(a, b) -> bool:  # type: ignore[no-untyped-def]
    return a.x < b.x + BOX_W and b.x < a.x + BOX_W and a.y < b.y + BOX_H and b.y < a.y + BOX_H


trees = st.integers(min_value=0, max_value=60).flatmap(
    lambda n: st.tuples(*[st.integers(min_value=0, max_value=i) for i in range(n)])
)


@settings(max_examples=150, deadline=None)
@given(parents=trees, depth=st.integers(min_value=0, max_value=5))
def test_boxes_never_overlap_and_each_visible_child_has_a_connector(parents, depth) -> None:  # type: ignore[no-untyped-def]
    nodes = _tree(list(parents))
    drawing = layout(nodes, lambda _id, d: d < depth)
    ids = [b.node.id for b in drawing.boxes]
    assert len(ids) == len(set(ids))
    for a, b in itertools.combinations(drawing.boxes, 2):
        assert not _overlap(a, b), (a.node.id, b.node.id)
    for box in drawing.boxes:
        assert box.x >= 0 and box.x + BOX_W <= drawing.width
        assert box.y >= 0 and box.y + BOX_H <= drawing.height
    # Independently: a node is shown when every ancestor is expanded (depth < `depth`).
    parent_of = {n.id: n.parent for n in nodes}

    def node_depth(node_id: str) -> int:
        d = 0
        while parent_of[node_id] is not None:
            node_id = parent_of[node_id]  # type: ignore[assignment]
            d += 1
        return d

    expected = {n.id for n in nodes if node_depth(n.id) <= depth}
    assert set(ids) == expected
    assert len(drawing.edges) == len(expected) - 1


def test_collapsed_node_counts_everyone_below_it() -> None:
    # root -> a -> (b -> (c, d), e)
    nodes = [
        ChartNode("root", None, "Root"),
        ChartNode("a", "root", "A"),
        ChartNode("b", "a", "B"),
        ChartNode("c", "b", "C"),
        ChartNode("d", "b", "D"),
        ChartNode("e", "a", "E"),
    ]
    drawing = layout(nodes, lambda node_id, _d: node_id == "root")
    boxes = {b.node.id: b for b in drawing.boxes}
    assert set(boxes) == {"root", "a"}
    assert boxes["a"].collapsed and boxes["a"].descendants == 4 and boxes["a"].children == 2
    assert not boxes["root"].collapsed and boxes["root"].descendants == 5


def test_leaves_stack_under_their_manager_and_managers_spread_sideways() -> None:
    nodes = [ChartNode("m", None, "Manager")] + [
        ChartNode(f"r{i}", "m", f"Report {i}") for i in range(5)
    ]
    drawing = layout(nodes, lambda _id, _d: True)
    boxes = {b.node.id: b for b in drawing.boxes}
    xs = {boxes[f"r{i}"].x for i in range(5)}
    assert len(xs) == 1 and xs.pop() > boxes["m"].x  # one indented column
    ys = [boxes[f"r{i}"].y for i in range(5)]
    assert ys == sorted(ys) and ys[0] >= boxes["m"].y + BOX_H
    # Two managers with reports: side by side, the parent centred above them.
    nodes = [ChartNode("top", None, "Top")]
    for m in ("m1", "m2"):
        nodes.append(ChartNode(m, "top", m))
        nodes += [ChartNode(f"{m}r{i}", m, "r") for i in range(3)]
    drawing = layout(nodes, lambda _id, _d: True)
    boxes = {b.node.id: b for b in drawing.boxes}
    assert boxes["m1"].y == boxes["m2"].y and boxes["m1"].x < boxes["m2"].x
    assert boxes["m1"].x <= boxes["top"].x <= boxes["m2"].x


def test_a_parent_outside_the_visible_set_makes_a_root() -> None:
    nodes = [ChartNode("me", "hidden-boss", "Me"), ChartNode("r", "me", "Report")]
    drawing = layout(nodes, lambda _id, _d: True)
    assert {b.node.id for b in drawing.boxes} == {"me", "r"}


def test_long_names_are_clipped_for_the_box() -> None:
    name = "Maximiliana Alexandrovna Papadopoulou-Fitzgerald"
    drawing = layout([ChartNode("x", None, name, subtitle="Principal " * 6)])
    box = drawing.boxes[0]
    assert box.name_text.endswith("…") and len(box.name_text) < len(name)
    assert box.node.name == name


def test_wide_random_org_stays_narrower_than_one_box_per_person() -> None:
    rng = random.Random(7)
    parents = [0] * 8 + [rng.randint(1, 8) for _ in range(150)]
    drawing = layout(_tree(parents), lambda _id, _d: True)
    assert drawing.width < 10 * (BOX_W + 40)


def test_print_layout_flows_children_in_rows_to_the_page_width() -> None:
    # A root over five managers, each with one report: side by side 5 x 224 + 4 x 20 = 1,200
    # units, wider than 700 less margins (656), so they flow in rows of two (2 x 224 + 20 = 468
    # fits in 656 - 24 of indent = 632, three do not) under the root, indented 24 units.
    nodes = [ChartNode(id="root", parent=None, name="Root")]
    for m in range(5):
        nodes.append(ChartNode(id=f"m{m}", parent="root", name=f"Manager {m}"))
        nodes.append(ChartNode(id=f"p{m}", parent=f"m{m}", name=f"Report {m}"))
    drawing = layout(nodes, lambda _id, _d: True, max_width=700, v_gap=PRINT_V_GAP)
    at = {b.node.id: (b.x, b.y) for b in drawing.boxes}
    assert at["root"] == (12, 12)
    # Rows start 48 + 64 below the root, then every 104 (a manager and one report) + 64.
    assert [at[f"m{m}"] for m in range(5)] == [
        (36, 124),
        (280, 124),
        (36, 292),
        (280, 292),
        (36, 460),
    ]
    assert at["p0"] == (60, 180)  # stacked under its manager
    # 12 + (24 + 468) + 12 + 20 units wide; 12 + 48 + 3 x (64 + 104) + 12 tall.
    assert (drawing.width, drawing.height) == (536, 576)
    assert len(drawing.edges) == 10
    # The rail down the root's left (x 24) reaches each row's bus, 32 units above the row.
    assert drawing.edges[5] == "M24.0,60.0 V260.0 H136.0 V292.0"  # root to Manager 2
    assert drawing.edges[4] == "M48.0,340.0 V372.0 H60.0"  # Manager 2 to their report
    # Pages of 300 units: the first cut half way down the gap above the second row (288).
    assert page_cuts(drawing, 300, 300) == [(0, 288), (288, 288)]


@settings(max_examples=100, deadline=None)
@given(parents=trees, depth=st.integers(min_value=0, max_value=5))
def test_print_layout_fits_the_width_and_pages_never_cut_a_box(parents, depth) -> None:  # type: ignore[no-untyped-def]
    nodes = _tree(list(parents))
    drawing = layout(nodes, lambda _id, d: d < depth, max_width=600, v_gap=PRINT_V_GAP)
    assert drawing.width <= 600
    for a, b in itertools.combinations(drawing.boxes, 2):
        assert not _overlap(a, b), (a.node.id, b.node.id)
    assert len(drawing.edges) == len(drawing.boxes) - 1
    assert all((b.y - MARGIN) % PITCH == 0 for b in drawing.boxes)  # one pitch for all
    pages = page_cuts(drawing, 250, 400)
    assert pages[0][1] <= 250 and all(h <= 400 for _t, h in pages[1:])
    assert sum(h for _t, h in pages) == drawing.height
    for box in drawing.boxes:
        inside = [t for t, h in pages if t <= box.y and box.y + BOX_H <= t + h]
        assert len(inside) == 1, box.node.id


def test_default_view_opens_two_levels_unless_they_draw_more_than_the_budget() -> None:
    # Root, 3 managers with 4 reports each: 1 + 3 + 12 = 16 boxes down to depth 2.
    small = _tree([0, 0, 0] + [1 + i % 3 for i in range(12)])
    assert default_levels(small) == 2
    assert default_levels(small, budget=16) == 2
    assert default_levels(small, budget=15) == 1
    # Deeper levels do not count: a chain below the third level leaves two levels open.
    deep = _tree([0, 1, 2, 3, 4, 5])
    assert default_levels(deep, budget=3) == 2
    # 2,000 people under 245 leads under one CEO: the leads are shown, their reports are not.
    leads = [0] * 245
    big = _tree(leads + [1 + i % 245 for i in range(1754)])
    assert len(big) == 2000 and DEFAULT_BOX_BUDGET < 2000
    assert default_levels(big) == 1
    drawing = layout(big, lambda _id, depth: depth < default_levels(big))
    assert len(drawing.boxes) == 246
    assert all(b.collapsed for b in drawing.boxes if b.depth == 1 and b.descendants)
    # Several roots (departments) count together.
    roots = [ChartNode(f"d{i}", None, f"D{i}") for i in range(3)]
    teams = [ChartNode(f"t{i}", f"d{i % 3}", f"T{i}") for i in range(6)]
    assert default_levels(roots + teams, budget=9) == 2
    assert default_levels(roots + teams, budget=8) == 1
