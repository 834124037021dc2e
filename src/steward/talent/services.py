"""Every write of the talent app: validate, write in one transaction, audit (auditlog's
signals on `save()`; bulk writes call `core.importing.audit_*`).

Every service takes the acting user (or `policy.SYSTEM` for jobs, the CLI and the demo).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from steward.core import policy
from steward.core.errors import InvalidFields, invalid_fields_from
from steward.core.periods import parse_quarter, quarter_of
from steward.talent import rules
from steward.talent.models import (
    DEFAULT_STAGES,
    REQUISITION_MOVES,
    Application,
    Approval,
    BrandActivity,
    Candidate,
    InterviewKit,
    Offer,
    OfferStatus,
    Outcome,
    Reason,
    RejectedBy,
    Requisition,
    RequisitionStatus,
    Scorecard,
    SelfIdentification,
    Source,
    StageMove,
)

# FORMATS.md 5.1: Greenhouse values and Steward's ordinals.
ATTRIBUTE_RATINGS = {"definitely_not": 1, "no": 2, "mixed": 3, "yes": 4, "strong_yes": 5}
OVERALL_RECOMMENDATIONS = {
    "definitely_not": 1,
    "no": 2,
    "yes": 4,
    "strong_yes": 5,
    "no_decision": None,
}
RATING_NAMES = {v: k for k, v in ATTRIBUTE_RATINGS.items()}
OVERALL_NAMES = {v: k for k, v in OVERALL_RECOMMENDATIONS.items() if v is not None}
DEFAULT_RETENTION_DAYS = 365


class TalentError(InvalidFields):
    """A hiring change that cannot be made as asked (`fields` names the fields at fault)."""


def _save(obj: Any, exclude: Sequence[str] = ()) -> Any:
    try:
        obj.full_clean(exclude=list(exclude) or None)
    except ValidationError as exc:
        raise invalid_fields_from(exc, TalentError) from exc
    obj.save()
    return obj


def _require_recruiter(actor: Any) -> None:
    if not rules.may_recruit(actor):
        raise PermissionDenied("only recruiting (people), the CTO and admins change hiring data")


def _require_hiring_team(actor: Any, application: Application) -> None:
    """Recruiting roles, or a manager who may see this application (their requisition)."""
    if rules.may_recruit(actor):
        return
    if policy.has_role(actor, policy.Role.MANAGER) and policy.may_see_row(actor, application):
        return
    raise PermissionDenied("only the requisition's hiring team changes this application")


def _aware(moment: datetime | date) -> datetime:
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, 9, 0)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


# --- requisitions and the hiring plan -------------------------------------------------------


def next_requisition_key() -> str:
    """REQ-0001, REQ-0002, ... (the next after the highest number used)."""
    numbers = [
        int(k[4:])
        for k in Requisition.objects.filter(key__startswith="REQ-").values_list("key", flat=True)
        if k[4:].isdigit()
    ]
    return f"REQ-{max(numbers, default=0) + 1:04d}"


def clean_stages(stages: Sequence[str] | None) -> list[str]:
    """Stage names stripped; blank ones dropped; duplicates refused."""
    names = [str(s).strip() for s in (stages or []) if str(s).strip()]
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise TalentError(
                f"stage {name!r} is listed twice", fields={"stages": [f"{name!r} twice"]}
            )
        if len(name) > 100:
            raise TalentError(
                f"stage {name[:40]!r}… is too long",
                fields={"stages": ["a stage name has at most 100 characters"]},
            )
        if name.lower() in ("hired", "rejected", "withdrew"):
            raise TalentError(
                f"{name!r} is an outcome, not a stage",
                fields={"stages": ["hired, rejected and withdrew are outcomes"]},
            )
        seen.add(name.lower())
    return names


REQUISITION_FIELDS = {
    "title",
    "team",
    "level",
    "role",
    "reason",
    "initiative",
    "budgeted_cost",
    "currency",
    "hiring_manager",
    "recruiter",
    "quarter",
    "target_start",
    "stages",
    "note",
    "plan_entry_key",
    "value_of_one_more_person",
}


def _apply_requisition_fields(req: Requisition, fields: dict[str, Any]) -> None:
    unknown = set(fields) - REQUISITION_FIELDS
    if unknown:
        raise TalentError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if name == "stages":
            value = clean_stages(value)
        if name in ("title", "level", "currency", "note") and value is not None:
            value = str(value).strip()
        if name == "currency":
            value = (value or "").upper()
        setattr(req, name, value)
    if fields.get("quarter"):
        req.quarter = str(parse_quarter(str(fields["quarter"])))
    elif req.target_start and not req.quarter:
        req.quarter = str(quarter_of(req.target_start))
    if req.reason not in Reason.values:
        raise TalentError(f"reason {req.reason!r}", fields={"reason": ["growth or backfill"]})


@transaction.atomic
def requisition_create(*, actor: Any, key: str = "", **fields: Any) -> Requisition:
    """A new requisition (planned until approved and opened); Steward numbers it when no key
    is given."""
    _require_recruiter(actor)
    key = key.strip() or next_requisition_key()
    if Requisition.objects.filter(key=key).exists():
        raise TalentError(f"requisition {key} exists", fields={"key": ["this key is taken"]})
    req = Requisition(key=key, created_by=policy.user_record(actor))
    _apply_requisition_fields(req, fields)
    return _save(req)  # type: ignore[no-any-return]


@transaction.atomic
def requisition_update(*, actor: Any, requisition: Requisition, **fields: Any) -> Requisition:
    """Change the fields given. A stage that applications are in cannot be removed."""
    _require_recruiter(actor)
    if "stages" in fields:
        new = clean_stages(fields["stages"]) or list(DEFAULT_STAGES)
        in_use = set(
            StageMove.objects.filter(application__requisition=requisition).values_list(
                "stage", flat=True
            )
        )
        missing = sorted(in_use - set(new))
        if missing:
            raise TalentError(
                f"stages in use cannot be removed: {', '.join(missing)}",
                fields={"stages": [f"keep {', '.join(missing)} (applications entered them)"]},
            )
    _apply_requisition_fields(requisition, fields)
    return _save(requisition)  # type: ignore[no-any-return]


@transaction.atomic
def approval_record(
    *, actor: Any, requisition: Requisition, approved: bool = True, note: str = ""
) -> Approval:
    """The acting user approves (or refuses) the requisition."""
    if not rules.may_approve(actor):
        raise PermissionDenied("the CTO, finance and admins approve requisitions")
    roles = policy.roles_of(actor)
    role = next(
        (str(r) for r in (policy.Role.CTO, policy.Role.FINANCE, policy.Role.ADMIN) if r in roles),
        "admin",
    )
    approval = Approval(
        requisition=requisition,
        approver=policy.user_record(actor),
        role=role,
        approved=approved,
        note=note.strip(),
        decided_at=timezone.now(),
    )
    return _save(approval)  # type: ignore[no-any-return]


def is_approved(requisition: Requisition) -> bool:
    """Approved: the latest decision of the CTO (or an admin) approves it, and no refusal
    is later."""
    latest = requisition.approvals.order_by("-decided_at", "-pk").first()
    return latest is not None and latest.approved and latest.role in ("cto", "admin")


@transaction.atomic
def requisition_move(
    *, actor: Any, requisition: Requisition, status: str, on: date | None = None
) -> Requisition:
    """planned -> open (needs the CTO's approval) -> on hold / filled / cancelled."""
    _require_recruiter(actor)
    if status == requisition.status:
        return requisition
    allowed = REQUISITION_MOVES.get(requisition.status, ())
    if status not in allowed:
        raise TalentError(
            f"a {requisition.status} requisition cannot become {status}",
            fields={"status": [f"from {requisition.status}: {', '.join(allowed) or 'none'}"]},
        )
    day = on or timezone.localdate()
    if status == RequisitionStatus.OPEN:
        if not is_approved(requisition):
            raise TalentError(
                "opening a requisition needs the CTO's approval",
                fields={"status": ["record the CTO's approval first"]},
            )
        requisition.opened_on = requisition.opened_on or day
        requisition.closed_on = None
    if status in (RequisitionStatus.FILLED, RequisitionStatus.CANCELLED):
        requisition.closed_on = day
    requisition.status = status
    return _save(requisition)  # type: ignore[no-any-return]


def _bottleneck_value(values: dict[tuple[str, str], Decimal], team: str, quarter: str) -> Any:
    return values.get((team, quarter))


@transaction.atomic
def hiring_plan_generate(*, actor: Any) -> list[Requisition]:
    """One planned requisition per headcount plan entry (not cancelled, not filled) that has
    none yet, with the entry's team, level, quarter, start, reason and fully loaded cost, and
    the optimizer's value of one more person in that team and quarter where it is known.
    Running it again adds only entries that are new since."""
    from steward.orgdesign import selectors as design
    from steward.talent.selectors import bottleneck_values

    _require_recruiter(actor)
    have = set(
        Requisition.objects.exclude(plan_entry_key="").values_list("plan_entry_key", flat=True)
    )
    values = bottleneck_values()
    rates = design.cost_rates()
    made = []
    for entry in design.plan_entries(actor=actor).order_by("expected_start", "key"):
        if entry.key in have or entry.status in ("cancelled", "filled"):
            continue
        data = design.plan_entry_dict(entry, with_cost=True, rates=rates)
        cost = data.get("fully_loaded_cost")
        made.append(
            requisition_create(
                actor=actor,
                title=entry.title or "Software Engineer",
                team=entry.team,
                level=entry.level,
                reason=Reason.BACKFILL if entry.kind == "backfill" else Reason.GROWTH,
                budgeted_cost=None if cost is None else Decimal(cost).quantize(Decimal("0.01")),
                currency=rates.reporting_currency if cost is not None else "",
                hiring_manager=entry.manager,
                quarter=entry.quarter,
                target_start=entry.expected_start,
                plan_entry_key=entry.key,
                value_of_one_more_person=_bottleneck_value(values, entry.team.slug, entry.quarter),
                note=entry.note,
            )
        )
    return made


# --- sources and employer brand -------------------------------------------------------------


@transaction.atomic
def source_create(
    *, actor: Any, name: str, kind: str = "other", activity: BrandActivity | None = None
) -> Source:
    """A new source of applications."""
    _require_recruiter(actor)
    name = name.strip()
    if Source.objects.filter(name__iexact=name).exists():
        raise TalentError(f"source {name!r} exists", fields={"name": ["this source exists"]})
    return _save(Source(name=name, kind=kind, activity=activity))  # type: ignore[no-any-return]


@transaction.atomic
def source_update(
    *,
    actor: Any,
    source: Source,
    name: str | None = None,
    kind: str | None = None,
    activity: BrandActivity | None = None,
    clear_activity: bool = False,
) -> Source:
    """Change a source: its name, kind and the employer-brand activity behind it (`activity`
    links one, `clear_activity` unlinks it). Audited (auditlog on save)."""
    _require_recruiter(actor)
    if name is not None:
        name = name.strip()
        if not name:
            raise TalentError("a source needs a name", fields={"name": ["this field is required"]})
        taken = Source.objects.filter(name__iexact=name).exclude(pk=source.pk)
        if taken.exists():
            raise TalentError(f"source {name!r} exists", fields={"name": ["this source exists"]})
        source.name = name
    if kind is not None:
        source.kind = kind
    if activity is not None:
        source.activity = activity
    elif clear_activity:
        source.activity = None
    return _save(source)  # type: ignore[no-any-return]


@transaction.atomic
def activity_create(*, actor: Any, title: str, kind: str, on: date, **fields: Any) -> BrandActivity:
    """A new employer-brand activity (talk, post, event, open-source contribution)."""
    _require_recruiter(actor)
    activity = BrandActivity(title=title.strip(), kind=kind, on=on, **fields)
    return _save(activity)  # type: ignore[no-any-return]


# --- candidates and applications ------------------------------------------------------------


@transaction.atomic
def candidate_create(
    *,
    actor: Any,
    name: str,
    email: str = "",
    phone: str = "",
    location: str = "",
    notes: str = "",
    external_id: str = "",
    retention_days: int = DEFAULT_RETENTION_DAYS,
    today: date | None = None,
) -> Candidate:
    """A new candidate; their data is kept `retention_days` from today (the purge erases it
    after that date once no application is open)."""
    _require_recruiter(actor)
    day = today or timezone.localdate()
    candidate = Candidate(
        name=name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        location=location.strip(),
        notes=notes,
        external_id=external_id.strip(),
        retain_until=day + timedelta(days=retention_days),
    )
    return _save(candidate)  # type: ignore[no-any-return]


@transaction.atomic
def candidate_update(*, actor: Any, candidate: Candidate, **fields: Any) -> Candidate:
    """Change a candidate's contact data, notes or retention date."""
    _require_recruiter(actor)
    if candidate.erased_on is not None:
        raise TalentError("this candidate's data was erased")
    allowed = {"name", "email", "phone", "location", "notes", "retain_until"}
    unknown = set(fields) - allowed
    if unknown:
        raise TalentError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(candidate, name, value.strip() if isinstance(value, str) else value)
    return _save(candidate)  # type: ignore[no-any-return]


@transaction.atomic
def application_create(
    *,
    actor: Any,
    candidate: Candidate,
    requisition: Requisition,
    source: Source | None = None,
    referrer: str = "",
    applied_at: datetime | date | None = None,
    external_id: str = "",
) -> Application:
    """The candidate applies to the requisition; the application enters its first stage."""
    _require_recruiter(actor)
    if candidate.erased_on is not None:
        raise TalentError(
            "this candidate's data was erased", fields={"candidate": ["the candidate was erased"]}
        )
    if requisition.status in (RequisitionStatus.CANCELLED, RequisitionStatus.FILLED):
        raise TalentError(
            f"{requisition.key} is {requisition.status}",
            fields={"requisition": ["pick an open or planned requisition"]},
        )
    if Application.objects.filter(candidate=candidate, requisition=requisition).exists():
        raise TalentError(
            "this candidate already applied to this requisition",
            fields={"requisition": ["already applied"]},
        )
    moment = _aware(applied_at or timezone.now())
    first = requisition.pipeline[0]
    application = Application(
        candidate=candidate,
        requisition=requisition,
        source=source,
        referrer=referrer.strip(),
        applied_at=moment,
        stage=first,
        external_id=external_id.strip(),
    )
    _save(application)
    StageMove.objects.create(
        application=application,
        position=0,
        stage=first,
        entered_at=moment,
        recorded_by=policy.user_record(actor),
    )
    return application


def check_move(application: Application, stage: str, at: datetime) -> dict[str, list[str]]:
    """Why `application` cannot enter `stage` at `at` (empty when it can)."""
    pipeline = application.requisition.pipeline
    if application.outcome != Outcome.OPEN:
        return {"stage": [f"the application is closed ({application.outcome})"]}
    if stage not in pipeline:
        return {"stage": [f"{stage!r} is not a stage of this requisition: {', '.join(pipeline)}"]}
    last = application.moves.order_by("-position").first()
    if last is not None:
        if last.stage == stage:
            return {"stage": [f"the application is already in {stage!r}"]}
        if last.stage in pipeline and pipeline.index(stage) < pipeline.index(last.stage):
            return {"stage": [f"{stage!r} comes before the current stage {last.stage!r}"]}
        if at < last.entered_at:
            return {
                "entered_at": [
                    f"{at:%Y-%m-%d %H:%M} is before the application entered "
                    f"{last.stage!r} ({last.entered_at:%Y-%m-%d %H:%M})"
                ]
            }
    return {}


@transaction.atomic
def application_move(
    *, actor: Any, application: Application, stage: str, at: datetime | date | None = None
) -> Application:
    """Append a stage move (history is append-only): the stage must be the requisition's,
    later in its order than the current one, and not dated before the last move."""
    _require_hiring_team(actor, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    moment = _aware(at or timezone.now())
    problems = check_move(application, stage.strip(), moment)
    if problems:
        raise TalentError("; ".join(m for ms in problems.values() for m in ms), fields=problems)
    position = application.moves.count()
    StageMove.objects.create(
        application=application,
        position=position,
        stage=stage.strip(),
        entered_at=moment,
        recorded_by=policy.user_record(actor),
    )
    application.stage = stage.strip()
    application.save(update_fields=["stage"])
    return application


@transaction.atomic
def application_close(
    *,
    actor: Any,
    application: Application,
    outcome: str,
    at: datetime | date | None = None,
    reason: str = "",
    rejected_by: str = "",
) -> Application:
    """Close the application: hired, rejected (with a reason, ours or theirs) or withdrew."""
    _require_hiring_team(actor, application)
    if application.outcome != Outcome.OPEN:
        raise TalentError(
            f"the application is already closed ({application.outcome})",
            fields={"outcome": ["already closed"]},
        )
    if outcome not in (Outcome.HIRED, Outcome.REJECTED, Outcome.WITHDREW):
        raise TalentError(
            f"outcome {outcome!r}", fields={"outcome": ["hired, rejected or withdrew"]}
        )
    moment = _aware(at or timezone.now())
    last = application.moves.order_by("-position").first()
    if last is not None and moment < last.entered_at:
        raise TalentError(
            "closed before the last stage move",
            fields={"at": [f"on or after {last.entered_at:%Y-%m-%d %H:%M}"]},
        )
    if outcome == Outcome.REJECTED and not reason.strip():
        raise TalentError("a rejection needs a reason", fields={"reason": ["give the reason"]})
    if outcome == Outcome.WITHDREW:
        rejected_by = RejectedBy.THEM
    if outcome == Outcome.REJECTED and rejected_by not in RejectedBy.values:
        rejected_by = RejectedBy.US
    application.outcome = outcome
    application.closed_at = moment
    application.rejection_reason = reason.strip()
    application.rejected_by = rejected_by if outcome != Outcome.HIRED else ""
    return _save(application)  # type: ignore[no-any-return]


@transaction.atomic
def offer_make(
    *,
    actor: Any,
    application: Application,
    salary: Decimal | None,
    currency: str = "",
    starts_at: date | None = None,
    sent_at: datetime | date | None = None,
) -> Offer:
    """A new version of the application's offer (the first, or changed terms), extended
    when `sent_at` is given."""
    _require_recruiter(actor)
    if application.outcome != Outcome.OPEN:
        raise TalentError("the application is closed")
    latest = application.offers.order_by("-version").first()
    if latest is not None and latest.status == OfferStatus.ACCEPTED:
        raise TalentError("the offer was accepted; it cannot get a new version")
    if latest is not None and latest.status == OfferStatus.EXTENDED:
        latest.status = OfferStatus.WITHDRAWN
        latest.resolved_at = _aware(sent_at or timezone.now())
        _save(latest)
    offer = Offer(
        application=application,
        version=(latest.version + 1) if latest else 1,
        salary=salary,
        currency=currency.upper(),
        starts_at=starts_at,
        status=OfferStatus.EXTENDED if sent_at else OfferStatus.DRAFT,
        sent_at=_aware(sent_at) if sent_at else None,
    )
    return _save(offer)  # type: ignore[no-any-return]


@transaction.atomic
def offer_resolve(
    *, actor: Any, offer: Offer, status: str, at: datetime | date | None = None
) -> Offer:
    """The candidate accepts or declines the extended offer (or we withdraw it). Accepting
    closes the application as hired."""
    _require_recruiter(actor)
    if offer.status not in (OfferStatus.EXTENDED, OfferStatus.DRAFT):
        raise TalentError(f"the offer is {offer.status}", fields={"status": ["already resolved"]})
    latest = offer.application.offers.order_by("-version").first()
    if latest is not None and latest.pk != offer.pk:
        raise TalentError("only the latest version of an offer can be resolved")
    if status not in (OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.WITHDRAWN):
        raise TalentError(
            f"status {status!r}", fields={"status": ["accepted, declined, withdrawn"]}
        )
    moment = _aware(at or timezone.now())
    if offer.sent_at is None:
        offer.sent_at = moment
    offer.status = status
    offer.resolved_at = moment
    _save(offer)
    if status == OfferStatus.ACCEPTED:
        application_close(
            actor=actor, application=offer.application, outcome=Outcome.HIRED, at=moment
        )
    elif status == OfferStatus.DECLINED:
        application_close(
            actor=actor,
            application=offer.application,
            outcome=Outcome.REJECTED,
            at=moment,
            reason="declined the offer",
            rejected_by=RejectedBy.THEM,
        )
    return offer


# --- structured interviews ------------------------------------------------------------------


def competencies_from_role(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Scorecard attributes from a role description: each sub-heading of "Responsibilities"
    (or each top section) is a category; each of its items is an attribute with a question."""

    def walk(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found = []
        for node in nodes:
            category = str(node.get("heading", "")).strip()
            for item in node.get("items", []):
                text = str(item).strip().rstrip(".")
                if not text:
                    continue
                found.append(
                    {
                        "name": text[:120],
                        "category": category,
                        "questions": [
                            f"Tell us about a time you showed this: {text[0].lower()}{text[1:]}."
                        ],
                    }
                )
            found.extend(walk(node.get("children", [])))
        return found

    return walk(sections)


@transaction.atomic
def kit_build(*, actor: Any, role: Any, level: str = "", title: str = "") -> InterviewKit:
    """The interview kit of a role and level, built from the role description's competencies
    and what the career ladder expects at the level, weighted towards what the level asks
    beyond the level below (`talent.kits`); re-building replaces the competencies, keeping the
    kit."""
    from steward.talent import kits

    _require_recruiter(actor)
    competencies = competencies_from_role(list(role.sections or []))
    if not competencies:
        raise TalentError(
            f"the role description {role.title!r} lists no competencies",
            fields={"role": ["add sections with items to the role description"]},
        )
    kit = InterviewKit.objects.filter(role=role, level=level).first() or InterviewKit(
        role=role, level=level
    )
    kit.title = title.strip() or f"{role.title}{f' ({level})' if level else ''}"
    kit.competencies = kits.competencies(competencies, kits.ladder_level(actor, level))
    return _save(kit)  # type: ignore[no-any-return]


@transaction.atomic
def scorecard_assign(
    *,
    actor: Any,
    application: Application,
    interviewer: Any,
    interview: str,
    kit: InterviewKit | None = None,
    interviewed_at: datetime | date | None = None,
) -> Scorecard:
    """Put `interviewer` on the application's panel for one interview (their scorecard)."""
    _require_hiring_team(actor, application)
    if not rules.may_see_candidates(interviewer):
        raise TalentError(
            f"{interviewer} may not see candidates",
            fields={"interviewer": ["pick someone from recruiting, a manager or the CTO"]},
        )
    card = Scorecard(
        application=application,
        interviewer=interviewer,
        interview=interview.strip(),
        kit=kit,
        stage=application.stage,
        interviewed_at=_aware(interviewed_at) if interviewed_at else None,
    )
    return _save(card)  # type: ignore[no-any-return]


def clean_ratings(
    ratings: Sequence[dict[str, Any]], kit: InterviewKit | None
) -> list[dict[str, Any]]:
    """Ratings on the 1-5 scale (or Greenhouse names), each with written evidence."""
    known = {c["name"]: c.get("category", "") for c in (kit.competencies if kit else [])}
    cleaned = []
    errors = []
    for i, r in enumerate(ratings, start=1):
        attribute = str(r.get("attribute", "")).strip()
        rating = r.get("rating")
        if isinstance(rating, str) and not rating.strip().isdigit():
            rating = ATTRIBUTE_RATINGS.get(rating.strip().lower())
        try:
            value = int(rating) if rating is not None else None
        except (TypeError, ValueError):
            value = None
        evidence = str(r.get("evidence", "")).strip()
        if not attribute:
            errors.append(f"rating {i}: name the attribute")
        if value not in (1, 2, 3, 4, 5):
            errors.append(
                f"{attribute or f'rating {i}'}: rating 1-5 (definitely not .. strong yes)"
            )
        if not evidence:
            errors.append(f"{attribute or f'rating {i}'}: write the evidence for this rating")
        cleaned.append(
            {
                "attribute": attribute,
                "category": str(r.get("category") or known.get(attribute, "")),
                "rating": value,
                "evidence": evidence,
            }
        )
    if errors:
        raise TalentError("; ".join(errors), fields={"ratings": errors})
    return cleaned


@transaction.atomic
def scorecard_submit(
    *,
    actor: Any,
    scorecard: Scorecard,
    overall: str | int | None,
    ratings: Sequence[dict[str, Any]],
    key_take_aways: str = "",
    at: datetime | None = None,
) -> Scorecard:
    """The interviewer submits their scorecard: every attribute rating needs written evidence;
    the overall recommendation is definitely not, no, yes, strong yes or no decision."""
    own = policy.user_record(actor) is not None and scorecard.interviewer_id == actor.pk
    if not own and not isinstance(actor, policy.SystemActor):
        raise PermissionDenied("only the interviewer submits their scorecard")
    if scorecard.submitted_at is not None:
        raise TalentError("this scorecard was submitted already")
    if isinstance(overall, str):
        key = overall.strip().lower()
        if key.isdigit():
            overall = int(key)
        elif key in OVERALL_RECOMMENDATIONS:
            overall = OVERALL_RECOMMENDATIONS[key]
        else:
            raise TalentError(
                f"overall {overall!r}",
                fields={"overall": ["definitely_not, no, yes, strong_yes or no_decision"]},
            )
    if overall not in (None, 1, 2, 4, 5):
        raise TalentError(
            f"overall {overall!r}", fields={"overall": ["1, 2, 4 or 5 (there is no neutral)"]}
        )
    cleaned = clean_ratings(ratings, scorecard.kit)
    if not cleaned:
        raise TalentError("rate at least one attribute", fields={"ratings": ["rate an attribute"]})
    scorecard.overall = overall
    scorecard.ratings = cleaned
    scorecard.key_take_aways = key_take_aways.strip()
    scorecard.submitted_at = at or timezone.now()
    scorecard.interviewed_at = scorecard.interviewed_at or scorecard.submitted_at
    return _save(scorecard)  # type: ignore[no-any-return]


# --- diversity, privacy ---------------------------------------------------------------------


@transaction.atomic
def self_identify(
    *, actor: Any, candidate: Candidate, gender: str = "", ethnicity: str = ""
) -> SelfIdentification | None:
    """Record the candidate's voluntary self-identification (blank answers remove it)."""
    _require_recruiter(actor)
    SelfIdentification.objects.filter(candidate=candidate).delete()
    if not gender.strip() and not ethnicity.strip():
        return None
    record = SelfIdentification(
        candidate=candidate, gender=gender.strip(), ethnicity=ethnicity.strip()
    )
    return _save(record)  # type: ignore[no-any-return]


def candidate_accessed(*, actor: Any, candidate: Candidate) -> None:
    """Write the audit log's access entry for opening a candidate's record."""
    from auditlog.context import set_actor
    from auditlog.signals import accessed

    user = policy.user_record(actor)
    if user is None:
        accessed.send(Candidate, instance=candidate)
        return
    with set_actor(user):
        accessed.send(Candidate, instance=candidate)


def candidates_exported(*, actor: Any, candidates: Sequence[Candidate]) -> int:
    """Write one audit access entry per candidate written to a download (one insert, as
    bulk writes are audited); returns how many."""
    from steward.core.importing import audit_rows

    if not rules.may_see_candidates(actor):
        raise PermissionDenied("you may not see candidates")
    user = policy.user_record(actor)
    return audit_rows(Candidate, 3, ((c.pk, str(c), {}) for c in candidates), actor=user)


@transaction.atomic
def candidate_erase(*, actor: Any, candidate: Candidate, today: date | None = None) -> Candidate:
    """Erase a candidate's personal data (GDPR): name, contact, notes, self-identification,
    interview evidence and take-aways go; an anonymous stub keeps the applications, stage
    history, offers and ratings so that funnel counts stay correct."""
    _require_recruiter(actor)
    if candidate.erased_on is not None:
        return candidate
    day = today or timezone.localdate()
    candidate.name = f"Erased candidate {candidate.pk}"
    candidate.email = ""
    candidate.phone = ""
    candidate.location = ""
    candidate.notes = ""
    candidate.external_id = ""
    candidate.erased_on = day
    candidate.retain_until = None
    candidate.save()
    identification = SelfIdentification.objects.filter(candidate=candidate).first()
    if identification is not None:
        _scrub_audit(identification, ("gender", "ethnicity"), "self-identification")
        identification.delete()
    for app in candidate.applications.all():
        if app.referrer:
            app.referrer = ""
            app.save(update_fields=["referrer"])
        for card in app.scorecards.all():
            card.ratings = [{**r, "evidence": ""} for r in card.ratings]
            card.key_take_aways = ""
            card.save(update_fields=["ratings", "key_take_aways"])
            _scrub_audit(card, ("ratings", "key_take_aways"), str(card))
    _scrub_audit(candidate, PERSONAL_FIELDS, candidate.name)
    return candidate


PERSONAL_FIELDS = ("name", "email", "phone", "location", "notes", "external_id")


def _scrub_audit(obj: Any, fields: Sequence[str], label: str) -> None:
    """Erase personal values from the audit log entries of `obj` (who and when stay)."""
    from auditlog.models import LogEntry

    for entry in LogEntry.objects.get_for_object(obj):
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        scrubbed = {k: (["[erased]", "[erased]"] if k in fields else v) for k, v in changes.items()}
        LogEntry.objects.filter(pk=entry.pk).update(
            changes=scrubbed, changes_text="", serialized_data=None, object_repr=label[:200]
        )


def candidates_due_for_purge(today: date | None = None) -> list[Candidate]:
    """Candidates not yet erased whose retention date is before `today` and who have no open
    application (an open application keeps the data until it closes)."""
    day = today or timezone.localdate()
    due = Candidate.objects.filter(erased_on__isnull=True, retain_until__lt=day).exclude(
        applications__outcome=Outcome.OPEN
    )
    return list(due.order_by("pk"))


@transaction.atomic
def candidates_purge_expired(
    *, actor: Any, today: date | None = None, dry_run: bool = False
) -> list[int]:
    """Erase every candidate whose retention date has passed and who has no open application
    (`candidate_erase`: an anonymous stub stays, so funnel counts do not change). Returns
    their ids; with `dry_run`, the ids of those it would erase, erasing nothing."""
    _require_recruiter(actor)
    day = today or timezone.localdate()
    due = candidates_due_for_purge(day)
    if not dry_run:
        for candidate in due:
            candidate_erase(actor=actor, candidate=candidate, today=day)
    return [c.pk for c in due]
