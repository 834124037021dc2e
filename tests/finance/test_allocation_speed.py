"""cost_allocation reads effort from one grouped query; the cells are exactly those of the
per-commit attribution it replaced (speed is measured by bench/finance_allocation.py)."""

from __future__ import annotations

from datetime import date

import pytest

from steward.finance import selectors

pytestmark = pytest.mark.django_db


def test_grouped_effort_cells_equal_the_per_commit_ones_on_the_demo() -> None:
    start, end = date(2026, 1, 1), date(2026, 12, 1)
    grouped = selectors.effort_cells(start, end)
    per_commit = selectors.effort_cells_per_commit(start, end)
    assert len(grouped) > 50  # the demo's commits are linked to initiatives
    assert grouped == per_commit


def test_effort_is_computed_once_per_data_change(monkeypatch: pytest.MonkeyPatch) -> None:
    from fractions import Fraction

    from steward.core.policy import SYSTEM
    from steward.finance import services

    calls: list[tuple[date, date]] = []

    def counted(start: date, end: date) -> dict[tuple[str, str, str], Fraction]:
        calls.append((start, end))
        return {("t", "2026-01", "X"): Fraction(len(calls))}

    monkeypatch.setattr(selectors, "effort_cells", counted)
    start, end = date(2026, 1, 1), date(2026, 3, 1)
    first = selectors.effort_cells_cached(start, end)
    assert selectors.effort_cells_cached(start, end) == first  # read back, not recomputed
    assert len(calls) == 1
    selectors.effort_cells_cached(start, date(2026, 4, 1))  # another period: its own entry
    assert len(calls) == 2
    stamp = selectors.data_stamp()
    services.cost_center_upsert(actor=SYSTEM, code="CC-NEW", name="New")  # an audited change
    assert selectors.data_stamp() != stamp
    assert selectors.effort_cells_cached(start, end) == {("t", "2026-01", "X"): Fraction(3)}
    assert len(calls) == 3


def test_the_allocation_report_is_stored_per_data_change_and_audience(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.contrib.auth.models import User

    from steward.core.policy import SYSTEM
    from steward.finance.models import BillingPeriod, CloudCost

    calls: list[str] = []

    def counted(*, actor: object, start: date, end: date) -> dict[str, object]:
        calls.append(getattr(actor, "username", "system"))
        return {"n": len(calls)}

    monkeypatch.setattr(selectors, "allocation_report", counted)
    start, end = date(2026, 1, 1), date(2026, 3, 1)
    assert selectors.cost_allocation(actor=SYSTEM, start=start, end=end) == {"n": 1}
    cto = User.objects.get(username="cto")
    assert selectors.cost_allocation(actor=cto, start=start, end=end) == {"n": 1}  # same view
    executive = User.objects.get(username="executive")
    assert selectors.cost_allocation(actor=executive, start=start, end=end) == {"n": 2}
    # A bill imported in bulk (no audit entry per row) is a data change too.
    period = BillingPeriod.objects.first()
    assert period is not None
    CloudCost.objects.bulk_create(
        [CloudCost(period=period, month=start, service_name="EC2", currency="EUR",
                   effective_cost=1, billed_cost=1, effective_reporting=1)]
    )  # fmt: skip
    assert selectors.cost_allocation(actor=SYSTEM, start=start, end=end) == {"n": 3}
    assert calls == ["system", "executive", "system"]
    engineer = User.objects.get(username="engineer")
    with pytest.raises(Exception, match="finance"):
        selectors.cost_allocation(actor=engineer, start=start, end=end)
