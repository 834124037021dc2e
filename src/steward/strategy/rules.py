"""Rules an initiative must satisfy, shared by the importers, the forms and the API.

Each `*_problem` function returns `(message, hint)` when the value breaks the rule, else None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from steward.strategy.optimizer import find_cycle
from steward.strategy.scoring import RICE_CONFIDENCE, RICE_IMPACT, WSJF_SCALE

Problem = tuple[str, str]

WEIGHT_TOLERANCE = Decimal("0.001")

# The scale of each scored field of an initiative (METRICS.md).
SCALES: dict[str, tuple[Any, ...]] = {
    "value": WSJF_SCALE,
    "time_criticality": WSJF_SCALE,
    "risk_reduction": WSJF_SCALE,
    "job_size": WSJF_SCALE,
    "confidence": RICE_CONFIDENCE,
    "impact": RICE_IMPACT,
}


def on_scale(value: Any, scale: Sequence[Any]) -> Any | None:
    """The scale's own value equal to `value`, or None when it is not on the scale."""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return next((s for s in scale if Decimal(str(s)) == number), None)


def scale_problem(value: Any, scale: Sequence[Any]) -> Problem | None:
    """A scored field takes one of its scale's values."""
    if on_scale(value, scale) is None:
        return f"{value!r} is not on the scale", "use one of " + ", ".join(str(s) for s in scale)
    return None


def weights_problem(weights: Sequence[Decimal]) -> Problem | None:
    """An initiative's objective weights sum to 1 (rejected, never normalized)."""
    if not weights:
        return None
    total = sum(weights, Decimal(0))
    if abs(total - 1) > WEIGHT_TOLERANCE:
        return (
            f"weights sum to {total}, not 1",
            "give weights that add up to 1 (they are not normalized)",
        )
    return None


def cycle_problem(graph: Mapping[str, Sequence[str]]) -> Problem | None:
    """Dependencies between initiatives form no cycle."""
    cycle = find_cycle({k: list(v) for k, v in graph.items()})
    if cycle:
        return (
            "dependency cycle " + " -> ".join([*cycle, cycle[0]]),
            "remove one of these dependencies",
        )
    return None


def text(problem: Problem) -> str:
    """A problem as one sentence for a form or API field error."""
    message, hint = problem
    return f"{message} ({hint})" if hint else message
