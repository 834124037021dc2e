"""Styled error pages (403, 404, 400 and 500) and the validation page, each with a way back.

Django's default handlers render `403.html`, `404.html` and `400.html` with the request's
context; these views do the same and add where to go back to. The 500 page is rendered without
the request context (the error may be in it), so it needs nothing but static files.
"""

from __future__ import annotations

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme


def back_url(request: HttpRequest, default: str = "/") -> str:
    """The page the user came from when it is on this site, else `default`."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return default
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 for a foreign Host header is rendered by this module too
        return default
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return default


def _page(
    request: HttpRequest, template: str, status: int, message: str, back: str | None = None
) -> HttpResponse:
    context = {"message": message, "back": back or back_url(request), "status": status}
    return HttpResponse(loader.render_to_string(template, context, request), status=status)


def validation_error(request: HttpRequest, message: str, back: str | None = None) -> HttpResponse:
    """A 422 page saying what was wrong with the submitted values, with a way back to the form."""
    return _page(request, "400.html", 422, message, back)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400."""
    return _page(request, "400.html", 400, str(exception) or "The request could not be read.")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403."""
    return _page(request, "403.html", 403, str(exception))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404."""
    return _page(request, "404.html", 404, str(exception) if exception else "")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the template alone, no request context."""
    return HttpResponse(loader.render_to_string("500.html"), status=500)
