"""What the cockpit plugs into core: policy rules, navigation links, report sections, labels."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from steward.core import labels, navigation, policy


def _own_rows(
    user: policy.AnyUser, roles: frozenset[policy.Role], qs: QuerySet[Any], on: date | None
) -> QuerySet[Any]:
    """A user lists only the findings they set aside themselves."""
    return qs.filter(user_id=getattr(user, "pk", None)) if hasattr(user, "pk") else qs


def _report_rows(
    user: policy.AnyUser, roles: frozenset[policy.Role], qs: QuerySet[Any], on: date | None
) -> QuerySet[Any]:
    return qs if roles & policy.REPORT_READER_ROLES else qs.none()


def register() -> None:
    """Called once from `CockpitConfig.ready()`."""
    from steward.cockpit import reports

    policy.register_row_scope("cockpit.findingdismissal", _own_rows)
    policy.register_row_scope("cockpit.reportnote", _report_rows)
    policy.register_row_scope("cockpit.snapshot", _report_rows)
    policy.register_open_models("cockpit.vision")
    policy.register_editors("cockpit", policy.may_write_reports)

    area = "Strategy & roadmap"
    navigation.register_link(area, "Technology vision", "cockpit:vision")
    navigation.register_link(
        area, "Board report and brief", "cockpit:reports", policy.REPORT_READER_ROLES
    )

    labels.register(
        {
            "starved-objective": "Objective starved of effort",
            "bottleneck-team": "Bottleneck team",
            "dora-level-down": "Delivery key a level down",
            "span-of-control": "Span of control",
            "team-size": "Team size",
        },
        "finding_rule",
    )
    reports.register()
    # Talent's interview kits per level take what growth's ladder expects at the level; the two
    # apps share a floor (neither imports the other), so a face hands one to the other.
    from steward.growth import selectors as growth
    from steward.talent import kits

    kits.register_level_expectations(growth.ladder_level_expectations)
