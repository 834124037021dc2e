"""The admin site works for admins and only for them."""

from __future__ import annotations

import pytest

from steward.org.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/org/person/",
        "/admin/org/team/",
        "/admin/orgdesign/scenario/",
        "/admin/orgdesign/headcountplanentry/",
        "/admin/orgdesign/teamallocation/",
        "/admin/core/apitoken/",
        "/admin/auditlog/logentry/",
    ],
)
def test_admin_lists_open_for_admin_only(client_as, path: str) -> None:  # type: ignore[no-untyped-def]
    assert client_as("admin").get(path).status_code == 200
    assert client_as("cto").get(path).status_code == 302


def test_admin_person_change_page_shows_history_inlines(client_as) -> None:  # type: ignore[no-untyped-def]
    person = Person.objects.get(employee_id="E0007")
    body = client_as("admin").get(f"/admin/org/person/{person.pk}/change/").content.decode()
    assert person.name in body
    assert "Employment spells" in body and "Team memberships" in body


def test_admin_scenario_page_shows_its_changes(client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.orgdesign.models import Scenario

    scenario = Scenario.objects.exclude(changes=None).order_by("pk").first()
    assert scenario is not None
    body = client_as("admin").get(f"/admin/orgdesign/scenario/{scenario.pk}/change/").content
    assert scenario.name in body.decode()
    assert "Scenario changes" in body.decode()
