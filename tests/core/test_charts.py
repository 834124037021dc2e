"""Charts render to SVG once per distinct spec."""

from __future__ import annotations

from unittest import mock

import pytest
import vl_convert

from steward.core.charts import spec_svg

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
