"""Reads of hiring data, always starting from what the actor may see (`policy.visible`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from steward.core import disclosure, policy
from steward.core.periods import quarter_of
from steward.core.registry import Finding
from steward.talent import funnel, git_remote, kits, rules
from steward.talent.models import (
    Application,
    BrandActivity,
    Candidate,
    InterviewKit,
    Offer,
    Outcome,
    Requisition,
    RequisitionStatus,
    Scorecard,
    SelfIdentification,
    Source,
    StageMove,
    pipeline_of,
)
from steward.talent.services import OVERALL_NAMES, RATING_NAMES

Actor = policy.Actor
# When no hire has been made yet: how long hiring is assumed to take (days), for the finding.
ASSUMED_DAYS_TO_HIRE = 45


def min_group() -> int:
    """The small-group threshold in force (METRICS.md: default 5, never below 3)."""
    return disclosure.min_group_size(getattr(settings, "STEWARD_MIN_GROUP_SIZE", None))


# --- requisitions and the plan --------------------------------------------------------------


def requisition_list(
    *,
    actor: Actor,
    status: str | None = None,
    team: str | None = None,
    quarter: str | None = None,
) -> QuerySet[Requisition]:
    """Requisitions `actor` may see, by target start."""
    rows: QuerySet[Requisition] = policy.visible(actor, "talent.requisition").select_related(
        "team", "role", "initiative", "hiring_manager", "recruiter"
    )
    if status:
        rows = rows.filter(status=status)
    if team:
        rows = rows.filter(team__slug=team)
    if quarter:
        rows = rows.filter(quarter=quarter)
    return rows.order_by("target_start", "key")


def requisition_get(*, actor: Actor, key: str) -> Requisition | None:
    """Requisition `key` if `actor` may see it."""
    return requisition_list(actor=actor).filter(key=key).first()


def requisition_dict(req: Requisition, *, actor: Actor) -> dict[str, Any]:
    """The API form of a requisition (budgeted cost only for compensation roles)."""
    data: dict[str, Any] = {
        "key": req.key,
        "title": req.title,
        "team": req.team.slug,
        "level": req.level,
        "role": req.role.slug if req.role else None,
        "reason": req.reason,
        "initiative": req.initiative.key if req.initiative else None,
        "hiring_manager": req.hiring_manager.employee_id if req.hiring_manager else None,
        "recruiter": req.recruiter.username if req.recruiter else None,
        "quarter": req.quarter,
        "target_start": req.target_start,
        "status": req.status,
        "opened_on": req.opened_on,
        "closed_on": req.closed_on,
        "stages": req.pipeline,
        "plan_entry_key": req.plan_entry_key or None,
        "value_of_one_more_person": req.value_of_one_more_person,
        "approved": req_approved(req),
    }
    if rules.may_see_money(actor):
        data["budgeted_cost"] = req.budgeted_cost
        data["currency"] = req.currency or None
    return data


def req_approved(req: Requisition) -> bool:
    """Whether the CTO's (or an admin's) latest decision approves the requisition."""
    approvals = sorted(req.approvals.all(), key=lambda a: (a.decided_at, a.pk))
    return bool(approvals) and approvals[-1].approved and approvals[-1].role in ("cto", "admin")


def bottleneck_values() -> dict[tuple[str, str], Decimal]:
    """(team slug, quarter) -> the optimizer's value of one more person there, from the newest
    stored portfolio solution that prices that team and quarter."""
    from steward.strategy.selectors import stored_bottlenecks

    values: dict[tuple[str, str], Decimal] = {}
    for item in stored_bottlenecks():
        key = (str(item.get("team")), str(item.get("quarter")))
        value = item.get("marginal_value_of_13_person_weeks")
        if key not in values and value is not None:
            values[key] = Decimal(str(value)).quantize(Decimal("0.01"))
    return values


def hiring_plan(*, actor: Actor, today: date | None = None) -> dict[str, Any]:
    """The hiring plan: openings per quarter and team (planned, open, filled), the expected
    hires from the pipeline, and the optimizer's value of one more person; plus the optimizer's
    bottlenecks that no requisition covers (suggested openings)."""
    today = today or date.today()
    reqs = list(
        requisition_list(actor=actor)
        .exclude(status=RequisitionStatus.CANCELLED)
        .prefetch_related("approvals")
    )
    expected = expected_by_requisition(actor=actor)
    values = bottleneck_values()
    team_names = {r.team.slug: r.team.name for r in reqs}
    grid: dict[tuple[str, str], dict[str, Any]] = {}
    for r in reqs:
        cell = grid.setdefault(
            (r.quarter, r.team.slug),
            {
                "quarter": r.quarter,
                "team": r.team.slug,
                "team_name": r.team.name,
                "openings": 0,
                "filled": 0,
                "open": 0,
                "planned": 0,
                "expected_hires": 0.0,
                "value_of_one_more_person": values.get((r.team.slug, r.quarter)),
            },
        )
        if cell["value_of_one_more_person"] is None:
            # No stored solution prices it now: the value recorded when the opening was planned.
            cell["value_of_one_more_person"] = r.value_of_one_more_person
        cell["openings"] += 1
        cell["filled"] += int(r.status == RequisitionStatus.FILLED)
        cell["open"] += int(r.status in (RequisitionStatus.OPEN, RequisitionStatus.ON_HOLD))
        cell["planned"] += int(r.status == RequisitionStatus.PLANNED)
        cell["expected_hires"] += expected.get(r.key, 0.0)
    covered = {(t, q) for (q, t) in grid}
    suggestions = []
    if rules.may_recruit(actor) or policy.has_role(actor, policy.Role.EXECUTIVE):
        from steward.org import selectors as org

        names = dict(org.team_list(actor=actor).values_list("slug", "name"))
        for (team, quarter), value in sorted(values.items(), key=lambda kv: -kv[1]):
            if (team, quarter) not in covered and value > 0:
                suggestions.append(
                    {
                        "team": team,
                        "team_name": names.get(team, team),
                        "quarter": quarter,
                        "value_of_one_more_person": value,
                    }
                )
    rows = sorted(grid.values(), key=lambda c: (c["quarter"], c["team_name"]))
    quarters = sorted({c["quarter"] for c in rows})
    totals = {
        q: {
            "openings": sum(c["openings"] for c in rows if c["quarter"] == q),
            "filled": sum(c["filled"] for c in rows if c["quarter"] == q),
            "expected_hires": sum(c["expected_hires"] for c in rows if c["quarter"] == q),
        }
        for q in quarters
    }
    for q, t in totals.items():
        t["expected_total"] = t["filled"] + t["expected_hires"]
        t["on_track"] = t["expected_total"] + 0.5 >= t["openings"]
        t["quarter"] = q
    return {
        "requisitions": reqs,
        "cells": rows,
        "quarters": [totals[q] for q in quarters],
        "suggestions": suggestions,
        "team_names": team_names,
        "behind": {f.url.rsplit("/", 2)[-2] for f in behind_plan_findings(actor, today, expected)},
    }


# --- applications and the funnel ------------------------------------------------------------


def application_list(
    *, actor: Actor, requisition: Requisition | None = None
) -> QuerySet[Application]:
    """Applications `actor` may see (the hiring team's)."""
    rows: QuerySet[Application] = policy.visible(actor, "talent.application").select_related(
        "candidate", "requisition", "requisition__team", "source"
    )
    if requisition is not None:
        rows = rows.filter(requisition=requisition)
    return rows


def application_get(*, actor: Actor, pk: int) -> Application | None:
    """Application `pk` if `actor` may see it."""
    return application_list(actor=actor).filter(pk=pk).first()


# The self-identified attributes the diversity funnel breaks down by.
DIVERSITY_ATTRIBUTES = ("gender", "ethnicity")


def group_label(value: str) -> str:
    """A self-identified answer as its group: spaces collapsed, lower case (so "Woman" and
    "woman " are one group); blank: "not disclosed"."""
    return " ".join(value.split()).lower() or "not disclosed"


def _records(
    applications: QuerySet[Application], with_groups: bool | str = False
) -> list[funnel.AppRecord]:
    """The funnel's records of `applications`, read as plain rows (no model instances): the
    applications with their requisition and source, then their stage moves and the latest
    version of their offers, three queries in all (four `with_groups`: the self-identified
    group, by gender — or by the attribute `with_groups` names)."""
    ids = applications.values("pk")
    moves: dict[int, list[tuple[str, Any]]] = defaultdict(list)
    for app_id, stage, entered_at in (
        StageMove.objects.filter(application__in=ids)
        .order_by("application_id", "position")
        .values_list("application_id", "stage", "entered_at")
    ):
        moves[app_id].append((stage, entered_at))
    offers: dict[int, funnel.OfferRecord] = {}
    for app_id, status, sent_at, resolved_at in (
        Offer.objects.filter(application__in=ids)
        .order_by("application_id", "version")
        .values_list("application_id", "status", "sent_at", "resolved_at")
    ):
        offers[app_id] = funnel.OfferRecord(status, sent_at, resolved_at)  # the latest wins
    groups: dict[int, str] = {}
    if with_groups:
        attribute = with_groups if isinstance(with_groups, str) else "gender"
        if attribute not in DIVERSITY_ATTRIBUTES:
            raise ValueError(f"attribute {attribute!r}")
        groups = {
            cid: group_label(value)
            for cid, value in SelfIdentification.objects.values_list("candidate_id", attribute)
        }
    rows = applications.values_list(
        "pk",
        "requisition__key",
        "requisition__stages",
        "requisition__opened_on",
        "applied_at",
        "outcome",
        "closed_at",
        "source__name",
        "candidate_id",
    )
    return [
        funnel.AppRecord(
            key=str(pk),
            requisition=key,
            pipeline=pipeline_of(stages),
            applied_at=applied_at,
            moves=moves.get(pk, []),
            outcome=outcome,
            closed_at=closed_at,
            source=source,
            opened_on=opened_on,
            offer=offers.get(pk),
            group=groups.get(candidate_id),
            person=str(candidate_id),
        )
        for pk, key, stages, opened_on, applied_at, outcome, closed_at, source, candidate_id in rows
    ]


def _scoped_requisitions(
    *, actor: Actor, team: str | None = None, requisition: str | None = None
) -> QuerySet[Requisition]:
    """Requisitions `actor` may see, of one team (slug) or one requisition (key)."""
    reqs = requisition_list(actor=actor, team=team)
    if requisition:
        reqs = reqs.filter(key=requisition)
    return reqs


def funnel_records(
    *, actor: Actor, team: str | None = None, requisition: str | None = None
) -> list[funnel.AppRecord]:
    """The funnel's view of the applications on requisitions `actor` may see (one team's, or
    one requisition's by key).

    Funnel figures are counts, not candidate data: the plan roles and a manager (their own
    requisitions) see them; they are computed from every application on those requisitions.
    """
    reqs = _scoped_requisitions(actor=actor, team=team, requisition=requisition)
    return _records(Application.objects.filter(requisition__in=reqs))


def _in_scope_and_all(
    reqs: Iterable[Requisition],
) -> tuple[list[funnel.AppRecord], list[funnel.AppRecord]]:
    """(the records of the applications on `reqs`, the records of every application), from
    one load of the applications: the historical rates need them all."""
    every = _records(Application.objects.all())
    in_scope = {r.key for r in reqs}
    return [r for r in every if r.requisition in in_scope], every


def expected_by_requisition(*, actor: Actor) -> dict[str, float]:
    """Expected hires per requisition key from its open applications."""
    records, every = _in_scope_and_all(requisition_list(actor=actor))
    return funnel.expected_hires(records, funnel.historical_rates(every))


def hiring_metrics(
    *,
    actor: Actor,
    start: date,
    end: date,
    team: str | None = None,
    requisition: str | None = None,
) -> dict[str, Any]:
    """The figures of `steward metrics hiring` (METRICS.md "Hiring") for `[start, end)`, plus
    expected hires against the plan per quarter; for one team (slug) or requisition (key).

    The applications are loaded once: the historical pass-through rates (the basis of
    expected hires) need all of them, and the figures are those of the requisitions in scope
    among them (bench/talent_funnel.py measures it)."""
    reqs = list(_scoped_requisitions(actor=actor, team=team, requisition=requisition))
    records, every = _in_scope_and_all(reqs)
    result = funnel.summary(records, start, end)
    result["team"] = team
    if requisition:
        result["requisition"] = requisition
    expected = funnel.expected_hires(records, funnel.historical_rates(every))
    result["plan"] = _plan_by_quarter(reqs, expected)
    return result


def _plan_by_quarter(reqs: Iterable[Requisition], expected: dict[str, float]) -> list[Any]:
    """Planned, filled and expected hires per quarter (cancelled requisitions left out)."""
    per_quarter: dict[str, dict[str, Any]] = {}
    for req in reqs:
        if req.status == RequisitionStatus.CANCELLED:
            continue
        row = per_quarter.setdefault(
            req.quarter,
            {"quarter": req.quarter, "planned": 0, "filled": 0, "expected_hires": 0.0},
        )
        row["planned"] += 1
        row["filled"] += int(req.status == RequisitionStatus.FILLED)
        if req.status != RequisitionStatus.FILLED:
            row["expected_hires"] += expected.get(req.key, 0.0)
    return [
        {**r, "expected_hires": round(r["expected_hires"], 2)}
        for _, r in sorted(per_quarter.items())
    ]


def board(*, actor: Actor, requisition: Requisition) -> dict[str, Any]:
    """The kanban board of a requisition: open applications per stage, then the closed ones."""
    apps = list(application_list(actor=actor, requisition=requisition).prefetch_related("moves"))
    columns = [
        {"stage": s, "applications": [a for a in apps if a.outcome == "open" and a.stage == s]}
        for s in requisition.pipeline
    ]
    closed = [a for a in apps if a.outcome != "open"]
    return {"columns": columns, "closed": closed}


# --- candidates -----------------------------------------------------------------------------


def candidate_list(*, actor: Actor, query: str = "") -> QuerySet[Candidate]:
    """Candidates `actor` may see; `query` matches name or email."""
    rows: QuerySet[Candidate] = policy.visible(actor, "talent.candidate")
    if query.strip():
        from django.db.models import Q

        rows = rows.filter(Q(name__icontains=query.strip()) | Q(email__icontains=query.strip()))
    return rows.annotate(application_count=Count("applications")).order_by("name", "pk")


def candidate_get(*, actor: Actor, pk: int) -> Candidate | None:
    """Candidate `pk` if `actor` may see them."""
    return policy.visible(actor, "talent.candidate").filter(pk=pk).first()


def candidate_dict(candidate: Candidate, *, actor: Actor) -> dict[str, Any]:
    """The API form of a candidate and their visible applications."""
    apps = (
        application_list(actor=actor)
        .filter(candidate=candidate)
        .prefetch_related("moves", "offers")
    )
    return {
        "id": candidate.pk,
        "name": candidate.name,
        "email": candidate.email or None,
        "phone": candidate.phone or None,
        "location": candidate.location or None,
        "retain_until": candidate.retain_until,
        "erased": candidate.erased_on is not None,
        "applications": [application_dict(a, actor=actor) for a in apps],
    }


def application_dict(a: Application, *, actor: Actor) -> dict[str, Any]:
    """The API form of an application with its stage history and offers."""
    money = rules.may_see_money(actor)
    return {
        "id": a.pk,
        "candidate": a.candidate_id,
        "requisition": a.requisition.key,
        "source": a.source.name if a.source else None,
        "referrer": a.referrer or None,
        "applied_at": a.applied_at,
        "stage": a.stage,
        "outcome": a.outcome,
        "rejection_reason": a.rejection_reason or None,
        "rejected_by": a.rejected_by or None,
        "closed_at": a.closed_at,
        "history": [
            {"stage": m.stage, "entered_at": m.entered_at}
            # Sorted here, not with order_by(): that would query again per application and
            # skip the list's prefetch (a query per row, which costs most on PostgreSQL).
            for m in sorted(a.moves.all(), key=lambda m: m.position)
        ],
        "offers": [
            {
                "version": o.version,
                "status": o.status,
                "sent_at": o.sent_at,
                "resolved_at": o.resolved_at,
                "starts_at": o.starts_at,
                **({"salary": o.salary, "currency": o.currency or None} if money else {}),
            }
            for o in sorted(a.offers.all(), key=lambda o: o.version)
        ],
    }


# --- interviews -----------------------------------------------------------------------------


def kit_list(*, actor: Actor) -> QuerySet[InterviewKit]:
    """Interview kits (open to every role: they hold no candidate data)."""
    return policy.visible(actor, "talent.interviewkit").select_related("role")


def kit_for(requisition: Requisition) -> InterviewKit | None:
    """The kit of the requisition's role and level (else of its role at any level)."""
    if requisition.role_id is None:
        return None
    kits = InterviewKit.objects.filter(role_id=requisition.role_id)
    return kits.filter(level=requisition.level).first() or kits.filter(level="").first()


def debrief(*, actor: Actor, application: Application) -> dict[str, Any]:
    """The scorecards of an application, without anchoring: an interviewer who has not
    submitted their own sees none of the others'."""
    cards = list(
        policy.visible(actor, "talent.scorecard")
        .filter(application=application)
        .select_related("interviewer", "kit")
    )
    mine = [c for c in cards if c.interviewer_id == getattr(actor, "pk", None)]
    pending_own = any(c.submitted_at is None for c in mine)
    shown = [c for c in cards if c.submitted_at is not None and not pending_own]
    return {
        "mine": mine,
        "pending_own": pending_own,
        "scorecards": [scorecard_dict(c) for c in shown],
        "waiting": [c.interviewer.username for c in cards if c.submitted_at is None],
    }


def scorecard_dict(card: Scorecard) -> dict[str, Any]:
    """A scorecard in FORMATS.md 5.1 vocabulary (names and Steward ordinals)."""
    return {
        "id": card.pk,
        "application_id": card.application_id,
        "interview": card.interview,
        "stage": card.stage,
        "interviewer": card.interviewer.username,
        "interviewed_at": card.interviewed_at,
        "submitted_at": card.submitted_at,
        "overall": card.overall,
        "overall_recommendation": (
            OVERALL_NAMES.get(card.overall) if card.overall else "no_decision"
        ),
        "attributes": [
            {**r, "rating_name": RATING_NAMES.get(r.get("rating"))} for r in card.ratings
        ],
        "key_take_aways": card.key_take_aways,
        # The mean rating weighted by the kit (focus attributes of the level count double).
        "weighted_rating": kits.weighted_rating(
            card.ratings, card.kit.competencies if card.kit else []
        ),
    }


def interviewer_calibration(*, actor: Actor) -> list[dict[str, Any]]:
    """Interviewer load and calibration: per interviewer, scorecards submitted, pass rate
    (share recommending yes or strong yes), mean attribute rating and rating distribution,
    against the same figures of the panels they sat on (the other interviewers' scorecards
    of the same applications)."""
    cards = list(
        policy.visible(actor, "talent.scorecard")
        .filter(submitted_at__isnull=False)
        .select_related("interviewer")
    )
    by_app: dict[int, list[Scorecard]] = defaultdict(list)
    for c in cards:
        by_app[c.application_id].append(c)

    def figures(items: Iterable[Scorecard]) -> dict[str, Any]:
        items = list(items)
        decided = [c.overall for c in items if c.overall is not None]
        ratings = [r["rating"] for c in items for r in c.ratings if r.get("rating")]
        dist = {n: sum(1 for r in ratings if r == n) for n in range(1, 6)}
        return {
            "scorecards": len(items),
            "pass_rate": (sum(1 for o in decided if o >= 4) / len(decided)) if decided else None,
            "mean_rating": (sum(ratings) / len(ratings)) if ratings else None,
            "distribution": dist,
        }

    result = []
    for name in sorted({c.interviewer.username for c in cards}):
        own = [c for c in cards if c.interviewer.username == name]
        panel = [
            other
            for c in own
            for other in by_app[c.application_id]
            if other.interviewer.username != name
        ]
        result.append({"interviewer": name, **figures(own), "panel": figures(panel)})
    return result


# --- diversity ------------------------------------------------------------------------------


def diversity_funnel(
    *, actor: Actor, start: date, end: date, attribute: str = "gender"
) -> dict[str, Any]:
    """The funnel by self-identified gender (or ethnicity), for applications created in
    `[start, end)`: per stage the number of people of each group who reached it. A count of
    fewer than the threshold is hidden, and the next-smallest of its stage with it
    (complementary suppression, core.disclosure), so no hidden count follows from the stage
    total. Every breakdown counts the same people per stage (those without an answer are "not
    disclosed"), so the totals of one breakdown tell nothing about another's hidden cells."""
    if not rules.may_see_diversity(actor):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("diversity aggregates are for recruiting, the CTO and executives")
    if attribute not in DIVERSITY_ATTRIBUTES:
        from steward.core.errors import InvalidFields

        raise InvalidFields(
            f"attribute {attribute!r}",
            fields={"attribute": [f"one of {', '.join(DIVERSITY_ATTRIBUTES)}"]},
        )
    records = _records(
        Application.objects.filter(requisition__in=requisition_list(actor=actor)),
        with_groups=attribute,
    )
    table = funnel.reached_by_group(records, start, end)
    groups = sorted({g for row in table.values() for g in row})
    threshold = min_group()
    figures: dict[tuple[str, str], disclosure.Figure] = {}
    lines = []
    for stage, row in table.items():
        total: set[str] = set()
        for g in groups:
            people = row.get(g, set())
            total |= people
            figures[(stage, g)] = disclosure.Figure({p: Decimal(1) for p in people})
        figures[(stage, "total")] = disclosure.Figure({p: Decimal(1) for p in total})
        lines.append(([(stage, g) for g in groups], (stage, "total")))
    hidden = disclosure.suppressed(figures, lines, threshold)
    rows = []
    for stage, row in table.items():
        cells = []
        for g in [*groups, "total"]:
            key = (stage, g)
            count = len(row.get(g, set())) if g != "total" else len(figures[key].before)
            cells.append(
                {"group": g, "suppressed": True}
                if key in hidden and count > 0
                else {"group": g, "count": count}
            )
        rows.append({"stage": stage, "groups": cells})
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "attribute": attribute,
        "min_group_size": threshold,
        "groups": groups,
        "stages": rows,
    }


