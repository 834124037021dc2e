"""Every write of the growth app: validated, in one transaction, audited (auditlog on `save()`).

Each service takes the acting user (or `policy.SYSTEM` for jobs, the demo and the CLI) and
checks it against `growth.rules` before writing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model

from steward.core import policy
from steward.core.actors import SystemActor
from steward.core.errors import InvalidFields, invalid_fields_from
from steward.growth import rules
from steward.growth.models import (
    ActionItem,
    Competency,
    DevelopmentGoal,
    DevelopmentPlan,
    ExitRecord,
    GoalCheckIn,
    LadderLevel,
    OneOnOneContent,
    OneOnOneMeeting,
    OneOnOnePair,
    PersonLevel,
    PromotionCase,
    PromotionDecision,
    PromotionEvidence,
)


class GrowthError(InvalidFields):
    """A growth change that cannot be made as asked (`fields` names the fields at fault)."""


def _save(obj: Model, exclude: Sequence[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude) or None)
    except ValidationError as exc:
        raise invalid_fields_from(exc, GrowthError) from exc
    obj.save()


def _system(actor: Any) -> bool:
    return isinstance(actor, SystemActor)


# --- 1:1s -----------------------------------------------------------------------------------


@transaction.atomic
def pair_create(
    *, actor: Any, manager: Any, report: Any, cadence_days: int = 14, started_on: date
) -> OneOnOnePair:
    """Start a 1:1 cadence between a manager and a report."""
    if not rules.may_manage_pair(actor, report.pk, manager.pk):
        raise PermissionDenied("only the manager, a manager above, or people/CTO set up a 1:1")
    if OneOnOnePair.objects.filter(manager=manager, report=report).exists():
        raise GrowthError(
            "these two already have a 1:1 cadence",
            fields={"report": [f"{report.name} already has a 1:1 with {manager.name}"]},
        )
    pair = OneOnOnePair(
        manager=manager, report=report, cadence_days=cadence_days, started_on=started_on
    )
    _save(pair)
    return pair


@transaction.atomic
def pair_update(
    *, actor: Any, pair: OneOnOnePair, cadence_days: int, ended_on: date | None = None
) -> OneOnOnePair:
    """Change a pair's cadence (in days), or end it."""
    if not rules.may_manage_pair(actor, pair.report_id, pair.manager_id):
        raise PermissionDenied("may not change this 1:1 cadence")
    pair.cadence_days = cadence_days
    pair.ended_on = ended_on
    if ended_on is not None and ended_on < pair.started_on:
        raise GrowthError("ends before it started", fields={"ended_on": ["after the start"]})
    _save(pair)
    return pair


@dataclass(frozen=True)
class ActionIn:
    """An action item as a form or the API gives it."""

    text: str
    owner: Any
    due_on: date | None = None


@transaction.atomic
def meeting_record(
    *,
    actor: Any,
    pair: OneOnOnePair,
    held_on: date,
    agenda: str = "",
    private_notes: str = "",
    actions: Sequence[ActionIn] = (),
) -> OneOnOneMeeting:
    """Record that a 1:1 took place, with its agenda, private notes and action items.

    Only the two people of the pair record their 1:1s (the system for the demo and imports).
    """
    if not (_system(actor) or rules.is_in_pair(actor, pair)):
        raise PermissionDenied("only the two people of a 1:1 record it")
    if OneOnOneMeeting.objects.filter(pair=pair, held_on=held_on).exists():
        raise GrowthError(
            "a 1:1 is already recorded on that day",
            fields={"held_on": ["a 1:1 is already recorded for this pair on this day"]},
        )
    meeting = OneOnOneMeeting(pair=pair, held_on=held_on)
    _save(meeting)
    content = OneOnOneContent(meeting=meeting, agenda=agenda, private_notes=private_notes)
    _save(content)
    for action in actions:
        if action.owner.pk not in (pair.manager_id, pair.report_id):
            raise GrowthError(
                "an action item belongs to one of the pair",
                fields={"actions": ["the owner is the manager or the report"]},
            )
        item = ActionItem(
            meeting=meeting, text=action.text.strip(), owner=action.owner, due_on=action.due_on
        )
        _save(item)
    return meeting


