"""Issue 16 item 5: the demo's pull requests and tracker items belong to the demo repositories
and agree with their commits and deployments (checked against engineering's own rows, not
against the demo step's code)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from steward.demo import builder, linkkeys  # noqa: F401  (builder first: import cycle)
from steward.demo.company import REFERENCE_DATE
from steward.demo.worktracking import DEMO_OWNER, WINDOW_DAYS
from steward.engineering.models import LinkKey, Repository
from steward.worktracking.models import PullRequest, PullRequestCommit, Review, WorkItem

pytestmark = pytest.mark.django_db


def test_every_demo_pull_request_agrees_with_its_commits_and_deployment() -> None:
    pulls = list(
        PullRequest.objects.filter(repo_name__startswith=f"{DEMO_OWNER}/").select_related(
            "repository", "author", "merge_commit__deployment"
        )
    )
    repositories = set(Repository.objects.values_list("name", flat=True))
    assert len(pulls) > 100
    # Every demo repository with commits in the window has pull requests, and every pull
    # request's repository is ingested (none flagged "not ingested").
    assert {p.repository.name for p in pulls if p.repository} == repositories
    assert all(p.repository is not None for p in pulls)
    commits = {
        (c.pull_request_id, c.sha): c
        for c in PullRequestCommit.objects.select_related("commit").filter(pull_request__in=pulls)
    }
    deployed = 0
    for pull in pulls:
        assert pull.repository is not None and pull.author is not None
        assert pull.repo_name == f"{DEMO_OWNER}/{pull.repository.name}"
        assert pull.state == "merged"
        merge = pull.merge_commit
        # the merge commit is an ingested commit of the same repository, merged when it landed
        assert merge is not None and merge.repository_id == pull.repository.pk
        assert merge.sha == pull.merge_commit_sha and pull.merged_at == merge.committed_at
        mine = [c for (pk, _sha), c in commits.items() if pk == pull.pk]
        assert 2 <= len(mine) <= 4
        for row in mine:
            assert row.commit is not None and row.commit.repository_id == pull.repository.pk
            assert row.commit.email == pull.author.email  # one author per pull request
        first = min(row.commit.authored_at for row in mine if row.commit)
        assert first <= pull.created_at <= pull.merged_at
        if merge.deployment is not None:
            deployed += 1
            assert merge.deployment.status == "success"
            assert merge.deployment.environment == "production"
            assert merge.deployment.repository_id == pull.repository.pk
            # The day, not the time: the demo's git history (engineering's demo) has commits
            # whose committer time is later the same day than their child's, so 18 demo merges
            # are deployed a few hours "before" they landed (flow counts that part as 0).
            assert merge.deployment.finished_at.date() >= pull.merged_at.date()
    # Most merges have shipped (the demo deploys its repositories continuously).
    assert deployed > len(pulls) // 2
    reviews = Review.objects.filter(pull_request__in=pulls).select_related(
        "reviewer", "pull_request__author"
    )
    assert reviews.exists()
    for review in reviews:
        assert review.reviewer.email != review.pull_request.author.email  # a teammate
        assert review.pull_request.created_at <= review.submitted_at
        assert review.submitted_at <= review.pull_request.merged_at
    unreviewed = sum(1 for p in pulls if not any(r.pull_request_id == p.pk for r in reviews))
    assert 0 < unreviewed < len(pulls) // 4


def test_every_ticket_a_demo_commit_names_is_a_tracker_item_under_its_teams_epic() -> None:
    since = REFERENCE_DATE - timedelta(days=WINDOW_DAYS)
    projects = set(linkkeys.PROJECT_KEYS.values())
    named = {
        key
        for key in LinkKey.objects.filter(commit__committed_at__date__gte=since).values_list(
            "key", flat=True
        )
        if key.rsplit("-", 1)[0] in projects
    }
    items = {i.key: i for i in WorkItem.objects.filter(source="jira")}
    assert named and named <= set(items)
    epics = {k for k, i in items.items() if i.item_type == "Epic"}
    for team, project in linkkeys.PROJECT_KEYS.items():
        assert {key for key, *_ in linkkeys.epics(team)} <= epics, project
    for item in items.values():
        if item.epic_key:
            assert item.epic_key in epics and item.epic_key.startswith(item.project + "-")
    # every ticket is created before the commits of its repository that name it
    first_named: dict[str, object] = {}
    for key, when in LinkKey.objects.filter(
        key__in=named, commit__committed_at__date__gte=since
    ).values_list("key", "commit__committed_at"):
        first_named[key] = min(when, first_named.get(key, when))  # type: ignore[type-var]
    late = [k for k in named if not items[k].created_at < first_named[k]]  # type: ignore[operator]
    assert late == []
