"""Effort attribution (METRICS.md "Effort attribution") as a pure function of plain data.

Each active person-day weighs 1 and is split equally across that day's non-merge commits of the
person; each commit's share is split equally across the initiatives whose link keys it
references, or goes to `unlinked`. A team's effort is the sum over its members' person-days
(membership on that date). An objective's effort is the sum of its initiatives' effort times
the link weights; what an initiative does not pass on to objectives (no links) is `unaligned`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import NamedTuple, Protocol

UNLINKED = "unlinked"
NO_TEAM = "(no team)"


@dataclass(frozen=True)
class CommitRef:
    """A non-merge commit by a person on their local day, with the link keys it references."""

    commit_id: int
    person_id: int
    day: date
    keys: tuple[str, ...]


@dataclass
class Attribution:
    """Effort in person-days by (team, month, initiative key or `unlinked`), and per commit."""

    cells: dict[tuple[str, str, str], Fraction] = field(default_factory=dict)
    by_commit: dict[int, list[tuple[str, Fraction]]] = field(default_factory=dict)
    person_days: int = 0

    def initiative_totals(self, team: str | None = None) -> dict[str, Fraction]:
        """Effort per initiative (and `unlinked`), optionally of one team."""
        out: dict[str, Fraction] = defaultdict(Fraction)
        for (t, _month, target), value in self.cells.items():
            if team is None or t == team:
                out[target] += value
        return dict(out)

    def total(self, team: str | None = None) -> Fraction:
        """All attributed person-days (of one team)."""
        return sum(self.initiative_totals(team).values(), Fraction(0))


def month_of(day: date) -> str:
    """2026-11 for any day of November 2026."""
    return f"{day.year:04d}-{day.month:02d}"


def attribute(
    commits: Iterable[CommitRef],
    initiatives_by_key: Mapping[str, Sequence[str]],
    team_of: Callable[[int, date], str | None],
    *,
    by_commit: bool = True,
) -> Attribution:
    """Attribute person-days to initiatives through the commits' link keys (exact fractions).

    Every share is 1 / (commits that day × initiatives of the commit), so a cell is kept as a
    count per denominator and summed as fractions once at the end: exact, without a Fraction
    addition per commit. `by_commit=False` skips the per-commit shares (the report's totals)."""
    per_day: dict[tuple[int, date], list[CommitRef]] = defaultdict(list)
    for commit in commits:
        per_day[(commit.person_id, commit.day)].append(commit)
    result = Attribution()
    counts: dict[tuple[str, str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    months: dict[date, str] = {}
    teams: dict[tuple[int, date], str] = {}
    for (person, day), day_commits in per_day.items():
        result.person_days += 1
        team = teams.get((person, day))
        if team is None:
            team = teams[(person, day)] = team_of(person, day) or NO_TEAM
        month = months.get(day) or months.setdefault(day, month_of(day))
        n = len(day_commits)
        for commit in day_commits:
            if commit.keys:
                targets = sorted(
                    {i for key in commit.keys for i in initiatives_by_key.get(key, ())}
                ) or [UNLINKED]
            else:
                targets = [UNLINKED]
            denominator = n * len(targets)
            if by_commit:
                each = Fraction(1, denominator)
                result.by_commit[commit.commit_id] = [(t, each) for t in targets]
            for target in targets:
                counts[(team, month, target)][denominator] += 1
    result.cells = {
        cell: sum((Fraction(k, d) for d, k in per.items()), Fraction(0))
        for cell, per in counts.items()
    }
    return result


class CommitGroupRef(Protocol):
    """`commits` non-merge commits of a person on a local day referencing the same keys
    (engineering's `CommitGroup` is one)."""

    @property
    def person_id(self) -> int: ...

    @property
    def day(self) -> date: ...

    @property
    def keys(self) -> tuple[str, ...]: ...

    @property
    def commits(self) -> int: ...


class Group(NamedTuple):
    """A `CommitGroupRef` built by hand (tests)."""

    person_id: int
    day: date
    keys: tuple[str, ...]
    commits: int


def targets_of(keys: Sequence[str], initiatives_by_key: Mapping[str, Sequence[str]]) -> list[str]:
    """The initiatives a commit with these link keys is attributed to (or `unlinked`)."""
    if not keys:
        return [UNLINKED]
    return sorted({i for key in keys for i in initiatives_by_key.get(key, ())}) or [UNLINKED]


def day_totals(groups: Iterable[CommitGroupRef]) -> dict[tuple[int, date], int]:
    """Commits per (person, day): the n of each commit's 1 / n share of its person-day."""
    out: dict[tuple[int, date], int] = defaultdict(int)
    for g in groups:
        out[(g.person_id, g.day)] += g.commits
    return out


def attribute_groups(
    groups: Sequence[CommitGroupRef],
    initiatives_by_key: Mapping[str, Sequence[str]],
    team_of: Callable[[int, date], str | None],
) -> Attribution:
    """`attribute(..., by_commit=False)` of the commits the groups count (the same cells,
    exactly, in the same order).

    Every commit of a group has the same share, so a group adds `commits` to its cell's count
    for its denominator. The groups are first summed per (team, month, day's commits, keys):
    the cells and denominators depend on nothing else, and there are far fewer of those than
    groups, so the targets and cells are worked out once per sum, not once per group. Each
    sum is met first at its first group, so the cells are created in the groups' order."""
    per_day = day_totals(groups)
    result = Attribution(person_days=len(per_day))
    months: dict[date, str] = {}
    place: dict[tuple[int, date], tuple[str, str, int]] = {}
    for (person, day), n in per_day.items():
        month = months.get(day) or months.setdefault(day, month_of(day))
        place[(person, day)] = (team_of(person, day) or NO_TEAM, month, n)
    summed: dict[tuple[tuple[str, str, int], tuple[str, ...]], int] = defaultdict(int)
    for g in groups:
        summed[(place[(g.person_id, g.day)], g.keys)] += g.commits
    counts: dict[tuple[str, str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    targets_by_keys: dict[tuple[str, ...], list[str]] = {}
    for ((team, month, n), keys), commits in summed.items():
        targets = targets_by_keys.get(keys)
        if targets is None:
            targets = targets_by_keys[keys] = targets_of(keys, initiatives_by_key)
        denominator = n * len(targets)
        for target in targets:
            counts[(team, month, target)][denominator] += commits
    result.cells = {
        cell: sum((Fraction(k, d) for d, k in per.items()), Fraction(0))
        for cell, per in counts.items()
    }
    return result


def objective_effort(
    initiative_effort: Mapping[str, Fraction],
    weights: Mapping[str, Mapping[str, Fraction]],
) -> dict[str, Fraction]:
    """Effort per objective: Σ initiative effort × link weight; the rest is `unaligned`."""
    out: dict[str, Fraction] = defaultdict(Fraction)
    for initiative, effort in initiative_effort.items():
        links = weights.get(initiative, {}) if initiative != UNLINKED else {}
        passed = Fraction(0)
        for objective, weight in links.items():
            out[objective] += effort * weight
            passed += weight
        if passed < 1:
            out["unaligned"] += effort * (1 - passed)
    return dict(out)
