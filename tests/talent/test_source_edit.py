"""A recruiting source can be changed (name, kind, the employer-brand activity behind it)
through the talent services: the form on the Employer brand page and
`PATCH /api/v1/talent/sources/{id}`, recruiting roles only, audited."""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry

from steward.core.policy import SYSTEM
from steward.talent import services
from steward.talent.models import BrandActivity, Source
from tests.talent.test_write_api import Api, _errors

pytestmark = pytest.mark.django_db


def _talk() -> BrandActivity:
    return services.activity_create(
        actor=SYSTEM, title="Ledgers at EuroPython", kind="talk", on=date(2026, 7, 14)
    )


def test_the_form_links_an_existing_source_to_an_activity(client_as) -> None:  # type: ignore[no-untyped-def]
    talk = _talk()
    source = services.source_create(actor=SYSTEM, name="Conference booth", kind="other")
    client = client_as("people")
    brand = client.get("/talent/brand/").content.decode()
    assert f'href="/talent/brand/sources/{source.pk}/edit/"' in brand
    url = f"/talent/brand/sources/{source.pk}/edit/"
    form = client.get(url).content.decode()
    assert 'value="Conference booth"' in form and f'<option value="{talk.pk}">' in form
    response = client.post(
        url, {"name": "EuroPython booth", "kind": "brand", "activity": str(talk.pk)}
    )
    assert response.status_code == 302 and response["Location"] == "/talent/brand/"
    source.refresh_from_db()
    assert (source.name, source.kind, source.activity_id) == ("EuroPython booth", "brand", talk.pk)
    entry = (
        LogEntry.objects.get_for_object(source).filter(action=LogEntry.Action.UPDATE).latest("pk")
    )
    assert entry.actor.username == "people"
    assert entry.changes_dict["activity"] == ["None", str(talk.pk)]
    assert entry.changes_dict["name"] == ["Conference booth", "EuroPython booth"]
    # The activity's sources now name it; the brand page shows it on the source's row.
    assert [s.name for s in talk.sources.all()] == ["EuroPython booth"]
    # A taken name is refused beside its field, nothing written.
    other = services.source_create(actor=SYSTEM, name="Job board X", kind="job_board")
    again = client.post(url, {"name": "job board x", "kind": "brand", "activity": ""})
    assert again.status_code == 422
    assert "this source exists" in again.content.decode()
    source.refresh_from_db()
    assert source.name == "EuroPython booth" and source.activity_id == talk.pk
    assert other.name == "Job board X"


@pytest.mark.parametrize("role", ["engineer", "manager", "finance", "executive", "architect"])
def test_only_recruiting_edits_a_source(client_as, role) -> None:  # type: ignore[no-untyped-def]
    source = services.source_create(actor=SYSTEM, name="Referral desk", kind="referral")
    client = client_as(role)
    url = f"/talent/brand/sources/{source.pk}/edit/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Hacked", "kind": "other"}).status_code == 403
    assert Api(role).patch(f"/sources/{source.pk}", {"name": "Hacked"}).status_code == 403
    source.refresh_from_db()
    assert source.name == "Referral desk"


def test_patch_a_source() -> None:
    talk = _talk()
    source = services.source_create(actor=SYSTEM, name="Meetup", kind="other")
    api = Api("people")
    response = api.patch(f"/sources/{source.pk}", {"activity": talk.pk, "kind": "brand"})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": source.pk,
        "name": "Meetup",
        "kind": "brand",
        "activity": talk.pk,
        "activity_title": "Ledgers at EuroPython",
        "applications": 0,
        "hires": 0,
    }
    entry = (
        LogEntry.objects.get_for_object(source).filter(action=LogEntry.Action.UPDATE).latest("pk")
    )
    assert entry.actor.username == "people"
    # Only the fields given change; null unlinks the activity.
    response = api.patch(f"/sources/{source.pk}", {"activity": None})
    assert response.status_code == 200
    assert (response.json()["activity"], response.json()["kind"]) == (None, "brand")
    source.refresh_from_db()
    assert source.activity_id is None and source.name == "Meetup"
    # Refusals: 422 naming the field, nothing written; 404 for no such source.
    services.source_create(actor=SYSTEM, name="Taken", kind="other")
    assert _errors(api.patch(f"/sources/{source.pk}", {"name": "TAKEN"})) == {
        ("body", "name"): "this source exists"
    }
    assert _errors(api.patch(f"/sources/{source.pk}", {"activity": 10**9})) == {
        ("body", "activity"): f"unknown activity {10**9}"
    }
    assert list(_errors(api.patch(f"/sources/{source.pk}", {"kind": "billboard"}))) == [
        ("body", "body", "kind")
    ]
    assert _errors(api.patch(f"/sources/{source.pk}", {"name": " "})) == {
        ("body", "name"): "this field is required"
    }
    assert api.patch("/sources/999999", {"name": "X"}).status_code == 404
    source.refresh_from_db()
    assert (source.name, source.kind, source.activity_id) == ("Meetup", "brand", None)
    assert Source.objects.filter(name="Meetup").count() == 1


def test_a_new_activity_links_existing_sources(client_as) -> None:  # type: ignore[no-untyped-def]
    booth = services.source_create(actor=SYSTEM, name="Booth leads", kind="other")
    board = services.source_create(actor=SYSTEM, name="Some board", kind="job_board")
    client = client_as("people")
    form = client.get("/talent/brand/activities/new/").content.decode()
    assert f'value="{booth.pk}"' in form and "Booth leads" in form
    response = client.post(
        "/talent/brand/activities/new/",
        {"title": "PyCon booth", "kind": "event", "on": "2026-09-10", "sources": [str(booth.pk)]},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    activity = BrandActivity.objects.get(title="PyCon booth")
    booth.refresh_from_db()
    board.refresh_from_db()
    assert booth.activity_id == activity.pk and board.activity_id is None
    entry = (
        LogEntry.objects.get_for_object(booth).filter(action=LogEntry.Action.UPDATE).latest("pk")
    )
    assert entry.actor.username == "people"
    assert entry.changes_dict["activity"] == ["None", str(activity.pk)]
    # A bad date is refused beside its field and nothing is linked.
    again = client.post(
        "/talent/brand/activities/new/",
        {"title": "Bad", "kind": "event", "on": "someday", "sources": [str(board.pk)]},
    )
    assert again.status_code == 422
    board.refresh_from_db()
    assert board.activity_id is None and not BrandActivity.objects.filter(title="Bad").exists()
