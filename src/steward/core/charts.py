"""Render Vega-Lite chart specs (built with Altair) to SVG on the server, cached.

One renderer for every page and report: no JavaScript bundle, nothing from a CDN. Rendering
costs tens of milliseconds per chart, so the SVG is cached under a digest of the spec: the same
data gives the same spec and is rendered once.

Every chart gets the product's chart style (`CHART_CONFIG`: text at least 11 px, the product's
font and colours) and fits its container: the SVG keeps its viewBox, takes the container's width
(`width="100%"`) and never grows beyond its drawn size, so it shrinks with the page (1,280 px
screens, A4 print) instead of spilling out of it. Size a spec for the container it is drawn in:
`FULL_WIDTH` for the page's main column, `HALF_WIDTH` for a card of a two-column grid.

vl-convert's renderer runs on threads that a forked child does not inherit: once a process has
rendered, a child forked from it (gunicorn's workers after `steward demo` built the demo, which
renders charts, in the same process) would wait for them forever. Such a child renders in a
helper process of its own, started fresh (`core/chart_renderer.py`), instead.

A chart drawn wider than an A4 page would print its text under 11 px once shrunk to the page
(a 1,200 px chart on a 672 px page prints 12 px labels at 6.7 px). Such a chart gets a second
drawing for print, with its fonts enlarged so that they print at 11 px or more; the screen
shows the first (`svg.vega`), print the second (`svg.vega-print`, see steward.css and
print.css).

Two caches, both in Django's cache for `CACHE_SECONDS`: `spec_svg` keeps each SVG under a digest
of its spec, and `kept_svg` keeps a chart's SVG under a digest of its inputs, for an app whose
specs cost more to build than to look up (Altair takes tens of milliseconds per chart before the
spec exists): the same figures then draw the same chart without building the spec.

Each app builds its specs in one module, `<app>/charts.py`, and renders them here.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from typing import Any

import vl_convert
from django.core.cache import cache

from steward.core import chart_renderer

CACHE_SECONDS = 24 * 60 * 60

# Drawing widths (px) of the plot area for the two usual containers at a 1,280 px screen.
FULL_WIDTH = 1000
HALF_WIDTH = 480

MIN_FONT_PX = 11
# The width (px) of a chart on an A4 page: 186 mm between print.css's 12 mm side margins at
# 96 px per inch (703 px), less a card's padding.
PRINT_WIDTH = 672
FONT = "sans-serif"  # what the renderer measures with is what the browser draws with

CHART_CONFIG: dict[str, Any] = {
    "font": FONT,
    "background": "white",
    "view": {"stroke": None},
    "axis": {
        "labelFontSize": 12,
        "titleFontSize": 12,
        "titleFontWeight": 600,
        "labelColor": "#343a40",
        "titleColor": "#343a40",
        "gridColor": "#e9ecef",
        "labelLimit": 220,
        "labelOverlap": "greedy",
        "labelSeparation": 8,
    },
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 220},
    "title": {"fontSize": 14, "anchor": "start", "fontWeight": 600},
    "text": {"fontSize": 12},
    "header": {"labelFontSize": 12, "titleFontSize": 12},
    "range": {
        "category": [
            "#1f5fa8",
            "#e07b39",
            "#2e8b57",
            "#b3261e",
            "#7b5ea7",
            "#8c6d31",
            "#d16ba5",
            "#5d6875",
            "#17a2b8",
            "#bcbd22",
        ]
    },
}

_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")
_ATTR = re.compile(r'\s(width|height)="([\d.]+)"')
_FONT_SIZE = re.compile(r'font-size="([\d.]+)(?:px)?"')


def _with_style(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with the product's chart config under its own (the spec's settings win)."""
    config = json.loads(json.dumps(CHART_CONFIG))
    for key, value in (spec.get("config") or {}).items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key].update(value)
        else:
            config[key] = value
    return {**spec, "config": config}


