"""The small-group rule for figures made of individual pay, with complementary suppression.

A figure (a team's cost, a quarter's planned cost, the change of a team's cost in a scenario)
is a sum of contributions, one per person. Shown to a role that may not see individual pay, a
figure must not be derived from the pay of fewer than `min_group` people (METRICS.md): neither
its value before, nor after, nor the change between them. The people behind a change are the
ones whose contribution differs between before and after (joined, left, or paid differently),
so a team that gains one person shows a delta equal to that person's pay: hidden.

Hiding a figure is not enough when a shown total is the sum of a line of figures: the hidden
ones together are the total minus the shown ones. "Known" means shown or determined by the
shown figures: the only unknown of a line, or, exactly, a hidden figure whose value the line
equations fix however they are combined (`determined`). For every line (members and total):
- total known: the unknown members taken together must pass the rule, and no hidden member
  that is known anyway may be too small;
- total unknown: the known members taken together must pass the rule (the rows of a scenario
  must not add up to its single planned hire).
Otherwise one more figure is hidden (one about the people at stake first, then the smallest;
in a crossing line when the line has none left; the total last) and the check starts again.
A too-small hidden figure that is known gets a shown neighbour (a figure of one of its lines)
hidden the same way.
Sums of arbitrary subsets of shown figures are not audited (see docs/security.md).

Plain data in and out; no Django.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
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


def determined(hidden: Sequence[K], lines: Sequence[tuple[Sequence[K], K]]) -> set[K]:
    """The hidden figures whose value the shown ones fix, by exact linear algebra.

    Each line is the equation `total - sum(members) = 0`; with the shown figures as constants
    it is an equation over the hidden ones. A hidden figure is fixed exactly when its unit
    vector lies in the span of those equations, that is when its row of the reduced row echelon
    form (over the rationals, no rounding) holds nothing but its pivot.
    """
    column = {k: n for n, k in enumerate(hidden)}
    equations: list[dict[int, Fraction]] = []
    for members, total in lines:
        row: dict[int, Fraction] = {}
        for key, sign in [*((m, -1) for m in members), (total, 1)]:
            if key in column:
                c = column[key]
                row[c] = row.get(c, Fraction(0)) + sign
        row = {c: v for c, v in row.items() if v}
        if row:
            equations.append(row)
    pivots: dict[int, dict[int, Fraction]] = {}
    for row in sorted(equations, key=len):
        for c in [c for c in row if c in pivots]:
            _subtract(row, row[c], pivots[c])
        if not row:
            continue
        pivot = min(row)
        scale = row[pivot]
        row = {c: v / scale for c, v in row.items()}
        for other in pivots.values():
            if pivot in other:
                _subtract(other, other[pivot], row)
        pivots[pivot] = row
    return {hidden[c] for c, row in pivots.items() if len(row) == 1}


def _subtract(row: dict[int, Fraction], factor: Fraction, pivot: dict[int, Fraction]) -> None:
    """`row -= factor * pivot`, dropping the entries that become zero."""
    for c, v in pivot.items():
        value = row.get(c, Fraction(0)) - factor * v
        if value:
            row[c] = value
        else:
            row.pop(c, None)


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

    def fix_for_lines(derivable: set[K]) -> tuple[K | None, bool]:
        """The next figure to hide for a line that leaks, and whether a leak had no fix."""
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
                return fix, stuck
            stuck = True
        return None, stuck

    def fix_for_known(derivable: set[K]) -> tuple[K | None, bool]:
        """A shown neighbour of a too-small hidden figure that the shown ones determine."""
        for x in figures:
            near = at_stake(figures[x]) if x in hidden and x in derivable else frozenset()
            if not near:
                continue
            neighbours = [
                k
                for members, total in lines
                if x == total or x in members
                for k in (*members, total)
            ]
            fix = smallest(neighbours, near)
            return fix, fix is None
        return None, False

    def next_fix(derivable: set[K]) -> tuple[K | None, bool]:
        fix, stuck = fix_for_lines(derivable)
        if fix is None:
            fix, stuck_known = fix_for_known(derivable)
            stuck = stuck or stuck_known
        return fix, stuck

    while True:
        derivable = known()
        fix, stuck = next_fix(derivable)
        if fix is None and not stuck:
            # Single unknowns found no leak: check what the lines determine together (rare).
            exact = (set(figures) - hidden) | determined([k for k in figures if k in hidden], lines)
            if exact != derivable:
                fix, stuck = next_fix(exact)
        if fix is not None:
            hidden.add(fix)
            continue
        if stuck:
            # No single figure to hide closes the gap: hide every figure made of pay.
            hidden |= {k for k, fig in figures.items() if fig.size() > 0}
        return frozenset(hidden)
