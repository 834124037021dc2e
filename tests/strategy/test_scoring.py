"""METRICS.md "Strategy" scores by hand: key-result progress, WSJF, RICE, ranks, sensitivity."""

from __future__ import annotations

from decimal import Decimal

import pytest

from steward.strategy.scoring import (
    Scored,
    kr_progress,
    objective_progress,
    person_months,
    rank_sensitivity,
    ranks,
    rice,
    wsjf,
)


@pytest.mark.parametrize(
    ("baseline", "target", "current", "expected"),
    [
        (0, 10, 5, 0.5),
        (0, 10, 12, 1.0),  # clamped above
        (0, 10, -3, 0.0),  # clamped below
        (95, 60, 81, 0.4),  # a decrease: (81 - 95) / (60 - 95) = 14 / 35
        (Decimal("99.82"), Decimal("99.95"), Decimal("99.88"), 0.46153846),
    ],
)
def test_key_result_progress(baseline, target, current, expected) -> None:  # type: ignore[no-untyped-def]
    assert kr_progress(baseline, target, current) == pytest.approx(expected)


def test_objective_progress_is_the_mean_and_none_without_key_results() -> None:
    assert objective_progress([0.4, 1.0, 0.1]) == pytest.approx(0.5)
    assert objective_progress([]) is None


def test_wsjf_and_rice() -> None:
    assert wsjf(8, 5, 3, 2) == 8.0  # (8 + 5 + 3) / 2
    assert person_months(52) == pytest.approx(12.0)
    assert rice(2000, 2, 0.8, 4) == 800.0  # 2000 × 2 × 0.8 / 4
    assert rice(2000, 2, 0.8, 0) is None


def _s(key: str, value: int, job: int, reach: float = 100) -> Scored:
    return Scored(key, value, 1, 1, job, reach, 1.0, 1.0, 1.0)


def test_ranks_share_ties() -> None:
    items = [_s("A", 8, 2), _s("B", 3, 1), _s("C", 1, 2)]
    # WSJF: A (8+1+1)/2 = 5, B (3+1+1)/1 = 5, C (1+1+1)/2 = 1.5
    assert ranks(items, "wsjf") == {"A": 1, "B": 1, "C": 3}


def test_one_step_changes_that_move_a_rank() -> None:
    # WSJF: A = (5+1+1)/1 = 7, B = (3+1+1)/1 = 5. B's value 3 -> 5 gives 7: a tie for first.
    items = [_s("A", 5, 1), _s("B", 3, 1)]
    changes = rank_sensitivity(items)
    b_up = [c for c in changes if c["initiative"] == "B" and c["input"] == "value"]
    assert b_up == [
        {
            "initiative": "B",
            "score": "wsjf",
            "input": "value",
            "direction": "up",
            "from": 3,
            "to": 5,
            "rank_before": 2,
            "rank_after": 1,
            "others_moved": [],
        }
    ]
    # A's job size 1 -> 2 halves its WSJF to 3.5: it falls to 2 and B rises to 1.
    a_job = [c for c in changes if c["initiative"] == "A" and c["input"] == "job_size"]
    assert [(c["to"], c["rank_after"], c["others_moved"]) for c in a_job] == [(2, 2, ["B"])]
    # RICE ties (same reach, impact, confidence, effort): a step up breaks the tie.
    assert any(c["score"] == "rice" and c["rank_after"] == 1 for c in changes) is False
