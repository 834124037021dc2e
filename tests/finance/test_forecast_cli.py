"""`steward finance forecast --year 2026 --json` on the demo: CONTRACT.md's keys, and each
category line flagged by its threshold (the default 5 % of its budget in the demo)."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from tests.conftest import steward_cli

pytestmark = pytest.mark.slow  # a subprocess on the demo home


def test_forecast_json_keeps_the_contract_keys_and_flags_by_threshold(demo_home: Path) -> None:
    data = json.loads(
        steward_cli(demo_home, "finance", "forecast", "--year", "2026", "--json").stdout
    )
    assert {"year", "currency", "budget", "actual_to_date", "forecast", "variance", "lines"} <= set(
        data
    )
    assert data["lines"], "the demo has a budget"
    for line in data["lines"]:
        assert set(line) == {
            "category", "budget", "actual_to_date", "forecast", "variance",
            "overrun", "threshold_percent", "threshold_amount",
        }  # fmt: skip
        assert (line["threshold_percent"], line["threshold_amount"]) == ("5.00", None)
        budget, variance = D(line["budget"]), D(line["variance"])
        expected = variance > 0 and (budget == 0 or variance * 100 / budget > 5)
        assert line["overrun"] is expected, line
