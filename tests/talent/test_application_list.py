"""The applications list reads every application's stage history and offers from its prefetch:
a page costs the same number of queries whatever its size (it was two more per application,
which costs most on PostgreSQL), and each history and offer list is in the database's order."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.talent.models import Offer, StageMove

pytestmark = pytest.mark.django_db(transaction=False)


def test_a_page_of_applications_costs_a_fixed_number_of_queries(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    client.get("/api/v1/talent/applications?limit=1")  # warm-up (session, caches)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/talent/applications?limit=1")
    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/v1/talent/applications?limit=200").json()
    assert len(body["items"]) > 100
    assert len(many) == len(one)
    # Each history in position order and each offer list in version order, as stored.
    several_moves = some_offers = False
    for item in body["items"]:
        moves = list(
            StageMove.objects.filter(application_id=item["id"])
            .order_by("position")
            .values_list("stage", "entered_at")
        )
        assert [(h["stage"], h["entered_at"]) for h in item["history"]] == [
            (stage, at.isoformat().replace("+00:00", "Z")) for stage, at in moves
        ]
        versions = list(
            Offer.objects.filter(application_id=item["id"])
            .order_by("version")
            .values_list("version", flat=True)
        )
        assert [o["version"] for o in item["offers"]] == versions
        several_moves |= len(moves) > 2
        some_offers |= bool(versions)
    # The demo's page has multi-step histories and offers (one version each).
    assert several_moves and some_offers


def test_a_candidate_lists_each_application_history_in_order(client_as) -> None:  # type: ignore[no-untyped-def]
    body = client_as("cto").get("/api/v1/talent/candidates/1").json()
    assert body["applications"]
    for item in body["applications"]:
        stages = list(
            StageMove.objects.filter(application_id=item["id"])
            .order_by("position")
            .values_list("stage", flat=True)
        )
        assert [h["stage"] for h in item["history"]] == stages
