"""Views that belong to no area: the health check and search."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from steward.core import registry

# Results shown per kind of thing; a longer list means the query should be more precise.
SEARCH_LIMIT = 20


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and the database engine, without login."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def search(request: HttpRequest) -> HttpResponse:
    """One box over everything a user may see: each app's registered search provider."""
    query = request.GET.get("q", "").strip()[:200]
    results = registry.search(request.user, query, limit=SEARCH_LIMIT) if query else []
    groups: dict[str, list[registry.SearchResult]] = {}
    for result in results:
        groups.setdefault(result.kind, []).append(result)
    context = {"query": query, "groups": groups, "count": len(results), "limit": SEARCH_LIMIT}
    return render(request, "search.html", context)
