"""Attribution from grouped commits (one row per person, day and link keys) equals the
commit-by-commit computation it replaced, on the demo company: same figures, same rows.

`old_alignment_report` and `old_alignment_commits` are the selectors as they were before
(commit by commit through `commit_evidence` and `alignment.attribute`), kept here as the
reference; `old_attribute_groups` and `old_intended_shares` are `attribute_groups` (one step per
group) and `intended_shares` (from the initiatives' objects) as they were before they were made
cheaper at scale.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.db import connection

from steward.core.policy import SYSTEM, Actor
from steward.demo.company import REFERENCE_DATE
from steward.engineering import selectors as evidence
from steward.org import selectors as org_selectors
from steward.strategy import alignment, selectors
from steward.strategy.models import Initiative, Objective
from steward.strategy.selectors import alignment as alignment_selectors

pytestmark = pytest.mark.django_db


def old_intended_shares(initiatives: list[Initiative]) -> dict[str, float]:
    """The plan's intended share per objective, from the initiatives' objects."""
    per_objective: dict[str, Decimal] = defaultdict(Decimal)
    total = Decimal(0)
    for initiative in initiatives:
        if initiative.status not in selectors.INTENDED_STATUSES:
            continue
        effort = selectors.effort_total(initiative)
        total += effort
        passed = Decimal(0)
        for link in initiative.objective_links.all():
            per_objective[link.objective.key] += effort * link.weight
            passed += link.weight
        if passed < 1:
            per_objective["unaligned"] += effort * (1 - passed)
    if total == 0:
        return {}
    return {k: float(v / total) for k, v in per_objective.items()}


def old_attribute_groups(
    groups: Sequence[alignment.CommitGroupRef],
    initiatives_by_key: Mapping[str, Sequence[str]],
    team_of: Callable[[int, date], str | None],
) -> alignment.Attribution:
    """One step per group: a group adds `commits` to its cell's count for its denominator."""
    per_day = alignment.day_totals(groups)
    result = alignment.Attribution(person_days=len(per_day))
    counts: dict[tuple[str, str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for g in groups:
        team = team_of(g.person_id, g.day) or alignment.NO_TEAM
        month = alignment.month_of(g.day)
        targets = alignment.targets_of(g.keys, initiatives_by_key)
        denominator = per_day[(g.person_id, g.day)] * len(targets)
        for target in targets:
            counts[(team, month, target)][denominator] += g.commits
    result.cells = {
        cell: sum((Fraction(k, d) for d, k in per.items()), Fraction(0))
        for cell, per in counts.items()
    }
    return result


def old_alignment_report(
    *, actor: Actor, start: date, end: date, team: str | None = None
) -> dict[str, Any]:
    """Where engineering time went in [start, end): per team and month, per initiative and
    objective, beside the plan's intended share, with the gaps called out."""
    initiatives = list(selectors.initiative_list(actor=actor))
    by_key: dict[str, list[str]] = defaultdict(list)
    weights: dict[str, dict[str, Fraction]] = {}
    for initiative in initiatives:
        for key in initiative.link_keys:
            by_key[key].append(initiative.key)
        weights[initiative.key] = {
            link.objective.key: Fraction(str(link.weight))
            for link in initiative.objective_links.all()
        }
    commits = [
        alignment.CommitRef(c.commit_id, c.person_id, c.day, c.keys)
        for c in evidence.commit_evidence(start=start, end=end)
    ]
    memberships = evidence.team_on({c.person_id for c in commits}, start, end)
    slug_of = org_selectors.team_slugs_by_id()

    def team_of(person: int, day: date) -> str | None:
        for s, e, team_id in memberships.get(person, []):
            if s <= day and (e is None or day < e):
                return slug_of.get(team_id)
        return None

    result = alignment.attribute(commits, by_key, team_of, by_commit=False)
    teams = sorted({t for (t, _m, _i) in result.cells})
    if team:
        teams = [t for t in teams if t == team]
    months = selectors._months(start, end)
    objectives = list(selectors.objective_list(actor=actor))
    grid = []
    for t in teams:
        for m in months:
            per_init = {i: v for (tt, mm, i), v in result.cells.items() if tt == t and mm == m}
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
    totals = result.initiative_totals(team)
    all_effort = sum(totals.values(), Fraction(0))
    per_objective = alignment.objective_effort(totals, weights)
    intended = old_intended_shares(initiatives)
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
    unaligned = per_objective.get("unaligned", Fraction(0))
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
            key=lambda r: -r["person_days"],
        ),
        "unlinked_person_days": round(float(totals.get(alignment.UNLINKED, 0)), 3),
        "unaligned_person_days": round(float(unaligned), 3),
        "objectives": rows,
        "by_team_month": grid,
        "callouts": callouts,
    }


