"""Request middleware: login required everywhere but a few public paths, security headers,
refusal of malformed requests (NUL characters, JSON nested too deeply) and JSON refusals on
the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from steward.core.errors import BadInput

PUBLIC_PREFIXES = ("/accounts/login/", "/healthz", "/static/", "/api/")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)


class LoginRequiredMiddleware:
    """Redirect anonymous page requests to the login form; the API authenticates on its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect(f"{settings.LOGIN_URL}?next={request.path}")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if request.user.is_authenticated:
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response


API_PREFIX = "/api/"
MAX_JSON_DEPTH = 32
NUL = "\x00"


def _refuse(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": detail, "errors": []}, status=status)
    return HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")


def _json_problem(body: bytes) -> str | None:
    """Why a JSON body must be refused before any handler sees it, or None."""
    try:
        data = json.loads(body)
    except RecursionError:
        return f"body: JSON nested too deeply (at most {MAX_JSON_DEPTH} levels)"
    except (ValueError, UnicodeDecodeError):
        return None  # the handler reports invalid JSON with its own field context
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return f"body: JSON nested too deeply (at most {MAX_JSON_DEPTH} levels)"
        if isinstance(value, str):
            if NUL in value:
                return "body: contains a NUL character (\\u0000), which no field accepts"
        elif isinstance(value, dict):
            for key, item in value.items():
                if NUL in key:
                    return "body: contains a NUL character (\\u0000), which no field accepts"
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return None


class MalformedRequestMiddleware:
    """400 for a NUL character in the path, query string, form fields or JSON body (PostgreSQL
    cannot store one, SQLite would store what no export can restore) and for JSON nested deeper
    than MAX_JSON_DEPTH levels."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self._problem(request)
        if problem:
            return _refuse(request, 400, problem)
        return self.get_response(request)

    def _problem(self, request: HttpRequest) -> str | None:
        if NUL in request.path:
            return "path: contains a NUL character"
        for name, values in request.GET.lists():
            if NUL in name or any(NUL in v for v in values):
                return f"query parameter {name.replace(NUL, '')!r}: contains a NUL character"
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        content_type = request.content_type or ""
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for name, values in request.POST.lists():
                if NUL in name or any(NUL in v for v in values):
                    return f"form field {name.replace(NUL, '')!r}: contains a NUL character"
        elif content_type == "application/json" or (
            request.path.startswith(API_PREFIX) and request.body[:1] in (b"{", b"[")
        ):
            return _json_problem(request.body)
        return None


class ApiJsonErrorsMiddleware:
    """Every refusal under /api/ is JSON (`{"detail": ..., "errors": []}`, docs/api.md), also
    those Django makes before the API sees the request (unknown URL, method not allowed, CSRF,
    a request too large) and a server error's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            try:
                detail = HTTPStatus(response.status_code).phrase
            except ValueError:
                detail = "Error"
            if response.status_code == 405 and response.get("Allow"):
                detail += f" (allowed: {response['Allow']})"
            replacement = JsonResponse(
                {"detail": detail, "errors": []}, status=response.status_code
            )
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if response.has_header(header):
                    replacement[header] = response[header]
            return replacement
        return response


class BadInputPageMiddleware:
    """A page whose query cannot be served (a date out of range, a period too long) answers
    400 with the parser's message instead of a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, BadInput) and not request.path.startswith(API_PREFIX):
            return _refuse(request, 400, str(exception))
        return None
