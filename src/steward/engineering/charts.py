"""Trend charts of the four keys: Altair specs rendered to SVG on the server (no JavaScript)."""

from __future__ import annotations

from typing import Any

import altair as alt

from steward.core.charts import HALF_WIDTH, spec_svg

# Which number of each key's weekly figures is drawn, and its axis title.
TREND_SERIES: dict[str, tuple[str, str, str]] = {
    "deployment_frequency": ("deployment_frequency", "deployments", "Deployments per week"),
    "lead_time_for_changes": ("lead_time_for_changes", "median_hours", "Median lead time (h)"),
    "change_failure_rate": ("change_failure_rate", "rate", "Change failure rate"),
    "failed_deployment_recovery_time": (
        "failed_deployment_recovery_time",
        "median_hours",
        "Median recovery time (h)",
    ),
}


def trend_spec(weeks: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """A Vega-Lite line chart of one key per week (weeks without data leave a gap)."""
    group, field, title = TREND_SERIES[key]
    values = [{"week": w["week"], "value": w[group][field]} for w in weeks]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True, color="#2f6f8f")
        .encode(
            x=alt.X("week:T", title="Week", axis=alt.Axis(format="%-d %b", tickCount=8)),
            y=alt.Y(
                "value:Q",
                title=title,
                axis=alt.Axis(format=".0%") if field == "rate" else alt.Axis(),
            ),
            tooltip=[alt.Tooltip("week:T"), alt.Tooltip("value:Q", format=".2f")],
        )
        .properties(width=HALF_WIDTH, height=170)
    )
    # The spec is built by this code, not by users: skip the JSON-schema validation (~15 ms).
    return chart.to_dict(validate=False)  # type: ignore[no-any-return]


def trend_svg(weeks: list[dict[str, Any]], key: str) -> str:
    """The trend chart of one key as an SVG document."""
    return spec_svg(trend_spec(weeks, key))
