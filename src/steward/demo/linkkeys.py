"""The demo company's link-key vocabulary, shared by the demo git history and demo initiatives.

Every team has a project key (PAY for payments, ...). Its epics are numbered from 100:
`PAY-100` ... `PAY-105`. Demo commits reference the epic they work on (in the message or in
the merged branch's name, e.g. `feature/PAY-101-instant-payouts`), or an ordinary ticket of the
same project numbered from 1000 (not an epic), or nothing. An initiative of the demo strategy
that lists an epic's key among its `link_keys` thus gets the effort of the commits behind it.
Epic `i` of a team is worked on during months `[4 i, 4 i + 9)` of the demo's two-year history
(month 0 starts on `HISTORY_START`), so early epics are finished and late ones are in flight.
"""

from __future__ import annotations

from datetime import date

from steward.demo.company import REFERENCE_DATE

HISTORY_START = date(REFERENCE_DATE.year - 2, REFERENCE_DATE.month, 1)
HISTORY_MONTHS = 24

PROJECT_KEYS: dict[str, str] = {
    "payments": "PAY",
    "checkout": "CHK",
    "catalog": "CAT",
    "search": "SRCH",
    "mobile": "MOB",
    "growth": "GRW",
    "identity": "IDN",
    "platform-core": "PLAT",
    "developer-experience": "DX",
    "observability": "OBS",
    "sre-enablement": "SRE",
    "pricing-engine": "PRC",
    "ml-ranking": "MLR",
    "data-platform": "DATA",
}

EPIC_THEMES = (
    "foundations rewrite",
    "reliability hardening",
    "performance budget",
    "new market launch",
    "self-service tooling",
    "cost reduction",
)
EPICS_PER_TEAM = len(EPIC_THEMES)
FIRST_EPIC = 100
FIRST_TICKET = 1000


def epic_key(team_slug: str, index: int) -> str:
    """The key of a team's epic number `index` (0-based), e.g. PAY-100."""
    return f"{PROJECT_KEYS[team_slug]}-{FIRST_EPIC + index}"


def epics(team_slug: str) -> list[tuple[str, str, int, int]]:
    """A team's epics: (key, title, first month, end month) with months counted from
    HISTORY_START, end exclusive."""
    return [
        (epic_key(team_slug, i), f"{theme.capitalize()}", 4 * i, min(4 * i + 9, HISTORY_MONTHS + 3))
        for i, theme in enumerate(EPIC_THEMES)
    ]


def active_epics(team_slug: str, month: int) -> list[str]:
    """Keys of a team's epics being worked on in month `month` of the history."""
    return [key for key, _title, start, end in epics(team_slug) if start <= month < end]
