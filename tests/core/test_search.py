"""The search box: every app's provider, through the policy, in plain language."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User

from steward.architecture.models import Decision
from steward.core import registry
from steward.strategy.models import Objective
from tests.factories import PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_every_app_registers_its_search_provider() -> None:
    names = {name for name, _ in registry.search_providers.items()}
    assert {"people", "teams", "objectives", "initiatives", "repositories", "decisions"} <= names


def test_finds_people_and_teams_by_name_with_links(client_as) -> None:  # type: ignore[no-untyped-def]
    team = TeamFactory(name="Quartz Platform", slug="quartz-platform")
    PersonFactory(name="Zebulon Quartz", employee_id="QZ001", title="Staff Engineer", team=team)
    page = client_as("cto").get("/search/", {"q": "quartz"})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<a href="/org/teams/quartz-platform/">Quartz Platform</a>' in html
    assert '<a href="/org/people/QZ001/">Zebulon Quartz</a>' in html
    assert "Staff Engineer, Quartz Platform" in html
    assert "2 results for “quartz”" in html


def test_people_found_by_employee_id_and_email_exactly() -> None:
    PersonFactory(name="Yara Ident", employee_id="YI042", emails=["yara@example.test"])
    cto = User.objects.get(username="cto")
    assert [r.title for r in registry.search(cto, "yi042") if r.kind == "Person"] == ["Yara Ident"]
    by_mail = [r.title for r in registry.search(cto, "YARA@example.test") if r.kind == "Person"]
    assert by_mail == ["Yara Ident"]
    # Part of an ID is not a match (IDs are exact), part of a name is.
    assert [r for r in registry.search(cto, "YI04") if r.kind == "Person"] == []
    assert [r.title for r in registry.search(cto, "Ident") if r.kind == "Person"] == ["Yara Ident"]


def test_leavers_are_found_only_by_roles_that_see_them() -> None:
    PersonFactory(name="Wilhelmina Gone", employee_id="WG001", end_date=date(2025, 3, 31))
    cto = User.objects.get(username="cto")
    engineer = User.objects.get(username="engineer")
    found = [r for r in registry.search(cto, "Wilhelmina") if r.kind == "Person"]
    assert [(r.title, r.detail) for r in found] == [("Wilhelmina Gone", "left")]
    assert [r for r in registry.search(engineer, "Wilhelmina") if r.kind == "Person"] == []


def test_objectives_by_key_and_decisions_by_number() -> None:
    cto = User.objects.get(username="cto")
    objective = Objective.objects.order_by("key").first()
    assert objective is not None
    hits = [r for r in registry.search(cto, objective.key.lower()) if r.kind == "Objective"]
    assert hits[0].title == f"{objective.key} · {objective.title}"
    assert hits[0].url == f"/strategy/objectives/{objective.key}/"
    decision = Decision.objects.get(number=3)
    for query in ("3", "ADR-3", "adr 0003", "#3"):
        hits = [r for r in registry.search(cto, query) if r.kind == "Decision"]
        assert hits and hits[0].title == f"ADR 0003 · {decision.title}", query


def test_empty_query_and_nothing_found_explain_what_to_do(client_as) -> None:  # type: ignore[no-untyped-def]
    empty = client_as("engineer").get("/search/").content.decode()
    assert "Type what you are looking for" in empty
    none = client_as("engineer").get("/search/", {"q": "xyzzy-no-such-thing"}).content.decode()
    assert "Nothing found" in none


def test_search_requires_login(client_as) -> None:  # type: ignore[no-untyped-def]
    page = client_as(None).get("/search/", {"q": "a"})
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
