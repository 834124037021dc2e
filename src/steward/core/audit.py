"""The audit log's actor for writes made outside a browser session (API tokens)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Record `user` as the actor of every audit entry written inside the block.

    The audit middleware reads the session user before the API has read a bearer token, so
    token writes name their actor here.
    """
    from auditlog.context import set_actor

    actor = user if getattr(user, "is_authenticated", False) else None
    with set_actor(actor):
        yield
