"""Hiring services and the applications import against the database (demo company loaded)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.org.models import Team
from steward.talent import selectors, services
from steward.talent.models import Application, Candidate, Requisition, StageMove
from tests.plain_text import problems, visible_text

pytestmark = pytest.mark.django_db


def _req(key: str = "T-1", stages: list[str] | None = None) -> Requisition:
    return services.requisition_create(
        actor=SYSTEM,
        key=key,
        title="Software Engineer",
        team=Team.objects.order_by("slug").first(),
        level="L3",
        target_start=date(2027, 3, 1),
        stages=stages or ["Applied", "Screen", "Onsite", "Offer"],
    )


def _at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=UTC)


def test_bad_moves_are_refused_and_write_nothing() -> None:
    req = _req()
    cand = services.candidate_create(actor=SYSTEM, name="Ada Example")
    app = services.application_create(
        actor=SYSTEM, candidate=cand, requisition=req, applied_at=_at(1, 10)
    )
    services.application_move(actor=SYSTEM, application=app, stage="Onsite", at=_at(1, 20))
    cases = [
        ("Onsite", _at(1, 21), "already in"),  # duplicate
        ("Screen", _at(1, 22), "comes before"),  # backwards
        ("Offer", _at(1, 15), "is before"),  # out of date order
        ("Team lunch", _at(1, 25), "not a stage"),  # a stage the requisition lacks
    ]
    for stage, at, message in cases:
        with pytest.raises(services.TalentError, match=message):
            services.application_move(actor=SYSTEM, application=app, stage=stage, at=at)
    assert list(app.moves.values_list("stage", flat=True)) == ["Applied", "Onsite"]


def test_scorecard_without_evidence_is_refused() -> None:
    from django.contrib.auth.models import User

    req = _req()
    cand = services.candidate_create(actor=SYSTEM, name="Bo Example")
    app = services.application_create(actor=SYSTEM, candidate=cand, requisition=req)
    card = services.scorecard_assign(
        actor=SYSTEM, application=app, interviewer=User.objects.get(username="cto"), interview="X"
    )
    with pytest.raises(services.TalentError, match="evidence"):
        services.scorecard_submit(
            actor=SYSTEM,
            scorecard=card,
            overall="yes",
            ratings=[{"attribute": "Design", "rating": "strong_yes", "evidence": ""}],
        )
    with pytest.raises(services.TalentError, match="overall"):
        services.scorecard_submit(
            actor=SYSTEM,
            scorecard=card,
            overall="mixed",
            ratings=[{"attribute": "Design", "rating": 3, "evidence": "ok"}],
        )
    card.refresh_from_db()
    assert card.submitted_at is None
    services.scorecard_submit(
        actor=SYSTEM,
        scorecard=card,
        overall="strong_yes",
        ratings=[{"attribute": "Design", "rating": "yes", "evidence": "clear trade-offs"}],
    )
    card.refresh_from_db()
    assert (card.overall, card.ratings[0]["rating"]) == (5, 4)


def test_debrief_hides_others_until_own_is_submitted() -> None:
    from django.contrib.auth.models import User

    req = _req()
    cand = services.candidate_create(actor=SYSTEM, name="Cy Example")
    app = services.application_create(actor=SYSTEM, candidate=cand, requisition=req)
    cto, people = User.objects.get(username="cto"), User.objects.get(username="people")
    mine = services.scorecard_assign(actor=SYSTEM, application=app, interviewer=cto, interview="A")
    other = services.scorecard_assign(
        actor=SYSTEM, application=app, interviewer=people, interview="B"
    )
    rating = [{"attribute": "Design", "rating": 4, "evidence": "good"}]
    services.scorecard_submit(actor=people, scorecard=other, overall="yes", ratings=rating)
    assert selectors.debrief(actor=cto, application=app)["scorecards"] == []
    services.scorecard_submit(actor=cto, scorecard=mine, overall="no", ratings=rating)
    assert len(selectors.debrief(actor=cto, application=app)["scorecards"]) == 2


def test_erasure_keeps_counts_and_removes_personal_data() -> None:
    from auditlog.models import LogEntry

    req = _req()
    cand = services.candidate_create(actor=SYSTEM, name="Dee Secretname", email="dee@x.example")
    services.self_identify(actor=SYSTEM, candidate=cand, gender="woman")
    app = services.application_create(actor=SYSTEM, candidate=cand, requisition=req)
    before = selectors.hiring_metrics(actor=SYSTEM, start=date(2000, 1, 1), end=date(2100, 1, 1))[
        "applications"
    ]
    services.candidate_erase(actor=SYSTEM, candidate=cand)
    cand.refresh_from_db()
    assert cand.email == "" and "Secretname" not in cand.name
    assert not hasattr(cand, "self_identification") or cand.self_identification is None
    after = selectors.hiring_metrics(actor=SYSTEM, start=date(2000, 1, 1), end=date(2100, 1, 1))[
        "applications"
    ]
    assert after == before
    assert Application.objects.filter(pk=app.pk).exists()
    logged = " ".join(str(e.changes) + e.object_repr for e in LogEntry.objects.get_for_object(cand))
    assert "Secretname" not in logged and "dee@x.example" not in logged


HEADER = (
    "application_id,candidate_id,candidate_name,email,requisition,source,stage,entered_at,outcome"
)
CSV = (
    HEADER
    + """
