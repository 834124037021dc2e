"""The demo company's architecture decisions: 20 records across every status, with a
supersede chain (hosting: Heroku -> ECS -> Kubernetes) written through the services."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User

from steward.architecture import services
from steward.architecture.models import Decision, Technology
from steward.demo.builder import DemoContext

# title, final status, tags, days before today, decision makers
DECISIONS: list[tuple[str, str, list[str], int, list[str]]] = [
    ("Use Markdown architectural decision records", "accepted", ["process"], 720, ["CTO"]),
    ("Use PostgreSQL as the default database", "accepted", ["data"], 700, ["CTO", "Architect"]),
    ("Host services on Heroku", "superseded", ["hosting"], 690, ["CTO"]),
    ("Use Python and Django for back-office services", "accepted", ["languages"], 650, ["CTO"]),
    ("Use Kafka for domain events", "accepted", ["messaging"], 600, ["Architect"]),
    ("Use MongoDB for the catalog", "rejected", ["data"], 580, ["Architect"]),
    ("Use REST with OpenAPI for public APIs", "accepted", ["api"], 540, ["Architect"]),
    ("Host services on AWS ECS", "superseded", ["hosting"], 500, ["CTO", "Architect"]),
    ("Use Jenkins for CI", "deprecated", ["delivery"], 480, ["Architect"]),
    ("Use GitHub Actions for CI", "accepted", ["delivery"], 400, ["Architect"]),
    ("Use feature flags for releases", "accepted", ["delivery"], 360, ["Architect"]),
    ("Use GraphQL for the storefront", "rejected", ["api"], 330, ["Architect"]),
    ("Use OpenTelemetry for tracing", "accepted", ["observability"], 300, ["Architect"]),
    ("Use Terraform for infrastructure", "accepted", ["hosting"], 270, ["CTO"]),
    ("Host services on Kubernetes (EKS)", "accepted", ["hosting"], 200, ["CTO", "Architect"]),
    ("Adopt trunk-based development", "accepted", ["delivery", "process"], 150, ["CTO"]),
    ("Use gRPC between internal services", "proposed", ["api"], 60, []),
    ("Split the monolith's checkout module", "proposed", ["architecture"], 40, []),
    ("Use a data mesh for analytics", "draft", ["data"], 20, []),
    ("Retire the legacy payment gateway", "draft", ["payments"], 10, []),
]
# old number -> the number that superseded it (the chain 3 -> 8 -> 15).
SUPERSEDED_BY = {3: 8, 8: 15}

BODY = """## Context and Problem Statement

{title}: the teams asked for one answer instead of one per team.

## Considered Options

* {title}
* Keep each team's own choice

## Decision Outcome

