"""Decision links to technologies and services (form, pages) and the decision write API."""

from __future__ import annotations

import pytest

from steward.architecture.models import Component, Decision, Technology

pytestmark = pytest.mark.django_db


def test_demo_links_show_on_both_sides(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("engineer")
    page = client.get("/architecture/decisions/2/").content.decode()
    about = page.split('id="decision-links"')[1].split("</section>")[0]
    assert "/architecture/radar/postgresql/" in about
    tech = client.get("/architecture/radar/postgresql/").content.decode()
    assert "ADR-0002 Use PostgreSQL as the default database" in tech
    component = client.get("/architecture/catalog/component/default/checkout-api/").content
    assert "Split the monolith&#x27;s checkout module" in component.decode()


def test_links_set_through_the_form_replace_the_old_ones(client_as) -> None:  # type: ignore[no-untyped-def]
    decision = Decision.objects.get(number=2)
    redis = Technology.objects.get(key="redis")
    api = Component.objects.get(name="payments-api", kind="component")
    response = client_as("architect").post(
        "/architecture/decisions/2/edit/",
        {
            "title": decision.title,
            "status": decision.status,
            "technologies": [redis.pk],
            "components": [api.pk],
        },
    )
    assert response.status_code == 302
    links = {(link.technology_id, link.component_id) for link in decision.links.all()}
    assert links == {(redis.pk, None), (None, api.pk)}


def test_api_create_then_accept_then_supersede(client_as) -> None:  # type: ignore[no-untyped-def]
    engineer, architect = client_as("engineer"), client_as("architect")
    created = engineer.post(
        "/api/v1/architecture/decisions",
        {"title": "Use Valkey instead of Redis", "tags": ["data"], "supersedes": None},
        content_type="application/json",
    )
    assert created.status_code == 201
    number = created.json()["number"]
    assert number == 21 and created.json()["status"] == "draft"
    url = f"/api/v1/architecture/decisions/{number}"
    proposed = engineer.patch(url, {"status": "proposed"}, content_type="application/json")
    assert proposed.json()["status"] == "proposed"
    # Only deciders accept.
    assert (
        engineer.patch(url, {"status": "accepted"}, content_type="application/json").status_code
        == 403
    )
    accepted = architect.patch(
        url, {"status": "accepted", "title": "Use Valkey"}, content_type="application/json"
    )
    assert (accepted.json()["status"], accepted.json()["title"]) == ("accepted", "Use Valkey")
    wrong = architect.patch(url, {"status": "draft"}, content_type="application/json")
    assert wrong.status_code == 422
    gone = architect.patch(
        url, {"superseded_by": 999, "status": "superseded"}, content_type="application/json"
    )
    assert gone.status_code == 422
    assert Decision.objects.get(number=number).status == "accepted"
