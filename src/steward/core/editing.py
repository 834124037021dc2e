"""The edit and delete pages every app uses: one form page, one confirmation page.

The permission is checked by the caller (and again by the service); these only render.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from steward.core.deletion import DeletionSummary
from steward.core.errors import BadInput
from steward.core.forms import ServiceForm


def require(allowed: bool) -> None:
    """403 unless `allowed` (the page is for people who may make this change)."""
    if not allowed:
        raise PermissionDenied("you may not make this change")


def form_page(
    request: HttpRequest,
    form: ServiceForm,
    *,
    title: str,
    back: str,
    done: Callable[[Any], str] | None = None,
    intro: str = "",
) -> HttpResponse:
    """GET shows the form; POST submits it and redirects to `done(result)` (by default back),
    or shows errors."""
    if request.method == "POST":
        result = form.submit()
        if result is not None:
            messages.success(request, f"{title}: saved.")
            return redirect(back if done is None else done(result))
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "title": title, "back": back, "intro": intro}
    return render(request, "editing/form_page.html", context, status=status)


def submitted(
    request: HttpRequest, form: ServiceForm, *, allowed: bool, saved: str, done: str
) -> HttpResponse | None:
    """A form shown on a page of its own rows: a POST (403 unless `allowed`) submits it and
    redirects to `done` (a URL or URL name) saying `saved`; None to render the page (with the
    form's errors, if any)."""
    if request.method != "POST":
        return None
    require(allowed)
    if form.submit() is None:
        return None
    messages.success(request, saved)
    return redirect(done)


def delete_page(
    request: HttpRequest,
    *,
    what: str,
    summary: DeletionSummary,
    back: str,
    done: str,
    delete: Callable[[], None],
) -> HttpResponse:
    """GET says what else goes with the object; POST deletes it and redirects to `done`."""
    error = ""
    if request.method == "POST" and summary.allowed:
        try:
            delete()
        except BadInput as exc:
            error = str(exc)
        else:
            messages.success(request, f"Deleted {what}.")
            return redirect(done)
    context = {"what": what, "summary": summary, "back": back, "error": error}
    return render(request, "editing/confirm_delete.html", context)
