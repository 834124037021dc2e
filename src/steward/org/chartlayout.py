"""Layout of the org chart as boxes and lines (pure: plain data in, coordinates out).

The tree is drawn top-down while a node's children have children of their own; a node whose
visible children are all leaves (a manager and their team) stacks them in one column under
itself, so a chart of hundreds of people stays about as wide as its number of managers rather
than its number of people. A node is drawn collapsed (its children hidden, their count shown)
unless `expanded(node_id, depth)` says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

BOX_W = 200
BOX_H = 48
H_GAP = 20
V_GAP = 40
STACK_INDENT = 24
STACK_GAP = 8
MARGIN = 12
NAME_CHARS = 22
SUB_CHARS = 27


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
    width: float = 0
    height: float = 0
    box_w: int = BOX_W
    box_h: int = BOX_H


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def layout(
    nodes: Sequence[ChartNode], expanded: Callable[[str, int], bool] = lambda _id, d: d < 2
) -> Layout:
    """Place `nodes` (in the order given, which orders siblings) and draw their connectors."""
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

    size_cache: dict[str, tuple[float, float, bool]] = {}

    def measure(node: ChartNode, depth: int) -> tuple[float, float, bool]:
        """(width, height, stacked) of the node's visible subtree."""
        if node.id in size_cache:
            return size_cache[node.id]
        children = visible_children(node, depth)
        if not children:
            result = (float(BOX_W), float(BOX_H), False)
        elif all(not visible_children(c, depth + 1) for c in children):
            stack = BOX_H + len(children) * (BOX_H + STACK_GAP)
            result = (float(BOX_W + STACK_INDENT), float(stack), True)
        else:
            sizes = [measure(c, depth + 1) for c in children]
            spread = sum(w for w, _, _ in sizes) + H_GAP * (len(children) - 1)
            tall = BOX_H + V_GAP + max(h for _, h, _ in sizes)
            result = (float(max(BOX_W, spread)), float(tall), False)
        size_cache[node.id] = result
        return result

    out = Layout()

    def place(node: ChartNode, x: float, y: float, depth: int) -> None:
        width, _height, stacked = measure(node, depth)
        children = visible_children(node, depth)
        box_x = x if stacked or not children else x + (width - BOX_W) / 2
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
        if stacked:
            rail = box_x + STACK_INDENT / 2
            for i, child in enumerate(children):
                cy = y + BOX_H + STACK_GAP + i * (BOX_H + STACK_GAP)
                place(child, box_x + STACK_INDENT, cy, depth + 1)
                mid_y = cy + BOX_H / 2
                out.edges.append(
                    f"M{rail:.1f},{box.bottom:.1f} V{mid_y:.1f} H{box_x + STACK_INDENT:.1f}"
                )
            return
        sizes = [measure(c, depth + 1) for c in children]
        total = sum(w for w, _, _ in sizes) + H_GAP * (len(children) - 1)
        cx = x + (width - total) / 2
        child_y = y + BOX_H + V_GAP
        mid = box.bottom + V_GAP / 2
        for child, (cw, _ch, c_stacked) in zip(children, sizes, strict=True):
            place(child, cx, child_y, depth + 1)
            # The child's box sits at the left of a stacked subtree, else centred over it.
            leaf = c_stacked or not visible_children(child, depth + 1)
            target_x = (cx if leaf else cx + (cw - BOX_W) / 2) + BOX_W / 2
            out.edges.append(
                f"M{box.cx:.1f},{box.bottom:.1f} V{mid:.1f} H{target_x:.1f} V{child_y:.1f}"
            )
            cx += cw + H_GAP

    roots = kids.get(None, [])
    x = float(MARGIN)
    for root in roots:
        w, h, _ = measure(root, 0)
        place(root, x, float(MARGIN), 0)
        x += w + H_GAP
        out.height = max(out.height, h + 2 * MARGIN)
    # Room on the right for the last column's open/close button, which straddles its box.
    out.width = max(x - H_GAP + MARGIN + 20, float(BOX_W + 2 * MARGIN))
    return out
