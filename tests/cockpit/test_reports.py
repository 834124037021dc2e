"""Board report and executive brief on the demo company: content, audience, PDF, snapshots."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from pypdf import PdfReader

from steward.cockpit import reports, services
from steward.cockpit.models import ReportNote, Snapshot
from steward.core import policy
from steward.core.errors import BadInput
from steward.org.models import Person

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_periods_parse_and_refuse_with_the_accepted_form() -> None:
    q = reports.parse_period("board", "2026Q4")
    assert (q.start, q.end, q.board) == (date(2026, 10, 1), date(2027, 1, 1), True)
    m = reports.parse_period("brief", "2026-11")
    assert (m.start, m.end, m.label, m.board) == (
        date(2026, 11, 1), date(2026, 12, 1), "November 2026", False,
    )  # fmt: skip
    with pytest.raises(BadInput, match="2026Q4"):
        reports.parse_period("board", "2026-4")
    with pytest.raises(BadInput, match="2026-11"):
        reports.parse_period("brief", "2026-13")


def test_board_pdf_names_no_one_and_shows_no_salary() -> None:
    services.findings_refresh()
    cto = User.objects.get(username="cto")
    services.report_note_save(
        actor=cto, kind="board", period="2026Q4", section="delivery",
        text="Deployments doubled after the pipeline work.",
    )  # fmt: skip
    built = reports.build(policy.SYSTEM, reports.parse_period("board", "2026Q4"))
    text = _pdf_text(reports.pdf(built))
    flat = re.sub(r"\s+", " ", text)
    assert "Board report, 2026Q4" in flat
    assert "Deployments doubled after the pipeline work." in flat  # kept with the report
    for heading in ("Roadmap and objectives", "Delivery", "People", "Risks"):
        assert heading in flat
    # No person's name (the leadership's included: the board report names teams, not people).
    people = list(Person.objects.values_list("name", "salary"))
    assert len(people) > 100
    named = [name for name, _ in people if name in flat]
    assert named == []
    for _, salary in people:
        if salary is None:
            continue
        whole = int(salary)
        assert not re.search(rf"(?<![\d.,]){whole:,}(?![\d,])", flat), whole
        assert not re.search(rf"(?<![\d.]){whole}(?!\d)", flat.replace(",", "")), whole


def test_the_check_would_catch_a_name_in_the_brief() -> None:
    # The brief lists findings with their statements: with a span-of-control finding it names
    # the manager, so the name check above is not vacuous.
    services.findings_refresh()
    built = reports.build(policy.SYSTEM, reports.parse_period("brief", "2026-11"))
    flat = re.sub(r"\s+", " ", reports.html(built))
    names = [n for n in Person.objects.values_list("name", flat=True) if n in flat]
    assert names, "the demo's findings name at least one manager in the brief"


def test_snapshot_freezes_figures_and_the_next_quarter_compares() -> None:
    cto = User.objects.get(username="cto")
    q3 = reports.parse_period("board", "2026Q3")
    snap = reports.snapshot(cto, q3, reason="on demand")
    assert snap.period == "2026Q3"
    frozen = {f["key"]: f["value"] for f in snap.figures}
    assert "people.headcount" in frozen and "delivery.per_week" in frozen
    # Re-imported history does not change a snapshot: it is stored, not recomputed.
    Snapshot.objects.filter(pk=snap.pk).update(
        figures=[{**f, "value": 1} if f["key"] == "people.headcount" else f for f in snap.figures]
    )
    built = reports.build(cto, reports.parse_period("board", "2026Q4"))
    row = next(f for f in built["outline"] if f["key"] == "people.headcount")
    assert row["previous"] == 1
    assert row["change"] == row["value"] - 1


def test_quarter_end_snapshot_is_taken_once() -> None:
    Snapshot.objects.all().delete()  # the demo took 2026Q3's when it was built
    assert reports.snapshot_closed_quarter(date(2026, 10, 2)) is not None
    assert reports.snapshot_closed_quarter(date(2026, 11, 2)) is None
    assert Snapshot.objects.filter(period="2026Q3", reason="quarter end").count() == 1


def test_report_pages_and_download(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    page = client.get("/cockpit/reports/board/2026Q4/")
    assert page.status_code == 200 and b"Download PDF" in page.content
    pdf = client.get("/cockpit/reports/board/2026Q4/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get("/cockpit/reports/board/2026Q9/").status_code == 404
    assert client_as("manager").get("/cockpit/reports/board/2026Q4/").status_code == 403
    response = client.post(
        "/cockpit/reports/brief/2026-11/notes/", {"section": "people", "text": "Hiring is on plan."}
    )
    assert response.status_code == 302
    assert ReportNote.objects.get(kind="brief", period="2026-11", section="people").text == (
        "Hiring is on plan."
    )
    assert (
        client_as("executive")
        .post("/cockpit/reports/brief/2026-11/notes/", {"section": "people", "text": "x"})
        .status_code
        == 403
    )


def test_the_board_report_opens_with_the_vision_and_the_brief_does_not() -> None:
    from steward.strategy.models import Objective

    objective = Objective.objects.order_by("priority", "key").first()
    assert objective is not None
    services.vision_save(
        actor=User.objects.get(username="cto"),
        text="Ship **daily** to every market.",
        objective_ids=[objective.pk],
        decision_ids=[],
    )
    board = reports.html(reports.build(policy.SYSTEM, reports.parse_period("board", "2026Q4")))
    assert "Ship <strong>daily</strong> to every market." in board
    assert f"{objective.key} {objective.title}" in board
    brief = reports.html(reports.build(policy.SYSTEM, reports.parse_period("brief", "2026-11")))
    assert "Ship <strong>daily</strong>" not in brief


def test_steward_report_commands(demo_home, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import steward_cli

    out = tmp_path / "board.pdf"
    done = steward_cli(demo_home, "report", "board", "--quarter", "2026Q4", "--out", str(out))
    assert done.returncode == 0 and out.read_bytes().startswith(b"%PDF")
    html = tmp_path / "brief.html"
    steward_cli(demo_home, "report", "brief", "--month", "2026-11", "--out", str(html))
    assert "Executive brief, November 2026" in html.read_text(encoding="utf-8")
    bad = steward_cli(
        demo_home, "report", "board", "--quarter", "Q4", "--out", str(out), check=False
    )
    assert bad.returncode == 2 and "2026Q4" in bad.stderr + bad.stdout
