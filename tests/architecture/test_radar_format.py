"""Radar files (FORMATS.md 2): each format read from hand-written files, written, and a
written file re-read and re-written byte for byte; degrading to 4 x 4 says what was merged."""

from __future__ import annotations

import json
from datetime import date

import pytest

from steward.architecture import radar_format as rf

BYOR_CSV = (
    "\ufeffname,ring,quadrant,isNew,status,description\n"
    'PostgreSQL,Adopt,Platforms,FALSE,No Change,"<p>Default relational store.</p>"\n'
    'Go,trial,Languages and Frameworks,TRUE,,<p>Fast <a href="https://go.dev">link</a></p>\n'
    "Jenkins,Hold,Tools,FALSE,Moved Out,\n"
)


def test_byor_csv_reads_names_rings_quadrants_and_status() -> None:
    doc = rf.read("radar.csv", BYOR_CSV, date(2026, 3, 1), quadrants=[], rings=[])
    assert doc.snapshot
    by_key = {e.key: e for e in doc.entries}
    assert set(by_key) == {"postgresql", "go", "jenkins"}
    # "and" -> "&"; the ring compared case-insensitively, named as BYOR's default.
    assert dict(doc.quadrants)["languages-frameworks"] == "Languages & Frameworks"
    assert by_key["go"].timeline[0].ring == "trial"
    assert by_key["go"].timeline[0].moved == "new"  # isNew TRUE, no status
    assert by_key["jenkins"].timeline[0].moved == "out"  # status overrides isNew
    assert by_key["postgresql"].description == "Default relational store."
    assert by_key["go"].description == "Fast [link](https://go.dev)"
    assert [r["name"] for r in doc.rings] == ["Adopt", "trial", "Hold"]  # BYOR order


def test_byor_problems_name_the_line() -> None:
    text = (
        "name,ring,quadrant,isNew,status,description\nX,,Tools,FALSE,,\nY,Adopt,Tools,,Sideways,\n"
    )
    with pytest.raises(ExceptionGroup) as info:
        rf.read("r.csv", text, date(2026, 1, 1), quadrants=[], rings=[])
    lines = sorted(e.line for e in info.value.exceptions)  # type: ignore[attr-defined]
    assert lines == [2, 3]


ZALANDO = {
    "date": "2025.03",
    "entries": [
        {"label": "PostgreSQL", "quadrant": 1, "ring": 0, "moved": 0, "active": True},
        {
            "label": "Rust",
            "quadrant": 2,
            "ring": 2,
            "moved": 2,
            "active": True,
            "link": "https://r",
        },
        {"label": "Jenkins", "quadrant": 3, "ring": 3, "moved": -1, "active": False},
    ],
}


def test_zalando_indexes_use_the_given_names_and_its_date() -> None:
    doc = rf.read(
        "radar.json",
        json.dumps(ZALANDO),
        date(2026, 1, 1),
        quadrants=["Q0", "Q1", "Q2", "Q3"],
        rings=["R0", "R1", "R2", "R3"],
    )
    assert doc.entries[0].timeline[0].date == date(2025, 3, 1)
    rust = doc.entries[1]
    assert (rust.quadrant, rust.timeline[0].ring, rust.timeline[0].moved) == ("q2", "r2", "new")
    assert rust.links == [{"url": "https://r", "title": "Rust"}]
    assert doc.entries[2].active is False and doc.entries[2].timeline[0].moved == "out"


