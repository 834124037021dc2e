"""Reads of 1:1s and ladders, always starting from what the actor may see (`policy.visible`).

Engagement results are in `engagement.py`, attrition and retention in `retention.py`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from steward.core import policy
from steward.core.registry import Finding
from steward.growth import rules
from steward.growth.cadence import CadenceState, cadence_state

# --- 1:1s -----------------------------------------------------------------------------------


@dataclass
class PairRow:
    """A 1:1 cadence with its state on a day."""

    pair: Any
    state: CadenceState
    meetings: int


def _active(person: Any, on: date) -> bool:
    return bool(person.start_date <= on and (person.end_date is None or person.end_date > on))


def pair_list(*, actor: Any, on: date, overdue_only: bool = False) -> list[PairRow]:
    """The running 1:1 cadences `actor` may see (both people employed on `on`), with their
    state on `on`; overdue first, then by days since the last 1:1."""
    pairs = (
        policy.visible(actor, "growth.OneOnOnePair")
        .filter(started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .select_related("manager", "report", "report__team")
    )
    held: dict[int, list[date]] = defaultdict(list)
    meetings = policy.visible(actor, "growth.OneOnOneMeeting").filter(pair__in=pairs)
    for pair_id, day in meetings.values_list("pair_id", "held_on"):
        held[pair_id].append(day)
    rows = []
    for pair in pairs:
        if not (_active(pair.manager, on) and _active(pair.report, on)):
            continue
        state = cadence_state(
            cadence_days=pair.cadence_days,
            started_on=pair.started_on,
            held=held[pair.pk],
            on=on,
        )
        if overdue_only and not state.overdue:
            continue
        rows.append(PairRow(pair, state, sum(1 for d in held[pair.pk] if d <= on)))
    rows.sort(key=lambda r: (not r.state.overdue, -r.state.days_since, r.pair.report.name))
    return rows


def pair_get(*, actor: Any, pk: int) -> Any | None:
    """One 1:1 cadence if `actor` may see it."""
    return (
        policy.visible(actor, "growth.OneOnOnePair")
        .select_related("manager", "report")
        .filter(pk=pk)
        .first()
    )


def meeting_list(*, actor: Any, pair: Any) -> list[dict[str, Any]]:
    """The pair's 1:1s, newest first; agenda, notes and action items only for the pair."""
    meetings = policy.visible(actor, "growth.OneOnOneMeeting").filter(pair=pair)
    contents = {
        c.meeting_id: c
        for c in policy.visible(actor, "growth.OneOnOneContent").filter(meeting__pair=pair)
    }
    items: dict[int, list[Any]] = defaultdict(list)
    for item in (
        policy.visible(actor, "growth.ActionItem")
        .filter(meeting__pair=pair)
        .select_related("owner")
    ):
        items[item.meeting_id].append(item)
    rows = []
    for meeting in meetings.order_by("-held_on"):
        content = contents.get(meeting.pk)
        rows.append(
            {
                "meeting": meeting,
                "held_on": meeting.held_on,
                "content": content,
                "action_items": items.get(meeting.pk, []),
            }
        )
    return rows


def meeting_get(*, actor: Any, pk: int) -> Any | None:
    """One 1:1 meeting if `actor` may see that it took place."""
    return (
        policy.visible(actor, "growth.OneOnOneMeeting")
        .select_related("pair", "pair__manager", "pair__report")
        .filter(pk=pk)
        .first()
    )


def action_item_get(*, actor: Any, pk: int) -> Any | None:
    """One action item, for the pair only."""
    return (
        policy.visible(actor, "growth.ActionItem")
        .select_related("meeting", "meeting__pair")
        .filter(pk=pk)
        .first()
    )


def open_action_items(*, actor: Any) -> list[Any]:
    """The action items still open in `actor`'s own 1:1s, oldest due first."""
    rows = (
        policy.visible(actor, "growth.ActionItem")
        .filter(done_on__isnull=True)
        .select_related("owner", "meeting", "meeting__pair")
    )
    return sorted(rows, key=lambda i: (i.due_on or date.max, i.pk))


