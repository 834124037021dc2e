"""What growth adds to a person's page: their level, open development goals and 1:1 cadence."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from steward.core.registry import Panel, PanelRow
from steward.growth import selectors


def person_growth(user: Any, person: Any) -> Panel | None:
    """Level, open goals and the 1:1 with their manager (for those who may see their growth)."""
    if not selectors.may_see_person_growth(user, person):
        return None
    today = date.today()
    rows = []
    current = selectors.level_on(selectors.person_levels(actor=user, person=person), today)
    if current is not None:
        rows.append(
            PanelRow(
                "Ladder level",
                f"{current.level.key} {current.level.title} since {current.start:%-d %b %Y}",
                reverse("growth:person_growth", args=[person.employee_id]),
            )
        )
    open_goals = [
        goal
        for plan in selectors.plans_of(actor=user, person=person)
        for goal in plan.goals.all()
        if goal.status == "open"
    ]
    rows.append(
        PanelRow(
            "Open development goals",
            f"{len(open_goals):,}",
            reverse("growth:person_growth", args=[person.employee_id]),
        )
    )
    for row in selectors.pair_list(actor=user, on=today):
        if row.pair.report_id == person.pk:
            state = "overdue" if row.state.overdue else "on track"
            rows.append(
                PanelRow(
                    f"1:1 with {row.pair.manager.name}",
                    f"every {row.pair.cadence_days:,} days, last {row.state.days_since:,} days "
                    f"ago ({state})",
                    reverse("growth:pair_detail", args=[row.pair.pk]),
                )
            )
    return Panel(title="Growth", rows=tuple(rows))


def objective_goals(user: Any, request: Any) -> Panel | None:
    """On an objective's page: the team and individual goals under it that `user` may see."""
    from steward.growth import goals

    key = request.resolver_match.kwargs.get("key", "")
    objective = goals.objective_of(actor=user, key=key)
    if objective is None:
        return None
    rows = tuple(
        PanelRow(
            goal.title,
            f"{goals.owner_name(goal)} · {goal.progress:,} % · {goals.status_label(goal).lower()}",
            reverse("growth:goal_detail", args=[goal.pk]),
        )
        for goal in goals.goal_list(actor=user, objective_id=objective.pk)
    )
    add = goals.may_add(user)
    return Panel(
        title="Goals under this objective",
        rows=rows,
        empty="No team or individual goals under this objective yet.",
        more_url=f"{reverse('growth:goal_new')}?objective={key}" if add else "",
        more_label="Add a goal",
    )


def objectives_goals(user: Any, request: Any) -> Panel | None:
    """On the objectives page: per objective, how many goals one may see are set under it."""
    from steward.growth import goals

    counts: dict[Any, dict[str, int]] = {}
    for goal in goals.goal_list(actor=user):
        row = counts.setdefault(goal.objective, {"team": 0, "person": 0, "done": 0})
        row["team" if goal.team is not None else "person"] += 1
        row["done"] += goal.status == "done"
    rows = tuple(
        PanelRow(
            objective.title,
            f"{c['team'] + c['person']:,} goal{'s' if c['team'] + c['person'] != 1 else ''}: "
            f"{c['team']:,} of a team, {c['person']:,} individual, {c['done']:,} done",
            reverse("strategy:objective_detail", args=[objective.key]),
        )
        for objective, c in counts.items()
    )
    return Panel(
        title="Goals under the objectives",
        rows=rows,
        empty="No team or individual goals yet.",
        more_url=reverse("growth:goals"),
        more_label="All goals",
    )
