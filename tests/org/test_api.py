"""The organization API: contract shape, filters, pagination, policy and query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.org.models import Person, Team

pytestmark = pytest.mark.django_db

CONTRACT_PERSON_KEYS = {
    "employee_id", "name", "emails", "title", "level", "track", "team",
    "manager_employee_id", "location", "start_date", "end_date",
}  # fmt: skip


def test_people_list_for_cto_has_everyone_and_contract_fields(client_as) -> None:  # type: ignore[no-untyped-def]
    data = client_as("cto").get("/api/v1/org/people?limit=1000").json()
    assert data["count"] == Person.objects.count()
    assert len(data["items"]) == data["count"]
    first = data["items"][0]
    assert CONTRACT_PERSON_KEYS | {"salary", "currency"} <= set(first)


def test_pagination_limit_offset(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    everyone = [
        p["employee_id"] for p in client.get("/api/v1/org/people?limit=1000").json()["items"]
    ]
    page = client.get("/api/v1/org/people?limit=7&offset=10").json()
    assert [p["employee_id"] for p in page["items"]] == everyone[10:17]
    assert page["count"] == len(everyone)


def test_active_and_team_filters(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    today = date.today()
    expected_active = sum(1 for p in Person.objects.all() if p.is_active_on(today))
    assert client.get("/api/v1/org/people?active=true&limit=1").json()["count"] == expected_active
    payments = Team.objects.get(slug="payments")
    in_team = Person.objects.filter(team=payments).count()
    data = client.get("/api/v1/org/people?team=payments&limit=1000").json()
    assert data["count"] == in_team
    assert {p["team"] for p in data["items"]} == {"payments"}


def test_from_to_filter_means_employed_during_the_period(client_as) -> None:  # type: ignore[no-untyped-def]
    start, end = date(2020, 1, 1), date(2021, 1, 1)
    expected = {
        p.employee_id
        for p in Person.objects.all()
        if p.start_date < end and (p.end_date is None or p.end_date > start)
    }
    data = client_as("cto").get("/api/v1/org/people?from=2020-01-01&to=2021-01-01&limit=1000")
    assert {p["employee_id"] for p in data.json()["items"]} == expected


def test_engineer_sees_no_salaries_and_no_leavers(client_as) -> None:  # type: ignore[no-untyped-def]
    data = client_as("engineer").get("/api/v1/org/people?limit=1000").json()
    today = date.today()
    active = {p.employee_id for p in Person.objects.all() if p.is_active_on(today)}
    assert {p["employee_id"] for p in data["items"]} == active
    for item in data["items"]:
        if item["employee_id"] == "E0006":
            assert "salary" in item
        else:
            assert "salary" not in item and "currency" not in item and "fte" not in item


def test_manager_sees_private_fields_of_subtree_only(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("manager")
    report = (
        Person.objects.filter(manager__employee_id="E0005").exclude(employee_id="E0006").first()
    )
    assert report is not None
    data = client.get(f"/api/v1/org/people/{report.employee_id}").json()
    assert "employment_type" in data and "salary" not in data
    outsider = Person.objects.filter(end_date__isnull=True).exclude(team__slug="payments").first()
    data = client.get(f"/api/v1/org/people/{outsider.employee_id}").json()
    assert "employment_type" not in data
    # A leaver from the manager's own team stays visible to them; others' leavers are 404.
    own_leaver = Person.objects.filter(manager__employee_id="E0005", end_date__isnull=False).first()
    assert own_leaver is not None
    assert client.get(f"/api/v1/org/people/{own_leaver.employee_id}").status_code == 200
    other_leaver = (
        Person.objects.filter(end_date__isnull=False).exclude(team__slug="payments").first()
    )
    assert client.get(f"/api/v1/org/people/{other_leaver.employee_id}").status_code == 404


def test_unknown_person_and_team_are_404(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    assert client.get("/api/v1/org/people/NOPE").status_code == 404
    assert client.get("/api/v1/org/teams/nope").status_code == 404


def test_team_detail_members_are_active_home_team_members(client_as) -> None:  # type: ignore[no-untyped-def]
    data = client_as("engineer").get("/api/v1/org/teams/payments").json()
    today = date.today()
    expected = {
        p.employee_id for p in Person.objects.filter(team__slug="payments") if p.is_active_on(today)
    }
    assert {m["employee_id"] for m in data["members"]} == expected
    assert data["size"] == len(expected)
    assert data["type"] == "stream-aligned"


@pytest.mark.parametrize("role", ["cto", "engineer", "manager"])
def test_people_list_query_count_does_not_grow_with_page_size(client_as, role: str) -> None:  # type: ignore[no-untyped-def]
    client = client_as(role)
    client.get("/api/v1/org/people?limit=1")  # warm the session
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/org/people?limit=5")
    with CaptureQueriesContext(connection) as large:
        client.get("/api/v1/org/people?limit=150")
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large.captured_queries) <= 12


def test_openapi_document_lists_org_paths(client_as) -> None:  # type: ignore[no-untyped-def]
    paths = client_as("engineer").get("/api/v1/openapi.json").json()["paths"]
    for path in ["/api/v1/org/people", "/api/v1/org/people/{employee_id}", "/api/v1/org/teams",
                 "/api/v1/org/teams/{slug}", "/api/v1/org/roles"]:  # fmt: skip
        assert path in paths
