"""Every write of the work-tracking app: pull requests with reviews and commits, tracker items,
investment rules. Imports plan first (`*_plan`, no writes) and apply in the caller's transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from steward.core import policy
from steward.core.errors import InvalidFields, StewardError, invalid_fields_from
from steward.core.importing import (
    Change,
    audit_created,
    audit_rows,
    audit_updated,
    insert_rows,
    update_rows,
)
from steward.engineering import config as engineering_config
from steward.engineering import linkkeys
from steward.engineering import selectors as engineering
from steward.worktracking import formats
from steward.worktracking.models import (
    Account,
    InvestmentRule,
    PullRequest,
    PullRequestCommit,
    Review,
    RuleField,
    WorkItem,
)
from steward.worktracking.selectors import resolve_repository

UNCATEGORIZED = "uncategorized"


class WorkTrackingError(StewardError):
    """A failure of the work-tracking app."""


def _patterns() -> list[Any]:
    return linkkeys.compile_patterns(engineering_config.link_key_patterns())


def pull_link_keys(title: str, head_ref: str, patterns: Sequence[Any]) -> list[str]:
    """The link keys of a pull request: those in its branch name, then in its title."""
    keys = linkkeys.extract(head_ref, patterns)
    keys += [k for k in linkkeys.extract(title, patterns) if k not in keys]
    return keys


# ---------------------------------------------------------------- pull requests

PULL_FIELDS = (
    "repository_id",
    "title",
    "url",
    "state",
    "draft",
    "author",
    "created_at",
    "ready_at",
    "merged_at",
    "closed_at",
    "updated_at",
    "head_ref",
    "base_ref",
    "head_sha",
    "merge_commit_sha",
    "merge_commit_id",
    "additions",
    "deletions",
    "labels",
    "link_keys",
)


@dataclass
class PullPlan:
    """What importing a set of pull requests does (computed without writing)."""

    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    accounts_new: list[tuple[str, str, str, str, bool]] = field(default_factory=list)
    accounts_changed: list[tuple[int, dict[str, tuple[Any, Any]]]] = field(default_factory=list)
    # per pull key: desired row, existing id, reviews and commits to insert / update
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)


def _accounts(pulls: Sequence[formats.PullIn]) -> dict[tuple[str, str], formats.UserIn]:
    """Every login of the pulls, with the email its commits carry most often."""
    users: dict[tuple[str, str], formats.UserIn] = {}
    emails: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for pull in pulls:
        people = [pull.author] + [r.user for r in pull.reviews]
        for user in people:
            if user is not None:
                key = (pull.source, user.login)
                known = users.get(key)
                if known is None or (not known.name and user.name):
                    users[key] = formats.UserIn(user.login, user.name, user.email, user.bot)
        for commit in pull.commits:
            if commit.login and commit.email:
                emails[(pull.source, commit.login)][commit.email] += 1
        if pull.source == formats.GITLAB and pull.author:
            # GitLab's commit lists name no login: the author's commits are theirs when one
            # email wrote all of them.
            found = {c.email for c in pull.commits if c.email}
            if len(found) == 1:
                emails[(pull.source, pull.author.login)][found.pop()] += 1
    for key, counter in emails.items():
        user = users.setdefault(key, formats.UserIn(key[1]))
        if not user.email:
            user.email = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return users


def pulls_plan(pulls: Sequence[formats.PullIn]) -> PullPlan:
    """Compare pull requests read from an export with the database."""
    plan = PullPlan()
    patterns = _patterns()
    by_name = engineering.repository_ids_by_name()
    repo_of = {p.key: resolve_repository(p.repo, by_name) for p in pulls}
    wanted_shas = {
        sha
        for p in pulls
        if repo_of[p.key]
        for sha in [p.merge_commit_sha, p.head_sha, *(c.sha for c in p.commits)]
        if sha
    }
    facts = engineering.commit_facts(
        repository_ids={r for r in repo_of.values() if r}, shas=wanted_shas
    )
    missing = Counter(p.repo for p in pulls if repo_of[p.key] is None)
    for repo, n in sorted(missing.items()):
        plan.warnings.append(
            f"{n} pull request(s) of {repo}: that repository is not ingested; they are kept and "
            "flagged, and linked once it is (steward ingest git, then import again)"
        )
    _plan_accounts(plan, pulls)
    existing, old_reviews, old_commits = _existing_pulls(pulls)
    for pull in pulls:
        repo_id = repo_of[pull.key]
        desired = _desired_pull(pull, repo_id, facts, patterns)
        reviews = {
            r.external_id: (r.user.login if r.user else None, r.kind, r.state, r.submitted_at)
            for r in pull.reviews
        }
        commits = _desired_commits(pull, repo_id, facts)
        old = existing.get((pull.source, pull.repo, pull.number))
        entry = {"pull": pull, "row": desired, "reviews": reviews, "commits": commits}
        if old is None:
            entry["id"] = None
            entry["new_reviews"] = list(reviews)
            entry["changed_reviews"] = []
            entry["new_commits"] = list(commits)
            entry["changed_commits"] = []
            plan.rows[pull.key] = entry
            change = Change("added", pull.key, line=pull.line)
            change.notes.append(
                f"{len(reviews)} review(s) and comment(s), {len(commits)} commit(s)"
            )
            plan.changes.append(change)
            continue
        _plan_changed_pull(
            plan, entry, old, old_reviews.get(old["pk"], {}), old_commits.get(old["pk"], {})
        )
    return plan


def _plan_accounts(plan: PullPlan, pulls: Sequence[formats.PullIn]) -> None:
    """The code-host accounts of the pull requests that are new, or whose name, email or bot
    flag the export changes."""
    users = _accounts(pulls)
    existing_accounts = {
        (s, login): (pk, name, email, bot)
        for pk, s, login, name, email, bot in Account.objects.values_list(
            "pk", "source", "login", "name", "email", "is_bot"
        )
    }
    for (source, login), user in sorted(users.items()):
        known = existing_accounts.get((source, login))
        if known is None:
            plan.accounts_new.append((source, login, user.name, user.email, user.bot))
            continue
        pk, name, email, bot = known
        changes: dict[str, tuple[Any, Any]] = {}
        if user.name and user.name != name:
            changes["name"] = (name, user.name)
        if user.email and user.email != email:
            changes["email"] = (email, user.email)
        if user.bot and not bot:
            changes["is_bot"] = (bot, True)
        if changes:
            plan.accounts_changed.append((pk, changes))
    if plan.accounts_new:
        plan.notes.append(f"{len(plan.accounts_new)} code-host account(s) added")
    if plan.accounts_changed:
        plan.notes.append(f"{len(plan.accounts_changed)} code-host account(s) updated")


def _existing_pulls(
    pulls: Sequence[formats.PullIn],
) -> tuple[
    dict[tuple[str, str, int], dict[str, Any]],
    dict[int, dict[str, tuple[Any, ...]]],
    dict[int, dict[str, tuple[Any, ...]]],
]:
    """The stored pull requests of the export's sources and repositories, and their reviews
    and commits by pull request id (three queries, chunked)."""
    sources = {p.source for p in pulls}
    repos = {p.repo for p in pulls}
    existing: dict[tuple[str, str, int], dict[str, Any]] = {}
    for row in (
        PullRequest.objects.filter(source__in=sources, repo_name__in=repos)
        .order_by()
        .values("pk", "source", "repo_name", "number", "author__login", *PULL_FIELDS[:5],
                *PULL_FIELDS[6:])
    ):  # fmt: skip
        row["author"] = row.pop("author__login")
        existing[(row["source"], row["repo_name"], row["number"])] = row
    ids = [row["pk"] for row in existing.values()]
    old_reviews: dict[int, dict[str, tuple[Any, ...]]] = defaultdict(dict)
    old_commits: dict[int, dict[str, tuple[Any, ...]]] = defaultdict(dict)
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for pr, ext, login, kind, state, when, pk in (
            Review.objects.filter(pull_request_id__in=chunk)
            .order_by()
            .values_list("pull_request_id", "external_id", "reviewer__login", "kind", "state",
                         "submitted_at", "pk")
        ):  # fmt: skip
            old_reviews[pr][ext] = (login, kind, state, when, pk)
        for pr, sha, commit_id, when, email, pk in (
            PullRequestCommit.objects.filter(pull_request_id__in=chunk)
            .order_by()
            .values_list("pull_request_id", "sha", "commit_id", "authored_at", "email", "pk")
        ):
            old_commits[pr][sha] = (commit_id, when, email, pk)
    return existing, old_reviews, old_commits


def _desired_pull(
    pull: formats.PullIn, repo_id: int | None, facts: dict[Any, Any], patterns: Any
) -> dict[str, Any]:
    """The pull request's row as the export gives it (the merge commit linked when ingested)."""
    merge = facts.get((repo_id, pull.merge_commit_sha)) if repo_id else None
    return {
        "repository_id": repo_id,
        "title": pull.title[:1000],
        "url": pull.url[:1000],
        "state": pull.state,
        "draft": pull.draft,
        "author": pull.author.login if pull.author else None,
        "created_at": pull.created_at,
        "ready_at": pull.ready_at,
        "merged_at": pull.merged_at,
        "closed_at": pull.closed_at,
        "updated_at": pull.updated_at,
        "head_ref": pull.head_ref[:500],
        "base_ref": pull.base_ref[:500],
        "head_sha": pull.head_sha[:40],
        "merge_commit_sha": pull.merge_commit_sha[:40],
        "merge_commit_id": merge.commit_id if merge else None,
        "additions": pull.additions,
        "deletions": pull.deletions,
        "labels": pull.labels,
        "link_keys": pull_link_keys(pull.title, pull.head_ref, patterns),
    }


