"""Fixtures of the code-knowledge tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def demo_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is the day the demo was built for: billing-core's history (demo/knowledge.py) is
    dated from it, so the 12-month windows hold the hand-counted commits whatever the clock."""
    from django.utils import timezone

    from steward.demo.company import REFERENCE_DATE

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: REFERENCE_DATE)
