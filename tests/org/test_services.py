"""Organization services keep history and refuse impossible changes (data from factories)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from steward.core.policy import SYSTEM
from steward.org import services
from steward.org.errors import OrgError
from steward.org.models import ReportingLine, TeamMembership
from tests.factories import PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_move_keeps_membership_history() -> None:
    person = PersonFactory(team=TeamFactory())
    old_team = person.team
    checkout = TeamFactory(slug="f-checkout")
    services.person_move(actor=SYSTEM, person=person, team=checkout, on=date(2026, 12, 1))
    history = list(TeamMembership.objects.filter(person=person).order_by("start"))
    assert [(m.team_id, m.end) for m in history] == [
        (old_team.pk, date(2026, 12, 1)),
        (checkout.pk, None),
    ]
    person.refresh_from_db()
    assert person.team == checkout


def test_manager_change_refuses_a_cycle() -> None:
    cto = PersonFactory()
    manager = PersonFactory(manager=PersonFactory(manager=cto))  # reports to the CTO indirectly
    with pytest.raises(OrgError, match="cycle"):
        services.person_set_manager(actor=SYSTEM, person=cto, manager=manager, on=date(2026, 12, 1))
    assert ReportingLine.objects.filter(person=cto).count() == 0


def test_end_employment_keeps_the_record_and_closes_history() -> None:
    person = PersonFactory(team=TeamFactory())
    services.person_end_employment(
        actor=SYSTEM, person=person, on=date(2026, 12, 31), termination_type="voluntary"
    )
    person.refresh_from_db()
    assert person.end_date == date(2026, 12, 31)
    assert person.spells.get().end_date == date(2026, 12, 31)
    assert not TeamMembership.objects.filter(person=person, end__isnull=True).exists()


def test_engineer_may_not_change_the_org() -> None:
    engineer = User.objects.get(username="engineer")  # the demo login
    person = PersonFactory(team=TeamFactory())
    with pytest.raises(PermissionDenied):
        services.person_move(actor=engineer, person=person, team=None, on=date(2026, 12, 1))


def test_changes_are_in_the_audit_log() -> None:
    person = PersonFactory(salary=Decimal(90000), currency="EUR")
    before = LogEntry.objects.get_for_object(person).count()
    services.person_set_compensation(
        actor=SYSTEM, person=person, salary=person.salary, currency="EUR"
    )
    entries = LogEntry.objects.get_for_object(person)
    assert entries.count() == before + (0 if person.currency == "EUR" else 1)
    services.person_set_compensation(actor=SYSTEM, person=person, salary=123456, currency="EUR")
    latest = LogEntry.objects.get_for_object(person).order_by("-timestamp").first()
    assert latest is not None and "salary" in latest.changes_dict