# --- employer brand and sources --------------------------------------------------------------


def source_list(*, actor: Actor) -> QuerySet[Source]:
    """Sources of applications, with their activity."""
    return policy.visible(actor, "talent.source").select_related("activity")


def source_rows(*, actor: Actor) -> QuerySet[Source]:
    """Sources with `application_count` and `hire_count` (all applications, all time)."""
    return source_list(actor=actor).annotate(
        application_count=Count("applications", distinct=True),
        hire_count=Count(
            "applications", filter=Q(applications__outcome=Outcome.HIRED), distinct=True
        ),
    )


def source_dict(source: Source) -> dict[str, Any]:
    """The API form of a source (from `source_rows`, or counted here)."""
    apps = getattr(source, "application_count", None)
    hires = getattr(source, "hire_count", None)
    if apps is None or hires is None:
        apps = source.applications.count()
        hires = source.applications.filter(outcome=Outcome.HIRED).count()
    return {
        "id": source.pk,
        "name": source.name,
        "kind": source.kind,
        "activity": source.activity_id,
        "activity_title": source.activity.title if source.activity else None,
        "applications": apps,
        "hires": hires,
    }


def activity_rows(*, actor: Actor) -> QuerySet[BrandActivity]:
    """Employer-brand activities with their team and sources."""
    return (
        policy.visible(actor, "talent.brandactivity")
        .select_related("team")
        .prefetch_related("sources")
    )


