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
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Any

import vl_convert
from django.core.cache import cache

from steward.core import chart_renderer

CACHE_SECONDS = 24 * 60 * 60

# Drawing widths (px) of the plot area for the two usual containers at a 1,280 px screen.
FULL_WIDTH = 1000
HALF_WIDTH = 480

MIN_FONT_PX = 11
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


def spec_svg(spec: dict[str, Any] | str) -> str:
    """The responsive SVG of a Vega-Lite spec (a dict, or its JSON text) in the product's style."""
    data = json.loads(spec) if isinstance(spec, str) else spec
    text = json.dumps(_with_style(data), sort_keys=True, default=str)
    key = "chart-svg:" + hashlib.sha256(text.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = responsive(render_svg(text))
        cache.set(key, svg, CACHE_SECONDS)
    return str(svg)
