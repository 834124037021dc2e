"""Reads for the alignment page: where engineering time went beside the plan's intended
share, and the commits behind each figure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple, overload

from steward.core import policy
from steward.core.gcpause import cycles_paused
from steward.org import selectors as org_selectors
from steward.strategy import alignment
from steward.strategy.models import (
    Initiative,
    InitiativeEffort,
    InitiativeObjective,
)
from steward.strategy.selectors.initiatives import effort_total, initiative_list

Actor = policy.Actor
_UNSET: Any = object()  # a share not worked out yet (None: the figure counts none of it)
# The plan meant these initiatives to take the engineering time of the present.
INTENDED_STATUSES = ("in-progress",)


def _months(start: date, end: date) -> list[str]:
    out = []
    day = start.replace(day=1)
    while day < end:
        out.append(alignment.month_of(day))
        day = (day + timedelta(days=32)).replace(day=1)
    return out


class InitiativeRow(NamedTuple):
    """What attribution and the plan's intended shares read of an initiative (plain values)."""

    key: str
    status: str
    link_keys: list[str]
    effort: Decimal  # estimated person-weeks over all teams
    links: list[tuple[str, Decimal]]  # (objective key, weight), by objective priority, key


class ObjectiveRow(NamedTuple):
    key: str
    title: str
    priority: int


def initiative_rows(actor: Actor) -> list[InitiativeRow]:
    """The initiatives `actor` may see, by key, as plain rows: three flat queries instead of
    `initiative_list`'s objects with owners, teams and dependencies (38 initiatives cost
    ~20 ms a request that way)."""
    items = list(
        policy.visible(actor, "strategy.Initiative")
        .order_by("key")
        .values_list("pk", "key", "status", "link_keys")
    )
    ids = [pk for pk, *_ in items]
    links: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for initiative_id, objective, weight in (
        InitiativeObjective.objects.filter(initiative_id__in=ids)
        .order_by("objective__priority", "objective__key")
        .values_list("initiative_id", "objective__key", "weight")
    ):
        links[initiative_id].append((objective, weight))
    effort: dict[int, Decimal] = defaultdict(Decimal)
    for initiative_id, weeks in (
        InitiativeEffort.objects.filter(initiative_id__in=ids)
        .order_by("initiative", "team")
        .values_list("initiative_id", "person_weeks")
    ):
        effort[initiative_id] += weeks
    return [
        InitiativeRow(key, status, list(keys or []), effort[pk], links[pk])
        for pk, key, status, keys in items
    ]


def _objective_list(actor: Actor) -> list[ObjectiveRow]:
    """The objectives `actor` may see (by priority, then key) as plain rows."""
    return [
        ObjectiveRow(*row)
        for row in policy.visible(actor, "strategy.Objective").values_list(
            "key", "title", "priority"
        )
    ]


def intended_shares(initiatives: list[Initiative] | None = None) -> dict[str, float]:
    """The plan's intended share of effort per objective.

    Over the initiatives in progress: estimated person-weeks times link weights, as a share of
    all their estimated person-weeks (what is not linked to an objective is `unaligned`).
    """
    if initiatives is None:
        initiatives = list(initiative_list(actor=policy.SYSTEM))
    return _intended_shares(
        [
            InitiativeRow(
                i.key,
                i.status,
                list(i.link_keys),
                effort_total(i),
                [(link.objective.key, link.weight) for link in i.objective_links.all()],
            )
            for i in initiatives
        ]
    )


def _intended_shares(initiatives: list[InitiativeRow]) -> dict[str, float]:
    per_objective: dict[str, Decimal] = defaultdict(Decimal)
    total = Decimal(0)
    for initiative in initiatives:
        if initiative.status not in INTENDED_STATUSES:
            continue
        effort = initiative.effort
        total += effort
        passed = Decimal(0)
        for objective, weight in initiative.links:
            per_objective[objective] += effort * weight
            passed += weight
        if passed < 1:
            per_objective["unaligned"] += effort * (1 - passed)
    if total == 0:
        return {}
    return {k: float(v / total) for k, v in per_objective.items()}


def alignment_report(
    *, actor: Actor, start: date, end: date, team: str | None = None
) -> dict[str, Any]:
    """Where engineering time went in [start, end): per team and month, per initiative and
    objective, beside the plan's intended share, with the gaps called out."""
    with cycles_paused():  # ~10^4 groups at scale: see core/gcpause.py
        return _alignment_report(actor=actor, start=start, end=end, team=team)