def activity_dict(activity: BrandActivity, counts: dict[str, int] | None = None) -> dict[str, Any]:
    """The API form of an activity: its sources and their applications and hires."""
    if counts is None:
        outcomes = list(
            Application.objects.filter(source__activity=activity).values_list("outcome", flat=True)
        )
        counts = {
            "applications": len(outcomes),
            "hires": sum(1 for o in outcomes if o == Outcome.HIRED),
        }
    return {
        "id": activity.pk,
        "title": activity.title,
        "kind": activity.kind,
        "on": activity.on,
        "url": activity.url or None,
        "team": activity.team.slug if activity.team else None,
        "repository": activity.repository or None,
        "description": activity.description,
        "sources": [s.name for s in activity.sources.all()],
        "applications": counts["applications"],
        "hires": counts["hires"],
    }


def approval_dict(approval: Any) -> dict[str, Any]:
    """The API form of a decision on a requisition, and whether it is approved now."""
    req = approval.requisition
    return {
        "requisition": req.key,
        "approver": approval.approver.username if approval.approver else None,
        "role": approval.role,
        "approved": approval.approved,
        "note": approval.note,
        "decided_at": approval.decided_at,
        "requisition_approved": req_approved(req),
    }


def brand_report(*, actor: Actor) -> list[dict[str, Any]]:
    """Each employer-brand activity with the applications and hires of its sources."""
    activities = list(activity_rows(actor=actor))
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"applications": 0, "hires": 0})
    for activity_id, outcome in Application.objects.filter(
        source__activity__isnull=False
    ).values_list("source__activity_id", "outcome"):
        counts[activity_id]["applications"] += 1
        counts[activity_id]["hires"] += int(outcome == Outcome.HIRED)
    return [{"activity": a, **counts[a.pk]} for a in activities]


