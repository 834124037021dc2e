"""Investment balance (METRICS.md "Investment categories") and the initiatives tracker items
belong to.

A work item's category comes from the first rule (by position) that matches its issue type,
one of its labels, its project or its repository; a child (parent or epic named) takes its
parent's category; what no rule matches is `uncategorized`. Effort per category (METRICS.md
"Effort attribution" extended to pull requests and reviews): a person is active on a day when
they authored a non-merge commit or submitted a review of someone else's pull request; each
active person-day weighs 1, split equally over that day's commits and reviews. A commit's share
goes equally to the categories of the work items it names (its own link keys and those of the
pull requests that contain it); a review's to those its pull request names; else to the
category of a repository rule matching the repository, else to `uncategorized`. Per team (the
person's home team that day) and month, the share of categories marked "keeping the lights on"
(KTLO) against the rest (new capability and everything else). For those who may see money,
the people cost per category and its capitalizable part: the effort on work items of
initiatives inside their capitalization window (`_capitalizable_fraction`).
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from django.db.models import F

from steward.core import datacache, policy
from steward.engineering import selectors as engineering
from steward.org import selectors as org_selectors
from steward.worktracking.models import (
    InvestmentRule,
    PullRequestCommit,
    Review,
    ReviewKind,
    WorkItem,
)

UNCATEGORIZED = "uncategorized"


def _matches(rule: tuple[str, str], item: dict[str, Any]) -> bool:
    field, value = rule
    value = value.lower()
    if field == "issue_type":
        return bool(item["item_type"].lower() == value)
    if field == "label":
        return any(label.lower() == value for label in item["labels"])
    if field == "project":
        return bool(item["project"].lower() == value)
    repo = item["repo_name"].lower()
    return repo == value or repo.rsplit("/", 1)[-1] == value


def rules() -> list[tuple[str, str, str]]:
    """(field, value, category) in position order."""
    return list(
        InvestmentRule.objects.order_by("position").values_list("field", "value", "category")
    )


def decisions(
    items: Sequence[dict[str, Any]], rule_list: Sequence[tuple[str, str, str]]
) -> tuple[dict[str, int | None], dict[str, bool]]:
    """Per item key: the index of the rule that decides its category (None: uncategorized) and
    whether it came down from a parent or epic (True) or from the item's own fields (False)."""
    by_key = {i["key"]: i for i in items}
    own: dict[str, int | None] = {}
    for item in items:
        own[item["key"]] = next(
            (n for n, (f, v, _cat) in enumerate(rule_list) if _matches((f, v), item)), None
        )
    out: dict[str, int | None] = {}
    inherited: dict[str, bool] = {}

    def decide(key: str, seen: frozenset[str]) -> int | None:
        if key in out:
            return out[key]
        item = by_key[key]
        parent = item["parent_key"] or item["epic_key"]
        if parent and parent in by_key and parent not in seen:
            result = decide(parent, seen | {key})
            inherited[key] = True
        else:
            result = own[key]
            inherited[key] = False
        out[key] = result
        return result

    for item in items:
        decide(item["key"], frozenset())
    return out, inherited


def classify(
    items: Sequence[dict[str, Any]], rule_list: Sequence[tuple[str, str, str]]
) -> dict[str, str]:
    """Category per item key: a child inherits its parent's (or epic's), else the first rule
    that matches, else `uncategorized`. Plain data: dicts with key, item_type, labels,
    project, repo_name, parent_key, epic_key."""
    decided, _inherited = decisions(items, rule_list)
    return {k: UNCATEGORIZED if n is None else rule_list[n][2] for k, n in decided.items()}


def rule_preview(
    items: Sequence[dict[str, Any]], rule_list: Sequence[tuple[str, str, str]]
) -> dict[str, Any]:
    """How many work items each rule matches: `matches` (its field and value match the item,
    whatever the order), `decides` (it is the first rule to match and the item has no imported
    parent), `inherited` (children and epic members that take its category through a parent);
    `shadowed` = matches that an earlier rule or a parent decides. `uncategorized`: items no
    rule decides."""
    decided, inherited = decisions(items, rule_list)
    rows = [{"matches": 0, "decides": 0, "inherited": 0, "shadowed": 0} for _ in rule_list]
    for item in items:
        for n, (f, v, _cat) in enumerate(rule_list):
            if _matches((f, v), item):
                rows[n]["matches"] += 1
                if decided[item["key"]] != n or inherited[item["key"]]:
                    rows[n]["shadowed"] += 1
        n_decided = decided[item["key"]]
        if n_decided is not None:
            rows[n_decided]["inherited" if inherited[item["key"]] else "decides"] += 1
    return {
        "rules": rows,
        "items": len(items),
        "uncategorized": sum(1 for n in decided.values() if n is None),
    }