def _alignment_report(
    *, actor: Actor, start: date, end: date, team: str | None = None
) -> dict[str, Any]:
    initiatives = initiative_rows(actor)
    by_key, weights = _initiative_links(initiatives)
    groups = _commit_groups(start, end, set(by_key))
    team_of = _team_of({g.person_id for g in groups}, start, end)
    result = alignment.attribute_groups(groups, by_key, team_of)
    teams = sorted({t for (t, _m, _i) in result.cells})
    if team:
        teams = [t for t in teams if t == team]
    months = _months(start, end)
    objectives = _objective_list(actor)
    grid = _team_month_grid(result.cells, teams, months, weights)
    totals = result.initiative_totals(team)
    all_effort = sum(totals.values(), Fraction(0))
    per_objective = alignment.objective_effort(totals, weights)
    intended = _intended_shares(initiatives)
    rows = _objective_rows(objectives, per_objective, all_effort, intended)
    unaligned = per_objective.get("unaligned", Fraction(0))
    callouts = _alignment_callouts(rows, unaligned, all_effort)
    return {
        "from": start,
        "to": end,
        "team": team,
        "person_days": float(all_effort),
        "initiatives": sorted(
            (
                {"key": k, "person_days": round(float(v), 3)}
                for k, v in totals.items()
                if k != alignment.UNLINKED
            ),
            key=lambda r: (-r["person_days"], r["key"]),
        ),
        "unlinked_person_days": round(float(totals.get(alignment.UNLINKED, 0)), 3),
        "unaligned_person_days": round(float(unaligned), 3),
        "objectives": rows,
        "by_team_month": grid,
        "callouts": callouts,
    }


def _initiative_links(
    initiatives: list[InitiativeRow],
) -> tuple[dict[str, list[str]], dict[str, dict[str, Fraction]]]:
    """Link key -> the initiatives it names, and each initiative's objective weights."""
    by_key: dict[str, list[str]] = defaultdict(list)
    weights: dict[str, dict[str, Fraction]] = {}
    for initiative in initiatives:
        for key in initiative.link_keys:
            by_key[key].append(initiative.key)
        weights[initiative.key] = {
            objective: Fraction(str(weight)) for objective, weight in initiative.links
        }
    return by_key, weights


def _team_month_grid(
    cells: dict[tuple[str, str, str], Fraction],
    teams: list[str],
    months: list[str],
    weights: dict[str, dict[str, Fraction]],
) -> list[dict[str, Any]]:
    """Per team and month with effort: person-days, their share per objective, unlinked."""
    grid = []
    by_cell: dict[tuple[str, str], dict[str, Fraction]] = defaultdict(dict)
    for (tt, mm, i), v in cells.items():
        by_cell[(tt, mm)][i] = v
    for t in teams:
        for m in months:
            per_init = by_cell.get((t, m), {})
            total = sum(per_init.values(), Fraction(0))
            if total == 0:
                continue
            per_obj = alignment.objective_effort(per_init, weights)
            grid.append(
                {
                    "team": t,
                    "month": m,
                    "person_days": float(total),
                    "objectives": {k: round(float(v), 3) for k, v in per_obj.items()},
                    "unlinked": round(float(per_init.get(alignment.UNLINKED, 0)), 3),
                }
            )
    return grid


def _objective_rows(
    objectives: list[ObjectiveRow],
    per_objective: dict[str, Fraction],
    all_effort: Fraction,
    intended: dict[str, float],
) -> list[dict[str, Any]]:
    """Per objective: person-days, share of all effort, the plan's intended share, the gap."""
    rows: list[dict[str, Any]] = []
    for objective in objectives:
        actual = per_objective.get(objective.key, Fraction(0))
        share = float(actual / all_effort) if all_effort else None
        plan = intended.get(objective.key)
        rows.append(
            {
                "key": objective.key,
                "title": objective.title,
                "priority": objective.priority,
                "person_days": round(float(actual), 3),
                "share": None if share is None else round(share, 4),
                "intended_share": None if plan is None else round(plan, 4),
                "gap": None if share is None or plan is None else round(share - plan, 4),
            }
        )
    return rows


