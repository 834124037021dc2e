"""Cockpit findings of organization design: span of control and team size outside the norms.

Registered from `registrations.py` into `core.registry`; the cockpit never imports this module.
Thresholds are METRICS.md "Organization structure" (the same flags as the health page).
"""

from __future__ import annotations

from datetime import date

from steward.core import policy
from steward.core.registry import Finding

# kind -> (severity, what the rule says after the figure)
SPAN_FLAGS = {
    "span_over_8": ("warning", "span of control over 8"),
    "span_under_3": ("info", "span of control under 3"),
}
TEAM_FLAGS = {
    "team_over_9": ("warning", "team size outside 5–9"),
    "team_under_5": ("info", "team size outside 5–9"),
    "team_of_one": ("warning", "a team of one"),
}


def span_of_control(actor: policy.Actor, on: date) -> list[Finding]:
    """A manager with more than 8 or fewer than 3 direct reports."""
    from django.urls import reverse

    from steward.org import selectors as org_selectors
    from steward.orgdesign import selectors

    data = selectors.structure_analysis(actor=actor, on=on)
    people = org_selectors.people_by_employee_id()
    by_manager = data["span_of_control"]["by_manager"]
    url = f"{reverse('orgdesign:health')}?date={on.isoformat()}"
    found = []
    for flag in data["flags"]:
        if flag["kind"] not in SPAN_FLAGS:
            continue
        severity, words = SPAN_FLAGS[flag["kind"]]
        manager = flag["subject"]
        person = people.get(manager)
        name = person.name if person is not None else manager
        reports = by_manager.get(manager, 0)
        found.append(
            Finding(
                rule="span-of-control",
                severity=severity,
                statement=f"{name} has {reports} direct reports ({words})",
                url=url,
                owner=name,
                key=manager,
                figure=str(reports),
                subject=f"person:{manager}",
            )
        )
    return found


def team_size(actor: policy.Actor, on: date) -> list[Finding]:
    """A team of one, or a team with fewer than 5 or more than 9 active members."""
    from django.urls import reverse

    from steward.org import selectors as org_selectors
    from steward.orgdesign import selectors

    data = selectors.structure_analysis(actor=actor, on=on)
    names = org_selectors.team_names_by_slug()
    sizes = {t["slug"]: t["size"] for t in data["teams"]}
    found = []
    for flag in data["flags"]:
        if flag["kind"] not in TEAM_FLAGS:
            continue
        severity, words = TEAM_FLAGS[flag["kind"]]
        slug = flag["subject"]
        team = names.get(slug, slug)
        size = sizes.get(slug, 0)
        found.append(
            Finding(
                rule="team-size",
                severity=severity,
                statement=f"{team} has {size} active member{'s' if size != 1 else ''} ({words})",
                url=reverse("org:team_detail", args=[slug]),
                owner=team,
                key=slug,
                figure=str(size),
                subject=f"team:{slug}",
            )
        )
    return found
