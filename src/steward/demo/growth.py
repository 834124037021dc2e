"""The demo company's growth data, written through the growth services: a career framework with
two tracks (engineering L1-L5, management M1-M5), people's levels with promotions, 1:1 history
with some overdue pairs, development plans and promotion cases, two engagement survey rounds
(one team's eNPS falls), and the reasons people left."""

from __future__ import annotations

from datetime import date, timedelta

from steward.core.importing import Diff
from steward.core.policy import SYSTEM
from steward.demo.batch import Batch
from steward.demo.builder import DemoContext
from steward.growth import engagement, ladder_format, services
from steward.growth.importers import respondent_digest
from steward.growth.models import (
    ActionItem,
    Competency,
    ExitRecord,
    LadderLevel,
    OneOnOneContent,
    OneOnOneMeeting,
    OneOnOnePair,
    PersonLevel,
    TrainingBudget,
    TrainingRecord,
)

TOPICS = [
    ("communication", "Communication", "craft"),
    ("impact", "Impact", "delivery"),
    ("leadership", "Leadership", "people"),
    ("influence", "Influence", "people"),
    ("mastery", "Technical mastery", "craft"),
]
ENGINEERING_LEVELS = [
    ("L1", "Software Engineer I", 2),
    ("L2", "Software Engineer II", 3),
    ("L3", "Senior Software Engineer", 4),
    ("L4", "Staff Engineer", 5),
    ("L5", "Principal Engineer", 6),
]
MANAGEMENT_LEVELS = [
    ("M1", "Engineering Manager", 4),
    ("M2", "Senior Engineering Manager", 5),
    ("M3", "Director of Engineering", 6),
    ("M4", "VP of Engineering", 6),
    ("M5", "Chief Technology Officer", 7),
]
SCOPE = ["their tasks", "their features", "their team", "several teams", "the company"]


def demo_ladder() -> ladder_format.Ladder:
    """Northwind's engineering framework (Monzo topics as competencies)."""
    ladder = ladder_format.Ladder(
        id="northwind-engineering", title="Northwind engineering", version="2026.1"
    )
    for track_id, title, levels in (
        ("engineering", "Engineering", ENGINEERING_LEVELS),
        ("management", "Engineering management", MANAGEMENT_LEVELS),
    ):
        track = ladder_format.Track(id=track_id, title=title)
        for rank, (key, level_title, sfia) in enumerate(levels, start=1):
            track.levels.append(ladder_format.Level(key, rank, level_title, sfia))
        ladder.tracks.append(track)
    for key, name, category in TOPICS:
        ladder.competencies.append(ladder_format.Competency(key, name, category))
    for track in ladder.tracks:
        for level in track.levels:
            scope = SCOPE[level.rank - 1]
            for key, name, _ in TOPICS:
                ladder.expectations.append(
                    ladder_format.Expectation(
                        competency=key,
                        track=track.id,
                        level=level.id,
                        criteria=[f"{name}: consistently shows it across {scope}"],
                        examples=[f"Led a change in {scope} that shows {name.lower()}"],
                    )
                )
    return ladder


def step_growth(ctx: DemoContext) -> None:
    """Ladder, levels, 1:1s, plans, promotions, surveys, exit reasons."""
    rng, today = ctx.rng, ctx.today
    services.framework_save(actor=SYSTEM, ladder=demo_ladder())
    levels = {
        lv.key: lv
        for lv in LadderLevel.objects.filter(track__framework__key="northwind-engineering")
    }
    people = list(ctx.org.people.values())
    active = [p for p in people if p.end_date is None]
    # Levels: everyone at their HR level; a third were promoted into it after a year or more.
    # Written in bulk, as `person_level_set` would write them (see steward.demo.batch).
    ranked: dict[tuple[int, int], LadderLevel] = {}
    for lv in LadderLevel.objects.filter(track__framework__key="northwind-engineering").order_by(
        "track", "rank", "pk"
    ):
        ranked.setdefault((lv.track_id, lv.rank), lv)
    batch = Batch()
    for person in people:
        level = levels.get(person.level)
        if level is None:
            continue
        below = ranked.get((level.track_id, level.rank - 1))
        promoted = person.start_date + timedelta(days=rng.randrange(380, 900))
        end = person.end_date or today
        if below is not None and rng.random() < 0.35 and promoted < end - timedelta(days=30):
            first = batch.add(PersonLevel(person=person, level=below, start=person.start_date))
            batch.change(first, end=promoted)
            batch.add(PersonLevel(person=person, level=level, start=promoted, note="promoted"))
        else:
            batch.add(PersonLevel(person=person, level=level, start=person.start_date))
    batch.flush()
    _onboarding(ctx, active)
    _one_on_ones(ctx, active)
    _plans_and_promotions(ctx, levels)
    _goals(ctx)
    _surveys(ctx, active)
    _coaching_and_training(ctx, active)
    exits = Batch()
    for person in people:
        if person.end_date is None:
            continue
        if person.termination_type == "involuntary":
            reason = rng.choice(["performance", "restructuring"])
        else:
            reason = rng.choice(
                ["compensation", "career", "career", "manager", "workload", "relocation", "other"]
            )
        # As `exit_record_set` writes a new one (its second save changes nothing).
        exits.add(ExitRecord(person=person, left_on=person.end_date, reason=reason))
    exits.flush()
    assert ExitRecord.objects.exists()


