"""The forms on finance's list pages (cost centers, rates, mapping rules): a money editor's post
saves and goes back to the page with a message; a bad one is answered 422 with the error beside
its field and nothing saved; a money viewer who may not edit (an executive) gets 403."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from steward.finance.models import CostCenter, MappingRule, MonthlyRate

pytestmark = pytest.mark.django_db


def test_a_rate_is_saved_for_its_month(client_as: Callable[..., object]) -> None:
    client = client_as("finance")
    data = {"month": "2031-03-17", "currency": "usd", "rate": "0.912345"}
    response = client.post("/finance/rates/", data)  # type: ignore[attr-defined]
    assert (response.status_code, response["Location"]) == (302, "/finance/rates/")
    row = MonthlyRate.objects.get(month=date(2031, 3, 1), currency="USD")
    assert row.rate == Decimal("0.912345")
    page = client.get("/finance/rates/")  # type: ignore[attr-defined]
    assert "Rate saved." in page.content.decode()


def test_a_bad_rate_is_answered_beside_its_field(client_as: Callable[..., object]) -> None:
    before = MonthlyRate.objects.count()
    data = {"month": "2031-03-17", "currency": "XXQ", "rate": "0.9"}
    response = client_as("finance").post("/finance/rates/", data)  # type: ignore[attr-defined]
    assert response.status_code == 422
    assert "is not an ISO 4217 code Steward knows" in response.content.decode()
    assert MonthlyRate.objects.count() == before


def test_a_cost_center_is_saved(client_as: Callable[..., object]) -> None:
    data = {"code": "CC-TIDY", "name": "Tidy work", "team": ""}
    response = client_as("cto").post("/finance/cost-centers/", data)  # type: ignore[attr-defined]
    assert (response.status_code, response["Location"]) == (302, "/finance/cost-centers/")
    assert CostCenter.objects.get(code="CC-TIDY").name == "Tidy work"


@pytest.mark.parametrize(
    ("path", "data", "model"),
    [
        ("/finance/rates/", {"month": "2031-03-01", "currency": "USD", "rate": "1"}, MonthlyRate),
        ("/finance/cost-centers/", {"code": "CC-NO", "name": "No"}, CostCenter),
        ("/finance/cloud/", {"source": "cloud", "priority": "1", "field": "x"}, MappingRule),
    ],
)
def test_a_money_viewer_may_not_post(
    client_as: Callable[..., object], path: str, data: dict[str, str], model: type
) -> None:
    before = model.objects.count()  # type: ignore[attr-defined]
    assert client_as("executive").get(path).status_code == 200  # type: ignore[attr-defined]
    assert client_as("executive").post(path, data).status_code == 403  # type: ignore[attr-defined]
    assert model.objects.count() == before  # type: ignore[attr-defined]
