"""The org chart layout (pure): every visible box placed once, no two boxes overlap, every
visible child joined to its parent by one connector, collapsed subtrees counted not drawn."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from steward.org.chartlayout import BOX_H, BOX_W, ChartNode, layout


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