def pair_dict(row: PairRow) -> dict[str, Any]:
    """The API form of a cadence and its state."""
    pair, state = row.pair, row.state
    return {
        "id": pair.pk,
        "manager_employee_id": pair.manager.employee_id,
        "manager": pair.manager.name,
        "report_employee_id": pair.report.employee_id,
        "report": pair.report.name,
        "cadence_days": pair.cadence_days,
        "started_on": pair.started_on,
        "last_held_on": state.last_held,
        "days_since": state.days_since,
        "overdue": state.overdue,
        "days_overdue": state.days_overdue,
        "meetings": row.meetings,
    }


def overdue_findings(user: Any, on: date) -> list[Finding]:
    """Cockpit: the overdue 1:1 cadences `user` may see (METRICS.md "1:1 overdue")."""
    rows = pair_list(actor=user, on=on)
    late = [r for r in rows if r.state.overdue]
    if not late:
        return []
    worst = max(late, key=lambda r: r.state.days_since)
    statement = (
        f"{len(late):,} of {len(rows):,} 1:1 cadences are overdue (no 1:1 within 1.5 × the "
        f"cadence); longest gap {worst.state.days_since:,} days "
        f"({worst.pair.manager.name} and {worst.pair.report.name})"
    )
    severity = "critical" if len(late) * 2 > len(rows) else "warning"
    return [Finding("overdue-1on1s", severity, statement, "/growth/one-on-ones/?overdue=1")]


# --- ladders --------------------------------------------------------------------------------


def framework_list(*, actor: Any) -> QuerySet[Any]:
    """Career frameworks with their tracks and levels."""
    return policy.visible(actor, "growth.Framework").prefetch_related("tracks__levels")


def framework_get(*, actor: Any, key: str) -> Any | None:
    """One framework with everything in it."""
    return (
        policy.visible(actor, "growth.Framework")
        .prefetch_related("tracks__levels", "competencies__expectations__level")
        .filter(key=key)
        .first()
    )


def framework_matrix(framework: Any) -> list[dict[str, Any]]:
    """Per track: its levels and, per competency, the expectation at each level."""
    by_pair = {
        (e.competency_id, e.level_id): e
        for c in framework.competencies.all()
        for e in c.expectations.all()
    }
    tracks = []
    for track in framework.tracks.all():
        levels = list(track.levels.all())
        rows = [
            {"competency": c, "cells": [by_pair.get((c.pk, lv.pk)) for lv in levels]}
            for c in framework.competencies.all()
        ]
        tracks.append({"track": track, "levels": levels, "rows": rows})
    return tracks


def level_list(*, actor: Any) -> QuerySet[Any]:
    """Every ladder level (for pickers), by framework, track and rank."""
    return (
        policy.visible(actor, "growth.LadderLevel")
        .select_related("track", "track__framework")
        .order_by("track__framework__title", "track__position", "track__key", "rank")
    )


def ladder_level_expectations(actor: Any, level: str) -> dict[str, Any] | None:
    """What the ladder expects at the level whose key is `level` (ignoring case; the first by
    framework, track and rank when several tracks have it), with the criteria at the level
    below in its track, as plain data (talent's interview kits take it, wired by a face: the
    two apps share a floor). None when no level has that key."""
    found = level_list(actor=actor).filter(key__iexact=level.strip()).first()
    if found is None:
        return None
    below = (
        policy.visible(actor, "growth.LadderLevel")
        .filter(track=found.track, rank__lt=found.rank)
        .order_by("-rank")
        .first()
    )
    expectations = policy.visible(actor, "growth.Expectation").select_related("competency")
    at_level = expectations.filter(level=found).order_by("competency__position", "competency__key")
    under = {}
    if below is not None:
        under = {e.competency_id: list(e.criteria) for e in expectations.filter(level=below)}
    return {
        "key": found.key,
        "title": found.title,
        "rank": found.rank,
        "track": found.track.title or found.track.key,
        "has_below": below is not None,
        "expectations": [
            {
                "competency": e.competency.name,
                "category": e.competency.category,
                "criteria": [str(c) for c in e.criteria],
                "examples": [str(x) for x in e.examples],
                "below": under.get(e.competency_id),
            }
            for e in at_level
        ],
    }


def competency_list(*, actor: Any) -> QuerySet[Any]:
    """Every competency (for pickers)."""
    return policy.visible(actor, "growth.Competency").select_related("framework")


