"""Cockpit findings of the finance app: budget lines forecast to overrun, contracts whose
cancel-by date is near or passed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from steward.core.actors import SystemActor
from steward.core.registry import Finding
from steward.core.templatetags.steward_format import money
from steward.finance import rules, selectors


def _may_see(user: Any) -> bool:
    # The cockpit asks with a user; anything else (no login) finds nothing.
    if not isinstance(user, SystemActor) and not getattr(user, "is_authenticated", False):
        return False
    return rules.may_see_money(user)


def overrun_findings(user: Any, on: date) -> list[Finding]:
    """One finding per budget line of the current fiscal year forecast above its budget."""
    if not _may_see(user):
        return []
    fiscal_year = selectors.fiscal_year_of(actor=user, day=on)
    if fiscal_year is None:
        return []
    report = selectors.plan_vs_actual(actor=user, fiscal_year=fiscal_year, today=on)
    url = reverse("finance:plan_vs_actual") + f"?year={fiscal_year.year}"
    found = []
    for line in report["overruns"]:
        share = line["variance_share"]
        forecast = money(line["forecast_total"], report["currency"])
        if share is None:
            against = "with no budget"
        else:
            against = (
                f"against a budget of {money(line['budget'], report['currency'])} "
                f"({share * 100:+.0f} %)"
            )
        found.append(
            Finding(
                rule="budget line forecast to overrun",
                severity="warning",
                statement=(
                    f"{line['category_label']} · {line['cost_center_name']}: forecast "
                    f"{forecast} {against}"
                ),
                url=url,
            )
        )
    return found


def notice_findings(user: Any, on: date) -> list[Finding]:
    """Contracts whose notice period has begun, or whose cancel-by date is within 30 days."""
    if not _may_see(user):
        return []
    found = []
    for row in selectors.renewal_calendar(actor=user, today=on):
        contract = row["contract"]
        if row["alert"] not in ("inside", "30"):
            continue
        if row["alert"] == "inside":
            text = (
                f"{contract.vendor.name}: inside its notice period since "
                f"{row['cancel_by']:%-d %b %Y}; it ends {contract.end:%-d %b %Y}"
                + (" and renews automatically" if contract.auto_renew else "")
            )
        else:
            text = (
                f"{contract.vendor.name}: cancel by {row['cancel_by']:%-d %b %Y} "
                f"({row['days_left']} days)"
            )
        found.append(
            Finding(
                rule="contract inside its notice period",
                severity="critical" if row["alert"] == "inside" else "warning",
                statement=text,
                url=reverse("finance:contracts"),
            )
        )
    return found
