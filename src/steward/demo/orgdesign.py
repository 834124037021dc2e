"""Demo step for organization design: rates, allocations, interactions, plan, two scenarios.

It also adds one structural flaw the base organization lacks, a solo team (the base already has
overloaded managers and Core Platform with 12 people), so the health page has something to say.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.models import User

from steward.core.policy import SYSTEM
from steward.demo.company import LOCATIONS, salary_for
from steward.org import services as org_services
from steward.org.models import Person, Team
from steward.orgdesign import services as design
from steward.orgdesign.models import PlanKind

if TYPE_CHECKING:
    from steward.demo.builder import DemoContext

BURDEN = {
    "Berlin": "0.21",
    "Lisbon": "0.24",
    "Amsterdam": "0.30",
    "New York": "0.12",
    "Austin": "0.11",
    "Bangalore": "0.15",
    "": "0.20",
}

INTERACTIONS = [
    ("payments", "platform-core", "x-as-a-service"),
    ("checkout", "payments", "collaboration"),
    ("sre-enablement", "payments", "facilitating"),
    ("sre-enablement", "mobile", "facilitating"),
    ("mobile", "developer-experience", "x-as-a-service"),
    ("search", "ml-ranking", "collaboration"),
    ("ml-ranking", "data-platform", "x-as-a-service"),
    ("catalog", "pricing-engine", "x-as-a-service"),
    ("growth", "data-platform", "collaboration"),
]

# team, kind, level, quarter index (0 = 2027Q1), base salary in EUR at multiplier 1.0
PLAN = [
    ("payments", PlanKind.HIRE, "L3", 0, 85000),
    ("payments", PlanKind.HIRE, "L2", 2, 68000),
    ("checkout", PlanKind.HIRE, "L3", 1, 85000),
    ("search", PlanKind.HIRE, "L4", 0, 105000),
    ("data-platform", PlanKind.HIRE, "L3", 1, 85000),
    ("ml-ranking", PlanKind.HIRE, "L4", 2, 105000),
    ("growth", PlanKind.HIRE, "L2", 3, 68000),
    ("developer-experience", PlanKind.HIRE, "L3", 3, 85000),
]


def _solo_team(ctx: DemoContext) -> Team:
    """A one-person enabling team: a security champion moved out of Mobile Apps."""
    org = ctx.org
    team = org_services.team_create(
        actor=SYSTEM,
        slug="security",
        name="Security Champions",
        type="enabling",
        mission="Make secure defaults the easy path for every team.",
        department=org.departments["platform-infrastructure"],
    )
    champion = (
        Person.objects.filter(team__slug="mobile", end_date__isnull=True, track="ic")
        .order_by("-employee_id")
        .first()
    )
    assert champion is not None
    on = ctx.today - timedelta(days=60)
    org_services.person_move(actor=SYSTEM, person=champion, team=team, on=on)
    director = Person.objects.filter(title="Director of Platform & Infrastructure").first()
    org_services.person_set_manager(actor=SYSTEM, person=champion, manager=director, on=on)
    org.teams["security"] = team
    return team


def step_orgdesign(ctx: DemoContext) -> None:
    """Burden and exchange rates, allocations, interactions, targets, headcount plan, scenarios."""
    rng = ctx.rng
    for location, rate in BURDEN.items():
        design.burden_rate_set(actor=SYSTEM, location=location, rate=rate)
    design.exchange_rate_set(actor=SYSTEM, currency="USD", reporting_currency="EUR", rate="0.92")
    design.exchange_rate_set(actor=SYSTEM, currency="EUR", reporting_currency="USD", rate="1.087")
    _solo_team(ctx)
    teams = {t.slug: t for t in Team.objects.all()}
    for _slug, team in sorted(teams.items()):
        platform = team.type == "platform"
        design.allocation_set(
            actor=SYSTEM, team=team, kind="on-call", share="0.15" if platform else "0.05"
        )
        design.allocation_set(
            actor=SYSTEM, team=team, kind="ktlo", share=f"{rng.choice([10, 15, 20, 25, 30]) / 100}"
        )
        design.allocation_set(actor=SYSTEM, team=team, kind="leave", share="0.08")
        design.allocation_set(actor=SYSTEM, team=team, kind="leave", share="0.15", quarter="2027Q3")
    for a, b, mode in INTERACTIONS:
        if a in teams and b in teams:
            design.interaction_declare(actor=SYSTEM, team=teams[a], other=teams[b], mode=mode)
    for level, share in (("L1", "0.15"), ("L2", "0.30"), ("L3", "0.35"), ("L4", "0.10")):
        design.level_target_set(actor=SYSTEM, team=None, level=level, share=share)
    design.composition_target_set(actor=SYSTEM, metric="manager_to_ic_ratio", value="7")
    design.composition_target_set(
        actor=SYSTEM, metric="senior_share", value="0.45", levels="L3,L4,L5"
    )
    first = date(2027, 1, 1)
    for n, (slug, kind, level, qi, base) in enumerate(PLAN, start=1):
        if slug not in teams:
            continue
        site = LOCATIONS[rng.randrange(len(LOCATIONS))]
        start = first + timedelta(days=91 * qi + rng.randrange(0, 40))
        design.plan_entry_create(
            actor=SYSTEM,
            key=f"hc-{slug}-{n}",
            team=teams[slug],
            kind=kind,
            level=level,
            title="Software Engineer",
            expected_start=start,
            location=site[0],
            salary=salary_for(base, site[3], rng),
            currency=site[2],
            manager=teams[slug].lead,
        )
    # Backfills for the two most recent regretted leavers.
    leavers = Person.objects.filter(regretted=True, team__isnull=False).order_by("-end_date")[:2]
    for n, leaver in enumerate(leavers, start=1):
        design.plan_entry_create(
            actor=SYSTEM,
            key=f"backfill-{leaver.employee_id.lower()}",
            team=leaver.team,  # type: ignore[arg-type]
            kind=PlanKind.BACKFILL,
            level=leaver.level,
            title=leaver.title,
            expected_start=first + timedelta(days=30 * n),
            location=leaver.location,
            salary=leaver.salary,
            currency=leaver.currency,
            replaces=leaver,
            manager=leaver.team.lead if leaver.team else None,
        )
    _scenarios(ctx)


def _scenarios(ctx: DemoContext) -> None:
    cto = User.objects.get(username="cto")
    split = design.scenario_create(
        actor=cto,
        name="Split Core Platform into two teams",
        description="Core Platform has 12 people; split runtime work into its own team.",
        effective_date=date(2027, 1, 4),
    )
    core = list(
        Person.objects.filter(team__slug="platform-core", end_date__isnull=True, track="ic")
        .order_by("-level", "employee_id")
        .values_list("employee_id", flat=True)
    )
    moving = core[:5]
    design.scenario_add_change(
        actor=cto,
        scenario=split,
        kind="split_team",
        payload={
            "team": "platform-core",
            "new_slug": "platform-runtime",
            "new_name": "Runtime Platform",
            "people": moving,
            "lead": moving[0],
        },
    )
    design.scenario_add_change(
        actor=cto,
        scenario=split,
        kind="add_hire",
        payload={
            "key": "H-runtime-1",
            "team": "platform-runtime",
            "level": "L3",
            "expected_start": "2027-03-01",
            "salary": "88000",
            "currency": "EUR",
            "location": "Berlin",
            "timezone": "Europe/Berlin",
        },
    )
    merge = design.scenario_create(
        actor=cto,
        name="Merge two small teams",
        description="Fold the one-person Security Champions team into SRE Enablement.",
        effective_date=date(2027, 1, 4),
    )
    design.scenario_add_change(
        actor=cto,
        scenario=merge,
        kind="merge_teams",
        payload={"source": "security", "into": "sre-enablement"},
    )
    assert ctx.org.teams["security"].slug == "security"
