"""The organization write API: Bearer tokens, the services' rules, 422/404/403, audit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client

from steward.core.auth import token_create
from steward.org.models import Department, Person, RoleDescription, Team, TeamMembership

pytestmark = pytest.mark.django_db


class Api:
    """A client that sends JSON with a Bearer token of a demo login."""

    def __init__(self, username: str) -> None:
        _, raw = token_create(user=User.objects.get(username=username), name="test")
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def __getattr__(self, method: str) -> Any:
        def call(path: str, body: Any = None) -> Any:
            send = getattr(self.client, method)
            if body is None:
                return send(f"/api/v1{path}", **self.headers)
            return send(f"/api/v1{path}", body, content_type="application/json", **self.headers)

        return call


def _actor(obj: object, action: int) -> str:
    entry = LogEntry.objects.get_for_object(obj).filter(action=action).first()  # type: ignore[arg-type]
    assert entry is not None and entry.actor is not None, "no audit entry with an actor"
    return str(entry.actor.username)


def test_create_a_person_with_a_token() -> None:
    response = Api("people").post(
        "/org/people",
        {
            "employee_id": "E9100",
            "name": "Ines Duarte",
            "start_date": "2027-02-01",
            "emails": ["ines@northwind.example"],
            "team": "checkout",
            "manager_employee_id": "E0005",
            "salary": "70000",
            "currency": "eur",
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["employee_id"], data["team"], data["manager_employee_id"]) == (
        "E9100",
        "checkout",
        "E0005",
    )
    assert Decimal(data["salary"]) == Decimal("70000") and data["currency"] == "EUR"
    person = Person.objects.get(employee_id="E9100")
    assert person.team == Team.objects.get(slug="checkout")
    assert TeamMembership.objects.filter(person=person, team__slug="checkout").count() == 1
    assert _actor(person, LogEntry.Action.CREATE) == "people"


def test_field_errors_are_422_with_the_importer_messages() -> None:
    api = Api("cto")
    response = api.post(
        "/org/people",
        {
            "employee_id": "E9101",
            "name": "X",
            "start_date": "2027-02-01",
            "end_date": "2027-01-01",
            "timezone": "Mars/Olympus",
            "salary": "100",
        },
    )
    assert response.status_code == 422
    errors = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert "is not a time zone" in errors[("body", "timezone")]
    assert errors[("body", "currency")].startswith("is empty but salary is given")
    assert not Person.objects.filter(employee_id="E9101").exists()
    response = api.post(
        "/org/people", {"employee_id": "E0006", "name": "X", "start_date": "2027-02-01"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "employee_id"]
    response = api.post(
        "/org/people",
        {"employee_id": "E9102", "name": "X", "start_date": "2027-02-01", "team": "nowhere"},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "team"], "msg": "unknown team 'nowhere'", "type": "value_error"}
    ]


def test_patch_a_person_changes_only_the_fields_given() -> None:
    person = Person.objects.get(employee_id="E0006")
    before = (person.name, person.salary, person.team_id)
    response = Api("cto").patch("/org/people/E0006", {"title": "Staff Engineer", "level": "L5"})
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Staff Engineer"
    person.refresh_from_db()
    assert (person.title, person.level) == ("Staff Engineer", "L5")
    assert (person.name, person.salary, person.team_id) == before
    entry = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.UPDATE).first()
    assert entry is not None and entry.actor.username == "cto"
    assert entry.changes_dict["level"] == ["L2", "L5"]


def test_move_a_person() -> None:
    response = Api("people").post(
        "/org/people/E0006/moves", {"team": "checkout", "on": "2027-03-01"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["team"] == "checkout"
    last = TeamMembership.objects.filter(person__employee_id="E0006").order_by("start").last()
    assert last is not None and (last.team.slug, str(last.start)) == ("checkout", "2027-03-01")


def test_forbidden_writes_are_403_and_invisible_rows_404() -> None:
    engineer = Api("engineer")
    assert engineer.patch("/org/people/E0006", {"title": "CEO"}).status_code == 403
    assert (
        engineer.post("/org/teams", {"slug": "x", "name": "X", "type": "platform"}).status_code
        == 403
    )
    assert engineer.delete("/org/roles/cto-role-descriptiom").status_code == 403
    assert Person.objects.get(employee_id="E0006").title == "Software Engineer II"
    leaver = Person.objects.filter(end_date__isnull=False).exclude(team__slug="payments").first()
    assert leaver is not None
    # A leaver outside the manager's subtree is invisible to them: 404, not 403.
    assert (
        Api("manager").patch(f"/org/people/{leaver.employee_id}", {"title": "x"}).status_code == 404
    )
    assert Api("cto").patch("/org/people/NOPE", {"title": "x"}).status_code == 404
    anonymous = Client().post("/api/v1/org/teams", {}, content_type="application/json")
    assert anonymous.status_code == 401


def test_teams_create_patch_delete() -> None:
    api = Api("cto")
    response = api.post(
        "/org/teams",
        {"slug": "fraud", "name": "Fraud", "type": "enabling", "lead_employee_id": "E0005"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["lead_employee_id"] == "E0005"
    response = api.patch("/org/teams/fraud", {"mission": "Catch fraud", "lead_employee_id": None})
    assert response.status_code == 200
    team = Team.objects.get(slug="fraud")
    assert (team.mission, team.lead, team.type) == ("Catch fraud", None, "enabling")
    assert _actor(team, LogEntry.Action.UPDATE) == "cto"
    bad = api.post("/org/teams", {"slug": "Bad Slug", "name": "X", "type": "squad"})
    assert bad.status_code == 422
    fields = {e["loc"][-1] for e in bad.json()["detail"]}
    assert {"slug", "type"} <= fields
    refused = api.delete("/org/teams/payments")
    assert refused.status_code == 422
    assert "cannot be deleted" in refused.json()["detail"][0]["msg"]
    assert api.delete("/org/teams/fraud").status_code == 204
    assert not Team.objects.filter(slug="fraud").exists()


def test_departments_and_roles() -> None:
    api = Api("people")
    assert api.post("/org/departments", {"slug": "security", "name": "Security"}).status_code == 201
    response = api.patch("/org/departments/security", {"parent": "engineering"})
    assert response.status_code == 200 and response.json()["parent"] == "engineering"
    assert Department.objects.get(slug="security").parent.slug == "engineering"  # type: ignore[union-attr]
    cycle = api.patch("/org/departments/engineering", {"parent": "security"})
    assert cycle.status_code == 422 and cycle.json()["detail"][0]["loc"] == ["body", "parent"]
    assert api.delete("/org/departments/security").status_code == 204
    created = api.post(
        "/org/roles", {"title": "Data Engineer", "body": "Builds pipelines.\n\n## Duties\n- ETL\n"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["sections"][0]["items"] == ["ETL"]
    patched = api.patch("/org/roles/data-engineer", {"description": "Pipelines"})
    assert patched.status_code == 200
    role = RoleDescription.objects.get(slug="data-engineer")
    assert (role.description, role.summary) == ("Pipelines", "Builds pipelines.")
    assert api.delete("/org/roles/data-engineer").status_code == 204


def test_write_endpoints_are_in_the_openapi_document() -> None:
    document = Client()
    document.force_login(User.objects.get(username="cto"))
    paths = document.get("/api/v1/openapi.json").json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/org/people"])
    assert {"patch", "get"} <= set(paths["/api/v1/org/people/{employee_id}"])
    assert {"patch", "delete", "get"} <= set(paths["/api/v1/org/teams/{slug}"])
    schemas = document.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {"PersonIn", "PersonPatch", "TeamIn", "TeamPatch", "RoleIn"} <= set(schemas)