def _alignment_callouts(
    rows: list[dict[str, Any]], unaligned: Fraction, all_effort: Fraction
) -> list[str]:
    """Objectives that received far less than their intended share (by priority), then the
    share of effort linked to no objective."""
    callouts = []
    for row in sorted(rows, key=lambda r: r["priority"]):
        if row["share"] is None:
            continue
        plan = row["intended_share"] or 0.0
        if plan >= 0.05 and (row["share"] < plan / 2 or plan - row["share"] >= 0.1):
            callouts.append(
                f"objective {row['key']} ({row['title']}) is priority {row['priority']} and "
                f"received {row['share'] * 100:.0f} % of effort (plan: {plan * 100:.0f} %)"
            )
    if all_effort:
        callouts.append(
            f"{float(unaligned / all_effort) * 100:.0f} % of effort is not linked to any objective"
        )
    return callouts


def _commit_groups(start: date, end: date, keys: set[str]) -> list[alignment.CommitGroupRef]:
    """Commit groups keeping only the link keys of initiatives (the only ones that count)."""
    from steward.engineering import selectors as evidence

    return list(evidence.commit_groups(start=start, end=end, keys=keys))


def _team_of(person_ids: set[int], start: date, end: date) -> Callable[[int, date], str | None]:
    """A person's home team's slug on a day (memberships read once)."""
    from steward.engineering import selectors as evidence

    memberships = evidence.team_on(person_ids, start, end)
    slug_of = org_selectors.team_slugs_by_id()
    cache: dict[tuple[int, date], str | None] = {}

    def team_of(person: int, day: date) -> str | None:
        if (person, day) in cache:
            return cache[(person, day)]
        found = None
        for s, e, team_id in memberships.get(person, []):
            if s <= day and (e is None or day < e):
                found = slug_of.get(team_id)
                break
        cache[(person, day)] = found
        return found

    return team_of


