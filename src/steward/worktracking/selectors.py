"""Reads of the work-tracking app: pull requests, flow (cycle time, size, reviews), tracker
items and investment balance; every list starts from what the actor may see."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import F, Min, Q, QuerySet, Sum

from steward.core import datacache, policy
from steward.engineering import selectors as engineering
from steward.org import selectors as org_selectors
from steward.worktracking import flow
from steward.worktracking.models import (
    Account,
    PullRequest,
    PullRequestCommit,
    Review,
    ReviewKind,
    WorkItem,
)

Actor = policy.Actor


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# ---------------------------------------------------------------- pull requests


def resolve_repository(name: str, by_name: dict[str, int]) -> int | None:
    """An ingested repository for a host's `owner/name` (or group/sub/name): the full path,
    else its last segment."""
    return by_name.get(name) or by_name.get(name.rsplit("/", 1)[-1])


def pull_list(
    *,
    actor: Actor,
    repo: str | None = None,
    state: str | None = None,
    unlinked: bool = False,
) -> QuerySet[PullRequest]:
    """Pull requests `actor` may see, newest first; filters by repository name and state;
    `unlinked` keeps those whose repository is not ingested."""
    qs: QuerySet[PullRequest] = policy.visible(actor, "worktracking.PullRequest")
    if repo:
        qs = qs.filter(Q(repository__name=repo) | Q(repo_name=repo))
    if state:
        qs = qs.filter(state=state)
    if unlinked:
        qs = qs.filter(repository__isnull=True)
    return qs.select_related("repository", "author").order_by("-created_at", "repo_name", "number")


def pull_get(*, actor: Actor, pk: int) -> PullRequest | None:
    """One pull request if `actor` may see it."""
    return pull_list(actor=actor).filter(pk=pk).first()


def pull_dict(pull: PullRequest) -> dict[str, Any]:
    """The API form of a pull request."""
    return {
        "id": pull.pk,
        "source": pull.source,
        "repository": pull.repo_name,
        "repository_ingested": pull.repository_id is not None,
        "number": pull.number,
        "title": pull.title,
        "url": pull.url,
        "state": pull.state,
        "draft": pull.draft,
        "author": pull.author.login if pull.author else None,
        "created_at": pull.created_at,
        "ready_at": pull.ready_at,
        "merged_at": pull.merged_at,
        "closed_at": pull.closed_at,
        "head_ref": pull.head_ref,
        "base_ref": pull.base_ref,
        "merge_commit_sha": pull.merge_commit_sha or None,
        "link_keys": list(pull.link_keys),
    }


# ---------------------------------------------------------------- flow


def person_of_accounts(account_ids: Iterable[int]) -> dict[int, int | None]:
    """The person behind each code-host account (None for bots and unknown emails)."""
    resolver = engineering.identity_resolver()
    out: dict[int, int | None] = {}
    for pk, login, email, source, bot in Account.objects.filter(
        pk__in=list(set(account_ids))
    ).values_list("pk", "login", "email", "source", "is_bot"):
        person = None
        if not bot:
            person = resolver.person(email) if email else None
            if person is None and source == "github":
                person = resolver.person(f"{login.lower()}@users.noreply.github.com")
        out[pk] = person
    return out


def flow_rows(*, start: date, end: date, team: str | None = None) -> list[dict[str, Any]]:
    """Each pull request merged in [start, end) with its cycle-time parts, size, team, week and
    whether anyone other than its author reviewed it."""
    pulls = list(
        PullRequest.objects.filter(
            state="merged", merged_at__gte=_start(start), merged_at__lt=_start(end)
        )
        .order_by("merged_at", "pk")
        .values_list(
            "pk", "source", "repo_name", "number", "title", "repository_id", "author_id",
            "created_at", "ready_at", "merged_at", "merge_commit_sha", "additions", "deletions",
            "merge_commit_id", "merge_commit__deployment__finished_at",
        )
    )  # fmt: skip
    window = {
        "pull_request__state": "merged",
        "pull_request__merged_at__gte": _start(start),
        "pull_request__merged_at__lt": _start(end),
    }
    first_commit, lines = _commit_lines(window)
    responses = _responses(window)
    # A repository ingested after the import counts at once (the next import stores the link).
    if any(p[5] is None for p in pulls):
        by_name = engineering.repository_ids_by_name()
        pulls = [
            p if p[5] is not None else (*p[:5], resolve_repository(p[2], by_name), *p[6:])
            for p in pulls
        ]
    # Merge commits linked at import through the stored link; the others by sha, so that one
    # ingested after the import still counts.
    facts = engineering.commit_facts(
        repository_ids={p[5] for p in pulls if p[5] and p[13] is None},
        shas={p[10] for p in pulls if p[10] and p[13] is None},
    )
    people = person_of_accounts(p[6] for p in pulls if p[6])
    memberships = engineering.team_on({v for v in people.values() if v}, start, end)
    slug_of = org_selectors.team_slugs_by_id()
    rows = []
    for pull in pulls:
        author, merged = pull[6], pull[9]
        assert merged is not None  # filtered on merged_at
        person = people.get(author) if author else None
        merged_day = merged.astimezone(UTC).date()
        team_slug = _team_on(memberships.get(person, []) if person else [], merged_day, slug_of)
        if team and team_slug != team:
            continue
        rows.append(_flow_row(pull, team_slug, merged_day, first_commit, lines, responses, facts))
    return rows


def _flow_row(
    pull: tuple[Any, ...],
    team_slug: str | None,
    merged_day: date,
    first_commit: dict[int, datetime],
    lines: dict[int, int],
    responses: dict[int, list[tuple[Any, Any, str]]],
    facts: dict[Any, Any],
) -> dict[str, Any]:
    """One merged pull request's row: key, team, week, size, reviewed and cycle-time parts."""
    (pk, source, repo, number, title, repo_id, author, created, ready, merged, merge_sha,
     additions, deletions, merge_id, linked_deployed) = pull  # fmt: skip
    pickup_start = ready if ready is not None and ready > created else created
    others = [(w, k) for (w, r, k) in responses.get(pk, []) if r is None or r != author]
    after = [w for (w, _k) in others if w >= pickup_start]
    merge_fact = facts.get((repo_id, merge_sha)) if repo_id and merge_sha else None
    deployed: datetime | None = linked_deployed if merge_id is not None else None
    if merge_fact is not None:
        deployed = merge_fact.deployed_at
    parts = flow.cycle_parts(
        flow.PullTimes(
            opened=created,
            merged=merged,
            first_commit=first_commit.get(pk),
            ready=ready,
            first_response=min(after) if after else None,
            deployed=deployed,
        )
    )
    return {
        "id": pk,
        "key": f"{repo}{'!' if source == 'gitlab' else '#'}{number}",
        "title": title,
        "repository": repo,
        "team": team_slug,
        "week": merged_day - timedelta(days=merged_day.weekday()),
        "merged_at": merged,
        "size": _pull_size(additions, deletions, lines.get(pk)),
        "reviewed": any(k == ReviewKind.REVIEW for (_w, k) in others),
        **parts,
    }


