"""The small-group rule for figures made of individual pay, with complementary suppression.

A figure (a team's cost, a quarter's planned cost, the change of a team's cost in a scenario)
is a sum of contributions, one per person. Shown to a role that may not see individual pay, a
figure must not be derived from the pay of fewer than `min_group` people (METRICS.md): neither
its value before, nor after, nor the change between them. The people behind a change are the
ones whose contribution differs between before and after (joined, left, or paid differently),
so a team that gains one person shows a delta equal to that person's pay: hidden.

Hiding a figure is not enough when a shown total is the sum of a line of figures: the hidden
ones together are the total minus the shown ones. For every line (members and their total),
with "known" meaning shown or determined by the shown figures (the only unknown of a line):
- total known: the unknown members taken together must pass the rule, and no hidden member
  that is known anyway may be too small;
- total unknown: the known members taken together must pass the rule (the rows of a scenario
  must not add up to its single planned hire).
Otherwise one more figure is hidden (one about the people at stake first, then the smallest;
in a crossing line when the line has none left; the total last) and the check starts again.
Sums of arbitrary subsets of shown figures are not audited (see docs/security.md).

Plain data in and out; no Django.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

DEFAULT_MIN_GROUP = 5
# METRICS.md: the setting may raise the threshold, never lower it below this.
LOWEST_MIN_GROUP = 3

K = TypeVar("K", bound=Hashable)

Contributions = Mapping[str, Decimal]


@dataclass(frozen=True)
class Figure:
    """A sum of per-person contributions; with `after`, a change from `before` to `after`."""

    before: Contributions = field(default_factory=dict)
    after: Contributions | None = None

    def people_sets(self) -> list[frozenset[str]]:
        """The groups of people the figure's shown values are derived from."""
        before = frozenset(k for k, v in self.before.items() if v is not None)
        if self.after is None:
            return [before]
        after = frozenset(k for k, v in self.after.items() if v is not None)
        changed = frozenset(
            k
            for k in before | after
            if self.before.get(k, Decimal(0)) != self.after.get(k, Decimal(0))
        )
        return [before, after, changed]

    def size(self) -> int:
        """The most people any of its values is derived from (to pick the next to hide)."""
        return max(len(s) for s in self.people_sets())


def min_group_size(configured: int | None) -> int:
    """The threshold in force: the configured value, default 5, never below 3."""
    if configured is None:
        return DEFAULT_MIN_GROUP
    return max(LOWEST_MIN_GROUP, int(configured))


def combine(figures: Iterable[Figure]) -> Figure:
    """The figure of a sum of figures (contributions of the same person add up)."""
    before: dict[str, Decimal] = {}
    after: dict[str, Decimal] | None = None
    for fig in figures:
        for k, v in fig.before.items():
            before[k] = before.get(k, Decimal(0)) + v
        if fig.after is not None:
            after = {} if after is None else after
            for k, v in fig.after.items():
                after[k] = after.get(k, Decimal(0)) + v
    return Figure(before, after)


def too_small(figure: Figure, min_group: int) -> bool:
    """True when a value of `figure` is derived from the pay of 1 to `min_group - 1` people."""
    return any(0 < len(people) < min_group for people in figure.people_sets())


def suppressed(
    figures: Mapping[K, Figure],
    lines: Sequence[tuple[Sequence[K], K]],
    min_group: int,
) -> frozenset[K]:
    """The keys of `figures` to hide: too small ones and their complements along `lines`.

    `lines` are `(members, total)` with `figures[total]` the sum of the members' figures (a row
    or a column of a table and its total; a total may be a member of another line). A hidden
    figure that the shown ones determine (the only unknown of a line) counts as shown.
    """
    hidden = {k for k, fig in figures.items() if too_small(fig, min_group)}

    def smallest(keys: Iterable[K], near: frozenset[str] = frozenset()) -> K | None:
        """The shown figure to hide next: one about the people at stake, then the smallest."""
        candidates = [k for k in keys if k not in hidden and figures[k].size() > 0]
        if not candidates:
            return None

        def rank(k: K) -> tuple[bool, int, str]:
            touches = any(people & near for people in figures[k].people_sets())
            return (not touches, figures[k].size(), str(k))

        return min(candidates, key=rank)

    def known() -> set[K]:
        found = set(figures) - hidden
        grew = True
        while grew:
            grew = False
            for members, total in lines:
                unknown = {x for x in (*members, total) if x not in found}
                if len(unknown) == 1:
                    found |= unknown
                    grew = True
        return found

    def at_stake(figure: Figure) -> frozenset[str]:
        small = [p for p in figure.people_sets() if 0 < len(p) < min_group]
        return frozenset().union(*small)

    def leaks(members: Sequence[K], total: K, derivable: set[K]) -> frozenset[str]:
        """The people of a figure computable along this line that is made of too few people."""
        if total in derivable:
            unknown = [m for m in members if m not in derivable]
            if unknown:
                return at_stake(combine(figures[m] for m in unknown))
            exposed = [x for x in (*members, total) if x in hidden]
            return frozenset().union(*(at_stake(figures[x]) for x in exposed))
        shown = [m for m in members if m in derivable]
        return at_stake(combine(figures[m] for m in shown)) if shown else frozenset()

    while True:
        derivable = known()
        fix: K | None = None
        stuck = False
        for members, total in lines:
            near = leaks(members, total, derivable)
            if not near:
                continue
            fix = smallest(members, near)
            if fix is None:
                # The hidden members are determined through other lines: hide in those.
                crossing = [
                    other
                    for m in members
                    if m in hidden
                    for others, _ in lines
                    if m in others
                    for other in others
                ]
                fix = smallest(crossing, near)
            if fix is None and total not in hidden:
                fix = total
            if fix is not None:
                break
            stuck = True
        if fix is not None:
            hidden.add(fix)
            continue
        if stuck:
            # No single figure to hide closes the gap: hide every figure made of pay.
            hidden |= {k for k, fig in figures.items() if fig.size() > 0}
        return frozenset(hidden)