def _desired_commits(
    pull: formats.PullIn, repo_id: int | None, facts: dict[Any, Any]
) -> dict[str, tuple[int | None, datetime | None, str]]:
    """sha -> (ingested commit id, authored at, email) of the pull request's commits; without
    a commit list, its head commit when ingested."""
    commits: dict[str, tuple[int | None, datetime | None, str]] = {}
    for c in pull.commits:
        found = facts.get((repo_id, c.sha)) if repo_id else None
        commits[c.sha] = (found.commit_id if found else None, c.authored_at, c.email)
    if not commits and pull.head_sha and repo_id and (repo_id, pull.head_sha) in facts:
        head = facts[(repo_id, pull.head_sha)]
        commits[pull.head_sha] = (head.commit_id, head.authored_at, head.email)
    return commits


def _new_and_changed(
    stored: dict[str, tuple[Any, ...]], wanted: dict[str, tuple[Any, ...]], width: int
) -> tuple[list[str], list[tuple[Any, str]]]:
    """Keys of `wanted` not stored, and (stored pk, key) of those whose first `width` values
    differ (the pk is the stored tuple's value after them)."""
    new = [key for key in wanted if key not in stored]
    changed = [
        (stored[key][width], key)
        for key, value in wanted.items()
        if key in stored
        and not all(_same(a, b) for a, b in zip(stored[key][:width], value, strict=True))
    ]
    return new, changed


