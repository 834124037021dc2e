"""Cost groups come in the same order on every run: by amount, ties by key (an executive, who
sees no people cost, saw the initiatives with equal figures in a different order each run)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User

from steward.finance import selectors

pytestmark = pytest.mark.django_db


def test_initiatives_with_equal_figures_are_in_key_order() -> None:
    executive = User.objects.get(username="executive")
    report = selectors.cost_allocation(
        actor=executive, start=date(2026, 1, 1), end=date(2027, 1, 1)
    )
    rows = report["initiatives"]
    figures = [r["amount"] or r["direct"] for r in rows]
    assert all(r["amount"] is None for r in rows)  # hidden from an executive
    assert len(set(figures)) < len(figures)  # the demo has ties: the order below is exercised
    assert [r["initiative"] for r in rows] == [
        r["initiative"] for r in sorted(rows, key=lambda r: (-(r["direct"]), r["initiative"]))
    ]
