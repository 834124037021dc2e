"""The engineering commands: exit codes and the --json shapes of CONTRACT.md / METRICS.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from steward.cli import app
from steward.engineering import ingest
from steward.engineering.models import Commit, Repository
from tests.engineering.gitfixtures import build_tricky, commit, git_contributors, init, run

pytestmark = pytest.mark.django_db(transaction=False)


def test_ingest_contributors_and_dora(tmp_path: Path) -> None:
    runner = CliRunner()
    repo = tmp_path / "cli-repo"
    build_tricky(repo)
    result = runner.invoke(app, ["ingest", "git", str(repo), str(tmp_path / "missing"), "--json"])
    assert result.exit_code == 2  # bad input: nothing is ingested, not even the good path
    assert "missing: no such file or folder" in result.output
    assert not Repository.objects.filter(name="cli-repo").exists()
    result = runner.invoke(app, ["ingest", "git", str(repo), "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["repo"]: r for r in json.loads(result.stdout)}
    assert rows["cli-repo"]["ok"]
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


def test_ingest_of_a_path_that_is_not_a_repository_exits_2(tmp_path: Path) -> None:
    runner = CliRunner()
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "notes").mkdir()
    (tmp_path / "file.txt").write_text("x")
    for path, expected in (
        (plain, "not a git repository, and no repository directly inside it"),
        (tmp_path / "file.txt", "not a folder"),
        (tmp_path / "nowhere", "no such file or folder"),
    ):
        result = runner.invoke(app, ["ingest", "git", str(path)])
        assert result.exit_code == 2, result.output
        assert expected in " ".join(result.output.split())
    assert not Repository.objects.filter(name__in=["plain", "file.txt", "nowhere"]).exists()


def test_ingest_says_when_head_names_a_branch_that_does_not_exist(tmp_path: Path) -> None:
    repo = init(tmp_path / "headless")
    (repo / "f").write_text("1\n")
    commit(repo, "one")
    run(repo, "symbolic-ref", "HEAD", "refs/heads/gone")
    result = CliRunner().invoke(app, ["ingest", "git", str(repo), "--json"])
    assert result.exit_code == 1
    [row] = json.loads(result.stdout)
    assert "HEAD names branch 'gone', which does not exist (branches: main)" in row["error"]
    assert "no commits" not in row["error"]
    empty = init(tmp_path / "empty")
    result = CliRunner().invoke(app, ["ingest", "git", str(empty), "--json"])
    assert (
        "HEAD names branch 'main', which does not exist: the repository has no commits"
        in (json.loads(result.stdout)[0]["error"])
    )


def test_an_ingest_whose_write_gave_up_converges_on_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    repo = init(tmp_path / "busy-repo")
    for n in range(7):
        (repo / "f").write_text(f"{n}\n")
        commit(repo, f"c{n}", when=f"2026-02-0{n + 1}T10:00:00+00:00")
    monkeypatch.setattr(ingest, "BATCH", 2)
    real_write = ingest._Writer.write
    calls = []

    def write_then_give_up(self, repo_id, batch, fresh=False):  # type: ignore[no-untyped-def]
        calls.append(len(batch))
        if len(calls) == 2:
            raise OperationalError("database is locked")
        return real_write(self, repo_id, batch, fresh)

    monkeypatch.setattr(ingest._Writer, "write", write_then_give_up)
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", "git", str(repo), "--json"])
    assert result.exit_code == 1
    [row] = json.loads(result.stdout)
    assert "the database is busy" in row["error"] and "retrying is safe" in row["error"]
    stored = Repository.objects.get(name="busy-repo")
    assert Commit.objects.filter(repository=stored).count() == 2  # the first batch only
    assert stored.head_sha == ""  # not marked as ingested up to HEAD
    monkeypatch.setattr(ingest._Writer, "write", real_write)
    result = runner.invoke(app, ["ingest", "git", str(repo), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["new_commits"] == 5
    shas = set(run(repo, "rev-list", "HEAD").decode().split())
    assert set(Commit.objects.filter(repository=stored).values_list("sha", flat=True)) == shas
    assert (
        Repository.objects.get(pk=stored.pk).head_sha
        == run(repo, "rev-parse", "HEAD").decode().strip()
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--from", "0001-01-01"], "--from 0001-01-01: must be between 1970-01-01 and 2100-12-31"),
        (["--to", "9999-12-31"], "--to 9999-12-31: must be between 1970-01-01 and 2100-12-31"),
        (["--from", "1970-01-01", "--to", "2100-01-01"], "at most 3653 (ten years)"),
        (["--from", "2026-02-01", "--to", "2026-01-01"], "must be before --to 2026-01-01"),
    ],
)
def test_dora_periods_out_of_bounds_exit_2(args: list[str], words: str) -> None:
    result = CliRunner().invoke(app, ["metrics", "dora", *args, "--json"])
    assert result.exit_code == 2, result.output
    assert words in " ".join(result.output.split())
