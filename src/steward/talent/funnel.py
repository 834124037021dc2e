"""Hiring funnel figures of METRICS.md "Hiring", on plain data (no Django).

- Pass-through of stage k = applications that reached a stage after k (or were hired) ÷
  applications that reached k, over applications that entered k in the period and have left it.
- Time in stage: median days from entering a stage to leaving it (next move or closure).
- Time to fill = offer accepted − requisition opened; time to hire = offer accepted −
  application created; medians in calendar days, over offers accepted in the period.
- Offer acceptance = offers accepted ÷ offers extended (latest version of each offer, extended
  in the period).
- Source effectiveness = hires ÷ applications per source (applications created in the period).
- Expected hires = Σ over open applications of the product of the historical pass-through
  rates from their current stage to hired.
Periods are half-open `[start, end)`; a figure without data is None.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median
from typing import Any

CLOSED = frozenset({"hired", "rejected", "withdrew"})
EXTENDED = frozenset({"extended", "accepted", "declined", "withdrawn"})


@dataclass(frozen=True)
class OfferRecord:
    """The latest version of an application's offer."""

    status: str
    sent_at: datetime | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class AppRecord:
    """An application as the funnel sees it."""

    key: str
    requisition: str
    pipeline: Sequence[str]
    applied_at: datetime
    moves: Sequence[tuple[str, datetime]]
    outcome: str = "open"
    closed_at: datetime | None = None
    source: str | None = None
    opened_on: date | None = None
    offer: OfferRecord | None = None
    group: str | None = None
    person: str | None = None

    def hired_on(self) -> date | None:
        """The day the offer was accepted (the closure day when no offer is recorded)."""
        if self.outcome != "hired":
            return None
        if self.offer is not None and self.offer.status == "accepted" and self.offer.resolved_at:
            return self.offer.resolved_at.date()
        if self.closed_at is not None:
            return self.closed_at.date()
        return None


@dataclass
class StageFigure:
    """Pass-through of one stage."""

    stage: str
    reached: int = 0
    passed: int = 0
    days_in_stage: list[int] = field(default_factory=list)

    @property
    def pass_through(self) -> float | None:
        return None if self.reached == 0 else self.passed / self.reached

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "reached": self.reached,
            "passed": self.passed,
            "pass_through": self.pass_through,
            "time_in_stage_median_days": (
                float(median(self.days_in_stage)) if self.days_in_stage else None
            ),
        }


def _in(moment: datetime | date, start: date, end: date) -> bool:
    day = moment.date() if isinstance(moment, datetime) else moment
    return start <= day < end


def stage_order(records: Iterable[AppRecord]) -> list[str]:
    """Every stage name, requisitions' pipelines merged in order of first appearance."""
    order: list[str] = []
    for record in records:
        for stage in [*record.pipeline, *(s for s, _ in record.moves)]:
            if stage not in order:
                order.append(stage)
    return order


def _index(record: AppRecord, stage: str) -> int:
    pipeline = list(record.pipeline)
    return pipeline.index(stage) if stage in pipeline else len(pipeline)


def _stage_visits(record: AppRecord) -> Iterable[tuple[str, datetime, datetime | None, bool]]:
    """(stage, entered, left or None, passed) for each stage the application entered."""
    moves = list(record.moves)
    for i, (stage, entered) in enumerate(moves):
        later = moves[i + 1 :]
        if later:
            left: datetime | None = later[0][1]
        elif record.outcome in CLOSED:
            left = record.closed_at or entered
        else:
            left = None
        passed = record.outcome == "hired" or any(
            _index(record, s) > _index(record, stage) for s, _ in later
        )
        yield stage, entered, left, passed


def stages(records: Sequence[AppRecord], start: date, end: date) -> list[StageFigure]:
    """Pass-through and time in stage per stage, over entries into the stage in the period
    that have left it."""
    figures = {name: StageFigure(name) for name in stage_order(records)}
    for record in records:
        for stage, entered, left, passed in _stage_visits(record):
            if left is None or not _in(entered, start, end):
                continue
            figure = figures[stage]
            figure.reached += 1
            figure.passed += int(passed)
            figure.days_in_stage.append((left.date() - entered.date()).days)
    return list(figures.values())


def _median_days(values: list[int]) -> float | None:
    return float(median(values)) if values else None


def time_to_hire(records: Iterable[AppRecord], start: date, end: date) -> float | None:
    """Median days from application to offer accepted, over acceptances in the period."""
    days = []
    for r in records:
        hired = r.hired_on()
        if hired is not None and _in(hired, start, end):
            days.append((hired - r.applied_at.date()).days)
    return _median_days(days)


def time_to_fill(records: Iterable[AppRecord], start: date, end: date) -> float | None:
    """Median days from requisition opened to offer accepted, over acceptances in the period."""
    days = []
    for r in records:
        hired = r.hired_on()
        if hired is not None and r.opened_on is not None and _in(hired, start, end):
            days.append((hired - r.opened_on).days)
    return _median_days(days)


def offer_acceptance(records: Iterable[AppRecord], start: date, end: date) -> dict[str, Any]:
    """Offers accepted ÷ offers extended (latest versions extended in the period)."""
    extended = accepted = 0
    for r in records:
        offer = r.offer
        if offer is None or offer.status not in EXTENDED or offer.sent_at is None:
            continue
        if not _in(offer.sent_at, start, end):
            continue
        extended += 1
        accepted += int(offer.status == "accepted")
    rate = None if extended == 0 else accepted / extended
    return {"extended": extended, "accepted": accepted, "rate": rate}