def old_alignment_commits(
    *,
    actor: Actor,
    start: date,
    end: date,
    initiative: str | None = None,
    objective: str | None = None,
    team: str | None = None,
    month: str | None = None,
) -> list[dict[str, Any]]:
    """The commits behind a figure of the alignment report, each with its share in person-days.

    `initiative` (a key or `unlinked`) or `objective` (a key or `unaligned`, shares times link
    weights) selects the figure; neither selects all effort; `team` and `month` (YYYY-MM) narrow
    it to one cell of the team-by-month table.
    """
    initiatives = list(selectors.initiative_list(actor=actor))
    by_key: dict[str, list[str]] = defaultdict(list)
    weights: dict[str, dict[str, Fraction]] = {}
    for item in initiatives:
        for key in item.link_keys:
            by_key[key].append(item.key)
        weights[item.key] = {
            link.objective.key: Fraction(str(link.weight)) for link in item.objective_links.all()
        }
    commits = [
        alignment.CommitRef(c.commit_id, c.person_id, c.day, c.keys)
        for c in evidence.commit_evidence(start=start, end=end)
        if month is None or alignment.month_of(c.day) == month
    ]
    memberships = evidence.team_on({c.person_id for c in commits}, start, end)
    slug_of = org_selectors.team_slugs_by_id()

    def team_of(person: int, day: date) -> str | None:
        for s, e, team_id in memberships.get(person, []):
            if s <= day and (e is None or day < e):
                return slug_of.get(team_id)
        return None

    result = alignment.attribute(commits, by_key, team_of)
    chosen: dict[int, Fraction] = {}
    team_by_commit = {c.commit_id: team_of(c.person_id, c.day) for c in commits}
    for commit_id, parts in result.by_commit.items():
        if team and (team_by_commit.get(commit_id) or alignment.NO_TEAM) != team:
            continue
        share = Fraction(0)
        for target, value in parts:
            if initiative is not None:
                share += value if target == initiative else 0
            elif objective is not None:
                share += alignment.objective_effort({target: value}, weights).get(
                    objective, Fraction(0)
                )
            else:
                share += value
        if share:
            chosen[commit_id] = share
    out = [
        {
            "sha": sha,
            "repo": repo,
            "day": day,
            "author": name or author,
            "subject": message.split("\n", 1)[0],
            "team": team_by_commit.get(pk),
            "person_days": round(float(chosen[pk]), 4),
        }
        for pk, sha, repo, day, name, author, message in evidence.commit_rows_by_id(chosen)
    ]
    out.sort(key=lambda r: (r["day"], r["sha"]))
    return out


def _sorted_report(report: dict[str, Any]) -> dict[str, Any]:
    """Ties in the initiatives' order were in first-seen order before: compare as sets."""
    return {**report, "initiatives": sorted(report["initiatives"], key=lambda r: r["key"])}


