"""Code knowledge pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def risk(request: HttpRequest) -> HttpResponse:
    """Repositories and teams by truck factor."""
    return render(request, "knowledge/risk.html", {})


def hotspots(request: HttpRequest) -> HttpResponse:
    """Hotspots."""
    return render(request, "knowledge/risk.html", {})


def coupling(request: HttpRequest) -> HttpResponse:
    """Change coupling."""
    return render(request, "knowledge/risk.html", {})


def knowledge_map(request: HttpRequest, name: str) -> HttpResponse:
    """Knowledge map of one repository."""
    return render(request, "knowledge/risk.html", {})
