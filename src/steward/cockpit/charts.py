"""The cockpit report's own charts: Altair specs rendered to SVG on the server (core.charts).

The delivery section draws engineering's weekly trend (`engineering.charts.trend_svg`)."""

from __future__ import annotations

from typing import Any


def bar_svg(rows: list[dict[str, Any]], x: str, y: str, title: str, percent: bool = False) -> str:
    """Horizontal bars of the number `x` by the label `y` ("" when there are no rows)."""
    import altair as alt

    from steward.core.charts import HALF_WIDTH, spec_svg

    if not rows:
        return ""
    axis = alt.Axis(format=".0%") if percent else alt.Axis()
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color="#1f5fa8")
        .encode(
            x=alt.X(f"{x}:Q", title=title, axis=axis),
            y=alt.Y(f"{y}:N", sort="-x", title=None),
        )
        .properties(width=HALF_WIDTH, height=max(60, 22 * len(rows)))
    )
    return spec_svg(chart.to_dict())
