"""Coaching programmes (session notes for the coach and the lead only) and training budgets
(spent and left computed by hand)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from steward.core.policy import SYSTEM
from steward.growth import selectors, services
from steward.org.models import Person
from tests.conftest import DEMO_ROLES
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_coaching_notes_are_for_the_coach_and_the_lead(client_as) -> None:  # type: ignore[no-untyped-def]
    cto, manager = Person.objects.get(employee_id="E0001"), Person.objects.get(employee_id="E0005")
    programme = services.coaching_start(
        actor=User.objects.get(username="cto"), coach=cto, lead=manager, started_on=date(2026, 1, 5)
    )
    services.coaching_session_record(
        actor=User.objects.get(username="manager"),
        programme=programme,
        held_on=date(2026, 2, 1),
        topic="Delegation",
        notes="NOTE-COACH-4411",
    )
    with pytest.raises(PermissionDenied):
        services.coaching_session_record(
            actor=User.objects.get(username="people"),
            programme=programme,
            held_on=date(2026, 3, 1),
            topic="x",
        )
    seen = {
        role: "NOTE-COACH-4411" in client_as(role).get("/growth/coaching/").content.decode()
        for role in DEMO_ROLES
    }
    assert seen == {role: role in ("cto", "manager") for role in DEMO_ROLES}
    admin_log = client_as("admin").get("/admin/auditlog/logentry/").content.decode()
    assert "NOTE-COACH-4411" not in admin_log


def test_training_spent_and_left_by_hand() -> None:
    person = PersonFactory(start_date=date(2024, 1, 1))
    course = services.course_save(actor=SYSTEM, key="t-course", title="T course", cost=Decimal(400))
    services.training_budget_set(actor=SYSTEM, person=person, year=2031, amount=Decimal(1000))
    services.training_record_add(
        actor=SYSTEM, person=person, course=course, completed_on=date(2031, 3, 1)
    )
    services.training_record_add(
        actor=SYSTEM,
        person=person,
        course=course,
        completed_on=date(2031, 6, 1),
        cost=Decimal("250.50"),
    )
    services.training_record_add(
        actor=SYSTEM, person=person, course=course, completed_on=date(2030, 6, 1)
    )
    row = next(
        r
        for r in selectors.training_overview(actor=SYSTEM, year=2031)["people"]
        if r["person"] == person
    )
    # 400 + 250.50 in 2031 (the 2030 course is another year); left 1,000 − 650.50 = 349.50.
    assert (row["budget"], row["spent"], row["left"]) == (
        Decimal(1000),
        Decimal("650.50"),
        Decimal("349.50"),
    )
    with pytest.raises(PermissionDenied):
        services.training_budget_set(
            actor=User.objects.get(username="engineer"), person=person, year=2031, amount=1
        )
