"""Pages that belong to no single area: health check and home."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from steward.core import policy


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and the database engine, without login."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def home(request: HttpRequest) -> HttpResponse:
    """The home page: where to go next, by area."""
    from steward.core.navigation import visible_areas

    return render(
        request,
        "core/home.html",
        {"areas": visible_areas(request.user), "roles": policy.roles_of(request.user)},
    )
