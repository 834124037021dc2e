"""The radar with history: time travel and diffs on a hand-built timeline, imports that build
the timeline and are idempotent, exports, the SVG, pages, forms, the API and who may edit."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from steward.architecture import selectors, services
from steward.architecture.exporting import export_radar
from steward.architecture.models import BlipEvent, RadarQuadrant, RadarRing, Technology
from steward.core.importing import run_import
from steward.core.policy import SYSTEM

pytestmark = pytest.mark.django_db

D = date


def _empty_radar() -> None:
    BlipEvent.objects.all().delete()
    Technology.objects.all().delete()
    RadarQuadrant.objects.all().delete()
    RadarRing.objects.all().delete()


@pytest.fixture
def timeline() -> dict[str, Technology]:
    """X: Trial on 1 Jan 2025, Adopt on 1 Jun, off the radar on 1 Sep; Y: Hold on 1 Mar."""
    _empty_radar()
    q = services.quadrant_save(actor=SYSTEM, name="Tools", position=0)
    adopt, trial, hold = (
        services.ring_save(actor=SYSTEM, name=n, position=i)
        for i, n in enumerate(["Adopt", "Trial", "Hold"])
    )
    x = services.technology_save(actor=SYSTEM, name="X", quadrant=q)
    y = services.technology_save(actor=SYSTEM, name="Y", quadrant=q)
    services.blip_record(actor=SYSTEM, technology=x, day=D(2025, 1, 1), ring=trial, reason="a")
    services.blip_record(actor=SYSTEM, technology=x, day=D(2025, 6, 1), ring=adopt, reason="b")
    services.blip_record(actor=SYSTEM, technology=x, day=D(2025, 9, 1), ring=None, reason="c")
    services.blip_record(actor=SYSTEM, technology=y, day=D(2025, 3, 1), ring=hold, reason="d")
    return {"x": x, "y": y}


def _state(day: date) -> list[tuple[str, str, str]]:
    return [
        (b.technology.name, b.ring.name, b.moved) for b in selectors.radar_on(actor=SYSTEM, day=day)
    ]


def test_radar_on_any_date(timeline: dict[str, Technology]) -> None:
    assert _state(D(2024, 12, 31)) == []
    assert _state(D(2025, 1, 1)) == [("X", "Trial", "new")]
    assert _state(D(2025, 5, 31)) == [("X", "Trial", "new"), ("Y", "Hold", "new")]
    # Ring order inside a quadrant: Adopt (0) before Hold (2).
    assert _state(D(2025, 6, 1)) == [("X", "Adopt", "in"), ("Y", "Hold", "new")]
    assert _state(D(2025, 9, 1)) == [("Y", "Hold", "new")]


def test_diff_between_two_dates(timeline: dict[str, Technology]) -> None:
    rows = selectors.radar_diff(actor=SYSTEM, start=D(2025, 2, 1), end=D(2025, 7, 1))
    assert [
        (
            r["technology"].name,
            r["change"],
            r["before"].name if r["before"] else None,
            r["after"].name,
        )
        for r in rows
    ] == [
        ("Y", "added", None, "Hold"),
        ("X", "moved in", "Trial", "Adopt"),
    ]
    rows = selectors.radar_diff(actor=SYSTEM, start=D(2025, 7, 1), end=D(2025, 10, 1))
    assert [(r["technology"].name, r["change"]) for r in rows] == [("X", "removed")]


def test_recording_the_same_day_replaces_and_moves_follow_the_ring_order(
    timeline: dict[str, Technology],
) -> None:
    hold = RadarRing.objects.get(key="hold")
    services.blip_record(
        actor=SYSTEM, technology=timeline["x"], day=D(2025, 6, 1), ring=hold, reason="again"
    )
    assert timeline["x"].events.count() == 3
    assert _state(D(2025, 6, 1))[0] == ("X", "Hold", "out")


HEADER = "name,ring,quadrant,isNew,status,description\n"
CSV_1 = HEADER + "Go,Trial,Tools,TRUE,,Fast\nZig,Assess,Tools,TRUE,,\n"
CSV_2 = HEADER + "Go,Adopt,Tools,FALSE,No Change,Fast\nZig,Assess,Tools,FALSE,,\n"


def test_successive_byor_snapshots_build_the_timeline_idempotently(tmp_path: Path) -> None:
    _empty_radar()
    first, second = tmp_path / "r1.csv", tmp_path / "r2.csv"
    first.write_text(CSV_1)
    second.write_text(CSV_2)
    run_import("radar", first, actor=SYSTEM, today=D(2025, 1, 1))
    diff = run_import("radar", first, actor=SYSTEM, today=D(2025, 1, 1))
    assert not diff.writes and diff.counts()["unchanged"] == 2
    diff = run_import("radar", second, actor=SYSTEM, today=D(2025, 4, 1))
    # Ring Adopt is new; Go moved Trial -> Adopt (one event, "in" from the history); Zig stayed.
    assert diff.counts() == {"added": 2, "changed": 0, "unchanged": 1, "ended": 0}
    go = Technology.objects.get(key="go")
    assert [(e.date, e.ring.name, e.moved) for e in go.events.order_by("date")] == [
        (D(2025, 1, 1), "Trial", "new"),
        (D(2025, 4, 1), "Adopt", "in"),
    ]
    # Adopt, named only by the second file, went innermost (before Trial, as the file orders it).
    assert [r.name for r in RadarRing.objects.order_by("position")] == ["Adopt", "Trial", "Assess"]


def test_backstage_import_then_export_is_the_same_file(tmp_path: Path) -> None:
    _empty_radar()
    source = {
        "quadrants": [{"id": "platforms", "name": "Platforms"}],
        "rings": [
            {"id": "adopt", "name": "ADOPT", "color": "#5BA300", "description": "use"},
            {"id": "trial", "name": "TRIAL", "color": "#009EB0", "description": "try"},
        ],
        "entries": [
            {
                "id": "postgresql",
                "key": "postgresql",
                "title": "PostgreSQL",
                "quadrant": "platforms",
                "description": "Markdown",
                "links": [{"url": "https://x", "title": "ADR-0007"}],
                "timeline": [
                    {"date": "2025-03-04T00:00:00.000Z", "ringId": "adopt", "moved": 1},
                    {"date": "2024-06-01T00:00:00.000Z", "ringId": "trial", "moved": 0},
                ],
            }
        ],
    }
    path = tmp_path / "in.json"
    path.write_text(json.dumps(source, indent=2) + "\n")
    run_import("radar", path, actor=SYSTEM)
    assert not run_import("radar", path, actor=SYSTEM).writes
    out = tmp_path / "out.json"
    assert export_radar(out, "backstage", actor=SYSTEM, day=D(2026, 1, 1)) == []
    assert out.read_text() == path.read_text()
    assert _state(D(2024, 12, 1)) == [("PostgreSQL", "TRIAL", "unchanged")]


def test_byor_export_of_the_demo_radar(tmp_path: Path) -> None:
    out = tmp_path / "radar.csv"
    export_radar(out, "byor-csv", actor=SYSTEM, day=date.today())
    lines = out.read_text().splitlines()
    # 26 demo technologies, Heroku off the radar: 25 rows and the header.
    assert len(lines) == 1 + 25
    assert any(
        line.startswith("AngularJS,Hold,Languages & Frameworks,FALSE,Moved Out,") for line in lines
    )


def test_import_problems_name_file_and_line(tmp_path: Path) -> None:
    from steward.core.errors import InvalidInput

    bad = tmp_path / "bad.csv"
    bad.write_text("name,ring,quadrant,isNew,status,description\nGo,,Tools,TRUE,,\n")
    before = BlipEvent.objects.count()
    with pytest.raises(InvalidInput) as info:
        run_import("radar", bad, actor=SYSTEM)
    problem = info.value.problems[0]
    assert (problem.file, problem.line) == (str(bad), 2)
    assert BlipEvent.objects.count() == before


def test_radar_page_draws_svg_and_table_with_links(client_as) -> None:  # type: ignore[no-untyped-def]
    page = client_as("engineer").get("/architecture/radar/").content.decode()
    svg = page.split("<svg")[1].split("</svg>")[0]
    assert svg.count("<a href=") == 25
    assert "/architecture/radar/angularjs/" in svg and "<script" not in svg
    table = page.split('id="radar-table"')[1]
    assert table.index("Architecture decision records") < table.index("Feature flags")
    assert "New technology" not in page  # engineers read only


def test_radar_page_time_travel_and_diff(client_as) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    # A year and a day ago only the 365- and 400-day-old entries existed.
    old = today.replace(year=today.year - 1)
    page = client_as("cto").get(
        f"/architecture/radar/?date={old.isoformat()}&from={old.isoformat()}"
    )
    text = page.content.decode()
    assert "Rust" not in text.split('id="radar-table"')[1]
    assert "Nothing moved between these dates." in text


def test_api_radar_on_a_date(client_as) -> None:  # type: ignore[no-untyped-def]
    data = client_as("engineer").get("/api/v1/architecture/radar").json()
    assert data["count"] == 25
    assert data["rings"] == ["Adopt", "Trial", "Assess", "Hold"]
    go = next(i for i in data["items"] if i["key"] == "go")
    assert (go["ring"], go["moved"]) == ("Adopt", "in")
    assert (
        client_as("engineer").get("/api/v1/architecture/radar?date=2000-01-01").json()["count"] == 0
    )


def test_move_a_blip_through_the_form_is_audited(client_as) -> None:  # type: ignore[no-untyped-def]
    from auditlog.models import LogEntry

    client = client_as("architect")
    response = client.post(
        "/architecture/radar/rust/move/",
        {
            "ring": RadarRing.objects.get(name="Trial").pk,
            "date": date.today().isoformat(),
            "reason": "ranking-service ships it",
        },
    )
    assert response.status_code == 302
    event = Technology.objects.get(key="rust").events.first()
    assert event is not None and (event.ring.name, event.moved) == ("Trial", "in")
    entry = LogEntry.objects.get_for_object(event).first()
    assert entry is not None and entry.actor == User.objects.get(username="architect")
    # The reason is required: an empty one is an inline error.
    response = client.post(
        "/architecture/radar/rust/move/", {"ring": "", "date": "2026-01-01", "reason": ""}
    )
    assert response.status_code == 422


def test_only_architects_and_cto_edit_the_radar(client_as) -> None:  # type: ignore[no-untyped-def]
    assert client_as("engineer").get("/architecture/radar/rust/move/").status_code == 403
    assert client_as("manager").post("/architecture/radar/new/", {}).status_code == 403
    response = client_as("cto").post(
        "/architecture/radar/new/",
        {
            "name": "Zig",
            "quadrant": RadarQuadrant.objects.get(name="Languages & Frameworks").pk,
            "ring": RadarRing.objects.get(name="Assess").pk,
            "date": "2026-01-05",
            "reason": "spike",
        },
    )
    assert response.status_code == 302
    assert _state(D(2026, 1, 5))[0:0] == []
    assert Technology.objects.get(key="zig").events.get().moved == "new"


def test_add_a_fifth_ring_in_the_browser_and_exports_say_what_they_merged(
    client_as, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert client_as("engineer").get("/architecture/radar/setup/rings/new/").status_code == 403
    response = client_as("architect").post(
        "/architecture/radar/setup/rings/new/",
        {"name": "Retire", "position": "4", "color": "#999999", "description": "Remove it"},
    )
    assert response.status_code == 302
    assert [r.name for r in selectors.rings()] == ["Adopt", "Trial", "Assess", "Hold", "Retire"]
    page = client_as("engineer").get("/architecture/radar/setup/").content.decode()
    assert "Retire" in page.split('id="rings"')[1]
    # 5 rings -> 4: ring i goes to round(i * 3 / 4): 0, 0.75, 1.5, 2.25, 3 -> 0, 1, 2, 2, 3
    # (Python rounds 1.5 to 2): Assess and Hold share one ring.
    warnings = export_radar(tmp_path / "r.csv", "byor-csv", actor=SYSTEM, day=date.today())
    assert warnings == ["rings merged to fit 4: Assess + Hold"]


def test_export_with_a_mapping_of_a_fifth_quadrant(tmp_path: Path) -> None:
    from steward.core.errors import BadInput

    data = services.quadrant_save(actor=SYSTEM, name="Data", position=5)
    tech = services.technology_save(actor=SYSTEM, name="Quokka DB", quadrant=data)
    services.blip_record(
        actor=SYSTEM, technology=tech, day=D(2026, 1, 1), ring=RadarRing.objects.get(name="Trial")
    )
    out = tmp_path / "r.csv"
    merged = export_radar(out, "byor-csv", actor=SYSTEM, day=D(2026, 2, 1))
    assert merged[0].startswith("quadrants ") and "Data" in merged[0]
    warnings = export_radar(
        out, "byor-csv", actor=SYSTEM, day=D(2026, 2, 1), mapping={"data": "Platforms"}
    )
    assert warnings == ["quadrant Data written as Platforms (mapping)"]
    assert "Quokka DB,Trial,Platforms," in out.read_text()
    with pytest.raises(BadInput, match="--map Nope: no such quadrant or ring"):
        export_radar(out, "byor-csv", actor=SYSTEM, day=D(2026, 2, 1), mapping={"Nope": "Tools"})


def test_demo_radar_has_a_year_of_history() -> None:
    """Issue 11 item 6: the demo radar has a year of history with moves both ways and a
    technology taken off the radar, so time travel and the diff show something."""
    days = sorted(BlipEvent.objects.values_list("date", flat=True))
    newest = max(days)
    assert (newest - days[0]).days >= 365
    moves = set(BlipEvent.objects.values_list("moved", flat=True))
    assert {"new", "in", "out"} <= moves
    assert BlipEvent.objects.filter(ring=None).exists()  # taken off the radar
    # Since ten months before the newest entry: added, moved both ways and taken off.
    changed = selectors.radar_diff(actor=SYSTEM, start=newest - timedelta(days=300), end=newest)
    assert {r["change"] for r in changed} >= {"added", "moved in", "moved out", "removed"}
