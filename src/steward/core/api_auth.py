"""API authentication: a bearer token or the browser session (with CSRF on writes)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja.security import HttpBearer, django_auth

from steward.core.auth import user_for_token


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` with a token made by `steward token create`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


API_AUTH = [BearerToken(), django_auth]


def login_required_for_docs(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI document and docs page need a session or a bearer token, like the API."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            header = request.headers.get("Authorization", "")
            scheme, _, raw = header.partition(" ")
            user = user_for_token(raw.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                return JsonResponse({"detail": "Unauthorized"}, status=401)
            request.user = user
        return view(request, *args, **kwargs)

    return wrapper