def open_source_candidates(*, actor: Actor) -> list[dict[str, Any]]:
    """Ingested repositories not yet recorded as open-source brand activities (a repository
    whose remote URL is public on GitHub or GitLab), to record as activities."""
    from steward.engineering import selectors as eng

    known = set(BrandActivity.objects.exclude(repository="").values_list("repository", flat=True))
    found = []
    for repo in eng.repository_list(actor=actor):
        url = git_remote.remote_url(repo.path)
        public = any(host in url for host in ("github.com", "gitlab.com", "codeberg.org"))
        if public and repo.name not in known:
            found.append({"repository": repo.name, "url": url})
    return found


# --- findings -------------------------------------------------------------------------------


def median_days_to_hire() -> float | None:
    """Median days from application to hire over every hire so far."""
    records = _records(Application.objects.filter(outcome=Outcome.HIRED))
    days = [(h - r.applied_at.date()).days for r in records if (h := r.hired_on()) is not None]
    return float(median(days)) if days else None


def behind_plan_findings(
    user: Any, on: date, expected: dict[str, float] | None = None
) -> list[Finding]:
    """A requisition is behind plan when it is planned or open, its target start is nearer
    than the median time to hire (45 days before any hire), and its pipeline is expected to
    yield less than half a hire (METRICS.md "Expected hires"). `expected`: the expected hires
    per requisition of `user`, when the caller has computed them already (the plan page)."""
    if not hasattr(user, "is_authenticated") or not rules.may_see_hiring(user):
        return []
    reqs = list(
        requisition_list(actor=user).filter(
            status__in=(
                RequisitionStatus.PLANNED,
                RequisitionStatus.OPEN,
                RequisitionStatus.ON_HOLD,
            )
        )
    )
    if not reqs:
        return []
    lead = median_days_to_hire() or ASSUMED_DAYS_TO_HIRE
    if expected is None:
        expected = expected_by_requisition(actor=user)
    found = []
    for r in reqs:
        if r.target_start - on > timedelta(days=lead):
            continue
        chance = expected.get(r.key, 0.0)
        if chance >= 0.5:
            continue
        found.append(
            Finding(
                rule="hiring-behind-plan",
                severity="warning" if r.target_start >= on else "critical",
                statement=(
                    f"Hiring {r.title} for {r.team.name} ({r.key}) is behind plan: target "
                    f"start {r.target_start:%-d %b %Y}, {chance:.1f} expected hires from the "
                    f"pipeline, hiring takes {lead:.0f} days (median)"
                ),
                url=f"/talent/requisitions/{r.key}/",
            )
        )
    return found


