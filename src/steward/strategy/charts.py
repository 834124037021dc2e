"""Strategy charts: Altair specs rendered to SVG on the server (core.charts; no JavaScript).

`strategy.selectors.value_effort_svg` is this module's function (re-exported there)."""

from __future__ import annotations

from typing import Any


def value_effort_svg(rows: list[dict[str, Any]]) -> str:
    """The value-vs-effort chart (Altair spec, rendered to SVG on the server)."""
    import altair as alt

    from steward.core import labels as code_labels
    from steward.core.charts import FULL_WIDTH, spec_svg

    data = [
        {
            "key": r["key"],
            "title": r["title"],
            "effort": r["effort_person_weeks"],
            "wsjf": r["wsjf"],
            "cost_of_delay": r["value"],
            "feasibility": code_labels.label(r["feasibility"], "level"),
        }
        for r in rows
    ]
    # One label per point position: initiatives drawn on the same spot share one label.
    at: dict[tuple[Any, Any], list[str]] = {}
    for r in data:
        at.setdefault((r["effort"], r["wsjf"]), []).append(r["key"])
    label_data = [{"effort": e, "wsjf": w, "keys": ", ".join(keys)} for (e, w), keys in at.items()]
    points = (
        alt.Chart(alt.Data(values=data))
        .mark_circle(size=90, opacity=0.8)
        .encode(
            x=alt.X("effort:Q", title="Estimated effort (person-weeks)"),
            y=alt.Y("wsjf:Q", title="WSJF"),
            color=alt.Color("feasibility:N", title="Feasibility"),
            tooltip=["key:N", "title:N", "effort:Q", "wsjf:Q"],
        )
    )
    text = (
        alt.Chart(alt.Data(values=label_data))
        .mark_text(align="left", dx=7, fontSize=12, color="#343a40")
        .encode(x="effort:Q", y="wsjf:Q", text="keys:N")
    )
    chart = (points + text).properties(width=FULL_WIDTH, height=400, title="Value vs effort")
    return spec_svg(chart.to_dict())
