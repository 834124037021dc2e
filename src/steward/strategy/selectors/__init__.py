"""Reads of the strategy app, one module per page they serve: objectives, initiatives,
prioritization, roadmap, portfolio (capacity and the optimizer's instance), alignment and
improvement. Import from here (`from steward.strategy import selectors`): every public name is
re-exported."""

from __future__ import annotations

from steward.core import policy
from steward.strategy.selectors.alignment import (
    INTENDED_STATUSES,
    AlignmentCommits,
    alignment_commits,
    alignment_report,
    intended_shares,
)

# The month list of the alignment report, which the tests check.
from steward.strategy.selectors.alignment import _months as _months
from steward.strategy.selectors.improvement import (
    action_closure,
    action_list,
    idea_list,
    stored_bottlenecks,
)
from steward.strategy.selectors.initiatives import (
    effort_total,
    initiative_dict,
    initiative_get,
    initiative_list,
)
from steward.strategy.selectors.objectives import (
    key_result_dict,
    key_result_history,
    objective_dict,
    objective_get,
    objective_list,
    objective_tree,
)
from steward.strategy.selectors.portfolio import (
    portfolio_instance,
    team_capacity,
)
from steward.strategy.selectors.prioritization import (
    SORT_KEYS,
    prioritization,
    value_effort_svg,
)
from steward.strategy.selectors.roadmap import (
    board,
    roadmap,
)

Actor = policy.Actor

__all__ = [
    "INTENDED_STATUSES",
    "SORT_KEYS",
    "Actor",
    "AlignmentCommits",
    "action_closure",
    "action_list",
    "alignment_commits",
    "alignment_report",
    "board",
    "effort_total",
    "idea_list",
    "initiative_dict",
    "initiative_get",
    "initiative_list",
    "intended_shares",
    "key_result_dict",
    "key_result_history",
    "objective_dict",
    "objective_get",
    "objective_list",
    "objective_tree",
    "portfolio_instance",
    "prioritization",
    "roadmap",
    "stored_bottlenecks",
    "team_capacity",
    "value_effort_svg",
]
