"""Reads that stay fast at scale: long lists paged, per-row figures counted for the page only,
weekly four keys from one pass (equal to each week computed on its own)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.engineering.models import Commit, Deployment, Identity

pytestmark = pytest.mark.django_db


def test_deployments_api_counts_shipped_commits_of_the_page_only(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    params = {"from": "2025-01-01", "to": "2027-01-01", "limit": 7, "offset": 3}
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/engineering/deployments", params)
    assert response.status_code == 200
    data = response.json()
    assert len(data["items"]) == 7 and data["count"] > 10
    # Independent count: commits pointing at each deployment, counted here in Python.
    shipped = Counter(
        Commit.objects.exclude(deployment=None).values_list("deployment_id", flat=True)
    )
    by_ext = dict(Deployment.objects.values_list("external_id", "pk"))
    assert [d["shipped_commits"] for d in data["items"]] == [
        shipped.get(by_ext[d["id"]], 0) for d in data["items"]
    ]
    assert sum(d["shipped_commits"] for d in data["items"]) > 0
    # The count of the list is a plain count, not a join with the commits of every deployment.
    counting = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counting and not any(
        "engineering_commit" in sql and "engineering_deployment" in sql and "IN (" not in sql
        for sql in counting
    )


def test_deployments_page_shows_the_same_counts(client_as) -> None:  # type: ignore[no-untyped-def]
    response = client_as("cto").get(
        "/engineering/delivery/deployments/", {"from": "2025-01-01", "to": "2027-01-01"}
    )
    assert response.status_code == 200
    # The counts are made for the page's rows only (engineering/tables.py), after paging.
    rows = list(response.context["table"].page.object_list.data)
    in_period = Deployment.objects.filter(
        environment__iexact="production",
        finished_at__gte=datetime(2025, 1, 1, tzinfo=UTC),
        finished_at__lt=datetime(2027, 1, 1, tzinfo=UTC),
    ).count()
    assert in_period > 100 and len(rows) == 100
    for d in rows:
        assert d.shipped == Commit.objects.filter(deployment_id=d.pk).count()
    assert sum(d.shipped for d in rows) > 0


def test_identities_page_is_paged(client_as, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from steward.engineering import selectors

    Identity.objects.bulk_create(
        [Identity(email=f"stranger{i:03d}@example.org", name=f"S {i}") for i in range(150)]
    )
    counted: list[list[str]] = []
    real = selectors.identity_commit_counts

    def recording(emails):  # type: ignore[no-untyped-def]
        counted.append(list(emails))
        return real(emails)

    monkeypatch.setattr(selectors, "identity_commit_counts", recording)
    client = client_as("admin")
    first = client.get("/engineering/identities/", {"state": "unmatched"})
    assert first.status_code == 200
    table = first.context["table"]
    total = table.paginator.count
    shown = [row.record.email for row in table.page.object_list]
    assert total >= 150 and len(shown) == 100
    # The commits are counted for the page's 100 emails only (one grouped query), not for
    # every identity.
    assert counted == [shown]
    last = client.get("/engineering/identities/", {"state": "unmatched", "page": 2})
    assert len(last.context["table"].page.object_list) == min(100, total - 100)
    assert b"page 1 of" in first.content.lower()


def test_weekly_four_keys_equal_each_week_on_its_own() -> None:
    from datetime import date, timedelta

    from django.contrib.auth.models import User

    from steward.engineering import selectors

    cto = User.objects.get(username="cto")
    start, end = date(2026, 8, 3), date(2026, 11, 2)
    weeks = selectors.dora_trend(actor=cto, start=start, end=end)
    assert len(weeks) == 13
    assert sum(w["lead_time_for_changes"]["changes"] for w in weeks) > 0
    for week in weeks:
        monday = date.fromisoformat(week["week"])
        alone = selectors.dora_metrics(actor=cto, start=monday, end=monday + timedelta(days=7))
        assert {k: v for k, v in week.items() if k != "week"} == {
            k: v for k, v in alone.items() if k not in ("from", "to", "team", "repo")
        }
