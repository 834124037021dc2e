"""The All contracts table of the contracts page (core.tables): filter by vendor, the CSV."""

from __future__ import annotations

import csv
import io

import pytest

from steward.finance.models import Contract, Vendor

pytestmark = pytest.mark.django_db


def test_contracts_csv_filtered_by_vendor(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("finance")
    vendor = Vendor.objects.get(name="Datadog")
    response = client.get("/finance/contracts/export.csv", {"vendor": vendor.pk})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    expected = Contract.objects.filter(vendor=vendor)
    assert expected.exists()
    assert sorted(r["Key"] for r in rows) == sorted(c.key for c in expected)
    assert {r["Vendor"] for r in rows} == {"Datadog"}
    everything = client.get("/finance/contracts/export.csv")
    assert len(everything.content.decode().strip().splitlines()) == Contract.objects.count() + 1
    page = client.get("/finance/contracts/", {"vendor": vendor.pk}).content.decode()
    assert f'<option value="{vendor.pk}" selected>Datadog</option>' in page


def test_a_vendor_that_does_not_exist_is_an_error_and_csv_is_money_only(client_as) -> None:  # type: ignore[no-untyped-def]
    response = client_as("finance").get("/finance/contracts/", {"vendor": "999999"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert client_as("engineer").get("/finance/contracts/export.csv").status_code == 403
