"""`steward import pulls`: GitHub and GitLab exports in the APIs' own shapes, linked to the
repository, its commits, the merge commit and people; located errors; idempotent re-import."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.worktracking.models import Account, PullRequest, PullRequestCommit, Review
from tests.worktracking.conftest import FIXTURES, A, B, C, World

pytestmark = pytest.mark.django_db


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_github_pages_reviews_and_comments_are_joined(world: World) -> None:
    diff = run_import("pulls", FIXTURES / "github_pulls.json", actor=SYSTEM)
    assert diff.counts()["added"] == 4
    assert any("not-ingested" in w and "kept and flagged" in w for w in diff.warnings)

    p12 = PullRequest.objects.get(repo_name="acme/wt-payments", number=12)
    assert p12.repository == world.repository
    assert p12.state == "merged"
    assert p12.merge_commit is not None and p12.merge_commit.sha == C
    assert p12.author is not None and p12.author.login == "alice"
    # The author's email comes from the commits GitHub lists (lower-cased).
    assert p12.author.email == "alice@example.test"
    assert p12.link_keys == ["PAY-101"]
    assert p12.labels == ["feature"]
    commits = {c.sha: c.commit_id for c in PullRequestCommit.objects.filter(pull_request=p12)}
    assert set(commits) == {A, B} and all(commits.values())
    # Two submitted reviews (the PENDING one is not submitted) and one conversation comment.
    reviews = sorted(Review.objects.filter(pull_request=p12).values_list("external_id", "kind"))
    assert reviews == [
        ("comment:9001", "comment"),
        ("review:801", "review"),
        ("review:802", "review"),
    ]

    p13 = PullRequest.objects.get(repo_name="acme/wt-payments", number=13)
    assert p13.ready_at == _utc("2026-03-10T10:00")
    assert p13.merge_commit is None  # its merge commit is not ingested

    p14 = PullRequest.objects.get(repo_name="acme/wt-payments", number=14)
    assert (
        p14.state == "open" and p14.draft and p14.merged_at is None and p14.merge_commit_sha == ""
    )

    flagged = PullRequest.objects.get(repo_name="acme/not-ingested")
    assert flagged.repository is None  # kept, not dropped
    assert Account.objects.get(source="github", login="renovate[bot]").is_bot


def test_reimport_is_idempotent_and_a_later_export_updates(world: World, tmp_path: Path) -> None:
    run_import("pulls", FIXTURES / "github_pulls.json", actor=SYSTEM)
    again = run_import("pulls", FIXTURES / "github_pulls.json", actor=SYSTEM)
    assert again.counts() == {"added": 0, "changed": 0, "unchanged": 4, "ended": 0}
    assert not again.writes

    pages = (FIXTURES / "github_pulls.json").read_text()
    later = pages.replace('"WIP: new ledger"', '"New ledger"')
    path = tmp_path / "later.json"
    path.write_text(later)
    diff = run_import("pulls", path, actor=SYSTEM)
    changed = diff.of_kind("changed")
    assert [c.key for c in changed] == ["github:acme/wt-payments#14"]
    assert changed[0].fields == {"title": ("WIP: new ledger", "New ledger")}
    assert PullRequest.objects.get(repo_name="acme/wt-payments", number=14).title == "New ledger"


def test_gitlab_merge_request_with_approvals_and_notes(world: World) -> None:
    run_import("pulls", FIXTURES / "gitlab_merge_requests.json", actor=SYSTEM)
    mr = PullRequest.objects.get(source="gitlab", number=7)
    assert mr.repo_name == "shop/checkout" and mr.repository is None
    assert mr.merged_at == _utc("2026-03-03T08:00")
    assert mr.author is not None and mr.author.email == "frank@example.test"
    rows = sorted(
        Review.objects.filter(pull_request=mr).values_list("external_id", "kind", "state")
    )
    # gina's approval has its time from the system note; hank's approval has none.
    assert rows == [
        ("approval:hank", "review", "approved"),
        ("note:501", "comment", "commented"),
        ("note:502", "review", "approved"),
    ]
    assert Review.objects.get(external_id="approval:hank").submitted_at is None
    commit = PullRequestCommit.objects.get(pull_request=mr)
    assert commit.authored_at == _utc("2026-03-01T07:00")


def test_a_mistake_is_located_and_nothing_is_written(world: World, tmp_path: Path) -> None:
    pages = json.loads((FIXTURES / "gitlab_merge_requests.json").read_text())
    pages[0]["created_at"] = "yesterday"
    path = tmp_path / "mrs.json"
    path.write_text(json.dumps(pages, indent=2))
    with pytest.raises(InvalidInput) as caught:
        run_import("pulls", path, actor=SYSTEM)
    [problem] = caught.value.problems
    assert problem.file == str(path) and problem.line == 2 and problem.column == "created_at"
    assert "'yesterday' is not a time" in problem.message
    assert not PullRequest.objects.filter(source="gitlab").exists()


def test_broken_json_names_line_and_character(tmp_path: Path, db: None) -> None:
    path = tmp_path / "pulls.json"
    path.write_text('[\n  {"number": 1,\n   "head": }\n]\n')
    with pytest.raises(InvalidInput) as caught:
        run_import("pulls", path, actor=SYSTEM)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (
        3,
        "character 12",
    )  # `   "head": }`: the brace is the 12th
    assert "not valid JSON" in problem.message


def test_a_review_of_a_pull_request_not_in_the_file(tmp_path: Path, db: None) -> None:
    path = tmp_path / "reviews.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": 5,
                    "user": {"login": "x", "type": "User"},
                    "state": "APPROVED",
                    "submitted_at": "2026-01-01T00:00:00Z",
                    "pull_request_url": "https://api.github.com/repos/o/r/pulls/9",
                    "commit_id": "0" * 40,
                }
            ]
        )
    )
    with pytest.raises(InvalidInput) as caught:
        run_import("pulls", path, actor=SYSTEM)
    assert "o/r#9, which is not in the file" in str(caught.value)


def test_the_repository_arrives_later(world: World, tmp_path: Path) -> None:
    run_import("pulls", FIXTURES / "github_pulls.json", actor=SYSTEM)
    from tests.factories import RepositoryFactory

    repo = RepositoryFactory(name="not-ingested", team=world.team)
    diff = run_import("pulls", FIXTURES / "github_pulls.json", actor=SYSTEM)
    [change] = diff.of_kind("changed")
    assert change.key == "github:acme/not-ingested#3"
    assert change.fields["repository_id"] == (None, repo.pk)
    assert PullRequest.objects.get(repo_name="acme/not-ingested").repository == repo


def test_the_import_commands_with_json(world: World, tmp_path: Path) -> None:
    """`steward import pulls FILE --json` and `steward import issues FILE --json` (issue 16
    items 1, 2, 5): the diff as JSON; a malformed file exits 2 with file and position."""
    from typer.testing import CliRunner

    from steward.cli import app

    done = CliRunner().invoke(
        app, ["import", "pulls", str(FIXTURES / "github_pulls.json"), "--json"]
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["counts"]["added"] == 4
    issues = CliRunner().invoke(
        app, ["import", "issues", str(FIXTURES / "linear_issues.csv"), "--json"]
    )
    assert issues.exit_code == 0, issues.output
    assert json.loads(issues.output)["counts"]["added"] > 0
    broken = tmp_path / "pulls.json"
    broken.write_text('[\n  {"number": 1,\n   "head": }\n]\n')
    refused = CliRunner().invoke(app, ["import", "pulls", str(broken), "--json"])
    assert refused.exit_code == 2
    [problem] = json.loads(refused.stdout)["problems"]
    assert (problem["file"], problem["line"], problem["column"]) == (
        str(broken), 3, "character 12",
    )  # fmt: skip
