"""Onboarding: plans and their progress, and time to first and tenth commit (METRICS.md).

Time to first / tenth commit of a new joiner: days from the start date to their first / tenth
non-merge commit in any ingested repository (commits before the start date do not count).
Cohort and team figures are medians shown only for groups of at least the small-group size;
one person's own figures are shown to those who may see their individual activity.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date
from typing import Any

from steward.core import policy
from steward.engineering import selectors as eng_selectors
from steward.growth import engagement
from steward.org import selectors as org_selectors


def plan_rows(*, actor: Any, on: date) -> list[dict[str, Any]]:
    """Onboarding plans `actor` may see with their progress on `on`, newest start first."""
    plans = (
        policy.visible(actor, "growth.OnboardingPlan")
        .select_related("person", "person__team", "buddy", "template")
        .prefetch_related("tasks")
    )
    rows = []
    for plan in plans:
        tasks = list(plan.tasks.all())
        done = sum(1 for t in tasks if t.done_on is not None)
        rows.append(
            {
                "plan": plan,
                "tasks": len(tasks),
                "done": done,
                "progress": None if not tasks else round(100 * done / len(tasks), 1),
                "overdue": sum(1 for t in tasks if t.done_on is None and t.due_on < on),
                "day": (on - plan.start).days,
            }
        )
    return rows


def plan_get(*, actor: Any, pk: int) -> Any | None:
    """One onboarding plan with its tasks."""
    return (
        policy.visible(actor, "growth.OnboardingPlan")
        .select_related("person", "buddy", "template")
        .prefetch_related("tasks__owner")
        .filter(pk=pk)
        .first()
    )


def first_commits(
    starts: dict[int, date], commits: list[tuple[int, date, int]]
) -> dict[int, dict[str, int | None]]:
    """Days from each start to the first and the tenth commit, from (person, day, commits)
    rows; None when not reached yet. Plain data (no database)."""
    per_person: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for person, day, count in commits:
        if person in starts and day >= starts[person]:
            per_person[person].append((day, count))
    result: dict[int, dict[str, int | None]] = {}
    for person, start in starts.items():
        first = tenth = None
        total = 0
        for day, count in sorted(per_person.get(person, [])):
            if first is None:
                first = (day - start).days
            total += count
            if total >= 10:
                tenth = (day - start).days
                break
        result[person] = {"first": first, "tenth": tenth}
    return result


def commit_figures(starts: dict[int, date], on: date) -> dict[int, dict[str, int | None]]:
    """Days from each start to the first and the tenth commit up to `on` (None: not reached),
    in one grouped query (engineering's `nth_commit_days`)."""
    days = eng_selectors.nth_commit_days(starts, ranks=(1, 10), end=on + _one_day())
    result: dict[int, dict[str, int | None]] = {}
    for person, start in starts.items():
        found = days.get(person, {})
        first, tenth = found.get(1), found.get(10)
        result[person] = {
            "first": None if first is None else (first - start).days,
            "tenth": None if tenth is None else (tenth - start).days,
        }
    return result


def commit_figures_by_days(
    starts: dict[int, date], start: date, on: date
) -> dict[int, dict[str, int | None]]:
    """The same figures from every active person-day of everyone since `start` (the path the
    page took before `commit_figures`; kept as the reference for tests and the benchmark)."""
    rows = [
        (d.person_id, d.day, d.commits)
        for d in eng_selectors.active_person_days(start=start, end=on + _one_day())
    ]
    return first_commits(starts, rows)


def _quarter(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def time_to_commits(*, actor: Any, start: date, end: date, on: date) -> dict[str, Any]:
    """Joiners who started in [start, end): medians of days to first and tenth commit by start
    quarter and by team (groups under the small-group size hidden), and the joiners' own
    figures where `actor` may see individual activity."""
    threshold = engagement.min_group()
    joiners = [
        p
        for p in org_selectors.person_list(actor=actor, started_from=start, started_to=end)
        if p.start_date <= on
    ]
    figures = commit_figures({p.pk: p.start_date for p in joiners}, on)

    def summary(people: list[Any]) -> dict[str, Any]:
        if len(people) < threshold:
            return {"joiners": len(people), "suppressed": True}
        firsts = [v for p in people if (v := figures[p.pk]["first"]) is not None]
        tenths = [v for p in people if (v := figures[p.pk]["tenth"]) is not None]
        return {
            "joiners": len(people),
            "reached_first": len(firsts),
            "reached_tenth": len(tenths),
            "median_days_to_first": statistics.median(firsts) if firsts else None,
            "median_days_to_tenth": statistics.median(tenths) if tenths else None,
        }

    cohorts: dict[str, list[Any]] = defaultdict(list)
    teams: dict[str, list[Any]] = defaultdict(list)
    for person in joiners:
        cohorts[_quarter(person.start_date)].append(person)
        teams[person.team.name if person.team else "(no team)"].append(person)
    people = [
        {
            "employee_id": p.employee_id,
            "name": p.name,
            "start_date": p.start_date,
            "days_to_first": figures[p.pk]["first"],
            "days_to_tenth": figures[p.pk]["tenth"],
        }
        for p in sorted(joiners, key=lambda p: (p.start_date, p.name))
        if policy.may_see_individual_activity(actor, p)
    ]
    return {
        "from": start,
        "to": end,
        "min_group_size": threshold,
        "all": summary(joiners),
        "cohorts": [{"cohort": k, **summary(v)} for k, v in sorted(cohorts.items())],
        "teams": [{"team": k, **summary(v)} for k, v in sorted(teams.items())],
        "people": people,
    }


def _one_day() -> Any:
    from datetime import timedelta

    return timedelta(days=1)