ONBOARDING_TASKS = [
    ("Laptop, accounts and access to the repositories", 1, "manager"),
    ("Coffee with your buddy", 2, "buddy"),
    ("Run the service locally and ship a first small change", 10, "joiner"),
    ("Walk through the architecture decisions with your buddy", 14, "buddy"),
    ("Agree on 30/60/90-day goals", 20, "manager"),
    ("Join the on-call shadow rotation", 45, "joiner"),
    ("Own a small feature end to end", 60, "joiner"),
    ("90-day review", 90, "manager"),
]


def _onboarding(ctx: DemoContext, active: list) -> None:  # type: ignore[type-arg]
    """A 30/60/90 template; plans for everyone who joined in the last 150 days."""
    rng, today = ctx.rng, ctx.today
    template = services.onboarding_template_save(
        actor=SYSTEM,
        key="engineering-30-60-90",
        title="Engineering: first 90 days",
        tasks=ONBOARDING_TASKS,
    )
    for person in sorted(active, key=lambda p: p.employee_id):
        if (today - person.start_date).days > 150 or person.manager_id is None:
            continue
        mates = [p for p in active if p.team_id == person.team_id and p != person]
        buddy = rng.choice(mates) if mates else None
        plan = services.onboarding_start(
            actor=SYSTEM, person=person, template=template, buddy=buddy
        )
        for task in plan.tasks.all():
            if task.due_on < today - timedelta(days=3) and rng.random() < 0.85:
                services.onboarding_task_set_done(
                    actor=SYSTEM,
                    task=task,
                    done_on=task.due_on - timedelta(days=rng.randrange(0, 3)),
                )


def _one_on_ones(ctx: DemoContext, active: list) -> None:  # type: ignore[type-arg]
    """A cadence for every active report; 90 days of history; about one pair in six lapsed."""
    rng, today = ctx.rng, ctx.today
    by_id = {p.pk: p for p in active}
    batch = Batch()  # as `pair_create` and `meeting_record` write them (steward.demo.batch)
    for report in sorted(active, key=lambda p: p.employee_id):
        manager = by_id.get(report.manager_id or -1)
        if manager is None:
            continue
        cadence = 7 if rng.random() < 0.25 else 14
        started = max(report.start_date, today - timedelta(days=120))
        pair = batch.add(
            OneOnOnePair(manager=manager, report=report, cadence_days=cadence, started_on=started)
        )
        lapsed = rng.random() < 0.18 or report == ctx.org.engineer
        stop = (
            today - timedelta(days=rng.randrange(int(cadence * 1.6) + 1, 60)) if lapsed else today
        )
        day = started + timedelta(days=rng.randrange(0, cadence))
        while day <= stop:
            private = report == ctx.org.engineer
            # As `meeting_record` writes them: the meeting, its content, its action items.
            meeting = batch.add(OneOnOneMeeting(pair=pair, held_on=day))
            batch.add(
                OneOnOneContent(
                    meeting=meeting,
                    agenda="Priorities for the next two weeks\nFeedback on the last release",
                    private_notes=(
                        "Wants to grow towards tech lead; worried about the on-call load."
                        if private
                        else ""
                    ),
                )
            )
            if rng.random() < 0.3:
                batch.add(
                    ActionItem(
                        meeting=meeting,
                        text="Write up the on-call rotation proposal",
                        owner=report,
                        due_on=day + timedelta(days=cadence),
                    )
                )
            day += timedelta(days=cadence + rng.choice([-2, -1, 0, 0, 0, 1, 3]))
    batch.flush()


