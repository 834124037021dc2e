"""The demo company's technology vision, the last quarter's snapshot and the first findings."""

from __future__ import annotations

from steward.architecture import selectors as architecture_selectors
from steward.cockpit import reports, services
from steward.core import policy
from steward.core.periods import quarter_of
from steward.core.registry import ReportPeriod
from steward.demo.builder import DemoContext
from steward.strategy import selectors as strategy_selectors

VISION = """Ship to customers in every market **within a day of a change being ready**, on a
platform that teams run themselves.

- **Launch in three new markets** without a rewrite: payments, checkout and catalog are
  market-aware services (O1).
- **Run at 99.95 % availability**: every tier-1 service has an owner, a runbook and error
  budgets (O3).
- **Self-sufficient teams**: the platform is a product; a team ships a new service in a day (O4).
- **Boring technology by default**: PostgreSQL, Kubernetes and Terraform, decided in ADRs and
  revisited when the evidence changes.
"""


def step_cockpit(ctx: DemoContext) -> None:
    """The vision (linked to three objectives and three decisions), a quarter-end snapshot of
    the previous quarter and one computation of the findings."""
    objectives = strategy_selectors.objective_list(actor=policy.SYSTEM).filter(
        key__in=["O1", "O3", "O4"]
    )
    decisions = architecture_selectors.decision_list(actor=policy.SYSTEM).filter(
        title__in=[
            "Use PostgreSQL as the default database",
            "Host services on Kubernetes (EKS)",
            "Use Terraform for infrastructure",
        ]
    )
    services.vision_save(
        actor=policy.SYSTEM,
        text=VISION,
        objective_ids=[o.pk for o in objectives],
        decision_ids=[d.pk for d in decisions],
    )
    closed = quarter_of(ctx.today) - 1
    reports.snapshot(
        policy.SYSTEM,
        ReportPeriod("board", closed.start, closed.end, str(closed), True),
        reason="quarter end",
    )
    services.findings_refresh(on=ctx.today)