def preview_one(field: str, value: str) -> dict[str, int]:
    """Work items a rule on `field` = `value` would match among all imported items (before
    the order of the rules decides), for the form's preview."""
    items = _all_items()
    return {
        "items": len(items),
        "matches": sum(1 for i in items if _matches((field, value), i)),
    }


def rules_with_preview(*, actor: Any) -> dict[str, Any]:
    """The rules in order, each with its preview counts (see `rule_preview`)."""
    policy.require(actor, "view", "worktracking.investmentrule")
    rule_objs = list(InvestmentRule.objects.order_by("position"))
    rule_list = [(r.field, r.value, r.category) for r in rule_objs]
    # Kept until the data (the imported items) moves, for these rules in this order.
    digest = hashlib.sha256(repr(rule_list).encode()).hexdigest()[:24]
    preview = cached(f"preview:{digest}", lambda: rule_preview(_all_items(), rule_list))
    return {
        "rules": [
            {"rule": r, **counts} for r, counts in zip(rule_objs, preview["rules"], strict=True)
        ],
        "items": preview["items"],
        "uncategorized": preview["uncategorized"],
    }


_ITEM_FIELDS = ("key", "item_type", "labels", "project", "repo_name", "parent_key", "epic_key")


def _all_items() -> list[dict[str, Any]]:
    return list(WorkItem.objects.order_by().values(*_ITEM_FIELDS))


def _item_index() -> dict[str, Any]:
    """Every item's category and parent (or epic), kept until the data version moves."""

    def compute() -> dict[str, Any]:
        everything = _all_items()
        return {
            "categories": classify(everything, rules()),
            "parents": {i["key"]: i["parent_key"] or i["epic_key"] for i in everything},
        }

    return dict(cached("items", compute))


def categories_of(items: Iterable[WorkItem]) -> dict[str, str]:
    """The category of each of these items (by key)."""
    table = _item_index()["categories"]
    return {i.key: table.get(i.key, UNCATEGORIZED) for i in items}


def initiatives_of_items(*, actor: Any, items: Iterable[WorkItem]) -> dict[str, list[str]]:
    """Initiative keys per item key: an initiative claims an item when its link keys name the
    item or one of its ancestors (parent, epic) — the rule strategy uses for commits."""
    return _initiatives_of_keys(actor, [i.key for i in items])


def _initiatives_of_keys(actor: Any, keys: Iterable[str]) -> dict[str, list[str]]:
    """`initiatives_of_items` on item keys: each key's initiatives, its own claims first, then
    those of its parent (or epic), and so on up; each initiative once."""
    from steward.strategy import selectors as strategy

    claims: dict[str, list[str]] = defaultdict(list)
    for initiative, link_keys in (
        strategy.initiative_list(actor=actor)
        .prefetch_related(None)
        .order_by("key")
        .values_list("key", "link_keys")
    ):
        for key in link_keys or ():
            claims[key].append(initiative)
    parents: dict[str, str] = _item_index()["parents"]
    out: dict[str, list[str]] = {}
    for key in keys:
        found: list[str] = []
        current: str | None = key
        seen: set[str] = set()
        while current and current not in seen:
            seen.add(current)
            found += [i for i in claims.get(current, []) if i not in found]
            current = parents.get(current)
        out[key] = found
    return out


def _utc_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


class Unit(NamedTuple):
    """One piece of a person's activity on a day: a commit or a review, and the work items and
    repository it names."""

    person_id: int
    day: date
    kind: str  # "commit" or "review"
    keys: frozenset[str]
    repository: str  # lowercased name, for repository rules