PERIODS = [
    (REFERENCE_DATE - timedelta(days=90), REFERENCE_DATE),
    (date(2025, 1, 1), date(2026, 1, 1)),
]


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_report_equals_commit_by_commit(start: date, end: date) -> None:
    new = selectors.alignment_report(actor=SYSTEM, start=start, end=end)
    old = old_alignment_report(actor=SYSTEM, start=start, end=end)
    assert new["person_days"] > 100  # the demo's commits count: not a vacuous comparison
    assert _sorted_report(new) == _sorted_report(old)
    team = new["by_team_month"][0]["team"]
    assert _sorted_report(
        selectors.alignment_report(actor=SYSTEM, start=start, end=end, team=team)
    ) == _sorted_report(old_alignment_report(actor=SYSTEM, start=start, end=end, team=team))


def _filters() -> list[dict[str, Any]]:
    initiative = Initiative.objects.exclude(link_keys=[]).order_by("key").first()
    objective = Objective.objects.order_by("key").first()
    assert initiative is not None and objective is not None
    report = selectors.alignment_report(actor=SYSTEM, start=PERIODS[0][0], end=PERIODS[0][1])
    cell = report["by_team_month"][0]
    return [
        {"initiative": "unlinked"},
        {"initiative": initiative.key},
        {"objective": objective.key},
        {"objective": "unaligned"},
        {"team": cell["team"], "month": cell["month"]},
        {"initiative": "unlinked", "team": cell["team"]},
        {},
    ]


