"""What the work-tracking app plugs into core: policy rules, navigation links, import kinds."""

from __future__ import annotations

from steward.core import navigation, policy
from steward.core.importing import register_importer
from steward.core.registry import (
    register_page_panel,
    register_panel,
    register_search_provider,
)
from steward.worktracking import panels, rules, search


def register() -> None:
    """Called once from `WorkTrackingConfig.ready()`."""
    # Pull requests, reviews and tracker items are delivery evidence open to every role, like
    # commits; per-person review counts follow `policy.may_see_individual_activity` in the
    # selectors. Accounts (login -> email) only admins list.
    policy.register_open_models(
        "worktracking.pullrequest",
        "worktracking.pullrequestcommit",
        "worktracking.review",
        "worktracking.workitem",
        "worktracking.investmentrule",
    )
    policy.register_editors("worktracking", rules.may_change)

    area = "Architecture & delivery"
    navigation.register_link(area, "Flow", "worktracking:flow")
    navigation.register_link(area, "Work items", "worktracking:items")
    navigation.register_link(area, "Investment", "worktracking:investment")

    register_importer("pulls", "steward.worktracking.importers.PullsImporter")
    register_importer("issues", "steward.worktracking.importers.IssuesImporter")
    register_importer("investment-rules", "steward.worktracking.importers.InvestmentRulesImporter")

    register_search_provider("pull requests", search.pull_requests)
    register_search_provider("work items", search.work_items)
    register_panel("team", "flow", panels.team_flow)
    # Strategy sits below this app and cannot read it: its alignment page shows the investment
    # balance through core's page panels.
    register_page_panel("strategy:alignment", "investment", panels.alignment_investment)
