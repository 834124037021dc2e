"""Browser forms for onboarding templates, the training catalog and coaching: through the
services, errors beside their fields (nothing written then), audited, and only for those the
docs name (people role, CTO, admins; sessions: the coach and the lead)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from steward.core.policy import SYSTEM
from steward.growth import forms, services
from steward.growth.models import (
    CoachingProgramme,
    CoachingSession,
    Course,
    OnboardingPlan,
    OnboardingTemplate,
)
from steward.org.models import Person

pytestmark = pytest.mark.django_db

TASKS = "0 joiner: laptop and accounts\n1 buddy: lunch together\nday 14 manager: first 1:1\n"


def test_parse_tasks_and_located_problems() -> None:
    assert forms.parse_tasks(TASKS) == [
        ("laptop and accounts", 0, "joiner"),
        ("lunch together", 1, "buddy"),
        ("first 1:1", 14, "manager"),
    ]
    with pytest.raises(services.GrowthError) as caught:
        forms.parse_tasks("3 boss: x\nno day\n400 joiner: y")
    assert caught.value.field_messages()["tasks"] == [
        "line 1: owner 'boss' is not one of joiner, manager, buddy",
        "line 2: write “day owner: task”, e.g. “3 manager: first 1:1”",
        "line 3: day 400 is after the first year: 0 to 365",
    ]


def test_onboarding_template_create_edit_delete(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("people")
    data = {"title": "Data team onboarding", "key": "data-onboarding", "tasks": TASKS}
    assert client.post("/growth/onboarding/templates/new/", data).status_code == 302
    template = OnboardingTemplate.objects.get(key="data-onboarding")
    assert [(t.day, t.owner, t.title) for t in template.tasks.all()] == [
        (0, "joiner", "laptop and accounts"),
        (1, "buddy", "lunch together"),
        (14, "manager", "first 1:1"),
    ]
    listed = client.get("/growth/onboarding/").content.decode()
    table = listed[listed.index('id="onboarding-templates"') :]
    # 3 tasks, the last due on day 14; edit and delete links for the people role.
    assert re.search(r"Data team onboarding</td><td[^>]*>3</td><td[^>]*>14</td>", table)
    assert "/growth/onboarding/templates/data-onboarding/delete/" in table
    assert (
        "templates/data-onboarding/edit"
        not in client_as("engineer").get("/growth/onboarding/").content.decode()
    )
    kind = ContentType.objects.get_for_model(OnboardingTemplate)
    assert LogEntry.objects.filter(content_type=kind, object_pk=str(template.pk)).exists()
    # The same short name again: refused beside the field.
    again = client.post("/growth/onboarding/templates/new/", data)
    assert again.status_code == 422 and "key" in again.context["form"].errors
    # Bad tasks: the line is named, nothing changes.
    url = "/growth/onboarding/templates/data-onboarding/edit/"
    assert "14 manager: first 1:1" in client.get(url).content.decode()
    bad = client.post(url, {"title": "Changed", "tasks": "3 boss: x"})
    assert bad.status_code == 422 and "line 1: owner" in bad.content.decode()
    template.refresh_from_db()
    assert template.title == "Data team onboarding" and template.tasks.count() == 3
    ok = client.post(url, {"title": "Data onboarding", "tasks": "2 manager: team intro"})
    assert ok.status_code == 302
    template.refresh_from_db()
    assert template.title == "Data onboarding"
    assert [(t.day, t.title) for t in template.tasks.all()] == [(2, "team intro")]
    # A plan made from it keeps its tasks when the template goes.
    joiner = Person.objects.filter(end_date__isnull=True).exclude(
        pk__in=OnboardingPlan.objects.values("person")
    )[0]
    plan = services.onboarding_start(actor=SYSTEM, person=joiner, template=template)
    delete_url = "/growth/onboarding/templates/data-onboarding/delete/"
    assert "onboarding plans (they keep their tasks)" in client.get(delete_url).content.decode()
    assert client.post(delete_url).status_code == 302
    assert not OnboardingTemplate.objects.filter(key="data-onboarding").exists()
    plan.refresh_from_db()
    assert plan.template is None and plan.tasks.count() == 1


def test_course_create_edit_and_delete_refused_when_taken(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    data = {"title": "Rust in practice", "key": "rust", "provider": "Ferrous", "hours": "24",
            "cost": "1450.00", "currency": "EUR"}  # fmt: skip
    assert client.post("/growth/courses/new/", data).status_code == 302
    course = Course.objects.get(key="rust")
    assert (course.hours, course.cost) == (Decimal("24.0"), Decimal("1450.00"))
    bad = client.post("/growth/courses/rust/edit/", {**data, "currency": "euro", "cost": "-1"})
    assert bad.status_code == 422
    assert set(bad.context["form"].errors) == {"currency", "cost"}
    assert client.post("/growth/courses/rust/edit/", {**data, "cost": "1200"}).status_code == 302
    course.refresh_from_db()
    assert course.cost == Decimal("1200.00") and course.key == "rust"
    # Taken by someone: the delete page says so and nothing is deleted.
    taken = Course.objects.filter(records__isnull=False).first()
    assert taken is not None
    page = client.post(f"/growth/courses/{taken.key}/delete/")
    assert page.status_code == 200 and "training records" in page.content.decode()
    assert Course.objects.filter(pk=taken.pk).exists()
    assert client.post("/growth/courses/rust/delete/").status_code == 302
    assert not Course.objects.filter(key="rust").exists()


def test_coaching_start_and_sessions_by_the_pair_only(client_as) -> None:  # type: ignore[no-untyped-def]
    cto = Person.objects.get(employee_id="E0001")
    lead = Person.objects.filter(end_date__isnull=True, track="manager").exclude(pk=cto.pk)[0]
    client = client_as("cto")
    response = client.post(
        "/growth/coaching/new/",
        {"coach": cto.name, "lead": lead.name, "started_on": "2026-11-02",
         "goals": "Hire two seniors\n\nRun a calibration"},
    )  # fmt: skip
    assert response.status_code == 302
    programme = CoachingProgramme.objects.filter(coach=cto, lead=lead).latest("pk")
    assert programme.goals == ["Hire two seniors", "Run a calibration"]
    same = client.post(
        "/growth/coaching/new/",
        {"coach": cto.name, "lead": cto.name, "started_on": "2026-11-02"},
    )
    assert same.status_code == 422 and "lead" in same.context["form"].errors
    url = f"/growth/coaching/{programme.pk}/sessions/new/"
    assert client.post(url, {"held_on": "2026-11-09", "topic": "Delegation",
                             "notes": "NOTE-QQ"}).status_code == 302  # fmt: skip
    session = CoachingSession.objects.get(programme=programme)
    assert session.topic == "Delegation"
    # The people role sees the programme but does not write in it; notes stay out of the log.
    assert client_as("people").get(url).status_code == 403
    assert client_as("engineer").get(url).status_code == 404
    assert all("NOTE-QQ" not in str(e.changes) for e in LogEntry.objects.all())


def test_training_record_and_budget_by_hand(client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.growth.models import TrainingBudget, TrainingRecord

    engineer = Person.objects.get(employee_id="E0006")
    course = Course.objects.get(key="ddd")
    client = client_as("manager")  # E0006's manager
    response = client.post(
        "/growth/training/new/",
        {"person": engineer.name, "course": course.pk, "completed_on": "2026-11-20"},
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.filter(person=engineer, course=course).latest("pk")
    assert record.cost == Decimal("1200.00")  # the catalog's cost
    data = {"person": engineer.name, "year": "2027", "amount": "2500", "currency": "EUR"}
    assert client.post("/growth/training/budgets/new/", data).status_code == 302
    assert (
        client.post("/growth/training/budgets/new/", {**data, "amount": "3000"}).status_code == 302
    )
    budget = TrainingBudget.objects.get(person=engineer, year=2027)
    assert budget.amount == Decimal("3000.00")
    # The engineer records their own training, not someone else's; budgets are not theirs.
    other = Person.objects.get(employee_id="E0001")
    mine = client_as("engineer").post(
        "/growth/training/new/",
        {"person": other.name, "course": course.pk, "completed_on": "2026-11-20"},
    )
    assert mine.status_code == 422
    assert client_as("engineer").get("/growth/training/budgets/new/").status_code == 403
