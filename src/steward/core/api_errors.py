"""One error format for the whole API (docs/api.md): every refusal is JSON
`{"detail": "<what is wrong>", "errors": [{"field": ..., "message": ...}]}`.

`install(api)` registers the exception handlers on the ninja API object and documents the
error responses on every operation of the OpenAPI document, so a client (and schemathesis) can
rely on the shape of a 4xx as on a 200.
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, Throttled, ValidationError

from steward.core.errors import BadInput, FilterError, InvalidInput
from steward.core.limits import Busy


class ErrorItem(Schema):
    """One wrong field: where (`query.limit`, `body.initiatives[0].value`) and what."""

    field: str
    message: str


class FieldProblem(Schema):
    """One field problem in ninja's shape (a 422 from type checks or a service's rules)."""

    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(Schema):
    """Every refusal of the API (4xx) has this body: a sentence (with `errors`) or ninja's list
    of field problems."""

    detail: str | list[FieldProblem]
    errors: list[ErrorItem] = []


ERROR_STATUSES = {
    400: "Malformed request (a NUL character, JSON nested too deeply)",
    401: "Not authenticated",
    403: "Not allowed",
    404: "No such object (or not visible to the caller)",
    409: "Conflicts with what is stored",
    422: "Invalid input; `errors` names each field",
    429: "Too many requests; see the Retry-After header",
}


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The error body: a sentence and the field errors (possibly none)."""
    return {"detail": detail, "errors": errors or []}


def _validation(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    # ninja's shape, which the write endpoints document (docs/api.md); only JSON-safe keys.
    problems = [
        {
            "loc": [p if isinstance(p, int) else str(p) for p in (e.get("loc") or ["body"])],
            "msg": str(e.get("msg", "invalid")),
            "type": str(e.get("type", "value_error")),
        }
        for e in exc.errors
    ]
    return api.create_response(request, {"detail": problems}, status=422)


def _bad_input(request: HttpRequest, exc: BadInput, api: NinjaAPI) -> HttpResponse:
    errors: list[dict[str, str]] = []
    if isinstance(exc, InvalidInput):
        errors = [{"field": p.column or p.file, "message": p.message} for p in exc.problems]
    elif isinstance(exc, FilterError):
        errors = list(exc.errors)
    elif getattr(exc, "field", None):
        errors = [{"field": str(exc.field), "message": str(exc)}]  # type: ignore[attr-defined]
    return api.create_response(request, error_body(str(exc), errors), status=422)


def _http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    response = api.create_response(request, error_body(str(exc)), status=exc.status_code)
    wait = getattr(exc, "wait", None)
    if isinstance(exc, Throttled) and wait:
        response["Retry-After"] = str(int(wait))
    return response


def _busy(request: HttpRequest, exc: Busy, api: NinjaAPI) -> HttpResponse:
    response = api.create_response(request, error_body(str(exc)), status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _not_found(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, error_body(str(exc) or "Not Found"), status=404)


def _forbidden(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, error_body(str(exc) or "Forbidden"), status=403)


def _out_of_range(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    # A number or date the parsers accepted but the arithmetic or the database cannot hold
    # (an id of 10**30, a date at the end of the calendar): the request's fault, not ours.
    return api.create_response(
        request, error_body("a number or date in the request is out of range"), status=422
    )


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every refusal into the JSON error format."""
    handlers: list[tuple[type[Exception], Any]] = [
        (ValidationError, _validation),
        (BadInput, _bad_input),
        (HttpError, _http_error),
        (Busy, _busy),
        (Http404, _not_found),
        (PermissionDenied, _forbidden),
        (OverflowError, _out_of_range),
        (DataError, _out_of_range),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, functools.partial(handler, api=api))


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add ErrorOut responses for every error status to every operation of `schema`."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    out = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(out.pop("$defs", {}))
    components["ErrorOut"] = out
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description, "content": content})
    return schema
