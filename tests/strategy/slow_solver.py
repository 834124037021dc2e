"""A stand-in for `optimizer.solve_data` that never finishes in time, for the worker process.

It lives in its own module without Django imports: the spawned worker imports it by name
(tests/strategy/test_solve_limits.py patches `solving.solve_data` with it).
"""

from __future__ import annotations

import time
from typing import Any


def never_in_time(data: Any, **kwargs: Any) -> dict[str, Any]:
    """Like a solver that overruns its own time limit (HiGHS does): sleep far past any limit."""
    time.sleep(120)
    raise AssertionError("the worker should have been killed")