def responsive(svg: str) -> str:
    """Make a rendered SVG fill its container's width, at most its drawn width, keeping its
    aspect ratio through the viewBox."""
    match = _SVG_OPEN.search(svg)
    if match is None:
        return svg
    attrs = match.group(1)
    size = dict(_ATTR.findall(attrs))
    width, height = size.get("width"), size.get("height")
    if width is None or height is None:
        return svg
    attrs = _ATTR.sub("", attrs)
    if "viewBox" not in attrs:
        attrs += f' viewBox="0 0 {width} {height}"'
    attrs = attrs.replace('class="marks"', 'class="marks vega"')
    attrs += (
        f' width="100%" preserveAspectRatio="xMinYMin meet" role="img"'
        f' style="max-width:{width}px;height:auto;display:block"'
    )
    return svg[: match.start()] + f"<svg{attrs}>" + svg[match.end() :]


# The process whose vl-convert renderer is live (None: no render yet in this process's line).
_renderer_pid: int | None = None


def render_svg(text: str) -> str:
    """vl-convert's SVG of a Vega-Lite spec's JSON text, safe in a forked child."""
    global _renderer_pid
    pid = os.getpid()
    if _renderer_pid is None or _renderer_pid == pid:
        _renderer_pid = pid
        return str(vl_convert.vegalite_to_svg(text))
    return chart_renderer.render(text)


def _scaled_fonts(node: Any, factor: float) -> Any:
    """`node` (a spec or part of one) with every font size, and the label widths that go with
    them, multiplied by `factor`."""
    if isinstance(node, dict):
        return {
            key: round(value * factor, 1)
            if isinstance(value, int | float)
            and not isinstance(value, bool)
            and (key.lower().endswith("fontsize") or key in ("labelLimit", "titleLimit"))
            else _scaled_fonts(value, factor)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_scaled_fonts(value, factor) for value in node]
    return node


def _render(styled: dict[str, Any]) -> tuple[str, float, float]:
    """The SVG of a styled spec, its drawn width and its smallest font size (px)."""
    svg = render_svg(json.dumps(styled, sort_keys=True, default=str))
    match = _SVG_OPEN.search(svg)
    size = dict(_ATTR.findall(match.group(1))) if match else {}
    width = float(size.get("width") or 0)
    sizes = [float(found) for found in _FONT_SIZE.findall(svg)]
    return svg, width, min(sizes, default=float(MIN_FONT_PX))


def _prints_small(width: float, smallest: float) -> bool:
    return width > PRINT_WIDTH and smallest * PRINT_WIDTH / width < MIN_FONT_PX


def _print_drawing(styled: dict[str, Any], width: float, smallest: float) -> str:
    """The chart drawn again with fonts large enough to print at 11 px or more on an A4 page
    ("" when the screen drawing prints well already). Larger labels can widen the drawing, so
    the factor is checked on the result and raised (three tries at most)."""
    if not _prints_small(width, smallest):
        return ""
    factor, svg = 1.0, ""
    for _ in range(3):
        factor *= (MIN_FONT_PX + 0.25) * width / (smallest * PRINT_WIDTH)
        svg, width, smallest = _render(_scaled_fonts(styled, factor))
        if not _prints_small(width, smallest):
            break
    return responsive(svg).replace('class="marks vega"', 'class="marks vega-print"', 1)


def spec_svg(spec: dict[str, Any] | str) -> str:
    """The responsive SVG of a Vega-Lite spec (a dict, or its JSON text) in the product's style;
    followed by its drawing for print when the chart is too wide to print its text at 11 px."""
    data = json.loads(spec) if isinstance(spec, str) else spec
    styled = _with_style(data)
    text = json.dumps(styled, sort_keys=True, default=str)
    key = "chart-svg:2:" + hashlib.sha256(text.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        drawn, width, smallest = _render(styled)
        screen = responsive(drawn)
        printed = _print_drawing(styled, width, smallest)
        if printed:
            screen = screen.replace('class="marks vega"', 'class="marks vega has-print"', 1)
        svg = screen + printed
        cache.set(key, svg, CACHE_SECONDS)
    return str(svg)


def kept_svg(name: str, inputs: Any, draw: Callable[[], str]) -> str:
    """The SVG drawn by `draw`, kept in Django's cache under `name` and a digest of `inputs`
    (their repr: give the figures the chart is drawn from, in a fixed order)."""
    key = f"chart-inputs:{name}:" + hashlib.sha256(repr(inputs).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = draw()
        cache.set(key, svg, CACHE_SECONDS)
    return str(svg)
