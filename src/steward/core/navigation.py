"""Navigation grouped by the CTO's areas of responsibility, showing only areas that exist.

The areas are fixed here; the links are registered by the apps (see docs/architecture.md)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import (
    NoReverseMatch,
    URLResolver,
    get_resolver,
    get_script_prefix,
    get_urlconf,
    reverse,
)

from steward.core import policy


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    roles: frozenset[policy.Role] | None = None  # None: every role


@dataclass(frozen=True)
class NavArea:
    label: str
    links: tuple[NavLink, ...]


# The six areas of the CTO role, in the order the menu shows them. Apps add their links with
# `register_link`; an area without links (yet) is not shown.
AREA_LABELS: tuple[str, ...] = (
    "Strategy & roadmap",
    "Architecture & delivery",
    "Budget & vendors",
    "Product trade-offs",
    "People & team",
    "Structure & process",
)

_links: dict[str, list[NavLink]] = {label: [] for label in AREA_LABELS}


def register_link(
    area: str, label: str, url_name: str, roles: frozenset[policy.Role] | None = None
) -> None:
    """Add a link to `area` (one of AREA_LABELS); links show in the order they are registered
    (apps register in INSTALLED_APPS order, from `AppConfig.ready()`)."""
    if area not in _links:
        raise ValueError(f"unknown navigation area {area!r}; one of {', '.join(AREA_LABELS)}")
    link = NavLink(label, url_name, roles)
    if any(existing.url_name == url_name for existing in _links[area]):
        raise ValueError(f"{url_name} is already in {area!r}")
    _links[area].append(link)


def areas() -> tuple[NavArea, ...]:
    """Every area with the links registered so far, in menu order."""
    return tuple(NavArea(label, tuple(_links[label])) for label in AREA_LABELS)


def visible_areas(user: Any) -> list[dict[str, Any]]:
    """The areas with at least one link `user` may open, each with its links resolved."""
    roles = policy.roles_of(user)
    urls = link_urls()
    result = []
    for area in areas():
        links = []
        for link in area.links:
            if link.roles is not None and not (roles & link.roles):
                continue
            url = _url(urls, link.url_name)
            if url is not None:
                links.append({"label": link.label, "url": url})
        if links:
            result.append({"label": area.label, "links": links})
    return result


def link_urls() -> dict[str, str | None]:
    """The URL of each link's name (None: no such URL) for the URL configuration and script
    prefix in force, filled in as links are asked for (reversing the menu's fifty links on
    every page cost ~1.5 ms of CPU: docs/testing.md)."""
    return _urls_of(get_resolver(get_urlconf()), get_script_prefix())


@functools.lru_cache(maxsize=16)
def _urls_of(resolver: URLResolver, prefix: str) -> dict[str, str | None]:
    return {}


def _url(urls: dict[str, str | None], url_name: str) -> str | None:
    if url_name not in urls:
        try:
            urls[url_name] = reverse(url_name)
        except NoReverseMatch:
            urls[url_name] = None
    return urls[url_name]


def current_location(shown: list[dict[str, Any]], path: str) -> dict[str, Any] | None:
    """The area and link whose URL is the longest prefix of `path` (for breadcrumbs)."""
    best: dict[str, Any] | None = None
    for area in shown:
        for link in area["links"]:
            if path.startswith(link["url"]) and (
                best is None or len(link["url"]) > len(best["link"]["url"])
            ):
                best = {"area": area, "link": link, "exact": path == link["url"]}
    return best


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context: `nav_areas` for the signed-in user and `nav_here` for breadcrumbs."""
    user = getattr(request, "user", None)  # absent when a request is refused before middleware
    if user is None or not user.is_authenticated:
        return {"nav_areas": []}
    shown = visible_areas(request.user)
    here = current_location(shown, request.path)
    if here is not None:
        here["area"]["active"] = True
        here["link"]["active"] = True
    return {
        "nav_areas": shown,
        "nav_here": here,
        "user_roles": policy.role_names(policy.roles_of(request.user)),
        "may_view_audit": policy.may_view_audit(request.user),
        # Edit buttons are shown only to those who may edit (the server refuses others).
        "may_change_org": policy.may_change_org(request.user),
        "may_change_strategy": policy.may_change_strategy(request.user),
    }
