"""Editing capacity allocations and the headcount plan in the browser (issue 9): forms through
the services, errors inline, every change audited, refused for the roles that may not edit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from steward.org.models import Person, Team
from steward.orgdesign.models import HeadcountPlanEntry, PlanStatus, TeamAllocation

pytestmark = pytest.mark.django_db


def _entries(obj: object, action: int) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).filter(action=action))  # type: ignore[arg-type]


def _label(person: Person) -> str:
    return f"{person.name} ({person.employee_id})"


# --- allocations --------------------------------------------------------------------------


def test_allocation_create_stores_the_share_and_is_audited(client_as) -> None:  # type: ignore[no-untyped-def]
    payments = Team.objects.get(slug="payments")
    TeamAllocation.objects.filter(team=payments, kind="other").delete()
    client = client_as("cto")
    assert 'id="allocation-create"' in client.get("/org/capacity/").content.decode()
    response = client.post(
        "/org/capacity/allocations/new/",
        {"team": "payments", "kind": "other", "quarter": "2027q2", "share": "12.5", "note": "x"},
    )
    assert response.status_code == 302 and response["Location"] == "/org/capacity/"
    row = TeamAllocation.objects.get(team=payments, kind="other")
    assert (row.share, row.quarter, row.note) == (Decimal("0.125"), "2027Q2", "x")
    created = _entries(row, LogEntry.Action.CREATE)
    assert len(created) == 1 and created[0].actor.username == "cto"
    # The capacity page lists it at 12.5 % → "13 %" (percent without decimals) with its links.
    page = client.get("/org/capacity/").content.decode()
    assert f"/org/capacity/allocations/{row.pk}/edit/" in page
    assert f"/org/capacity/allocations/{row.pk}/delete/" in page


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"share": "170"}, "share", "less than or equal to 100"),
        ({"share": "0"}, "share", "greater than or equal to 0.1"),
        ({"share": "lots"}, "share", "Enter a number"),
        ({"quarter": "2027Q5"}, "quarter", "expected YEARQn, e.g. 2027Q1"),
        ({"team": "no-such-team"}, "team", "Select a valid choice"),
    ],
)
def test_allocation_create_errors_inline_and_nothing_stored(  # type: ignore[no-untyped-def]
    client_as, values: dict[str, str], field: str, message: str
) -> None:
    before = TeamAllocation.objects.count()
    data = {"team": "payments", "kind": "other", "quarter": "", "share": "10", **values}
    response = client_as("cto").post("/org/capacity/allocations/new/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert f'id="{field}-error"' in body and message in body
    assert TeamAllocation.objects.count() == before


def test_allocation_create_refuses_a_second_row_for_the_same_slot(client_as) -> None:  # type: ignore[no-untyped-def]
    payments = Team.objects.get(slug="payments")
    existing = TeamAllocation.objects.filter(team=payments).first()
    assert existing is not None  # the demo declares on-call, KTLO and leave per team
    data = {
        "team": "payments",
        "kind": existing.kind,
        "quarter": existing.quarter,
        "share": "50",
    }
    response = client_as("people").post("/org/capacity/allocations/new/", data)
    assert response.status_code == 422
    assert "already has an allocation of this kind" in response.content.decode()
    existing_share = existing.share
    existing.refresh_from_db()
    assert existing.share == existing_share


def test_allocation_edit_and_delete_are_audited(client_as) -> None:  # type: ignore[no-untyped-def]
    row = TeamAllocation.objects.filter(team__slug="payments").order_by("pk").first()
    assert row is not None
    client = client_as("people")
    form = client.get(f"/org/capacity/allocations/{row.pk}/edit/").content.decode()
    assert f'value="{row.share * 100:.1f}"' in form or f'value="{row.share * 100}"' in form
    response = client.post(
        f"/org/capacity/allocations/{row.pk}/edit/", {"share": "30", "note": "more on-call"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.share, row.note) == (Decimal("0.300"), "more on-call")
    updated = _entries(row, LogEntry.Action.UPDATE)
    assert updated and updated[-1].actor.username == "people"
    assert "share" in updated[-1].changes_dict

    bad = client.post(f"/org/capacity/allocations/{row.pk}/edit/", {"share": "101"})
    assert bad.status_code == 422 and 'id="share-error"' in bad.content.decode()
    row.refresh_from_db()
    assert row.share == Decimal("0.300")

    confirm = client.get(f"/org/capacity/allocations/{row.pk}/delete/")
    assert confirm.status_code == 200 and "Payments" in confirm.content.decode()
    pk = row.pk
    assert client.post(f"/org/capacity/allocations/{pk}/delete/").status_code == 302
    assert not TeamAllocation.objects.filter(pk=pk).exists()
    assert LogEntry.objects.filter(
        object_pk=str(pk), action=LogEntry.Action.DELETE, actor__username="people"
    ).exists()


@pytest.mark.parametrize("role", ["executive", "finance", "manager", "engineer"])
def test_allocation_pages_refused_and_links_absent(client_as, role: str) -> None:  # type: ignore[no-untyped-def]
    row = TeamAllocation.objects.order_by("pk").first()
    assert row is not None
    share = row.share
    client = client_as(role)
    assert client.get("/org/capacity/allocations/new/").status_code == 403
    data = {"team": "payments", "kind": "other", "share": "10"}
    assert client.post("/org/capacity/allocations/new/", data).status_code == 403
    assert (
        client.post(f"/org/capacity/allocations/{row.pk}/edit/", {"share": "1"}).status_code == 403
    )
    assert client.post(f"/org/capacity/allocations/{row.pk}/delete/").status_code == 403
    page = client.get("/org/capacity/").content.decode()
    assert 'id="allocation-create"' not in page
    assert f"/org/capacity/allocations/{row.pk}/edit/" not in page
    row.refresh_from_db()
    assert row.share == share


# --- headcount plan ----------------------------------------------------------------------


def _plan_post(**values: str) -> dict[str, str]:
    data = {
        "key": "",
        "team": "payments",
        "kind": "hire",
        "title": "Senior Software Engineer",
        "level": "L4",
        "track": "ic",
        "expected_start": "2027-04-12",
        "quarter": "",
        "fte": "0.8",
        "location": "Lisbon",
        "salary": "81000",
        "currency": "eur",
        "replaces": "",
        "manager": "",
        "note": "",
    }
    data.update(values)
    return data


def test_plan_entry_create_stores_every_field_and_is_audited(client_as) -> None:  # type: ignore[no-untyped-def]
    lead = Team.objects.get(slug="payments").lead
    assert lead is not None
    client = client_as("cto")
    assert 'id="plan-entry-create"' in client.get("/org/headcount-plan/").content.decode()
    response = client.post("/org/headcount-plan/new/", _plan_post(manager=_label(lead)))
    assert response.status_code == 302 and response["Location"] == "/org/headcount-plan/"
    entry = HeadcountPlanEntry.objects.get(title="Senior Software Engineer", level="L4")
    # The key is made from the team; the quarter from the expected start (April → Q2).
    assert entry.key.startswith("hc-payments-")
    assert (entry.team.slug, entry.kind, entry.status) == ("payments", "hire", "planned")
    assert (entry.expected_start, entry.quarter, entry.fte) == (
        date(2027, 4, 12),
        "2027Q2",
        Decimal("0.80"),
    )
    assert (entry.salary, entry.currency, entry.location) == (Decimal("81000"), "EUR", "Lisbon")
    assert entry.manager == lead and entry.replaces is None
    created = _entries(entry, LogEntry.Action.CREATE)
    assert len(created) == 1 and created[0].actor.username == "cto"
    assert (
        f"/org/headcount-plan/{entry.key}/edit/"
        in client.get("/org/headcount-plan/").content.decode()
    )


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"kind": "backfill"}, "replaces", "a backfill names the person it replaces"),
        ({"fte": "1.5"}, "fte", "less than or equal to 1"),
        ({"quarter": "next"}, "quarter", "expected YEARQn"),
        ({"expected_start": "someday"}, "expected_start", "Enter a valid date"),
        ({"level": ""}, "level", "This field is required"),
        ({"manager": "Nobody At All"}, "manager", "no person named"),
        ({"key": "backfill-e0042"}, "key", "a plan entry with this key exists"),
    ],
)
def test_plan_entry_errors_inline_and_nothing_stored(  # type: ignore[no-untyped-def]
    client_as, values: dict[str, str], field: str, message: str
) -> None:
    if field == "key":
        existing = HeadcountPlanEntry.objects.order_by("key").first()
        assert existing is not None
        values = {"key": existing.key}
    before = HeadcountPlanEntry.objects.count()
    response = client_as("people").post("/org/headcount-plan/new/", _plan_post(**values))
    assert response.status_code == 422
    body = response.content.decode()
    assert f'id="{field}-error"' in body and message in body
    assert HeadcountPlanEntry.objects.count() == before


def test_plan_entry_edit_changes_status_and_backfill_and_is_audited(client_as) -> None:  # type: ignore[no-untyped-def]
    entry = HeadcountPlanEntry.objects.filter(kind="hire").order_by("key").first()
    assert entry is not None
    leaver = Person.objects.filter(end_date__isnull=False).order_by("employee_id").first()
    assert leaver is not None
    client = client_as("cto")
    form = client.get(f"/org/headcount-plan/{entry.key}/edit/").content.decode()
    assert entry.level in form and 'name="status"' in form and 'name="key"' not in form
    data = _plan_post(
        team=entry.team.slug,
        kind="backfill",
        replaces=_label(leaver),
        expected_start="2027-08-02",
        quarter="2027Q3",
        status=PlanStatus.APPROVED,
    )
    response = client.post(f"/org/headcount-plan/{entry.key}/edit/", data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.kind, entry.status, entry.replaces, entry.quarter) == (
        "backfill",
        "approved",
        leaver,
        "2027Q3",
    )
    updated = _entries(entry, LogEntry.Action.UPDATE)
    assert updated and updated[-1].actor.username == "cto"
    assert {"status", "kind", "replaces"} <= set(updated[-1].changes_dict)


def test_plan_entry_edit_errors_inline_keep_the_stored_values(client_as) -> None:  # type: ignore[no-untyped-def]
    entry = HeadcountPlanEntry.objects.filter(kind="hire").order_by("key").first()
    assert entry is not None
    before = (entry.kind, entry.fte, entry.status)
    data = _plan_post(team=entry.team.slug, kind="backfill", fte="0", status="approved")
    response = client_as("cto").post(f"/org/headcount-plan/{entry.key}/edit/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="fte-error"' in body
    entry.refresh_from_db()
    assert (entry.kind, entry.fte, entry.status) == before
    assert not _entries(entry, LogEntry.Action.UPDATE)


def test_plan_entry_delete_asks_then_deletes_audited(client_as) -> None:  # type: ignore[no-untyped-def]
    entry = HeadcountPlanEntry.objects.order_by("key").first()
    assert entry is not None
    client = client_as("people")
    confirm = client.get(f"/org/headcount-plan/{entry.key}/delete/")
    assert confirm.status_code == 200 and entry.key in confirm.content.decode()
    pk = entry.pk
    assert client.post(f"/org/headcount-plan/{entry.key}/delete/").status_code == 302
    assert not HeadcountPlanEntry.objects.filter(pk=pk).exists()
    assert LogEntry.objects.filter(
        object_pk=str(pk), action=LogEntry.Action.DELETE, actor__username="people"
    ).exists()


@pytest.mark.parametrize("role", ["executive", "finance", "manager", "engineer"])
def test_plan_entry_pages_refused(client_as, role: str) -> None:  # type: ignore[no-untyped-def]
    entry = HeadcountPlanEntry.objects.order_by("key").first()
    assert entry is not None
    client = client_as(role)
    assert client.get("/org/headcount-plan/new/").status_code == 403
    assert client.post("/org/headcount-plan/new/", _plan_post()).status_code == 403
    assert client.post(f"/org/headcount-plan/{entry.key}/edit/", _plan_post()).status_code == 403
    assert client.post(f"/org/headcount-plan/{entry.key}/delete/").status_code == 403
    assert HeadcountPlanEntry.objects.filter(pk=entry.pk).exists()
    page = client.get("/org/headcount-plan/")
    if page.status_code == 200:  # executives, finance and managers read the plan
        body = page.content.decode()
        assert 'id="plan-entry-create"' not in body
        assert f"/org/headcount-plan/{entry.key}/edit/" not in body