def _plan_changed_pull(
    plan: PullPlan,
    entry: dict[str, Any],
    old: dict[str, Any],
    mine: dict[str, tuple[Any, ...]],
    theirs: dict[str, tuple[Any, ...]],
) -> None:
    """A stored pull request: unchanged, or changed with its new and changed reviews and
    commits."""
    pull, desired, reviews, commits = (
        entry["pull"],
        entry["row"],
        entry["reviews"],
        entry["commits"],
    )
    diffs = {k: (old[k], v) for k, v in desired.items() if not _same(old[k], v)}
    new_reviews, changed_reviews = _new_and_changed(mine, reviews, 4)
    new_commits, changed_commits = _new_and_changed(theirs, commits, 3)
    if new_reviews or changed_reviews:
        diffs["reviews"] = (len(mine), len(set(mine) | set(reviews)))
    if new_commits or changed_commits:
        diffs["commits"] = (len(theirs), len(set(theirs) | set(commits)))
    if not diffs:
        plan.changes.append(Change("unchanged", pull.key, line=pull.line))
        return
    entry.update(
        id=old["pk"],
        new_reviews=new_reviews,
        changed_reviews=changed_reviews,
        new_commits=new_commits,
        changed_commits=changed_commits,
        diffs=diffs,
    )
    plan.rows[pull.key] = entry
    plan.changes.append(Change("changed", pull.key, line=pull.line, fields=diffs))


def _same_tuple(a: Sequence[Any], b: Sequence[Any]) -> bool:
    return all(_same(x, y) for x, y in zip(a, b, strict=True))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a == b
    return bool(a == b)


