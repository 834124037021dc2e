"""What work tracking adds to a team's page: the flow of its pull requests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from steward.core.registry import Panel, PanelRow
from steward.core.templatetags.steward_format import format_number, hours
from steward.worktracking import selectors

DAYS = 90


def team_flow(user: Any, team: Any) -> Panel:
    """Pull requests merged by the team's members in the last 90 days: count, median cycle
    time, merged without review."""
    end = timezone.localdate() + timedelta(days=1)
    start = end - timedelta(days=DAYS)
    report = selectors.flow_report(actor=user, start=start, end=end, team=team.slug)
    url = f"{reverse('worktracking:flow')}?team={team.slug}&from={start}&to={end}"
    merged = report["cycle_time"]["pull_requests"]
    median = report["cycle_time"]["total"]["median_hours"]
    rows: tuple[PanelRow, ...] = ()
    if merged:
        unreviewed = report["unreviewed_merges"]["unreviewed"]
        rows = (
            PanelRow("Merged pull requests", format_number(merged), f"{url}#pulls"),
            PanelRow("Median cycle time", hours(median), url),
            PanelRow(
                "Merged without review",
                f"{format_number(unreviewed)} of {format_number(merged)}",
                f"{url}&unreviewed=1#pulls",
            ),
        )
    return Panel(
        title=f"Pull requests, last {DAYS} days",
        rows=rows,
        empty="No pull request by this team's members merged in the last 90 days.",
        more_url=url,
        more_label="Flow of this team",
    )