def _review_units(start: date, end: date) -> list[Unit]:
    """Reviews submitted in [start, end) (UTC days) by people, on someone else's pull request:
    each names the pull request's link keys and repository. Bots and plain comments are not
    effort (the same reviews as review load)."""
    from steward.worktracking import selectors

    rows = list(
        Review.objects.filter(
            kind=ReviewKind.REVIEW,
            reviewer__isnull=False,
            reviewer__is_bot=False,
            submitted_at__gte=_utc_start(start),
            submitted_at__lt=_utc_start(end),
        )
        .exclude(reviewer_id=F("pull_request__author_id"))
        .order_by()
        .values_list(
            "reviewer_id", "submitted_at", "pull_request__link_keys", "pull_request__repo_name"
        )
    )
    people = selectors.person_of_accounts({r[0] for r in rows})
    units = []
    for account, when, keys, repo in rows:
        person = people.get(account)
        if person is None or when is None:
            continue
        units.append(
            Unit(person, when.astimezone(UTC).date(), "review", frozenset(keys or ()), repo.lower())
        )
    return units


def _commit_units(start: date, end: date) -> list[Unit]:
    """Non-merge commits by people (engineering's evidence), each naming its own link keys and
    those of the pull requests that contain it."""
    names = {v: k.lower() for k, v in engineering.repository_ids_by_name().items()}
    evidence = list(engineering.commit_evidence(start=start, end=end))
    pr_keys: dict[int, set[str]] = defaultdict(set)
    if evidence:
        # One query: the pull requests' commits authored around the period (a day either side
        # for the authors' offsets), kept when they are among the evidence.
        ids = {c.commit_id for c in evidence}
        for commit_id, keys in (
            PullRequestCommit.objects.filter(
                commit__isnull=False,
                authored_at__gte=_utc_start(start - timedelta(days=1)),
                authored_at__lt=_utc_start(end + timedelta(days=1)),
            )
            .exclude(pull_request__link_keys=[])
            .order_by()
            .values_list("commit_id", "pull_request__link_keys")
        ):
            if commit_id in ids:
                pr_keys[commit_id].update(keys or [])
    return [
        Unit(
            c.person_id,
            c.day,
            "commit",
            frozenset(c.keys) | frozenset(pr_keys.get(c.commit_id, ())),
            names.get(c.repository_id, ""),
        )
        for c in evidence
    ]


def _months(start: date, end: date) -> list[date]:
    out = []
    month = start.replace(day=1)
    while month < end:
        out.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def _days_in(month: date, start: date, end: date) -> Fraction:
    """The share of `month` inside [start, end)."""
    following = (month + timedelta(days=32)).replace(day=1)
    inside = (min(end, following) - max(start, month)).days
    return Fraction(max(inside, 0), (following - month).days)


# Per (team, month YYYY-MM): the effort of each named work item, by (category, item key).
ItemCells = dict[tuple[str | None, str], dict[tuple[str, str], Fraction]]


def category_cost(
    *,
    actor: Any,
    start: date,
    end: date,
    cells: dict[tuple[str | None, str], dict[str, Fraction]],
    categories: Sequence[str],
    item_cells: ItemCells | Callable[[], ItemCells] | None = None,
) -> dict[str, Any] | None:
    """People cost per category (METRICS.md "Cost of an initiative" with categories for
    initiatives): Σ over months and teams of the team's people cost of the month (pro rata to
    the days of the month inside the period) × the category's share of the team's effort that
    month. Team-months with people cost but no recorded activity are `not_attributed`.

    The capitalizable part of each category's cost (METRICS.md "Capitalizable cost", see
    `_capitalizable_fraction`) and the rest, expensed, beside it; not attributed cost is
    expensed.

    None for those who may not see money (finance's rule). The per-category split is pay
    divided by activity: only the compensation roles see it; executives see the totals.
    """
    from steward.finance import rules as finance_rules
    from steward.finance import selectors as finance

    if not finance_rules.may_see_money(actor):
        return None
    figures = cached(
        f"cost-v2:{start}:{end}",
        lambda: _cost_figures(
            start,
            end,
            cells,
            categories,
            (item_cells() if callable(item_cells) else item_cells) or {},
        ),
    )
    may_see_split = bool(policy.roles_of(actor) & policy.COMPENSATION_ROLES)
    return {
        "currency": finance.reporting_currency(),
        "total": figures["total"],
        "not_attributed": figures["not_attributed"] if may_see_split else None,
        "categories": figures["categories"] if may_see_split else None,
        "suppressed": not may_see_split,
        "capitalizable": figures["capitalizable"],
        "expensed": figures["total"] - figures["capitalizable"],
        "capitalizable_categories": figures["capitalizable_categories"] if may_see_split else None,
    }


