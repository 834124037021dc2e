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
