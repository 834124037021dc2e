"""The demo company's hiring: 12 requisitions (5 filled, 5 open, 2 planned from the headcount
plan), about 400 candidates with stage histories and sources, offers with versions, an
interview kit and scorecards, one requisition behind plan, and one stage (technical interview
to onsite) where women pass less often — the drop-out the diversity funnel shows."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import User

from steward.core.periods import quarter_of
from steward.core.policy import SYSTEM
from steward.demo.batch import deferred_audit
from steward.demo.builder import DemoContext
from steward.org import services as org_services
from steward.org.roledocs import parse_role
from steward.orgdesign import selectors as design
from steward.talent import services as talent
from steward.talent.models import DEFAULT_STAGES, Candidate, Offer, Requisition, Source

ENGINEER_ROLE = """---
title: Software Engineer
description: Builds and runs the product's services
---

Software engineers design, build and operate the services our customers rely on.

## Responsibilities

### Technical skills:
Designs services and data models that are simple to change.
Writes tested, readable code and reviews colleagues' code.

### Delivery:
Breaks work into small, safe changes and ships them continuously.
Runs what they build: monitoring, on-call and incident follow-up.

### Collaboration:
Explains trade-offs clearly to engineers and product managers.
Mentors colleagues and shares knowledge in the team.
"""

SOURCES = [
    ("LinkedIn", "job_board", 0.30),
    ("Careers page", "career_site", 0.22),
    ("Employee referral", "referral", 0.14),
    ("Agency Talentia", "agency", 0.08),
    ("Sourced by recruiting", "sourcing", 0.12),
    ("PyCon talk", "brand", 0.06),
    ("Engineering blog", "brand", 0.05),
    ("payments-sdk on GitHub", "brand", 0.03),
]
ACTIVITIES = {
    "PyCon talk": ("Talk: Idempotent payment APIs at PyCon", "talk", date(2026, 4, 18)),
    "Engineering blog": ("Blog: How we run on-call", "post", date(2026, 3, 2)),
    "payments-sdk on GitHub": ("Open source: payments-sdk", "open_source", date(2025, 11, 5)),
}
# Chance of passing each stage (to the next stage, or to hired from Offer).
PASS = {"Applied": 0.45, "Screen": 0.6, "Technical interview": 0.5, "Onsite": 0.45, "Offer": 0.8}
# The drop-out the diversity funnel shows: women pass the technical interview less often.
PASS_WOMEN_TECH = 0.22
# Self-identified ethnicity (per 100 candidates; "" = not answered). Small groups make the
# diversity funnel hide counts at the later stages.
ETHNICITIES = [
    ("White", 48),
    ("Asian", 20),
    ("Black", 10),
    ("Hispanic or Latino", 9),
    ("Middle Eastern or North African", 4),
    ("Two or more", 3),
    ("", 6),
]
REJECTIONS = ["Not enough experience", "Skills mismatch", "Salary expectations", "Position filled"]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def step_talent(ctx: DemoContext) -> None:
    """Hiring plan, requisitions, candidates and their pipeline, kits and scorecards."""
    rng = ctx.rng
    org = ctx.org
    doc = parse_role(ENGINEER_ROLE)
    role, _created = org_services.role_description_upsert(
        actor=SYSTEM,
        slug=org_services.role_slug(doc.title),
        title=doc.title,
        description=doc.description,
        summary=doc.summary,
        body=doc.body,
        sections=doc.sections,
        metadata=doc.metadata,
    )
    kit = talent.kit_build(actor=SYSTEM, role=role, level="L3")
    activities = {
        name: talent.activity_create(actor=SYSTEM, title=t, kind=k, on=d)
        for name, (t, k, d) in ACTIVITIES.items()
    }
    activities["payments-sdk on GitHub"].repository = "payments-sdk"
    activities["payments-sdk on GitHub"].save()
    sources = [
        (talent.source_create(actor=SYSTEM, name=n, kind=k, activity=activities.get(n)), w)
        for n, k, w in SOURCES
    ]
    manager_team = org.manager.team if org.manager is not None else None
    teams = [t for t in org.teams.values() if t.lead is not None]
    teams.sort(key=lambda t: (t != manager_team, t.slug))
    today = ctx.today
    people_user = User.objects.filter(username="people").first()
    cto_user = User.objects.get(username="cto")
    manager_user = User.objects.get(username="manager")

    # The portfolio optimizer's bottlenecks for next year (solved here, not stored: the
    # Portfolio plan page stores its own solution): the value of one more person per team and
    # quarter, kept on the requisitions.
    from steward.strategy.optimizer import solve_data
    from steward.strategy.selectors import portfolio_instance

    solved = solve_data(
        portfolio_instance(quarters="2027Q1..2027Q4"), time_limit=10, bottleneck_time_limit=3
    )
    values = {
        (str(b["team"]), str(b["quarter"])): Decimal(str(b["marginal_value_of_13_person_weeks"]))
        for b in solved.get("bottlenecks", [])
        if b.get("marginal_value_of_13_person_weeks") is not None
    }

    def req(
        n: int,
        team_index: int | str,
        level: str,
        title: str,
        opened: date | None,
        start: date,
        **kw,
    ) -> Requisition:
        if isinstance(team_index, str) and team_index in org.teams:
            team = org.teams[team_index]
        else:
            team = teams[(team_index if isinstance(team_index, int) else 5) % len(teams)]
        kw.setdefault("value_of_one_more_person", values.get((team.slug, str(quarter_of(start)))))
        r = talent.requisition_create(
            actor=SYSTEM,
            key=f"REQ-{n:04d}",
            title=title,
            team=team,
            level=level,
            role=role,
            reason=kw.pop("reason", "growth"),
            hiring_manager=team.lead if team != manager_team else org.manager,
            recruiter=people_user,
            target_start=start,
            budgeted_cost=Decimal(kw.pop("cost", 98500)),
            currency="EUR",
            **kw,
        )
        if opened is not None:
            talent.approval_record(actor=SYSTEM, requisition=r, note="in the plan")
            talent.requisition_move(actor=SYSTEM, requisition=r, status="open", on=opened)
        return r

    # 5 filled in 2026, 5 open (one behind plan), 2 planned from the headcount plan.
    filled = [
        req(1, 0, "L3", "Software Engineer", date(2026, 2, 2), date(2026, 6, 1)),
        req(2, 1, "L2", "Software Engineer", date(2026, 2, 16), date(2026, 6, 15)),
        req(3, 2, "L4", "Senior Software Engineer", date(2026, 3, 9), date(2026, 7, 1)),
        req(4, 3, "L3", "Software Engineer", date(2026, 4, 6), date(2026, 8, 3), reason="backfill"),
        req(5, 4, "L2", "Software Engineer", date(2026, 5, 4), date(2026, 9, 1)),
    ]
    behind = req(6, 0, "L3", "Software Engineer", date(2026, 10, 26), date(2026, 12, 21))
    open_reqs = [
        behind,
        req(7, 1, "L3", "Software Engineer", date(2026, 8, 3), date(2027, 2, 1)),
        req(8, 2, "L2", "Software Engineer", date(2026, 8, 17), date(2027, 3, 1)),
        # The optimizer's bottleneck: one more person in SRE enablement in 2027Q2 adds value.
        req(
            9,
            "sre-enablement",
            "L4",
            "Senior Site Reliability Engineer",
            date(2026, 9, 7),
            date(2027, 4, 5),
        ),
        req(10, 6, "L3", "Software Engineer", date(2026, 9, 21), date(2027, 4, 19)),
    ]
    # Two planned openings far enough ahead not to be behind plan yet.
    entries = list(
        design.plan_entries(actor=SYSTEM)
        .filter(expected_start__gte=today + timedelta(days=75))
        .order_by("expected_start", "key")[:2]
    )
    for i, entry in enumerate(entries):
        talent.requisition_create(
            actor=SYSTEM,
            key=f"REQ-{11 + i:04d}",
            title=entry.title or "Software Engineer",
            team=entry.team,
            level=entry.level,
            role=role,
            reason="backfill" if entry.kind == "backfill" else "growth",
            hiring_manager=entry.manager,
            recruiter=people_user,
            target_start=entry.expected_start,
            quarter=entry.quarter,
            plan_entry_key=entry.key,
            value_of_one_more_person=values.get((entry.team.slug, entry.quarter)),
        )

    genders = ["woman"] * 36 + ["man"] * 52 + ["non-binary"] * 2 + [""] * 10
    # Ethnicity from a generator of its own, so the rest of the demo draws what it always drew.
    ethnic_rng = random.Random(13)
    ethnicities = [e for e, n in ETHNICITIES for _ in range(n)]
    counter = [0]

    def candidate() -> Candidate:
        counter[0] += 1
        name = ctx_name(ctx)
        return talent.candidate_create(
            actor=SYSTEM,
            name=name,
            email=f"{_local_part(name)}.{counter[0]}@example.net",
            external_id=f"C{counter[0]:04d}",
            today=today,
        )

    def pick_source() -> Source:
        return rng.choices([s for s, _ in sources], weights=[w for _, w in sources])[0]

    def run(r: Requisition, count: int, window: int, fill: bool, weak: bool = False) -> None:
        opened = r.opened_on or today
        hired = False
        for _ in range(count):
            cand = candidate()
            gender = rng.choice(genders)
            ethnicity = ethnic_rng.choice(ethnicities)
            if gender or ethnicity:
                talent.self_identify(
                    actor=SYSTEM, candidate=cand, gender=gender, ethnicity=ethnicity
                )
            if fill:
                applied = opened + timedelta(days=rng.randrange(0, window))
            else:
                # An open requisition's pipeline is recent: most of it is still in process.
                applied = max(opened, today - timedelta(days=rng.randrange(2, window)))
            if applied >= today:
                applied = today - timedelta(days=1)
            src = pick_source()
            app = talent.application_create(
                actor=SYSTEM,
                candidate=cand,
                requisition=r,
                source=src,
                referrer="A colleague" if src.kind == "referral" else "",
                applied_at=_at(applied),
            )
            day = applied
            outcome = None
            for stage, nxt in zip(DEFAULT_STAGES, [*DEFAULT_STAGES[1:], None], strict=True):
                chance = PASS[stage]
                if stage == "Technical interview" and gender == "woman":
                    chance = PASS_WOMEN_TECH
                if weak:
                    chance = min(chance, 0.2)
                day = day + timedelta(days=rng.randrange(3, 12))
                if day >= today:
                    break  # still in this stage
                if stage in ("Technical interview", "Onsite"):
                    interviewer = manager_user if r.hiring_manager == org.manager else cto_user
                    if stage == "Onsite" and people_user is not None:
                        interviewer = people_user
                    card = talent.scorecard_assign(
                        actor=SYSTEM,
                        application=app,
                        interviewer=interviewer,
                        interview=stage,
                        kit=kit,
                        interviewed_at=_at(day - timedelta(days=1)),
                    )
                    passed = rng.random() < chance
                    talent.scorecard_submit(
                        actor=SYSTEM,
                        scorecard=card,
                        overall=rng.choice([4, 5]) if passed else rng.choice([1, 2]),
                        ratings=[
                            {
                                "attribute": c["name"],
                                "rating": _rating(rng, passed),
                                "evidence": "Walked through a recent design and its trade-offs.",
                            }
                            for c in kit.competencies[:3]
                        ],
                        at=_at(day - timedelta(days=1), 17),
                    )
                else:
                    passed = rng.random() < chance
                if fill and hired:
                    passed = False
                if not passed:
                    outcome = "declined" if stage == "Offer" else "rejected"
                    break
                if nxt is None:
                    outcome = "hired"
                    break
                talent.application_move(actor=SYSTEM, application=app, stage=nxt, at=_at(day))
                if nxt == "Offer":
                    offer = talent.offer_make(
                        actor=SYSTEM,
                        application=app,
                        salary=Decimal(rng.randrange(70, 120) * 1000 + 250),
                        currency="EUR",
                        sent_at=_at(day),
                    )
                    if rng.random() < 0.3 and day + timedelta(days=2) < today:
                        offer = talent.offer_make(
                            actor=SYSTEM,
                            application=app,
                            salary=(offer.salary or Decimal(0)) + Decimal(4000),
                            currency="EUR",
                            sent_at=_at(day + timedelta(days=2)),
                        )
                        day = day + timedelta(days=2)
            latest: Offer | None = app.offers.order_by("-version").first()
            if outcome == "hired" and not (fill and hired) and latest is not None:
                talent.offer_resolve(actor=SYSTEM, offer=latest, status="accepted", at=_at(day))
                hired = True
            elif outcome == "declined" and latest is not None:
                talent.offer_resolve(actor=SYSTEM, offer=latest, status="declined", at=_at(day))
            elif outcome == "rejected":
                theirs = rng.random() < 0.2
                talent.application_close(
                    actor=SYSTEM,
                    application=app,
                    outcome="withdrew" if theirs else "rejected",
                    reason="Took another offer" if theirs else rng.choice(REJECTIONS),
                    at=_at(day),
                )
        if fill:
            closing = max(
                (a.closed_at.date() for a in r.applications.exclude(closed_at=None) if a.closed_at),
                default=opened + timedelta(days=60),
            )
            for app in r.applications.filter(outcome="open"):
                talent.application_close(
                    actor=SYSTEM,
                    application=app,
                    outcome="rejected",
                    reason="Position filled",
                    at=_at(max(closing, _last_move_day(app))),
                )
            if hired:
                talent.requisition_move(actor=SYSTEM, requisition=r, status="filled", on=closing)

    # Every write of the pipelines is a service's save(), and none reads the audit log.
    with deferred_audit():
        for r in filled:
            run(r, 57, 70, fill=True)
        for r in open_reqs[1:]:
            run(r, 29, 45, fill=False)
        run(behind, 3, 25, fill=False, weak=True)


def _last_move_day(app: object) -> date:
    """The day of the application's last stage move."""
    from steward.talent.models import Application, StageMove

    assert isinstance(app, Application)
    last: StageMove | None = app.moves.order_by("-position").first()
    assert last is not None
    return last.entered_at.date()


def _rating(rng: object, passed: bool) -> int:
    """An attribute rating around 4 (passed) or 2 (not)."""
    import random

    assert isinstance(rng, random.Random)
    return max(1, min(5, (4 if passed else 2) + rng.choice([-1, 0, 1])))


def _local_part(name: str) -> str:
    """An email local part from a name (ASCII letters and dots)."""
    import re
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", ".", plain).strip(".") or "candidate"


def ctx_name(ctx: DemoContext) -> str:
    """A deterministic candidate name (not an employee's)."""
    from steward.demo.company import FIRST_NAMES, LAST_NAMES

    return f"{ctx.rng.choice(FIRST_NAMES)} {ctx.rng.choice(LAST_NAMES)}"
