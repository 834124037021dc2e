"""Organization design charts: Altair specs rendered to SVG on the server (core.charts).

Not validated against the Vega-Lite JSON schema per request (a third of the health page's time
at 2,000 people): the specs are fixed in this module; tests render every page."""

from __future__ import annotations

from typing import Any

import altair as alt
from altair.utils.schemapi import debug_mode

from steward.core.charts import FULL_WIDTH, HALF_WIDTH, spec_svg


def svg(chart: alt.TopLevelMixin) -> str:
    """An Altair chart rendered to inline SVG on the server (no JavaScript, no CDN)."""
    return spec_svg(chart.to_json(validate=False))


def span_of_control_svg(rows: list[dict[str, Any]]) -> str:
    """Direct reports per manager (`manager`, `reports`); outside 3 to 8 drawn in red."""
    # Altair validates every schema object as it is built (the 2,000-person org's 300
    # managers' rows: a fifth of the page's time); the spec is fixed here, so not per request.
    with debug_mode(False):
        chart = (
            alt.Chart(alt.Data(values=rows))
            .mark_bar()
            .encode(
                x=alt.X("reports:Q", title="direct reports"),
                y=alt.Y("manager:N", sort="-x", title=None),
                color=alt.condition(
                    "datum.reports > 8 || datum.reports < 3",
                    alt.value("#b3261e"),
                    alt.value("#1f5fa8"),
                ),
            )
            .properties(width=HALF_WIDTH, height=max(120, 20 * len(rows)))
        )
    return svg(chart)


def planned_hires_svg(rows: list[dict[str, Any]]) -> str:
    """Planned FTE per quarter (`quarter`, `hires`), stacked by `team`."""
    return svg(
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("quarter:O", title=None),
            y=alt.Y("sum(hires):Q", title="planned FTE"),
            color=alt.Color("team:N"),
        )
        .properties(width=FULL_WIDTH, height=260)
    )