BACKSTAGE = {
    "quadrants": [{"id": "platforms", "name": "Platforms"}, {"id": "tools", "name": "Tools"}],
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


def test_backstage_timeline_is_newest_first() -> None:
    doc = rf.read("r.json", json.dumps(BACKSTAGE), date(2026, 1, 1), quadrants=[], rings=[])
    pg = doc.entries[0]
    assert [(p.date, p.ring, p.moved) for p in pg.timeline] == [
        (date(2025, 3, 4), "adopt", "in"),
        (date(2024, 6, 1), "trial", "unchanged"),
    ]


@pytest.mark.parametrize("fmt", rf.FORMATS)
def test_written_files_reimport_and_rewrite_byte_for_byte(fmt: str) -> None:
    doc = rf.read("r.json", json.dumps(BACKSTAGE), date(2026, 1, 1), quadrants=[], rings=[])
    doc.entries.append(
        rf.Entry("go", "Go", "tools", "Fast", [], [rf.Point(date(2025, 1, 2), "trial", "new")])
    )
    first, _ = rf.write(doc, fmt, date(2025, 3, 4))
    name = "radar.csv" if fmt == "byor-csv" else "radar.json"
    names = [n for _q, n in doc.quadrants] + ["Extra 1", "Extra 2"]
    again = rf.read(
        name, first, date(2025, 3, 4), quadrants=names, rings=[r["name"] for r in doc.rings]
    )
    second, _ = rf.write(again, fmt, date(2025, 3, 4))
    assert second == first
    if fmt == "backstage":  # lossless: the original file's content, key for key
        assert json.loads(first)["entries"][0] == BACKSTAGE["entries"][0]


def test_byor_csv_writes_both_isnew_and_status_and_allowed_html() -> None:
    doc = rf.RadarDoc(
        quadrants=[("tools", "Tools")],
        rings=[{"id": "adopt", "name": "Adopt", "color": "", "description": ""}],
        entries=[
            rf.Entry(
                "go",
                "Go",
                "tools",
                "**Fast**, see [docs](https://go.dev)\n\n<script>x</script>",
                timeline=[rf.Point(date(2025, 1, 1), "adopt", "new")],
            )
        ],
    )
    text, warnings = rf.write(doc, "byor-csv", date(2025, 1, 1))
    assert warnings == []
    assert text.splitlines()[0] == "name,ring,quadrant,isNew,status,description"
    row = text.splitlines()[1]
    assert row.startswith("Go,Adopt,Tools,TRUE,New,")
    assert "<strong>Fast</strong>" in row and 'href=""https://go.dev""' in row
    assert "<script>" not in row


def test_degrading_six_rings_and_five_quadrants_says_what_was_merged() -> None:
    rings = [{"id": f"r{i}", "name": f"R{i}", "color": "", "description": ""} for i in range(6)]
    quadrants = [(f"q{i}", f"Q{i}") for i in range(5)]
    q_index, r_index, warnings = rf.degrade(rf.RadarDoc(quadrants=quadrants, rings=rings))
    # ring i of 6 -> round(i * 3 / 5): 0, 0.6, 1.2, 1.8, 2.4, 3 -> 0, 1, 1, 2, 2, 3
    assert [r_index[f"r{i}"] for i in range(6)] == [0, 1, 1, 2, 2, 3]
    assert [q_index[f"q{i}"] for i in range(5)] == [0, 1, 2, 3, 3]
    assert warnings == [
        "quadrants Q3, Q4 merged into one (the format has exactly 4)",
        "rings merged to fit 4: R1 + R2; R3 + R4",
    ]


def test_detect_formats() -> None:
    assert rf.detect("x.csv", "") == "byor-csv"
    assert rf.detect("x.json", "[]") == "byor-json"
    assert rf.detect("x.json", json.dumps(ZALANDO)) == "zalando"
    assert rf.detect("x.json", json.dumps(BACKSTAGE)) == "backstage"
    with pytest.raises(rf.RadarFileError):
        rf.detect("x.json", '{"a": 1}')


def test_svg_cells_keep_blips_apart() -> None:
    import math
    from itertools import combinations

    from steward.architecture.radar_svg import BLIP_R, RADIUS, cell_positions

    inner_edge = RADIUS * 1.5 / 4.5  # the innermost of 4 rings: 1.5 of 4.5 shares of 340 units
    assert round(inner_edge, 2) == 113.33
    places = cell_positions(10, -math.pi / 2, math.pi / 2, 0, inner_edge)
    assert len(places) == 10
    points = [(r * math.cos(a), r * math.sin(a)) for a, r in places]
    closest = min(math.dist(p, q) for p, q in combinations(points, 2))
    assert BLIP_R == 10 and closest >= 20  # blips are circles of radius 10: they never touch
    assert all(-math.pi / 2 < a < 0 and 0 < r < inner_edge for a, r in places)
    # Rows 26, 48, 70 and 92 units out hold 1, 2, 3 and 5 blips (arc less 14 units at each end,
    # 22 units a blip); 10 blips: 0, 1, 2, 4 in proportion, the 3 left to the outer rows first.
    assert sorted({round(r) for _a, r in places}) == [48, 70, 92]
    # Two blips in the outermost ring (264 to 340 units) share the outer row, a quarter of the
    # quadrant apart, rather than line up one a row at the same angle.
    two = cell_positions(2, -math.pi / 2, math.pi / 2, RADIUS * 3.5 / 4.5, RADIUS)
    assert [round(r) for _a, r in two] == [321, 321]
    assert math.dist(*[(r * math.cos(a), r * math.sin(a)) for a, r in two]) > 200


def _six_by_five() -> rf.RadarDoc:
    """Quadrants Q0..Q4 (q0..q4), rings R0..R5 (r0..r5), one blip per quadrant in ring i."""
    rings = [{"id": f"r{i}", "name": f"R{i}", "color": "", "description": ""} for i in range(6)]
    quadrants = [(f"q{i}", f"Q{i}") for i in range(5)]
    entries = [
        rf.Entry(f"t{i}", f"T{i}", f"q{i}", "", [], [rf.Point(date(2025, 1, 1), f"r{i}", "new")])
        for i in range(5)
    ]
    return rf.RadarDoc(quadrants=quadrants, rings=rings, entries=entries)


def test_a_mapping_chooses_where_extra_quadrants_and_rings_go() -> None:
    doc = _six_by_five()
    # Q4 written as Q1 (by name), r1 as r0 and R4 as r5 (by id or name, any case): four
    # quadrants and four rings are left, so nothing else is merged.
    mapping = {"q4": "Q1", "R1": "r0", "r4": "R5"}
    q_index, r_index, warnings = rf.degrade(doc, mapping)
    assert [q_index[f"q{i}"] for i in range(5)] == [0, 1, 2, 3, 1]
    # Rings left: r0, r2, r3, r5 -> 0, 1, 2, 3; r1 goes with r0, r4 with r5.
    assert [r_index[f"r{i}"] for i in range(6)] == [0, 0, 1, 2, 3, 3]
    assert warnings == [
        "quadrant Q4 written as Q1 (mapping)",
        "ring R1 written as R0 (mapping)",
        "ring R4 written as R5 (mapping)",
    ]
    text, _ = rf.write(doc, "byor-csv", date(2025, 3, 4), mapping)
    rows = {line.split(",")[0]: line.split(",")[1:3] for line in text.splitlines()[1:]}
    assert rows == {
        "T0": ["R0", "Q0"],
        "T1": ["R0", "Q1"],
        "T2": ["R2", "Q2"],
        "T3": ["R3", "Q3"],
        "T4": ["R5", "Q1"],
    }
    zalando = json.loads(rf.write(doc, "zalando", date(2025, 3, 4), mapping)[0])
    assert [q["name"] for q in zalando["quadrants"]] == ["Q0", "Q1", "Q2", "Q3"]
    assert [r["name"] for r in zalando["rings"]] == ["R0", "R2", "R3", "R5"]


def test_a_partial_mapping_still_merges_and_bad_mappings_are_refused() -> None:
    doc = _six_by_five()
    q_index, _r, warnings = rf.degrade(doc, {"Q0": "Q1"})
    # Left: Q1..Q4 (four), so Q4 keeps its own quadrant; the rings still merge.
    assert [q_index[f"q{i}"] for i in range(5)] == [0, 0, 1, 2, 3]
    assert warnings[0] == "quadrant Q0 written as Q1 (mapping)"
    assert warnings[1] == "rings merged to fit 4: R1 + R2; R3 + R4"
    with pytest.raises(rf.MappingError, match="no quadrant called 'Nowhere'"):
        rf.degrade(doc, {"Q4": "Nowhere"})
    with pytest.raises(rf.MappingError, match="is itself mapped away"):
        rf.degrade(doc, {"Q4": "Q3", "Q3": "Q2"})
