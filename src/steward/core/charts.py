"""Render Vega-Lite chart specs (built with Altair) to SVG on the server, cached.

One renderer for every page and report: no JavaScript bundle, nothing from a CDN. Rendering
costs tens of milliseconds per chart, so the SVG is cached under a digest of the spec: the same
data gives the same spec and is rendered once.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import vl_convert
from django.core.cache import cache

CACHE_SECONDS = 24 * 60 * 60


def spec_svg(spec: dict[str, Any] | str) -> str:
    """The SVG of a Vega-Lite spec (a dict, or its JSON text)."""
    text = spec if isinstance(spec, str) else json.dumps(spec, sort_keys=True, default=str)
    key = "chart-svg:" + hashlib.sha256(text.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = str(vl_convert.vegalite_to_svg(text))
        cache.set(key, svg, CACHE_SECONDS)
    return str(svg)
