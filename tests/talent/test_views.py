"""Hiring pages and API on the demo company: forms write through the services, the policy
holds, every candidate access is audited."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from steward.talent.models import Application, Candidate, Requisition

pytestmark = pytest.mark.django_db


def _open_app() -> Application:
    app = (
        Application.objects.filter(requisition__key="REQ-0006", outcome="open")
        .order_by("pk")
        .first()
    )
    assert app is not None
    return app


def test_move_on_the_board_with_a_form(client_as) -> None:  # type: ignore[no-untyped-def]
    app = _open_app()
    pipeline = app.requisition.pipeline
    later = pipeline[pipeline.index(app.stage) + 1]
    client = client_as("people")
    board = client.get("/talent/requisitions/REQ-0006/board/").content.decode()
    assert app.candidate.name in board
    response = client.post(f"/talent/applications/{app.pk}/move/", {"stage": later})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.stage == later
    # Backwards is refused inline, nothing written.
    moves = app.moves.count()
    response = client.post(f"/talent/applications/{app.pk}/move/", {"stage": pipeline[0]})
    assert response.status_code == 422
    assert "comes before" in response.content.decode()
    assert app.moves.count() == moves


def test_engineer_never_sees_a_candidate(client_as) -> None:  # type: ignore[no-untyped-def]
    app = _open_app()
    engineer = client_as("engineer")
    assert engineer.get(f"/talent/candidates/{app.candidate_id}/").status_code == 403
    assert engineer.get("/api/v1/talent/applications").status_code == 403
    # The demo manager hires for REQ-0006 (payments) and sees it; not another team's.
    manager = client_as("manager")
    other = Application.objects.exclude(requisition__hiring_manager__user__username="manager")
    other = other.exclude(scorecards__interviewer__username="manager").first()
    assert other is not None
    assert manager.get(f"/talent/candidates/{app.candidate_id}/").status_code == 200
    assert manager.get(f"/talent/candidates/{other.candidate_id}/").status_code == 404
    ids = {a["id"] for a in manager.get("/api/v1/talent/applications?limit=1000").json()["items"]}
    visible = set(
        Application.objects.filter(
            requisition__hiring_manager__user__username="manager"
        ).values_list("pk", flat=True)
    )
    assert visible and visible <= ids and other.pk not in ids


def test_candidate_access_is_audited(client_as) -> None:  # type: ignore[no-untyped-def]
    cand = _open_app().candidate
    before = LogEntry.objects.get_for_object(cand).filter(action=LogEntry.Action.ACCESS).count()
    client_as("cto").get(f"/talent/candidates/{cand.pk}/")
    client_as("people").get(f"/api/v1/talent/candidates/{cand.pk}")
    entries = LogEntry.objects.get_for_object(cand).filter(action=LogEntry.Action.ACCESS)
    assert entries.count() == before + 2
    assert {e.actor.username for e in entries.order_by("-pk")[:2]} == {"cto", "people"}


def test_offer_salary_only_for_compensation_roles(client_as) -> None:  # type: ignore[no-untyped-def]
    app = Application.objects.filter(offers__isnull=False, requisition__key="REQ-0001").first()
    assert app is not None
    people = client_as("people").get("/api/v1/talent/applications?requisition=REQ-0001&limit=500")
    manager = client_as("manager").get("/api/v1/talent/applications?requisition=REQ-0001&limit=500")
    offers_p = [o for a in people.json()["items"] for o in a["offers"]]
    offers_m = [o for a in manager.json()["items"] for o in a["offers"]]
    assert offers_p and all("salary" in o for o in offers_p)
    assert offers_m and not any("salary" in o for o in offers_m)


def test_generate_plan_and_open_a_requisition(client_as) -> None:  # type: ignore[no-untyped-def]
    people = client_as("people")
    before = Requisition.objects.count()
    assert people.post("/talent/generate/").status_code == 302
    made = Requisition.objects.count() - before
    assert made > 0
    assert people.post("/talent/generate/").status_code == 302
    assert Requisition.objects.count() - before == made  # idempotent
    req = Requisition.objects.filter(status="planned").exclude(plan_entry_key="").last()
    assert req is not None
    # Opening without the CTO's approval is refused; with it, it opens.
    people.post(f"/talent/requisitions/{req.key}/status/", {"status": "open"})
    req.refresh_from_db()
    assert req.status == "planned"
    client_as("cto").post(f"/talent/requisitions/{req.key}/approve/", {"approved": "yes"})
    people.post(f"/talent/requisitions/{req.key}/status/", {"status": "open"})
    req.refresh_from_db()
    assert req.status == "open" and req.opened_on is not None


def test_erase_from_the_page(client_as) -> None:  # type: ignore[no-untyped-def]
    cand = Candidate.objects.filter(applications__outcome="rejected").first()
    assert cand is not None
    name = cand.name
    assert client_as("people").post(f"/talent/candidates/{cand.pk}/erase/").status_code == 302
    cand.refresh_from_db()
    assert cand.erased_on is not None and cand.name != name and cand.email == ""


def test_job_post_in_the_seed_format(client_as) -> None:  # type: ignore[no-untyped-def]
    text = client_as("cto").get("/talent/requisitions/REQ-0001/job-post.md").content.decode()
    assert text.startswith("---\ntitle: Software Engineer\ndescription: ")
    assert "## Responsibilities" in text and "### Technical skills" in text


def test_behind_plan_finding_names_the_demo_requisition(client_as) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from django.contrib.auth.models import User

    from steward.core import registry

    found = registry.findings(User.objects.get(username="cto"), date(2026, 11, 27))
    hiring = [f for f in found if f.rule == "hiring-behind-plan"]
    assert [f.url for f in hiring] == ["/talent/requisitions/REQ-0006/"]
    engineer = registry.findings(User.objects.get(username="engineer"), date(2026, 11, 27))
    assert [f for f in engineer if f.rule == "hiring-behind-plan"] == []


def test_self_identification_form_writes_but_never_shows(client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.talent.models import SelfIdentification

    cand = _open_app().candidate
    people = client_as("people")
    url = f"/talent/candidates/{cand.pk}/self-identification/"
    people.post(url, {"gender": "Agender person xyz", "ethnicity": ""})
    assert SelfIdentification.objects.get(candidate=cand).gender == "Agender person xyz"
    for path in (url, f"/talent/candidates/{cand.pk}/", f"/api/v1/talent/candidates/{cand.pk}"):
        assert "Agender person xyz" not in people.get(path).content.decode(), path


def test_assign_an_interviewer_then_they_submit(client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.talent.models import Scorecard

    app = _open_app()
    people = client_as("people")
    response = people.post(
        f"/talent/applications/{app.pk}/interviewer/",
        {"interviewer": "cto", "interview": "Pairing session"},
    )
    assert response.status_code == 302
    card = Scorecard.objects.get(application=app, interview="Pairing session")
    cto = client_as("cto")
    form = cto.get(f"/talent/scorecards/{card.pk}/").content.decode()
    assert "evidence" in form
    # A rating without evidence is refused, nothing written.
    bad = cto.post(
        f"/talent/scorecards/{card.pk}/", {"overall": "yes", "rating_0": "4", "evidence_0": ""}
    )
    assert bad.status_code == 422
    card.refresh_from_db()
    assert card.submitted_at is None
    good = cto.post(
        f"/talent/scorecards/{card.pk}/",
        {"overall": "strong_yes", "rating_0": "5", "evidence_0": "Designed the ledger cleanly"},
    )
    assert good.status_code == 302
    card.refresh_from_db()
    assert card.overall == 5 and card.ratings[0]["rating"] == 5
    # Someone else's scorecard is not theirs to open.
    assert client_as("people").get(f"/talent/scorecards/{card.pk}/").status_code == 404