def test_drill_down_equals_commit_by_commit() -> None:
    start, end = PERIODS[0]
    for filters in _filters():
        new = selectors.alignment_commits(actor=SYSTEM, start=start, end=end, **filters)
        old = old_alignment_commits(actor=SYSTEM, start=start, end=end, **filters)
        assert len(old) > 0, filters
        assert new.rows == len(new) == len(old), filters
        assert list(new) == old, filters
        # The total of the rows as shown, exactly (the old float sum within rounding).
        assert new.total == pytest.approx(sum(r["person_days"] for r in old), abs=1e-9)
        # Any page is the same slice of the whole list.
        for offset, limit in ((0, 7), (5, 50), (len(old) - 3, 10), (len(old) // 2, 1)):
            assert new[offset : offset + limit] == old[offset : offset + limit], filters
        assert new[len(old) : len(old) + 5] == []


def test_groups_count_the_evidence_commits() -> None:
    start, end = PERIODS[0]
    expected: dict[tuple[int, date, tuple[str, ...]], int] = defaultdict(int)
    for c in evidence.commit_evidence(start=start, end=end):
        expected[(c.person_id, c.day, c.keys)] += 1
    groups = evidence.commit_groups(start=start, end=end)
    assert {(g.person_id, g.day, g.keys): g.commits for g in groups} == dict(expected)
    assert len(groups) < sum(expected.values())  # grouping merged commits: fewer rows
    assert any(g.keys for g in groups)


def test_attribute_groups_equals_attribute() -> None:
    refs = [
        alignment.CommitRef(n, person, day, keys)
        for n, (person, day, keys) in enumerate(
            [(1, date(2026, 1, 5), ("K1",))] * 3
            + [(1, date(2026, 1, 5), ("K1", "K2")), (1, date(2026, 1, 5), ())]
            + [(2, date(2026, 1, 5), ("K3",)), (2, date(2026, 2, 1), ("NOPE",))]
        )
    ]
    by_key = {"K1": ["I1"], "K2": ["I2"], "K3": ["I2", "I3"]}
    groups: dict[tuple[int, date, tuple[str, ...]], int] = defaultdict(int)
    for r in refs:
        groups[(r.person_id, r.day, r.keys)] += 1
    grouped = alignment.attribute_groups(
        [alignment.Group(p, d, k, n) for (p, d, k), n in groups.items()],
        by_key,
        lambda p, d: "a" if p == 1 else None,
    )
    plain = alignment.attribute(refs, by_key, lambda p, d: "a" if p == 1 else None)
    assert grouped.cells == plain.cells
    assert grouped.person_days == plain.person_days == 3
    # Person 1 on Jan 5: five commits; three K1 commits are 3/5 of I1, K1+K2 adds 1/10 each.
    assert grouped.cells[("a", "2026-01", "I1")] == Fraction(3, 5) + Fraction(1, 10)


def test_groups_keep_only_the_given_keys() -> None:
    start, end = PERIODS[0]
    wanted = {key for i in Initiative.objects.all() for key in i.link_keys}
    assert wanted
    expected: dict[tuple[int, date, tuple[str, ...]], int] = defaultdict(int)
    for c in evidence.commit_evidence(start=start, end=end):
        expected[(c.person_id, c.day, tuple(k for k in c.keys if k in wanted))] += 1
    groups = evidence.commit_groups(start=start, end=end, keys=wanted)
    assert {(g.person_id, g.day, g.keys): g.commits for g in groups} == dict(expected)
    none = evidence.commit_groups(start=start, end=end, keys=set())
    assert all(g.keys == () for g in none)
    assert sum(g.commits for g in none) == sum(expected.values())


def test_drill_down_page_is_paged_by_100(client_as) -> None:  # type: ignore[no-untyped-def]
    start, end = PERIODS[0]
    old = old_alignment_commits(actor=SYSTEM, start=start, end=end, initiative="unlinked")
    assert len(old) > 200
    client = client_as("cto")
    query = f"from={start.isoformat()}&to={end.isoformat()}&initiative=unlinked"
    response = client.get(f"/strategy/alignment/commits/?{query}&page=2")
    assert response.status_code == 200
    assert list(response.context["rows"]) == old[100:200]
    assert response.context["count"] == len(old)
    html = response.content.decode()
    assert "page=3" in html and "page=1" in html
    assert f"{len(old):,} commits" in html


def test_attribute_groups_keeps_the_cells_and_their_order() -> None:
    """The same cells in the same order (the team-month rows' objectives follow it, so the
    pages and the API answer byte for byte as before), on the demo's groups and on groups
    whose person-days are not contiguous."""
    for start, end in PERIODS:
        initiatives = alignment_selectors.initiative_rows(SYSTEM)
        by_key, _weights = alignment_selectors._initiative_links(initiatives)
        groups = evidence.commit_groups(start=start, end=end, keys=set(by_key))
        team_of = alignment_selectors._team_of({g.person_id for g in groups}, start, end)
        new = alignment.attribute_groups(groups, by_key, team_of)
        old = old_attribute_groups(groups, by_key, team_of)
        assert len(new.cells) > 10 and any(k != alignment.UNLINKED for _t, _m, k in new.cells)
        assert list(new.cells.items()) == list(old.cells.items())
        assert new.person_days == old.person_days
    by_key = {"K1": ["I1"], "K2": ["I2"], "K3": ["I2", "I3"]}
    day1, day2 = date(2026, 1, 30), date(2026, 2, 2)
    shuffled = [
        alignment.Group(2, day2, ("K3",), 2),
        alignment.Group(1, day1, (), 1),
        alignment.Group(2, day1, ("K1", "K2"), 1),
        alignment.Group(1, day1, ("K3",), 3),
        alignment.Group(2, day2, (), 1),
        alignment.Group(2, day1, ("K2",), 4),
    ]

    def team_of_hand(person: int, day: date) -> str | None:
        return {1: "a", 2: None}[person] if day < date(2026, 2, 1) else "b"

    new = alignment.attribute_groups(shuffled, by_key, team_of_hand)
    old = old_attribute_groups(shuffled, by_key, team_of_hand)
    assert list(new.cells.items()) == list(old.cells.items())
    # Person 2 on Jan 30 (no team): 5 commits; K1+K2 is 1/10 to each of I1 and I2, K2 4/5.
    assert new.cells[(alignment.NO_TEAM, "2026-01", "I2")] == Fraction(1, 10) + Fraction(4, 5)
    # Person 2 on Feb 2 (team b): 3 commits; the K3 commits split over I2 and I3: 2/6 each.
    assert new.cells[("b", "2026-02", "I3")] == Fraction(1, 3)
    assert new.person_days == 3


def test_initiative_rows_are_the_initiatives() -> None:
    """The plain rows carry what the objects did: keys, status, link keys, effort, weights in
    the objects' order; the intended shares are the same."""
    objects = list(selectors.initiative_list(actor=SYSTEM))
    rows = alignment_selectors.initiative_rows(SYSTEM)
    assert [r.key for r in rows] == [i.key for i in objects]
    assert any(r.links for r in rows) and any(r.effort for r in rows)
    for row, item in zip(rows, objects, strict=True):
        assert row.status == item.status
        assert row.link_keys == list(item.link_keys)
        assert row.effort == selectors.effort_total(item)
        assert row.links == [(x.objective.key, x.weight) for x in item.objective_links.all()]
    expected = old_intended_shares(objects)
    assert expected and alignment_selectors._intended_shares(rows) == expected
    assert selectors.intended_shares(objects) == expected


def test_drill_down_total_is_the_rows_as_shown_exactly() -> None:
    start, end = PERIODS[0]
    for filters in _filters():
        new = selectors.alignment_commits(actor=SYSTEM, start=start, end=end, **filters)
        shown = sum((Decimal(str(r["person_days"])) for r in new), Decimal(0))
        assert new.total == float(shown), filters


def test_window_totals_read_the_covering_index() -> None:
    """The totals per (day, email) come from `author_day_day_email` alone (SQLite's plan)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query plan")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN QUERY PLAN SELECT email, CAST(day AS TEXT), SUM(commits) FROM "
            "engineering_authorday WHERE day >= %s AND day < %s GROUP BY day, email",
            [PERIODS[0][0], PERIODS[0][1]],
        )
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX author_day_day_email" in plan
    assert "TEMP B-TREE" not in plan


def test_keyed_rows_read_the_covering_index() -> None:
    """The rows of the initiatives' keys come from `author_day_key_covering` alone (SQLite's
    plan: no table lookup per row)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query plan")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN QUERY PLAN SELECT repository_id, email, CAST(day AS TEXT), keys, commits "
            "FROM engineering_authordaykey WHERE day >= %s AND day < %s AND key IN (%s, %s)",
            [PERIODS[0][0], PERIODS[0][1], "PAY-1", "PAY-2"],
        )
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX author_day_key_covering (key=? AND day>? AND day<?)" in plan


