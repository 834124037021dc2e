"""Benchmark: import a generated FOCUS 1.2 bill into a fresh SQLite database.

    python bench/import_focus.py [--rows 1000000]

Generates (seed 7) a FOCUS 1.2 CSV of `--rows` rows over 12 billing periods, 40 teams (a
`team` tag, mapped by one rule per team), 30 services and 5,000 resources, each row with a
ConsumedQuantity in one of three units (`--contract-applied`: FOCUS 1.3 with ContractApplied
on one row in ten), then times
`run_import("focus", ...)` end to end (read, validate every row, map, aggregate, write) and,
as the baseline measured in the same run on the same machine, reading the same file with the
standard library's csv module and summing EffectiveCost as Decimal. Prints both and the ratio
(the issue's target: 1,000,000 rows under 60 s on SQLite). CPU time is printed too: on a busy
machine wall time includes waiting for a CPU.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HEADER = [
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "BillingCurrency",
    "BillingAccountId",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "InvoiceId",
    "ProviderName",
    "ServiceName",
    "ServiceCategory",
    "SubAccountId",
    "ResourceId",
    "Tags",
    "ConsumedQuantity",
    "ConsumedUnit",
]
UNITS = ["Hours", "GB-Mo", "Requests"]


def generate(path: Path, rows: int, applied: bool = False) -> None:
    rng = random.Random(7)
    services = [f"Service {i}" for i in range(30)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER + (["ContractApplied"] if applied else []))
        for n in range(rows):
            month = 1 + n * 12 // rows
            start = f"2026-{month:02d}-01T00:00:00Z"
            end = "2027-01-01T00:00:00Z" if month == 12 else f"2026-{month + 1:02d}-01T00:00:00Z"
            team = f"team-{rng.randrange(40)}"
            cost = f"{rng.random() * 20:.6f}"
            service = rng.randrange(30)
            extra = []
            if applied:
                # FOCUS 1.3: one row in ten draws on one of three commitments.
                commitment = f"EDP-{n % 3}" if n % 10 == 0 else ""
                extra = [
                    json.dumps(
                        {
                            "Elements": [
                                {
                                    "ContractId": "EDP",
                                    "ContractCommitmentId": commitment,
                                    "ContractCommitmentAppliedCost": float(cost),
                                }
                            ]
                        }
                    )
                    if commitment
                    else ""
                ]
            writer.writerow(
                [
                    cost,
                    cost,
                    cost,
                    cost,
                    "EUR",
                    "acct-1",
                    start,
                    end,
                    start,
                    end,
                    "Usage",
                    f"INV-{month}",
                    "AWS",
                    services[service],
                    "Compute",
                    f"sub-{team}",
                    f"res-{rng.randrange(5000)}",
                    json.dumps({"team": team}),
                    f"{rng.random() * 100:.4f}",
                    UNITS[service % 3],
                    *extra,
                ]
            )


def baseline(path: Path) -> tuple[float, float]:
    cpu = time.process_time()
    started = time.perf_counter()
    total = Decimal(0)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        index = header.index("EffectiveCost")
        for row in reader:
            total += Decimal(row[index])
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--contract-applied",
        action="store_true",
        help="write FOCUS 1.3's ContractApplied (one row in ten draws on a commitment)",
    )
    parser.add_argument(
        "--pages",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="then time the finance pages reading those rows (median of ROUNDS, in process; "
        "/healthz as the floor)",
    )
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="steward-bench-focus-"))
    os.environ["STEWARD_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from steward.core.cli_support import django_setup, migrate

    django_setup()
    migrate()
    from steward.core.importing import run_import
    from steward.core.policy import SYSTEM
    from steward.finance import services
    from steward.finance.models import CloudCost, CommitmentCost

    for i in range(40):
        services.rule_create(
            actor=SYSTEM,
            source="focus",
            priority=10,
            field="tag:team",
            pattern=f"team-{i}",
            service=f"svc-{i}",
        )
    bill = home / "focus.csv"
    generate(bill, args.rows, applied=args.contract_applied)
    base, base_cpu = baseline(bill)
    cpu = time.process_time()
    started = time.perf_counter()
    diff = run_import("focus", bill, actor=SYSTEM)
    took = time.perf_counter() - started
    cpu = time.process_time() - cpu
    print(
        f"rows: {args.rows:,}  billing periods: {diff.counts()['added']}  "
        f"aggregated cost rows: {CloudCost.objects.count():,}  "
        f"commitment rows: {CommitmentCost.objects.count():,}"
    )
    print(f"baseline (csv module + Decimal sum): {base:.2f} s wall, {base_cpu:.2f} s CPU")
    print(f"steward import focus:                {took:.2f} s wall, {cpu:.2f} s CPU")
    print(
        f"ratio import / baseline:             {took / base:.1f}x wall, {cpu / base_cpu:.1f}x CPU"
    )
    if args.pages:
        time_pages(args.pages)


def time_pages(rounds: int) -> None:
    """Median times of the finance pages over the imported rows (pages read the sums)."""
    import statistics

    from django.contrib.auth.models import User
    from django.test import Client

    from steward.core.policy import SYSTEM
    from steward.finance import services

    services.fiscal_year_create(actor=SYSTEM, year=2026)
    User.objects.create_superuser("bench", password="bench-only")
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="bench"))
    for path in (
        "/healthz",
        "/finance/services/?year=2026",
        "/finance/services/svc-1/?year=2026",
        "/api/v1/finance/unit-costs?year=2026",
        "/finance/cloud/",
        "/finance/plan-vs-actual/?year=2026",
        "/finance/thresholds/",
    ):
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        print(f"{statistics.median(times):8.1f} ms  {path}")


if __name__ == "__main__":
    main()
