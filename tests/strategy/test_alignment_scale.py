"""Attribution by counts per denominator equals the plain sum of fractions, commit by commit."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction

from steward.strategy import alignment


def _naive(commits, by_key, team_of):  # type: ignore[no-untyped-def]
    """METRICS.md effort attribution written out literally, one Fraction per share."""
    per_day = defaultdict(list)
    for c in commits:
        per_day[(c.person_id, c.day)].append(c)
    cells: dict = defaultdict(Fraction)  # type: ignore[type-arg]
    for (person, day), day_commits in per_day.items():
        for c in day_commits:
            targets = sorted({i for k in c.keys for i in by_key.get(k, ())}) or ["unlinked"]
            for t in targets:
                team = team_of(person, day) or "(no team)"
                cells[(team, f"{day.year:04d}-{day.month:02d}", t)] += Fraction(
                    1, len(day_commits) * len(targets)
                )
    return dict(cells)


def test_counts_per_denominator_equal_fraction_sums() -> None:
    rng = random.Random(7)
    keys = ["A-1", "B-2", "C-3", "D-4", "X-9"]
    by_key = {"A-1": ["I1"], "B-2": ["I2", "I3"], "C-3": ["I3"], "D-4": ["I1", "I2", "I4"]}
    start = date(2026, 1, 1)
    commits = [
        alignment.CommitRef(
            n,
            rng.randrange(12),
            start + timedelta(days=rng.randrange(70)),
            tuple(rng.sample(keys, rng.randrange(3))),
        )
        for n in range(3000)
    ]

    def team_of(person: int, day: date) -> str | None:
        return None if person == 0 else f"t{(person + day.month) % 4}"

    expected = _naive(commits, by_key, team_of)
    fast = alignment.attribute(commits, by_key, team_of, by_commit=False)
    full = alignment.attribute(commits, by_key, team_of)
    assert fast.cells == expected == full.cells
    assert fast.by_commit == {} and len(full.by_commit) == 3000
    assert fast.person_days == full.person_days == len({(c.person_id, c.day) for c in commits})
    assert sum(expected.values()) == fast.person_days