Chosen option: "{title}", because it is the option most teams can support.
"""


def step_architecture(ctx: DemoContext) -> None:
    """The decision log, numbered 1..20 by Steward in the order the records were written."""
    architect = User.objects.get(username="architect")
    made: dict[int, Decision] = {}
    for title, _status, tags, days, makers in DECISIONS:
        decision = services.decision_create(
            actor=architect,
            title=title,
            body=BODY.format(title=title),
            date=ctx.today - timedelta(days=days),
            decision_makers=makers,
            consulted=["Platform team"] if "hosting" in tags else [],
            tags=tags,
        )
        made[decision.number] = decision
    for number, decision in made.items():
        status = DECISIONS[number - 1][1]
        if status == "draft":
            continue
        services.decision_move(actor=architect, decision=decision, status="proposed")
        if status == "proposed":
            continue
        final = "rejected" if status == "rejected" else "accepted"
        services.decision_move(actor=architect, decision=decision, status=final)
    for number in sorted(made):
        if DECISIONS[number - 1][1] == "deprecated":
            services.decision_move(actor=architect, decision=made[number], status="deprecated")
    for old, new in SUPERSEDED_BY.items():
        services.decision_move(
            actor=architect, decision=made[old], status="superseded", superseded_by=made[new]
        )


# ----------------------------------------------------------------------------- the tech radar

QUADRANTS = [
    ("Techniques", False),
    ("Platforms", True),
    ("Tools", True),
    ("Languages & Frameworks", True),
]
RINGS = [
    ("Adopt", "#5ba300", "Our default: use it unless there is a reason not to."),
    ("Trial", "#009eb0", "Used in production by at least one team; ask them first."),
    ("Assess", "#c7ba00", "Worth a spike; not in production yet."),
    ("Hold", "#e09b96", "Do not start anything new with it."),
]
# name, quadrant, aliases, [(days before today, ring or None for "off the radar", reason)]
RADAR: list[tuple[str, str, list[str], list[tuple[int, str | None, str]]]] = [
    ("Python", "Languages & Frameworks", [], [(365, "Adopt", "Most back-office services")]),
    (
        "Django",
        "Languages & Frameworks",
        [],
        [
            (365, "Trial", "Two services in production"),
            (200, "Adopt", "Three teams run it; ADR-0004"),
        ],
    ),
    (
        "Go",
        "Languages & Frameworks",
        ["golang"],
        [
            (365, "Assess", "Search team spike"),
            (250, "Trial", "search-api in production"),
            (90, "Adopt", "Four services, on-call is happy"),
        ],
    ),
    ("TypeScript", "Languages & Frameworks", [], [(365, "Adopt", "All new web code")]),
    ("React", "Languages & Frameworks", [], [(365, "Adopt", "The web standard here")]),
    (
        "AngularJS",
        "Languages & Frameworks",
        ["angular"],
        [
            (365, "Trial", "Legacy checkout front end"),
            (300, "Hold", "End of life since January 2022: no security fixes"),
        ],
    ),
    ("Kotlin", "Languages & Frameworks", [], [(365, "Trial", "The Android app")]),
    ("Rust", "Languages & Frameworks", [], [(120, "Assess", "Ranking latency spike")]),
    (
        "GraphQL",
        "Languages & Frameworks",
        [],
        [(365, "Assess", "Storefront proposal"), (330, "Hold", "Rejected in ADR-0012")],
    ),
    (
        "PostgreSQL",
        "Platforms",
        ["postgres", "psycopg", "psycopg2", "psycopg2-binary", "pg", "github.com/lib/pq"],
        [(365, "Adopt", "ADR-0002: the default database")],
    ),
    (
        "Kafka",
        "Platforms",
        ["kafka-python", "confluent-kafka", "kafkajs", "github.com/segmentio/kafka-go"],
        [(365, "Adopt", "ADR-0005: domain events")],
    ),
    (
        "MongoDB",
        "Platforms",
        ["pymongo", "mongoose", "mongo"],
        [(365, "Hold", "ADR-0006 rejected it for the catalog")],
    ),
    (
        "Kubernetes",
        "Platforms",
        ["k8s.io/client-go", "kubernetes"],
        [(365, "Trial", "Platform pilot"), (200, "Adopt", "ADR-0015: all services on EKS")],
    ),
    (
        "Heroku",
        "Platforms",
        [],
        [
            (365, "Hold", "Superseded by ADR-0008"),
            (120, None, "Last app moved off; off the radar"),
        ],
    ),
    ("Redis", "Platforms", ["redis", "ioredis"], [(300, "Adopt", "Caching and rate limits")]),
    (
        "GitHub Actions",
        "Tools",
        [],
        [(400, "Trial", "Two pipelines"), (300, "Adopt", "ADR-0010: the CI for all")],
    ),
    (
        "Jenkins",
        "Tools",
        [],
        [(365, "Adopt", "The old CI"), (120, "Hold", "ADR-0009 deprecated it")],
    ),
    (
        "Terraform",
        "Tools",
        ["hashicorp/setup-terraform"],
        [(270, "Adopt", "ADR-0014")],
    ),
    (
        "OpenTelemetry",
        "Tools",
        [
            "opentelemetry-sdk",
            "opentelemetry-api",
            "@opentelemetry/api",
            "go.opentelemetry.io/otel",
        ],
        [(300, "Trial", "ADR-0013"), (60, "Adopt", "Every tier-1 service traces")],
    ),
    ("pytest", "Tools", [], [(365, "Adopt", "The Python test runner")]),
    ("Moment.js", "Tools", ["moment"], [(200, "Hold", "In maintenance mode; use date-fns")]),
    (
        "Trunk-based development",
        "Techniques",
        [],
        [(365, "Trial", "Two teams"), (150, "Adopt", "ADR-0016")],
    ),
    ("Feature flags", "Techniques", [], [(360, "Adopt", "ADR-0011")]),
    ("Architecture decision records", "Techniques", [], [(365, "Adopt", "ADR-0001")]),
    (
        "Micro frontends",
        "Techniques",
        [],
        [(200, "Assess", "Checkout proposal"), (30, "Hold", "Too much overhead for our size")],
    ),
    ("Data mesh", "Techniques", [], [(20, "Assess", "ADR-0019 draft")]),
]

# decision number -> the technologies it is about
TECH_LINKS = {
    2: ["PostgreSQL"],
    3: ["Heroku"],
    5: ["Kafka"],
    6: ["MongoDB"],
    9: ["Jenkins"],
    10: ["GitHub Actions"],
    12: ["GraphQL"],
    13: ["OpenTelemetry"],
    14: ["Terraform"],
    15: ["Kubernetes"],
}

PYPROJECT = """[project]
name = "{name}"
requires-python = ">=3.12"
dependencies = [
    "django>=5.2",
    "psycopg[binary]>=3.2",
    "kafka-python>=2.0",
    "opentelemetry-sdk>=1.27",
{extra}]

