"""Decision services: number allocation, the workflow, who may decide, the audit log."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from steward.architecture import selectors, services
from steward.architecture.models import Decision
from steward.core.policy import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean() -> None:
    Decision.objects.update(supersedes=None)
    Decision.objects.all().delete()


def _user(name: str) -> User:
    return User.objects.get(username=name)


def test_numbers_are_allocated_in_order_and_never_reused(clean: None) -> None:
    first = services.decision_create(actor=_user("architect"), title="Use PostgreSQL")
    second = services.decision_create(actor=_user("engineer"), title="Use Kafka")
    assert (first.number, second.number) == (1, 2)
    assert second.status == "draft"
    third = services.decision_create(actor=SYSTEM, title="Use Redis")
    assert third.number == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(number=2, title="Collides")


def test_allocation_after_an_imported_high_number(clean: None) -> None:
    Decision.objects.create(number=41, title="Imported")
    assert services.decision_create(actor=SYSTEM, title="Next").number == 42


def test_workflow_and_who_decides(clean: None) -> None:
    engineer, architect = _user("engineer"), _user("architect")
    decision = services.decision_create(actor=engineer, title="Use gRPC")
    services.decision_move(actor=engineer, decision=decision, status="proposed")
    with pytest.raises(PermissionDenied):
        services.decision_move(actor=engineer, decision=decision, status="accepted")
    assert Decision.objects.get(pk=decision.pk).status == "proposed"
    services.decision_move(actor=architect, decision=decision, status="accepted")
    with pytest.raises(services.DecisionError) as exc:
        services.decision_move(actor=architect, decision=decision, status="draft")
    assert "allowed: deprecated, superseded" in str(exc.value)
    cto = _user("cto")
    newer = services.decision_create(actor=cto, title="Use Connect")
    with pytest.raises(services.DecisionError):
        services.decision_move(actor=cto, decision=decision, status="superseded")
    services.decision_move(actor=cto, decision=decision, status="superseded", superseded_by=newer)
    decision.refresh_from_db()
    newer.refresh_from_db()
    assert decision.status == "superseded"
    assert newer.supersedes == decision
    assert decision.superseded_by == newer
    assert [d.number for d in selectors.supersede_chain(newer)] == [decision.number, newer.number]
    assert selectors.decision_dict(decision)["superseded_by"] == newer.number


def test_engineer_edits_own_draft_not_others_and_not_accepted(clean: None) -> None:
    engineer, manager = _user("engineer"), _user("manager")
    mine = services.decision_create(actor=engineer, title="Mine")
    services.decision_update(actor=engineer, decision=mine, title="Mine, renamed", tags=["x", ""])
    assert (mine.title, mine.tags) == ("Mine, renamed", ["x"])
    with pytest.raises(PermissionDenied):
        services.decision_update(actor=manager, decision=mine, title="Theirs")
    services.decision_move(actor=engineer, decision=mine, status="proposed")
    services.decision_move(actor=_user("architect"), decision=mine, status="accepted")
    with pytest.raises(PermissionDenied):
        services.decision_update(actor=engineer, decision=mine, title="Late change")


def test_writes_are_audited(clean: None) -> None:
    architect = _user("architect")
    decision = services.decision_create(actor=architect, title="Audited")
    services.decision_move(actor=architect, decision=decision, status="proposed")
    entries = LogEntry.objects.get_for_object(decision).order_by("timestamp")
    assert entries.count() == 2
    assert entries.last() is not None
    assert entries.last().changes_dict["status"] == ["draft", "proposed"]


def test_blank_title_is_a_field_error(clean: None) -> None:
    with pytest.raises(services.DecisionError) as exc:
        services.decision_create(actor=SYSTEM, title="  ")
    assert "title" in exc.value.field_messages()
    assert not Decision.objects.exists()


def test_a_colliding_number_is_retried_with_the_next(
    clean: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two creates racing for one number: the constraint refuses the second, which retries."""
    taken = services.decision_create(actor=SYSTEM, title="First")
    real = services.next_number
    answers = iter([taken.number])  # the racer computed the number before `taken` committed

    def racing() -> int:
        return next(answers, None) or real()

    monkeypatch.setattr(services, "next_number", racing)
    second = services.decision_create(actor=SYSTEM, title="Second")
    assert (taken.number, second.number) == (1, 2)
    assert Decision.objects.count() == 2
