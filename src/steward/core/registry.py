"""Registries that apps fill from `AppConfig.ready()`, so that `core` never names an app.

Each concern has one registry next to the code that reads it:
- policy rules and sensitive fields: `core.policy.register_*`;
- navigation links: `core.navigation.register_link`;
- CSV/Markdown import kinds: `core.importing.register_importer`;
- background jobs run once a day: `core.jobs.register_daily_job`;
- cockpit findings, report sections, search providers, the panels on a team's and a
  person's page, and the panels an app adds to another app's page (by URL name): here.

A provider is a plain function of the asking user (every read starts from the policy), so the
cockpit and the search page can run every registered provider without knowing the apps.
See docs/architecture.md for how an app plugs in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries in registration order; a name registers once."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: dict[str, T] = {}

    def register(self, name: str, entry: T) -> None:
        """Add `entry` under `name`; a second entry under the same name is an error."""
        if name in self._entries:
            raise ValueError(f"{self.what} {name!r} is already registered")
        self._entries[name] = entry

    def unregister(self, name: str) -> None:
        """Remove `name` (tests use this to clean up)."""
        self._entries.pop(name, None)

    def items(self) -> list[tuple[str, T]]:
        """(name, entry) pairs in registration order."""
        return list(self._entries.items())

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class Finding:
    """One statement on the cockpit: the rule that made it, how bad, what, and the evidence.

    Only the first four fields are required; the rest have defaults so that a rule written as
    `Finding(rule, severity, statement, url)` keeps working:
    - `owner`: who should act, in plain words (a person's or a team's name);
    - `key`: what the finding is about, stable from day to day (an objective key, a team slug);
      with `rule` it identifies the finding a user dismisses (default: the `url`);
    - `figure`: the figure behind it; a dismissed finding comes back when it changes (default:
      the `statement`, which holds the figure);
    - `subject`: whom it concerns, for the policy: `"team:<slug>"`, `"person:<employee id>"` or
      `""` (the whole organization). A manager sees the findings of their reporting subtree;
    - `audience`: roles that see it whatever its subject (default: the whole-organization roles);
      a finding on money or pay names the roles that may see it.
    """

    rule: str
    severity: str  # "info", "warning" or "critical"
    statement: str
    url: str
    owner: str = ""
    key: str = ""
    figure: str = ""
    subject: str = ""
    audience: frozenset[str] = frozenset()

    @property
    def identity(self) -> str:
        """What a dismissal is attached to: the rule and what the finding is about."""
        return f"{self.rule}:{self.key or self.url}"

    @property
    def fingerprint(self) -> str:
        """The figure a dismissal remembers; when it differs the finding shows again."""
        return self.figure or self.statement


# A findings rule: (user, day) -> the findings that user may see on that day.
FindingRule = Callable[[Any, date], Iterable[Finding]]


@dataclass(frozen=True)
class SearchResult:
    """One search hit: what kind of thing, its title, where it lives, a line of detail."""

    kind: str
    title: str
    url: str
    detail: str = ""


# A search provider: (user, query, limit) -> at most `limit` results that user may see.
SearchProvider = Callable[[Any, str, int], Iterable[SearchResult]]


@dataclass(frozen=True)
class PanelRow:
    """One line of a panel: what, a figure with its unit, and the evidence page."""

    label: str
    value: str = ""
    url: str = ""


@dataclass(frozen=True)
class Panel:
    """A section another app adds to a team's or a person's page (org knows no other app)."""

    title: str
    rows: tuple[PanelRow, ...] = ()
    empty: str = "Nothing yet."  # shown when there are no rows
    more_url: str = ""
    more_label: str = ""


# A panel provider: (user, the team or person) -> a panel, or None when the user may not see it.
PanelProvider = Callable[[Any, Any], "Panel | None"]

# The pages that take panels; a provider names one of them.
PANEL_SUBJECTS = ("team", "person")


@dataclass(frozen=True)
class ReportPeriod:
    """What a report covers: its kind, the half-open period [start, end) and its audience.

    `board` is True for the board report: a section must then hold no personal data (no
    individual contributor's name, no salary, nothing about a candidate).
    """

    kind: str  # "board" (a quarter) or "brief" (a month)
    start: date
    end: date
    label: str  # "2026Q4", "November 2026"
    board: bool


@dataclass(frozen=True)
class KeyFigure:
    """One figure of a report section, frozen into snapshots: a stable key, words, a value."""

    key: str  # "delivery.deployments_per_week"
    label: str  # "production deployments per week"
    value: float | None
    unit: str = ""  # "%", "h", "people", a currency code
    url: str = ""  # the evidence


@dataclass(frozen=True)
class ReportSection:
    """One section of the board report or the executive brief.

    `html` is a trusted fragment: the provider escapes what it interpolates (render it from a
    template). `order` places it (lower first); `figures` are compared with the previous snapshot.
    """

    key: str  # stable: "delivery"; the CTO's commentary is stored under it
    title: str
    html: str
    figures: tuple[KeyFigure, ...] = ()
    order: int = 100


# A report section provider: (actor, period) -> the section, or None when it has nothing to say.
ReportSectionProvider = Callable[[Any, ReportPeriod], "ReportSection | None"]

finding_rules: Registry[FindingRule] = Registry("findings rule")
report_sections: Registry[ReportSectionProvider] = Registry("report section")
search_providers: Registry[SearchProvider] = Registry("search provider")
panel_providers: dict[str, Registry[PanelProvider]] = {
    subject: Registry(f"{subject} panel") for subject in PANEL_SUBJECTS
}


def register_finding_rule(name: str, rule: FindingRule) -> None:
    """Add a cockpit findings rule (`name` is the `rule` of its findings)."""
    finding_rules.register(name, rule)


def register_report_section(name: str, provider: ReportSectionProvider) -> None:
    """Add a section to the board report and the executive brief (`name` is its key)."""
    report_sections.register(name, provider)


def report(actor: Any, period: ReportPeriod) -> list[ReportSection]:
    """The sections every provider has for `period`, ordered by `order` then registration."""
    found = [provider(actor, period) for _, provider in report_sections.items()]
    return sorted((s for s in found if s is not None), key=lambda s: s.order)


def register_search_provider(name: str, provider: SearchProvider) -> None:
    """Add a search provider (`name` is usually the kind of thing it finds)."""
    search_providers.register(name, provider)


def findings(user: Any, on: date) -> list[Finding]:
    """The findings of every registered rule for `user` on `on`, in registration order."""
    return [found for _, rule in finding_rules.items() for found in rule(user, on)]


def search(user: Any, query: str, limit: int = 20) -> list[SearchResult]:
    """Up to `limit` results per provider for `query`, in provider registration order."""
    query = query.strip()
    if not query:
        return []
    results: list[SearchResult] = []
    for _, provider in search_providers.items():
        results.extend(list(provider(user, query, limit))[:limit])
    return results


def register_panel(subject: str, name: str, provider: PanelProvider) -> None:
    """Add a panel to every `subject` page ("team" or "person")."""
    if subject not in panel_providers:
        raise ValueError(f"panel subject {subject!r}: expected one of {', '.join(PANEL_SUBJECTS)}")
    panel_providers[subject].register(name, provider)


def panels(subject: str, user: Any, obj: Any) -> list[Panel]:
    """The panels of every registered provider for `obj`, in registration order."""
    found = (provider(user, obj) for _, provider in panel_providers[subject].items())
    return [panel for panel in found if panel is not None]


# A page panel provider: (user, request) -> a panel for the page being shown, or None. It reads
# what it needs from the page's own query string (a period, a team), as the page does.
PagePanelProvider = Callable[[Any, Any], "Panel | None"]
page_panel_providers: dict[str, Registry[PagePanelProvider]] = {}


def register_page_panel(view_name: str, name: str, provider: PagePanelProvider) -> None:
    """Add a panel under the content of the page whose URL name is `view_name` (namespaced,
    "app:page"), so that an app on a higher floor can feed a page of a lower one without being
    imported."""
    if view_name not in page_panel_providers:
        page_panel_providers[view_name] = Registry(f"{view_name} page panel")
    page_panel_providers[view_name].register(name, provider)


def page_panels(view_name: str, user: Any, request: Any) -> list[Panel]:
    """The panels registered for the page `view_name`, in registration order."""
    registry = page_panel_providers.get(view_name)
    if registry is None:
        return []
    found = (provider(user, request) for _, provider in registry.items())
    return [panel for panel in found if panel is not None]
