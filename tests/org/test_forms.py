"""Editing the organization in the browser: create, edit, inline errors, refusal, deletion."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User

from steward.org.models import Department, Person, RoleDescription, Team, TeamMembership

pytestmark = pytest.mark.django_db


def _entries(obj: object, action: int) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).filter(action=action))  # type: ignore[arg-type]


def _label(person: Person) -> str:
    return f"{person.name} ({person.employee_id})"


def test_person_create_by_the_people_role(client_as) -> None:  # type: ignore[no-untyped-def]
    manager = Person.objects.get(employee_id="E0005")
    checkout = Team.objects.get(slug="checkout")
    response = client_as("people").post(
        "/org/people/new/",
        {
            "employee_id": "E9001",
            "name": "Noor Haddad",
            "emails": "noor@northwind.example; n.haddad@northwind.example",
            "title": "Software Engineer",
            "level": "L3",
            "track": "ic",
            "team": checkout.name,
            "manager": _label(manager),
            "location": "Lisbon",
            "timezone": "Europe/Lisbon",
            "start_date": "2027-01-04",
            "employment_type": "full-time",
            "fte": "0.8",
            "salary": "64000",
            "currency": "eur",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert response["Location"] == "/org/people/E9001/"
    person = Person.objects.get(employee_id="E9001")
    assert (person.name, person.team, person.manager) == ("Noor Haddad", checkout, manager)
    assert (person.salary, person.currency, person.fte) == (
        Decimal("64000"),
        "EUR",
        Decimal("0.8"),
    )
    assert [e.email for e in person.emails.all()] == [
        "noor@northwind.example",
        "n.haddad@northwind.example",
    ]
    membership = TeamMembership.objects.get(person=person)
    assert (membership.team, membership.start, membership.end) == (
        checkout,
        date(2027, 1, 4),
        None,
    )
    created = _entries(person, LogEntry.Action.CREATE)
    assert len(created) == 1 and created[0].actor.username == "people"


def test_person_edit_by_the_cto_is_audited(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    person = Person.objects.get(employee_id="E0006")
    form = client.get("/org/people/E0006/edit/")
    assert form.status_code == 200
    assert 'name="salary"' in form.content.decode()
    data = {
        "name": person.name,
        "emails": "; ".join(e.email for e in person.emails.all()),
        "title": "Senior Software Engineer",
        "level": "L4",
        "track": "ic",
        "team": person.team.name,
        "manager": _label(person.manager),
        "location": person.location,
        "timezone": person.timezone,
        "start_date": person.start_date.isoformat(),
        "department": person.department.slug if person.department else "",
        "employment_type": person.employment_type,
        "fte": "1.00",
        "termination_type": "",
        "regretted": "unknown",
        "salary": "81000",
        "currency": "EUR",
    }
    response = client.post("/org/people/E0006/edit/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    person.refresh_from_db()
    assert (person.title, person.level, person.salary) == (
        "Senior Software Engineer",
        "L4",
        Decimal("81000"),
    )
    updated = _entries(person, LogEntry.Action.UPDATE)
    assert updated and updated[0].actor.username == "cto"
    assert updated[0].changes_dict["title"] == ["Software Engineer II", "Senior Software Engineer"]
    assert updated[0].changes_dict["salary"][1] == "81000"


def test_person_edit_shows_the_importer_errors_inline(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    person = Person.objects.get(employee_id="E0006")
    before = (person.currency, person.timezone)
    response = client.post(
        "/org/people/E0006/edit/",
        {
            "name": person.name,
            "track": "ic",
            "start_date": person.start_date.isoformat(),
            "team": person.team.name,
            "manager": _label(person.manager),
            "timezone": "Mars/Olympus",
            "salary": "1000",
            "currency": "XXQ",
            "regretted": "unknown",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    # The same messages as `steward import people` (steward.org.rules).
    assert "&#x27;XXQ&#x27; is not an ISO 4217 currency code" in body
    assert "&#x27;Mars/Olympus&#x27; is not a time zone" in body
    assert 'id="currency-error"' in body and 'id="timezone-error"' in body
    person.refresh_from_db()
    assert (person.currency, person.timezone) == before


def test_person_edit_is_refused_and_its_button_absent(client_as) -> None:  # type: ignore[no-untyped-def]
    for role in ("executive", "manager", "engineer"):
        client = client_as(role)
        assert client.get("/org/people/E0006/edit/").status_code == 403
        assert client.post("/org/people/E0006/edit/", {"title": "x"}).status_code == 403
        assert 'id="person-edit"' not in client.get("/org/people/E0006/").content.decode()
    assert Person.objects.get(employee_id="E0006").title == "Software Engineer II"
    assert 'id="person-edit"' in client_as("cto").get("/org/people/E0006/").content.decode()


def test_a_move_is_a_form_by_name(client_as) -> None:  # type: ignore[no-untyped-def]
    person = Person.objects.get(employee_id="E0006")
    old_team = person.team
    checkout = Team.objects.get(slug="checkout")
    on = date.today() + timedelta(days=10)
    response = client_as("people").post(
        "/org/moves/new/", {"person": _label(person), "team": "checkout", "on": on.isoformat()}
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    person.refresh_from_db()
    assert person.team == checkout
    rows = list(TeamMembership.objects.filter(person=person).order_by("start"))
    assert (rows[-2].team, rows[-2].end) == (old_team, on)
    assert (rows[-1].team, rows[-1].start, rows[-1].end) == (checkout, on, None)
    assert _entries(rows[-2], LogEntry.Action.UPDATE)[0].actor.username == "people"
    assert _entries(rows[-1], LogEntry.Action.CREATE)[0].actor.username == "people"


def test_a_move_needs_a_name_not_an_id(client_as) -> None:  # type: ignore[no-untyped-def]
    response = client_as("cto").post(
        "/org/moves/new/", {"person": "E0006X", "team": "Nowhere", "on": "2027-01-01"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "no person named &#x27;E0006X&#x27;: pick one from the list" in body
    assert "no team named &#x27;Nowhere&#x27;" in body


def test_pickers_suggest_visible_names(client_as) -> None:  # type: ignore[no-untyped-def]
    person = Person.objects.get(employee_id="E0006")
    body = client_as("engineer").get(
        "/org/pick/people/", {"field": "person", "person": person.name[:5]}
    )
    assert f'<option value="{_label(person)}">' in body.content.decode()
    leaver = Person.objects.filter(end_date__isnull=False).first()
    assert leaver is not None
    body = client_as("cto").get("/org/pick/people/", {"q": leaver.name})
    assert _label(leaver) not in body.content.decode()  # suggestions are active people
    teams = client_as("engineer").get("/org/pick/teams/", {"q": "check"}).content.decode()
    assert '<option value="Checkout">' in teams


def test_team_create_edit_and_delete(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    lead = Person.objects.get(employee_id="E0005")
    response = client.post(
        "/org/teams/new/",
        {"name": "Fraud Signals", "type": "complicated-subsystem", "lead": _label(lead)},
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    team = Team.objects.get(slug="fraud-signals")
    assert (team.name, team.type, team.lead) == ("Fraud Signals", "complicated-subsystem", lead)
    assert _entries(team, LogEntry.Action.CREATE)[0].actor.username == "cto"
    response = client.post(
        "/org/teams/fraud-signals/edit/",
        {"name": "Fraud Signals", "type": "platform", "mission": "Stop fraud", "lead": ""},
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.type, team.mission, team.lead) == ("platform", "Stop fraud", None)
    confirm = client.get("/org/teams/fraud-signals/delete/").content.decode()
    assert "Nothing else is deleted or changed." in confirm
    assert client.post("/org/teams/fraud-signals/delete/").status_code == 302
    assert not Team.objects.filter(slug="fraud-signals").exists()
    assert LogEntry.objects.filter(
        object_pk=str(team.pk), action=LogEntry.Action.DELETE, actor__username="cto"
    ).exists()


def test_team_create_errors_inline(client_as) -> None:  # type: ignore[no-untyped-def]
    response = client_as("cto").post("/org/teams/new/", {"name": "", "type": "squad"})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="name-error"' in body and 'id="type-error"' in body


def test_deleting_a_team_with_people_says_what_refers_to_it(client_as) -> None:  # type: ignore[no-untyped-def]
    payments = Team.objects.get(slug="payments")
    people = Person.objects.filter(team=payments).count()
    memberships = TeamMembership.objects.filter(team=payments).count()
    client = client_as("cto")
    body = client.get("/org/teams/payments/delete/").content.decode()
    assert f"<li>{people} people</li>" in body
    assert f"<li>{memberships} team memberships</li>" in body
    assert client.post("/org/teams/payments/delete/").status_code == 200
    assert Team.objects.filter(slug="payments").exists()


def test_team_pages_refused_for_engineer(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("engineer")
    for url in ("/org/teams/new/", "/org/teams/payments/edit/", "/org/teams/payments/delete/"):
        assert client.get(url).status_code == 403
        assert client.post(url, {"name": "x", "type": "platform"}).status_code == 403
    assert Team.objects.filter(slug="payments").exists()
    page = client.get("/org/teams/payments/").content.decode()
    assert 'id="team-edit"' not in page and 'id="team-delete"' not in page
    assert 'id="team-create"' not in client.get("/org/teams/").content.decode()


def test_department_create_edit_delete(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("people")
    engineering = Department.objects.get(slug="engineering")
    assert (
        client.post(
            "/org/departments/new/", {"name": "Security", "parent": "engineering"}
        ).status_code
        == 302
    )
    security = Department.objects.get(slug="security")
    assert security.parent == engineering
    assert (
        client.post(
            "/org/departments/security/edit/", {"name": "Security & Trust", "parent": ""}
        ).status_code
        == 302
    )
    security.refresh_from_db()
    assert (security.name, security.parent) == ("Security & Trust", None)
    assert _entries(security, LogEntry.Action.UPDATE)[0].actor.username == "people"
    # A department with teams cannot go: the page says why.
    body = client.get("/org/departments/engineering/delete/").content.decode()
    assert "cannot be deleted" in body
    assert client.post("/org/departments/security/delete/").status_code == 302
    assert not Department.objects.filter(slug="security").exists()
    assert client_as("engineer").post("/org/departments/new/", {"name": "X"}).status_code == 403


ROLE_BODY = """Owns the reliability of the platform.

