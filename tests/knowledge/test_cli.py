"""`steward metrics knowledge-map | hotspots | coupling --json` on the demo's billing-core
(demo/knowledge.py): the same dictionaries as the API, in the shapes docs/code-knowledge.md
documents; hand-counted figures as in test_pages.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from steward.cli import app

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.usefixtures("demo_day")]


def _json(*args: str) -> Any:
    result = CliRunner().invoke(app, ["metrics", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_knowledge_map_json() -> None:
    data = _json(
        "knowledge-map", "--repo", "billing-core", "--folder", "legacy/", "--on", "2026-11-27"
    )
    assert list(data) == ["repo", "rev", "on", "folder", "folders", "files", "abandoned"]
    assert (data["repo"], data["on"], data["folder"]) == ("billing-core", "2026-11-27", "legacy")
    # legacy/: the leaver's 3 files, every one abandoned.
    assert data["abandoned"] == 3
    assert sorted(f["path"] for f in data["files"]) == [
        "legacy/batch_export.py",
        "legacy/gateway_v1.py",
        "legacy/reconcile_v1.py",
    ]
    row = data["files"][0]
    assert list(row) == [
        "path",
        "authors",
        "author_count",
        "main_developer",
        "ownership",
        "fragmentation",
        "revisions",
        "abandoned",
    ]
    assert row["author_count"] == 1 and row["authors"][0]["left"] is True
    # The leaver wrote all 12 legacy steps (4 per file, round robin): one author, no
    # fragmentation, all the lines.
    assert (row["revisions"], row["fragmentation"], row["ownership"]) == (4, 0.0, 1.0)
    whole = _json("knowledge-map", "--repo", "billing-core", "--on", "2026-11-27")
    assert [(f["folder"], f["files"], f["abandoned"]) for f in whole["folders"]] == [
        ("legacy", 3, 3),
        ("src", 10, 0),
    ]
    assert len(whole["files"]) == 14


def test_hotspots_json() -> None:
    data = _json("hotspots", "--repo", "billing-core", "--limit", "3")
    assert list(data) == ["repo", "since", "files"]
    assert len(data["files"]) == 3
    top = data["files"][0]
    assert list(top) == [
        "path",
        "revisions",
        "previous_revisions",
        "size",
        "fragmentation",
        "ownership",
    ]
    # totals.py: 13 hero changes (every 4th week of 50) + 17 catalog syncs in the window.
    assert (top["path"], top["revisions"], top["previous_revisions"]) == (
        "src/invoices/totals.py",
        30,
        0,
    )
    # Two authors: 1 − ((13/30)² + (17/30)²).
    assert top["fragmentation"] == round(1 - ((13 / 30) ** 2 + (17 / 30) ** 2), 3)
    # Lines: the initial "# core" plus one line per change (30) = 31 non-blank lines.
    assert top["size"] == 31


def test_coupling_json() -> None:
    data = _json("coupling", "--repo", "billing-core")
    assert list(data) == ["repo", "since", "level", "depth", "pairs"]
    assert (data["level"], data["depth"]) == ("files", None)
    pair = next(p for p in data["pairs"] if p["entity"] == "src/catalog_sync.py")
    assert pair == {
        "entity": "src/catalog_sync.py",
        "coupled": "src/invoices/totals.py",
        "degree": round(17 / ((17 + 30) / 2) * 100, 1),
        "shared": 17,
        "revisions_entity": 17,
        "revisions_coupled": 30,
    }
    folders = _json("coupling", "--repo", "billing-core", "--depth", "2")
    assert (folders["level"], folders["depth"]) == ("folders (2)", 2)


def test_human_output_and_bad_input() -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["metrics", "hotspots", "--repo", "billing-core", "--limit", "1"])
    assert shown.exit_code == 0 and "src/invoices/totals.py: 30 changes" in shown.stdout
    missing = runner.invoke(app, ["metrics", "coupling", "--repo", "nope", "--json"])
    assert missing.exit_code == 2
    bad_day = runner.invoke(
        app, ["metrics", "knowledge-map", "--repo", "billing-core", "--on", "27/11/2026"]
    )
    assert bad_day.exit_code == 2
