"""The lead-time commits (drill-down page, its CSV and the API) on a small company built here:
rows, order and count equal a list computed in plain Python from the commits and deployments,
at every offset, across deployments that share a finish time, with ties of commit time,
negative lead times, unreachable commits and deployments that do not count."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from steward.engineering import shipped
from steward.engineering.models import Commit, Deployment
from tests.factories import CommitFactory, RepositoryFactory, TeamFactory
from tests.plain_text import visible_text

pytestmark = pytest.mark.django_db

PERIOD = {"from": "2026-08-01", "to": "2026-11-01"}
START, END = datetime(2026, 8, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
SHA = re.compile(r"<td ?[^>]*><code>([0-9a-f]{10})</code></td>")
T0 = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
_SEEN: list[str] = []


def _deployment(name: str, repository, finished_at: datetime, **extra) -> Deployment:  # type: ignore[no-untyped-def]
    fields = {"environment": "production", "status": "success", "source": "csv", **extra}
    return Deployment.objects.create(
        external_id=name, repository=repository, finished_at=finished_at, **fields
    )


def _commits(repository, deployment, times: list[datetime], **extra) -> None:  # type: ignore[no-untyped-def]
    for at in times:
        # A sha whose first ten digits (what the page shows) differ from commit to commit.
        sha = hashlib.sha1(f"{deployment.external_id} {len(_SEEN)}".encode()).hexdigest()
        _SEEN.append(sha)
        CommitFactory(
            repository=repository,
            deployment=deployment,
            sha=sha,
            authored_at=at,
            committed_at=at,
            **extra,
        )


def _company() -> str:
    """Two repositories of a new team; returns the team's slug."""
    team = TeamFactory()
    a, b = RepositoryFactory(team=team), RepositoryFactory(team=team)
    hour = timedelta(hours=1)
    # Counted: a chain of deployments of `a`, two of which (a-2, b-1) finish at one moment.
    plan = [
        (a, "a-1", T0, 23),
        (a, "a-2", T0 + 50 * hour, 31),
        (b, "b-1", T0 + 50 * hour, 17),
        (b, "b-2", T0 + 90 * hour, 1),
        (a, "a-3", T0 + 200 * hour, 45),
        (b, "b-3", T0 + 300 * hour, 12),
    ]
    for repository, name, finished, n in plan:
        d = _deployment(f"{team.slug}-{name}", repository, finished)
        # Every third commit shares its time with the next (a tie broken by sha); a few
        # after the deployment finished (negative lead time: not counted).
        times = [finished - (i - i % 3) * 7 * timedelta(minutes=1) for i in range(n)]
        _commits(repository, d, times)
        _commits(repository, d, [finished + timedelta(minutes=5), finished + hour])
        _commits(repository, d, [finished - hour], reachable=False)
    # The same sha and time in both repositories of the tied deployments: a tie of sha too.
    same = "f" * 40
    for d in Deployment.objects.filter(external_id__in=[f"{team.slug}-a-2", f"{team.slug}-b-1"]):
        CommitFactory(repository=d.repository, deployment=d, sha=same, committed_at=T0)
    # Not counted: the first of its repository, a failure, one outside the period, staging.
    first = _deployment(f"{team.slug}-a-0", a, T0 - 100 * hour, first_of_repository=True)
    failed = _deployment(f"{team.slug}-b-x", b, T0 + 10 * hour, status="failure")
    old = _deployment(f"{team.slug}-a-old", a, START - hour)
    staging = _deployment(f"{team.slug}-b-s", b, T0 + 20 * hour, environment="staging")
    for d in (first, failed, old, staging):
        _commits(d.repository, d, [d.finished_at - hour, d.finished_at - 2 * hour])
    for repository in (a, b):
        shipped.store(repository.pk)
    return str(team.slug)


def _expected(slug: str) -> list[Commit]:
    """The lead-time commits of the team in PERIOD, in the drill-down's order, by plain Python."""
    rows = []
    for c in Commit.objects.select_related("deployment__repository__team").exclude(deployment=None):
        d = c.deployment
        if (
            c.reachable
            and d.environment.lower() == "production"
            and d.status == "success"
            and not d.first_of_repository
            and START <= d.finished_at < END
            and d.repository.team.slug == slug
            and c.committed_at <= d.finished_at
        ):
            rows.append(c)
    # Newest deployment first, then newest commit; sha, then id, for ties.
    rows.sort(key=lambda c: (c.sha, c.pk))
    rows.sort(key=lambda c: (c.deployment.finished_at, c.committed_at), reverse=True)
    return rows


def test_api_pages_equal_the_plain_list(client_as) -> None:  # type: ignore[no-untyped-def]
    slug = _company()
    expected = [(c.repository.name, c.sha) for c in _expected(slug)]
    assert len(expected) == 23 + 31 + 17 + 1 + 45 + 12 + 2
    client = client_as("cto")
    url = "/api/v1/engineering/lead-time-commits"
    for limit in (7, 31, 1000):
        for offset in [*range(0, len(expected) + limit, limit), 22, 23, 24, 54, 55, 126, 500]:
            page = client.get(url, {**PERIOD, "team": slug, "limit": limit, "offset": offset})
            body = page.json()
            assert body["count"] == len(expected)
            got = [(c["repo"], c["sha"]) for c in body["items"]]
            assert got == expected[offset : offset + limit], (limit, offset)
    # A period without deployments: nothing, counted as nothing.
    empty = client.get(url, {"from": "2020-01-01", "to": "2020-02-01", "team": slug}).json()
    assert empty == {"items": [], "count": 0}
    # Lead times: the deployment's finish minus the commit time, never negative.
    full = client.get(url, {**PERIOD, "team": slug, "limit": 1000}).json()["items"]
    by_key = {(c.repository.name, c.sha): c for c in _expected(slug)}
    for item in full:
        c = by_key[(item["repo"], item["sha"])]
        hours = (c.deployment.finished_at - c.committed_at).total_seconds() / 3600
        assert item["lead_time_hours"] == pytest.approx(hours)
        assert item["deployment_id"] == c.deployment.external_id
        assert hours >= 0


def test_page_and_csv_equal_the_plain_list(client_as) -> None:  # type: ignore[no-untyped-def]
    slug = _company()
    expected = _expected(slug)
    client = client_as("cto")
    url = "/engineering/delivery/lead-time/"
    for number in (1, 2):
        body = client.get(url, {**PERIOD, "team": slug, "page": number}).content.decode()
        shown = SHA.findall(body[body.index("<tbody") : body.index("</tbody>")])
        part = expected[(number - 1) * 100 : number * 100]
        assert shown == [c.sha[:10] for c in part]
        assert len(set(shown)) == len({c.sha for c in part}) > 20  # not vacuous
        assert f"· {len(expected):,} commits." in visible_text(body)
    response = client.get(f"{url}export.csv", {**PERIOD, "team": slug})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["Repository"], r["Commit"]) for r in rows] == [
        (c.repository.name, c.sha) for c in expected
    ]
    # Another order reads the queryset: the same rows.
    body = client.get(url, {**PERIOD, "team": slug, "sort": "committed_at"}).content.decode()
    shown = SHA.findall(body[body.index("<tbody") : body.index("</tbody>")])
    when = {c.sha[:10]: c.committed_at for c in expected}
    assert [when[x] for x in shown] == sorted(c.committed_at for c in expected)[:100]
