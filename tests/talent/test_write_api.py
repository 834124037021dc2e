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
    """The 422's field problems by `loc`: `("body", field)` for a service's rule,
    `("body", "body", field)` for a type check of the request body (ninja)."""
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
    assert "post" in paths["/api/v1/talent/applications/{application_id}/close"]
    assert "post" in paths["/api/v1/talent/applications/{application_id}/offers"]
    assert "post" in paths["/api/v1/talent/applications/{application_id}/offers/{version}/resolve"]
    assert "post" in paths["/api/v1/talent/requisitions/{key}/approvals"]
    assert {"get", "post"} <= set(paths["/api/v1/talent/sources"])
    assert {"get", "post"} <= set(paths["/api/v1/talent/activities"])
    assert {
        "ApplicationCloseIn",
        "OfferIn",
        "OfferResolveIn",
        "ApprovalIn",
        "ApprovalOut",
        "SourceIn",
        "SourcePage",
        "ActivityIn",
        "ActivityPage",
    } <= set(schemas)


def _open_application(req: Requisition, name: str) -> Application:
    cand = services.candidate_create(actor=SYSTEM, name=name)
    app = services.application_create(
        actor=SYSTEM, candidate=cand, requisition=req, applied_at=datetime(2026, 10, 5, tzinfo=UTC)
    )
    services.application_move(
        actor=SYSTEM, application=app, stage="Screen", at=datetime(2026, 10, 12, 10, tzinfo=UTC)
    )
    return app


