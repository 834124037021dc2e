"""The engineering API: shapes, filters, errors and bounded query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User

from steward.engineering import selectors

pytestmark = pytest.mark.django_db


def test_dora_matches_the_selector(client_as) -> None:  # type: ignore[no-untyped-def]
    response = client_as("engineer").get(
        "/api/v1/engineering/dora", {"team": "checkout", "from": "2026-09-01", "to": "2026-11-01"}
    )
    assert response.status_code == 200
    expected = selectors.dora_metrics(
        actor=User.objects.get(username="engineer"),
        team="checkout",
        start=date(2026, 9, 1),
        end=date(2026, 11, 1),
    )
    assert response.json() == expected
    bad = client_as("engineer").get(
        "/api/v1/engineering/dora", {"from": "2026-11-01", "to": "2026-09-01"}
    )
    assert bad.status_code == 422


def test_lists_are_paginated_without_n_plus_one(  # type: ignore[no-untyped-def]
    client_as, django_assert_max_num_queries
) -> None:
    client = client_as("cto")
    with django_assert_max_num_queries(12):
        response = client.get(
            "/api/v1/engineering/deployments", {"team": "growth", "limit": 50, "from": "2026-01-01"}
        )
    data = response.json()
    assert len(data["items"]) == 50 and data["count"] > 50
    assert set(data["items"][0]) >= {
        "id",
        "repo",
        "sha",
        "environment",
        "status",
        "started_at",
        "finished_at",
        "service",
    }
    with django_assert_max_num_queries(12):
        repos = client.get("/api/v1/engineering/repositories").json()
    assert repos["count"] == 41  # 40 team repositories + billing-core (demo/knowledge.py)
    with django_assert_max_num_queries(12):
        commits = client.get("/api/v1/engineering/lead-time-commits", {"limit": 100}).json()
    assert len(commits["items"]) == 100
    assert all(c["lead_time_hours"] >= 0 for c in commits["items"])