def sources(records: Iterable[AppRecord], start: date, end: date) -> list[dict[str, Any]]:
    """Applications, hires and hires ÷ applications per source (created in the period)."""
    apps: dict[str, int] = defaultdict(int)
    hires: dict[str, int] = defaultdict(int)
    for r in records:
        if not _in(r.applied_at, start, end):
            continue
        name = r.source or "(none)"
        apps[name] += 1
        hires[name] += int(r.outcome == "hired")
    return [
        {
            "source": name,
            "applications": apps[name],
            "hires": hires[name],
            "effectiveness": hires[name] / apps[name],
        }
        for name in sorted(apps, key=lambda n: (-apps[n], n))
    ]


def historical_rates(records: Sequence[AppRecord]) -> dict[str, float]:
    """Pass-through per stage over all history (for expected hires)."""
    figures = stages(records, date.min, date.max)
    return {f.stage: f.pass_through for f in figures if f.pass_through is not None}


def expected_hires_of(record: AppRecord, rates: dict[str, float]) -> float:
    """The chance an open application ends in a hire: the product of the historical rates from
    its current stage to the last stage (a stage without history counts 0)."""
    if record.outcome != "open":
        return 0.0
    current = record.moves[-1][0] if record.moves else None
    pipeline = list(record.pipeline)
    if current is None or current not in pipeline:
        return 0.0
    chance = 1.0
    for stage in pipeline[pipeline.index(current) :]:
        chance *= rates.get(stage, 0.0)
    return chance


def expected_hires(
    records: Sequence[AppRecord], rates: dict[str, float] | None = None
) -> dict[str, float]:
    """Expected hires per requisition from its open applications."""
    rates = historical_rates(records) if rates is None else rates
    result: dict[str, float] = defaultdict(float)
    for r in records:
        result[r.requisition] += expected_hires_of(r, rates)
    return dict(result)


def summary(records: Sequence[AppRecord], start: date, end: date) -> dict[str, Any]:
    """The CONTRACT.md `steward metrics hiring` figures for the period."""
    offers = offer_acceptance(records, start, end)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "applications": sum(1 for r in records if _in(r.applied_at, start, end)),
        "hires": sum(1 for r in records if (h := r.hired_on()) is not None and _in(h, start, end)),
        "stages": [f.as_dict() for f in stages(records, start, end)],
        "time_to_hire_median_days": time_to_hire(records, start, end),
        "time_to_fill_median_days": time_to_fill(records, start, end),
        "offers_extended": offers["extended"],
        "offers_accepted": offers["accepted"],
        "offer_acceptance_rate": offers["rate"],
        "sources": sources(records, start, end),
    }


def reached_by_group(records: Sequence[AppRecord], start: date, end: date) -> dict[str, Any]:
    """The diversity funnel: per stage (then "Hired"), the people of each group among the
    applications created in the period that entered it. Disclosed only under the small-group
    rule (see selectors)."""
    order = [*stage_order(records), "Hired"]
    rows: dict[str, dict[str, set[str]]] = {s: defaultdict(set) for s in order}
    for r in records:
        if not _in(r.applied_at, start, end):
            continue
        who = r.person or r.key
        group = r.group or "not disclosed"
        for stage, _entered in r.moves:
            rows[stage][group].add(who)
        if r.outcome == "hired":
            rows["Hired"][group].add(who)
    return {s: dict(groups) for s, groups in rows.items()}


# --- drill-down: the applications behind a figure -------------------------------------------

DRILL_KINDS = ("reached", "passed", "stopped", "applications", "hires")


def behind(
    records: Sequence[AppRecord], start: date, end: date, *, what: str, stage: str | None = None
) -> list[dict[str, Any]]:
    """The applications a funnel figure counts, with the dates that put them there.

    `reached`/`passed`/`stopped` with `stage`: the entries into the stage in the period that
    have left it (the pass-through's denominator), those that went further (its numerator), and
    the rest; `applications`: created in the period; `hires`: offer accepted in the period.
    The counts equal the figures of `stages`, `summary` (tests/talent/test_funnel_chart.py)."""
    if what not in DRILL_KINDS:
        raise ValueError(f"what {what!r}: one of {', '.join(DRILL_KINDS)}")
    rows: list[dict[str, Any]] = []
    for r in records:
        if what == "applications":
            if _in(r.applied_at, start, end):
                rows.append({"key": r.key, "day": r.applied_at.date(), "outcome": r.outcome})
            continue
        if what == "hires":
            hired = r.hired_on()
            if hired is not None and _in(hired, start, end):
                rows.append({"key": r.key, "day": hired, "outcome": r.outcome})
            continue
        for visit, entered, left, passed in _stage_visits(r):
            if visit != stage or left is None or not _in(entered, start, end):
                continue
            if (what == "passed" and not passed) or (what == "stopped" and passed):
                continue
            rows.append(
                {
                    "key": r.key,
                    "day": entered.date(),
                    "left": left.date(),
                    "days": (left.date() - entered.date()).days,
                    "passed": passed,
                    "outcome": r.outcome,
                }
            )
    return sorted(rows, key=lambda row: (row["day"], row["key"]))