def _commit_lines(window: dict[str, Any]) -> tuple[dict[int, datetime], dict[int, int]]:
    """Per pull request of the window: its first commit's time and its commits' changed lines
    (through the stored link to engineering's commit; merge commits (two parents) carry no lines
    of their own), summed in SQL: one row per pull request, not one per commit."""
    first_commit: dict[int, datetime] = {}
    lines: dict[int, int] = {}
    counted = Q(commit__isnull=False, commit__parent_count__lte=1)
    for pr, when, changed in (
        PullRequestCommit.objects.filter(**window)
        .order_by()
        .values("pull_request_id")
        .annotate(
            first=Min("authored_at"),
            changed=Sum(F("commit__added") + F("commit__deleted"), filter=counted),
        )
        .values_list("pull_request_id", "first", "changed")
    ):
        if when is not None:
            first_commit[pr] = when
        if changed is not None:
            lines[pr] = changed
    return first_commit, lines


def _responses(window: dict[str, Any]) -> dict[int, list[tuple[Any, Any, str]]]:
    """Per pull request of the window: (submitted at, reviewer, kind) of its reviews and
    comments by people (bots left out)."""
    responses: dict[int, list[tuple[Any, Any, str]]] = defaultdict(list)
    bots = set(Account.objects.filter(is_bot=True).values_list("pk", flat=True))
    for pr, when, reviewer, kind in (
        Review.objects.filter(submitted_at__isnull=False, **window)
        .order_by()
        .values_list("pull_request_id", "submitted_at", "reviewer_id", "kind")
    ):
        if reviewer not in bots:
            responses[pr].append((when, reviewer, kind))
    return responses


def _team_on(
    memberships: Iterable[tuple[date, date | None, int]], day: date, slug_of: dict[int, str]
) -> str | None:
    """The slug of the team a membership puts the author in on `day` (None: no team)."""
    for s, e, team_id in memberships:
        if s <= day and (e is None or day < e):
            return slug_of.get(team_id)
    return None


