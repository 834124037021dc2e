"""CSV downloads that read columns (`StewardTable.csv_fields`) give, byte for byte, what
django-tables2's cell-by-cell export (`Table.as_values`, each column's `value_*`) gives for the
same filters, order, user and rows: the slow path is the oracle.

SQL leaves the order of rows with equal sort keys to the plan, and the two paths select
different columns: on SQLite their plans give the same order and the bytes are compared; on
PostgreSQL ties may come out in another order, so there the header and the rows (as a multiset)
are compared."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import RequestFactory

from steward.core.tables import StewardTable, _plain
from steward.engineering.filtersets import LeadTimeFilterSet
from steward.engineering.models import Commit
from steward.engineering.tables import LeadTimeTable
from steward.org import selectors as org_selectors
from steward.org.filtersets import PersonFilterSet
from steward.org.tables import PersonTable

pytestmark = pytest.mark.django_db


def _assert_same_csv(got: bytes, expected: bytes) -> None:
    if connection.vendor == "sqlite":
        assert got == expected
        return
    got_lines, expected_lines = got.splitlines(), expected.splitlines()
    assert got_lines[0] == expected_lines[0]
    assert sorted(got_lines[1:]) == sorted(expected_lines[1:])


def _cell_by_cell(
    role: str, query: dict[str, str], rows: Any, table: type[StewardTable], filters: Any
) -> bytes:
    request = RequestFactory().get("/", query)
    request.user = User.objects.get(username=role)
    filterset = filters(request.GET, rows, actor=request.user)
    shown = table(filterset.qs, actor=request.user)
    shown.configure(request, paginate=False)
    text = io.StringIO()
    writer = csv.writer(text)
    for row in shown.as_values():
        writer.writerow([_plain(v) for v in row])
    return text.getvalue().encode()


@pytest.mark.parametrize(
    ("role", "query"),
    [
        ("cto", {"sort": "-start_date"}),
        ("cto", {"leavers": "1", "sort": "manager"}),
        ("cto", {"leavers": "1", "sort": "-team"}),
        ("manager", {"leavers": "1"}),
        ("executive", {"leavers": "1", "sort": "-name"}),
    ],
)
def test_people_csv_is_the_cell_by_cell_export(client_as, role, query) -> None:  # type: ignore[no-untyped-def]
    response = client_as(role).get("/org/people/export.csv", query)
    assert response.status_code == 200
    rows = org_selectors.person_list(actor=User.objects.get(username=role))
    expected = _cell_by_cell(role, query, rows.prefetch_related(None), PersonTable, PersonFilterSet)
    assert expected.count(b"\n") > 20  # people, not only the header
    _assert_same_csv(response.content, expected)


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2025-01-01", "to": "2027-01-01"},
        {"from": "2025-01-01", "to": "2027-01-01", "sort": "-hours"},
        {"from": "2025-01-01", "to": "2027-01-01", "sort": "repository"},
        {"team": "Payments", "sort": "deployment"},
    ],
)
def test_lead_time_csv_is_the_cell_by_cell_export(client_as, query) -> None:  # type: ignore[no-untyped-def]
    response = client_as("cto").get("/engineering/delivery/lead-time/export.csv", query)
    assert response.status_code == 200
    expected = _cell_by_cell("cto", query, Commit.objects.none(), LeadTimeTable, LeadTimeFilterSet)
    assert expected.count(b"\n") > 20  # commits, not only the header
    _assert_same_csv(response.content, expected)
