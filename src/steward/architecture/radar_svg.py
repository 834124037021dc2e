"""The radar drawn on the server as SVG: rings as circles, quadrants as equal sectors, numbered
blips (the numbers match the table beside it), each a link to its technology. No JavaScript.

Blip placement is deterministic: the blips of one quadrant and ring are spread evenly over the
sector's angle in rows (`cell_positions`), so the same radar always draws the same picture (and
prints the same). The innermost ring is half again as wide as the others: it holds the most blips
in the least room.

Sizes (issue 9 item 6, text 11 px or more): the drawing is 688 units wide and is shown at 640 px
or more on screen and at the A4 page's printable width (703 px) in print, so its smallest text
(12 units: blip numbers and ring names) reads at 11 px or more. Quadrant names sit in the bands
above and below the circle (their corners for four quadrants), never beside it, so the circle
takes the drawing's whole width.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from django.utils.html import escape

RADIUS = 340
BAND = 28  # the band above and below the circle that holds the quadrant names
WIDTH, HEIGHT = 2 * RADIUS + 8, 2 * RADIUS + 2 * BAND
CX, CY = WIDTH / 2, HEIGHT / 2
BLIP_R = 10  # a blip's radius: a two-digit number at 12 units fits inside
BLIP = 22  # room one blip needs along an arc and between rows: its diameter and a 2-unit gap
FONT = 12  # blip numbers and ring names; quadrant names are 14
# Grey scale that prints; the ring colours from the radar's configuration win when set.
DEFAULT_FILLS = ("#e8eef3", "#eef2f5", "#f3f6f8", "#f8fafb", "#fbfcfd", "#fdfdfe")
MOVE_SHAPES = {"new": "new", "in": "in", "out": "out", "unchanged": "same"}


def _point(angle: float, radius: float) -> tuple[float, float]:
    return CX + radius * math.cos(angle), CY + radius * math.sin(angle)


def cell_positions(
    count: int, start: float, span: float, inner: float, outer: float
) -> list[tuple[float, float]]:
    """(angle, radius) for `count` blips in one quadrant-ring cell: rows of arcs BLIP apart,
    each row holding what fits along its arc (BLIP px per blip), blips spread evenly in a row;
    rows fill in proportion to their room, the rest going where most room is left (an overfull
    cell packs tighter rather than spill)."""
    if count == 0:
        return []
    radii = []
    r = max(inner + BLIP / 2 + 2, BLIP + 4)
    while r <= outer - BLIP / 2 - 2:
        radii.append(r)
        r += BLIP
    radii = radii or [(inner + outer) / 2]
    pads = [min(span / 4, (BLIP_R + 4) / max(r, 1)) for r in radii]
    rooms = [max(1, int(r * (span - 2 * p) // BLIP)) for r, p in zip(radii, pads, strict=True)]
    total = sum(rooms)
    counts = [min(room, count * room // total) for room in rooms]
    while sum(counts) < count:
        # The rest go to the row with the most room left, the outer first on a tie: a few blips
        # spread along one arc rather than line up, one a row, at the same angle.
        index = max(range(len(rooms)), key=lambda i: (rooms[i] - counts[i], i))
        counts[index] += 1
    positions = []
    for r, p, n in zip(radii, pads, counts, strict=True):
        for k in range(n):
            positions.append((start + p + (span - 2 * p) * (k + 0.5) / n, r))
    return positions


def _shape(kind: str, x: float, y: float) -> str:
    r = BLIP_R
    if kind == "in":  # a triangle pointing to the centre is hard to read small: point up
        return (
            f'<path d="M{x:.1f},{y - r - 2:.1f} L{x + r + 2:.1f},{y + r - 1:.1f} '
            f'L{x - r - 2:.1f},{y + r - 1:.1f} Z"/>'
        )
    if kind == "out":
        return (
            f'<path d="M{x:.1f},{y + r + 2:.1f} L{x + r + 2:.1f},{y - r + 1:.1f} '
            f'L{x - r - 2:.1f},{y - r + 1:.1f} Z"/>'
        )
    if kind == "new":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" stroke-width="3" stroke="#1d4e6b"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}"/>'


def _label_place(angle: float, stacked: dict[tuple[str, bool], int]) -> tuple[float, float, str]:
    """Where a quadrant's name goes: the band above the circle for a quadrant in its upper
    half, below for the lower half; at the left or right end (or the middle) as the quadrant
    leans. Names sharing a place stack away from the circle's edge."""
    dx, dy = math.cos(angle), math.sin(angle)
    anchor = "end" if dx > 0.2 else "start" if dx < -0.2 else "middle"
    x = {"end": WIDTH - 2, "start": 2.0, "middle": CX}[anchor]
    top = dy < 0
    line = stacked.get((anchor, top), 0)
    stacked[(anchor, top)] = line + 1
    y = 18 + line * 17 if top else HEIGHT - 8 - line * 17
    return x, y, anchor