@transaction.atomic
def meeting_update_content(
    *, actor: Any, meeting: OneOnOneMeeting, agenda: str, private_notes: str
) -> OneOnOneContent:
    """Change what a 1:1 was about (the pair only)."""
    if not rules.is_in_pair(actor, meeting.pair):
        raise PermissionDenied("only the two people of a 1:1 change it")
    content, _ = OneOnOneContent.objects.get_or_create(meeting=meeting)
    content.agenda = agenda
    content.private_notes = private_notes
    _save(content)
    return content


@transaction.atomic
def action_item_add(
    *, actor: Any, meeting: OneOnOneMeeting, text: str, owner: Any, due_on: date | None = None
) -> ActionItem:
    """Add an action item to a 1:1 (the pair only)."""
    pair = meeting.pair
    if not rules.is_in_pair(actor, pair):
        raise PermissionDenied("only the two people of a 1:1 change it")
    if owner.pk not in (pair.manager_id, pair.report_id):
        raise GrowthError(
            "an action item belongs to one of the pair",
            fields={"owner": ["pick the manager or the report"]},
        )
    item = ActionItem(meeting=meeting, text=text.strip(), owner=owner, due_on=due_on)
    _save(item)
    return item


@transaction.atomic
def action_item_set_done(*, actor: Any, item: ActionItem, done_on: date | None) -> ActionItem:
    """Mark an action item done on a day (or open again with None); the pair only."""
    if not rules.is_in_pair(actor, item.meeting.pair):
        raise PermissionDenied("only the two people of a 1:1 change it")
    item.done_on = done_on
    _save(item)
    return item


@transaction.atomic
def action_item_update(
    *, actor: Any, item: ActionItem, text: str, due_on: date | None, done_on: date | None
) -> ActionItem:
    """Change an action item's text, due day and done day (the pair only)."""
    if not rules.is_in_pair(actor, item.meeting.pair):
        raise PermissionDenied("only the two people of a 1:1 change it")
    item.text = text.strip()
    item.due_on = due_on
    item.done_on = done_on
    _save(item)
    return item


# --- ladders: people's levels, plans, promotions ---------------------------------------------


@transaction.atomic
def person_level_set(
    *, actor: Any, person: Any, level: LadderLevel, start: date, note: str = ""
) -> PersonLevel:
    """Put a person at a ladder level from `start`; the level they held before ends there."""
    if not rules.may_manage_person(actor, person.pk):
        raise PermissionDenied("may not set this person's level")
    later = PersonLevel.objects.filter(person=person, start__gte=start)
    if later.exists():
        raise GrowthError(
            "a level is already recorded from that day or later",
            fields={"start": ["pick a day after the last recorded level change"]},
        )
    for current in PersonLevel.objects.filter(person=person, end__isnull=True):
        current.end = start
        _save(current)
    row = PersonLevel(person=person, level=level, start=start, note=note)
    _save(row)
    return row


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    person: Any,
    title: str,
    started_on: date,
    target_level: LadderLevel | None = None,
) -> DevelopmentPlan:
    """Open a development plan for a person."""
    if not rules.may_keep_plan(actor, person.pk):
        raise PermissionDenied("may not write this person's development plan")
    plan = DevelopmentPlan(
        person=person, title=title.strip(), started_on=started_on, target_level=target_level
    )
    _save(plan)
    return plan


@transaction.atomic
def goal_add(
    *,
    actor: Any,
    plan: DevelopmentPlan,
    title: str,
    competency: Competency | None = None,
    due_on: date | None = None,
) -> DevelopmentGoal:
    """Add a goal (tied to a competency) to a plan."""
    if not rules.may_keep_plan(actor, plan.person_id):
        raise PermissionDenied("may not write this person's development plan")
    goal = DevelopmentGoal(plan=plan, title=title.strip(), competency=competency, due_on=due_on)
    _save(goal)
    return goal


