"""Attrition, tenure survival, exit reasons and retention signals from the organization's people.

Reads start from `org.selectors.person_list(actor=...)` (the policy's people), and only the roles
of `rules.ATTRITION_ROLES` / `rules.RETENTION_ROLES` get here. Every group figure follows the
small-group rule; retention signals are cohorts and drivers, never a score per person.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from steward.core.requestmemo import once_per_request
from steward.growth import attrition, engagement, rules, survival
from steward.org import selectors as org_selectors

GROUPINGS = ("team", "level", "manager", "location", "tenure")
GROUPING_LABELS = {
    "team": "team",
    "level": "level",
    "manager": "manager",
    "location": "location",
    "tenure": "tenure band",
}


def employments(actor: Any) -> list[attrition.Employment]:
    """Every employment spell of the people `actor` may see, with the person's groups."""
    # A page asks three times (the rates and both tenure curves): read the people once.
    return list(_employments(actor))


@once_per_request
def _employments(actor: Any) -> tuple[attrition.Employment, ...]:
    spells = org_selectors.employment_spells(actor=actor)
    rows = []
    for person in org_selectors.person_rows(actor=actor):
        groups = {
            "team": person.team_name,
            "level": person.level,
            "manager": person.manager_name,
            "location": person.location,
        }
        own = org_selectors.SpellRow(
            person.start_date, person.end_date, person.termination_type, person.regretted
        )
        for spell in spells.get(person.pk) or [own]:
            rows.append(
                attrition.Employment(
                    person=person.employee_id,
                    start=spell.start_date,
                    end=spell.end_date,
                    termination_type=spell.termination_type,
                    regretted=spell.regretted,
                    groups=groups,
                )
            )
    return tuple(rows)


def attrition_report(
    *, actor: Any, start: date, end: date, by: str | None = None
) -> dict[str, Any]:
    """CONTRACT.md `steward metrics attrition` for `actor` (attrition roles only)."""
    if not rules.may_see_attrition(actor):
        raise PermissionError("attrition figures are for the CTO, executives and the people role")
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"--by {by!r}: one of {', '.join(GROUPINGS)}")
    report = attrition.attrition(
        employments(actor), start, end, by=by, min_group=engagement.min_group()
    )
    report["min_group_size"] = engagement.min_group()
    return report


def tenure_report(*, actor: Any, on: date, voluntary_only: bool = False) -> dict[str, Any]:
    """CONTRACT.md `steward metrics tenure`: Kaplan-Meier over employment spells."""
    if not rules.may_see_attrition(actor):
        raise PermissionError("tenure figures are for the CTO, executives and the people role")
    spells = [
        survival.Spell(e.start, e.end, e.termination_type == "voluntary")
        for e in employments(actor)
    ]
    return survival.tenure_summary(spells, on, voluntary_only=voluntary_only)


def exit_reasons(*, actor: Any, start: date, end: date) -> list[dict[str, Any]] | None:
    """Main reasons of the people who left in [start, end), counted; a reason given by fewer
    than the small-group threshold is folded into "other reasons" (None: the whole set is
    too small). For the CTO and the people role only."""
    from steward.core import policy
    from steward.growth.models import ExitRecord

    if not rules.may_see_retention(actor):
        return None
    rows = policy.visible(actor, "growth.ExitRecord").filter(left_on__gte=start, left_on__lt=end)
    labels = dict(ExitRecord.Reason.choices)
    counts = Counter(labels.get(r, r) for r in rows.values_list("reason", flat=True))
    threshold = engagement.min_group()
    if sum(counts.values()) < threshold:
        return None
    shown = [{"reason": k, "people": v} for k, v in counts.most_common() if v >= threshold]
    rest = sum(v for v in counts.values() if v < threshold)
    if 0 < rest < threshold and shown:
        # The folded rest would be a small group on its own: fold the smallest shown one in.
        rest += shown.pop()["people"]
    if rest:
        shown.append({"reason": "other reasons (small groups)", "people": rest})
    return shown


def retention_signals(*, actor: Any, on: date) -> list[dict[str, Any]]:
    """Cohorts of active people by driver (never a person): how many match each signal, shown
    only at or above the small-group threshold. For the CTO and the people role."""
    from steward.core import policy
    from steward.growth import selectors

    if not rules.may_see_retention(actor):
        raise PermissionError("retention signals are for the CTO and the people role")
    threshold = engagement.min_group()
    people = [
        p
        for p in org_selectors.person_rows(actor=actor)
        if p.start_date <= on and (p.end_date is None or p.end_date > on)
    ]
    line_starts = org_selectors.reporting_line_starts(actor=actor)
    ids = {p.pk for p in people}
    three_years = on - timedelta(days=3 * 365)
    last_change: dict[int, date] = {}
    for row in policy.visible(actor, "growth.PersonLevel").filter(person_id__in=ids):
        last_change[row.person_id] = max(last_change.get(row.person_id, row.start), row.start)
    no_promotion = {
        p.pk
        for p in people
        if p.start_date <= three_years and last_change.get(p.pk, p.start_date) <= three_years
    }
    year_ago = on - timedelta(days=365)
    manager_changes = {
        p.pk
        for p in people
        if sum(
            1
            for start in line_starts.get(p.pk, ())
            if year_ago <= start <= on and start > p.start_date
        )
        >= 2
    }
    overdue = {
        row.pair.report_id for row in selectors.pair_list(actor=actor, on=on) if row.state.overdue
    }
    low_teams: set[str] = set()
    rounds = engagement.enps_trend()
    if rounds:
        low_teams = {
            t["group"] for t in rounds[-1]["teams"] if t.get("enps") is not None and t["enps"] < 0
        }
    low_enps = {p.pk for p in people if p.team_name and p.team_name in low_teams}
    signals = [
        ("no-promotion-3y", "No promotion or level change in 3 years", no_promotion),
        (
            "manager-changed-twice",
            "Manager changed twice or more in the last 12 months",
            manager_changes,
        ),
        ("overdue-1on1s", "Overdue 1:1s with their manager", overdue & ids),
        ("low-team-enps", "In a team whose latest eNPS is below 0", low_enps),
    ]
    result = []
    for key, label, cohort in signals:
        size = len(cohort)
        item: dict[str, Any] = {"signal": key, "label": label, "active_people": len(ids)}
        if 0 < size < threshold:
            item["suppressed"] = True
        else:
            item["people"] = size
            item["share"] = round(100 * size / len(ids), 1) if ids else None
        result.append(item)
    return result
