"""Writes of decision records: create (number allocated here), edit, move through the workflow.

Every service takes the acting user (or `policy.SYSTEM` for jobs and the CLI) and checks it.

Every write runs in one transaction and is audited by auditlog (`save()`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from steward.architecture import rules
from steward.architecture.models import DECIDER_MOVES, TRANSITIONS, Decision
from steward.core.errors import InvalidFields, invalid_fields_from


class DecisionError(InvalidFields):
    """A decision change that cannot be made as asked (`fields` names the fields at fault)."""


def _clean_list(values: Sequence[str] | None) -> list[str]:
    return [str(v).strip() for v in (values or []) if str(v).strip()]


def _save(decision: Decision) -> None:
    try:
        # The number is Steward's: its uniqueness is the database constraint's job (a collision
        # is an IntegrityError, retried with the next number), not a form error.
        decision.full_clean(exclude=["number"])
    except ValidationError as exc:
        raise invalid_fields_from(exc, DecisionError) from exc
    decision.save()


def next_number() -> int:
    """The next free number (call inside a transaction that locks the table's last row)."""
    last = Decision.objects.select_for_update().order_by("-number").first()
    return 1 if last is None else last.number + 1


def decision_create(
    *,
    actor: Any,
    title: str,
    body: str = "",
    date: date | None = None,
    decision_makers: Sequence[str] = (),
    consulted: Sequence[str] = (),
    informed: Sequence[str] = (),
    tags: Sequence[str] = (),
    supersedes: Decision | None = None,
) -> Decision:
    """A new draft; Steward allocates its number (the next after the highest, never reused).

    Two people creating at once cannot get the same number: the unique constraint refuses the
    second, which retries with the next number.
    """
    if not rules.may_draft(actor):
        raise PermissionDenied("may not draft decisions")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                decision = Decision(
                    title=title.strip(),
                    body=body,
                    date=date,
                    decision_makers=_clean_list(decision_makers),
                    consulted=_clean_list(consulted),
                    informed=_clean_list(informed),
                    tags=_clean_list(tags),
                    supersedes=supersedes,
                    status="draft",
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
                decision.number = next_number()
                _save(decision)
                return decision
        except IntegrityError:
            continue
    raise DecisionError("could not allocate a decision number; try again")


@transaction.atomic
def decision_update(*, actor: Any, decision: Decision, **fields: Any) -> Decision:
    """Change the fields given (title, body, date, people lists, tags, supersedes)."""
    if not rules.may_edit(actor, decision):
        raise PermissionDenied("may not edit this decision")
    allowed = {
        "title",
        "body",
        "date",
        "decision_makers",
        "consulted",
        "informed",
        "tags",
        "supersedes",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise DecisionError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if name in ("decision_makers", "consulted", "informed", "tags"):
            value = _clean_list(value)
        if name == "title":
            value = str(value).strip()
        if name == "supersedes" and value is not None and value.pk == decision.pk:
            raise DecisionError(
                "a decision cannot supersede itself",
                fields={"supersedes": ["pick another decision"]},
            )
        setattr(decision, name, value)
    _save(decision)
    return decision


@transaction.atomic
def decision_move(
    *, actor: Any, decision: Decision, status: str, superseded_by: Decision | None = None
) -> Decision:
    """Move along the workflow: draft -> proposed -> accepted/rejected -> deprecated/superseded.

    Only architects, the CTO and admins accept, reject, deprecate or supersede. Superseding
    names the accepted record that replaces this one (its `supersedes` is set).
    """
    if status == decision.status:
        return decision
    if status not in TRANSITIONS.get(decision.status, ()):
        allowed = ", ".join(TRANSITIONS.get(decision.status, ())) or "none"
        raise DecisionError(
            f"a {decision.status} decision cannot become {status} (allowed: {allowed})",
            fields={"status": [f"from {decision.status}: {allowed}"]},
        )
    if status in DECIDER_MOVES and not rules.may_decide(actor):
        raise PermissionDenied("only architects and the CTO accept or reject decisions")
    if status not in DECIDER_MOVES and not rules.may_edit(actor, decision):
        raise PermissionDenied("may not edit this decision")
    if status == "superseded":
        if superseded_by is None or superseded_by.pk == decision.pk:
            raise DecisionError(
                "superseding needs the decision that replaces this one",
                fields={"superseded_by": ["pick the decision that replaces this one"]},
            )
        superseded_by.supersedes = decision
        _save(superseded_by)
    decision.status = status
    _save(decision)
    return decision
