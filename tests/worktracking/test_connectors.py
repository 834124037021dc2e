"""The live connectors against recorded API answers (no network): pagination by Link headers,
the token sent, incremental by updated_at, refused tokens named."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses

from steward.core.policy import SYSTEM
from steward.worktracking import connectors
from steward.worktracking.models import PullRequest, Review
from tests.worktracking.conftest import FIXTURES, World

pytestmark = pytest.mark.django_db

API = "https://api.github.com/repos/acme/wt-payments"
GITLAB = "https://gitlab.example.com/api/v4/projects/shop%2Fcheckout"


def _recorded() -> tuple[dict[int, dict[str, Any]], dict[int, list[Any]], list[Any]]:
    """The pull requests, reviews by number, and comments of the GitHub fixture."""
    text = (FIXTURES / "github_pulls.json").read_text()
    decoder = json.JSONDecoder()
    pos, pages = 0, []
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        value, pos = decoder.raw_decode(text, pos)
        pages.append(value)
    pulls = {
        p["number"]: p
        for page in pages
        for p in page
        if "head" in p and p["base"]["repo"]["full_name"] == "acme/wt-payments"
    }
    reviews: dict[int, list[Any]] = {}
    comments: list[Any] = []
    for page in pages:
        for obj in page:
            if "pull_request_url" in obj and "acme/wt-payments" in obj["pull_request_url"]:
                reviews.setdefault(int(obj["pull_request_url"].rsplit("/", 1)[1]), []).append(obj)
            if "issue_url" in obj and "head" not in obj:  # pull requests carry issue_url too
                comments.append(obj)
    return pulls, reviews, comments


def _github(pulls: dict[int, dict[str, Any]], reviews: dict[int, list[Any]], comments: list[Any],
            order: list[int]) -> None:  # fmt: skip
    listed = [
        {k: v for k, v in pulls[n].items() if k not in ("commits", "timeline")} for n in order
    ]
    responses.get(
        f"{API}/pulls",
        json=listed[:2],
        headers={"Link": f'<{API}/pulls?page=2>; rel="next", <{API}/pulls?page=2>; rel="last"'},
        match=[responses.matchers.query_param_matcher(
            {"state": "all", "sort": "updated", "direction": "desc", "per_page": "100"}
        )],
    )  # fmt: skip
    responses.get(
        f"{API}/pulls", json=listed[2:],
        match=[responses.matchers.query_param_matcher({"page": "2"})],
    )  # fmt: skip
    for n in order:
        responses.get(f"{API}/pulls/{n}/reviews", json=reviews.get(n, []))
        responses.get(
            f"{API}/issues/{n}/comments",
            json=[c for c in comments if c["issue_url"].endswith(f"/{n}")],
        )
        responses.get(f"{API}/pulls/{n}/commits", json=pulls[n].get("commits", []))


@responses.activate
def test_github_sync_reads_every_page_then_only_what_changed(world: World) -> None:
    pulls, reviews, comments = _recorded()
    # newest-updated first: #14 (3/11), #13 (3/10), #12 (3/3)
    _github(pulls, reviews, comments, [14, 13, 12])
    result = connectors.pulls_sync(
        actor=SYSTEM, source="github", repo="acme/wt-payments", token="t0ken"
    )
    assert result["since"] is None
    assert result["counts"] == {"added": 3, "changed": 0, "unchanged": 0}
    assert result["requests"] == 2 + 3 * 3  # two pages, then reviews, comments, commits each
    assert responses.calls[0].request.headers["Authorization"] == "Bearer t0ken"
    p12 = PullRequest.objects.get(repo_name="acme/wt-payments", number=12)
    assert p12.merge_commit is not None and p12.commits.count() == 2
    saved = Review.objects.filter(pull_request=p12).values_list("external_id", flat=True)
    assert sorted(saved) == ["comment:9001", "review:801", "review:802"]

    # Second sync: #14 was retitled (updated 3/12); the list stops at #13 (older than the
    # newest stored update, 3/11), so only #14's details are fetched.
    responses.reset()
    pulls[14] = {**pulls[14], "title": "New ledger", "updated_at": "2026-03-12T09:00:00Z"}
    _github(pulls, reviews, comments, [14, 13, 12])
    result = connectors.pulls_sync(
        actor=SYSTEM, source="github", repo="acme/wt-payments", token="t0ken"
    )
    assert result["counts"] == {"added": 0, "changed": 1, "unchanged": 0}
    assert result["requests"] == 1 + 3
    assert PullRequest.objects.get(repo_name="acme/wt-payments", number=14).title == "New ledger"


@responses.activate
def test_a_refused_token_is_named(db: None) -> None:
    responses.get(f"{API}/pulls", status=401, json={"message": "Bad credentials"})
    with pytest.raises(connectors.ConnectorError, match="the token was refused"):
        connectors.pulls_sync(actor=SYSTEM, source="github", repo="acme/wt-payments", token="x")


@responses.activate
def test_gitlab_sync(world: World) -> None:
    [mr] = json.loads((FIXTURES / "gitlab_merge_requests.json").read_text())
    listed = {k: v for k, v in mr.items() if k not in ("approvals", "notes", "commits")}
    responses.get(f"{GITLAB}/merge_requests", json=[listed])
    responses.get(f"{GITLAB}/merge_requests/7/approvals", json=mr["approvals"])
    responses.get(f"{GITLAB}/merge_requests/7/notes", json=mr["notes"])
    responses.get(f"{GITLAB}/merge_requests/7/commits", json=mr["commits"])
    result = connectors.pulls_sync(
        actor=SYSTEM, source="gitlab", repo="shop/checkout", token="glpat",
        api="https://gitlab.example.com/api/v4",
    )  # fmt: skip
    assert result["counts"]["added"] == 1
    assert responses.calls[0].request.headers["PRIVATE-TOKEN"] == "glpat"
    saved = PullRequest.objects.get(source="gitlab", repo_name="shop/checkout", number=7)
    assert saved.reviews.count() == 3 and saved.author.email == "frank@example.test"
    # incremental: the second request asks GitLab only for what changed since
    responses.get(f"{GITLAB}/merge_requests", json=[])
    again = connectors.pulls_sync(
        actor=SYSTEM, source="gitlab", repo="shop/checkout", token="glpat",
        api="https://gitlab.example.com/api/v4",
    )  # fmt: skip
    assert "updated_after=2026-03-04T09%3A00%3A00%2B00%3A00" in responses.calls[-1].request.url
    assert again["fetched"] == 0


@responses.activate
def test_a_used_up_rate_limit_and_a_missing_repository_are_named(db: None) -> None:
    responses.get(
        f"{API}/pulls",
        status=403,
        json={"message": "API rate limit exceeded"},
        headers={"X-RateLimit-Remaining": "0"},
    )
    with pytest.raises(connectors.ConnectorError, match="rate limit is used up"):
        connectors.pulls_sync(actor=SYSTEM, source="github", repo="acme/wt-payments", token="x")
    responses.reset()
    responses.get(f"{GITLAB}/merge_requests", status=404, json={"message": "404 Not Found"})
    with pytest.raises(connectors.ConnectorError, match="not found"):
        connectors.pulls_sync(
            actor=SYSTEM, source="gitlab", repo="shop/checkout", token="x",
            api="https://gitlab.example.com/api/v4",
        )  # fmt: skip
    assert not PullRequest.objects.filter(repo_name__in=["acme/wt-payments", "shop/checkout"])


@responses.activate
def test_cli_reads_the_token_from_the_environment(world: World, monkeypatch: Any) -> None:
    """`steward ingest github OWNER/REPO`: the token comes from GITHUB_TOKEN (or --token-env),
    never from the command line; an empty variable is refused before any request."""
    from typer.testing import CliRunner

    from steward.cli import app

    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    refused = CliRunner().invoke(app, ["ingest", "github", "acme/wt-payments"])
    assert refused.exit_code == 2 and "GITHUB_TOKEN" in refused.output
    assert len(responses.calls) == 0
    pulls, reviews, comments = _recorded()
    _github(pulls, reviews, comments, [14, 13, 12])
    monkeypatch.setenv("MY_TOKEN", "s3cret")
    done = CliRunner().invoke(
        app, ["ingest", "github", "acme/wt-payments", "--token-env", "MY_TOKEN", "--json"]
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["counts"] == {"added": 3, "changed": 0, "unchanged": 0}
    assert responses.calls[0].request.headers["Authorization"] == "Bearer s3cret"
