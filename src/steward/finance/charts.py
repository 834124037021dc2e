"""Finance charts: Altair specs rendered to SVG on the server (core.charts).

Building an Altair spec costs tens of milliseconds per chart before core.charts' cache of SVGs
by spec is even asked, so each chart's SVG is also kept under a digest of its inputs
(`core.charts.kept_svg`): the same figures draw the same chart without Altair."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import altair as alt

from steward.core.charts import FULL_WIDTH, HALF_WIDTH, kept_svg, spec_svg


def monthly_svg(
    months: list[date], per_month: dict[str, list[Decimal]], closed: int, currency: str
) -> str:
    """Plan, actual (closed months) and forecast per month."""
    inputs = (months, sorted(per_month.items()), closed, currency)
    return kept_svg(
        "finance-monthly", inputs, lambda: _monthly_svg(months, per_month, closed, currency)
    )


def _monthly_svg(
    months: list[date], per_month: dict[str, list[Decimal]], closed: int, currency: str
) -> str:
    values: list[dict[str, Any]] = []
    for i, month in enumerate(months):
        values.append(
            {"month": month.isoformat(), "series": "Plan", "amount": float(per_month["plan"][i])}
        )
        if i < closed:
            values.append(
                {
                    "month": month.isoformat(),
                    "series": "Actual",
                    "amount": float(per_month["actual"][i]),
                }
            )
        values.append(
            {
                "month": month.isoformat(),
                "series": "Forecast",
                "amount": float(per_month["forecast"][i]),
            }
        )
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title="Month", axis=alt.Axis(format="%b %Y")),
            y=alt.Y("amount:Q", title=f"Cost ({currency})", axis=alt.Axis(format=",.0f")),
            color=alt.Color("series:N", title=None, sort=["Plan", "Actual", "Forecast"]),
            strokeDash=alt.StrokeDash("series:N", legend=None, sort=["Plan", "Actual", "Forecast"]),
            tooltip=[
                alt.Tooltip("month:T", format="%b %Y"),
                "series:N",
                alt.Tooltip("amount:Q", format=",.0f"),
            ],
        )
        .properties(width=FULL_WIDTH, height=240)
    )
    return spec_svg(chart.to_dict(validate=False))


def bars_svg(rows: list[tuple[str, Decimal]], currency: str, title: str) -> str:
    """Horizontal bars of amounts by label."""
    return kept_svg(
        "finance-bars", (rows, currency, title), lambda: _bars_svg(rows, currency, title)
    )


def _bars_svg(rows: list[tuple[str, Decimal]], currency: str, title: str) -> str:
    values = [{"label": label, "amount": float(amount)} for label, amount in rows]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color="#1f5fa8")
        .encode(
            y=alt.Y("label:N", title=None, sort="-x"),
            x=alt.X("amount:Q", title=f"{title} ({currency})", axis=alt.Axis(format=",.0f")),
            tooltip=["label:N", alt.Tooltip("amount:Q", format=",.0f")],
        )
        .properties(width=HALF_WIDTH, height=max(60, 22 * len(values)))
    )
    return spec_svg(chart.to_dict(validate=False))
