"""Every write of the cockpit: computing findings, setting them aside, notes, snapshots, vision."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from steward.cockpit.models import (
    FindingDismissal,
    FindingRun,
    ReportNote,
    Snapshot,
    StoredFinding,
    Vision,
)
from steward.core import policy, registry
from steward.core.errors import BadInput

log = logging.getLogger(__name__)

# Runs kept (the newest serves the home page; older ones show how findings moved).
RUNS_KEPT = 5


def data_version() -> int:
    """The newest audit-log entry of another app: every audited write (an import, an edit, an
    ingestion that changed a repository) increases it; the cockpit's own writes (a dismissal, a
    note) do not, since findings do not depend on them."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    own = list(ContentType.objects.filter(app_label="cockpit").values_list("pk", flat=True))
    newest = (
        LogEntry.objects.exclude(content_type_id__in=own)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return int(newest or 0)


def findings_refresh(*, on: date | None = None) -> FindingRun:
    """Run every registered finding rule as the system and store what they found.

    A rule that fails is recorded in the run's `errors` and the others still run. The run
    replaces nothing until it is complete: the home page keeps serving the previous one.
    """
    on = on or date.today()
    run = FindingRun.objects.create(on=on, started_at=timezone.now(), data_version=data_version())
    rows: list[StoredFinding] = []
    errors: dict[str, str] = {}
    for name, rule in registry.finding_rules.items():
        try:
            # A savepoint per rule: a database error in one leaves the transaction usable.
            with transaction.atomic():
                found = list(rule(policy.SYSTEM, on))
        except Exception as exc:
            log.exception("finding rule %s failed", name)
            errors[name] = f"{type(exc).__name__}: {exc}"[:500]
            continue
        for f in found:
            rows.append(
                StoredFinding(
                    run=run,
                    rule=f.rule,
                    severity=f.severity,
                    statement=f.statement,
                    url=f.url,
                    owner=f.owner,
                    identity=f.identity[:400],
                    fingerprint=f.fingerprint[:400],
                    subject=f.subject,
                    audience=sorted(f.audience),
                )
            )
    with transaction.atomic():
        StoredFinding.objects.bulk_create(rows)
        run.finished_at = timezone.now()
        run.errors = errors
        run.save(update_fields=["finished_at", "errors"])
        old = FindingRun.objects.order_by("-started_at").values_list("pk", flat=True)[RUNS_KEPT:]
        FindingRun.objects.filter(pk__in=list(old)).delete()
    return run


def _actor_user(actor: policy.Actor) -> Any:
    user = policy.user_record(actor)
    if user is None:
        raise BadInput("only a signed-in user sets findings aside")
    return user


@transaction.atomic
def finding_set_aside(
    *, actor: policy.Actor, identity: str, fingerprint: str, until: date | None = None
) -> FindingDismissal:
    """Dismiss a finding for `actor` (it comes back when its figure changes) or, with `until`,
    snooze it to that day."""
    user = _actor_user(actor)
    if until is not None and until <= date.today():
        raise BadInput(f"until {until.isoformat()}: must be after today")
    dismissal = FindingDismissal.objects.filter(user=user, identity=identity).first()
    if dismissal is None:
        dismissal = FindingDismissal(user=user, identity=identity)
    dismissal.fingerprint = fingerprint
    dismissal.until = until
    dismissal.full_clean()
    dismissal.save()
    return dismissal


@transaction.atomic
def finding_restore(*, actor: policy.Actor, identity: str) -> int:
    """Show a dismissed or snoozed finding again; returns how many were restored (0 or 1)."""
    user = _actor_user(actor)
    restored = 0
    for dismissal in FindingDismissal.objects.filter(user=user, identity=identity):
        dismissal.delete()  # one by one: the audit log records each
        restored += 1
    return restored


@transaction.atomic
def report_note_save(
    *, actor: policy.Actor, kind: str, period: str, section: str, text: str
) -> ReportNote:
    """Keep the CTO's commentary on one section of a report."""
    if not policy.may_write_reports(actor):
        raise PermissionDenied("may not comment reports")
    note = ReportNote.objects.filter(kind=kind, period=period, section=section).first()
    if note is None:
        note = ReportNote(kind=kind, period=period, section=section)
    note.text = text.strip()
    note.updated_by = policy.user_record(actor)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def snapshot_take(
    *, actor: policy.Actor, period: str, figures: list[dict[str, Any]], reason: str
) -> Snapshot:
    """Freeze `figures` (the key figures of the quarter `period`) as they are now."""
    if reason not in ("quarter end", "on demand"):
        raise BadInput(f"reason {reason!r}: 'quarter end' or 'on demand'")
    if not policy.may_write_reports(actor):
        raise PermissionDenied("may not take snapshots")
    snapshot = Snapshot(
        period=period,
        taken_at=timezone.now(),
        reason=reason,
        figures=figures,
        taken_by=policy.user_record(actor),
    )
    snapshot.full_clean()
    snapshot.save()
    return snapshot


@transaction.atomic
def vision_save(
    *, actor: policy.Actor, text: str, objective_ids: list[int], decision_ids: list[int]
) -> Vision:
    """Replace the technology vision and the objectives and decisions it links."""
    if not policy.may_write_reports(actor):
        raise PermissionDenied("may not edit the technology vision")
    vision = Vision.objects.order_by("pk").first() or Vision()
    vision.text = text
    vision.full_clean()
    vision.save()
    vision.objectives.set(objective_ids)
    vision.decisions.set(decision_ids)
    return vision
