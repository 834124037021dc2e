# ruff: noqa: E501 - the export files are written out as a user would have them
"""Importing applications from the browser: upload → validate → preview → commit, for the
Greenhouse and Lever CSV reports (and Steward's CSV); problems name the uploaded file, the line,
the file's own column and the fix, and nothing is written; recruiting roles only."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from steward.core.policy import SYSTEM
from steward.org.models import Team
from steward.talent import services
from steward.talent.models import Application, Source

pytestmark = pytest.mark.django_db

GREENHOUSE = """Application ID,Candidate ID,First Name,Last Name,Email,Job,Requisition ID,Source,Stage,Entered Stage,Status,Rejection Reason,Rejection Type
9001,501,Gina,House,gina@x.example,Backend Engineer,T-GH,LinkedIn,Applied,01/10/2026,Hired,,
9001,501,Gina,House,gina@x.example,Backend Engineer,T-GH,LinkedIn,Screen,01/15/2026,Hired,,
9001,501,Gina,House,gina@x.example,Backend Engineer,T-GH,LinkedIn,Offer,02/01/2026,Hired,,
9002,502,Hal,Green,hal@x.example,Backend Engineer,T-GH,,Applied,2026-01-12,Rejected,Took another offer,They rejected us
9002,502,Hal,Green,hal@x.example,Backend Engineer,T-GH,,Screen,2026-01-20,Rejected,Took another offer,They rejected us
9003,503,Ida,Moss,ida@x.example,Backend Engineer,T-GH,,Applied,2026-01-14,Active,,
"""

LEVER = """Opportunity ID,Contact ID,Name,Email,Posting ID,Sources,Stage,Stage Changed At,Archive Reason
opp-1,c-1,Lee Lever,"lee@x.example, lee2@x.example",T-GH,LinkedIn,Applied,2026-01-02T10:00:00Z,
opp-1,c-1,Lee Lever,"lee@x.example, lee2@x.example",T-GH,LinkedIn,Screen,2026-01-05T10:00:00Z,Hired
opp-2,c-2,Max Row,max@x.example,T-GH,,Applied,2026-01-03T10:00:00Z,Underqualified
"""


@pytest.fixture
def req():  # type: ignore[no-untyped-def]
    Source.objects.get_or_create(name="LinkedIn")
    return services.requisition_create(
        actor=SYSTEM,
        key="T-GH",
        title="Backend Engineer",
        team=Team.objects.order_by("slug").first(),
        level="L3",
        target_start=date(2027, 3, 1),
        stages=["Applied", "Screen", "Onsite", "Offer"],
    )


def _upload(client, name: str, text: str):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post("/talent/import/", {"file": upload})


def _commit(client, preview) -> object:  # type: ignore[no-untyped-def]
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
    return client.post("/talent/import/commit/", {"token": token})


def test_greenhouse_csv_upload_preview_then_commit(client_as, req) -> None:  # type: ignore[no-untyped-def]
    client = client_as("people")
    preview = _upload(client, "greenhouse-report.csv", GREENHOUSE)
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "Greenhouse CSV report" in body and "3 added" in body
    assert not Application.objects.filter(requisition=req).exists()  # nothing before "Import"
    done = _commit(client, preview)
    assert done.status_code == 302 and done["Location"] == "/talent/"
    gina = Application.objects.get(external_id="9001")
    assert gina.outcome == "hired" and gina.candidate.name == "Gina House"
    assert [(m.stage, m.entered_at.date()) for m in gina.moves.order_by("position")] == [
        ("Applied", date(2026, 1, 10)),
        ("Screen", date(2026, 1, 15)),
        ("Offer", date(2026, 2, 1)),
    ]
    hal = Application.objects.get(external_id="9002")
    assert hal.outcome == "withdrew"  # "They rejected us"
    assert Application.objects.get(external_id="9003").outcome == "open"
    # The same file again: nothing to import; the token is used up.
    again = _upload(client, "greenhouse-report.csv", GREENHOUSE)
    assert "Nothing to import" in again.content.decode()
    assert _commit(client, preview).status_code == 302  # expired preview: back to the upload
    assert Application.objects.filter(requisition=req).count() == 3


def test_lever_csv(client_as, req) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    preview = _upload(client, "lever.csv", LEVER)
    assert "Lever CSV report" in preview.content.decode()
    _commit(client, preview)
    lee = Application.objects.get(external_id="opp-1")
    assert (lee.outcome, lee.stage, lee.candidate.email) == ("hired", "Screen", "lee@x.example")
    max_ = Application.objects.get(external_id="opp-2")
    assert (max_.outcome, max_.rejection_reason) == ("rejected", "Underqualified")


def test_problems_name_file_line_the_files_column_and_fix(client_as, req) -> None:  # type: ignore[no-untyped-def]
    bad = (
        GREENHOUSE.replace(",LinkedIn,Screen,", ",Craigslist,Screen,")
        .replace("Screen,2026-01-20", "Screen,2026-01-01")
        .replace("Active,,", "Pending,,")
    )
    response = _upload(client_as("people"), "gh.csv", bad)
    assert response.status_code == 422
    body = response.content.decode()
    table = body[body.index('id="import-problems"') :]
    rows = re.findall(
        r'<tr><td class="verbatim">([^<]+)</td><td class="num">(\d*)</td><td>(?:<code>([^<]+)</code>)?</td>',
        table,
    )
    assert ("gh.csv", "3", "Source") in rows  # unknown source, in the file's own column name
    assert ("gh.csv", "6", "Entered Stage") in rows  # a move dated before the previous one
    assert ("gh.csv", "7", "Status") in rows
    assert "unknown source &#x27;Craigslist&#x27;" in table and "Employer brand page" in table
    assert "Greenhouse statuses are Active, Hired or Rejected" in table
    assert not Application.objects.filter(requisition=req).exists()
    assert 'name="token"' not in body


def test_missing_columns_and_wrong_files(client_as, req) -> None:  # type: ignore[no-untyped-def]
    client = client_as("people")
    response = _upload(client, "gh.csv", "Application ID,Candidate ID,Job\n1,2,X\n")
    body = response.content.decode()
    assert response.status_code == 422
    assert "Greenhouse column for stage is missing" in body and "Entered Stage" in body
    response = _upload(client, "report.xlsx", "x")
    assert response.status_code == 422 and "neither .csv nor .json" in response.content.decode()


def test_only_recruiting_roles_import(client_as, req) -> None:  # type: ignore[no-untyped-def]
    for role in ("manager", "executive", "finance", "engineer"):
        assert client_as(role).get("/talent/import/").status_code == 403
        assert _upload(client_as(role), "gh.csv", GREENHOUSE).status_code == 403
    # A token from someone else's session imports nothing.
    preview = _upload(client_as("people"), "gh.csv", GREENHOUSE)
    assert _commit(client_as("cto"), preview).status_code == 302
    assert not Application.objects.filter(requisition=req).exists()


def test_previews_not_imported_within_a_day_are_deleted(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import time

    from steward.talent import views

    old, new = tmp_path / "old-token", tmp_path / "new-token"
    for folder in (old, new):
        folder.mkdir()
        (folder / "gh.csv").write_text("x")
    stale = time.time() - 25 * 3600
    os.utime(old, (stale, stale))
    views._forget_old_uploads(tmp_path)
    assert not old.exists() and new.exists()