def _goals(ctx: DemoContext) -> None:
    """Goals under objective O1: the payments team's, and one of the demo engineer's."""
    from steward.growth import goals
    from steward.strategy import selectors as strategy_selectors

    objective = strategy_selectors.objective_get(actor=SYSTEM, key="O1")
    engineer = ctx.org.engineer
    if objective is None or engineer is None or engineer.team is None:
        return
    markets = objective.key_results.get(key="KR1")
    team_goal = goals.goal_create(
        actor=SYSTEM,
        objective=objective,
        key_result=markets,
        team=engineer.team,
        title="Local payment methods live in Poland and Spain",
        due_on=ctx.today + timedelta(days=120),
    )
    goals.goal_update(
        actor=SYSTEM,
        goal=team_goal,
        title=team_goal.title,
        key_result=markets,
        due_on=team_goal.due_on,
        progress=50,
    )
    goals.goal_create(
        actor=SYSTEM,
        objective=objective,
        key_result=markets,
        person=engineer,
        title="Ship BLIK payments for Poland",
        due_on=ctx.today + timedelta(days=60),
    )


def _plans_and_promotions(ctx: DemoContext, levels: dict) -> None:  # type: ignore[type-arg]
    """A development plan and an open promotion case for the demo engineer; decided cases."""
    today = ctx.today
    engineer, manager = ctx.org.engineer, ctx.org.manager
    assert engineer is not None and manager is not None
    comps = {c.key: c for c in Competency.objects.filter(framework__key="northwind-engineering")}
    current = levels.get(engineer.level)
    target = (
        LadderLevel.objects.filter(track=current.track, rank=current.rank + 1).first()
        if current
        else None
    )
    plan = services.plan_create(
        actor=SYSTEM,
        person=engineer,
        title="Towards the next level",
        started_on=today - timedelta(days=150),
        target_level=target,
    )
    for title, comp, progress in (
        ("Lead the design of the refunds service", "leadership", 60),
        ("Mentor the two newest engineers", "influence", 40),
        ("Present the payments architecture at the engineering all-hands", "communication", 100),
    ):
        goal = services.goal_add(
            actor=SYSTEM,
            plan=plan,
            title=title,
            competency=comps[comp],
            due_on=today + timedelta(days=60),
        )
        for weeks, share in ((16, 0.3), (8, 0.7), (2, 1.0)):
            services.goal_check_in(
                actor=SYSTEM,
                goal=goal,
                on=today - timedelta(weeks=weeks),
                progress=int(progress * share),
                note="steady progress",
                status="done" if progress == 100 and share == 1.0 else "",
            )
    if target is not None:
        services.promotion_open(
            actor=SYSTEM,
            person=engineer,
            to_level=target,
            opened_on=today - timedelta(days=20),
            summary="Has led the refunds design and mentors two engineers.",
            evidence=[
                (comps["leadership"], "Led the refunds service design review", ""),
                (comps["influence"], "Mentored two new joiners through their first quarter", ""),
            ],
        )
    # Two decided cases in the manager's team: one declined, one withdrawn.
    others = [
        p
        for p in ctx.org.people.values()
        if p.manager_id == manager.pk and p.end_date is None and p != engineer and p.level in levels
    ]
    for person, outcome in zip(
        sorted(others, key=lambda p: p.employee_id)[:2], ("declined", "withdrawn"), strict=False
    ):
        level = levels[person.level]
        nxt = LadderLevel.objects.filter(track=level.track, rank=level.rank + 1).first()
        if nxt is None:
            continue
        opened = today - timedelta(days=200)
        case = services.promotion_open(
            actor=SYSTEM,
            person=person,
            to_level=nxt,
            opened_on=opened,
            summary="Calibration round of spring 2026.",
            evidence=[(comps["impact"], "Shipped the checkout retry logic", "")],
        )
        services.promotion_decide(
            actor=SYSTEM,
            case=case,
            outcome=outcome,
            on=opened + timedelta(days=30),
            note="Not yet: more scope needed",
        )


COURSES = [
    ("k8s-fundamentals", "Kubernetes fundamentals", "Linux Foundation", 30, 395),
    ("ddd", "Domain-driven design workshop", "Virtual DDD", 16, 1200),
    ("leading-teams", "Leading engineering teams", "LeadDev", 12, 900),
    ("aws-architect", "AWS Solutions Architect Associate", "AWS", 40, 150),
]


