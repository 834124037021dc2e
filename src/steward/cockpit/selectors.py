"""Home-page figures drawn from the areas' selectors."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from steward.core import policy
from steward.org import selectors as org_selectors


def org_summary(*, actor: User | AnonymousUser, on: date) -> dict[str, Any]:
    """Headcount, teams by type, joiners in the last 90 days and leavers in the last 365."""
    people = list(org_selectors.person_list(actor=actor).values("start_date", "end_date", "track"))
    active = [
        p for p in people if p["start_date"] <= on and (p["end_date"] is None or p["end_date"] > on)
    ]
    teams = list(org_selectors.team_list(actor=actor).values_list("type", flat=True))
    by_type: dict[str, int] = {}
    for team_type in teams:
        by_type[team_type] = by_type.get(team_type, 0) + 1
    may_see_leavers = bool(policy.roles_of(actor) & policy.WHOLE_ORG_ROLES)
    return {
        "headcount": len(active),
        "managers": sum(1 for p in active if p["track"] == "manager"),
        "teams": len(teams),
        "teams_by_type": sorted(by_type.items()),
        "joiners_90d": sum(1 for p in active if p["start_date"] > on - timedelta(days=90)),
        "leavers_365d": sum(
            1
            for p in people
            if p["end_date"] is not None and on - timedelta(days=365) < p["end_date"] <= on
        )
        if may_see_leavers
        else None,
    }


# --- findings -----------------------------------------------------------------------------

SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}


def latest_run() -> Any | None:
    """The newest complete run of the finding rules, if any."""
    from steward.cockpit.models import FindingRun

    return FindingRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()


def run_is_stale(run: Any | None, on: date) -> bool:
    """A run is stale on another day, or after an audited write (an import, an edit)."""
    from steward.cockpit.services import data_version

    return run is None or run.on != on or run.data_version < data_version()


def _my_subjects(actor: policy.Actor) -> set[str]:
    """Subjects that concern `actor`: themselves and their reporting subtree ("person:<id>"),
    and the home teams of those people ("team:<slug>")."""
    me = policy.person_of(actor)
    ids = set(policy.subtree_ids(actor))
    if me is not None:
        ids.add(me.pk)
    if not ids:
        return set()
    subjects: set[str] = set()
    rows = org_selectors.person_list(actor=policy.SYSTEM).filter(pk__in=ids)
    for employee_id, slug in rows.values_list("employee_id", "team__slug"):
        subjects.add(f"person:{employee_id}")
        if slug:
            subjects.add(f"team:{slug}")
    return subjects


def findings_for(*, actor: policy.Actor, on: date) -> dict[str, Any]:
    """The stored findings `actor` may see, ranked (critical first), without those they set
    aside; a dismissed finding whose figure changed is back (`returned`)."""
    from steward.cockpit.models import FindingDismissal

    run = latest_run()
    result: dict[str, Any] = {"run": run, "items": [], "set_aside": []}
    if run is None or not policy.roles_of(actor):
        return result
    whole_org = bool(policy.roles_of(actor) & policy.WHOLE_ORG_ROLES)
    mine = set() if whole_org else _my_subjects(actor)
    user = policy.user_record(actor)
    dismissals = {d.identity: d for d in FindingDismissal.objects.filter(user=user)} if user else {}
    for f in run.findings.all():
        if not policy.may_see_finding(
            actor, audience=f.audience, concerns_mine=bool(f.subject) and f.subject in mine
        ):
            continue
        item = {
            "rule": f.rule,
            "severity": f.severity,
            "statement": f.statement,
            "url": f.url,
            "owner": f.owner,
            "identity": f.identity,
            "fingerprint": f.fingerprint,
            "returned": False,
        }
        dismissal = dismissals.get(f.identity)
        if dismissal is not None:
            if dismissal.until is not None and on < dismissal.until:
                result["set_aside"].append({**item, "until": dismissal.until})
                continue
            if dismissal.until is None and dismissal.fingerprint == f.fingerprint:
                result["set_aside"].append({**item, "until": None})
                continue
            item["returned"] = dismissal.until is None
        result["items"].append(item)
    result["items"].sort(key=lambda i: SEVERITY_RANK.get(i["severity"], 3))  # stable: rule order
    return result


# --- snapshots and vision -----------------------------------------------------------------


def snapshot_list() -> list[Any]:
    """Every snapshot, newest quarter first."""
    from steward.cockpit.models import Snapshot

    return list(Snapshot.objects.all()[:40])


def snapshot_before(period: str) -> Any | None:
    """The newest snapshot of the quarter before `period` ("2026Q4" -> 2026Q3's)."""
    from steward.cockpit.models import Snapshot
    from steward.core.periods import parse_quarter

    previous = str(parse_quarter(period) - 1)
    return Snapshot.objects.filter(period=previous).order_by("-taken_at").first()


def vision() -> dict[str, Any]:
    """The technology vision as HTML, with the objectives and decisions it links."""
    from steward.cockpit.models import Vision
    from steward.core.markdown_html import render_markdown

    row = Vision.objects.order_by("pk").first()
    if row is None:
        return {"text": "", "html": "", "objectives": [], "decisions": [], "updated_at": None}
    return {
        "text": row.text,
        "html": render_markdown(row.text),
        "objectives": [{"key": o.key, "title": o.title, "pk": o.pk} for o in row.objectives.all()],
        "decisions": [
            {"number": d.number, "title": d.title, "status": d.status, "pk": d.pk}
            for d in row.decisions.all()
        ],
        "updated_at": row.updated_at,
    }


def vision_choices() -> dict[str, list[tuple[int, str]]]:
    """Objectives and decisions the vision may link, for the edit form."""
    from steward.architecture import selectors as architecture_selectors
    from steward.strategy import selectors as strategy_selectors

    return {
        "objectives": [
            (o.pk, f"{o.key}: {o.title}")
            for o in strategy_selectors.objective_list(actor=policy.SYSTEM)
        ],
        "decisions": [
            (d.pk, f"ADR {d.number}: {d.title}")
            for d in architecture_selectors.decision_list(actor=policy.SYSTEM)
        ],
    }
