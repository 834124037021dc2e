"""Bounds on expensive work so one user cannot stall the server (docs/security.md "Limits").

- `expensive_slot(user)`: at most one expensive job per user at a time, and at most
  `STEWARD_EXPENSIVE_CONCURRENCY` in the whole server process (fewer than its threads, so
  `/healthz` and ordinary pages keep answering); a refused caller gets `Busy` (HTTP 429 with
  Retry-After).
- `run_with_deadline(func, ...)`: run a plain-Python function in a separate worker process and
  kill it when the wall-clock deadline passes (a C solver ignores thread interrupts, and its
  own time limit does not cover model building).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

from django.conf import settings

from steward.core.errors import BadInput, StewardError


class Busy(StewardError):
    """The caller (or the server) already runs as many expensive jobs as allowed."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TimedOut(BadInput):
    """The work did not finish within its wall-clock limit and was stopped."""


_lock = threading.Lock()
_running_by_user: dict[str, int] = {}


def _global_cap() -> int:
    return max(1, int(getattr(settings, "STEWARD_EXPENSIVE_CONCURRENCY", 2)))


@contextmanager
def expensive_slot(user_key: str, *, what: str, retry_after: int) -> Iterator[None]:
    """Hold one of the server's expensive-job slots for `user_key`, or raise Busy."""
    with _lock:
        if _running_by_user.get(user_key):
            raise Busy(
                f"{what}: you already have one running; wait for it to finish",
                retry_after=retry_after,
            )
        if sum(_running_by_user.values()) >= _global_cap():
            raise Busy(
                f"{what}: the server is busy with {_global_cap()} such jobs; try again later",
                retry_after=retry_after,
            )
        _running_by_user[user_key] = 1
    try:
        yield
    finally:
        with _lock:
            _running_by_user.pop(user_key, None)


def _child(conn: Connection, func: Callable[..., Any], args: Any, kwargs: Any) -> None:
    try:
        result: tuple[str, Any] = ("ok", func(*args, **kwargs))
    except BadInput as exc:  # custom exception classes may not survive pickling: send the text
        result = ("bad_input", str(exc))
    except BaseException as exc:
        result = ("error", f"{type(exc).__name__}: {exc}")
    conn.send(result)
    conn.close()


def run_with_deadline(func: Callable[..., Any], *args: Any, seconds: float, **kwargs: Any) -> Any:
    """`func(*args, **kwargs)` in a worker process, killed after `seconds` (TimedOut).

    `func` must be a module-level function of plain, picklable data. BadInput in the worker is
    raised again here as BadInput with the same message; any other failure as StewardError.
    """
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, func, args, kwargs), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise TimedOut(f"stopped after {seconds:g} s (the limit)")
        kind, value = receive.recv()
    except EOFError as exc:
        raise StewardError("the worker process died without an answer") from exc
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if kind == "bad_input":
        raise BadInput(value)
    if kind == "error":
        raise StewardError(value)
    return value
