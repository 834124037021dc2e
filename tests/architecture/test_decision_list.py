"""The decisions list (core.tables): sort by number, filters, a bad status, the CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest

from steward.architecture.models import Decision

pytestmark = pytest.mark.django_db


def test_sort_by_number_descending_and_csv(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("engineer")
    page = client.get("/architecture/decisions/", {"sort": "-number"}).content.decode()
    numbers = [int(n) for n in re.findall(r"<td >ADR-(\d{4})</td>", page)]
    assert numbers == list(range(20, 0, -1))  # the demo's 20 records
    assert "20 decisions" in page
    response = client.get("/architecture/decisions/export.csv", {"status": "superseded"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    superseded = Decision.objects.filter(status="superseded").order_by("number")
    assert [r["Number"] for r in rows] == [f"ADR-{d.number:04d}" for d in superseded]
    assert {r["Status"] for r in rows} == {"Superseded"}


def test_a_status_that_does_not_exist_is_an_error(client_as) -> None:  # type: ignore[no-untyped-def]
    response = client_as("engineer").get("/architecture/decisions/", {"status": "maybe"})
    assert response.status_code == 400
    assert "maybe is not one of the available choices" in response.content.decode()
