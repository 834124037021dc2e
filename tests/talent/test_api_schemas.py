"""The typed talent answers keep hidden fields absent (not null) and the JSON as it was: the
response schemas filter the output, so a schema that declared a hidden field required or
without `exclude_unset` would answer `null` or fail (issue 8, typed API)."""

from __future__ import annotations

import json

from steward.worktracking.schemas import PartHours


def test_money_fields_are_absent_for_a_manager_and_present_for_the_cto(client_as) -> None:  # type: ignore[no-untyped-def]
    manager = client_as("manager").get("/api/v1/talent/requisitions/REQ-0001").json()
    cto = client_as("cto").get("/api/v1/talent/requisitions/REQ-0001").json()
    assert "budgeted_cost" not in manager and "currency" not in manager
    assert (cto["budgeted_cost"], cto["currency"]) == ("98500.00", "EUR")
    # Same keys in the same order otherwise: the money pair sits before expected_hires.
    assert [k for k in cto if k not in ("budgeted_cost", "currency")] == list(manager)
    assert list(cto)[-3:] == ["budgeted_cost", "currency", "expected_hires"]


def test_an_offer_salary_is_absent_for_a_manager(client_as) -> None:  # type: ignore[no-untyped-def]
    manager = client_as("manager").get("/api/v1/talent/candidates/1").json()
    cto = client_as("cto").get("/api/v1/talent/candidates/1").json()
    offer_m = manager["applications"][0]["offers"][0]
    offer_c = cto["applications"][0]["offers"][0]
    assert list(offer_m) == ["version", "status", "sent_at", "resolved_at", "starts_at"]
    assert (offer_c["salary"], offer_c["currency"]) == ("116250.00", "EUR")
    assert offer_c["sent_at"] == "2026-03-22T10:00:00Z"


def test_a_suppressed_diversity_cell_has_no_count(client_as) -> None:  # type: ignore[no-untyped-def]
    body = client_as("cto").get("/api/v1/talent/diversity?from=2020-01-01&to=2027-01-01").json()
    cells = [c for s in body["stages"] for c in s["groups"]]
    assert {tuple(c) for c in cells} <= {("group", "suppressed"), ("group", "count")}
    assert any(c.get("suppressed") is True for c in cells)
    assert list(body)[:2] == ["from", "to"]  # `from_` in the schema, `from` in the JSON


def test_a_whole_number_figure_stays_an_integer() -> None:
    dumped = PartHours.model_validate({"count": 2, "median_hours": 7, "p75_hours": 7.5})
    assert json.dumps(dumped.model_dump()) == '{"count": 2, "median_hours": 7, "p75_hours": 7.5}'


def test_the_openapi_document_marks_the_money_fields_optional(client_as) -> None:  # type: ignore[no-untyped-def]
    doc = client_as("cto").get("/api/v1/openapi.json").json()
    requisition = doc["components"]["schemas"]["RequisitionOut"]
    assert "key" in requisition["required"]
    assert "budgeted_cost" not in requisition["required"]
    assert "salary" not in doc["components"]["schemas"]["OfferOut"].get("required", [])
