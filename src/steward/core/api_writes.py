"""Write endpoints of the API: one way to run a service and answer its errors.

- a field the service rejects: 422 with ninja's error shape
  `{"detail": [{"loc": ["body", field], "msg": ..., "type": "value_error"}]}`;
- a change the caller may not make: 403;
- the audit log names the token's user as the actor.
Rows the caller may not see are a 404, decided by the handler before it calls the service.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from steward.core.audit import acting_as
from steward.core.errors import BadInput, InvalidFields


def field_errors(exc: BadInput) -> list[dict[str, Any]]:
    """The service's messages in ninja's 422 shape, one entry per field and message."""
    fields = exc.field_messages() if isinstance(exc, InvalidFields) else {"__all__": [str(exc)]}
    errors: list[dict[str, Any]] = []
    for field, messages in fields.items():
        loc = ["body"] if field == "__all__" else ["body", field]
        errors.extend({"loc": loc, "msg": m, "type": "value_error"} for m in messages)
    return errors


@contextmanager
def service_call(request: HttpRequest) -> Iterator[None]:
    """Run the service calls of a write endpoint in one transaction, audited as the caller;
    errors answer 422/403 and nothing is written."""
    try:
        with acting_as(request.user), transaction.atomic():
            yield
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "you may not make this change") from exc
    except BadInput as exc:
        raise NinjaValidationError(field_errors(exc)) from exc


def require(allowed: bool) -> None:
    """403 unless the caller may make this change."""
    if not allowed:
        raise HttpError(403, "you may not make this change")


def body_error(field: str, message: str) -> NinjaValidationError:
    """A 422 about one field of the request body (e.g. an unknown team slug)."""
    return NinjaValidationError([{"loc": ["body", field], "msg": message, "type": "value_error"}])