@transaction.atomic
def goal_check_in(
    *, actor: Any, goal: DevelopmentGoal, on: date, progress: int, note: str = "", status: str = ""
) -> GoalCheckIn:
    """Record progress on a goal (0-100 %); `status` done/dropped closes it."""
    if not rules.may_keep_plan(actor, goal.plan.person_id):
        raise PermissionDenied("may not write this person's development plan")
    check_in = GoalCheckIn(goal=goal, on=on, progress=progress, note=note)
    _save(check_in)
    if status and status != goal.status:
        goal.status = status
        _save(goal)
    return check_in


@transaction.atomic
def promotion_open(
    *,
    actor: Any,
    person: Any,
    to_level: LadderLevel,
    opened_on: date,
    summary: str = "",
    evidence: Sequence[tuple[Competency | None, str, str]] = (),
) -> PromotionCase:
    """Open a promotion case with its evidence (competency, what was done, a link)."""
    if not rules.may_manage_person(actor, person.pk):
        raise PermissionDenied("may not open a promotion case for this person")
    case = PromotionCase(
        person=person,
        to_level=to_level,
        opened_on=opened_on,
        summary=summary,
        created_by=policy.user_record(actor),
    )
    _save(case)
    for competency, text, url in evidence:
        promotion_add_evidence(actor=actor, case=case, competency=competency, text=text, url=url)
    return case


@transaction.atomic
def promotion_add_evidence(
    *,
    actor: Any,
    case: PromotionCase,
    text: str,
    competency: Competency | None = None,
    url: str = "",
) -> PromotionEvidence:
    """Add a piece of evidence to an open case."""
    if not rules.may_manage_person(actor, case.person_id):
        raise PermissionDenied("may not change this promotion case")
    if case.status != PromotionCase.Status.OPEN:
        raise GrowthError("the case is decided", fields={"text": ["the case is closed"]})
    item = PromotionEvidence(case=case, competency=competency, text=text.strip(), url=url)
    _save(item)
    return item


@transaction.atomic
def promotion_decide(
    *, actor: Any, case: PromotionCase, outcome: str, on: date, note: str = ""
) -> PromotionCase:
    """Record a decision; approving puts the person at the case's level from `on`."""
    if outcome == PromotionCase.Status.WITHDRAWN:
        allowed = rules.may_manage_person(actor, case.person_id)
    else:
        allowed = rules.may_decide_promotion(actor)
    if not allowed:
        raise PermissionDenied("may not decide this promotion case")
    if case.status != PromotionCase.Status.OPEN:
        raise GrowthError(
            f"the case is already {case.status}", fields={"outcome": ["the case is closed"]}
        )
    if outcome not in PromotionCase.Status.values:
        raise GrowthError(f"unknown outcome {outcome!r}", fields={"outcome": ["pick one"]})
    decision = PromotionDecision(
        case=case, on=on, outcome=outcome, note=note, decided_by=policy.user_record(actor)
    )
    _save(decision)
    case.status = outcome
    _save(case)
    if outcome == PromotionCase.Status.APPROVED:
        person_level_set(
            actor=policy.SYSTEM, person=case.person, level=case.to_level, start=on, note="promoted"
        )
    return case


@transaction.atomic
def exit_record_set(*, actor: Any, person: Any, left_on: date, reason: str) -> ExitRecord:
    """Record the main reason a person left (people role, CTO, system)."""
    if not (_system(actor) or rules.may_see_retention(actor)):
        raise PermissionDenied("only the people role and the CTO record exit reasons")
    row, _ = ExitRecord.objects.get_or_create(
        person=person, left_on=left_on, defaults={"reason": reason}
    )
    row.reason = reason
    _save(row)
    return row


# --- career frameworks ----------------------------------------------------------------------


