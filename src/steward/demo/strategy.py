"""The demo company's strategy: objectives with key results, ~40 initiatives, budgets, pipeline.

Initiatives carry link keys of the demo's epics (`demo.linkkeys`), so the commits of the demo
repositories are attributed to them. The plan leans on "new market launch" (priority 1), whose
epics wound down in the summer, while the teams' recent commits go to self-service tooling and
cost reduction: the alignment page shows that gap.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from steward.core.policy import SYSTEM
from steward.demo import linkkeys
from steward.demo.builder import DemoContext
from steward.strategy import services
from steward.strategy.models import Initiative

OBJECTIVES = [
    # key, title, priority, description
    ("O1", "Launch in three new markets", 1, "Sell in Poland, Spain and Brazil by mid-2027."),
    ("O2", "Lift checkout conversion", 2, "Fewer abandoned carts on every device."),
    ("O3", "Run at 99.95 % availability", 2, "Customers never notice our incidents."),
    ("O4", "Make teams self-sufficient", 3, "Developers ship without waiting on platform tickets."),
    ("O5", "Cut cloud cost per order by 20 %", 3, "Grow revenue faster than the bill."),
    ("O6", "Personalize discovery", 4, "Ranking and search that know the customer."),
]

KEY_RESULTS: list[tuple[str, str, str, str, str, float, float, list[float]]] = [
    # objective, key, title, metric, unit, baseline, target, current-path
    ("O1", "KR1", "Markets live", "markets with checkout open", "markets", 0, 3, [0, 0, 1]),
    ("O1", "KR2", "Revenue from new markets", "monthly revenue", "k EUR", 0, 900, [0, 40, 120]),
    ("O2", "KR1", "Checkout conversion", "orders ÷ checkouts", "%", 61, 68, [61.5, 63, 64.2]),
    ("O2", "KR2", "Mobile checkout time", "median seconds", "s", 95, 60, [93, 88, 81]),
    ("O3", "KR1", "Availability", "monthly availability", "%", 99.82, 99.95, [99.85, 99.9, 99.88]),
    ("O3", "KR2", "Recovery time", "median hours to restore", "h", 6, 1, [5.5, 4, 3.2]),
    ("O4", "KR1", "Self-service deploys", "deploys without a ticket", "%", 40, 90, [55, 70, 82]),
    ("O4", "KR2", "Onboarding to first deploy", "days", "d", 12, 2, [10, 6, 4]),
    ("O5", "KR1", "Cloud cost per order", "EUR per order", "EUR", 0.42, 0.34, [0.41, 0.38, 0.36]),
    ("O6", "KR1", "Search click-through", "sessions with a click", "%", 38, 45, [38, 39, 39.5]),
    ("O6", "KR2", "Recommendation revenue share", "share of revenue", "%", 4, 9, [4, 4.5, 5]),
]

THEME_OBJECTIVE = {3: "O1", 4: "O4", 5: "O5", 1: "O3", 2: "O2"}

PRODUCT_TEAMS = ["payments", "checkout", "catalog", "search", "mobile", "growth", "pricing-engine"]
PLATFORM_TEAMS = [
    "platform-core",
    "developer-experience",
    "observability",
    "sre-enablement",
    "data-platform",
    "identity",
    "ml-ranking",
]

# Forward-looking initiatives without commits yet: key, title, objective weights, teams, status
FUTURE: list[tuple[str, str, dict[str, float], list[str], str]] = [
    ("NM-BR", "Brazil: local payment methods", {"O1": 1}, ["payments", "checkout"], "planned"),
    ("NM-ES", "Spain: tax and invoicing", {"O1": 1}, ["payments", "pricing-engine"], "planned"),
    (
        "NM-PL",
        "Poland: catalog localization",
        {"O1": 0.7, "O6": 0.3},
        ["catalog", "search"],
        "planned",
    ),
    ("NM-OPS", "Multi-currency settlement", {"O1": 1}, ["payments", "data-platform"], "proposed"),
    ("CX-1CLICK", "One-click checkout", {"O2": 1}, ["checkout", "mobile"], "planned"),
    (
        "CX-WALLET",
        "Wallet payments on mobile",
        {"O2": 0.6, "O1": 0.4},
        ["mobile", "payments"],
        "proposed",
    ),
    ("REL-MR", "Multi-region failover", {"O3": 1}, ["platform-core", "sre-enablement"], "planned"),
    (
        "REL-SLO",
        "SLOs for every tier-1 service",
        {"O3": 1},
        ["observability", "sre-enablement"],
        "proposed",
    ),
    ("ML-RANK2", "Personalized ranking v2", {"O6": 1}, ["ml-ranking", "search"], "proposed"),
    (
        "ML-FEAT",
        "Real-time feature store",
        {"O6": 0.5, "O4": 0.5},
        ["data-platform", "ml-ranking"],
        "proposed",
    ),
    (
        "ID-PASSKEY",
        "Passkeys for customers",
        {"O2": 0.5, "O3": 0.5},
        ["identity", "mobile"],
        "proposed",
    ),
    ("GRW-REF", "Referral programme", {"O2": 1}, ["growth"], "proposed"),
]

FIB = (1, 2, 3, 5, 8, 13, 20)


def step_strategy(ctx: DemoContext) -> None:
    """Objectives, key results with check-ins, ~40 initiatives, budgets, ideas and actions."""
    rng = random.Random(ctx.seed * 7919 + 5)
    today = ctx.today
    teams = ctx.org.teams
    people = sorted(ctx.org.people.values(), key=lambda p: p.employee_id)
    leads = {slug: team.lead for slug, team in teams.items()}
    objectives = {}
    for key, title, priority, description in OBJECTIVES:
        objectives[key] = services.objective_upsert(
            actor=SYSTEM,
            key=key,
            title=title,
            description=description,
            priority=priority,
            start=date(2026, 7, 1),
            end=date(2027, 7, 1),
            owner=ctx.org.cto,
        )
    checkin_days = [today - timedelta(days=d) for d in (84, 42, 4)]
    for okey, key, title, metric, unit, baseline, target, path in KEY_RESULTS:
        kr = services.key_result_upsert(
            actor=SYSTEM,
            objective=objectives[okey],
            key=key,
            title=title,
            metric=metric,
            unit=unit,
            baseline=Decimal(str(baseline)),
            target=Decimal(str(target)),
            current=Decimal(str(path[0])),
            confidence=Decimal("0.7"),
            on=checkin_days[0],
        )
        for day, value in zip(checkin_days[1:], path[1:], strict=True):
            services.check_in_record(
                actor=SYSTEM,
                key_result=kr,
                value=Decimal(str(value)),
                confidence=Decimal(rng.choice(["0.5", "0.6", "0.7", "0.8"])),
                on=day,
                note=rng.choice(["on track", "slipping", "blocked on hiring", "ahead of plan", ""]),
            )
    for okey, slug, title in [
        ("O1", "payments", "Local payment methods in every new market"),
        ("O1", "pricing-engine", "Prices and taxes per market"),
        ("O2", "checkout", "Checkout under 60 seconds on mobile"),
        ("O3", "sre-enablement", "Every team runs its own on-call"),
        ("O4", "developer-experience", "Golden paths for the five most common services"),
        ("O5", "platform-core", "Right-size clusters and storage tiers"),
    ]:
        services.team_goal_create(
            actor=SYSTEM, objective=objectives[okey], team=teams[slug], title=title
        )

    def make(
        key: str,
        title: str,
        weights: dict[str, float],
        efforts: dict[str, int],
        status: str,
        link_keys: list[str],
        planned_start: str = "",
        **extra: object,
    ) -> Initiative:
        duration = int(extra.pop("duration", rng.choice([1, 1, 2])))  # type: ignore[call-overload]
        horizon = {"in-progress": "now", "done": "now", "planned": "next"}.get(status, "later")
        fields = {
            "description": f"{title}. Owner team: {teams[next(iter(efforts))].name}.",
            "cost": Decimal(sum(efforts.values()) * rng.choice([2500, 3000, 3500]) + 250),
            "value": rng.choice(FIB),
            "time_criticality": rng.choice(FIB[:6]),
            "risk_reduction": rng.choice(FIB[:5]),
            "job_size": rng.choice(FIB[1:]),
            "reach": rng.choice([480, 2100, 7900, 19800, 51200]),
            "impact": Decimal(str(rng.choice([0.5, 1, 2, 3]))),
            "confidence": Decimal(str(rng.choice([0.5, 0.8, 1.0]))),
            "feasibility": rng.choice(["high", "high", "medium", "low"]),
            "technical_risk": rng.choice(["low", "low", "medium", "high"]),
            "duration": duration,
            "status": status,
            "horizon": horizon,
            "planned_start": planned_start,
            "link_keys": link_keys,
            "owner": leads.get(next(iter(efforts))),
            **extra,
        }
        return _make(key, title, fields, weights, efforts, next(iter(efforts)))

    def _make(
        key: str,
        title: str,
        fields: dict[str, object],
        weights: dict[str, float],
        efforts: dict[str, int],
        owner_team: str,
    ) -> Initiative:
        fields["owner_team"] = teams[owner_team]
        return services.initiative_upsert(
            actor=SYSTEM,
            key=key,
            title=title,
            fields=fields,
            objectives=[(objectives[o], Decimal(str(w))) for o, w in weights.items()],
            efforts={teams[t]: Decimal(w) for t, w in efforts.items()},
        )

    made: dict[str, Initiative] = {}
    # Initiatives behind the epics the demo's commits reference.
    for slug in PRODUCT_TEAMS:
        code = linkkeys.PROJECT_KEYS[slug]
        launch = linkkeys.epic_key(slug, 3)
        made[f"{code}-LAUNCH"] = make(
            f"{code}-LAUNCH",
            f"{teams[slug].name}: new market launch",
            {"O1": 1},
            {slug: rng.randrange(60, 140, 10)},
            "in-progress",
            [launch],
            "2026Q3",
            duration=3,
        )
        cost = linkkeys.epic_key(slug, 5)
        made[f"{code}-COST"] = make(
            f"{code}-COST",
            f"{teams[slug].name}: cost reduction",
            {"O5": 1},
            {slug: rng.randrange(10, 30, 5)},
            "in-progress",
            [cost],
            "2026Q4",
            duration=1,
        )
    for slug in PLATFORM_TEAMS:
        code = linkkeys.PROJECT_KEYS[slug]
        tooling = linkkeys.epic_key(slug, 4)
        made[f"{code}-SELF"] = make(
            f"{code}-SELF",
            f"{teams[slug].name}: self-service tooling",
            {"O4": 1},
            {slug: rng.randrange(20, 50, 5)},
            "in-progress",
            [tooling],
            "2026Q3",
            duration=2,
        )
        if slug in ("platform-core", "observability", "sre-enablement"):
            reliability = linkkeys.epic_key(slug, 1)
            made[f"{code}-REL"] = make(
                f"{code}-REL",
                f"{teams[slug].name}: reliability hardening",
                {"O3": 1},
                {slug: rng.randrange(30, 70, 10)},
                "done",
                [reliability],
                "2025Q4",
                duration=2,
            )
    # Payments' instant payouts split between the launch and self-service (a shared epic).
    made["PAY-PAYOUT"] = make(
        "PAY-PAYOUT",
        "Instant payouts for new-market merchants",
        {"O1": 0.6, "O4": 0.4},
        {"payments": 40, "platform-core": 10},
        "in-progress",
        [linkkeys.epic_key("payments", 4)],
        "2026Q4",
        duration=2,
    )
    for key, title, weights, efforts_teams, status in FUTURE:
        efforts = {t: rng.randrange(15, 60, 5) for t in efforts_teams}
        start = rng.choice(["2027Q1", "2027Q2"]) if status == "planned" else ""
        made[key] = make(key, title, weights, efforts, status, [], start)
    # Dependencies, deadlines and a mandatory item for the optimizer.
    for key, deps in {
        "NM-ES": ["NM-OPS"],
        "NM-BR": ["NM-OPS"],
        "CX-WALLET": ["CX-1CLICK"],
        "ML-RANK2": ["ML-FEAT"],
        "REL-SLO": ["REL-MR"],
    }.items():
        services.initiative_upsert(
            actor=SYSTEM, key=key, title=made[key].title, depends_on=[made[d] for d in deps]
        )
    Initiative.objects.filter(key="NM-BR").update(deadline="2027Q4")
    Initiative.objects.filter(key="REL-MR").update(mandatory=True, deadline="2027Q3")
    Initiative.objects.filter(key="ML-RANK2").update(earliest="2027Q2")
    for n in range(6):
        quarter = f"{2026 + (n + 3) // 4}Q{(n + 3) % 4 + 1}"
        services.budget_set(actor=SYSTEM, quarter=quarter, amount=Decimal(1_500_000 + 50_000 * n))
    # Innovation pipeline.
    ideas = [
        ("LLM support triage", "Auto-triage halves first response time", "experimenting", ""),
        ("Edge caching for catalog", "p95 page load drops below 800 ms", "adopted", "p95 720 ms"),
        ("Buy-now-pay-later", "BNPL lifts basket size by 8 %", "proposed", ""),
        ("Voice search", "Voice queries convert like text", "dropped", "Too few users tried it"),
        ("Carbon-aware batch jobs", "Shifting batch saves 10 % compute", "experimenting", ""),
        ("Internal marketplace for APIs", "Teams reuse instead of rebuild", "proposed", ""),
    ]
    for n, (title, hypothesis, status, outcome) in enumerate(ideas):
        owner = people[(n * 17 + 9) % len(people)]
        idea = services.idea_create(
            actor=SYSTEM,
            title=title,
            hypothesis=hypothesis,
            owner=owner,
            team=owner.team,
            timebox_start=None,
            timebox_end=today + timedelta(days=30 + 14 * n),
            budget=Decimal(10_000 * (n + 1) + 750),
        )
        if status != "proposed":
            idea = services.idea_move(
                actor=SYSTEM, idea=idea, status="experimenting", on=today - timedelta(days=60)
            )
        if status in ("adopted", "dropped"):
            services.idea_move(
                actor=SYSTEM,
                idea=idea,
                status=status,
                on=today - timedelta(days=10),
                outcome=outcome,
            )
    # Improvement actions from retrospectives and incidents, about two thirds closed.
    for n in range(14):
        slug = sorted(teams)[n % len(teams)]
        created = today - timedelta(days=20 + 9 * n)
        action = services.action_create(
            actor=SYSTEM,
            title=rng.choice(
                [
                    "Add an alert on queue depth",
                    "Write the runbook for failover",
                    "Split the flaky integration suite",
                    "Agree a definition of done for migrations",
                    "Automate the release checklist",
                    "Add a canary stage to the deploy",
                ]
            ),
            source="incident" if n % 3 == 0 else "retrospective",
            source_ref=f"INC-{200 + n}" if n % 3 == 0 else f"retro {created:%Y-%m}",
            owner=leads.get(slug),
            team=teams[slug],
            created_on=created,
            due_on=created + timedelta(days=21),
        )
        if n % 3 != 2:
            services.action_close(
                actor=SYSTEM, action=action, on=created + timedelta(days=rng.randrange(5, 35))
            )
