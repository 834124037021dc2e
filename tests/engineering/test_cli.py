"""The engineering commands: exit codes and the --json shapes of CONTRACT.md / METRICS.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from steward.cli import app
from tests.engineering.gitfixtures import build_tricky, git_contributors

pytestmark = pytest.mark.django_db(transaction=False)


def test_ingest_contributors_and_dora(tmp_path: Path) -> None:
    runner = CliRunner()
    repo = tmp_path / "cli-repo"
    build_tricky(repo)
    result = runner.invoke(app, ["ingest", "git", str(repo), str(tmp_path / "missing"), "--json"])
    assert result.exit_code == 1
    rows = {r["repo"]: r for r in json.loads(result.stdout)}
    assert rows["cli-repo"]["ok"] and not rows["missing"]["ok"]
    result = runner.invoke(app, ["metrics", "contributors", "--repo", "cli-repo", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["repo"] == "cli-repo"
    assert {
        r["email"]: (r["commits"], r["added"], r["deleted"]) for r in data["contributors"]
    } == git_contributors(repo)
    assert all(
        set(r) == {"email", "name", "commits", "added", "deleted"} for r in data["contributors"]
    )
    result = runner.invoke(
        app,
        [
            "metrics",
            "dora",
            "--repo",
            "cli-repo",
            "--from",
            "2026-01-01",
            "--to",
            "2026-04-01",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    dora = json.loads(result.stdout)
    assert dora["from"] == "2026-01-01" and dora["repo"] == "cli-repo" and dora["team"] is None
    assert dora["lead_time_for_changes"]["level"] == "no data"
    result = runner.invoke(app, ["metrics", "dora", "--repo", "nope", "--json"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["metrics", "dora", "--from", "2026-13-01", "--json"])
    assert result.exit_code == 2


def test_demo_teams_differ_in_their_four_keys() -> None:
    runner = CliRunner()
    levels = {}
    for team in ("checkout", "payments", "identity", "mobile"):
        result = runner.invoke(
            app,
            [
                "metrics",
                "dora",
                "--team",
                team,
                "--from",
                "2026-08-01",
                "--to",
                "2026-11-27",
                "--json",
            ],
        )
        assert result.exit_code == 0, result.output
        levels[team] = json.loads(result.stdout)["deployment_frequency"]["level"]
    assert levels["checkout"] == "elite"
    assert levels["payments"] == "high"
    assert len(set(levels.values())) >= 3