def person_levels(*, actor: Any, person: Any) -> list[Any]:
    """A person's level history, oldest first."""
    return list(
        policy.visible(actor, "growth.PersonLevel")
        .filter(person=person)
        .select_related("level", "level__track")
        .order_by("start")
    )


def level_on(history: list[Any], on: date) -> Any | None:
    """The level row in force on `on` (from a history, oldest first)."""
    found = None
    for row in history:
        if row.start <= on and (row.end is None or row.end > on):
            found = row
    return found


def plans_of(*, actor: Any, person: Any) -> list[Any]:
    """A person's development plans with goals and check-ins."""
    goals = Prefetch(
        "goals",
        queryset=policy.visible(actor, "growth.DevelopmentGoal")
        .select_related("competency")
        .prefetch_related("check_ins"),
    )
    plans = list(
        policy.visible(actor, "growth.DevelopmentPlan")
        .filter(person=person)
        .select_related("target_level")
        .prefetch_related(goals)
    )
    for plan in plans:
        for goal in plan.goals.all():
            check_ins = list(goal.check_ins.all())
            goal.latest_check_in = check_ins[-1] if check_ins else None
    return plans


def promotion_list(*, actor: Any, status: str | None = None) -> QuerySet[Any]:
    """Promotion cases `actor` may see, newest first."""
    rows = policy.visible(actor, "growth.PromotionCase").select_related(
        "person", "to_level", "to_level__track"
    )
    if status:
        rows = rows.filter(status=status)
    return rows


def promotion_get(*, actor: Any, pk: int) -> Any | None:
    """One promotion case with its evidence and decision history."""
    return (
        promotion_list(actor=actor)
        .prefetch_related("evidence__competency", "decisions__decided_by")
        .filter(pk=pk)
        .first()
    )


def plan_get(*, actor: Any, pk: int) -> Any | None:
    """One development plan."""
    return (
        policy.visible(actor, "growth.DevelopmentPlan")
        .select_related("person", "target_level")
        .filter(pk=pk)
        .first()
    )


def goal_get(*, actor: Any, pk: int) -> Any | None:
    """One development goal."""
    return (
        policy.visible(actor, "growth.DevelopmentGoal")
        .select_related("plan", "plan__person")
        .filter(pk=pk)
        .first()
    )


def may_see_person_growth(actor: Any, person: Any) -> bool:
    """The person's plans, levels and cases: themselves, managers above, people/CTO/admin."""
    me = policy.person_of(actor)
    return (me is not None and me.pk == person.pk) or rules.may_manage_person(actor, person.pk)


# --- coaching and training ------------------------------------------------------------------


def coaching_list(*, actor: Any) -> list[Any]:
    """Coaching programmes `actor` may see, with sessions (notes: coach and lead only)."""
    rows = list(
        policy.visible(actor, "growth.CoachingProgramme")
        .select_related("coach", "lead")
        .prefetch_related("sessions")
    )
    me = policy.person_of(actor)
    for programme in rows:
        programme.may_read_notes = me is not None and me.pk in (
            programme.coach_id,
            programme.lead_id,
        )
    return rows


def training_overview(*, actor: Any, year: int) -> dict[str, Any]:
    """The catalog, and per person `actor` may see: budget, spent and left in `year`."""
    from decimal import Decimal

    courses = list(policy.visible(actor, "growth.Course"))
    budgets = {
        b.person_id: b
        for b in policy.visible(actor, "growth.TrainingBudget")
        .filter(year=year)
        .select_related("person")
    }
    spent: dict[int, Decimal] = defaultdict(Decimal)
    records: dict[int, list[Any]] = defaultdict(list)
    people: dict[int, Any] = {b.person_id: b.person for b in budgets.values()}
    for record in (
        policy.visible(actor, "growth.TrainingRecord")
        .filter(completed_on__year=year)
        .select_related("course", "person")
    ):
        spent[record.person_id] += record.cost
        records[record.person_id].append(record)
        people[record.person_id] = record.person
    rows = []
    for pid, person in sorted(people.items(), key=lambda kv: kv[1].name):
        budget = budgets.get(pid)
        rows.append(
            {
                "person": person,
                "budget": budget.amount if budget else None,
                "currency": budget.currency if budget else "",
                "spent": spent[pid],
                "left": (budget.amount - spent[pid]) if budget else None,
                "courses": records[pid],
            }
        )
    return {"year": year, "courses": courses, "people": rows}
