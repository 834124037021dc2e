"""Charts render to SVG once per distinct spec."""

from __future__ import annotations

import re
from unittest import mock

import pytest
import vl_convert

from steward.core.charts import PRINT_WIDTH, spec_svg

pytestmark = pytest.mark.django_db

SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "data": {"values": [{"x": 1, "y": 2}, {"x": 2, "y": 5}]},
    "mark": "line",
    "encoding": {
        "x": {"field": "x", "type": "quantitative"},
        "y": {"field": "y", "type": "quantitative"},
    },
}


def test_same_spec_is_rendered_once_and_is_svg() -> None:
    with mock.patch.object(
        vl_convert, "vegalite_to_svg", wraps=vl_convert.vegalite_to_svg
    ) as render:
        first = spec_svg(SPEC)
        second = spec_svg(dict(SPEC))
        other = spec_svg({**SPEC, "mark": "bar"})
    assert first == second
    assert first.lstrip().startswith("<svg") and "</svg>" in first
    assert other != first
    assert render.call_count == 2


def _drawings(svg: str) -> dict[str, tuple[float, float]]:
    """Per drawing class (vega, vega-print): its viewBox width and smallest font size."""
    found = {}
    for match in re.finditer(r"<svg\b[^>]*>.*?</svg>", svg, re.S):
        text = match.group(0)
        kind = "vega-print" if 'class="marks vega-print"' in text[:2000] else "vega"
        width = float(re.search(r'viewBox="0 0 ([\d.]+)', text).group(1))  # type: ignore[union-attr]
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)(?:px)?"', text)]
        found[kind] = (width, min(sizes))
    return found


def test_a_chart_too_wide_for_a_page_gets_a_drawing_that_prints_11_px_text() -> None:
    wide = {**SPEC, "width": 1200, "height": 200}
    drawings = _drawings(spec_svg(wide))
    width, smallest = drawings["vega"]
    assert smallest * PRINT_WIDTH / width < 11  # shrunk to the page, the screen drawing is small
    width, smallest = drawings["vega-print"]
    assert smallest * PRINT_WIDTH / width >= 11
    # A chart that fits the page has one drawing only.
    assert list(_drawings(spec_svg({**SPEC, "width": 400}))) == ["vega"]
