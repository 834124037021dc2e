"""Talent charts: Altair specs rendered to SVG on the server (core.charts; no script, no CDN).

The funnel chart's bars are links (Vega's `href` channel becomes `<a>` in the SVG) to the
applications behind each number.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from steward.core.charts import FULL_WIDTH, spec_svg

# Vega resolves a relative link against its data loader's base URL; the page's links are paths.
_VEGA_BASE = 'xlink:href="https://vega.github.io/vega-datasets/'


def funnel_spec(stages: list[dict[str, Any]]) -> dict[str, Any]:
    """One row per stage: applications that reached it and left (light bar), those that went
    further (dark bar), and the pass-through as text. `stages` rows carry `stage`, `reached`,
    `passed`, `pass_through` and the drill-down links `reached_url`, `passed_url`."""
    values = []
    order = [s["stage"] for s in stages]
    for s in stages:
        rate = s["pass_through"]
        label = "no data" if rate is None else f"{rate * 100:.0f} % went further"
        values.append(
            {
                "stage": s["stage"],
                "count": s["reached"],
                "what": "Reached and left the stage",
                "url": s["reached_url"],
                "label": f"{s['reached']:,} reached · {label}",
            }
        )
        values.append(
            {
                "stage": s["stage"],
                "count": s["passed"],
                "what": "Went further",
                "url": s["passed_url"],
                "label": "",
            }
        )
    y = alt.Y("stage:N", sort=order, title=None)
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("count:Q", title="Applications", stack=None),
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(
                    domain=["Reached and left the stage", "Went further"],
                    range=["#9ec5e8", "#1f5fa8"],
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            href="url:N",
            tooltip=[
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("what:N", title="Applications"),
                alt.Tooltip("count:Q", title="Number", format=","),
            ],
        )
    )
    text = (
        alt.Chart()
        .transform_filter(alt.datum.label != "")
        .mark_text(align="left", dx=6)
        .encode(y=y, x=alt.X("count:Q", stack=None), text="label:N")
    )
    chart = alt.layer(bars, text, data=alt.Data(values=values)).properties(
        width=FULL_WIDTH - 260, height=max(60, 34 * len(stages))
    )
    return chart.to_dict(validate=False)  # type: ignore[no-any-return]


def funnel_svg(stages: list[dict[str, Any]]) -> str:
    """The funnel as an SVG document whose bars link to the applications behind them."""
    return spec_svg(funnel_spec(stages)).replace(_VEGA_BASE + "/", 'xlink:href="/')