@dataclass
class AlignmentCommits(Sequence[dict[str, Any]]):
    """The commits behind a figure, read a page at a time (a sequence for `paginate`).

    The groups of commits (person, day, link keys) decide which commits count and their share,
    so the number of rows and the total need no commit rows; a page reads only the days it shows."""

    groups: list[tuple[alignment.CommitGroupRef, Fraction, str | None]]
    rows: int
    total: float
    keys: set[str]  # the link keys the groups were made with

    def __post_init__(self) -> None:
        # Once, not per page: the commits per day, and the chosen groups of each day.
        self._commits: dict[date, int] = defaultdict(int)
        self._chosen: dict[date, dict[Any, tuple[Fraction, str | None]]] = defaultdict(dict)
        for g, share, team in self.groups:
            self._commits[g.day] += g.commits
            self._chosen[g.day][(g.person_id, g.day, g.keys)] = (share, team)

    def __len__(self) -> int:
        return self.rows

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self[0 : self.rows])

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:

        if isinstance(index, int):
            position = index + self.rows if index < 0 else index
            found = self[position : position + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        if index.step not in (None, 1):
            raise TypeError("AlignmentCommits supports plain slices only")
        start, stop, _ = index.indices(self.rows)
        if start >= stop:
            return []
        # The days holding rows [start, stop) of the list ordered by day (then sha).
        by_day = self._commits
        before, first, last, seen = 0, None, None, 0
        for day in sorted(by_day):
            if seen + by_day[day] <= start:
                seen += by_day[day]
                before = seen
                continue
            first = first or day
            last = day
            seen += by_day[day]
            if seen >= stop:
                break
        if first is None or last is None:
            return []
        with cycles_paused():
            return self._rows(first, last, start - before, stop - before)

    def _rows(self, first: date, last: date, start: int, stop: int) -> list[dict[str, Any]]:
        """Rows [start, stop) of those of the local days [first, last], by day then sha.

        The days' commits are read narrow (id, sha, day, email, keys: which group, hence
        whether and how much it counts) and only until row `stop`; the rest of a row (message,
        names, repository) is read for the page's rows only: a day holds ~10^3 commits at
        10^6 commits, a page 50 or 100."""
        from steward.engineering import selectors as evidence

        chosen = {
            key: hit
            for day, per_day in self._chosen.items()
            if first <= day <= last
            for key, hit in per_day.items()
        }
        page: list[tuple[int, Fraction, str | None]] = []
        position = 0
        for pk, _sha, day, person, keys in evidence.commit_keys_on_days(
            first=first, last=last, keys=self.keys
        ):
            hit = chosen.get((person, day, keys)) if person is not None else None
            if hit is None:
                continue
            if position >= start:
                page.append((pk, *hit))
                if len(page) >= stop - start:
                    break
            position += 1
        by_id = {row[0]: row for row in evidence.commit_rows_by_id(pk for pk, *_ in page)}
        out = []
        for pk, share, team in page:
            _pk, sha, repo, day, name, author, message = by_id[pk]
            out.append(
                {
                    "sha": sha,
                    "repo": repo,
                    "day": day,
                    "author": name or author,
                    "subject": message.split("\n", 1)[0],
                    "team": team,
                    "person_days": round(float(share), 4),
                }
            )
        return out


def alignment_commits(
    *,
    actor: Actor,
    start: date,
    end: date,
    initiative: str | None = None,
    objective: str | None = None,
    team: str | None = None,
    month: str | None = None,
) -> AlignmentCommits:
    """The commits behind a figure of the alignment report, each with its share in person-days.

    `initiative` (a key or `unlinked`) or `objective` (a key or `unaligned`, shares times link
    weights) selects the figure; neither selects all effort; `team` and `month` (YYYY-MM) narrow
    it to one cell of the team-by-month table. Ordered by day, then sha; sliced a page at a
    time (`rows` and `total`, in person-days, cover all of them).
    """
    with cycles_paused():  # ~10^4 groups at scale: see core/gcpause.py
        return _alignment_commits(
            actor=actor,
            start=start,
            end=end,
            initiative=initiative,
            objective=objective,
            team=team,
            month=month,
        )


def _alignment_commits(
    *,
    actor: Actor,
    start: date,
    end: date,
    initiative: str | None,
    objective: str | None,
    team: str | None,
    month: str | None,
) -> AlignmentCommits:
    by_key, weights = _initiative_links(initiative_rows(actor))
    groups = [
        g
        for g in _commit_groups(start, end, set(by_key))
        if month is None or alignment.month_of(g.day) == month
    ]
    team_of = _team_of({g.person_id for g in groups}, start, end)
    per_day = alignment.day_totals(groups)

    def part(target: str) -> Fraction:
        """What of one unit of effort on `target` the figure counts (exact)."""
        if initiative is not None:
            return Fraction(1 if target == initiative else 0)
        if objective is not None:
            return alignment.objective_effort({target: Fraction(1)}, weights).get(
                objective, Fraction(0)
            )
        return Fraction(1)

    # A commit's share is 1 / (commits that day × its targets) per target, so the figure's
    # share is (Σ part(target)) / denominator: worked out once per (keys, commits that day),
    # with its value as shown (rounded to 4 places); ~10^4 groups share a few hundred of them.
    parts: dict[str, Fraction] = {}
    shares: dict[tuple[tuple[str, ...], int], tuple[Fraction, Decimal] | None] = {}
    chosen: list[tuple[alignment.CommitGroupRef, Fraction, str | None]] = []
    shown: dict[Decimal, int] = defaultdict(int)  # commits per share as shown
    count = 0
    person, day, group_team, n = None, None, None, 0
    for g in groups:
        if g.person_id != person or g.day != day:
            # A person-day's groups are usually next to each other (commit_groups sorts
            # them): its team and commits are looked up once for them.
            person, day = g.person_id, g.day
            group_team = team_of(person, day)
            n = per_day[(person, day)]
        if team and (group_team or alignment.NO_TEAM) != team:
            continue
        hit = shares.get((g.keys, n), _UNSET)
        if hit is _UNSET:
            targets = alignment.targets_of(g.keys, by_key)
            for t in targets:
                if t not in parts:
                    parts[t] = part(t)
            factor = sum((parts[t] for t in targets), Fraction(0))
            share = factor / (n * len(targets))
            hit = shares[(g.keys, n)] = (
                (share, Decimal(str(round(float(share), 4)))) if factor else None
            )
        if hit is None:
            continue
        chosen.append((g, hit[0], group_team))
        count += g.commits
        shown[hit[1]] += g.commits
    # The sum of the rows as shown, exactly (Decimal sums of 4-place values are exact).
    total = sum((commits * value for value, commits in shown.items()), Decimal(0))
    return AlignmentCommits(groups=chosen, rows=count, total=float(total), keys=set(by_key))
