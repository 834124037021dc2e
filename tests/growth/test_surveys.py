"""Surveys made in the browser: the form writes through `services.survey_save` (errors beside
their fields, nothing written then, audited), questions with answers keep key and kind, the
audience must reach the small-group threshold, and the response rate is an aggregate shown only
at the threshold."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.growth import engagement, forms, services
from steward.growth.models import Survey
from tests.factories import PersonFactory, TeamFactory

QUESTIONS = (
    "enps: How likely are you to recommend us as a place to work?\n"
    "scale: I know what is expected of me at work\n"
    "\n"
    "[anything] text: Anything else?\n"
)


@pytest.fixture
def squad(db):  # type: ignore[no-untyped-def]
    """A team of 8 people employed since 2024 (and one who left before the survey)."""
    team = TeamFactory(slug="s-squad", name="Survey squad")
    for _ in range(8):
        PersonFactory(team=team)
    PersonFactory(team=team, start_date=date(2024, 1, 1), end_date=date(2026, 6, 30))
    return team


@pytest.fixture
def tiny(db):  # type: ignore[no-untyped-def]
    team = TeamFactory(slug="s-tiny", name="Tiny squad")
    for _ in range(2):
        PersonFactory(team=team)
    return team


def _post(client, url: str, **fields):  # type: ignore[no-untyped-def]
    data = {
        "title": "Pulse, January 2027",
        "key": "pulse-2027-01",
        "opened_on": "2027-01-10",
        "closes_on": "2027-01-24",
        "intro": "",
        "questions": QUESTIONS,
    }
    data.update(fields)
    return client.post(url, data)


def test_parse_questions_keys_and_located_problems() -> None:
    questions = forms.parse_questions(QUESTIONS)
    assert [(q.key, q.kind, q.line) for q in questions] == [
        ("enps", "enps", 1),
        ("i-know-what-is-expected-of-me-at-work", "scale", 2),
        ("anything", "text", 4),
    ]
    with pytest.raises(services.GrowthError) as caught:
        forms.parse_questions("scale: fine\nno kind here\n[bad key!] text: x")
    assert caught.value.field_messages()["questions"][0].startswith("line 2:")
    assert caught.value.field_messages()["questions"][1].startswith("line 3: key [bad key!]")


def test_people_role_creates_a_survey_in_the_browser_audited(client_as, squad) -> None:  # type: ignore[no-untyped-def]
    response = _post(
        client_as("people"), "/growth/engagement/surveys/new/", audience=[str(squad.pk)]
    )
    assert response.status_code == 302
    assert response["Location"] == "/growth/engagement/?survey=pulse-2027-01"
    survey = Survey.objects.get(key="pulse-2027-01")
    assert (survey.opened_on, survey.closes_on) == (date(2027, 1, 10), date(2027, 1, 24))
    assert [t.slug for t in survey.audience.all()] == ["s-squad"]
    assert [(q.key, q.kind) for q in survey.questions.all()] == [
        ("enps", "enps"),
        ("i-know-what-is-expected-of-me-at-work", "scale"),
        ("anything", "text"),
    ]
    kind = ContentType.objects.get_for_model(Survey)
    entries = LogEntry.objects.filter(content_type=kind, object_pk=str(survey.pk))
    assert entries.filter(action=LogEntry.Action.CREATE).exists()
    # Who is asked is part of the history (the audience is an m2m field of the log).
    assert any("audience" in (e.changes or {}) for e in entries)


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"closes_on": "2027-01-01"}, "closes_on", "closes before it opens"),
        ({"questions": "[a] scale: x\n[a] scale: y"}, "questions", "is used twice"),
        ({"questions": "scale: a\nscale: A"}, "questions", "asked twice"),
        ({"questions": "enps: one\nenps: two"}, "questions", "one eNPS question"),
        ({"questions": "rating: how?"}, "questions", "kind &#x27;rating&#x27; is not one of"),
        ({"questions": "just words"}, "questions", "line 1: write"),
        ({"key": "Not a slug!"}, "key", "Enter a valid"),
        ({"audience": "TINY"}, "audience", "2 people are employed in the audience"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_is_written(  # type: ignore[no-untyped-def]
    client_as, tiny, fields, field, text
) -> None:
    if fields.get("audience") == "TINY":
        fields = {"audience": [str(tiny.pk)]}
    before = Survey.objects.count()
    response = _post(client_as("cto"), "/growth/engagement/surveys/new/", **fields)
    assert response.status_code == 422
    form = response.context["form"]
    assert field in form.errors
    assert text in response.content.decode()
    assert Survey.objects.count() == before


def test_only_people_cto_and_admins_create_surveys(client_as) -> None:  # type: ignore[no-untyped-def]
    for role in ("engineer", "manager", "executive", "finance"):
        assert client_as(role).get("/growth/engagement/surveys/new/").status_code == 403
        assert _post(client_as(role), "/growth/engagement/surveys/new/").status_code == 403
    assert not Survey.objects.filter(key="pulse-2027-01").exists()
    with pytest.raises(services.PermissionDenied):
        services.survey_save(
            actor=client_as("engineer").get("/").wsgi_request.user,
            key="x",
            title="x",
            opened_on=date(2027, 1, 1),
            questions=forms.parse_questions("scale: x"),
        )


def _answers(tmp_path: Path, key: str, team: str, values: list[int]) -> None:
    path = tmp_path / f"{key}.csv"
    rows = "".join(
        f"{key},enps,r{i},{team},2027-01-12,{v},\n" for i, v in enumerate(values, start=1)
    )
    path.write_text(
        "survey_id,question_id,respondent_key,team,answered_at,value,comment\n" + rows,
        encoding="utf-8",
    )
    run_import("survey", path, actor=SYSTEM)


def test_edit_keeps_answered_questions_and_response_rate_by_hand(  # type: ignore[no-untyped-def]
    client_as, squad, tmp_path: Path
) -> None:
    client = client_as("people")
    _post(client, "/growth/engagement/surveys/new/", audience=[str(squad.pk)])
    survey = Survey.objects.get(key="pulse-2027-01")
    url = "/growth/engagement/surveys/pulse-2027-01/edit/"
    page = client.get(url).content.decode()
    assert "[enps] enps: How likely" in page  # keys kept in the form

    # 4 answers: below the threshold of 5, the response rate and the count are hidden.
    _answers(tmp_path, "pulse-2027-01", "s-squad", [10, 9, 7, 3])
    result = engagement.participation(survey, threshold=5)
    assert result["invited"] == 8  # the leaver (ended 2026-06-30) is not asked
    assert result["suppressed"] is True and "respondents" not in result
    # 6 of the 8 people employed in the audience on the opening day: 6 / 8 = 75.0 %.
    _answers(tmp_path, "pulse-2027-01", "s-squad", [10, 9, 7, 3, 8, 9])
    result = engagement.participation(survey, threshold=5)
    assert (result["respondents"], result["rate"]) == (6, 75.0)
    body = client_as("engineer").get("/growth/engagement/?survey=pulse-2027-01").content.decode()
    assert "75.0 %" in body and "(6 of 8)" in body

    # The eNPS question has answers: it cannot go, nor change kind; rewording is fine.
    response = client.post(
        url,
        {
            "title": "Pulse, January 2027 (v2)",
            "opened_on": "2027-01-10",
            "audience": [str(squad.pk)],
            "questions": "scale: I know what is expected of me at work",
        },
    )
    assert response.status_code == 422
    assert "[enps] has answers: it cannot be removed" in response.content.decode()
    response = client.post(
        url,
        {
            "title": "Pulse, January 2027 (v2)",
            "opened_on": "2027-01-10",
            "audience": [str(squad.pk)],
            "questions": "[enps] scale: recommend?",
        },
    )
    assert "[enps] has answers: its kind stays enps" in response.content.decode()
    survey.refresh_from_db()
    assert survey.title == "Pulse, January 2027"
    response = client.post(
        url,
        {
            "key": "something-else",  # the id is fixed once made (disabled field)
            "title": "Pulse, January 2027 (v2)",
            "opened_on": "2027-01-10",
            "audience": [str(squad.pk)],
            "questions": "[enps] enps: Would you recommend us as a place to work?",
        },
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.key, survey.title) == ("pulse-2027-01", "Pulse, January 2027 (v2)")
    assert [(q.key, q.text) for q in survey.questions.all()] == [
        ("enps", "Would you recommend us as a place to work?")
    ]
    assert survey.questions.get().answers.count() == 6  # answers untouched


def test_api_round_carries_participation_no_answers(client_as, squad, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _post(client_as("people"), "/growth/engagement/surveys/new/", audience=[str(squad.pk)])
    _answers(tmp_path, "pulse-2027-01", "s-squad", [10, 9, 7, 3, 8])
    body = client_as("engineer").get("/api/v1/growth/enps?survey=pulse-2027-01").json()
    (row,) = body["rounds"]
    assert row["participation"]["audience"] == ["Survey squad"]
    assert (row["participation"]["respondents"], row["participation"]["rate"]) == (5, 62.5)
    assert "r1" not in str(body) and "value" not in str(body)
