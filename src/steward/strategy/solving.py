"""The portfolio optimizer as the server runs it: bounded instance size, a worker process killed
at the wall-clock limit, and at most one solve per user (docs/security.md "Limits").

The CLI (`steward plan solve`) calls the optimizer directly: it runs on the operator's machine
with the limits the operator chooses.
"""

from __future__ import annotations

from typing import Any, TypedDict

from django.conf import settings

from steward.core.limits import TimedOut, expensive_slot, run_with_deadline
from steward.strategy.optimizer import InvalidInstance, solve_data

MAX_QUARTERS = 16
MAX_TEAMS = 100
MAX_INITIATIVES = 1000
MAX_START_VARIABLES = 10_000  # initiatives × quarters: the binary variables of the model
MAX_EFFORT_ENTRIES = 20_000  # (initiative, team) pairs with effort


def solve_seconds() -> float:
    """The wall-clock limit of one solve on the server (setting STEWARD_SOLVE_SECONDS)."""
    return float(getattr(settings, "STEWARD_SOLVE_SECONDS", 20))


def check_size(data: Any) -> None:
    """InvalidInstance (422) when an instance exceeds the documented maxima."""
    if not isinstance(data, dict):
        return  # the optimizer's parser names the shape problem
    quarters = data.get("quarters")
    teams = data.get("teams")
    initiatives = data.get("initiatives")
    limits = (("quarters", quarters, MAX_QUARTERS), ("teams", teams, MAX_TEAMS))
    for name, value, maximum in (*limits, ("initiatives", initiatives, MAX_INITIATIVES)):
        if isinstance(value, list) and len(value) > maximum:
            raise InvalidInstance(name, f"{len(value)} given, at most {maximum} per solve")
    if isinstance(quarters, list) and isinstance(initiatives, list):
        starts = len(quarters) * len(initiatives)
        if starts > MAX_START_VARIABLES:
            raise InvalidInstance(
                "initiatives",
                f"{len(initiatives)} initiatives × {len(quarters)} quarters = {starts} start "
                f"choices, at most {MAX_START_VARIABLES} per solve",
            )
        entries = sum(
            len(i["effort"])
            for i in initiatives
            if isinstance(i, dict) and isinstance(i.get("effort"), dict)
        )
        if entries > MAX_EFFORT_ENTRIES:
            raise InvalidInstance(
                "initiatives[].effort",
                f"{entries} team efforts in all, at most {MAX_EFFORT_ENTRIES} per solve",
            )


def worker_limits(seconds: float) -> dict[str, float]:
    """HiGHS's own limits inside a wall-clock limit of `seconds`: 60 % for the schedule, 20 %
    for the bottleneck pricing, the rest for building the model and the worker's start."""
    return {"time_limit": 0.6 * seconds, "bottleneck_time_limit": 0.2 * seconds}


class LivePlanLimits(TypedDict):
    deadline: float
    time_limit: float
    bottleneck_time_limit: float


def live_plan_limits() -> LivePlanLimits:
    """The keyword limits of `services.plan_current` on the web paths (`GET /strategy/plan`, the
    plan page): the same wall-clock limit as `POST /strategy/plan/solve`, in a worker process."""
    seconds = solve_seconds()
    limits = worker_limits(seconds)
    return {
        "deadline": seconds,
        "time_limit": limits["time_limit"],
        "bottleneck_time_limit": limits["bottleneck_time_limit"],
    }


def solve_in_worker(
    data: Any,
    *,
    seconds: float,
    time_limit: float,
    bottleneck_time_limit: float,
    hint: str,
) -> dict[str, Any]:
    """`optimizer.solve_data` in a worker process killed after `seconds` of wall clock;
    TimedOut (422) says so and adds `hint` (what the caller can do instead)."""
    try:
        result: dict[str, Any] = run_with_deadline(
            solve_data,
            data,
            seconds=seconds,
            time_limit=time_limit,
            bottleneck_time_limit=bottleneck_time_limit,
        )
    except TimedOut as exc:
        raise TimedOut(f"portfolio solve: {exc}; {hint}") from exc
    return result


def solve_limited(data: Any, *, user_key: str) -> dict[str, Any]:
    """Solve a plain-data instance under the server's limits; 422 (BadInput) when it is too
    large or does not finish in time, 429 (Busy) when the user or the server is already solving."""
    check_size(data)
    seconds = solve_seconds()
    with expensive_slot(user_key, what="portfolio solve", retry_after=int(seconds) + 1):
        return solve_in_worker(
            data,
            seconds=seconds,
            **worker_limits(seconds),
            hint="solve a smaller instance (fewer initiatives, quarters or teams) or use "
            "`steward plan solve` with a longer --time-limit",
        )
