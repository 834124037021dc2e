"""The candidates list from the libraries (core.tables, core.filters): sorting, filters by
name and by requisition, a bad value is a 400, and the CSV follows the candidate policy (the
people role, the CTO and admins: every candidate; a manager: those of their requisitions and
panels; everyone else: 403) with every candidate written audited as an access."""

from __future__ import annotations

import csv
import io
import re

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from steward.talent.models import Application, Candidate
from tests.plain_text import problems, visible_text

pytestmark = pytest.mark.django_db

CANDIDATE_LINK = re.compile(r'<a href="/talent/candidates/(\d+)/">')


def _ids(body: str) -> list[int]:
    table = body[body.index("<tbody") : body.index("</tbody>")]
    return [int(i) for i in CANDIDATE_LINK.findall(table)]


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _accesses() -> int:
    kind = ContentType.objects.get_for_model(Candidate)
    return LogEntry.objects.filter(content_type=kind, action=LogEntry.Action.ACCESS).count()


def _managers_candidates() -> set[int]:
    """The demo manager's: applications to requisitions they hire for or on whose panel they
    sit (they hold a scorecard)."""
    manager = User.objects.get(username="manager")
    return {
        a.candidate_id
        for a in Application.objects.select_related("requisition__hiring_manager")
        if (a.requisition.hiring_manager and a.requisition.hiring_manager.user_id == manager.pk)
        or a.scorecards.filter(interviewer=manager).exists()
    }


def test_candidates_sort_by_applications(client_as) -> None:  # type: ignore[no-untyped-def]
    # Demo candidates apply once; one applies to two open requisitions.
    from steward.core.policy import SYSTEM
    from steward.talent import services
    from steward.talent.models import Requisition

    twice = services.candidate_create(actor=SYSTEM, name="Ada Twice")
    for req in Requisition.objects.filter(status="open").order_by("key")[:2]:
        services.application_create(actor=SYSTEM, candidate=twice, requisition=req)
    counts = {c.pk: c.applications.count() for c in Candidate.objects.all()}
    assert counts[twice.pk] == 2 and max(counts.values()) == 2
    body = client_as("people").get("/talent/candidates/", {"sort": "-application_count"})
    shown = _ids(body.content.decode())
    assert len(shown) == min(50, len(counts))
    assert [counts[i] for i in shown] == sorted(counts.values(), reverse=True)[: len(shown)]
    assert shown[0] == twice.pk
    ascending = _ids(
        client_as("people")
        .get("/talent/candidates/", {"sort": "application_count"})
        .content.decode()
    )
    assert twice.pk not in ascending and {counts[i] for i in ascending} == {min(counts.values())}
    text = visible_text(body.content.decode())
    assert f"{len(counts):,} candidates" in text
    assert problems(text) == []


def test_candidates_by_name_and_by_requisition(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("people")
    someone = Candidate.objects.exclude(erased_on__isnull=False).order_by("pk").first()
    assert someone is not None
    part = someone.name.split()[-1].lower()
    expected = {
        c.pk for c in Candidate.objects.all() if part in c.name.lower() or part in c.email.lower()
    }
    rows = _csv(client.get("/talent/candidates/export.csv", {"q": part}))
    assert {int(r["Candidate ID"]) for r in rows} == expected and someone.pk in expected

    applied = {a.candidate_id for a in Application.objects.filter(requisition__key="REQ-0006")}
    assert applied
    rows = _csv(client.get("/talent/candidates/export.csv", {"requisition": "REQ-0006"}))
    assert {int(r["Candidate ID"]) for r in rows} == applied
    page = client.get("/talent/candidates/", {"requisition": "REQ-0006"}).content.decode()
    assert '<option value="REQ-0006" selected>REQ-0006 ' in page


def test_a_bad_requisition_is_a_400(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("people")
    response = client.get("/talent/candidates/", {"requisition": "REQ-9999"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select a valid choice. REQ-9999 is not one of the available choices." in body
    assert "<tbody" not in body
    bad = client.get("/talent/candidates/export.csv", {"requisition": "REQ-9999"})
    assert bad.status_code == 400
    assert bad.content.decode() == (
        "Applied to: Select a valid choice. REQ-9999 is not one of the available choices."
    )


@pytest.mark.parametrize("role", ["people", "cto", "manager"])
def test_candidates_csv_follows_the_policy_and_is_audited(client_as, role) -> None:  # type: ignore[no-untyped-def]
    client = client_as(role)
    before = _accesses()
    rows = _csv(client.get("/talent/candidates/export.csv"))
    assert list(rows[0]) == [
        "Candidate",
        "Applications",
        "Keep data until",
        "Erased",
        "Candidate ID",
    ]
    expected = (
        _managers_candidates()
        if role == "manager"
        else set(Candidate.objects.values_list("pk", flat=True))
    )
    assert expected and {int(r["Candidate ID"]) for r in rows} == expected
    assert len(rows) == len(expected)
    if role == "manager":
        assert len(expected) < Candidate.objects.count()
    one = Candidate.objects.get(pk=int(rows[0]["Candidate ID"]))
    assert rows[0]["Candidate"] == one.name
    assert rows[0]["Applications"] == str(one.applications.count())
    # Every candidate written is an audited access, in the user's name.
    assert _accesses() == before + len(rows)
    kind = ContentType.objects.get_for_model(Candidate)
    latest = LogEntry.objects.filter(content_type=kind, action=LogEntry.Action.ACCESS).latest("pk")
    assert latest.actor is not None and latest.actor.username == role


@pytest.mark.parametrize("role", ["engineer", "architect", "executive", "finance"])
def test_roles_that_see_no_candidate_get_no_csv(client_as, role) -> None:  # type: ignore[no-untyped-def]
    client = client_as(role)
    before = _accesses()
    response = client.get("/talent/candidates/export.csv")
    assert response.status_code == 403
    assert "text/csv" not in response["Content-Type"]
    assert client.get("/talent/candidates/").status_code == 403
    for candidate in Candidate.objects.exclude(name="")[:20]:
        assert candidate.name not in response.content.decode()
    assert _accesses() == before
