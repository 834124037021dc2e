"""Investment balance (METRICS.md "Investment categories") and the initiatives tracker items
belong to.

A work item's category comes from the first rule (by position) that matches its issue type,
one of its labels, its project or its repository; a child (parent or epic named) takes its
parent's category; what no rule matches is `uncategorized`. Effort per category: each active
person-day weighs 1, split equally over that day's non-merge commits of the person (METRICS.md
"Effort attribution"); a commit's share goes equally to the categories of the work items it
names (its own link keys and those of the pull requests that contain it), else to the category
of a repository rule matching its repository, else to `uncategorized`. Per team (the person's
home team that day) and month, the share of categories marked "keeping the lights on" (KTLO)
against the rest (new capability and everything else).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from fractions import Fraction
from typing import Any

from steward.core import policy
from steward.engineering import selectors as engineering
from steward.org import selectors as org_selectors
from steward.worktracking.models import InvestmentRule, PullRequestCommit, WorkItem

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


def classify(
    items: Sequence[dict[str, Any]], rule_list: Sequence[tuple[str, str, str]]
) -> dict[str, str]:
    """Category per item key: a child inherits its parent's (or epic's), else the first rule
    that matches, else `uncategorized`. Plain data: dicts with key, item_type, labels,
    project, repo_name, parent_key, epic_key."""
    by_key = {i["key"]: i for i in items}
    own: dict[str, str] = {}
    for item in items:
        own[item["key"]] = next(
            (cat for f, v, cat in rule_list if _matches((f, v), item)), UNCATEGORIZED
        )
    out: dict[str, str] = {}

    def category(key: str, seen: frozenset[str]) -> str:
        if key in out:
            return out[key]
        item = by_key[key]
        parent = item["parent_key"] or item["epic_key"]
        if parent and parent in by_key and parent not in seen:
            result = category(parent, seen | {key})
        else:
            result = own[key]
        out[key] = result
        return result

    for item in items:
        category(item["key"], frozenset())
    return out


_ITEM_FIELDS = ("key", "item_type", "labels", "project", "repo_name", "parent_key", "epic_key")


def _all_items() -> list[dict[str, Any]]:
    return list(WorkItem.objects.order_by().values(*_ITEM_FIELDS))


def categories_of(items: Iterable[WorkItem]) -> dict[str, str]:
    """The category of each of these items (by key)."""
    everything = _all_items()
    table = classify(everything, rules())
    return {i.key: table.get(i.key, UNCATEGORIZED) for i in items}


def initiatives_of_items(*, actor: Any, items: Iterable[WorkItem]) -> dict[str, list[str]]:
    """Initiative keys per item key: an initiative claims an item when its link keys name the
    item or one of its ancestors (parent, epic) — the rule strategy uses for commits."""
    from steward.strategy import selectors as strategy

    claims: dict[str, list[str]] = defaultdict(list)
    for initiative in strategy.initiative_list(actor=actor):
        for key in initiative.link_keys:
            claims[key].append(initiative.key)
    parents = {
        k: (p or e) for k, p, e in WorkItem.objects.values_list("key", "parent_key", "epic_key")
    }
    out: dict[str, list[str]] = {}
    for item in items:
        found: list[str] = []
        current: str | None = item.key
        seen: set[str] = set()
        while current and current not in seen:
            seen.add(current)
            found += [i for i in claims.get(current, []) if i not in found]
            current = parents.get(current)
        out[item.key] = found
    return out


def investment_report(*, actor: Any, start: date, end: date) -> dict[str, Any]:
    """Person-days per category in [start, end) (see the module's docstring)."""
    policy.require(actor, "view", "worktracking.workitem")
    rule_list = rules()
    items = _all_items()
    category_of_item = classify(items, rule_list)
    repo_rules = [(v, c) for f, v, c in rule_list if f == "repository"]
    names = {v: k for k, v in engineering.repository_ids_by_name().items()}
    evidence = list(engineering.commit_evidence(start=start, end=end))
    pr_keys: dict[int, set[str]] = defaultdict(set)
    ids = [c.commit_id for c in evidence]
    for i in range(0, len(ids), 900):
        for commit_id, keys in PullRequestCommit.objects.filter(
            commit_id__in=ids[i : i + 900]
        ).values_list("commit_id", "pull_request__link_keys"):
            pr_keys[commit_id].update(keys or [])
    per_day: dict[tuple[int, date], int] = defaultdict(int)
    for c in evidence:
        per_day[(c.person_id, c.day)] += 1
    memberships = engineering.team_on({c.person_id for c in evidence}, start, end)
    slug_of = org_selectors.team_slugs_by_id()

    def team_of(person: int, day: date) -> str | None:
        for s, e, team_id in memberships.get(person, []):
            if s <= day and (e is None or day < e):
                return slug_of.get(team_id)
        return None

    totals: dict[str, Fraction] = defaultdict(Fraction)
    cells: dict[tuple[str | None, str], dict[str, Fraction]] = defaultdict(
        lambda: defaultdict(Fraction)
    )
    for c in evidence:
        share = Fraction(1, per_day[(c.person_id, c.day)])
        keys = set(c.keys) | pr_keys.get(c.commit_id, set())
        cats = [category_of_item[k] for k in sorted(keys) if k in category_of_item]
        if not cats:
            repo = names.get(c.repository_id, "").lower()
            cat = next(
                (cat for v, cat in repo_rules if v.lower() in (repo, repo.rsplit("/", 1)[-1])),
                UNCATEGORIZED,
            )
            cats = [cat]
        cell = cells[(team_of(c.person_id, c.day), c.day.strftime("%Y-%m"))]
        for cat in cats:
            totals[cat] += share / len(cats)
            cell[cat] += share / len(cats)
    total = sum(totals.values(), Fraction(0))
    ktlo = set(InvestmentRule.objects.filter(ktlo=True).values_list("category", flat=True))
    categories = sorted({c for _f, _v, c in rule_list} | {UNCATEGORIZED} | set(totals))
    rows: list[dict[str, Any]] = [
        {
            "category": cat,
            "ktlo": cat in ktlo,
            "person_days": round(float(totals.get(cat, 0)), 3),
            "share": round(float(totals.get(cat, 0) / total), 4) if total else None,
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
    return {
        "from": start,
        "to": end,
        "person_days": round(float(total), 3),
        "categories": rows,
        "ktlo_share": round(float(ktlo_days / total), 4) if total and ktlo else None,
        "by_team_month": by_team_month,
        "rules": list(InvestmentRule.objects.order_by("position")),
    }
