"""Small reads made once per page request, however many selectors ask for them.

A page often asks for the same small table several times (finance's rates and cost-center
codes: the forecast, the plan against actuals and the variance each read them); on a
client/server database every repeated query is a round trip (docs/benchmarks.md, issue 18
item 5). A function decorated with `once_per_request` runs once per GET or HEAD request and
set of arguments (the middleware opens the memo and drops it with the response) and on every call
anywhere else (services, jobs, the CLI, tests calling selectors directly), so a write and a
later read in the same unit of work never see a stale answer. What it returns is shared by its
callers in the request, so it must be read-only (a mapping or a frozen value they do not
change).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")
P = ParamSpec("P")

_memo: ContextVar[dict[Any, Any] | None] = ContextVar("steward_request_memo", default=None)

READ_METHODS = ("GET", "HEAD")


def once_per_request(read: Callable[P, T]) -> Callable[P, T]:
    """`read` runs once per GET/HEAD request for each set of arguments (which must be
    hashable), and on every call outside a request."""
    name = f"{read.__module__}.{read.__qualname__}"

    @functools.wraps(read)
    def memoized(*args: P.args, **kwargs: P.kwargs) -> T:
        memo = _memo.get()
        if memo is None:
            return read(*args, **kwargs)
        key = (name, args, tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = read(*args, **kwargs)
        return memo[key]  # type: ignore[no-any-return]

    return memoized


class RequestMemoMiddleware:
    """Opens the memo of `once_per_request` reads for a GET or HEAD request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in READ_METHODS:
            return self.get_response(request)
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
