"""Scores of METRICS.md "Strategy" as plain functions: key-result progress, WSJF, RICE, ranks."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

WSJF_SCALE = (1, 2, 3, 5, 8, 13, 20)
RICE_IMPACT = (0.25, 0.5, 1.0, 2.0, 3.0)
RICE_CONFIDENCE = (0.5, 0.8, 1.0)
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)

Number = int | float | Decimal


def kr_progress(baseline: Number, target: Number, current: Number) -> float:
    """clamp((current − baseline) ÷ (target − baseline), 0, 1); a decrease works the same way."""
    span = Decimal(str(target)) - Decimal(str(baseline))
    if span == 0:
        return 1.0 if Decimal(str(current)) == Decimal(str(target)) else 0.0
    share = (Decimal(str(current)) - Decimal(str(baseline))) / span
    return float(min(Decimal(1), max(Decimal(0), share)))


def objective_progress(progresses: Iterable[float]) -> float | None:
    """The mean of the key results' progress (None without key results)."""
    values = list(progresses)
    return sum(values) / len(values) if values else None


def wsjf(
    value: Number, time_criticality: Number, risk_reduction: Number, job_size: Number
) -> float:
    """(business value + time criticality + risk reduction) ÷ job size."""
    return (float(value) + float(time_criticality) + float(risk_reduction)) / float(job_size)


def person_months(person_weeks: Number) -> float:
    """Person-weeks as person-months (52 weeks = 12 months)."""
    return float(Decimal(str(person_weeks)) / WEEKS_PER_MONTH)


def rice(reach: Number, impact: Number, confidence: Number, effort_months: Number) -> float | None:
    """reach × impact × confidence ÷ effort (person-months); None without an effort."""
    if float(effort_months) <= 0:
        return None
    return float(reach) * float(impact) * float(confidence) / float(effort_months)


@dataclass(frozen=True)
class Scored:
    """The prioritization inputs of one initiative."""

    key: str
    value: int
    time_criticality: int
    risk_reduction: int
    job_size: int
    reach: float
    impact: float
    confidence: float
    effort_months: float

    @property
    def wsjf(self) -> float:
        """WSJF of these inputs."""
        return wsjf(self.value, self.time_criticality, self.risk_reduction, self.job_size)

    @property
    def rice(self) -> float | None:
        """RICE of these inputs."""
        return rice(self.reach, self.impact, self.confidence, self.effort_months)


def ranks(items: Sequence[Scored], score: str) -> dict[str, int]:
    """Competition ranks (1 = best; ties share a rank) by `score` ("wsjf" or "rice")."""
    values = {i.key: getattr(i, score) for i in items}
    ascending = sorted(v for v in values.values() if v is not None)
    result = {}
    for key, v in values.items():
        # 1 + the number of strictly better scores; initiatives without a score come last.
        result[key] = (
            len(ascending) - bisect_right(ascending, v) + 1 if v is not None else len(items)
        )
    return result


_STEPS: Mapping[str, tuple[str, Sequence[float]]] = {
    "value": ("wsjf", WSJF_SCALE),
    "time_criticality": ("wsjf", WSJF_SCALE),
    "risk_reduction": ("wsjf", WSJF_SCALE),
    "job_size": ("wsjf", WSJF_SCALE),
    "impact": ("rice", RICE_IMPACT),
    "confidence": ("rice", RICE_CONFIDENCE),
}


def _neighbours(scale: Sequence[float], current: float) -> list[tuple[str, float]]:
    """The scale values one step below and above `current` (nearest scale point if off-scale)."""
    position = min(range(len(scale)), key=lambda n: abs(scale[n] - current))
    out = []
    if position > 0:
        out.append(("down", scale[position - 1]))
    if position < len(scale) - 1:
        out.append(("up", scale[position + 1]))
    return out


def rank_sensitivity(items: Sequence[Scored]) -> list[dict[str, Any]]:
    """Which one-step changes of an input move an initiative's rank, and whom they overtake.

    For each initiative and each input (WSJF's four on 1-2-3-5-8-13-20; RICE impact and
    confidence on their scales), the input is moved one step down and up; every change that
    alters the initiative's own rank is listed with the new rank and the initiatives that
    changed rank because of it.
    """
    base = {score: ranks(items, score) for score in ("wsjf", "rice")}
    out: list[dict[str, Any]] = []
    for n, item in enumerate(items):
        for field_name, (score, scale) in _STEPS.items():
            for direction, new_value in _neighbours(scale, float(getattr(item, field_name))):
                changed = replace(item, **{field_name: new_value})  # type: ignore[arg-type]
                trial = [*items[:n], changed, *items[n + 1 :]]
                after = ranks(trial, score)
                if after[item.key] == base[score][item.key]:
                    continue
                moved = sorted(k for k in after if k != item.key and after[k] != base[score][k])
                out.append(
                    {
                        "initiative": item.key,
                        "score": score,
                        "input": field_name,
                        "direction": direction,
                        "from": getattr(item, field_name),
                        "to": new_value,
                        "rank_before": base[score][item.key],
                        "rank_after": after[item.key],
                        "others_moved": moved,
                    }
                )
    return out