def _capitalizable_fraction(
    start: date, end: date, item_keys: Iterable[str]
) -> Callable[[str, date], Fraction]:
    """(item key, month) -> the capitalizable share of the item's effort cost that month.

    The item's initiatives are those whose link keys name it or an ancestor (parent, epic),
    as on the work items page; its effort is split equally over them (METRICS.md "Effort
    attribution": a commit naming several initiatives). The part of an initiative with a
    capitalization window is capitalizable for the share of the period's days of the month
    (those whose cost counts) that lie inside the window: over whole months, the month's share
    inside the window (`capitalization.capitalized_share`, finance's rule per initiative). An
    initiative without a window, or an item of no initiative, is expensed."""
    from steward.finance import selectors as finance
    from steward.finance.capitalization import Window

    windows = finance.capitalization_windows()
    initiatives = _initiatives_of_keys(policy.SYSTEM, item_keys) if windows else {}
    found: dict[tuple[str, date], Fraction] = {}

    def share(window: Window, month: date) -> Fraction:
        # `capitalization.capitalized_share` of the window cut to the period, as an exact
        # fraction (a Decimal quotient would carry 28 digits into every later sum), over the
        # share of the month inside the period (the days whose cost counts).
        hi = end if window.end is None else min(window.end, end)
        return _days_in(month, max(window.start, start), hi) / _days_in(month, start, end)

    def fraction(key: str, month: date) -> Fraction:
        if (key, month) not in found:
            claimed = initiatives.get(key, [])
            found[(key, month)] = (
                sum((share(windows[i], month) for i in claimed if i in windows), Fraction(0))
                / len(claimed)
                if claimed
                else Fraction(0)
            )
        return found[(key, month)]

    return fraction


def _cost_figures(
    start: date,
    end: date,
    cells: dict[tuple[str | None, str], dict[str, Fraction]],
    categories: Sequence[str],
    item_cells: ItemCells,
) -> dict[str, Any]:
    """The cost per category, not attributed and in total, and the capitalizable part (every
    figure, for anyone)."""
    from steward.finance import selectors as finance

    months = _months(start, end)
    people = finance.people_cost(months)
    capitalizable_of = _capitalizable_fraction(
        start, end, {key for per in item_cells.values() for _cat, key in per}
    )
    per_category: dict[str, Fraction] = defaultdict(Fraction)
    capitalizable: dict[str, Fraction] = defaultdict(Fraction)
    not_attributed = Fraction(0)
    total = Fraction(0)
    for index, month in enumerate(months):
        label = month.strftime("%Y-%m")
        part = _days_in(month, start, end)
        for team in people.teams():
            cost = Fraction(people.team_month(team, index)) * part
            total += cost
            per_cat = cells.get((team, label), {})
            days = sum(per_cat.values(), Fraction(0))
            if not days:
                not_attributed += cost
                continue
            for cat, v in per_cat.items():
                per_category[cat] += cost * v / days
            for (cat, key), v in item_cells.get((team, label), {}).items():
                fraction = capitalizable_of(key, month)
                if fraction:
                    capitalizable[cat] += cost * v / days * fraction

    def money(v: Fraction) -> Decimal:
        return (Decimal(v.numerator) / Decimal(v.denominator)).quantize(Decimal("0.01"))

    capitalizable_categories = {c: money(capitalizable.get(c, Fraction(0))) for c in categories}
    return {
        "total": money(total),
        "not_attributed": money(not_attributed),
        "categories": {c: money(per_category.get(c, Fraction(0))) for c in categories},
        "capitalizable_categories": capitalizable_categories,
        # The sum of the rounded figures, so that the column adds up to its total.
        "capitalizable": sum(capitalizable_categories.values(), Decimal("0.00")),
    }


TOP_ITEMS = 20