def test_close_an_application_rejected_or_withdrew() -> None:
    req = _managers_requisition()
    app = _open_application(req, "Cleo Closed")
    api = Api("manager")  # the hiring manager closes applications of their requisition
    path = f"/applications/{app.pk}/close"
    bad = [
        # A rejection needs the reason.
        ({"outcome": "rejected", "reason": " "}, {("body", "reason"): "give the reason"}),
        # Not before the last stage move (Screen, 12 Oct 10:00).
        (
            {"outcome": "rejected", "reason": "Skills mismatch", "closed_at": "2026-10-11T09:00Z"},
            {("body", "closed_at"): "on or after 2026-10-12 10:00"},
        ),
        (
            {"outcome": "withdrew", "closed_at": "1969-12-31T09:00:00Z"},
            {("body", "closed_at"): "must be between 1970-01-01 and 2100-12-31"},
        ),
    ]
    for body, expected in bad:
        assert _errors(api.post(path, body)) == expected, body
    # A hire is recorded by accepting the offer, not by closing.
    assert list(_errors(api.post(path, {"outcome": "hired"}))) == [("body", "body", "outcome")]
    app.refresh_from_db()
    assert (app.outcome, app.closed_at, app.rejection_reason) == ("open", None, "")

    response = api.post(
        path,
        {
            "outcome": "rejected",
            "reason": " Took another offer ",
            "rejected_by": "theirs",
            "closed_at": "2026-10-13T09:00:00Z",
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["outcome"], data["rejection_reason"], data["rejected_by"]) == (
        "rejected",
        "Took another offer",
        "theirs",
    )
    assert data["closed_at"] == "2026-10-13T09:00:00Z"
    assert [h["stage"] for h in data["history"]] == ["Applied", "Screen"]
    # Closed once.
    assert _errors(api.post(path, {"outcome": "withdrew"})) == {
        ("body", "outcome"): "already closed"
    }
    # Withdrawing is always the candidate's decision (theirs), whatever the body says; no
    # rejected_by on a rejection means ours.
    other = _open_application(req, "Wim Withdrew")
    data = api.post(
        f"/applications/{other.pk}/close", {"outcome": "withdrew", "rejected_by": "ours"}
    ).json()
    assert (data["outcome"], data["rejected_by"], data["rejection_reason"]) == (
        "withdrew",
        "theirs",
        None,
    )
    third = _open_application(req, "Oren Ours")
    data = Api("people").post(
        f"/applications/{third.pk}/close", {"outcome": "rejected", "reason": "Level"}
    )
    assert data.json()["rejected_by"] == "ours"
    entry = LogEntry.objects.get_for_object(third).filter(action=LogEntry.Action.UPDATE).first()
    assert entry is not None and entry.actor.username == "people"
    # Executives never see candidates (403); an application outside the caller's requisitions
    # and panels is not there (404).
    fourth = _open_application(req, "Ezra Exec")
    assert Api("executive").post(f"/applications/{fourth.pk}/close", bad[0][0]).status_code == 403
    elsewhere = services.requisition_create(
        actor=SYSTEM,
        key="W-3",
        title="Analyst",
        team=req.team,
        level="L2",
        target_start=req.target_start,
    )
    outside = _open_application(elsewhere, "Olga Outside")
    body = {"outcome": "withdrew"}
    assert api.post(f"/applications/{outside.pk}/close", body).status_code == 404
    assert Application.objects.get(pk=outside.pk).outcome == "open"


def test_offer_versions_acceptance_and_decline() -> None:
    req = _managers_requisition()
    app = _open_application(req, "Ofelia Offer")
    api = Api("people")
    path = f"/applications/{app.pk}/offers"
    first = api.post(
        path,
        {
            "salary": "90000",
            "currency": "eur",
            "starts_at": "2027-03-01",
            "sent_at": "2027-01-20T10:00:00Z",
        },
    )
    assert first.status_code == 201, first.content
    assert [
        (o["version"], o["status"], o["salary"], o["currency"]) for o in first.json()["offers"]
    ] == [(1, "extended", "90000.00", "EUR")]
    # Changed terms: version 2; the extended version 1 is withdrawn when version 2 is sent.
    second = api.post(path, {"salary": "95000", "currency": "EUR", "sent_at": "2027-01-22T10:00Z"})
    assert second.status_code == 201, second.content
    offers = second.json()["offers"]
    assert [(o["version"], o["status"], o["resolved_at"]) for o in offers] == [
        (1, "withdrawn", "2027-01-22T10:00:00Z"),
        (2, "extended", None),
    ]
    # Version 1 is resolved already; version 3 does not exist; a negative salary is refused.
    refused = _errors(api.post(f"{path}/1/resolve", {"status": "accepted"}))
    assert refused == {("body", "status"): "already resolved"}
    assert api.post(f"{path}/3/resolve", {"status": "accepted"}).status_code == 404
    assert list(_errors(api.post(path, {"salary": "-1", "currency": "EUR"}))) == [
        ("body", "body", "salary")
    ]
    assert list(_errors(api.post(f"{path}/2/resolve", {"status": "maybe"}))) == [
        ("body", "body", "status")
    ]
    assert app.offers.count() == 2
    # The hiring manager sees the application but only recruiting makes offers; an executive
    # sees no candidate.
    assert Api("manager").post(path, {"salary": "1", "currency": "EUR"}).status_code == 403
    assert Api("manager").post(f"{path}/2/resolve", {"status": "accepted"}).status_code == 403
    assert Api("executive").post(f"{path}/2/resolve", {"status": "accepted"}).status_code == 403
    assert app.offers.count() == 2

    accepted = api.post(
        f"{path}/2/resolve", {"status": "accepted", "resolved_at": "2027-01-25T12:00Z"}
    )
    assert accepted.status_code == 200, accepted.content
    data = accepted.json()
    assert (data["outcome"], data["closed_at"], data["offers"][1]["status"]) == (
        "hired",
        "2027-01-25T12:00:00Z",
        "accepted",
    )
    # An accepted offer gets no new version (the application is closed): nothing written.
    assert _errors(api.post(path, {"salary": "99000", "currency": "EUR"})) == {
        ("body",): "the application is closed"
    }
    assert app.offers.count() == 2

    # Declining closes the application as rejected by the candidate.
    other = _open_application(req, "Dario Declined")
    api.post(
        f"/applications/{other.pk}/offers",
        {"salary": "80000", "currency": "EUR", "sent_at": "2027-01-20T10:00Z"},
    )
    data = api.post(f"/applications/{other.pk}/offers/1/resolve", {"status": "declined"}).json()
    assert (data["outcome"], data["rejected_by"], data["rejection_reason"]) == (
        "rejected",
        "theirs",
        "declined the offer",
    )


def test_requisition_approvals_by_the_allowed_roles() -> None:
    req = _managers_requisition()
    path = "/requisitions/W-1/approvals"
    # Finance approves the budget; that alone does not approve the requisition.
    response = Api("finance").post(path, {"note": "within budget"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["requisition"], data["approver"], data["role"], data["approved"]) == (
        "W-1",
        "finance",
        "finance",
        True,
    )
    assert (data["note"], data["requisition_approved"]) == ("within budget", False)
    # The CTO's approval does; a later refusal undoes it.
    assert Api("cto").post(path, {}).json()["requisition_approved"] is True
    refusal = Api("cto").post(path, {"approved": False, "note": "wait for Q3"}).json()
    assert (refusal["approved"], refusal["requisition_approved"]) == (False, False)
    assert list(req.approvals.values_list("role", "approved")) == [
        ("finance", True),
        ("cto", True),
        ("cto", False),
    ]
    # Opening follows the latest decision: refused, then approved again.
    people = Api("people")
    assert (
        "approval"
        in _errors(people.patch("/requisitions/W-1", {"status": "open"}))[("body", "status")]
    )
    Api("admin").post(path, {"approved": True})
    assert people.patch("/requisitions/W-1", {"status": "open"}).json()["status"] == "open"
    # Recruiting, the hiring manager and executives see the requisition but do not decide;
    # an engineer sees none; a note longer than 300 characters is refused.
    for role in ("people", "manager", "executive", "engineer"):
        assert Api(role).post(path, {}).status_code == 403, role
    assert list(_errors(Api("cto").post(path, {"note": "x" * 301}))) == [("body", "body", "note")]
    assert Api("cto").post("/requisitions/NOPE/approvals", {}).status_code == 404
    assert req.approvals.count() == 4


def test_sources_and_brand_activities() -> None:
    from steward.talent.models import BrandActivity, Source

    api = Api("people")
    team = Person.objects.get(employee_id="E0005").team
    response = api.post(
        "/activities",
        {
            "title": " Talk: Ledgers at EuroPython ",
            "kind": "talk",
            "on": "2026-07-14",
            "url": "https://ep.example/ledgers",
            "team": team.slug,
        },
    )
    assert response.status_code == 201, response.content
    activity = response.json()
    assert {k: activity[k] for k in ("title", "kind", "on", "team", "sources", "applications")} == {
        "title": "Talk: Ledgers at EuroPython",
        "kind": "talk",
        "on": "2026-07-14",
        "team": team.slug,
        "sources": [],
        "applications": 0,
    }
    sources, activities = Source.objects.count(), BrandActivity.objects.count()
    bad_activities = [
        ({"title": "T", "kind": "talk", "on": "2026-07-14", "url": "not a url"}, ("body", "url")),
        ({"title": "T", "kind": "podcast", "on": "2026-07-14"}, ("body", "body", "kind")),
        ({"title": "T", "kind": "talk", "on": "2026-07-14", "team": "nowhere"}, ("body", "team")),
        ({"title": " ", "kind": "talk", "on": "2026-07-14"}, ("body", "title")),
    ]
    for body, loc in bad_activities:
        assert list(_errors(api.post("/activities", body))) == [loc], body
    created = api.post(
        "/sources", {"name": "EuroPython talk", "kind": "brand", "activity": activity["id"]}
    )
    assert created.status_code == 201, created.content
    assert created.json() == {
        "id": Source.objects.get(name="EuroPython talk").pk,
        "name": "EuroPython talk",
        "kind": "brand",
        "activity": activity["id"],
        "activity_title": "Talk: Ledgers at EuroPython",
        "applications": 0,
        "hires": 0,
    }
    assert _errors(api.post("/sources", {"name": "europython TALK"})) == {
        ("body", "name"): "this source exists"
    }
    assert _errors(api.post("/sources", {"name": "Meetup", "activity": 10**9})) == {
        ("body", "activity"): f"unknown activity {10**9}"
    }
    assert list(_errors(api.post("/sources", {"name": "Meetup", "kind": "billboard"}))) == [
        ("body", "body", "kind")
    ]
    assert (Source.objects.count(), BrandActivity.objects.count()) == (sources + 1, activities)

    # Three applications from the talk, one hired (offer accepted): 3 applications, 1 hire.
    req = _managers_requisition()
    talk = Source.objects.get(name="EuroPython talk")
    for i, name in enumerate(("Ana", "Ben", "Cai")):
        cand = services.candidate_create(actor=SYSTEM, name=name)
        app = services.application_create(
            actor=SYSTEM, candidate=cand, requisition=req, source=talk
        )
        if i == 0:
            offer = services.offer_make(
                actor=SYSTEM, application=app, salary=None, sent_at=date(2027, 1, 5)
            )
            services.offer_resolve(actor=SYSTEM, offer=offer, status="accepted")
    listed = api.get("/sources?limit=1000").json()
    row = next(s for s in listed["items"] if s["name"] == "EuroPython talk")
    assert (row["applications"], row["hires"], listed["count"]) == (3, 1, sources + 1)
    listed = api.get("/activities?limit=1000").json()
    row = next(a for a in listed["items"] if a["id"] == activity["id"])
    assert (row["sources"], row["applications"], row["hires"]) == (["EuroPython talk"], 3, 1)
    assert listed["count"] == activities
    # Recruiting only, as the Employer brand page.
    for role in ("manager", "executive", "engineer"):
        assert Api(role).get("/sources").status_code == 403, role
        assert Api(role).get("/activities").status_code == 403, role
        assert Api(role).post("/sources", {"name": "X"}).status_code == 403, role
    assert Source.objects.count() == sources + 1
