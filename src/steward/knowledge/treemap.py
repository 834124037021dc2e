"""A squarified treemap (Bruls, Huizing, van Wijk) drawn as a small SVG, no JavaScript."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


@dataclass
class Cell:
    """One rectangle: what it shows, its area value, its colour value (0..1) and a link."""

    label: str
    value: float
    heat: float
    url: str
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0


def _worst(row: Sequence[float], side: float) -> float:
    total = sum(row)
    if total <= 0 or side <= 0:
        return float("inf")
    return max(
        max(side * side * r / (total * total), total * total / (side * side * r)) for r in row
    )


def layout(cells: list[Cell], x: float, y: float, w: float, h: float) -> list[Cell]:
    """Place `cells` (largest first) in the rectangle; areas proportional to `value`."""
    items = [c for c in sorted(cells, key=lambda c: -c.value) if c.value > 0]
    total = sum(c.value for c in items)
    if not items or total <= 0:
        return []
    scale = w * h / total
    areas = [c.value * scale for c in items]
    placed: list[Cell] = []
    i = 0
    while i < len(items):
        side = min(w, h)
        row = [areas[i]]
        j = i + 1
        while j < len(items) and _worst([*row, areas[j]], side) <= _worst(row, side):
            row.append(areas[j])
            j += 1
        row_total = sum(row)
        if w >= h:  # a column on the left
            col_w = row_total / h
            cy = y
            for k, area in enumerate(row):
                cell = items[i + k]
                cell.x, cell.y, cell.w, cell.h = x, cy, col_w, area / col_w
                cy += cell.h
                placed.append(cell)
            x, w = x + col_w, w - col_w
        else:  # a row on the top
            row_h = row_total / w
            cx = x
            for k, area in enumerate(row):
                cell = items[i + k]
                cell.x, cell.y, cell.w, cell.h = cx, y, area / row_h, row_h
                cx += cell.w
                placed.append(cell)
            y, h = y + row_h, h - row_h
        i = j
    return placed


def _colour(heat: float) -> str:
    """Pale yellow (cold) to deep red (hot)."""
    heat = max(0.0, min(1.0, heat))
    r = 255
    g = round(237 - heat * (237 - 60))
    b = round(160 - heat * (160 - 40))
    return f"#{r:02x}{g:02x}{b:02x}"


def svg(cells: list[Cell], width: int = 960, height: int = 420, title: str = "") -> str:
    """The treemap as an SVG element: each cell links to its evidence and has a tooltip."""
    placed = layout(cells, 0, 0, width, height)
    parts = [
        f'<svg class="verbatim" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}">'
    ]
    for c in placed:
        tip = escape(c.label)
        parts.append(
            f'<a href="{escape(c.url)}"><rect x="{c.x:.1f}" y="{c.y:.1f}" width="{c.w:.1f}" '
            f'height="{c.h:.1f}" fill="{_colour(c.heat)}" stroke="#fff"><title>{tip}</title></rect>'
        )
        if c.w > 60 and c.h > 16:
            name = c.label.split("\n", 1)[0]
            shown = name if len(name) * 6.5 < c.w - 6 else "…" + name[-int((c.w - 12) / 6.5) :]
            parts.append(
                f'<text x="{c.x + 4:.1f}" y="{c.y + 13:.1f}" font-size="11" '
                f'fill="#222" pointer-events="none">{escape(shown)}</text>'
            )
        parts.append("</a>")
    parts.append("</svg>")
    return "".join(parts)