def radar_svg(
    quadrants: Sequence[Any],
    rings: Sequence[Any],
    blips: Sequence[Any],
    *,
    url: Callable[[Any], str],
    title: str,
) -> str:
    """The SVG document: `blips` (selectors.Blip, in table order) are numbered from 1."""
    n_q = max(len(quadrants), 1)
    n_r = max(len(rings), 1)
    # Outer edge of ring i: the innermost ring takes 1.5 shares, each other ring 1.
    edges = [0.0] + [RADIUS * (i + 1.5) / (n_r + 0.5) for i in range(n_r)]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="radar-chart" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    for index in reversed(range(n_r)):
        ring = rings[index] if index < len(rings) else None
        fill = (ring.color if ring is not None and ring.color else "") or DEFAULT_FILLS[
            min(index, len(DEFAULT_FILLS) - 1)
        ]
        parts.append(
            f'<circle cx="{CX}" cy="{CY}" r="{edges[index + 1]:.1f}" '
            f'fill="{escape(fill)}" fill-opacity="0.35" stroke="#9aa7b1" stroke-width="1"/>'
        )
    for index, ring in enumerate(rings):
        parts.append(
            f'<text x="{CX:.1f}" y="{CY - edges[index + 1] + 15:.1f}" text-anchor="middle" '
            f'font-size="{FONT}" font-weight="bold" fill="#4a5a66" stroke="#ffffff" '
            'stroke-width="3" '
            f'paint-order="stroke">{escape(ring.name)}</text>'
        )
    # Quadrant 0 starts at 12 o'clock and they run clockwise (display order).
    span = 2 * math.pi / n_q
    start = -math.pi / 2
    stacked: dict[tuple[str, bool], int] = {}
    for index, quadrant in enumerate(quadrants):
        a = start + index * span
        x, y = _point(a, RADIUS)
        parts.append(
            f'<line x1="{CX}" y1="{CY}" x2="{x:.1f}" y2="{y:.1f}" stroke="#5f6f7a" '
            'stroke-width="1.5"/>'
        )
        lx, ly, anchor = _label_place(a + span / 2, stacked)
        parts.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="14" font-weight="bold" '
            f'text-anchor="{anchor}" fill="#1f2d36">{escape(quadrant.name)}</text>'
        )
    q_index = {q.pk: i for i, q in enumerate(quadrants)}
    r_index = {r.pk: i for i, r in enumerate(rings)}
    cells: dict[tuple[int, int], list[int]] = {}
    for number, blip in enumerate(blips, start=1):
        cells.setdefault((q_index[blip.quadrant.pk], r_index[blip.ring.pk]), []).append(number)
    parts.append('<g fill="#1d4e6b" font-family="sans-serif">')
    for (qi, ri), numbers in sorted(cells.items()):
        places = cell_positions(len(numbers), start + qi * span, span, edges[ri], edges[ri + 1])
        for number, (a, r) in zip(numbers, places, strict=True):
            blip = blips[number - 1]
            x, y = _point(a, r)
            label = f"{number}. {blip.technology.name}: {blip.ring.name}"
            parts.append(
                f'<a href="{escape(url(blip))}"><title>{escape(label)}</title>'
                f"{_shape(blip.moved, x, y)}"
                f'<text x="{x:.1f}" y="{y + 4.2:.1f}" font-size="{FONT}" font-weight="bold" '
                f'text-anchor="middle" '
                f'fill="#ffffff">{number}</text></a>'
            )
    parts.append("</g></svg>")
    return "".join(parts)
