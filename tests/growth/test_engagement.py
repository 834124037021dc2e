"""Engagement: eNPS by hand, the small-group rule with complementary suppression, the survey
import (located problems, idempotent), nothing individual on any page, API or log, and the
"eNPS drop" finding."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.core.registry import finding_rules
from steward.growth import engagement
from steward.growth.models import Survey, SurveyAnswer
from tests.conftest import DEMO_ROLES
from tests.factories import TeamFactory

HEADER = "survey_id,question_id,respondent_key,team,answered_at,value,comment\n"


def test_enps_by_hand() -> None:
    # 3 promoters (10, 9, 9), 2 passives (8, 7), 3 detractors (6, 3, 0): (3 − 3) / 8 = 0.
    figure = engagement.enps_of([10, 9, 9, 8, 7, 6, 3, 0])
    assert (figure.promoters, figure.passives, figure.detractors, figure.score) == (3, 2, 3, 0.0)
    # (3 promoters − 1 detractor) / 5 = +40.
    assert engagement.enps_of([10, 10, 9, 7, 5]).score == 40.0
    assert engagement.enps_of([]).score is None


@pytest.mark.parametrize(
    ("score", "band"),
    [(-100, "concern"), (-31, "concern"), (-30, "needs improvement"), (-1, "needs improvement"),
     (0, "not bad"), (10, "not bad"), (11, "good"), (30, "good"), (31, "great"), (60, "great"),
     (61, "amazing"), (None, "no data")],
)  # fmt: skip
def test_bands(score: float | None, band: str) -> None:
    assert engagement.band(score) == band


def _survey_file(tmp_path: Path, key: str, day: str, teams: dict[str, list[int]]) -> Path:
    lines = [HEADER]
    n = 0
    for slug, values in teams.items():
        for value in values:
            n += 1
            lines.append(f"{key},enps,resp-{n},{slug},{day},{value},\n")
    path = tmp_path / f"{key}.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def teams(db):  # type: ignore[no-untyped-def]
    return {
        "big": TeamFactory(slug="f-big", name="Big team"),
        "mid": TeamFactory(slug="f-mid", name="Mid team"),
        "tiny": TeamFactory(slug="f-tiny", name="Tiny team"),
    }


def test_import_results_and_complementary_suppression(tmp_path: Path, teams, client_as) -> None:  # type: ignore[no-untyped-def]
    path = _survey_file(
        tmp_path,
        "t-2027-q1",
        "2027-01-10",
        {"f-big": [10, 10, 9, 8, 3, 0], "f-mid": [9, 9, 9, 9, 6], "f-tiny": [0, 1]},
    )
    diff = run_import("survey", path, actor=SYSTEM)
    assert diff.counts()["added"] == 13
    assert run_import("survey", path, actor=SYSTEM).counts()["unchanged"] == 13
    survey = Survey.objects.get(key="t-2027-q1")
    # No answer keeps the file's respondent key.
    assert not SurveyAnswer.objects.filter(respondent__startswith="resp-").exists()
    result = engagement.enps_round(survey, threshold=5)
    # Whole organization: 13 respondents; promoters 10,10,9,9,9,9,9 = 7; detractors 3,0,6,0,1 = 5;
    # eNPS = (7 − 5) / 13 × 100 = 15.4.
    assert result["organization"]["respondents"] == 13
    assert result["organization"]["enps"] == round(200 / 13, 1) == 15.4
    by_team = {t["group"]: t for t in result["teams"]}
    # Tiny (2) is hidden; Mid (5) is hidden too, or Tiny = organization − Big − Mid.
    assert by_team["Tiny team"] == {"group": "Tiny team", "suppressed": True}
    assert by_team["Mid team"] == {"group": "Mid team", "suppressed": True}
    # Big: promoters 10, 10, 9 = 3; detractors 3, 0 = 2; (3 − 2) / 6 = 16.7.
    assert by_team["Big team"]["enps"] == 16.7 and by_team["Big team"]["respondents"] == 6
    # The page says the same, to every role, and shows nothing of the hidden teams.
    for role in DEMO_ROLES:
        body = client_as(role).get("/growth/engagement/?survey=t-2027-q1").content.decode()
        assert 'id="org-enps">+15.4<' in body
        assert "+16.7" in body
        api = client_as(role).get("/api/v1/growth/enps?survey=t-2027-q1").json()
        teams_out = {t["group"]: t for t in api["rounds"][0]["teams"]}
        assert teams_out["Mid team"] == {"group": "Mid team", "suppressed": True}
        assert teams_out["Tiny team"] == {"group": "Tiny team", "suppressed": True}


def test_the_hidden_teams_cannot_be_derived_from_what_is_shown(tmp_path: Path, teams) -> None:  # type: ignore[no-untyped-def]
    path = _survey_file(
        tmp_path,
        "t-2027-q2",
        "2027-04-10",
        {"f-big": [10, 10, 9, 8, 3, 0], "f-mid": [9, 9, 9, 9, 6], "f-tiny": [0, 1]},
    )
    run_import("survey", path, actor=SYSTEM)
    result = engagement.enps_round(Survey.objects.get(key="t-2027-q2"), threshold=5)
    shown = [t for t in result["teams"] if not t.get("suppressed")]
    org = result["organization"]
    # What the hidden teams add up to, from the shown figures: at least 5 respondents.
    rest = org["respondents"] - sum(t["respondents"] for t in shown)
    assert rest == 7 >= 5


def test_import_problems_are_located_and_nothing_is_written(tmp_path: Path, teams) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "t-bad,enps,r1,f-big,2027-01-10,11,\n"
        + "t-bad,enps,r2,no-such-team,2027-01-10,5,\n"
        + "t-bad,enps,r2,f-big,2027-01-10,5,\n"
        + "t-bad,enps,r3,f-big,10/1/27,5,\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as error:
        run_import("survey", path, actor=SYSTEM)
    found = {(p.line, p.column) for p in error.value.problems}
    assert {(2, "value"), (3, "team"), (5, "answered_at")} <= found
    assert not Survey.objects.filter(key="t-bad").exists()


def test_only_people_cto_and_admins_import(tmp_path: Path, teams) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    path = _survey_file(tmp_path, "t-perm", "2027-01-10", {"f-big": [9] * 5})
    with pytest.raises(PermissionDenied):
        run_import("survey", path, actor=User.objects.get(username="manager"))
    run_import("survey", path, actor=User.objects.get(username="people"))


def test_no_answer_reaches_the_audit_log(tmp_path: Path, teams, client_as) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "c.csv"
    path.write_text(
        HEADER
        + "".join(f"t-log,enps,r{i},f-big,2027-01-10,{i},COMMENT-ZZ-{i}\n" for i in range(5)),
        encoding="utf-8",
    )
    run_import("survey", path, actor=SYSTEM)
    body = client_as("admin").get("/admin/auditlog/logentry/?q=surveyanswer").content.decode()
    assert "COMMENT-ZZ" not in body
    from auditlog.models import LogEntry

    assert all("COMMENT-ZZ" not in str(e.changes) for e in LogEntry.objects.all())


def test_comments_show_only_for_rounds_at_the_threshold(tmp_path: Path, teams) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "c.csv"
    rows = "".join(f"t-few,enps,r{i},f-big,2027-01-10,9,Note {i}\n" for i in range(4))
    path.write_text(HEADER + rows, encoding="utf-8")
    run_import("survey", path, actor=SYSTEM)
    survey = Survey.objects.get(key="t-few")
    assert engagement.comments(survey, threshold=5) is None
    assert engagement.comments(survey, threshold=4) == ["Note 0", "Note 1", "Note 2", "Note 3"]


def test_enps_drop_finding(tmp_path: Path, teams) -> None:  # type: ignore[no-untyped-def]
    high = {"f-big": [10, 10, 10, 9, 9, 9], "f-mid": [9] * 6}
    low = {"f-big": [10, 6, 5, 5, 9, 9], "f-mid": [9] * 6}
    run_import("survey", _survey_file(tmp_path, "t-r1", "2030-01-10", high), actor=SYSTEM)
    run_import("survey", _survey_file(tmp_path, "t-r2", "2030-07-10", low), actor=SYSTEM)
    assert dict(finding_rules.items())["enps-drop"] is engagement.enps_drop_findings
    found = engagement.enps_drop_findings(User.objects.get(username="engineer"), date(2030, 8, 1))
    statements = [f.statement for f in found]
    # Big: +100 (6 promoters) -> (3 − 3) / 6 = 0: a 100-point drop. Whole organization:
    # 12/12 -> (9 − 3) / 12 = +50: a 50-point drop. Mid unchanged.
    assert any(
        s.startswith("eNPS of Big team fell 100.0 points, from +100.0 to +0.0") for s in statements
    )
    assert any(s.startswith("eNPS of the organization fell 50.0 points") for s in statements)
    assert not any("Mid team" in s for s in statements)
    assert all(f.url == "/growth/engagement/?survey=t-r2" for f in found)