def pulls_apply(plan: PullPlan, *, actor: Any) -> None:
    """Write a pull-request plan (inside the caller's transaction)."""
    if plan.accounts_new:
        pks = insert_rows(
            Account, ("source", "login", "name", "email", "is_bot"), plan.accounts_new
        )
        audit_rows(
            Account,
            0,
            (
                (pk, row[1], {"login": ["None", row[1]]})
                for pk, row in zip(pks, plan.accounts_new, strict=True)
            ),
            actor=actor,
        )
    for pk, changes in plan.accounts_changed:
        account = Account.objects.get(pk=pk)
        for name, (_old, new) in changes.items():
            setattr(account, name, new)
        account.save(update_fields=list(changes))
    account_id = {
        (s, login): pk for pk, s, login in Account.objects.values_list("pk", "source", "login")
    }
    columns = (
        "source",
        "repo_name",
        "number",
        *[f if f != "author" else "author_id" for f in PULL_FIELDS],
    )

    def values(entry: dict[str, Any]) -> list[Any]:
        pull: formats.PullIn = entry["pull"]
        row = dict(entry["row"])
        author = row.pop("author")
        row["author_id"] = account_id.get((pull.source, author)) if author else None
        return [pull.source, pull.repo, pull.number, *[row[c] for c in columns[3:]]]

    new = [e for e in plan.rows.values() if e["id"] is None]
    pks = insert_rows(PullRequest, columns, [values(e) for e in new])
    for entry, pk in zip(new, pks, strict=True):
        entry["id"] = pk
    audit_rows(
        PullRequest,
        0,
        ((e["id"], str(e["pull"].key), {"number": ["None", str(e["pull"].number)]}) for e in new),
        actor=actor,
    )
    changed = [e for e in plan.rows.values() if "diffs" in e]
    pull_changes = [e for e in changed if set(e["diffs"]) - {"reviews", "commits"}]
    update_rows(PullRequest, columns[3:], [[*values(e)[3:], e["id"]] for e in pull_changes])
    audit_updated(
        [
            (PullRequest(pk=e["id"], number=e["pull"].number, repo_name=e["pull"].repo), e["diffs"])
            for e in changed
        ],
        actor=actor,
    )

    review_columns = (
        "pull_request_id",
        "external_id",
        "reviewer_id",
        "kind",
        "state",
        "submitted_at",
    )
    review_new: list[list[Any]] = []
    review_upd: list[list[Any]] = []
    commit_columns = ("pull_request_id", "sha", "commit_id", "authored_at", "email")
    commit_new: list[list[Any]] = []
    commit_upd: list[list[Any]] = []
    for entry in plan.rows.values():
        source = entry["pull"].source
        for ext in entry["new_reviews"]:
            login, kind, state, when = entry["reviews"][ext]
            review_new.append(
                [entry["id"], ext[:200], account_id.get((source, login)), kind, state, when]
            )
        for pk, ext in entry["changed_reviews"]:
            login, kind, state, when = entry["reviews"][ext]
            review_upd.append([account_id.get((source, login)), kind, state, when, pk])
        for sha in entry["new_commits"]:
            commit_id, when, email = entry["commits"][sha]
            commit_new.append([entry["id"], sha[:40], commit_id, when, email[:300]])
        for pk, sha in entry["changed_commits"]:
            commit_id, when, email = entry["commits"][sha]
            commit_upd.append([commit_id, when, email[:300], pk])
    insert_rows(Review, review_columns, review_new, returning=False)
    update_rows(Review, review_columns[2:], review_upd)
    insert_rows(PullRequestCommit, commit_columns, commit_new, returning=False)
    update_rows(PullRequestCommit, commit_columns[2:], commit_upd)


# ---------------------------------------------------------------- tracker items

ITEM_FIELDS = (
    "title",
    "item_type",
    "status",
    "status_category",
    "project",
    "repo_name",
    "labels",
    "parent_key",
    "epic_key",
    "assignee",
    "estimate",
    "url",
    "created_at",
    "started_at",
    "resolved_at",
)


