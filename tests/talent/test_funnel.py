"""The funnel figures of METRICS.md "Hiring" against numbers computed by hand (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from steward.talent import funnel
from steward.talent.funnel import AppRecord, OfferRecord

P = ["Applied", "Screen", "Onsite", "Offer"]


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=UTC)


# Requisition R opened 2026-01-01. Five applications:
#   a: Applied 1/10 -> Screen 1/15 -> Onsite 1/25 -> Offer 2/1, offer accepted 2/5 (hired)
#   b: Applied 1/12 -> Screen 1/20 -> rejected 1/22
#   c: Applied 1/14 -> rejected 1/16
#   d: Applied 1/20 -> Screen 1/30 -> Onsite 2/10 (open)
#   e: Applied 2/01 -> Screen 2/03 -> Offer 2/08 (skips Onsite), offer declined 2/12
RECORDS = [
    AppRecord(
        "a",
        "R",
        P,
        at(1, 10),
        [("Applied", at(1, 10)), ("Screen", at(1, 15)), ("Onsite", at(1, 25)), ("Offer", at(2, 1))],
        "hired",
        at(2, 5),
        "LinkedIn",
        date(2026, 1, 1),
        OfferRecord("accepted", at(2, 1), at(2, 5)),
    ),
    AppRecord(
        "b",
        "R",
        P,
        at(1, 12),
        [("Applied", at(1, 12)), ("Screen", at(1, 20))],
        "rejected",
        at(1, 22),
        "LinkedIn",
        date(2026, 1, 1),
    ),
    AppRecord(
        "c",
        "R",
        P,
        at(1, 14),
        [("Applied", at(1, 14))],
        "rejected",
        at(1, 16),
        "Referral",
        date(2026, 1, 1),
    ),
    AppRecord(
        "d",
        "R",
        P,
        at(1, 20),
        [("Applied", at(1, 20)), ("Screen", at(1, 30)), ("Onsite", at(2, 10))],
        "open",
        None,
        "Referral",
        date(2026, 1, 1),
    ),
    AppRecord(
        "e",
        "R",
        P,
        at(2, 1),
        [("Applied", at(2, 1)), ("Screen", at(2, 3)), ("Offer", at(2, 8))],
        "rejected",
        at(2, 12),
        "LinkedIn",
        date(2026, 1, 1),
        OfferRecord("declined", at(2, 8), at(2, 12)),
    ),
]
YEAR = (date(2026, 1, 1), date(2027, 1, 1))


def by_stage(figures: list[funnel.StageFigure]) -> dict[str, tuple[int, int]]:
    return {f.stage: (f.reached, f.passed) for f in figures}


def test_pass_through_by_hand() -> None:
    # Applied: all 5 entered and left; a, b, d, e went further -> 4/5.
    # Screen: a, b, d, e entered and left (d moved on to Onsite); a, d, e went further -> 3/4.
    # Onsite: a left (to Offer); d has not left -> reached 1, passed 1.
    # Offer: a (hired) and e (declined) left; a passed -> 1/2.
    figures = funnel.stages(RECORDS, *YEAR)
    assert by_stage(figures) == {
        "Applied": (5, 4),
        "Screen": (4, 3),
        "Onsite": (1, 1),
        "Offer": (2, 1),
    }
    assert [f.pass_through for f in figures] == [0.8, 0.75, 1.0, 0.5]


def test_period_counts_entries_into_the_stage() -> None:
    # February only: Applied entered by e (2/1); Screen by e (2/3); Offer by a (2/1), e (2/8);
    # Onsite by d (2/10) but d has not left it.
    figures = funnel.stages(RECORDS, date(2026, 2, 1), date(2026, 3, 1))
    assert by_stage(figures) == {
        "Applied": (1, 1),
        "Screen": (1, 1),
        "Onsite": (0, 0),
        "Offer": (2, 1),
    }


def test_time_in_stage_by_hand() -> None:
    # Screen: a 1/15->1/25 = 10, b 1/20->1/22 = 2, d 1/30->2/10 = 11, e 2/3->2/8 = 5 -> median 7.5
    figures = {f.stage: f.as_dict() for f in funnel.stages(RECORDS, *YEAR)}
    assert figures["Screen"]["time_in_stage_median_days"] == 7.5


def test_time_to_hire_fill_and_offer_acceptance() -> None:
    # Only a is hired: accepted 2/5; applied 1/10 -> 26 days; opened 1/1 -> 35 days.
    assert funnel.time_to_hire(RECORDS, *YEAR) == 26.0
    assert funnel.time_to_fill(RECORDS, *YEAR) == 35.0
    # Offers extended: a (accepted), e (declined) -> 1/2.
    assert funnel.offer_acceptance(RECORDS, *YEAR) == {"extended": 2, "accepted": 1, "rate": 0.5}
    # No acceptance in March.
    assert funnel.time_to_hire(RECORDS, date(2026, 3, 1), date(2026, 4, 1)) is None


def test_source_effectiveness_by_hand() -> None:
    # LinkedIn: a, b, e -> 1 hire of 3; Referral: c, d -> 0 of 2.
    assert funnel.sources(RECORDS, *YEAR) == [
        {
            "source": "LinkedIn",
            "applications": 3,
            "hires": 1,
            "effectiveness": pytest.approx(1 / 3),
        },
        {"source": "Referral", "applications": 2, "hires": 0, "effectiveness": 0.0},
    ]


def test_expected_hires_by_hand() -> None:
    # d is open in Onsite: rates Onsite 1/1 and Offer 1/2 -> 0.5 expected hires.
    rates = funnel.historical_rates(RECORDS)
    assert rates == {"Applied": 0.8, "Screen": 0.75, "Onsite": 1.0, "Offer": 0.5}
    assert funnel.expected_hires(RECORDS) == {"R": 0.5}


def test_summary_has_the_contract_keys() -> None:
    data = funnel.summary(RECORDS, *YEAR)
    assert set(data) >= {
        "from",
        "to",
        "stages",
        "time_to_hire_median_days",
        "time_to_fill_median_days",
        "offer_acceptance_rate",
        "sources",
    }
    assert data["stages"][0] == {
        "stage": "Applied",
        "reached": 5,
        "passed": 4,
        "pass_through": 0.8,
        "time_in_stage_median_days": 5.0,
    }