def test_drill_down_page_reads_only_its_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page reads the message, names and repository of its own rows only, and stops reading
    the narrow rows of its days once it has them."""
    start, end = PERIODS[0]
    new = selectors.alignment_commits(actor=SYSTEM, start=start, end=end)
    full: list[int] = []
    narrow: list[int] = []
    by_id, keys_on_days = evidence.commit_rows_by_id, evidence.commit_keys_on_days

    def count_full(ids: Any) -> Any:
        ids = list(ids)
        full.extend(ids)
        return by_id(ids)

    def count_narrow(**kwargs: Any) -> Any:
        for row in keys_on_days(**kwargs):
            narrow.append(row[0])
            yield row

    # The rows come in day order: the first day's are the leading run (read only those).
    first_day = list(itertools.takewhile(lambda r: r["day"] == new[0]["day"], new))
    assert len(first_day) > 20  # a page inside one day: not a vacuous comparison
    monkeypatch.setattr(evidence, "commit_rows_by_id", count_full)
    monkeypatch.setattr(evidence, "commit_keys_on_days", count_narrow)
    page = new[3:10]
    assert page == first_day[3:10]
    assert len(full) == 7
    # Read until row 10 of the day, not the whole day (a few more: commits of bots and of
    # unmatched identities, and commits the figure does not count, are read and skipped).
    assert 10 <= len(narrow) < len(first_day)