def framework_changes(ladder: Any) -> dict[str, list[str]]:
    """What saving `ladder` would change: {"added"|"changed"|"unchanged"|"removed": [what]}."""
    from steward.growth import ladder_format
    from steward.growth.models import Framework

    existing = Framework.objects.filter(key=ladder.id).first()
    if existing is None:
        return {"added": [f"framework {ladder.id}"], "changed": [], "unchanged": [], "removed": []}
    current = ladder_format.ladder_of(existing)
    old = ladder_format.steward_data(current)["framework"]
    new = ladder_format.steward_data(ladder)["framework"]
    changed = [key for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]
    if not changed:
        return {"added": [], "changed": [], "unchanged": [f"framework {ladder.id}"], "removed": []}
    return {
        "added": [],
        "changed": [f"framework {ladder.id}: {', '.join(changed)}"],
        "unchanged": [],
        "removed": [],
    }


@transaction.atomic
def framework_save(*, actor: Any, ladder: Any) -> Any:
    """Create or update a career framework from a `ladder_format.Ladder` (idempotent).

    Tracks, levels and competencies are matched by id; expectations are replaced; rows the
    file no longer has are removed, except levels that people hold (then a GrowthError).
    """
    from steward.growth.models import Expectation, Framework, LadderTrack

    if not (_system(actor) or rules.may_edit_ladder(actor)):
        raise PermissionDenied("only the people role, the CTO and admins change career ladders")
    framework, _ = Framework.objects.get_or_create(
        key=ladder.id, defaults={"title": ladder.title, "version": ladder.version}
    )
    if (framework.title, framework.version, framework.scoring) != (
        ladder.title,
        ladder.version,
        ladder.scoring,
    ):
        framework.title, framework.version, framework.scoring = (
            ladder.title,
            ladder.version,
            ladder.scoring,
        )
        _save(framework)
    levels: dict[tuple[str, str], LadderLevel] = {}
    keep_tracks = []
    for position, t in enumerate(ladder.tracks):
        track, _ = LadderTrack.objects.get_or_create(
            framework=framework, key=t.id, defaults={"title": t.title, "position": position}
        )
        if (track.title, track.position) != (t.title, position):
            track.title, track.position = t.title, position
            _save(track)
        keep_tracks.append(track.pk)
        keep_levels = []
        for lv in t.levels:
            level, _ = LadderLevel.objects.get_or_create(
                track=track,
                key=lv.id,
                defaults={"rank": lv.rank, "title": lv.title, "sfia_level": lv.sfia_level},
            )
            if (level.rank, level.title, level.sfia_level) != (lv.rank, lv.title, lv.sfia_level):
                level.rank, level.title, level.sfia_level = lv.rank, lv.title, lv.sfia_level
                _save(level)
            levels[(t.id, lv.id)] = level
            keep_levels.append(level.pk)
        _remove_levels(LadderLevel.objects.filter(track=track).exclude(pk__in=keep_levels))
    for gone in LadderTrack.objects.filter(framework=framework).exclude(pk__in=keep_tracks):
        _remove_levels(LadderLevel.objects.filter(track=gone))
        gone.delete()
    competencies: dict[str, Competency] = {}
    keep = []
    for position, c in enumerate(ladder.competencies):
        comp, _ = Competency.objects.get_or_create(
            framework=framework,
            key=c.id,
            defaults={"name": c.name, "category": c.category, "position": position},
        )
        if (comp.name, comp.category, comp.position) != (c.name, c.category, position):
            comp.name, comp.category, comp.position = c.name, c.category, position
            _save(comp)
        competencies[c.id] = comp
        keep.append(comp.pk)
    Competency.objects.filter(framework=framework).exclude(pk__in=keep).delete()
    wanted = {}
    for e in ladder.expectations:
        wanted[(competencies[e.competency].pk, levels[(e.track, e.level)].pk)] = e
    stored = {
        (x.competency_id, x.level_id): x
        for x in Expectation.objects.filter(competency__framework=framework)
    }
    for key, row in stored.items():
        if key not in wanted:
            row.delete()
    for (comp_id, level_id), e in wanted.items():
        found = stored.get((comp_id, level_id))
        if found is not None and (found.criteria, found.examples) == (
            list(e.criteria),
            list(e.examples),
        ):
            continue
        row = found or Expectation(competency_id=comp_id, level_id=level_id)
        row.criteria, row.examples = list(e.criteria), list(e.examples)
        _save(row)
    return framework