A1,C1,Ann One,ann@x.example,T-1,LinkedIn,Applied,2026-01-10T10:00:00Z,
A1,C1,Ann One,ann@x.example,T-1,LinkedIn,Screen,2026-01-15T10:00:00Z,
A1,C1,Ann One,ann@x.example,T-1,LinkedIn,Offer,2026-02-01T10:00:00Z,hired
A2,C2,Bob Two,bob@x.example,T-1,,Applied,2026-01-12T10:00:00Z,
A2,C2,Bob Two,bob@x.example,T-1,,Screen,2026-01-20T10:00:00Z,rejected
"""
)


def test_import_applications_is_idempotent(tmp_path: Path) -> None:
    from steward.talent.models import Source

    _req()
    Source.objects.get_or_create(name="LinkedIn")
    path = tmp_path / "apps.csv"
    path.write_text(CSV)
    diff = run_import("applications", path, actor=SYSTEM)
    assert diff.counts()["added"] == 2
    a1 = Application.objects.get(external_id="A1")
    assert a1.outcome == "hired"
    assert list(a1.moves.values_list("stage", flat=True)) == ["Applied", "Screen", "Offer"]
    assert Candidate.objects.filter(external_id__in=["C1", "C2"]).count() == 2
    moves = StageMove.objects.count()
    again = run_import("applications", path, actor=SYSTEM)
    assert again.counts()["unchanged"] == 2 and not again.writes
    assert StageMove.objects.count() == moves


def test_import_bad_rows_are_located_and_nothing_is_written(tmp_path: Path) -> None:
    _req()
    bad = CSV.replace(",LinkedIn,", ",Craigslist,").replace(
        ",T-1,,Screen,2026-01-20", ",T-1,,Screen,2026-01-01"
    )
    path = tmp_path / "bad.csv"
    path.write_text(bad)
    with pytest.raises(InvalidInput) as caught:
        run_import("applications", path, actor=SYSTEM)
    text = str(caught.value)
    assert "bad.csv:2: column source: unknown source 'Craigslist'" in text
    assert "bad.csv:6: column entered_at" in text
    assert not Application.objects.filter(external_id__in=["A1", "A2"]).exists()


def test_import_lever_json(tmp_path: Path) -> None:
    import json

    _req(stages=["Applied", "Screen", "Onsite", "Offer"])
    data = {
        "stages": [{"id": "s1", "text": "Applied"}, {"id": "s2", "text": "Screen"}],
        "opportunities": [
            {
                "id": "opp-1",
                "contact": "c-9",
                "name": "Lee Lever",
                "emails": ["lee@x.example"],
                "posting": "T-1",
                "sources": [],
                "stageChanges": [
                    {"toStageId": "s1", "updatedAt": 1767261600000},
                    {"toStageId": "s2", "updatedAt": 1767520800000},
                ],
                "archived": {"reason": "Hired", "archivedAt": 1767607200000},
            }
        ],
    }
    path = tmp_path / "lever.json"
    path.write_text(json.dumps(data))
    run_import("applications", path, actor=SYSTEM)
    app = Application.objects.get(external_id="opp-1")
    assert app.outcome == "hired" and app.stage == "Screen"


def check_no_small_group(data: dict) -> None:  # type: ignore[type-arg]
    """Every shown count is at least the threshold, and per stage the hidden counts together
    (total minus the shown ones) are too: nothing below the threshold can be derived."""
    threshold = data["min_group_size"]
    hidden_any = False
    for row in data["stages"]:
        cells = {c["group"]: c for c in row["groups"]}
        shown = [c["count"] for g, c in cells.items() if g != "total" and "count" in c]
        assert all(n == 0 or n >= threshold for n in shown), row
        hidden = [g for g, c in cells.items() if g != "total" and c.get("suppressed")]
        if hidden and "count" in cells["total"]:
            hidden_any = True
            rest = cells["total"]["count"] - sum(shown)
            assert rest == 0 or rest >= threshold, row
    # The demo's small groups: the check above did run on hidden cells.
    assert hidden_any


def _page_cells(html: str) -> list[list[str]]:
    """The diversity page's table: per stage row, the stage and each cell's text."""
    import re

    body = html.split('id="diversity"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>(.*?)</tr>", body, flags=re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.split(r"</td>\s*<td[^>]*>", row)]
        for row in rows
    ]


def _as_cells(data: dict) -> list[list[str]]:  # type: ignore[type-arg]
    return [
        [row["stage"]]
        + ["hidden" if c.get("suppressed") else f"{c['count']:,}" for c in row["groups"]]
        for row in data["stages"]
    ]


SELF_IDENTIFIED = ["non-binary", "Middle Eastern", "Hispanic or Latino", "Two or more"]


def test_diversity_never_shows_a_small_group(client_as) -> None:  # type: ignore[no-untyped-def]
    period = {"start": date(2020, 1, 1), "end": date(2027, 1, 1)}
    query = "from=2020-01-01&to=2027-01-01"
    totals = {}
    for attribute in ("gender", "ethnicity"):
        data = selectors.diversity_funnel(actor=SYSTEM, attribute=attribute, **period)
        check_no_small_group(data)
        api = client_as("executive").get(f"/api/v1/talent/diversity?attribute={attribute}&{query}")
        assert api.json()["attribute"] == attribute
        check_no_small_group(api.json())
        assert api.json()["stages"] == data["stages"]
        # The page shows exactly the API's cells: a number or "hidden".
        page = client_as("people").get(f"/talent/diversity/?attribute={attribute}&{query}")
        assert _page_cells(page.content.decode()) == _as_cells(data)
        assert problems(visible_text(page.content.decode())) == [], attribute
        totals[attribute] = [row["groups"][-1] for row in data["stages"]]
    # Both breakdowns count the same people per stage (never hidden here: ≥ 5 per stage or 0),
    # so one breakdown's total reveals nothing about the other's hidden cells.
    assert totals["gender"] == totals["ethnicity"]
    assert not any(t.get("suppressed") for t in totals["gender"])
    assert client_as("cto").get("/api/v1/talent/diversity?attribute=religion").status_code == 422
    # No other page, API answer or export names a self-identified group.
    app = Application.objects.filter(candidate__self_identification__isnull=False).first()
    assert app is not None
    for path in (
        "/api/v1/talent/funnel?" + query,
        "/talent/funnel/?" + query,
        "/api/v1/talent/funnel/applications?what=applications&" + query,
        "/talent/funnel/applications/?what=applications&" + query,
        "/api/v1/talent/applications?limit=1000",
        f"/api/v1/talent/candidates/{app.candidate_id}",
        f"/talent/candidates/{app.candidate_id}/",
        "/talent/requisitions/export.csv",
        "/talent/",
    ):
        text = client_as("cto").get(path).content.decode()
        assert not [g for g in SELF_IDENTIFIED if g.lower() in text.lower()], path
    # Per person, nobody sees it: the model has no row scope (admins only, and no page).
    assert client_as("cto").get("/api/v1/talent/diversity").status_code == 200
    assert client_as("engineer").get("/api/v1/talent/diversity").status_code == 403
    from django.contrib.auth.models import User

    from steward.core import policy

    cto = User.objects.get(username="cto")
    assert not policy.visible(cto, "talent.selfidentification").exists()


def test_diversity_by_ethnicity_hand_computed(client_as) -> None:  # type: ignore[no-untyped-def]
    """16 applicants in 2029 (no other application is in that period): Asian 6 (5 reach
    Screen), Black 2 (1 reaches Screen), White 7 (6 reach Screen), one without an answer.
    Threshold 5. Applied: Black 2 and not disclosed 1 are too small; together 3, still too
    small, so the smallest shown count, Asian 6, is hidden too (then the hidden cells together
    are 9 people). Screen: Black 1 is too small; with it the smallest non-zero count, Asian 5.
    Gender was not answered: all 16 (then 12) are "not disclosed"."""
    from steward.talent.models import SelfIdentification

    req = _req("ETH-1")
    people = [("Asian", 6, 5), ("Black", 2, 1), ("White", 7, 6), ("", 1, 0)]
    for ethnicity, applied, screened in people:
        for i in range(applied):
            cand = services.candidate_create(actor=SYSTEM, name=f"{ethnicity or 'Nobody'} {i}")
            if ethnicity:
                services.self_identify(actor=SYSTEM, candidate=cand, ethnicity=f" {ethnicity} ")
            app = services.application_create(
                actor=SYSTEM,
                candidate=cand,
                requisition=req,
                applied_at=datetime(2029, 3, 1, tzinfo=UTC),
            )
            if i < screened:
                services.application_move(
                    actor=SYSTEM,
                    application=app,
                    stage="Screen",
                    at=datetime(2029, 3, 8, tzinfo=UTC),
                )
    assert SelfIdentification.objects.filter(candidate__applications__requisition=req).count() == 15
    query = "from=2029-01-01&to=2030-01-01"
    data = client_as("cto").get(f"/api/v1/talent/diversity?attribute=ethnicity&{query}").json()
    assert (data["min_group_size"], data["groups"][:4]) == (
        5,
        ["asian", "black", "not disclosed", "white"],
    )
    rows = {row["stage"]: row["groups"] for row in data["stages"]}
    hidden = {"suppressed": True}
    assert [{k: v for k, v in c.items() if k != "group"} for c in rows["Applied"]] == [
        hidden,
        hidden,
        hidden,
        {"count": 7},
        {"count": 16},
    ]
    assert [{k: v for k, v in c.items() if k != "group"} for c in rows["Screen"]] == [
        hidden,
        hidden,
        {"count": 0},
        {"count": 6},
        {"count": 12},
    ]
    assert all(c == {"group": c["group"], "count": 0} for c in rows["Hired"])
    check_no_small_group_in(data)
    gender = client_as("cto").get(f"/api/v1/talent/diversity?attribute=gender&{query}").json()
    by_stage = {row["stage"]: row["groups"] for row in gender["stages"]}
    assert by_stage["Applied"] == [
        {"group": "not disclosed", "count": 16},
        {"group": "total", "count": 16},
    ]
    assert by_stage["Screen"][-1] == {"group": "total", "count": 12}


def check_no_small_group_in(data: dict) -> None:  # type: ignore[type-arg]
    """`check_no_small_group` without requiring hidden cells in every data set."""
    threshold = data["min_group_size"]
    for row in data["stages"]:
        cells = {c["group"]: c for c in row["groups"]}
        shown = [c["count"] for g, c in cells.items() if g != "total" and "count" in c]
        assert all(n == 0 or n >= threshold for n in shown), row
        rest = cells["total"].get("count", 0) - sum(shown)
        assert rest == 0 or rest >= threshold, row