[project.optional-dependencies]
test = ["pytest>=8.0"]
"""
GO_MOD = """module github.com/demo/{name}

go 1.22

require (
\tgithub.com/segmentio/kafka-go v0.4.47
\tgo.opentelemetry.io/otel v1.28.0
{extra})
"""
PACKAGE_JSON = """{{
  "name": "{name}",
  "dependencies": {{
    "react": "^18.3.1"{extra}
  }},
  "devDependencies": {{
    "typescript": "^5.5.0"
  }}
}}
"""
WORKFLOW = """name: ci
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
{extra}"""
PYTHON_REPOS = {
    "payments-api": "",
    "payments-ledger": "",
    "payments-webhooks": "",
    "checkout-api": "",
    "cart-service": "",
    "catalog-api": "",
    "catalog-importer": '    "pymongo>=4.8",\n',
    "experiments": "",
    "notifications": "",
    "auth-service": "",
    "mobile-bff": "",
    "pricing-engine": "",
    "pricing-models": "",
    "ranking-service": "",
    "feature-store": "",
    "training-pipelines": "",
    "ingestion-jobs": "",
    "data-catalog": "",
}
GO_REPOS = {
    "search-api": "",
    "search-indexer": "",
    "sso-gateway": "",
    "service-mesh": "",
    "telemetry-agent": "",
    "k8s-platform": "\tk8s.io/client-go v0.31.0\n",
    "db-operators": "\tk8s.io/client-go v0.31.0\n\tgithub.com/lib/pq v1.10.9\n",
}
WEB_REPOS = {
    "checkout-web": ',\n    "angular": "1.8.3",\n    "moment": "2.29.4"',
    "growth-web": "",
    "accounts-web": "",
    "product-media": "",
    "dev-portal": "",
    "dashboards": "",
}


def demo_manifests(repo: str) -> dict[str, str]:
    """The manifests the demo gives `repo` (path -> text), as detection would read them."""
    files: dict[str, str] = {}
    if repo in PYTHON_REPOS:
        files["pyproject.toml"] = PYPROJECT.format(name=repo, extra=PYTHON_REPOS[repo])
        files["Dockerfile"] = "FROM python:3.12-slim AS base\nFROM base\nCOPY . /app\n"
    elif repo in GO_REPOS:
        files["go.mod"] = GO_MOD.format(name=repo, extra=GO_REPOS[repo])
        files["Dockerfile"] = "FROM golang:1.22 AS build\nFROM gcr.io/distroless/static\n"
    elif repo in WEB_REPOS:
        files["package.json"] = PACKAGE_JSON.format(name=repo, extra=WEB_REPOS[repo])
    elif repo == "android-app":
        files["app/build.gradle.kts"] = (
            'plugins { id("org.jetbrains.kotlin.android") version "2.0.0" }\n'
            'dependencies { implementation("com.squareup.okhttp3:okhttp:4.12.0") }\n'
        )
    extra = ""
    if repo == "infra-terraform":
        extra = "      - uses: hashicorp/setup-terraform@v3\n"
    if repo != "ios-app":
        files[".github/workflows/ci.yml"] = WORKFLOW.format(extra=extra)
    return files


def step_radar(ctx: DemoContext) -> None:
    """A radar with a year of history, and the technologies the repositories' manifests declare
    (demo repositories carry no manifests in git, so the demo hands them to the same service
    detection uses)."""
    from steward.core.policy import SYSTEM
    from steward.engineering import selectors as engineering_selectors

    architect = User.objects.get(username="architect")
    quadrants = {
        name: services.quadrant_save(actor=architect, name=name, position=i)
        for i, (name, _detectable) in enumerate(QUADRANTS)
    }
    for name, detectable in QUADRANTS:
        if not detectable:
            quadrants[name].detectable = False
            quadrants[name].save(update_fields=["detectable"])
    rings = {
        name: services.ring_save(
            actor=architect, name=name, position=i, color=color, description=text
        )
        for i, (name, color, text) in enumerate(RINGS)
    }
    for name, quadrant, aliases, history in RADAR:
        tech = services.technology_save(
            actor=architect,
            name=name,
            quadrant=quadrants[quadrant],
            description=f"{name}: see the reasons in its timeline.",
            aliases=aliases,
        )
        for days, ring, reason in history:
            services.blip_record(
                actor=architect,
                technology=tech,
                day=ctx.today - timedelta(days=days),
                ring=rings[ring] if ring else None,
                reason=reason,
            )
    techs = {t.name: t for t in Technology.objects.all()}
    for number, names in TECH_LINKS.items():
        services.decision_set_links(
            actor=architect,
            decision=Decision.objects.get(number=number),
            technologies=[techs[n] for n in names],
        )
    for repository in engineering_selectors.repository_list(actor=SYSTEM).order_by("name"):
        services.uses_replace(
            actor=SYSTEM,
            repository=repository,
            files=demo_manifests(repository.name),
            revision=repository.head_sha,
        )


# ----------------------------------------------------------------------------- service catalog

TIER_1 = {
    "payments-api": ("pagerduty:payments", "https://runbooks.example/payments-api"),
    "payments-ledger": ("pagerduty:payments", "https://runbooks.example/payments-ledger"),
    "checkout-api": ("pagerduty:checkout", "https://runbooks.example/checkout-api"),
    "cart-service": ("pagerduty:checkout", "https://runbooks.example/cart-service"),
    "search-api": ("pagerduty:search", "https://runbooks.example/search-api"),
    "sso-gateway": ("pagerduty:identity", "https://runbooks.example/sso-gateway"),
    # Tier 1 without a runbook: flagged.
    "auth-service": ("pagerduty:identity", ""),
}
DEPENDS: dict[str, list[str]] = {
    "checkout-api": [
        "component:payments-api",
        "component:cart-service",
        "component:payments-webhooks",
    ],
    "checkout-web": ["component:checkout-api"],
    "payments-api": ["component:payments-ledger", "resource:payments-db"],
    "payments-ledger": ["resource:payments-db"],
    "catalog-api": ["resource:catalog-db", "component:search-api"],
    "search-api": ["component:search-indexer"],
    "accounts-web": ["component:auth-service"],
    "mobile-bff": ["component:checkout-api", "component:catalog-api", "component:auth-service"],
    "ranking-service": ["component:feature-store"],
}
WEBSITES = {"checkout-web", "growth-web", "accounts-web", "dev-portal", "dashboards"}
LIBRARIES = {"build-tools", "pricing-models", "product-media"}


def demo_catalog_yaml() -> str:
    """The demo catalog as Backstage files would have it (imported like any catalog)."""
    from steward.demo.engineering import REPOS

    docs = []
    for team, repos in REPOS.items():
        docs.append(
            "apiVersion: backstage.io/v1alpha1\nkind: System\n"
            f"metadata:\n  name: {team}\n  title: {team.replace('-', ' ').capitalize()}\n"
            f"spec:\n  owner: group:default/{team}\n"
        )
        for repo in repos:
            kind = "website" if repo in WEBSITES else "library" if repo in LIBRARIES else "service"
            lifecycle = "deprecated" if repo == "payments-webhooks" else "production"
            annotations = [f"    github.com/project-slug: demo/{repo}"]
            if repo in TIER_1:
                oncall, runbook = TIER_1[repo]
                annotations.append('    steward.io/tier: "1"')
                annotations.append(f"    pagerduty.com/service-id: {oncall}")
                if runbook:
                    annotations.append(f"    steward.io/runbook: {runbook}")
            else:
                annotations.append('    steward.io/tier: "2"')
            depends = "".join(f"\n    - {d}" for d in DEPENDS.get(repo, []))
            docs.append(
                "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
                f"metadata:\n  name: {repo}\n  annotations:\n"
                + "\n".join(annotations)
                + f"\nspec:\n  type: {kind}\n  lifecycle: {lifecycle}\n"
                f"  owner: group:default/{team}\n  system: {team}\n"
                + (f"  dependsOn:{depends}\n" if depends else "")
            )
    for name, team in (("payments-db", "payments"), ("catalog-db", "catalog")):
        docs.append(
            "apiVersion: backstage.io/v1alpha1\nkind: Resource\n"
            f"metadata:\n  name: {name}\nspec:\n  type: database\n"
            f"  owner: group:default/{team}\n  system: {team}\n"
        )
    docs.append(
        "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: payments\n"
        "  description: The public payments API\nspec:\n  type: openapi\n  lifecycle: production\n"
        "  owner: group:default/payments\n  system: payments\n  definition: openapi.yaml\n"
    )
    # Owned by a group that is no Steward team: flagged "no owner team".
    docs.append(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: legacy-reports\n"
        "  title: Legacy reports\nspec:\n  type: service\n  lifecycle: production\n"
        "  owner: group:default/bi-team\n"
    )
    return "---\n" + "---\n".join(docs)


# ----------------------------------------------------------------------------- tech debt

# title, team, components, paths, (value, criticality, risk, size), interest per quarter
DEBT: list[tuple[str, str, list[str], list[str], tuple[int, int, int, int], int]] = [
    (
        "Move checkout-web off AngularJS",
        "checkout",
        ["checkout-web"],
        ["checkout-web/src/legacy"],
        (8, 13, 13, 13),
        45_250,
    ),
    (
        "Retire payments-webhooks",
        "payments",
        ["payments-webhooks", "checkout-api"],
        ["payments-webhooks/"],
        (5, 8, 8, 5),
        18_400,
    ),
    (
        "Replace MongoDB in catalog-importer with PostgreSQL",
        "catalog",
        ["catalog-importer"],
        ["catalog-importer/store.py"],
        (3, 5, 8, 8),
        12_300,
    ),
    (
        "Write the auth-service runbook",
        "identity",
        ["auth-service"],
        [],
        (3, 8, 13, 1),
        6_150,
    ),
    (
        "Split the checkout module's order state machine",
        "checkout",
        ["checkout-api"],
        ["checkout-api/module_1.py"],
        (8, 3, 5, 20),
        9_050,
    ),
    (
        "Drop Moment.js",
        "checkout",
        ["checkout-web"],
        [],
        (1, 2, 2, 2),
        1_020,
    ),
]


def step_catalog_and_debt(ctx: DemoContext) -> None:
    """The catalog (imported from Backstage-shaped files) and the debt register; the biggest
    item is already an initiative."""
    import tempfile
    from decimal import Decimal
    from pathlib import Path

    from steward.architecture import selectors
    from steward.core.importing import run_import
    from steward.core.policy import SYSTEM
    from steward.org import selectors as org_selectors
    from steward.strategy import services as strategy_services

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalog-info.yaml"
        path.write_text(demo_catalog_yaml(), encoding="utf-8")
        run_import("catalog", path, actor=SYSTEM, today=ctx.today)
    architect = User.objects.get(username="architect")
    components = {c.name: c for c in selectors.component_list(actor=SYSTEM)}
    teams = org_selectors.teams_by_slug()
    decisions = {d.title: d for d in Decision.objects.all()}
    made = []
    for title, team, names, paths, (value, crit, risk, size), interest in DEBT:
        linked = []
        if "MongoDB" in title:
            linked = [decisions["Use PostgreSQL as the default database"]]
        made.append(
            services.debt_save(
                actor=architect,
                title=title,
                description=f"{title}: raised in the architecture review.",
                owner_team=teams.get(team),
                components=[components[n] for n in names],
                paths=paths,
                business_value=value,
                time_criticality=crit,
                risk_reduction=risk,
                job_size=size,
                interest=Decimal(interest),
                decisions=linked,
            )
        )
    services.decision_set_links(
        actor=architect,
        decision=decisions["Split the monolith's checkout module"],
        components=[components["checkout-api"]],
    )
    cto = User.objects.get(username="cto")
    strategy_services.initiative_from_debt(actor=cto, item_id=made[1].pk)