def _item_row(item: formats.IssueIn) -> dict[str, Any]:
    return {
        "title": item.title[:1000],
        "item_type": item.item_type[:100],
        "status": item.status[:100],
        "status_category": item.status_category,
        "project": item.project[:300],
        "repo_name": item.repo[:300],
        "labels": item.labels,
        "parent_key": item.parent_key[:200],
        "epic_key": item.epic_key[:200],
        "assignee": item.assignee[:300],
        "estimate": item.estimate,
        "url": item.url[:1000],
        "created_at": item.created_at,
        "started_at": item.started_at,
        "resolved_at": item.resolved_at,
    }


def issues_plan(items: Sequence[formats.IssueIn]) -> list[tuple[Change, Any]]:
    """Compare tracker items with the database: (change, (id or None, row)) per item."""
    existing = {
        (row["source"], row["key"]): row
        for row in WorkItem.objects.filter(key__in=[i.key for i in items])
        .order_by()
        .values("pk", "source", "key", *ITEM_FIELDS)
    }
    out: list[tuple[Change, Any]] = []
    for item in items:
        row = _item_row(item)
        old = existing.get((item.source, item.key))
        key = f"{item.source}:{item.key}"
        if old is None:
            out.append((Change("added", key, line=item.line), (None, item, row)))
            continue
        diffs = {k: (old[k], v) for k, v in row.items() if not _same_value(old[k], v)}
        if diffs:
            out.append(
                (Change("changed", key, line=item.line, fields=diffs), (old["pk"], item, row))
            )
        else:
            out.append((Change("unchanged", key, line=item.line), None))
    return out


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return (a is None and b is None) or (
            a is not None and b is not None and Decimal(a) == Decimal(b)
        )
    return bool(a == b)


def issues_apply(changes: Iterable[tuple[Change, Any]], *, actor: Any) -> None:
    """Write planned tracker items (inside the caller's transaction)."""
    new: list[WorkItem] = []
    updated: list[tuple[WorkItem, dict[str, tuple[Any, Any]]]] = []
    for change, payload in changes:
        if payload is None:
            continue
        pk, item, row = payload
        if pk is None:
            new.append(WorkItem(source=item.source, key=item.key, **row))
        else:
            obj = WorkItem(pk=pk, source=item.source, key=item.key, **row)
            updated.append((obj, change.fields))
    created = WorkItem.objects.bulk_create(new, batch_size=500)
    audit_created(created, actor=actor)
    if updated:
        WorkItem.objects.bulk_update([o for o, _ in updated], list(ITEM_FIELDS), batch_size=500)
        audit_updated(updated, actor=actor)


# ---------------------------------------------------------------- investment rules


def investment_rules_plan(rules: Sequence[dict[str, Any]]) -> list[Change]:
    """The rules file replaces every rule: one change per position."""
    old = {r.position: r for r in InvestmentRule.objects.all()}
    out = []
    for rule in rules:
        current = old.pop(rule["position"], None)
        key = str(rule["position"])
        if current is None:
            out.append(Change("added", key))
            continue
        diffs = {
            k: (getattr(current, k), rule[k])
            for k in ("category", "field", "value", "ktlo")
            if getattr(current, k) != rule[k]
        }
        out.append(Change("changed", key, fields=diffs) if diffs else Change("unchanged", key))
    out.extend(Change("ended", str(p)) for p in sorted(old))
    return out


class InvestmentRuleError(WorkTrackingError, InvalidFields):
    """An investment rule that cannot be saved; the messages name the fields."""


RESERVED_CATEGORY = UNCATEGORIZED


def _require_rules(actor: Any) -> None:
    policy.require(actor, "change", "worktracking.investmentrule")


def _renumber(order: Sequence[InvestmentRule], *, actor: Any) -> None:
    """Give `order` the positions 1..n (audited per moved rule). The positions are unique, so
    the moved rules step aside first (not audited: the entry records old and new positions)."""
    moves = [(r, n) for n, r in enumerate(order, start=1) if r.position != n]
    if not moves:
        return
    top = max(InvestmentRule.objects.aggregate(m=Max("position"))["m"] or 0, len(order))
    for offset, (rule, _n) in enumerate(moves, start=1):
        InvestmentRule.objects.filter(pk=rule.pk).update(position=top + offset)
    for rule, n in moves:
        InvestmentRule.objects.filter(pk=rule.pk).update(position=n)
    audit_updated([(r, {"position": (r.position, n)}) for r, n in moves], actor=actor)
    for rule, n in moves:
        rule.position = n


