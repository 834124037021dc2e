"""The home page: where things stand, by area, and where to go next."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from steward.cockpit import selectors
from steward.core import policy
from steward.core.navigation import visible_areas


def home(request: HttpRequest) -> HttpResponse:
    """Key figures of the organization and the areas the user may open."""
    roles = policy.roles_of(request.user)
    context = {
        "areas": visible_areas(request.user),
        "roles": roles,
        "org": selectors.org_summary(actor=request.user, on=date.today()) if roles else None,
    }
    return render(request, "cockpit/home.html", context)
