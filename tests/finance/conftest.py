"""Finance fixtures: an empty finance schema (the demo's rows removed inside the test's
transaction) and a writer of small CSV files."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.wipe import delete_all


@pytest.fixture
def no_finance(db) -> None:  # type: ignore[no-untyped-def]
    """Remove every finance row (rolled back after the test; in SQL, not audited)."""
    delete_all(*finance_models())


def finance_models() -> tuple[type, ...]:
    """Every finance model, in the order the ORM could delete them one by one."""
    from steward.finance import models as m

    return (
        m.VendorEvaluation,
        m.VarianceThreshold,
        m.ServiceUsage,
        m.CommitmentCost,
        m.Capitalization,
        m.CloudCost,
        m.BillingPeriod,
        m.LedgerEntry,
        m.MappingRule,
        m.Contract,
        m.Vendor,
        m.BudgetLine,
        m.BudgetVersion,
        m.FiscalYear,
        m.MonthlyRate,
        m.CostCenter,
    )


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """write_csv(name, header, rows) -> the path of a UTF-8 CSV file."""

    def write(name: str, header: list[str], rows: list[list[object]]) -> Path:
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write
