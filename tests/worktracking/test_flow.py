"""Cycle time per METRICS.md, computed by hand from the fixtures (see the comments)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User

from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.worktracking import flow, selectors
from steward.worktracking.models import PullRequest
from tests.worktracking.conftest import FIXTURES, World

pytestmark = pytest.mark.django_db

MARCH = (date(2026, 3, 1), date(2026, 4, 1))


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def imported(world: World) -> World:
    run_import("pulls", FIXTURES / "github_pulls.json", actor=SYSTEM)
    run_import("pulls", FIXTURES / "gitlab_merge_requests.json", actor=SYSTEM)
    return world


def test_parts_of_one_pull_request() -> None:
    # first commit 09:00, opened 17:00, first review next day 09:00, merged 12:00, deployed
    # the day after at 10:00: 8 + 16 + 3 + 22 hours.
    parts = flow.cycle_parts(
        flow.PullTimes(
            opened=_utc("2026-03-02T17:00"),
            merged=_utc("2026-03-03T12:00"),
            first_commit=_utc("2026-03-02T09:00"),
            first_response=_utc("2026-03-03T09:00"),
            deployed=_utc("2026-03-04T10:00"),
        )
    )
    assert parts == {"coding": 8.0, "pickup": 16.0, "review": 3.0, "deploy": 22.0, "total": 49.0}


def test_negative_parts_count_as_zero_and_no_response_means_pickup_until_merge() -> None:
    # A commit authored after the pull request was opened (rebased) and a deployment recorded
    # before the merge (clock skew): both parts are 0, not negative.
    parts = flow.cycle_parts(
        flow.PullTimes(
            opened=_utc("2026-03-02T10:00"),
            merged=_utc("2026-03-02T16:00"),
            first_commit=_utc("2026-03-02T12:00"),
            deployed=_utc("2026-03-02T15:00"),
        )
    )
    assert parts == {"coding": 0.0, "pickup": 6.0, "review": 0.0, "deploy": 0.0, "total": 6.0}


def test_rows_per_pull_request(imported: World) -> None:
    rows = {r["key"]: r for r in selectors.flow_rows(start=MARCH[0], end=MARCH[1])}
    assert set(rows) == {
        "acme/wt-payments#12",
        "acme/wt-payments#13",
        "acme/not-ingested#3",
        "shop/checkout!7",
    }
    p12 = rows["acme/wt-payments#12"]
    assert (p12["coding"], p12["pickup"], p12["review"], p12["deploy"]) == (8, 16, 3, 22)
    assert p12["team"] == "f-payments" and p12["week"] == date(2026, 3, 2)
    # no additions/deletions in the /pulls list: the linked commits' lines, 10+2 + 5+3
    assert p12["size"] == 20 and p12["reviewed"]
    p13 = rows["acme/wt-payments#13"]
    # draft until 3/10 10:00; the author's own comment is no pickup; merged 14:00
    assert (p13["coding"], p13["pickup"], p13["review"], p13["deploy"]) == (None, 4, 0, None)
    assert not p13["reviewed"] and p13["size"] is None
    bot = rows["acme/not-ingested#3"]
    # only a bot approved: opened 3/4 00:00, merged 3/5 00:00, no pickup before the merge
    assert (bot["pickup"], bot["review"], bot["team"]) == (24, 0, None)
    assert not bot["reviewed"]
    mr = rows["shop/checkout!7"]
    # first commit 3/1 08:00+01:00 = 07:00Z, opened 3/2 08:00, gina's note 20:00, merged 3/3 08:00
    assert (mr["coding"], mr["pickup"], mr["review"], mr["deploy"]) == (25, 12, 12, None)
    assert mr["reviewed"]


def test_report_medians_and_p75_by_hand(imported: World) -> None:
    report = selectors.flow_report(actor=SYSTEM, start=MARCH[0], end=MARCH[1])
    ct = report["cycle_time"]
    assert ct["pull_requests"] == 4
    # coding [8, 25]: median 16.5, p75 = 8 + 0.75 * 17
    assert ct["coding"] == {"count": 2, "median_hours": 16.5, "p75_hours": 20.75}
    # pickup [4, 12, 16, 24]: median 14, p75 at rank 2.25 = 16 + 0.25 * 8
    assert ct["pickup"] == {"count": 4, "median_hours": 14.0, "p75_hours": 18.0}
    # review [0, 0, 3, 12]: median 1.5, p75 = 3 + 0.25 * 9
    assert ct["review"] == {"count": 4, "median_hours": 1.5, "p75_hours": 5.25}
    assert ct["deploy"] == {"count": 1, "median_hours": 22.0, "p75_hours": 22.0}
    # total [4, 24, 49, 49]: median 36.5, p75 = 49
    assert ct["total"] == {"count": 4, "median_hours": 36.5, "p75_hours": 49.0}
    assert report["size"] == {"count": 1, "median_lines": 20.0, "p75_lines": 20.0}
    assert report["unreviewed_merges"] == {"merged": 4, "unreviewed": 2, "rate": 0.5}
    teams = {t["team"]: t for t in report["by_team"]}
    # f-payments: #12 (49 h) and #13 (4 h): median 26.5, p75 = 4 + 0.75 * 45
    assert teams["f-payments"]["total"] == {"count": 2, "median_hours": 26.5, "p75_hours": 37.75}
    weeks = [(r["team"], r["week"], r["pull_requests"]) for r in report["by_team_week"]]
    assert weeks == [
        ("f-payments", date(2026, 3, 2), 1),
        ("f-payments", date(2026, 3, 9), 1),
        (None, date(2026, 3, 2), 2),
    ]
    only = selectors.flow_report(actor=SYSTEM, start=MARCH[0], end=MARCH[1], team="f-payments")
    assert only["cycle_time"]["pull_requests"] == 2


def test_review_load_follows_individual_activity(imported: World) -> None:
    cto = User.objects.get(username="cto")
    load = selectors.review_load(actor=cto, start=MARCH[0], end=MARCH[1])
    # carol: two reviews of #12; gina: the approval note on !7; alice's comment-review of her
    # own #13 and the bot's approval do not count; hank's approval has no time.
    assert load["reviews"] == 3
    assert [(r["name"], r["reviews"]) for r in load["reviewers"]] == [
        (imported.carol.name, 2),
        ("gina", 1),
    ]
    engineer = User.objects.get(username="engineer")
    hidden = selectors.review_load(actor=engineer, start=MARCH[0], end=MARCH[1])
    assert hidden["reviewers"] == []
    assert hidden["others"] == {"reviewers": 2, "reviews": 3}


def test_api_and_page(imported: World, client_as: Any) -> None:
    client = client_as("cto")
    body = client.get("/api/v1/worktracking/cycle-time?from=2026-03-01&to=2026-04-01").json()
    assert body["cycle_time"]["total"]["median_hours"] == 36.5
    page = client.get(
        "/api/v1/worktracking/pull-requests?repo=acme/wt-payments&state=merged&limit=1"
    ).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    flagged = client.get("/api/v1/worktracking/pull-requests?unlinked=true").json()
    assert {i["repository"] for i in flagged["items"]} == {"acme/not-ingested", "shop/checkout"}
    html = client.get("/work/flow/?from=2026-03-01&to=2026-04-01").content.decode()
    assert "36.5" in html and "acme/wt-payments#12" in html and "Factory payments" in html
    pk = PullRequest.objects.get(number=12, repo_name="acme/wt-payments").pk
    detail = client.get(f"/work/pulls/{pk}/").content.decode()
    assert "22" in detail and "aaaaaaaaaa" in detail


def test_cli_json(imported: World, capsys: Any) -> None:
    from typer.testing import CliRunner

    from steward.cli import app

    result = CliRunner().invoke(
        app, ["metrics", "cycle-time", "--from", "2026-03-01", "--to", "2026-04-01", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["cycle_time"]["pickup"]["median_hours"] == 14.0


def test_percentile_equals_numpys_default() -> None:
    import random

    import numpy as np

    rng = random.Random(16)
    for size in range(1, 40):
        values = [rng.uniform(0, 500) for _ in range(size)]
        for q in (25, 50, 75, 90):
            assert flow.percentile(values, q) == pytest.approx(float(np.percentile(values, q)))
    assert flow.percentile([], 75) is None


def test_a_repository_ingested_after_the_import_counts_at_once(imported: World) -> None:
    from steward.engineering.models import Deployment
    from tests.factories import CommitFactory, RepositoryFactory

    repo = RepositoryFactory(name="not-ingested", team=imported.team)
    merge = CommitFactory(repository=repo, sha="2" * 40, authored_at=_utc("2026-03-05T00:00"))
    merge.deployment = Deployment.objects.create(
        external_id="wt-dep-2", repository=repo, repo_name="not-ingested", sha="2" * 40,
        environment="production", status="success", finished_at=_utc("2026-03-05T06:00"),
        source="csv",
    )  # fmt: skip
    merge.save()
    rows = {r["key"]: r for r in selectors.flow_rows(start=MARCH[0], end=MARCH[1])}
    assert rows["acme/not-ingested#3"]["deploy"] == 6.0  # merged 00:00, deployed 06:00


def test_search_and_team_panel(imported: World, monkeypatch: Any) -> None:
    from steward.core import registry
    from steward.worktracking import panels

    hits = [r.title for r in registry.search(SYSTEM, "instant payouts", limit=5)]
    assert "acme/wt-payments#12 · PAY-101: instant payouts" in hits
    monkeypatch.setattr(panels.timezone, "localdate", lambda: date(2026, 3, 20))
    panel = panels.team_flow(SYSTEM, imported.team)
    # f-payments merged #12 (49 h, reviewed) and #13 (4 h, unreviewed) in the 90 days
    assert [(r.label, r.value) for r in panel.rows] == [
        ("Merged pull requests", "2"),
        ("Median cycle time", "26.5 h"),
        ("Merged without review", "1 of 2"),
    ]
    assert "team=f-payments" in panel.more_url


def test_flow_page_team_by_name_or_slug(imported: World, client_as: Any) -> None:
    import re

    client = client_as("cto")
    period = {"from": "2026-03-01", "to": "2026-04-01"}
    by_slug = client.get("/work/flow/", {**period, "team": "f-payments"})
    by_name = client.get("/work/flow/", {**period, "team": "Factory payments"})
    assert by_slug.status_code == by_name.status_code == 200

    def figures(body: str) -> str:
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
        return re.sub(r'<form method="get" class="filters.*?</form>', "", body, flags=re.S)

    assert figures(by_slug.content.decode()) == figures(by_name.content.decode())
    whole = client.get("/work/flow/", period).content.decode()
    assert figures(whole) != figures(by_name.content.decode())
    # The team's numbers: its pull requests only (the report computed for the team).
    only = selectors.flow_report(actor=SYSTEM, start=MARCH[0], end=MARCH[1], team="f-payments")
    body = by_name.content.decode()
    assert f'#pulls">{only["cycle_time"]["pull_requests"]}</a>' in body
    assert 'hx-get="/org/pick/teams/?field=team"' in body and '<select name="team"' not in body
    bad = client.get("/work/flow/", {**period, "team": "Nowhere Team"})
    assert bad.status_code == 400
    assert "no team named &#x27;Nowhere Team&#x27;: pick one from the list" in bad.content.decode()
    assert 'id="cycle-time"' not in bad.content.decode()


def test_a_pull_request_of_a_repository_not_ingested_is_shown_flagged(
    imported: World, client_as: Any
) -> None:
    """Issue 16 "Bad input": kept and flagged, not dropped — on the pages as in the API."""
    client = client_as("engineer")
    flagged = client.get("/work/pulls/?unlinked=1").content.decode()
    assert "acme/not-ingested#3" in flagged and "not ingested" in flagged
    assert "acme/wt-payments#12" not in flagged
    pk = PullRequest.objects.get(repo_name="acme/not-ingested").pk
    detail = client.get(f"/work/pulls/{pk}/").content.decode()
    assert "The repository acme/not-ingested is not ingested" in detail


def test_the_pull_request_list_pages_keep_their_filter(client_as: Any) -> None:
    """The demo has more than one page of merged pull requests; Next keeps `state=merged`."""
    page = client_as("engineer").get("/work/pulls/?state=merged").content.decode()
    assert "?state=merged&amp;page=2" in page


def test_flow_figures_kept_until_the_data_version_moves(imported: World, client_as: Any) -> None:
    """The report, the page's drill-down and review load are kept in core's datacache: equal to
    the computation from the rows, served unchanged while only unaudited writes happen, and
    computed again after an audited one (every import or edit is one)."""
    from django.core.cache import cache

    cache.clear()
    direct = selectors.flow_report(
        actor=SYSTEM,
        start=MARCH[0],
        end=MARCH[1],
        rows=selectors.flow_rows(start=MARCH[0], end=MARCH[1]),
    )
    assert selectors.flow_report(actor=SYSTEM, start=MARCH[0], end=MARCH[1]) == direct
    cto = User.objects.get(username="cto")
    report, shown, total = selectors.flow_page(
        actor=cto, start=MARCH[0], end=MARCH[1], team=None, week=None, drill_team=None,
        unreviewed=True, shown=1,
    )  # fmt: skip
    assert report == direct and total == 2 and len(shown) == 1 and not shown[0]["reviewed"]
    load = selectors.review_load(actor=cto, start=MARCH[0], end=MARCH[1])
    # A write past the audit log (no import does this) leaves the kept figures as they were.
    PullRequest.objects.filter(state="merged").update(state="closed")
    assert selectors.flow_report(actor=SYSTEM, start=MARCH[0], end=MARCH[1]) == direct
    assert selectors.review_load(actor=cto, start=MARCH[0], end=MARCH[1]) == load
    page = client_as("cto").get("/work/flow/", {"from": "2026-03-01", "to": "2026-04-01"})
    assert f'#pulls">{direct["cycle_time"]["pull_requests"]}</a>' in page.content.decode()
    # An audited save moves the data version: nothing merged in March any more.
    pull = PullRequest.objects.first()
    assert pull is not None
    pull.title += " (edited)"
    pull.save()
    after = selectors.flow_report(actor=SYSTEM, start=MARCH[0], end=MARCH[1])
    assert after["cycle_time"]["pull_requests"] == 0
    assert selectors.flow_page(
        actor=cto, start=MARCH[0], end=MARCH[1], team=None, week=None, drill_team=None,
        unreviewed=True, shown=1,
    )[1:] == ([], 0)  # fmt: skip