def _ordered(exclude: int | None = None) -> list[InvestmentRule]:
    qs = InvestmentRule.objects.order_by("position")
    return list(qs.exclude(pk=exclude) if exclude is not None else qs)


@transaction.atomic
def investment_rule_save(
    *,
    actor: Any,
    category: str,
    field: str,
    value: str,
    ktlo: bool = False,
    position: int | None = None,
    rule: InvestmentRule | None = None,
) -> InvestmentRule:
    """Add a rule (at `position`, else last) or change one (moving it to `position` when
    given). "Keeping the lights on" belongs to a category: saving a rule sets it on every rule
    of the same category. Two rules on the same field and value cannot both exist (the later
    would never decide anything)."""
    _require_rules(actor)
    category = " ".join(category.split())
    value = value.strip()
    problems: dict[str, list[str]] = {}
    if not category:
        problems["category"] = ["name the category"]
    elif category.lower() == RESERVED_CATEGORY:
        problems["category"] = [
            f"{RESERVED_CATEGORY!r} is what no rule matches: choose another name"
        ]
    if field not in RuleField.values:
        problems["field"] = [f"choose one of: {', '.join(RuleField.labels)}"]
    if not value:
        problems["value"] = ["name the value to match"]
    elif field in RuleField.values:
        twin = InvestmentRule.objects.filter(field=field, value__iexact=value)
        if rule is not None:
            twin = twin.exclude(pk=rule.pk)
        found = twin.first()
        if found is not None:
            problems["value"] = [
                f"rule {found.position} already matches {RuleField(field).label.lower()} "
                f"{found.value!r} (to {found.category}); edit that one"
            ]
    if position is not None and position < 1:
        problems["position"] = ["positions start at 1"]
    if problems:
        raise InvestmentRuleError(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in problems.items()), fields=problems
        )
    others = _ordered(exclude=rule.pk if rule is not None else None)
    if rule is None:
        rule = InvestmentRule(position=max([r.position for r in others], default=0) + 1)
    rule.category = category
    rule.field = field
    rule.value = value
    rule.ktlo = ktlo
    try:
        rule.full_clean()
    except ValidationError as exc:
        raise invalid_fields_from(exc, InvestmentRuleError) from exc
    rule.save()
    if position is not None:
        at = min(position, len(others) + 1) - 1
        _renumber([*others[:at], rule, *others[at:]], actor=actor)
    for sibling in InvestmentRule.objects.filter(category=category).exclude(ktlo=ktlo):
        sibling.ktlo = ktlo
        sibling.save(update_fields=["ktlo"])
    return rule


@transaction.atomic
def investment_rule_move(*, actor: Any, rule: InvestmentRule, position: int) -> InvestmentRule:
    """Move a rule to `position` (1 is first; past the end is last); the others keep their
    order and close up."""
    _require_rules(actor)
    if position < 1:
        raise InvestmentRuleError("positions start at 1", fields={"position": ["at least 1"]})
    others = _ordered(exclude=rule.pk)
    at = min(position, len(others) + 1) - 1
    _renumber([*others[:at], rule, *others[at:]], actor=actor)
    return rule


@transaction.atomic
def investment_rule_delete(*, actor: Any, rule: InvestmentRule) -> None:
    """Delete a rule (audited); the rules after it move up one place."""
    _require_rules(actor)
    pk = rule.pk
    rule.delete()
    _renumber(_ordered(exclude=pk), actor=actor)


@transaction.atomic
def investment_rules_replace(rules: Sequence[dict[str, Any]], *, actor: Any) -> None:
    """Replace the investment rules with `rules` (audited)."""
    policy.require(actor, "change", "worktracking.investmentrule")
    keep = {r["position"] for r in rules}
    for rule in InvestmentRule.objects.exclude(position__in=keep):
        rule.delete()
    for data in rules:
        rule = InvestmentRule.objects.filter(position=data["position"]).first() or InvestmentRule(
            position=data["position"]
        )
        changed = rule.pk is None or any(getattr(rule, k) != data[k] for k in data)
        if changed:
            for k, v in data.items():
                setattr(rule, k, v)
            rule.full_clean()
            rule.save()