def quarter_label(day: date) -> str:
    """The quarter of a day as text (2027Q1)."""
    return str(quarter_of(day))


def funnel_drilldown(
    *,
    actor: Actor,
    start: date,
    end: date,
    what: str,
    stage: str | None = None,
    team: str | None = None,
    requisition: str | None = None,
) -> dict[str, Any]:
    """The applications behind one funnel figure. Everyone who sees the funnel gets the rows
    (requisition, days, outcome); the candidate and a link only come with applications the
    actor may see as candidate data (the people role, the CTO, admins, the hiring team)."""
    records = funnel_records(actor=actor, team=team, requisition=requisition)
    rows = funnel.behind(records, start, end, what=what, stage=stage)
    keys = [int(r["key"]) for r in rows]
    apps = Application.objects.filter(pk__in=keys).select_related(
        "requisition", "requisition__team", "source"
    )
    by_pk = {a.pk: a for a in apps}
    visible: dict[int, Application] = {}
    if rules.may_see_candidates(actor):
        visible = {
            a.pk: a
            for a in application_list(actor=actor).filter(pk__in=keys).select_related("candidate")
        }
    out = []
    for row in rows:
        app = by_pk[int(row["key"])]
        seen = visible.get(app.pk)
        out.append(
            {
                **row,
                "requisition": app.requisition.key,
                "requisition_title": app.requisition.title,
                "team": app.requisition.team.name if app.requisition.team else "",
                "source": app.source.name if app.source else "",
                "outcome": app.get_outcome_display(),
                "candidate": seen.candidate.name if seen else None,
                "candidate_pk": seen.candidate_id if seen else None,
            }
        )
    return {
        "what": what,
        "stage": stage,
        "count": len(out),
        "rows": out,
        "hidden_candidates": sum(1 for r in out if r["candidate"] is None),
    }
