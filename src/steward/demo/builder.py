"""Build the demo company as a sequence of composable steps.

Each step takes the `DemoContext` and adds one part of the company through the apps' services.
Later areas append their own steps to `STEPS`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources

from django.contrib.auth.models import Group, User
from django.db import transaction

from steward.core import policy
from steward.core.instance import DEMO_KEY, setting_set
from steward.demo.company import (
    DEPARTMENTS,
    IC_LEVEL_WEIGHTS,
    IC_LEVELS,
    LOCATIONS,
    REFERENCE_DATE,
    TEAMS,
    DemoOrg,
    NameSource,
    email_for,
    random_start,
    salary_for,
)
from steward.org import services as org_services
from steward.org.models import Person, Team
from steward.org.roledocs import parse_role

DEMO_PASSWORD = "demo"


@dataclass
class DemoContext:
    """State shared by the demo steps."""

    seed: int
    rng: random.Random
    today: date = REFERENCE_DATE
    org: DemoOrg = field(default_factory=DemoOrg)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (user, role, who)


Step = Callable[[DemoContext], None]


def _location(rng: random.Random, team_index: int) -> tuple[str, str, str, float]:
    # Teams cluster around one or two sites, with some remote colleagues elsewhere.
    home = LOCATIONS[team_index % len(LOCATIONS)]
    second = LOCATIONS[(team_index + 2) % len(LOCATIONS)]
    roll = rng.random()
    if roll < 0.7:
        return home
    if roll < 0.9:
        return second
    return rng.choice(LOCATIONS)


class _PersonFactory:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.names = NameSource(ctx.rng)
        self.emails: set[str] = set()
        self.next_id = 1

    def make(
        self,
        *,
        title: str,
        level: str,
        track: str,
        base: int,
        team: Team | None,
        manager: Person | None,
        location: tuple[str, str, str, float],
        start: date,
        end: date | None = None,
        termination_type: str = "",
        regretted: bool | None = None,
        fte: Decimal = Decimal("1.00"),
    ) -> Person:
        rng = self.ctx.rng
        name = self.names.next()
        employee_id = f"E{self.next_id:04d}"
        self.next_id += 1
        city, tz, currency, multiplier = location
        person = org_services.person_create(
            actor=policy.SYSTEM,
            employee_id=employee_id,
            name=name,
            emails=[email_for(name, self.emails)],
            title=title,
            level=level,
            track=track,
            team=team,
            manager=manager,
            department=team.department if team else None,
            location=city,
            timezone=tz,
            employment_type="full-time" if fte == 1 else "part-time",
            fte=fte,
            start_date=start,
            end_date=end,
            termination_type=termination_type,
            regretted=regretted,
            salary=salary_for(base, multiplier, rng),
            currency=currency,
        )
        self.ctx.org.people[employee_id] = person
        return person


def step_organization(ctx: DemoContext) -> None:
    """Departments, 12 teams of all four types, CTO → directors → managers → engineers, leavers."""
    rng, org = ctx.rng, ctx.org
    for slug, name, parent in DEPARTMENTS:
        org.departments[slug] = org_services.department_ensure(
            actor=policy.SYSTEM, slug=slug, name=name, parent=org.departments.get(parent or "")
        )
    make = _PersonFactory(ctx)
    founding = date(2019, 3, 1)
    cto = make.make(
        title="Chief Technology Officer",
        level="M5",
        track="manager",
        base=165000,
        team=None,
        manager=None,
        location=LOCATIONS[0],
        start=founding,
    )
    cto.department = org.departments["engineering"]
    cto.save(update_fields=["department"])
    org.cto = cto
    directors: dict[str, Person] = {}
    for index, (slug, name, _parent) in enumerate(DEPARTMENTS[1:]):
        directors[slug] = make.make(
            title=f"Director of {name}",
            level="M3",
            track="manager",
            base=135000,
            team=None,
            manager=cto,
            location=LOCATIONS[index % 3],
            start=founding + timedelta(days=120 * (index + 1)),
        )
        directors[slug].department = org.departments[slug]
        directors[slug].save(update_fields=["department"])
    for index, (slug, name, team_type, department, n_ics, mission) in enumerate(TEAMS):
        team = org_services.team_create(
            actor=policy.SYSTEM,
            slug=slug,
            name=name,
            type=team_type,
            mission=mission,
            department=org.departments[department],
        )
        org.teams[slug] = team
        em_start = random_start(rng, date(2019, 6, 1), date(2024, 6, 1))
        em = make.make(
            title="Engineering Manager",
            level=rng.choice(["M1", "M1", "M2"]),
            track="manager",
            base=110000,
            team=team,
            manager=directors[department],
            location=_location(rng, index),
            start=em_start,
        )
        org_services.team_set_lead(actor=policy.SYSTEM, team=team, lead=em)
        members = []
        for _ in range(n_ics):
            level, title, base = rng.choices(IC_LEVELS, weights=IC_LEVEL_WEIGHTS)[0]
            if team_type == "complicated-subsystem" and rng.random() < 0.3:
                level, title, base = IC_LEVELS[3]
            start = random_start(rng, date(2019, 9, 1), ctx.today - timedelta(days=20))
            fte = Decimal("0.80") if rng.random() < 0.06 else Decimal("1.00")
            members.append(
                make.make(
                    title=title,
                    level=level,
                    track="ic",
                    base=base,
                    team=team,
                    manager=em,
                    location=_location(rng, index),
                    start=start,
                    fte=fte,
                )
            )
        if slug == "payments":
            org.manager = em
            org.engineer = min(members, key=lambda p: p.employee_id)
        # People who left: one or two per team, some regretted.
        for _ in range(1 + (index % 2)):
            level, title, base = rng.choices(IC_LEVELS, weights=IC_LEVEL_WEIGHTS)[0]
            start = random_start(rng, date(2019, 9, 1), date(2024, 1, 1))
            end = start + timedelta(days=rng.randrange(240, 900))
            end = min(end, ctx.today - timedelta(days=15))
            voluntary = rng.random() < 0.75
            make.make(
                title=title,
                level=level,
                track="ic",
                base=base,
                team=team,
                manager=em,
                location=_location(rng, index),
                start=start,
                end=end,
                termination_type="voluntary" if voluntary else "involuntary",
                regretted=(rng.random() < 0.5) if voluntary else False,
            )
    # The principal architect reports to the CTO and sits in the enabling team.
    org.architect = make.make(
        title="Principal Architect",
        level="L5",
        track="ic",
        base=IC_LEVELS[4][2],
        team=org.teams["sre-enablement"],
        manager=cto,
        location=LOCATIONS[0],
        start=date(2020, 2, 1),
    )


def step_roles(ctx: DemoContext) -> None:
    """Role descriptions shipped with the demo (the CTO role among them)."""
    folder = resources.files("steward.demo").joinpath("data/roles")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".md"):
            continue
        doc = parse_role(entry.read_text(encoding="utf-8"))
        org_services.role_description_upsert(
            actor=policy.SYSTEM,
            slug=org_services.role_slug(doc.title),
            title=doc.title,
            description=doc.description,
            summary=doc.summary,
            body=doc.body,
            sections=doc.sections,
            metadata=doc.metadata,
        )


def _login(ctx: DemoContext, username: str, role: policy.Role, person: Person | None) -> None:
    user = User.objects.create_user(username=username, password=DEMO_PASSWORD)
    if role is policy.Role.ADMIN:
        user.is_staff = True
        user.is_superuser = True
        user.save()
    group, _ = Group.objects.get_or_create(name=str(role))
    user.groups.add(group)
    if person is not None:
        org_services.person_link_user(actor=policy.SYSTEM, person=person, user=user)
    ctx.logins.append((username, str(role), person.name if person else ""))


def step_logins(ctx: DemoContext) -> None:
    """One login per role, password `demo` (usable only in the demo database)."""
    org = ctx.org
    _login(ctx, "admin", policy.Role.ADMIN, None)
    _login(ctx, "cto", policy.Role.CTO, org.cto)
    _login(ctx, "executive", policy.Role.EXECUTIVE, None)
    _login(ctx, "finance", policy.Role.FINANCE, None)
    _login(ctx, "people", policy.Role.PEOPLE, None)
    _login(ctx, "architect", policy.Role.ARCHITECT, org.architect)
    _login(ctx, "manager", policy.Role.MANAGER, org.manager)
    _login(ctx, "engineer", policy.Role.ENGINEER, org.engineer)


def _area_steps() -> list[Step]:
    # The areas' steps live in their own modules, which use the helpers above.
    from steward.demo.architecture import step_architecture, step_catalog_and_debt, step_radar
    from steward.demo.engineering import step_engineering
    from steward.demo.finance import step_finance
    from steward.demo.growth import step_growth
    from steward.demo.knowledge import step_knowledge
    from steward.demo.orgdesign import step_orgdesign
    from steward.demo.strategy import step_strategy
    from steward.demo.talent import step_talent
    from steward.demo.worktracking import step_worktracking

    return [
        step_engineering,
        step_orgdesign,
        step_architecture,
        step_strategy,
        step_radar,
        step_catalog_and_debt,
        step_knowledge,
        step_worktracking,
        step_growth,
        step_finance,
        step_talent,
        *_last_steps(),
    ]


def _last_steps() -> list[Step]:
    # The cockpit reads every area, so its step runs after theirs.
    from steward.demo.cockpit import step_cockpit

    return [step_cockpit]


STEPS: list[Step] = [step_organization, step_roles, step_logins, *_area_steps()]


def demo_build(*, seed: int = 1) -> DemoContext:
    """Build the whole demo company into the (empty) database in one transaction."""
    ctx = DemoContext(seed=seed, rng=random.Random(seed))
    from steward.demo.batch import without_savepoints

    with transaction.atomic(), without_savepoints():
        for group in policy.ALL_ROLES:
            Group.objects.get_or_create(name=str(group))
        for step in STEPS:
            step(ctx)
        setting_set(DEMO_KEY, {"seed": seed, "reference_date": ctx.today.isoformat()})
    return ctx
