"""Demo pull requests, reviews, tracker items and investment rules, made from the demo's own
git history so that every figure agrees with commits and deployments.

Over the last `WINDOW_DAYS` days before the reference date, each repository's reachable
non-merge commits are taken in order; a run of two to four consecutive commits by the same
author becomes a pull request (a single commit between two runs is a direct push). The pull
request lists those commits; it is opened partway between its first and last commit, picked up
by a teammate (another author of the repository) partway to the merge, and merged when its last
commit landed on the main branch (a rebase merge: the merge commit is the last commit, so the
deployment that shipped that commit is the pull request's deployment). About one in twelve is
merged without a review. The trackers hold each team's epics (the link keys the demo strategy's
initiatives name) and every ticket a commit of the window references, under the epic active that
month. Everything is written through the work-tracking services.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from steward.core.policy import SYSTEM
from steward.demo import linkkeys
from steward.demo.builder import DemoContext
from steward.demo.company import REFERENCE_DATE
from steward.worktracking import formats, services

WINDOW_DAYS = 120
DEMO_OWNER = "demo-co"

# position, category, field, value, keeping the lights on
RULES = [
    (1, "Keeping the lights on", "label", "ktlo", True),
    (2, "Keeping the lights on", "issue_type", "Bug", True),
    (3, "New capability", "issue_type", "Epic", False),
    (4, "New capability", "issue_type", "Story", False),
]
KTLO_THEMES = {"reliability hardening", "cost reduction"}


def _login(email: str) -> str:
    return email.split("@", 1)[0].replace(".", "-")


def step_worktracking(ctx: DemoContext) -> None:
    """Pull requests with reviews for the demo repositories, tracker items and rules."""
    from steward.engineering.models import Commit, LinkKey, Repository

    rng = random.Random(f"{ctx.seed}-worktracking")
    since = datetime.combine(
        REFERENCE_DATE - timedelta(days=WINDOW_DAYS), datetime.min.time(), tzinfo=UTC
    )
    pulls: list[formats.PullIn] = []
    keys_seen: dict[str, datetime] = {}
    repos = list(Repository.objects.select_related("team").order_by("name"))
    for repo in repos:
        rows = list(
            Commit.objects.filter(
                repository=repo, reachable=True, parent_count__lte=1, committed_at__gte=since
            )
            .order_by("committed_at", "sha")
            .values_list("pk", "sha", "email", "mailmap_name", "authored_at", "committed_at",
                         "message")
        )  # fmt: skip
        authors = sorted({r[2] for r in rows})
        runs: list[list[tuple]] = []  # type: ignore[type-arg]
        for row in rows:
            if runs and runs[-1][-1][2] == row[2] and len(runs[-1]) < rng.choice((2, 3, 4)):
                runs[-1].append(row)
            else:
                runs.append([row])
        number = 0
        for run in runs:
            if len(run) < 2:
                continue
            number += 1
            first, last = run[0], run[-1]
            span = last[5] - first[4]
            if span <= timedelta(0):
                span = timedelta(hours=1)
            opened = first[4] + span * rng.uniform(0.2, 0.5)
            merged = last[5]
            subject = first[6].split("\n", 1)[0]
            keys = [k for k in subject.replace(":", " ").split() if "-" in k and k[0].isupper()]
            branch = f"feature/{keys[0]}-work" if keys else f"topic/{_login(first[2])}-{number}"
            teammates = [a for a in authors if a != first[2]]
            reviews: list[formats.ReviewIn] = []
            if teammates and rng.random() > 1 / 12:
                reviewer = rng.choice(teammates)
                picked = opened + (merged - opened) * rng.uniform(0.1, 0.6)
                user = formats.UserIn(_login(reviewer), email=reviewer)
                reviews.append(
                    formats.ReviewIn(f"review:{repo.name}-{number}-1", user, formats.REVIEW,
                                     "commented" if rng.random() < 0.3 else "approved", picked)
                )  # fmt: skip
                if rng.random() < 0.4:
                    approved = picked + (merged - picked) * rng.uniform(0.3, 0.9)
                    reviews.append(
                        formats.ReviewIn(f"review:{repo.name}-{number}-2", user, formats.REVIEW,
                                         "approved", approved)
                    )  # fmt: skip
            pulls.append(
                formats.PullIn(
                    source=formats.GITHUB,
                    repo=f"{DEMO_OWNER}/{repo.name}",
                    number=number,
                    line=0,
                    title=subject,
                    url=f"https://github.com/{DEMO_OWNER}/{repo.name}/pull/{number}",
                    state="merged",
                    author=formats.UserIn(_login(first[2]), first[3], first[2]),
                    created_at=opened,
                    merged_at=merged,
                    closed_at=merged,
                    updated_at=merged,
                    head_ref=branch,
                    base_ref="main",
                    head_sha=last[1],
                    merge_commit_sha=last[1],
                    commits=[formats.CommitIn(r[1], r[4], r[2], r[3], _login(r[2])) for r in run],
                    reviews=reviews,
                )
            )
        for key, when in (
            LinkKey.objects.filter(commit__repository=repo, commit__committed_at__gte=since)
            .values_list("key", "commit__committed_at")
            .order_by("commit__committed_at")
        ):
            keys_seen[key] = min(when, keys_seen.get(key, when))  # first use in any repository
    plan = services.pulls_plan(pulls)
    services.pulls_apply(plan, actor=SYSTEM)
    _items(rng, keys_seen)
    services.investment_rules_replace(
        [
            {"position": p, "category": c, "field": f, "value": v, "ktlo": k}
            for p, c, f, v, k in RULES
        ],
        actor=SYSTEM,
    )


def _items(rng: random.Random, keys_seen: dict[str, datetime]) -> None:
    team_of_project = {v: k for k, v in linkkeys.PROJECT_KEYS.items()}
    items: list[formats.IssueIn] = []
    epic_keys: set[str] = set()
    start = datetime.combine(linkkeys.HISTORY_START, datetime.min.time(), tzinfo=UTC)
    for team, project in linkkeys.PROJECT_KEYS.items():
        for index, (key, title, first_month, _end) in enumerate(linkkeys.epics(team)):
            theme = linkkeys.EPIC_THEMES[index]
            epic_keys.add(key)
            items.append(
                formats.IssueIn(
                    source=formats.JIRA,
                    key=key,
                    line=0,
                    title=f"{title} ({team.replace('-', ' ')})",
                    item_type="Epic",
                    status="In Progress",
                    status_category="in_progress",
                    project=project,
                    labels=["ktlo"] if theme in KTLO_THEMES else [],
                    created_at=start + timedelta(days=30 * first_month),
                )
            )
    groups: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    for key, when in keys_seen.items():
        project = key.rsplit("-", 1)[0]
        if key in epic_keys or project not in team_of_project:
            continue
        groups[project].append((key, when))
    for project, found in sorted(groups.items()):
        team = team_of_project[project]
        for key, when in sorted(found):
            month = (when.year - linkkeys.HISTORY_START.year) * 12 + (
                when.month - linkkeys.HISTORY_START.month
            )
            active = linkkeys.active_epics(team, month)
            kind = rng.choices(["Story", "Bug", "Task"], weights=[6, 3, 1])[0]
            items.append(
                formats.IssueIn(
                    source=formats.JIRA,
                    key=key,
                    line=0,
                    title=f"{kind} {key}",
                    item_type=kind,
                    status="Done",
                    status_category="done",
                    project=project,
                    epic_key=rng.choice(active) if active and kind != "Bug" else "",
                    created_at=when - timedelta(days=rng.randint(1, 10)),
                    resolved_at=when + timedelta(days=rng.randint(0, 5)),
                )
            )
    services.issues_apply(services.issues_plan(items), actor=SYSTEM)
