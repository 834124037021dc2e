"""The demo company's architecture decisions: 20 records across every status, with a
supersede chain (hosting: Heroku -> ECS -> Kubernetes) written through the services."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User

from steward.architecture import services
from steward.architecture.models import Decision
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
