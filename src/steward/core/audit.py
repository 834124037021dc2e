"""Who made each audited change: the actor and the remote address on every audit entry.

django-auditlog's own middleware (and its `set_actor`) connects a `pre_save` receiver to
`LogEntry` for each request and disconnects it afterwards; Django's signals then rebuild their
receiver cache and scan every receiver (several hundred, one per audited model and signal)
twice per request: a quarter of an API request's time. Here one receiver is connected once and
reads the request's context from auditlog's own context variable, so the entries are stamped
exactly as auditlog's receiver stamps them (its `_set_extra_data`): the actor, unless the entry
already names one, and the remote address and port.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from auditlog.cid import set_cid
from auditlog.context import _set_extra_data, auditlog_value
from auditlog.middleware import AuditlogMiddleware
from django.db.models.signals import pre_save
from django.http import HttpRequest, HttpResponse

# The `signal_duid` of the contexts this module sets; auditlog's `set_actor` sets its own, and
# the receiver below leaves the entries written inside one of those to auditlog's receiver.
CONTEXT_ID = ("steward-audit-context", 0)
_connected: list[bool] = []


def connect_stamping() -> None:
    """Connect the one receiver that stamps audit entries (once per process)."""
    from auditlog import get_logentry_model

    if _connected:
        return
    _connected.append(True)
    pre_save.connect(
        partial(_set_extra_data, signal_duid=CONTEXT_ID),
        sender=get_logentry_model(),
        dispatch_uid=CONTEXT_ID,
        weak=False,
    )


@contextmanager
def audit_context(
    actor: Any, remote_addr: str | None = None, remote_port: int | None = None
) -> Iterator[None]:
    """Every audit entry written inside the block names `actor` (a user, or None) and comes
    from `remote_addr`/`remote_port`."""
    token = auditlog_value.set(
        {
            "actor": actor,
            "remote_addr": remote_addr,
            "remote_port": remote_port,
            "signal_duid": CONTEXT_ID,
        }
    )
    try:
        yield
    finally:
        auditlog_value.reset(token)


class AuditContextMiddleware(AuditlogMiddleware):
    """auditlog's middleware (the same actor, remote address and correlation id per request)
    without connecting and disconnecting a receiver per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        super().__init__(get_response)
        connect_stamping()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        set_cid(request)
        data = self.get_extra_data(request)
        with audit_context(data["actor"], data["remote_addr"], data["remote_port"]):
            return self.get_response(request)  # type: ignore[no-any-return]


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Record `user` as the actor of every audit entry written inside the block.

    The audit middleware reads the session user before the API has read a bearer token, so
    token writes name their actor here; inside a request the entries keep its remote address.
    """
    actor = user if getattr(user, "is_authenticated", False) else None
    current = auditlog_value.get(None)
    remote_addr = remote_port = None
    if current is not None and current.get("signal_duid") == CONTEXT_ID:
        remote_addr, remote_port = current.get("remote_addr"), current.get("remote_port")
    connect_stamping()
    with audit_context(actor, remote_addr, remote_port):
        yield
