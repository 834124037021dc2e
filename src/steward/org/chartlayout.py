"""Layout of the org chart as boxes and lines (pure: plain data in, coordinates out).

The tree is drawn top-down while a node's children have children of their own; a node whose
visible children are all leaves (a manager and their team) stacks them in one column under
itself, so a chart of hundreds of people stays about as wide as its number of managers rather
than its number of people. A node is drawn collapsed (its children hidden, their count shown)
unless `expanded(node_id, depth)` says otherwise.

For print (`max_width`), the chart flows by subtree so it fits the page at its screen size
rather than shrinking: a node whose children's subtrees side by side are wider than the page
puts them in rows under itself, indented, joined by a rail down its left; roots flow in rows too.
With `v_gap=PRINT_V_GAP` every box's top falls on the same 56-unit pitch (a box and its stacking
gap), so `page_cuts` can cut the drawing into pages between two rows of boxes, never through one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

BOX_W = 200
BOX_H = 48
H_GAP = 20
V_GAP = 40
STACK_INDENT = 24
STACK_GAP = 8
MARGIN = 12
PITCH = BOX_H + STACK_GAP  # a stacked box and the gap under it
PRINT_V_GAP = 2 * PITCH - BOX_H  # a box and the gap under it take two pitches
NAME_CHARS = 22
SUB_CHARS = 27
# The default view opens two levels unless that draws more boxes than this; then one.
DEFAULT_LEVELS = 2
DEFAULT_BOX_BUDGET = 200


@dataclass(frozen=True)
class ChartNode:
    """One box: `parent` is None for a root; `kind` is person, team, department or root."""

    id: str
    parent: str | None
    name: str
    subtitle: str = ""
    href: str = ""
    kind: str = "person"


@dataclass
class Box:
    """A placed node: top-left corner, its descendants' count and whether they are hidden."""

    node: ChartNode
    x: float
    y: float
    depth: int
    children: int
    descendants: int
    collapsed: bool
    name_text: str = ""
    sub_text: str = ""
    toggle_url: str = ""  # set by the view: the URL that opens or closes this subtree

    @property
    def cx(self) -> float:
        return self.x + BOX_W / 2

    @property
    def bottom(self) -> float:
        return self.y + BOX_H


@dataclass
class Layout:
    """Every visible box, the connector paths (SVG path data) and the drawing's size."""

    boxes: list[Box] = field(default_factory=list)
    edges: list[str] = field(default_factory=list)
    edge_spans: list[tuple[float, float]] = field(default_factory=list)  # each edge's top, bottom
    width: float = 0
    height: float = 0
    box_w: int = BOX_W
    box_h: int = BOX_H