class _Sums:
    """Exact sums of unit fractions 1/d per key, counted per denominator: a period has
    thousands of shares but few distinct denominators, so few Fraction operations."""

    def __init__(self) -> None:
        self.counts: dict[Any, dict[int, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, key: Any, denominator: int) -> None:
        self.counts[key][denominator] += 1

    def result(self) -> dict[Any, Fraction]:
        out = {}
        for key, per in self.counts.items():
            common = math.lcm(*per)
            out[key] = Fraction(sum(n * (common // d) for d, n in per.items()), common)
        return out


def cached(name: str, compute: Callable[[], Any]) -> Any:
    """`compute()`, kept in Django's cache until the data version moves (core's datacache)."""
    return datacache.cached(f"worktracking:investment:{name}", compute)


def _effort(start: date, end: date) -> dict[str, Any]:
    """Person-days per category, team-month and work item in [start, end) (no policy: the
    callers check it), with the rules and the category of each named item."""
    rule_list = rules()
    items = _all_items()
    category_of_item = classify(items, rule_list)
    repo_rules = [(v.lower(), c) for f, v, c in rule_list if f == "repository"]
    units = [*_commit_units(start, end), *_review_units(start, end)]
    per_day: dict[tuple[int, date], int] = defaultdict(int)
    for u in units:
        per_day[(u.person_id, u.day)] += 1
    memberships = engineering.team_on({u.person_id for u in units}, start, end)
    slug_of = org_selectors.team_slugs_by_id()

    def team_of(person: int, day: date) -> str | None:
        for s, e, team_id in memberships.get(person, []):
            if s <= day and (e is None or day < e):
                return slug_of.get(team_id)
        return None

    cell_of: dict[tuple[int, date], tuple[str | None, str]] = {}
    for person, day in per_day:
        cell_of[(person, day)] = (team_of(person, day), f"{day.year:04d}-{day.month:02d}")
    by_repo: dict[str, str] = {}

    def repo_category(repo: str) -> str:
        found = by_repo.get(repo)
        if found is None:
            short = repo.rsplit("/", 1)[-1]
            found = next((cat for v, cat in repo_rules if v in (repo, short)), UNCATEGORIZED)
            by_repo[repo] = found
        return found

    # ("total", cat), ("review", cat), ("item", key, kind), ("cell", team, month, cat),
    # ("icell", team, month, cat, key): a named item's effort in a team-month.
    sums = _Sums()
    for u in units:
        n = per_day[(u.person_id, u.day)]
        named = [k for k in u.keys if k in category_of_item]
        cats = [category_of_item[k] for k in named] or [repo_category(u.repository)]
        team_month = cell_of[(u.person_id, u.day)]
        for k in named:
            sums.add(("item", k, u.kind), n * len(named))
            sums.add(("icell", *team_month, category_of_item[k], k), n * len(named))
        for cat in cats:
            sums.add(("total", cat), n * len(cats))
            sums.add(("cell", *team_month, cat), n * len(cats))
            if u.kind == "review":
                sums.add(("review", cat), n * len(cats))
    totals: dict[str, Fraction] = {}
    from_reviews: dict[str, Fraction] = {}
    per_item: dict[str, dict[str, Fraction]] = defaultdict(dict)
    cells: dict[tuple[str | None, str], dict[str, Fraction]] = defaultdict(dict)
    item_cells: ItemCells = defaultdict(dict)
    for key, value in sums.result().items():
        if key[0] == "total":
            totals[key[1]] = value
        elif key[0] == "review":
            from_reviews[key[1]] = value
        elif key[0] == "item":
            per_item[key[1]][key[2]] = value
        elif key[0] == "icell":
            item_cells[(key[1], key[2])][(key[3], key[4])] = value
        else:
            cells[(key[1], key[2])][key[3]] = value
    return {
        "rule_list": rule_list,
        "totals": totals,
        "from_reviews": from_reviews,
        "per_item": {k: v for k, v in per_item.items()},
        "item_category": {k: category_of_item[k] for k in per_item},
        "cells": {k: v for k, v in cells.items()},
        "item_cells": {k: v for k, v in item_cells.items()},
        "ktlo": set(InvestmentRule.objects.filter(ktlo=True).values_list("category", flat=True)),
    }


def _full_effort(start: date, end: date) -> dict[str, Any]:
    return cached(f"effort-v2:{start}:{end}", lambda: _effort(start, end))  # type: ignore[no-any-return]


def _effort_summary(start: date, end: date) -> dict[str, Any]:
    """What the report reads of `_effort`: all but the effort of every work item (only the
    `TOP_ITEMS` with the most effort, ranked) and of every item per team-month (read only when
    the cost is computed), so that a report kept in the cache is small to read."""
    effort = _full_effort(start, end)
    per_item: dict[str, dict[str, Fraction]] = effort["per_item"]
    top = sorted(per_item.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:TOP_ITEMS]
    kept = ("rule_list", "totals", "from_reviews", "cells", "ktlo")
    return {
        **{k: effort[k] for k in kept},
        "top": top,
        "item_category": {k: effort["item_category"][k] for k, _v in top},
    }


def investment_report(
    *, actor: Any, start: date, end: date, with_cost: bool = True
) -> dict[str, Any]:
    """Person-days per category in [start, end) (see the module's docstring), with the part
    that came from reviews, the work items with the most effort and, for those who may see
    money, the people cost per category. The figures are kept in the cache until the data
    version moves (`cached`)."""
    policy.require(actor, "view", "worktracking.workitem")
    effort = cached(f"summary-v1:{start}:{end}", lambda: _effort_summary(start, end))
    rule_list = effort["rule_list"]
    totals: dict[str, Fraction] = effort["totals"]
    from_reviews: dict[str, Fraction] = effort["from_reviews"]
    cells: dict[tuple[str | None, str], dict[str, Fraction]] = effort["cells"]
    ktlo: set[str] = effort["ktlo"]
    total = sum(totals.values(), Fraction(0))
    categories = sorted({c for _f, _v, c in rule_list} | {UNCATEGORIZED} | set(totals))
    cost = (
        category_cost(
            actor=actor,
            start=start,
            end=end,
            cells=cells,
            categories=categories,
            item_cells=lambda: _full_effort(start, end)["item_cells"],
        )
        if with_cost
        else None
    )
    split = cost["capitalizable_categories"] if cost else None
    rows: list[dict[str, Any]] = [
        {
            "category": cat,
            "ktlo": cat in ktlo,
            "person_days": round(float(totals.get(cat, 0)), 3),
            "review_person_days": round(float(from_reviews.get(cat, 0)), 3),
            "share": round(float(totals.get(cat, 0) / total), 4) if total else None,
            "cost": cost["categories"][cat] if cost and cost["categories"] else None,
            "capitalizable": split[cat] if split else None,
            "expensed": cost["categories"][cat] - split[cat] if cost and split else None,
        }
        for cat in categories
    ]
    rows.sort(key=lambda r: (-r["person_days"], r["category"]))
    ktlo_days = sum((v for k, v in totals.items() if k in ktlo), Fraction(0))
    by_team_month = []
    for (team, month), per_cat in sorted(
        cells.items(), key=lambda kv: (kv[0][0] is None, kv[0][0] or "", kv[0][1])
    ):
        days = sum(per_cat.values(), Fraction(0))
        kept = sum((v for k, v in per_cat.items() if k in ktlo), Fraction(0))
        by_team_month.append(
            {
                "team": team,
                "month": month,
                "person_days": round(float(days), 3),
                "ktlo_share": round(float(kept / days), 4) if days and ktlo else None,
                "categories": {k: round(float(v), 3) for k, v in sorted(per_cat.items())},
            }
        )
    top: list[tuple[str, dict[str, Fraction]]] = effort["top"]
    titles = dict(
        WorkItem.objects.filter(key__in=[k for k, _v in top]).order_by().values_list("key", "title")
    )
    return {
        "from": start,
        "to": end,
        "person_days": round(float(total), 3),
        "review_person_days": round(float(sum(from_reviews.values(), Fraction(0))), 3),
        "categories": rows,
        "ktlo_share": round(float(ktlo_days / total), 4) if total and ktlo else None,
        "by_team_month": by_team_month,
        "items": [
            {
                "key": key,
                "title": titles.get(key, ""),
                "category": effort["item_category"][key],
                "person_days": round(float(sum(kinds.values(), Fraction(0))), 3),
                "review_person_days": round(float(kinds.get("review", 0)), 3),
            }
            for key, kinds in top
        ],
        "cost": cost,
        "rules": list(InvestmentRule.objects.order_by("position")),
    }