def _remove_levels(rows: Any) -> None:
    held = PersonLevel.objects.filter(level__in=rows)
    if held.exists():
        names = ", ".join(sorted({str(r.level.key) for r in held.select_related("level")}))
        raise GrowthError(
            f"levels {names} are held by people and cannot be removed",
            fields={"__all__": [f"keep levels {names} in the file, or move the people first"]},
        )
    rows.delete()


# --- onboarding -----------------------------------------------------------------------------


@transaction.atomic
def onboarding_template_save(
    *, actor: Any, key: str, title: str, tasks: Sequence[tuple[str, int, str]]
) -> Any:
    """Create or replace a template: tasks as (title, day after start, owner)."""
    from steward.growth.models import OnboardingTemplate, OnboardingTemplateTask

    if not (_system(actor) or rules.may_edit_ladder(actor)):
        raise PermissionDenied("only the people role, the CTO and admins change templates")
    template, _ = OnboardingTemplate.objects.get_or_create(key=key, defaults={"title": title})
    template.title = title
    _save(template)
    template.tasks.all().delete()
    for task_title, day, owner in tasks:
        _save(OnboardingTemplateTask(template=template, title=task_title, day=day, owner=owner))
    return template


@transaction.atomic
def onboarding_start(
    *, actor: Any, person: Any, template: Any, buddy: Any | None = None, start: date | None = None
) -> Any:
    """Make a joiner's plan from a template: each task due `day` days after the start, owned
    by the joiner, their manager or their buddy."""
    from steward.growth.models import OnboardingPlan, OnboardingTask

    if not (_system(actor) or rules.may_manage_person(actor, person.pk)):
        raise PermissionDenied("only the joiner's managers and the people role start onboarding")
    if OnboardingPlan.objects.filter(person=person).exists():
        raise GrowthError(
            "this person already has an onboarding plan",
            fields={"person": [f"{person.name} already has a plan"]},
        )
    if buddy is not None and buddy.pk == person.pk:
        raise GrowthError("a buddy is someone else", fields={"buddy": ["pick a colleague"]})
    begin = start or person.start_date
    plan = OnboardingPlan(person=person, template=template, buddy=buddy, start=begin)
    _save(plan)
    owners = {"joiner": person, "manager": person.manager, "buddy": buddy}
    for task in template.tasks.all():
        _save(
            OnboardingTask(
                plan=plan,
                title=task.title,
                owner=owners.get(task.owner) or person,
                due_on=begin + timedelta(days=task.day),
            )
        )
    return plan


@transaction.atomic
def onboarding_task_set_done(*, actor: Any, task: Any, done_on: date | None) -> Any:
    """Tick a task off (the owner, the joiner, their managers, the people role)."""
    me = policy.person_of(actor)
    allowed = (
        _system(actor)
        or (me is not None and me.pk in (task.owner_id, task.plan.person_id))
        or rules.may_manage_person(actor, task.plan.person_id)
    )
    if not allowed:
        raise PermissionDenied("may not change this onboarding task")
    task.done_on = done_on
    _save(task)
    return task


# --- coaching and training ------------------------------------------------------------------


@transaction.atomic
def coaching_start(
    *, actor: Any, coach: Any, lead: Any, started_on: date, goals: Sequence[str] = ()
) -> Any:
    """Start coaching a team lead (the coach is the actor, or people/CTO/admin set it up)."""
    from steward.growth.models import CoachingProgramme

    me = policy.person_of(actor)
    if not (
        _system(actor)
        or (me is not None and me.pk == coach.pk)
        or bool(policy.roles_of(actor) & rules.GROWTH_ADMIN_ROLES)
    ):
        raise PermissionDenied("the coach, the people role or the CTO set up coaching")
    programme = CoachingProgramme(
        coach=coach, lead=lead, started_on=started_on, goals=[g.strip() for g in goals if g.strip()]
    )
    _save(programme)
    return programme


