"""The radar drawn on the server as SVG: rings as circles, quadrants as equal sectors, numbered
blips (the numbers match the table beside it), each a link to its technology. No JavaScript.

Blip placement is deterministic: the blips of one quadrant and ring are spread evenly over the
sector's angle, alternating between two radii inside the ring's band, so the same radar always
draws the same picture (and prints the same).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from django.utils.html import escape

SIZE = 640
CENTRE = SIZE / 2
RADIUS = 290
# Grey scale that prints; the ring colours from the radar's configuration win when set.
DEFAULT_FILLS = ("#e8eef3", "#eef2f5", "#f3f6f8", "#f8fafb", "#fbfcfd", "#fdfdfe")
MOVE_SHAPES = {"new": "new", "in": "in", "out": "out", "unchanged": "same"}


def _point(angle: float, radius: float) -> tuple[float, float]:
    return CENTRE + radius * math.cos(angle), CENTRE + radius * math.sin(angle)


def _shape(kind: str, x: float, y: float) -> str:
    if kind == "in":  # a triangle pointing to the centre is hard to read small: point up
        return (
            f'<path d="M{x:.1f},{y - 9:.1f} L{x + 8:.1f},{y + 6:.1f} L{x - 8:.1f},{y + 6:.1f} Z"/>'
        )
    if kind == "out":
        return (
            f'<path d="M{x:.1f},{y + 9:.1f} L{x + 8:.1f},{y - 6:.1f} L{x - 8:.1f},{y - 6:.1f} Z"/>'
        )
    if kind == "new":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" stroke-width="3" stroke="#1d4e6b"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8"/>'


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
    band = RADIUS / n_r
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" role="img" '
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
            f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{band * (index + 1):.1f}" '
            f'fill="{escape(fill)}" fill-opacity="0.35" stroke="#9aa7b1" stroke-width="1"/>'
        )
    for index, ring in enumerate(rings):
        parts.append(
            f'<text x="{CENTRE + 4:.1f}" y="{CENTRE - band * index - band / 2 + 4:.1f}" '
            f'font-size="11" font-weight="bold" fill="#4a5a66">{escape(ring.name)}</text>'
        )
    # Quadrant 0 starts at 12 o'clock and they run clockwise (display order).
    span = 2 * math.pi / n_q
    start = -math.pi / 2
    for index, quadrant in enumerate(quadrants):
        a = start + index * span
        x, y = _point(a, RADIUS)
        parts.append(
            f'<line x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1f}" y2="{y:.1f}" stroke="#5f6f7a" '
            'stroke-width="1.5"/>'
        )
        lx, ly = _point(a + span / 2, RADIUS + 14)
        anchor = "start" if lx > CENTRE + 5 else "end" if lx < CENTRE - 5 else "middle"
        parts.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="13" font-weight="bold" '
            f'text-anchor="{anchor}" fill="#1f2d36">{escape(quadrant.name)}</text>'
        )
    q_index = {q.pk: i for i, q in enumerate(quadrants)}
    r_index = {r.pk: i for i, r in enumerate(rings)}
    cells: dict[tuple[int, int], list[int]] = {}
    for number, blip in enumerate(blips, start=1):
        cells.setdefault((q_index[blip.quadrant.pk], r_index[blip.ring.pk]), []).append(number)
    parts.append('<g fill="#1d4e6b" font-family="sans-serif">')
    for (qi, ri), numbers in sorted(cells.items()):
        inner, outer = band * ri + 12, band * (ri + 1) - 12
        pad = min(0.12, span / 8)
        for k, number in enumerate(numbers):
            blip = blips[number - 1]
            a = start + qi * span + pad + (span - 2 * pad) * (k + 0.5) / len(numbers)
            r = inner + (outer - inner) * (0.3 if k % 2 == 0 else 0.75) if outer > inner else inner
            x, y = _point(a, r)
            label = f"{number}. {blip.technology.name}: {blip.ring.name}"
            parts.append(
                f'<a href="{escape(url(blip))}"><title>{escape(label)}</title>'
                f"{_shape(blip.moved, x, y)}"
                f'<text x="{x:.1f}" y="{y + 3.5:.1f}" font-size="9" text-anchor="middle" '
                f'fill="#ffffff">{number}</text></a>'
            )
    parts.append("</g></svg>")
    return "".join(parts)
