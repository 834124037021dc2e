"""What work tracking adds to a team's page: the flow of its pull requests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from steward.core.registry import Panel, PanelRow
from steward.core.templatetags.steward_format import format_number, hours, percent
from steward.worktracking import selectors
from steward.worktracking.investment import UNCATEGORIZED

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


def ktlo_label(category: str, ktlo: bool) -> str:
    """`KTLO (keeping the lights on)`; a category whose name already says it is left as it is;
    the effort no rule matches is `Uncategorized (no rule matches)`."""
    if category == UNCATEGORIZED:
        return "Uncategorized (no rule matches)"
    if ktlo and "keeping the lights on" not in category.lower():
        return f"{category} (keeping the lights on)"
    return category


def alignment_investment(user: Any, request: Any) -> Panel | None:
    """On strategy's alignment page: the same period's (and team's) effort by investment
    category, with the keeping-the-lights-on share, linked to the investment page."""
    from steward.core import policy
    from steward.core.periods import parse_period
    from steward.worktracking import investment

    if not policy.roles_of(user):
        return None
    start, end = parse_period(request.GET.get("from"), request.GET.get("to"))
    team = request.GET.get("team") or None
    policy.require(user, "view", "worktracking.workitem")

    def category_totals() -> tuple[dict[str, float], set[str]]:
        report = investment.investment_report(actor=user, start=start, end=end, with_cost=False)
        totals: dict[str, float] = {}
        for cell in report["by_team_month"]:
            if team is None or cell["team"] == team:
                for cat, days in cell["categories"].items():
                    totals[cat] = totals.get(cat, 0.0) + days
        return totals, {c["category"] for c in report["categories"] if c["ktlo"]}

    # The totals (the same for everyone allowed to see them) kept until the data version moves,
    # as the report's figures are: the report's rows for ~2,000 team-months cost ~50 ms a page.
    totals, ktlo = investment.cached(f"panel:{start}:{end}:{team}", category_totals)
    all_days = sum(totals.values())
    url = f"{reverse('worktracking:investment')}?from={start}&to={end}"
    rows = tuple(
        PanelRow(
            ktlo_label(cat, cat in ktlo),
            f"{format_number(days, 1)} person-days · {percent(days / all_days)}",
            url,
        )
        for cat, days in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
        if days
    )
    if rows and ktlo:
        kept = sum(v for k, v in totals.items() if k in ktlo)
        rows += (
            PanelRow("Keeping the lights on, all categories", f"{round(100 * kept / all_days)} %"),
        )
    return Panel(
        title="Investment balance in this period"
        + (" (this team)" if team else "")
        + ": commits and reviews by work-item category",
        rows=rows,
        empty="No commit or review by people in this period.",
        more_url=url,
        more_label="Investment balance",
    )