## Responsibilities
- Run the on-call rotation
- Review incidents

## Skills
- Linux
"""


def test_role_create_parses_markdown_like_the_importer(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    response = client.post(
        "/org/roles/new/",
        {"title": "Site Reliability Engineer", "description": "Keeps it up", "body": ROLE_BODY},
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    role = RoleDescription.objects.get(slug="site-reliability-engineer")
    assert role.summary == "Owns the reliability of the platform."
    assert [(s["heading"], s["items"]) for s in role.sections] == [
        ("Responsibilities", ["Run the on-call rotation", "Review incidents"]),
        ("Skills", ["Linux"]),
    ]
    assert _entries(role, LogEntry.Action.CREATE)[0].actor.username == "cto"
    response = client.post(
        f"/org/roles/{role.slug}/edit/",
        {"title": "Site Reliability Engineer", "description": "", "body": "Short.\n"},
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert (role.summary, role.sections, role.description) == ("Short.", [], "")
    assert client.post(f"/org/roles/{role.slug}/delete/").status_code == 302
    assert not RoleDescription.objects.filter(pk=role.pk).exists()


def test_role_errors_inline_and_refusal(client_as) -> None:  # type: ignore[no-untyped-def]
    existing = RoleDescription.objects.first()
    assert existing is not None
    response = client_as("cto").post(
        "/org/roles/new/", {"title": existing.title, "description": "", "body": "x"}
    )
    assert response.status_code == 422
    assert "exists already" in response.content.decode()
    client = client_as("finance")
    assert client.get("/org/roles/new/").status_code == 403
    page = client.get(f"/org/roles/{existing.slug}/").content.decode()
    assert 'id="role-edit"' not in page


def test_editable_fields_follow_the_policy() -> None:
    from steward.org.services import person_editable_fields

    person = Person.objects.get(employee_id="E0006")
    assert "salary" in person_editable_fields(actor=User.objects.get(username="cto"), person=person)
    assert person_editable_fields(actor=User.objects.get(username="finance"), person=person) == (
        frozenset()
    )