def _pull_size(additions: int | None, deletions: int | None, lines: int | None) -> int | None:
    """Lines changed: the code host's additions + deletions, else the ingested commits'."""
    if additions is not None and deletions is not None:
        return additions + deletions
    return lines


def flow_report(
    *,
    actor: Actor,
    start: date,
    end: date,
    team: str | None = None,
    rows: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Cycle time (overall, per team, per team and week), PR size and unreviewed merges of
    the pull requests merged in [start, end) (`rows`: `flow_rows` already read)."""
    policy.require(actor, "view", "worktracking.pullrequest")
    if rows is not None:
        return _flow_figures(start, end, team, rows)
    return datacache.cached(
        _flow_key("report", start, end, team),
        lambda: _flow_figures(start, end, team, flow_rows(start=start, end=end, team=team)),
    )


def _flow_key(kind: str, start: date, end: date, *options: Any) -> str:
    """The cache name of a flow figure: the period and a digest of the options (a team or a
    week as typed in the query string, which may hold any character)."""
    digest = hashlib.sha256(repr(options).encode()).hexdigest()[:24]
    return f"worktracking:flow-{kind}:{start}:{end}:{digest}"


def flow_page(
    *,
    actor: Actor,
    start: date,
    end: date,
    team: str | None,
    week: str | None,
    drill_team: str | None,
    unreviewed: bool,
    shown: int,
) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    """The flow page's figures: `flow_report`, the first `shown` pull requests of the
    drill-down (merged in `week`, by `drill_team` ("none": no team), `unreviewed` only) and how
    many it has. Both kept in the cache until the data version moves; the merged pull requests
    are read at most once on a miss."""
    policy.require(actor, "view", "worktracking.pullrequest")
    version = datacache.data_version()
    read: list[list[dict[str, Any]]] = []

    def rows() -> list[dict[str, Any]]:
        if not read:
            read.append(flow_rows(start=start, end=end, team=team))
        return read[0]

    def drill() -> tuple[list[dict[str, Any]], int]:
        picked = rows()
        if week:
            picked = [r for r in picked if r["week"].isoformat() == week]
        if drill_team:
            picked = [r for r in picked if (r["team"] or "none") == drill_team]
        if unreviewed:
            picked = [r for r in picked if not r["reviewed"]]
        return picked[:shown], len(picked)

    report = datacache.cached(
        _flow_key("report", start, end, team),
        lambda: _flow_figures(start, end, team, rows()),
        version,
    )
    key = _flow_key("drill", start, end, team, week, drill_team, unreviewed, shown)
    pulls, total = datacache.cached(key, drill, version)
    return report, pulls, total


def _flow_figures(
    start: date, end: date, team: str | None, rows: list[dict[str, Any]]
) -> dict[str, Any]:
    by_team: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    by_team_week: dict[tuple[str | None, date], list[dict[str, Any]]] = defaultdict(list)
    by_week: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_team[row["team"]].append(row)
        by_team_week[(row["team"], row["week"])].append(row)
        by_week[row["week"]].append(row)
    sizes = [r["size"] for r in rows if r["size"] is not None]
    unreviewed = sum(1 for r in rows if not r["reviewed"])
    med = flow.median(sizes)
    p75 = flow.percentile(sizes, 75)
    return {
        "from": start,
        "to": end,
        "team": team,
        "cycle_time": flow.summary(rows),
        "by_team": [
            {"team": t, **flow.summary(rs)}
            for t, rs in sorted(by_team.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
        ],
        "by_team_week": [
            {"team": t, "week": w, **flow.summary(rs)}
            for (t, w), rs in sorted(
                by_team_week.items(), key=lambda kv: (kv[0][0] is None, kv[0][0] or "", kv[0][1])
            )
        ],
        "by_week": [{"week": w, **flow.summary(rs)} for w, rs in sorted(by_week.items())],
        "size": {
            "count": len(sizes),
            "median_lines": med,
            "p75_lines": None if p75 is None else round(p75, 2),
        },
        "unreviewed_merges": {
            "merged": len(rows),
            "unreviewed": unreviewed,
            "rate": round(unreviewed / len(rows), 4) if rows else None,
        },
    }


def review_load(*, actor: Actor, start: date, end: date) -> dict[str, Any]:
    """Reviews submitted in [start, end) per reviewer (METRICS.md review load).

    Per-person rows only for the reviewers `actor` may see individually
    (`policy.may_see_individual_activity`); the others are summed in `others`, so the rows and
    `others` add up to `reviews`.
    """
    policy.require(actor, "view", "worktracking.review")
    counts, people, logins, bots, names = datacache.cached(
        f"worktracking:review-load:{start}:{end}", lambda: _reviewers(start, end)
    )
    per_person: dict[tuple[int | None, str], int] = defaultdict(int)
    others = {"reviewers": 0, "reviews": 0}
    total = 0
    for account, n in counts.items():
        if account in bots:
            continue
        total += n
        person = people.get(account) if account is not None else None
        if policy.may_see_individual_activity(actor, person):
            login = logins.get(account) if account is not None else None
            label = names.get(person, "") if person else (login or "unknown")
            per_person[(person, label)] += n
        else:
            others["reviewers"] += 1
            others["reviews"] += n
    rows = [
        {"person_id": p, "name": label, "reviews": n}
        for (p, label), n in sorted(per_person.items(), key=lambda kv: (-kv[1], kv[0][1]))
    ]
    return {"from": start, "to": end, "reviews": total, "reviewers": rows, "others": others}


def _reviewers(start: date, end: date) -> tuple[Any, ...]:
    """What review load reads, whoever asks: the reviews per reviewer account, the person
    behind each account, their logins, the bots among them and the people's names."""
    counts: dict[int | None, int] = defaultdict(int)
    for reviewer, n in _review_counts(start, end):
        counts[reviewer] += n
    people = person_of_accounts(r for r in counts if r is not None)
    logins = dict(Account.objects.filter(pk__in=list(people)).values_list("pk", "login"))
    bots = set(
        Account.objects.filter(pk__in=list(people), is_bot=True).values_list("pk", flat=True)
    )
    names = dict(
        policy.visible(policy.SYSTEM, "org.Person")
        .filter(pk__in={p for p in people.values() if p})
        .values_list("pk", "name")
    )
    return dict(counts), people, logins, bots, names


def _review_counts(start: date, end: date) -> list[tuple[int | None, int]]:
    from django.db.models import Count, F

    # A review of one's own pull request (GitHub allows a "commented" one) is not review load.
    return list(
        Review.objects.filter(
            kind=ReviewKind.REVIEW,
            submitted_at__gte=_start(start),
            submitted_at__lt=_start(end),
        )
        .exclude(reviewer_id=F("pull_request__author_id"))
        .order_by()
        .values("reviewer_id")
        .annotate(n=Count("id"))
        .values_list("reviewer_id", "n")
    )


def pull_detail(*, actor: Actor, pull: PullRequest) -> dict[str, Any]:
    """One pull request's evidence: its cycle-time parts, commits, reviews and deployment."""
    policy.require(actor, "view", pull)
    merged_day = pull.merged_at.date() if pull.merged_at else None
    row = None
    if merged_day is not None:
        rows = flow_rows(start=merged_day, end=merged_day + timedelta(days=1))
        row = next((r for r in rows if r["id"] == pull.pk), None)
    commits = list(pull.commits.all())
    facts = engineering.commit_facts(
        repository_ids=[pull.repository_id] if pull.repository_id else [],
        shas=[c.sha for c in commits] + ([pull.merge_commit_sha] if pull.merge_commit_sha else []),
    )
    merge = facts.get((pull.repository_id, pull.merge_commit_sha)) if pull.repository_id else None
    return {
        "pull": pull,
        "parts": row,
        "commits": [
            {
                "sha": c.sha,
                "authored_at": c.authored_at,
                "ingested": (pull.repository_id, c.sha) in facts,
            }
            for c in commits
        ],
        "reviews": list(pull.reviews.select_related("reviewer")),
        "merge_commit_ingested": merge is not None,
        "deployed_at": merge.deployed_at if merge else None,
    }


# ---------------------------------------------------------------- tracker items


def item_list(
    *, actor: Actor, source: str | None = None, project: str | None = None
) -> QuerySet[WorkItem]:
    """Tracker items `actor` may see, by key."""
    qs: QuerySet[WorkItem] = policy.visible(actor, "worktracking.WorkItem")
    if source:
        qs = qs.filter(source=source)
    if project:
        qs = qs.filter(project=project)
    return qs.order_by("key")


def item_dict(item: WorkItem) -> dict[str, Any]:
    """The API form of a tracker item."""
    return {
        "source": item.source,
        "key": item.key,
        "title": item.title,
        "type": item.item_type,
        "status": item.status,
        "status_category": item.status_category or None,
        "project": item.project,
        "labels": list(item.labels),
        "parent": item.parent_key or None,
        "epic": item.epic_key or None,
        "created_at": item.created_at,
        "resolved_at": item.resolved_at,
    }
