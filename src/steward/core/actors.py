"""The system actor, importable before Django is set up (the CLI names it at import time)."""

from __future__ import annotations

__all__ = ["SYSTEM", "SystemActor"]


class SystemActor:
    """The instance itself: the CLI run by its operator, background jobs, the demo builder.

    It holds every role, so every check passes; it has no person and no user record. There is
    no "no actor" path: code that acts for the system passes `SYSTEM` explicitly.
    """

    is_authenticated = True
    is_anonymous = False
    is_superuser = True
    is_active = True
    pk = None
    id = None
    username = "system"

    def get_username(self) -> str:
        return self.username

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()
