"""Growth charts: Altair specs rendered to SVG on the server (the style of engineering/charts)."""

from __future__ import annotations

from typing import Any

import altair as alt

from steward.core.charts import HALF_WIDTH, spec_svg


def enps_trend_spec(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The organization's eNPS per survey round (hidden rounds leave a gap)."""
    values = [
        {
            "round": r["title"],
            "opened": r["opened_on"].isoformat(),
            "enps": r["organization"].get("enps"),
        }
        for r in rounds
    ]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True, color="#2f6f8f")
        .encode(
            x=alt.X("opened:T", title="Survey round", axis=alt.Axis(format="%b %Y")),
            y=alt.Y("enps:Q", title="eNPS", scale=alt.Scale(domain=[-100, 100])),
            tooltip=[alt.Tooltip("round:N"), alt.Tooltip("enps:Q", format="+.1f")],
        )
        .properties(width=HALF_WIDTH, height=170)
    )
    return chart.to_dict(validate=False)  # type: ignore[no-any-return]


def enps_trend_svg(rounds: list[dict[str, Any]]) -> str:
    """The eNPS trend as an SVG document."""
    return spec_svg(enps_trend_spec(rounds))


def survival_spec(curve: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """A Kaplan-Meier step curve: share still employed by years of tenure."""
    values = [{"years": p["days"] / 365.0, "survival": p["survival"]} for p in curve]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(interpolate="step-after", color="#2f6f8f")
        .encode(
            x=alt.X("years:Q", title="Years since joining"),
            y=alt.Y(
                "survival:Q",
                title=title,
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
        )
        .properties(width=HALF_WIDTH, height=170)
    )
    return chart.to_dict(validate=False)  # type: ignore[no-any-return]


def survival_svg(curve: list[dict[str, Any]], title: str = "Still employed") -> str:
    """A Kaplan-Meier curve as an SVG document."""
    return spec_svg(survival_spec(curve, title))
