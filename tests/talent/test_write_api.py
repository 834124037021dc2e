"""The talent write API: Bearer tokens, the services' rules (append-only stage history,
evidence for every rating), 422 with nothing written, 404/403, the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from steward.core.auth import token_create
from steward.core.policy import SYSTEM
from steward.org.models import Person
from steward.talent import services
from steward.talent.models import (
    Application,
    Candidate,
    Requisition,
    Scorecard,
    StageMove,
)

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
            return send(
                f"/api/v1/talent{path}", body, content_type="application/json", **self.headers
            )

        return call


def _errors(response: Any) -> dict[tuple[str, ...], str]:
    assert response.status_code == 422, response.content
    return {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}


def _managers_requisition(key: str = "W-1") -> Requisition:
    """A planned requisition (stages Applied, Screen, Onsite, Offer) whose hiring manager is
    the demo manager (E0005)."""
    manager = Person.objects.get(employee_id="E0005")
    return services.requisition_create(
        actor=SYSTEM,
        key=key,
        title="Software Engineer",
        team=manager.team,
        level="L3",
        target_start=date(2027, 6, 1),
        hiring_manager=manager,
        stages=["Applied", "Screen", "Onsite", "Offer"],
    )


def test_create_and_patch_a_requisition() -> None:
    api = Api("people")
    manager = Person.objects.get(employee_id="E0005")
    response = api.post(
        "/requisitions",
        {
            "key": "W-10",
            "title": "Site Reliability Engineer",
            "team": manager.team.slug,
            "level": "L4",
            "target_start": "2027-08-16",
            "hiring_manager": "E0005",
            "recruiter": "people",
            "reason": "backfill",
            "stages": ["Applied", "Screen", "Onsite"],
            "budgeted_cost": "104500.00",
            "currency": "eur",
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    # 16 Aug 2027 is in the third quarter; a new requisition is planned and not approved.
    assert (data["key"], data["quarter"], data["status"], data["approved"]) == (
        "W-10",
        "2027Q3",
        "planned",
        False,
    )
    assert data["stages"] == ["Applied", "Screen", "Onsite"]
    assert (Decimal(data["budgeted_cost"]), data["currency"]) == (Decimal("104500.00"), "EUR")
    req = Requisition.objects.get(key="W-10")
    assert (req.hiring_manager, req.recruiter.username, req.reason) == (
        manager,
        "people",
        "backfill",
    )
    entry = LogEntry.objects.get_for_object(req).filter(action=LogEntry.Action.CREATE).first()
    assert entry is not None and entry.actor.username == "people"

    # PATCH: a new target start moves the quarter (1 Oct 2027: 2027Q4), other fields stay.
    patched = api.patch("/requisitions/W-10", {"target_start": "2027-10-01"})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["quarter"], patched.json()["level"]) == ("2027Q4", "L4")
    # Opening needs the CTO's approval: 422 on status, nothing changes.
    refused = _errors(api.patch("/requisitions/W-10", {"status": "open", "note": "go"}))
    assert "approval" in refused[("body", "status")]
    req.refresh_from_db()
    assert (req.status, req.note) == ("planned", "")
    # A stage that applications entered cannot be removed.
    cand = services.candidate_create(actor=SYSTEM, name="Sam Stage")
    services.application_create(actor=SYSTEM, candidate=cand, requisition=req)
    refused = _errors(api.patch("/requisitions/W-10", {"stages": ["Screen", "Onsite"]}))
    assert "Applied" in refused[("body", "stages")]


def test_requisition_references_and_money_are_checked() -> None:
    api = Api("cto")
    base = {"title": "SRE", "team": "nowhere", "level": "L3", "target_start": "2027-08-16"}
    assert _errors(api.post("/requisitions", base)) == {("body", "team"): "unknown team 'nowhere'"}
    team = Person.objects.get(employee_id="E0005").team.slug
    errors = _errors(api.post("/requisitions", {**base, "team": team, "hiring_manager": "E9999"}))
    assert errors == {("body", "hiring_manager"): "unknown person 'E9999'"}
    errors = _errors(
        api.post("/requisitions", {**base, "team": team, "target_start": "1960-01-01"})
    )
    assert errors == {("body", "target_start"): "must be between 1970-01-01 and 2100-12-31"}
    assert not Requisition.objects.filter(title="SRE").exists()
    # A manager sees their own requisition but may not change it; an engineer sees none.
    _managers_requisition()
    assert Api("manager").patch("/requisitions/W-1", {"note": "x"}).status_code == 403
    assert Api("engineer").patch("/requisitions/W-1", {"note": "x"}).status_code == 403
    assert Api("engineer").post("/requisitions", {**base, "team": team}).status_code == 403


def test_candidate_and_application_unknown_source_writes_nothing() -> None:
    api = Api("people")
    response = api.post(
        "/candidates", {"name": " Noor Haddad ", "email": "Noor@Example.org", "retention_days": 30}
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["name"], data["email"], data["applications"]) == (
        "Noor Haddad",
        "noor@example.org",
        [],
    )
    cand = Candidate.objects.get(pk=data["id"])
    assert cand.retain_until == timezone.localdate() + timedelta(days=30)
    assert _errors(api.post("/candidates", {"name": "X", "email": "not-an-email"}))[
        ("body", "email")
    ]
    req = _managers_requisition()
    before = Application.objects.count()
    errors = _errors(
        api.post(
            "/applications",
            {"candidate": cand.pk, "requisition": "W-1", "source": "Carrier pigeon"},
        )
    )
    assert errors == {("body", "source"): "unknown source 'Carrier pigeon' (add it first)"}
    assert Application.objects.count() == before
    response = api.post(
        "/applications",
        {
            "candidate": cand.pk,
            "requisition": "W-1",
            "source": "linkedin",
            "applied_at": "2027-01-04T09:00:00Z",
        },
    )
    assert response.status_code == 201, response.content
    app = response.json()
    assert (app["requisition"], app["source"], app["stage"], app["outcome"]) == (
        "W-1",
        "LinkedIn",
        "Applied",
        "open",
    )
    assert app["history"] == [{"stage": "Applied", "entered_at": "2027-01-04T09:00:00Z"}]
    assert Application.objects.count() == before + 1
    # The same candidate twice on one requisition.
    again = _errors(api.post("/applications", {"candidate": cand.pk, "requisition": req.key}))
    assert again == {("body", "requisition"): "already applied"}
    # Only recruiting creates candidates and applications.
    assert Api("manager").post("/candidates", {"name": "Y"}).status_code == 403
    assert Api("executive").post("/candidates", {"name": "Y"}).status_code == 403


def _moves(app: Application) -> list[tuple[str, str]]:
    return [
        (m.stage, m.entered_at.strftime("%Y-%m-%d"))
        for m in StageMove.objects.filter(application=app).order_by("position")
    ]


def test_stage_moves_are_append_only_and_bad_moves_write_nothing() -> None:
    req = _managers_requisition()
    cand = services.candidate_create(actor=SYSTEM, name="Mo Mover")
    app = services.application_create(
        actor=SYSTEM, candidate=cand, requisition=req, applied_at=datetime(2027, 1, 4, tzinfo=UTC)
    )
    # The hiring manager moves it (a manager is on the requisition's hiring team).
    api = Api("manager")
    path = f"/applications/{app.pk}/moves"
    response = api.post(path, {"stage": "Onsite", "entered_at": "2027-01-11T10:00:00Z"})
    assert response.status_code == 201, response.content
    assert [h["stage"] for h in response.json()["history"]] == ["Applied", "Onsite"]
    expected = [("Applied", "2027-01-04"), ("Onsite", "2027-01-11")]
    assert _moves(app) == expected

    bad = {
        # Duplicate: the stage it is in.
        "Onsite": ("stage", "the application is already in 'Onsite'"),
        # Out of order: Screen comes before Onsite.
        "Screen": ("stage", "'Screen' comes before the current stage 'Onsite'"),
        # A stage this requisition lacks.
        "Technical interview": (
            "stage",
            "'Technical interview' is not a stage of this requisition: "
            "Applied, Screen, Onsite, Offer",
        ),
    }
    for stage, (field, message) in bad.items():
        errors = _errors(api.post(path, {"stage": stage, "entered_at": "2027-01-12T10:00:00Z"}))
        assert errors == {("body", field): message}, stage
    # Dated before the last move.
    errors = _errors(api.post(path, {"stage": "Offer", "entered_at": "2027-01-10T10:00:00Z"}))
    assert errors == {
        ("body", "entered_at"): "2027-01-10 10:00 is before the application entered 'Onsite' "
        "(2027-01-11 10:00)"
    }
    app.refresh_from_db()
    assert (_moves(app), app.stage) == (expected, "Onsite")

    # Not on the hiring team: an executive may not see candidates (403); a manager does not
    # see applications of requisitions they do not hire for (404).
    assert Api("executive").post(path, {"stage": "Offer"}).status_code == 403
    other = services.requisition_create(
        actor=SYSTEM,
        key="W-2",
        title="Analyst",
        team=req.team,
        level="L2",
        target_start=date(2027, 6, 1),
    )
    elsewhere = services.application_create(
        actor=SYSTEM, candidate=cand, requisition=other, applied_at=date(2027, 1, 4)
    )
    assert api.post(f"/applications/{elsewhere.pk}/moves", {"stage": "Screen"}).status_code == 404
    assert _moves(elsewhere) == [("Applied", "2027-01-04")]


def test_scorecard_needs_evidence_for_every_rating() -> None:
    req = _managers_requisition()
    cand = services.candidate_create(actor=SYSTEM, name="Sky Scored")
    app = services.application_create(actor=SYSTEM, candidate=cand, requisition=req)
    manager = User.objects.get(username="manager")
    card = services.scorecard_assign(
        actor=SYSTEM, application=app, interviewer=manager, interview="Onsite: design"
    )
    api = Api("manager")
    path = f"/scorecards/{card.pk}/submit"
    ratings = [
        {"attribute": "System design", "rating": "strong_yes", "evidence": "Sharded by tenant."},
        {"attribute": "Communication", "rating": 3, "evidence": "  "},
    ]
    errors = _errors(api.post(path, {"overall": "yes", "ratings": ratings}))
    assert errors == {("body", "ratings"): "Communication: write the evidence for this rating"}
    card.refresh_from_db()
    assert (card.submitted_at, card.ratings, card.overall) == (None, [], None)
    # No neutral overall recommendation.
    ratings[1]["evidence"] = "Explained the trade-offs twice, clearly."
    errors = _errors(api.post(path, {"overall": "mixed", "ratings": ratings}))
    assert list(errors) == [("body", "overall")]
    # Someone else's scorecard is not there for the caller.
    assert Api("cto").post(path, {"overall": "yes", "ratings": ratings}).status_code == 404

    response = api.post(path, {"overall": "yes", "ratings": ratings, "key_take_aways": "Hire."})
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["overall"], data["overall_recommendation"], data["interviewer"]) == (
        4,
        "yes",
        "manager",
    )
    assert [(a["attribute"], a["rating"], a["rating_name"]) for a in data["attributes"]] == [
        ("System design", 5, "strong_yes"),
        ("Communication", 3, "mixed"),
    ]
    card.refresh_from_db()
    assert card.submitted_at is not None and card.key_take_aways == "Hire."
    # Submitted once.
    assert _errors(api.post(path, {"overall": "no", "ratings": ratings})) == {
        ("body",): "this scorecard was submitted already"
    }
    assert Scorecard.objects.get(pk=card.pk).overall == 4


def test_write_endpoints_are_in_the_openapi_document() -> None:
    api = Api("cto")
    document = api.client.get("/api/v1/openapi.json", **api.headers).json()
    paths = document["paths"]
    assert "post" in paths["/api/v1/talent/requisitions"]
    assert "patch" in paths["/api/v1/talent/requisitions/{key}"]
    assert "post" in paths["/api/v1/talent/candidates"]
    assert "post" in paths["/api/v1/talent/applications"]
    assert "post" in paths["/api/v1/talent/applications/{application_id}/moves"]
    assert "post" in paths["/api/v1/talent/scorecards/{scorecard_id}/submit"]
    schemas = document["components"]["schemas"]
    for name in ("RequisitionIn", "RequisitionPatch", "CandidateIn", "ApplicationIn"):
        assert name in schemas
    assert {"StageMoveIn", "ScorecardIn", "RatingIn", "ScorecardOut"} <= set(schemas)