def default_levels(nodes: Sequence[ChartNode], budget: int | None = None) -> int:
    """How many levels the chart opens by default: nodes at a depth below it show their
    children. Two, unless the boxes down to the third level (depth 2) outnumber `budget`;
    then one (the roots and their children), so that the first view of a large organization
    draws the top of the tree, not every person (a 2,000-person company would be 1,900 boxes
    and megabytes of SVG); each box's toggle still opens its subtree. `budget`: default
    `DEFAULT_BOX_BUDGET`."""
    ids = {n.id for n in nodes}
    kids: dict[str | None, list[str]] = {}
    for n in nodes:
        kids.setdefault(n.parent if n.parent in ids else None, []).append(n.id)
    level = kids.get(None, [])
    shown = len(level)
    for _ in range(DEFAULT_LEVELS):
        level = [child for node_id in level for child in kids.get(node_id, [])]
        shown += len(level)
    return DEFAULT_LEVELS if shown <= (DEFAULT_BOX_BUDGET if budget is None else budget) else 1


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def layout(
    nodes: Sequence[ChartNode],
    expanded: Callable[[str, int], bool] = lambda _id, d: d < 2,
    *,
    max_width: float | None = None,
    v_gap: float = V_GAP,
) -> Layout:
    """Place `nodes` (in the order given, which orders siblings) and draw their connectors;
    with `max_width`, the drawing (margins included) is no wider than that."""
    ids = {n.id for n in nodes}
    kids: dict[str | None, list[ChartNode]] = {}
    for n in nodes:
        parent = n.parent if n.parent in ids else None
        kids.setdefault(parent, []).append(n)

    count_cache: dict[str, int] = {}

    def descendants(node_id: str) -> int:
        if node_id not in count_cache:
            count_cache[node_id] = sum(1 + descendants(c.id) for c in kids.get(node_id, []))
        return count_cache[node_id]

    def visible_children(node: ChartNode, depth: int) -> list[ChartNode]:
        children = kids.get(node.id, [])
        return children if children and expanded(node.id, depth) else []

    def flow(widths: Sequence[float], avail: float) -> list[list[int]]:
        """Indexes of `widths` in rows no wider than `avail` (at least one per row)."""
        rows: list[list[int]] = [[]]
        used = 0.0
        for i, w in enumerate(widths):
            if rows[-1] and used + H_GAP + w > avail:
                rows.append([])
                used = 0.0
            used += (H_GAP if rows[-1] else 0) + w
            rows[-1].append(i)
        return rows

    # (width, height, mode, rows): mode is leaf, stacked, tree or rows (children in `rows`).
    Size = tuple[float, float, str, list[list[int]]]
    size_cache: dict[tuple[str, float | None], Size] = {}

    def measure(node: ChartNode, depth: int, avail: float | None) -> Size:
        """The node's visible subtree, no wider than `avail` when one is given."""
        key = (node.id, avail)
        if key in size_cache:
            return size_cache[key]
        children = visible_children(node, depth)
        result: Size
        if not children:
            result = (float(BOX_W), float(BOX_H), "leaf", [])
        elif all(not visible_children(c, depth + 1) for c in children):
            stack = BOX_H + len(children) * (BOX_H + STACK_GAP)
            result = (float(BOX_W + STACK_INDENT), float(stack), "stacked", [])
        else:
            sizes = [measure(c, depth + 1, avail) for c in children]
            spread = sum(w for w, *_ in sizes) + H_GAP * (len(children) - 1)
            if avail is None or spread <= avail:
                tall = BOX_H + v_gap + max(h for _, h, *_ in sizes)
                result = (float(max(BOX_W, spread)), float(tall), "tree", [])
            else:
                inner = avail - STACK_INDENT
                sizes = [measure(c, depth + 1, inner) for c in children]
                rows = flow([w for w, *_ in sizes], inner)
                widths = [sum(sizes[i][0] for i in row) + H_GAP * (len(row) - 1) for row in rows]
                heights = [max(sizes[i][1] for i in row) for row in rows]
                tall = BOX_H + sum(v_gap + h for h in heights)
                result = (float(max(BOX_W, STACK_INDENT + max(widths))), tall, "rows", rows)
        size_cache[key] = result
        return result

    out = Layout()

    def edge(d: str, top: float, bottom: float) -> None:
        out.edges.append(d)
        out.edge_spans.append((top, bottom))

    def place(node: ChartNode, x: float, y: float, depth: int, avail: float | None) -> None:
        width, _height, mode, rows = measure(node, depth, avail)
        children = visible_children(node, depth)
        box_x = x + (width - BOX_W) / 2 if mode == "tree" else x
        box = Box(
            node=node,
            x=box_x,
            y=y,
            depth=depth,
            children=len(kids.get(node.id, [])),
            descendants=descendants(node.id),
            collapsed=bool(kids.get(node.id)) and not children,
            name_text=_clip(node.name, NAME_CHARS),
            sub_text=_clip(node.subtitle, SUB_CHARS),
        )
        out.boxes.append(box)
        if not children:
            return
        if mode == "stacked":
            rail = box_x + STACK_INDENT / 2
            for i, child in enumerate(children):
                cy = y + BOX_H + STACK_GAP + i * (BOX_H + STACK_GAP)
                place(child, box_x + STACK_INDENT, cy, depth + 1, avail)
                mid_y = cy + BOX_H / 2
                edge(
                    f"M{rail:.1f},{box.bottom:.1f} V{mid_y:.1f} H{box_x + STACK_INDENT:.1f}",
                    box.bottom,
                    mid_y,
                )
            return

        def target(child: ChartNode, cx: float, cw: float, c_mode: str) -> float:
            # The child's box sits at the left of its subtree unless that is a tree.
            return (cx + (cw - BOX_W) / 2 if c_mode == "tree" else cx) + BOX_W / 2

        if mode == "rows":
            inner = (avail or 0) - STACK_INDENT
            rail = box_x + STACK_INDENT / 2
            row_y = y + BOX_H + v_gap
            for row in rows:
                sizes = [measure(children[i], depth + 1, inner) for i in row]
                bus = row_y - v_gap / 2
                cx = box_x + STACK_INDENT
                for i, (cw, _ch, c_mode, _r) in zip(row, sizes, strict=True):
                    place(children[i], cx, row_y, depth + 1, inner)
                    tx = target(children[i], cx, cw, c_mode)
                    edge(
                        f"M{rail:.1f},{box.bottom:.1f} V{bus:.1f} H{tx:.1f} V{row_y:.1f}",
                        box.bottom,
                        row_y,
                    )
                    cx += cw + H_GAP
                row_y += max(h for _w, h, *_ in sizes) + v_gap
            return
        sizes = [measure(c, depth + 1, avail) for c in children]
        total = sum(w for w, *_ in sizes) + H_GAP * (len(children) - 1)
        cx = x + (width - total) / 2
        child_y = y + BOX_H + v_gap
        mid = box.bottom + v_gap / 2
        for child, (cw, _ch, c_mode, _r) in zip(children, sizes, strict=True):
            place(child, cx, child_y, depth + 1, avail)
            tx = target(child, cx, cw, c_mode)
            edge(
                f"M{box.cx:.1f},{box.bottom:.1f} V{mid:.1f} H{tx:.1f} V{child_y:.1f}",
                box.bottom,
                child_y,
            )
            cx += cw + H_GAP

    roots = kids.get(None, [])
    # Room on the right for the last column's open/close button, which straddles its box.
    avail = None if max_width is None else max_width - 2 * MARGIN - 20
    sizes = [measure(root, 0, avail) for root in roots]
    root_rows = [list(range(len(roots)))] if avail is None else flow([w for w, *_ in sizes], avail)
    y = float(MARGIN)
    right = float(MARGIN)
    for row in root_rows:
        x = float(MARGIN)
        for i in row:
            place(roots[i], x, y, 0, avail)
            x += sizes[i][0] + H_GAP
        right = max(right, x - H_GAP)
        row_h = max((sizes[i][1] for i in row), default=0.0)
        out.height = max(out.height, y + row_h + MARGIN)
        y += row_h + v_gap
    out.width = max(right + MARGIN + 20, float(BOX_W + 2 * MARGIN))
    return out


def page_cuts(drawing: Layout, first: float, rest: float) -> list[tuple[float, float]]:
    """(top, height) of each page of a drawing laid out with `v_gap=PRINT_V_GAP`: the first
    page `first` units tall at most, the others `rest`; every cut falls in the stacking gap
    between two rows of boxes (half way down it), so no box is cut."""
    pages: list[tuple[float, float]] = []
    top = 0.0
    limit = first
    while top < drawing.height:
        if top + limit >= drawing.height:
            pages.append((top, drawing.height - top))
            break
        # The last gap above the page's foot: box tops sit at MARGIN + k * PITCH.
        k = math.floor((top + limit - MARGIN + STACK_GAP / 2) / PITCH)
        cut = MARGIN + k * PITCH - STACK_GAP / 2
        if cut <= top:  # a page shorter than a box: cut where the page ends
            cut = top + limit
        pages.append((top, cut - top))
        top = cut
        limit = rest
    return pages