@transaction.atomic
def coaching_session_record(
    *, actor: Any, programme: Any, held_on: date, topic: str, notes: str = ""
) -> Any:
    """Record a coaching session (the coach or the lead)."""
    from steward.growth.models import CoachingSession

    me = policy.person_of(actor)
    if not (
        _system(actor) or (me is not None and me.pk in (programme.coach_id, programme.lead_id))
    ):
        raise PermissionDenied("only the coach and the lead record their sessions")
    session = CoachingSession(
        programme=programme, held_on=held_on, topic=topic.strip(), notes=notes
    )
    _save(session)
    return session


@transaction.atomic
def course_save(
    *,
    actor: Any,
    key: str,
    title: str,
    provider: str = "",
    hours: Any = None,
    cost: Any = 0,
    currency: str = "EUR",
) -> Any:
    """Create or update a catalog course (people role, CTO, admins)."""
    from steward.growth.models import Course

    if not (_system(actor) or rules.may_edit_ladder(actor)):
        raise PermissionDenied("only the people role, the CTO and admins change the catalog")
    course, _ = Course.objects.get_or_create(key=key, defaults={"title": title})
    course.title, course.provider, course.hours = title, provider, hours
    course.cost, course.currency = cost, currency
    _save(course)
    return course


@transaction.atomic
def training_record_add(
    *, actor: Any, person: Any, course: Any, completed_on: date, cost: Any = None
) -> Any:
    """Record that a person took a course (the person, their managers, people/CTO/admin)."""
    from steward.growth.models import TrainingRecord

    if not (_system(actor) or rules.may_keep_plan(actor, person.pk)):
        raise PermissionDenied("may not record training for this person")
    record = TrainingRecord(
        person=person,
        course=course,
        completed_on=completed_on,
        cost=course.cost if cost is None else cost,
    )
    _save(record)
    return record


@transaction.atomic
def training_budget_set(
    *, actor: Any, person: Any, year: int, amount: Any, currency: str = "EUR"
) -> Any:
    """Set a person's training budget for a year (people role, CTO, admins, managers above)."""
    from steward.growth.models import TrainingBudget

    if not (_system(actor) or rules.may_manage_person(actor, person.pk)):
        raise PermissionDenied("may not set this person's training budget")
    budget, _ = TrainingBudget.objects.get_or_create(
        person=person, year=year, defaults={"amount": amount, "currency": currency}
    )
    budget.amount, budget.currency = amount, currency
    _save(budget)
    return budget


# --- engagement surveys ---------------------------------------------------------------------

SURVEY_KINDS = ("enps", "scale", "text")


@dataclass(frozen=True)
class QuestionIn:
    """A survey question as the form or a caller gives it (`line` locates it for errors)."""

    key: str
    kind: str
    text: str
    line: int = 0


def _survey_problems(
    *,
    survey: Any,
    opened_on: date,
    closes_on: date | None,
    audience: Sequence[Any],
    questions: Sequence[QuestionIn],
    min_group: int,
) -> dict[str, list[str]]:
    """Everything wrong with a survey as asked, by form field (empty when it can be saved)."""
    from steward.growth.models import SurveyAnswer
    from steward.org import selectors as org_selectors

    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if closes_on is not None and closes_on < opened_on:
        add("closes_on", f"closes before it opens ({opened_on:%Y-%m-%d}): pick a later day")
    if not questions:
        add("questions", "add at least one question, one per line")
    seen: set[str] = set()
    texts: set[str] = set()
    for q in questions:
        where = f"line {q.line}: " if q.line else ""
        if q.kind not in SURVEY_KINDS:
            add("questions", f"{where}kind {q.kind!r} is not one of enps, scale, text")
        if not q.text.strip():
            add("questions", f"{where}write the question after the kind")
        if q.key in seen:
            add("questions", f"{where}key {q.key!r} is used twice: give each question its own")
        seen.add(q.key)
        if q.text.strip().lower() in texts:
            add("questions", f"{where}the same question is asked twice: remove one")
        texts.add(q.text.strip().lower())
    if sum(1 for q in questions if q.kind == "enps") > 1:
        add("questions", "one eNPS question per survey (eNPS is one figure per round)")
    if survey is not None:
        asked = {q.key: q for q in questions}
        answered = set(
            SurveyAnswer.objects.filter(question__survey=survey)
            .values_list("question__key", flat=True)
            .distinct()
        )
        for old in survey.questions.all():
            if old.key not in answered:
                continue
            new = asked.get(old.key)
            if new is None:
                add("questions", f"[{old.key}] has answers: it cannot be removed")
            elif new.kind != old.kind:
                add("questions", f"[{old.key}] has answers: its kind stays {old.kind}")
    # Results show only for groups of at least `min_group`: a smaller audience would never see
    # a result, and a survey of two people is not anonymous.
    sizes = org_selectors.team_sizes(on=opened_on)
    invited = sum(sizes.get(team.pk, 0) for team in audience) if audience else sum(sizes.values())
    if invited < min_group:
        add(
            "audience",
            f"{invited:,} people are employed in the audience on {opened_on:%Y-%m-%d}; results "
            f"show only for groups of at least {min_group:,}: add teams or ask everyone",
        )
    return problems