def _coaching_and_training(ctx: DemoContext, active: list) -> None:  # type: ignore[type-arg]
    """The CTO coaches two team leads; a catalog; budgets and courses for the year."""
    rng, today = ctx.rng, ctx.today
    cto, manager = ctx.org.cto, ctx.org.manager
    assert cto is not None and manager is not None
    leads = [manager, *[p for p in active if p.title == "Engineering Manager" and p != manager][:1]]
    for lead in leads:
        programme = services.coaching_start(
            actor=SYSTEM,
            coach=cto,
            lead=lead,
            started_on=today - timedelta(days=120),
            goals=["Delegate on-call planning", "Run calibrated promotion cases"],
        )
        for weeks, topic in (
            (16, "Goals for the quarter"),
            (10, "Feedback conversations"),
            (4, "Hiring plan"),
        ):
            services.coaching_session_record(
                actor=SYSTEM,
                programme=programme,
                held_on=today - timedelta(weeks=weeks),
                topic=topic,
                notes="Agreed next steps.",
            )
    courses = [
        services.course_save(
            actor=SYSTEM, key=key, title=title, provider=provider, hours=hours, cost=cost
        )
        for key, title, provider, hours, cost in COURSES
    ]
    batch = Batch()
    for person in sorted(active, key=lambda p: p.employee_id):
        if person.track != "ic" and person != manager:
            continue
        # As `training_budget_set` writes a new budget: created as given, then saved cleaned.
        budget = batch.add(
            TrainingBudget(person=person, year=today.year, amount=1500, currency="EUR"),
            clean=False,
        )
        batch.change(budget, stored=True, amount=1500, currency="EUR")
        if rng.random() < 0.5:
            course = rng.choice(courses)
            batch.add(
                TrainingRecord(
                    person=person,
                    course=course,
                    completed_on=date(today.year, rng.randrange(1, 11), rng.randrange(1, 28)),
                    cost=course.cost,
                )
            )
    batch.flush()


ROUNDS = [
    ("engagement-2026-spring", "Engagement survey, spring 2026", date(2026, 4, 15)),
    ("engagement-2026-autumn", "Engagement survey, autumn 2026", date(2026, 10, 15)),
]
FALLING_TEAM = "payments"
ENPS_QUESTION = "How likely are you to recommend Northwind as a place to work?"


def _surveys(ctx: DemoContext, active: list) -> None:  # type: ignore[type-arg]
    """Two rounds; about 85 % answer; the payments team's eNPS falls in autumn."""
    rng = ctx.rng
    rows = []
    line = 0
    for index, (key, title, opened) in enumerate(ROUNDS):
        for person in active:
            if person.team_id is None or person.start_date > opened or rng.random() > 0.85:
                continue
            team_slug = person.team.slug
            mood = 8.2
            if team_slug == FALLING_TEAM and index == 1:
                mood = 5.5
            value = max(0, min(10, round(rng.gauss(mood, 1.6))))
            respondent = respondent_digest(key, f"demo-{person.pk}-{rng.random()}")
            answered = opened + timedelta(days=rng.randrange(0, 10))
            line += 1
            base = {
                "survey": key,
                "survey_title": title,
                "respondent": respondent,
                "team_id": person.team_id,
                "answered_at": answered,
                "line": line,
            }
            rows.append(
                {
                    **base,
                    "question": "enps",
                    "question_text": ENPS_QUESTION,
                    "kind": "enps",
                    "value": value,
                    "comment": "",
                }
            )
            for qkey, text in (
                ("growth", "I have opportunities to learn and grow"),
                ("manager", "My manager gives me useful feedback"),
            ):
                rows.append(
                    {
                        **base,
                        "question": qkey,
                        "question_text": text,
                        "kind": "scale",
                        "value": max(1, min(5, round(rng.gauss(value / 2.4, 0.8)))),
                        "comment": "",
                    }
                )
            if rng.random() < 0.15:
                rows.append(
                    {
                        **base,
                        "question": "comment",
                        "question_text": "Anything else you want to tell us?",
                        "kind": "text",
                        "value": None,
                        "comment": rng.choice(
                            [
                                "More time for learning would help.",
                                "On-call is heavy this quarter.",
                                "Great colleagues.",
                                "Clearer career paths, please.",
                            ]
                        ),
                    }
                )
    engagement.answers_save(actor=SYSTEM, rows=rows, diff=Diff(kind="survey", file="demo"))