@transaction.atomic
def survey_save(
    *,
    actor: Any,
    survey: Any = None,
    key: str,
    title: str,
    opened_on: date,
    closes_on: date | None = None,
    audience: Sequence[Any] = (),
    intro: str = "",
    questions: Sequence[QuestionIn],
) -> Any:
    """Create a survey round (survey=None) or change one: title, dates, audience (teams; none
    means everyone), questions. A question that has answers keeps its key and kind. Answers are
    never read or written here."""
    from steward.growth import engagement
    from steward.growth.models import Survey, SurveyQuestion

    if not (_system(actor) or rules.may_import_surveys(actor)):
        raise PermissionDenied("only the people role, the CTO and admins create surveys")
    if survey is None and Survey.objects.filter(key=key).exists():
        raise GrowthError(
            "a survey with this key exists", fields={"key": [f"{key!r} is taken: pick another"]}
        )
    problems = _survey_problems(
        survey=survey,
        opened_on=opened_on,
        closes_on=closes_on,
        audience=audience,
        questions=questions,
        min_group=engagement.min_group(),
    )
    if problems:
        first = next(iter(problems.values()))[0]
        raise GrowthError(first, fields=problems)
    if survey is None:
        survey = Survey(key=key)
    survey.title, survey.opened_on, survey.closes_on = title.strip(), opened_on, closes_on
    survey.intro = intro
    _save(survey)
    if {t.pk for t in survey.audience.all()} != {t.pk for t in audience}:
        survey.audience.set(list(audience))
    stored = {q.key: q for q in survey.questions.all()}
    for q in questions:
        old = stored.pop(q.key, None)
        if old is None:
            _save(SurveyQuestion(survey=survey, key=q.key, kind=q.kind, text=q.text.strip()))
        elif (old.kind, old.text) != (q.kind, q.text.strip()):
            old.kind, old.text = q.kind, q.text.strip()
            _save(old)
    for old in stored.values():  # unanswered (checked above): removing loses nothing
        old.delete()
    return survey


@transaction.atomic
def onboarding_template_delete(*, actor: Any, template: Any) -> None:
    """Delete a template (its tasks go with it; plans made from it keep their own copied tasks
    and lose only the link)."""
    if not (_system(actor) or rules.may_edit_ladder(actor)):
        raise PermissionDenied("only the people role, the CTO and admins change templates")
    template.delete()


@transaction.atomic
def course_delete(*, actor: Any, course: Any) -> None:
    """Delete a catalog course nobody took (a course with training records stays)."""
    if not (_system(actor) or rules.may_edit_ladder(actor)):
        raise PermissionDenied("only the people role, the CTO and admins change the catalog")
    if course.records.exists():
        raise GrowthError(
            "people took this course",
            fields={"__all__": ["people took this course: their records keep it"]},
        )
    course.delete()
