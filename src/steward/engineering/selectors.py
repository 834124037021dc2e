"""Reads of the engineering app: repositories, contributors, the four keys, activity evidence.

Activity evidence for other apps (strategy reads these; see docs/engineering-evidence.md):
- `identity_resolver()`: author email -> person id (None for bots and unmatched authors);
- `active_person_days(...)`: METRICS.md "active person-day" rows;
- `activity_by_week(...)`: active person-days per person, team or repository and ISO week;
- `commit_evidence(...)`: each non-merge commit with its person, local day and link keys, the
  input of effort attribution; `commit_groups(...)` the same commits counted per person, day
  and set of link keys (what attribution needs, in one grouped query).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, NamedTuple

import numpy as np
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum

from steward.core import policy
from steward.core.requestmemo import once_per_request
from steward.engineering import dora
from steward.engineering import shipped as shipped_figures
from steward.engineering.models import (
    AuthorDay,
    AuthorDayKey,
    AuthorSummary,
    Commit,
    Deployment,
    DeploymentStatus,
    FileChange,
    Identity,
    Incident,
    LinkKey,
    Repository,
)
from steward.engineering.shipped_rows import ShippedCommitRows
from steward.engineering.summaries import KEY_SEPARATOR

Actor = policy.Actor


# ---------------------------------------------------------------- repositories


def repository_list(*, actor: Actor, team: str | None = None) -> QuerySet[Repository]:
    """Repositories `actor` may see, with their owning team."""
    qs: QuerySet[Repository] = policy.visible(actor, "engineering.Repository")
    if team:
        qs = qs.filter(team__slug=team)
    # Kept at ingest (summaries.py): no join with the commit table per request.
    return qs.select_related("team").annotate(commit_count=F("reachable_commits"))


def repository_get(*, actor: Actor, name: str) -> Repository | None:
    """The repository `name` if `actor` may see it."""
    return repository_list(actor=actor).filter(name=name).first()


# ---------------------------------------------------------------- identities


@dataclass(frozen=True)
class Resolver:
    """Maps author emails (lowercased, after .mailmap) to people; bots map to None."""

    people: dict[str, int]
    bots: frozenset[str]

    def person(self, email: str) -> int | None:
        """The person id an email belongs to, or None (bot or unmatched)."""
        if email in self.bots:
            return None
        return self.people.get(email)


def identity_resolver() -> Resolver:
    """Emails of people (org PersonEmail), overridden by admins' links and bot marks."""
    from steward.org import selectors as org_selectors

    people = org_selectors.person_ids_by_email()
    bots = set()
    for email, person_id, is_bot, manual in Identity.objects.filter(
        Q(manual=True) | Q(is_bot=True)
    ).values_list("email", "person_id", "is_bot", "manual"):
        if is_bot:
            bots.add(email)
            people.pop(email, None)
        elif manual and person_id is not None:
            people[email] = person_id
    return Resolver(people=people, bots=frozenset(bots))


IDENTITY_STATES = ("unmatched", "bots", "linked", "all")


def identity_list(*, actor: Actor, state: str = "unmatched") -> QuerySet[Identity]:
    """Identities `actor` may see in `state` (unmatched, bots, linked or all), each annotated
    with `kind` ("bot", "linked" or "unmatched", as `identity_resolver` decides: a bot mark
    wins, then an admin's link, then a person's email), in the database: no row is read here.
    Commit counts are not annotated (a count over every commit): `identity_commit_counts`
    counts those of the rows shown."""
    from django.db.models import Case, Value, When

    from steward.org import selectors as org_selectors

    linked = (Q(manual=True) & Q(person__isnull=False)) | Q(
        email__in=org_selectors.person_emails_lowered()
    )
    qs = policy.visible(actor, "engineering.Identity").annotate(
        kind=Case(
            When(is_bot=True, then=Value("bot")),
            When(linked, then=Value("linked")),
            default=Value("unmatched"),
        )
    )
    kind = {"unmatched": "unmatched", "bots": "bot", "linked": "linked"}.get(state)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.order_by("email")


def identity_commit_counts(emails: Iterable[str] | QuerySet[Any]) -> dict[str, int]:
    """Commits (merges included, reachable, every repository) of each email, in one grouped
    query over `emails` (a page's emails, or a subquery for a download)."""
    return dict(
        AuthorSummary.objects.filter(email__in=emails)
        .order_by()
        .values("email")
        .annotate(n=Sum("all_commits"))
        .values_list("email", "n")
    )


# ---------------------------------------------------------------- contributors


def contributors(*, actor: Actor, repository: Repository) -> dict[str, Any]:
    """METRICS.md contributors: non-merge commits reachable from HEAD per mailmapped email.

    Per-author rows only for the authors `actor` may see (`policy.may_see_individual_activity`:
    themselves, their reports, everyone for cto and admin); the other authors are summed into
    `others`, so the rows plus `others` always add up to the repository's totals.
    """
    policy.require(actor, "view", repository)
    # Kept at ingest (summaries.py), one row per author: no pass over the commits.
    rows = sorted(
        AuthorSummary.objects.filter(repository=repository, commits__gt=0)
        .order_by()
        .values_list("email", "name", "commits", "added", "deleted"),
        # Sorted here, not in SQL: the same order on every database collation.
        key=lambda r: (-r[2], r[0]),
    )
    sees_all = policy.may_see_individual_activity(actor, None)
    resolver = None if sees_all else identity_resolver()
    result = []
    others = {"authors": 0, "commits": 0, "added": 0, "deleted": 0}
    for email, name, commits, added, deleted in rows:
        if resolver is None or policy.may_see_individual_activity(actor, resolver.person(email)):
            result.append(
                {
                    "email": email,
                    "name": name,
                    "commits": commits,
                    "added": added,
                    "deleted": deleted,
                }
            )
        else:
            others["authors"] += 1
            others["commits"] += commits
            others["added"] += added
            others["deleted"] += deleted
    return {"repo": repository.name, "contributors": result, "others": others}


# ---------------------------------------------------------------- the four keys


@dataclass(frozen=True)
class Scope:
    """The repositories (and services) a figure covers: the org, a team, or a repository."""

    team: str | None = None
    repo: str | None = None

    def deployments(self) -> QuerySet[Deployment]:
        """Production deployments of the scope."""
        qs = Deployment.objects.filter(environment__iexact="production")
        if self.repo:
            qs = qs.filter(Q(repository__name=self.repo) | Q(repo_name=self.repo))
        if self.team:
            qs = qs.filter(repository__team__slug=self.team)
        return qs

    def incidents(self) -> QuerySet[Incident]:
        """Incidents of the scope: by repository, or by a service the scope deploys."""
        qs = Incident.objects.all()
        if not self.team and not self.repo:
            return qs
        services = set(
            self.deployments().exclude(service="").values_list("service", flat=True).distinct()
        )
        repos = Repository.objects.all()
        if self.team:
            repos = repos.filter(team__slug=self.team)
        if self.repo:
            repos = repos.filter(name=self.repo)
        names = set(repos.values_list("name", flat=True))
        return qs.filter(
            Q(repository__name__in=names) | Q(repo_name__in=names) | Q(service__in=services | names)
        )


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@dataclass
class DoraData:
    """Everything the four keys of a scope need over a range, as plain data."""

    deploys: list[dora.Deploy]
    shipped: dora.ShippedTimes
    outages: list[dora.Outage]


def _shipped(
    counted: dict[int, tuple[datetime, Any]],
) -> tuple[np.ndarray, dora.ShippedTimes]:
    """The shipped commits of the counted deployments (id -> finished time and the commit
    times kept at link time): their deployment ids, deployment and commit times in
    microseconds, ordered by deployment time. No commit row is read."""
    keys = list(counted)
    arrays = [shipped_figures.unpack(counted[k][1]) for k in keys]
    lengths = np.array([len(a) for a in arrays], dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    committed = np.concatenate(arrays).astype(np.int64) if arrays else empty
    finished = np.array([dora.micros(counted[k][0]) for k in keys], dtype=np.int64)
    deployed = np.repeat(finished, lengths)
    ids = np.repeat(np.array(keys, dtype=np.int64), lengths)
    order = np.argsort(deployed, kind="stable")
    return ids[order], dora.ShippedTimes(deployed=deployed[order], committed=committed[order])


def dora_data(scope: Scope, start: date, end: date) -> DoraData:
    """Fetch the deployments, shipped commits and incidents of `scope` in [start, end)."""
    lo, hi = _start(start), _start(end)
    named = set(
        Incident.objects.exclude(deployment_external_id="").values_list(
            "deployment_external_id", flat=True
        )
    )
    rows = list(
        scope.deployments()
        .filter(finished_at__gte=lo, finished_at__lt=hi)
        .values_list(
            "pk", "external_id", "finished_at", "status", "first_of_repository", "shipped_times",
            "repository_id",
        )
    )  # fmt: skip
    deploys = [
        dora.Deploy(
            key=ext,
            finished_at=at,
            success=status == DeploymentStatus.SUCCESS,
            caused_incident=ext in named,
        )
        for _, ext, at, status, _first, _times, _repo in rows
    ]
    # Without a repository (never linked, or its repository deleted with its commits) a
    # deployment ships no stored commit.
    finished = {
        pk: (at, times if repo is not None else b"")
        for pk, _, at, status, first, times, repo in rows
        if status == "success" and not first
    }
    _ids, shipped = _shipped(finished)
    outages = [
        dora.Outage(created_at=c, resolved_at=r)
        for c, r in scope.incidents()
        .filter(resolved_at__gte=lo, resolved_at__lt=hi)
        .values_list("created_at", "resolved_at")
    ]
    return DoraData(deploys=deploys, shipped=shipped, outages=outages)


def dora_metrics(
    *, actor: Actor, team: str | None = None, repo: str | None = None, start: date, end: date
) -> dict[str, Any]:
    """The four keys for a team, a repository or the org over [start, end) (METRICS.md shape)."""
    policy.require(actor, "view", "engineering.deployment")
    data = dora_data(Scope(team=team, repo=repo), start, end)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "team": team,
        "repo": repo,
        **dora.four_keys(data.deploys, data.shipped, data.outages, start, end),
    }


def dora_metrics_by_team(
    *, actor: Actor, teams: Iterable[str], start: date, end: date
) -> dict[str, dict[str, Any]]:
    """The four keys of each team slug in `teams` over [start, end), from one fetch.

    Same scoping as `dora_metrics(team=...)` (a team's deployments are those of its
    repositories; its incidents those of its repositories or of services they deploy), without
    querying once per team.
    """
    policy.require(actor, "view", "engineering.deployment")
    teams = list(teams)
    lo, hi = _start(start), _start(end)
    named = set(
        Incident.objects.exclude(deployment_external_id="").values_list(
            "deployment_external_id", flat=True
        )
    )
    production = Scope().deployments().filter(repository__team__slug__in=teams)
    team_repos: dict[str, set[str]] = defaultdict(set)
    for name, slug in Repository.objects.filter(team__isnull=False).values_list(
        "name", "team__slug"
    ):
        team_repos[slug].add(name)
    team_services: dict[str, set[str]] = defaultdict(set)
    for slug, service in (
        production.filter(repository__team__isnull=False)
        .exclude(service="")
        .order_by()  # without it DISTINCT would also cover the default ordering's columns
        .values_list("repository__team__slug", "service")
        .distinct()
    ):
        team_services[slug].add(service)
    deploys: dict[str, list[dora.Deploy]] = defaultdict(list)
    team_of_deploy: dict[int, str] = {}
    counted: dict[int, tuple[datetime, Any]] = {}
    for pk, ext, at, status, first, slug, times in production.filter(
        finished_at__gte=lo, finished_at__lt=hi, repository__team__isnull=False
    ).values_list(
        "pk", "external_id", "finished_at", "status", "first_of_repository",
        "repository__team__slug", "shipped_times",
    ):  # fmt: skip
        deploys[slug].append(
            dora.Deploy(
                key=ext,
                finished_at=at,
                success=status == DeploymentStatus.SUCCESS,
                caused_incident=ext in named,
            )
        )
        team_of_deploy[pk] = slug
        if status == "success" and not first:
            counted[pk] = (at, times)
    # Each shipped commit's team, by its deployment: the rows of one team are a sub-array.
    ids, all_shipped = _shipped(counted)
    slugs = sorted(set(team_of_deploy.values()))
    number = {slug: i for i, slug in enumerate(slugs)}
    keys = np.array(sorted(team_of_deploy), dtype=np.int64)
    team_index = np.array([number[team_of_deploy[k]] for k in keys.tolist()], dtype=np.int64)
    row_team = team_index[np.searchsorted(keys, ids)] if len(ids) else ids.copy()
    # A stable sort by team keeps each team's rows in deployment order.
    order = np.argsort(row_team, kind="stable")
    bounds = np.searchsorted(row_team[order], np.arange(len(slugs) + 1))
    shipped: dict[str, dora.ShippedTimes] = {}
    for i, slug in enumerate(slugs):
        mine = order[bounds[i] : bounds[i + 1]]
        shipped[slug] = dora.ShippedTimes(all_shipped.deployed[mine], all_shipped.committed[mine])
    none = dora.ShippedTimes(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    incidents = list(
        Incident.objects.filter(resolved_at__gte=lo, resolved_at__lt=hi).values_list(
            "created_at", "resolved_at", "repository__name", "repo_name", "service"
        )
    )
    result = {}
    for slug in teams:
        names = team_repos.get(slug, set())
        services = team_services.get(slug, set()) | names
        outages = [
            dora.Outage(created_at=c, resolved_at=r)
            for c, r, repo_fk, repo_name, service in incidents
            if repo_fk in names or repo_name in names or service in services
        ]
        result[slug] = {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "team": slug,
            "repo": None,
            **dora.four_keys(deploys.get(slug, []), shipped.get(slug, none), outages, start, end),
        }
    return result


def dora_trend(
    *, actor: Actor, team: str | None = None, repo: str | None = None, start: date, end: date
) -> list[dict[str, Any]]:
    """The four keys per ISO week (weeks starting on Monday, overlapping [start, end))."""
    policy.require(actor, "view", "engineering.deployment")
    monday = start - timedelta(days=start.weekday())
    data = dora_data(Scope(team=team, repo=repo), monday, end + timedelta(days=7))
    return _weekly(data, monday, end)


def _by_week(items: Iterable[Any], moment: Any) -> dict[date, list[Any]]:
    """Items by the Monday of the (UTC) day `moment(item)` falls on; None moments dropped."""
    out: dict[date, list[Any]] = defaultdict(list)
    for item in items:
        at = moment(item)
        if at is not None:
            day = at.date()
            out[day - timedelta(days=day.weekday())].append(item)
    return out


def _weekly(data: DoraData, monday: date, end: date) -> list[dict[str, Any]]:
    # Each week gets only its own items (four_keys counts what falls in its period anyway):
    # one pass over the data instead of one per week.
    deploys = _by_week(data.deploys, lambda d: d.finished_at)
    outages = _by_week(data.outages, lambda o: o.resolved_at)
    weeks = []
    while monday < end:
        following = monday + timedelta(days=7)
        weeks.append(
            {
                "week": monday.isoformat(),
                **dora.four_keys(
                    deploys.get(monday, []),
                    data.shipped.between(monday, following),
                    outages.get(monday, []),
                    monday,
                    following,
                ),
            }
        )
        monday = following
    return weeks


def dora_overview(
    *, actor: Actor, team: str | None = None, repo: str | None = None, start: date, end: date
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """`dora_metrics` and `dora_trend` of one scope from a single fetch (the Delivery page)."""
    policy.require(actor, "view", "engineering.deployment")
    monday = start - timedelta(days=start.weekday())
    # The weeks' window covers [start, end); four_keys counts only what falls in its period.
    data = dora_data(Scope(team=team, repo=repo), monday, end + timedelta(days=7))
    metrics = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "team": team,
        "repo": repo,
        **dora.four_keys(data.deploys, data.shipped, data.outages, start, end),
    }
    return metrics, _weekly(data, monday, end)


def deployment_list(
    *,
    actor: Actor,
    team: str | None = None,
    repo: str | None = None,
    start: date | None = None,
    end: date | None = None,
    failed_only: bool = False,
    production_only: bool = True,
) -> QuerySet[Deployment]:
    """Deployments of a scope in [start, end); `failed_only`: those counted as change failures."""
    scope = Scope(team=team, repo=repo)
    qs = scope.deployments() if production_only else Deployment.objects.all()
    qs = qs & policy.visible(actor, "engineering.Deployment")
    if start:
        qs = qs.filter(finished_at__gte=_start(start))
    if end:
        qs = qs.filter(finished_at__lt=_start(end))
    if failed_only:
        named = Incident.objects.exclude(deployment_external_id="").values("deployment_external_id")
        qs = qs.filter(Q(status=DeploymentStatus.FAILURE) | Q(external_id__in=named))
    # No count of shipped commits here: counted for one page by `with_shipped_counts`, after
    # paging, not for every deployment of the scope.
    return qs.select_related("repository").order_by("-finished_at", "external_id")


def with_shipped_counts(
    deployments: Iterable[Deployment], *, every: bool = False
) -> list[Deployment]:
    """The deployments, each with `shipped`: the commits it shipped first (one query). With
    `every`, `deployments` is a queryset all of whose rows are counted (a CSV download): the
    count selects them by a subquery rather than a list of ids."""
    rows = list(deployments)
    among: Any = (
        deployments.values("pk")  # type: ignore[attr-defined]
        if every and isinstance(deployments, QuerySet)
        else [d.pk for d in rows]
    )
    counts = dict(
        Commit.objects.filter(deployment_id__in=among)
        .order_by()
        .values("deployment_id")
        .annotate(n=Count("id"))
        .values_list("deployment_id", "n")
    )
    for d in rows:
        d.shipped = counts.get(d.pk, 0)  # type: ignore[attr-defined]
    return rows


def shipped_commits(
    *, actor: Actor, team: str | None = None, repo: str | None = None, start: date, end: date
) -> ShippedCommitRows:
    """Commits counted in lead time: shipped by a deployment in [start, end) with a baseline,
    committed no later than the deployment finished; newest deployment first, then newest
    commit (sha and id break ties). Counted and paged from the deployments' shipped times
    (`shipped_rows`); another order or a CSV reads the queryset."""
    deployments = deployment_list(actor=actor, team=team, repo=repo, start=start, end=end).filter(
        status=DeploymentStatus.SUCCESS, first_of_repository=False
    )
    commits = Commit.objects.filter(
        deployment__in=deployments.values("pk"),
        reachable=True,
        # Negative lead times (committed after the deployment finished) are dropped.
        committed_at__lte=F("deployment__finished_at"),
    ).select_related("deployment", "repository")
    return ShippedCommitRows(commits, deployments)


def incident_list(
    *,
    actor: Actor,
    team: str | None = None,
    repo: str | None = None,
    start: date | None = None,
    end: date | None = None,
    resolved_in_period: bool = False,
) -> QuerySet[Incident]:
    """Incidents of a scope; with `resolved_in_period` those counted in recovery time."""
    qs = Scope(team=team, repo=repo).incidents() & policy.visible(actor, "engineering.Incident")
    field = "resolved_at" if resolved_in_period else "created_at"
    if start:
        qs = qs.filter(**{f"{field}__gte": _start(start)})
    if end:
        qs = qs.filter(**{f"{field}__lt": _start(end)})
    return qs.select_related("repository").order_by(f"-{field}", "external_id")


# ---------------------------------------------------------------- activity evidence


@dataclass(frozen=True)
class PersonDay:
    """A person active on a day (their local date): commits that day and in which repositories."""

    person_id: int
    day: date
    commits: int
    repository_ids: frozenset[int]


def _activity_rows(
    start: date, end: date, repository_ids: Iterable[int] | None
) -> QuerySet[Commit]:
    qs = Commit.objects.filter(
        reachable=True, parent_count__lte=1, author_day__gte=start, author_day__lt=end
    )
    if repository_ids is not None:
        qs = qs.filter(repository_id__in=list(repository_ids))
    return qs


def active_person_days(
    *, start: date, end: date, repository_ids: Iterable[int] | None = None
) -> list[PersonDay]:
    """METRICS.md active person-days in [start, end): a person with ≥ 1 non-merge commit that
    local day in any ingested repository (or in `repository_ids`); bots and unmatched excluded."""
    resolver = identity_resolver()
    days: dict[tuple[int, date], list[Any]] = {}
    for email, day, repo_id, n in (
        _activity_rows(start, end, repository_ids)
        .values("email", "author_day", "repository_id")
        .annotate(n=Count("id"))
        .values_list("email", "author_day", "repository_id", "n")
    ):
        person = resolver.person(email)
        if person is None:
            continue
        entry = days.setdefault((person, day), [0, set()])
        entry[0] += n
        entry[1].add(repo_id)
    return [
        PersonDay(person_id=p, day=d, commits=v[0], repository_ids=frozenset(v[1]))
        for (p, d), v in sorted(days.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]


def nth_commit_days(
    starts: dict[int, date], ranks: Collection[int], end: date
) -> dict[int, dict[int, date]]:
    """The day of each person's n-th non-merge commit (n in `ranks`, counted from 1) on or after
    their start day and before `end`, in any ingested repository, per person in `starts`
    (person id -> start day); a rank not reached yet is absent. Bots and unmatched excluded.

    One query: the commits of the people's emails, numbered per person in day order
    (ROW_NUMBER() OVER (PARTITION BY person ORDER BY day, id)), kept where the number is one
    of `ranks`; SQLite and PostgreSQL run it alike."""
    from django.db.models import Case, DateField, IntegerField, Value, When, Window
    from django.db.models.functions import RowNumber

    resolver = identity_resolver()
    emails: dict[int, list[str]] = defaultdict(list)
    for email, person_id in resolver.people.items():
        if person_id in starts and email not in resolver.bots:
            emails[person_id].append(email)
    if not emails or not ranks:
        return {}
    person = Case(
        *(When(email__in=e, then=Value(p)) for p, e in emails.items()),
        output_field=IntegerField(),
    )
    start = Case(
        *(When(email__in=e, then=Value(starts[p])) for p, e in emails.items()),
        output_field=DateField(),
    )
    numbered = (
        Commit.objects.filter(
            reachable=True,
            parent_count__lte=1,
            author_day__lt=end,
            email__in=[e for found in emails.values() for e in found],
        )
        .annotate(person=person, start=start)
        .filter(author_day__gte=F("start"))
        .annotate(
            n=Window(
                RowNumber(),
                partition_by=[F("person")],
                order_by=[F("author_day").asc(), F("id").asc()],
            )
        )
        .filter(n__in=sorted(ranks))
        .values_list("person", "n", "author_day")
    )
    result: dict[int, dict[int, date]] = defaultdict(dict)
    for person_id, n, day in numbered:
        result[person_id][n] = day
    return dict(result)


def team_on(
    person_ids: Iterable[int], start: date, end: date
) -> dict[int, list[tuple[date, date | None, int]]]:
    """Home-team memberships [start, end, team id] per person overlapping [start, end)."""
    from steward.org import selectors as org_selectors

    result: dict[int, list[tuple[date, date | None, int]]] = defaultdict(list)
    for pid, s, e, team in org_selectors.home_team_spells(person_ids, start, end):
        result[pid].append((s, e, team))
    return result


def activity_by_week(
    *, start: date, end: date, by: Literal["person", "team", "repository"]
) -> dict[tuple[int, date], int]:
    """Active person-days per (person, team or repository id, ISO-week Monday) in [start, end).

    A team counts its members' person-days by membership on that date; a repository counts
    the person-days with at least one commit in it.
    """
    result: dict[tuple[int, date], int] = defaultdict(int)
    days = active_person_days(start=start, end=end)
    memberships = team_on({d.person_id for d in days}, start, end) if by == "team" else {}
    for d in days:
        monday = d.day - timedelta(days=d.day.weekday())
        if by == "person":
            result[(d.person_id, monday)] += 1
        elif by == "repository":
            for repo_id in d.repository_ids:
                result[(repo_id, monday)] += 1
        else:
            for s, e, team in memberships.get(d.person_id, []):
                if s <= d.day and (e is None or d.day < e):
                    result[(team, monday)] += 1
                    break
    return dict(result)


@dataclass(frozen=True)
class CommitEvidence:
    """A non-merge commit as evidence of work: who, which local day, which link keys."""

    commit_id: int
    repository_id: int
    person_id: int
    day: date
    keys: tuple[str, ...]


def commit_evidence(
    *, start: date, end: date, repository_ids: Iterable[int] | None = None
) -> Iterator[CommitEvidence]:
    """Non-merge, reachable commits by people (not bots) authored on local days in [start, end),
    each with the link keys found in its message or merged branch, ordered by day."""
    resolver = identity_resolver()
    qs = _activity_rows(start, end, repository_ids)
    keys: dict[int, list[str]] = defaultdict(list)
    for commit_id, key in LinkKey.objects.filter(commit__in=qs.values("pk")).values_list(
        "commit_id", "key"
    ):
        keys[commit_id].append(key)
    # A plain cursor: ~10^5 rows at scale, and a date converter per value would dominate.
    sql, params = (
        qs.order_by("author_day", "pk")
        .values_list("pk", "repository_id", "email", "author_day")
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    days: dict[Any, date] = {}
    for pk, repo_id, email, raw_day in rows:
        person = resolver.person(email)
        if person is None:
            continue
        day = days.get(raw_day)
        if day is None:
            day = days[raw_day] = (
                date.fromisoformat(raw_day) if isinstance(raw_day, str) else raw_day
            )
        found = keys.get(pk)
        yield CommitEvidence(
            commit_id=pk,
            repository_id=repo_id,
            person_id=person,
            day=day,
            keys=tuple(sorted(set(found))) if found else (),
        )


class CommitGroup(NamedTuple):
    """Non-merge commits of a person on one local day that reference the same link keys."""

    person_id: int
    day: date
    keys: tuple[str, ...]
    commits: int


_KEY_SEPARATOR = "\x1f"  # ASCII unit separator: never part of a key found in commit text


def _keys_sql(keys: Collection[str] | None) -> tuple[str, list[str]]:
    """A correlated subquery: the link keys of commit `c` (only those in `keys`, if given),
    joined by the separator; and its parameters."""
    lk = connection.ops.quote_name(LinkKey._meta.db_table)
    if keys is not None and not keys:
        return "NULL", []
    only, params = "", []
    if keys is not None:
        params = sorted(keys)
        # `k.key || ''`: an expression, so the planner finds a commit's few keys through the
        # commit_id index and never intersects it with the key index (PostgreSQL did, once per
        # commit: 12 s instead of 0.4 s for a quarter at 200,000 commits without statistics).
        only = f" AND (k.key || '') IN ({', '.join(['%s'] * len(params))})"
    if connection.vendor == "postgresql":
        agg = "string_agg(k.key, chr(31))"
    else:
        agg = "group_concat(k.key, char(31))"
    return f"(SELECT {agg} FROM {lk} k WHERE k.commit_id = c.id{only})", params


def _day_sql() -> str:
    # SQLite: the text itself (an expression has no declared type, so no per-row converter).
    return "c.author_day" if connection.vendor == "postgresql" else "CAST(c.author_day AS TEXT)"


def _activity_sql(select: str, where: str = "", group: str = "", order: str = "") -> str:
    """SQL over the commits of `_activity_rows` (no repository filter), aliased `c`."""
    table = connection.ops.quote_name(Commit._meta.db_table)
    true = "true" if connection.vendor == "postgresql" else "1"
    sql = (
        f"SELECT {select} FROM {table} c WHERE c.reachable = {true} AND c.parent_count <= 1 "
        f"AND c.author_day >= %s AND c.author_day < %s {where}"
    )
    if group:
        sql += f" GROUP BY {group}"
    if order:
        sql += f" ORDER BY {order}"
    return sql


def _split_keys(raw: str | None) -> tuple[str, ...]:
    return tuple(sorted(set(raw.split(_KEY_SEPARATOR)))) if raw else ()


def commit_groups(
    *, start: date, end: date, keys: Collection[str] | None = None
) -> list[CommitGroup]:
    """The commits of `commit_evidence(start, end)` counted per (person, local day, link keys).

    Read from the counts kept at ingest, no commit row (attribution needs no more: a commit's
    share depends only on its person, day and keys): `AuthorDay` gives each author's commits
    per repository and day, `AuthorDayKey` those that reference link keys with their sets of
    keys; the rest of a day's commits reference none. `keys`: only these link keys are kept
    (attribution passes the keys initiatives use; the others change nothing), so only their
    `AuthorDayKey` rows are read, and most of a day's commits fall into one group."""
    resolver = identity_resolver()
    wanted = None if keys is None else frozenset(keys)
    keyed = _keyed_day_counts(start, end, wanted)
    day_sql = "day" if connection.vendor == "postgresql" else "CAST(day AS TEXT)"
    with connection.cursor() as cursor:
        # (day, email): the order of the covering index `author_day_day_email`, so the totals
        # are read from the index alone, already grouped.
        cursor.execute(
            f"SELECT email, {day_sql}, SUM(commits) FROM "
            f"{connection.ops.quote_name(AuthorDay._meta.db_table)} "
            "WHERE day >= %s AND day < %s GROUP BY day, email",
            [start, end],
        )
        rows = cursor.fetchall()
    # Each group as one integer that sorts as (person, day, keys) does: sorting ~10^4 ints
    # instead of tuples holding dates and tuples (20 ms at 10^6 commits). `rank`: the place of
    # a set of keys among all the sets met (the empty set first).
    kept_sets = sorted({kept for found in keyed.values() for kept in found} | {()})
    rank = {kept: i for i, kept in enumerate(kept_sets)}
    width = len(kept_sets)
    counts: dict[int, int] = defaultdict(int)
    ordinals: dict[Any, int] = {}
    person_of: dict[str, int | None] = {}
    for email, raw_day, total in rows:
        person = person_of.get(email, -1)
        if person == -1:
            person = person_of[email] = resolver.person(email)
        if person is None:
            continue
        ordinal = ordinals.get(raw_day)
        if ordinal is None:
            ordinal = ordinals[raw_day] = (
                date.fromisoformat(raw_day) if isinstance(raw_day, str) else raw_day
            ).toordinal()
        base = (person * _DAYS + ordinal) * width
        found = keyed.get((email, raw_day))
        if found:
            for kept, n in found.items():
                counts[base + rank[kept]] += n
                total -= n
        if total:
            counts[base] += total
    # tuple.__new__ builds the named tuples in C (CommitGroup(...) is a Python call each:
    # ~10^4 groups at scale).
    make = tuple.__new__
    day_of: dict[int, date] = {}
    out = []
    for code in sorted(counts):
        rest, kept_rank = divmod(code, width)
        person, ordinal = divmod(rest, _DAYS)
        day = day_of.get(ordinal)
        if day is None:
            day = day_of[ordinal] = date.fromordinal(ordinal)
        out.append(make(CommitGroup, (person, day, kept_sets[kept_rank], counts[code])))
    return out


_DAYS = date.max.toordinal() + 1  # a day's ordinal is below it


def _keyed_day_counts(
    start: date, end: date, wanted: frozenset[str] | None
) -> dict[tuple[str, Any], dict[tuple[str, ...], int]]:
    """(email, day as read) -> the keys kept (`wanted` only, if given) -> commits, from the
    `AuthorDayKey` rows of the wanted keys (a commit with several counts once).

    Summed in the database per (email, day, set of keys), over repositories and over the rows
    of each wanted key of a set: a set with m wanted keys has m rows per repository, each with
    its commits, so the sum is m times the commits (divided here, exactly). ~2x fewer rows
    reach Python than one per row read (at 10^6 commits, 8,742 instead of 18,805 for 90 days),
    and no de-duplication in Python."""
    if wanted is not None and not wanted:
        return {}
    day_sql = "day" if connection.vendor == "postgresql" else "CAST(day AS TEXT)"
    sql = (
        f"SELECT email, {day_sql}, keys, SUM(commits) FROM "
        f"{connection.ops.quote_name(AuthorDayKey._meta.db_table)} WHERE day >= %s AND day < %s"
    )
    params: list[Any] = [start, end]
    if wanted is not None:
        sql += f" AND key IN ({', '.join(['%s'] * len(wanted))})"
        params += sorted(wanted)
    sql += " GROUP BY email, day, keys"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out: dict[tuple[str, Any], dict[tuple[str, ...], int]] = defaultdict(dict)
    kept_of: dict[str, tuple[str, ...]] = {}
    for email, raw_day, raw_keys, total in rows:
        kept = kept_of.get(raw_keys)
        if kept is None:
            split = raw_keys.split(KEY_SEPARATOR)
            kept = kept_of[raw_keys] = tuple(
                sorted(k for k in set(split) if wanted is None or k in wanted)
            )
        n, rest = divmod(total, len(kept))
        assert not rest, (email, raw_day, raw_keys, total)  # one row per wanted key of the set
        cell = out[(email, raw_day)]
        cell[kept] = cell.get(kept, 0) + n
    return out


def commit_keys_on_days(
    *, first: date, last: date, keys: Collection[str] | None = None
) -> Iterator[tuple[int, str, date, int | None, tuple[str, ...]]]:
    """(id, sha, author day, person id, link keys (only those in `keys`, if given)) of the
    `commit_evidence` commits authored on local days [first, last], by day then sha (no
    message, names or repository), yielded as read, so a drill-down's page stops reading once
    it has its rows and then reads the rest of only those (`commit_rows_by_id`)."""
    resolver = identity_resolver()
    keys_sql, key_params = _keys_sql(keys)
    sql = _activity_sql(
        f"c.id, c.sha, {_day_sql()}, c.email, {keys_sql}", order="c.author_day, c.sha, c.id"
    )
    days: dict[Any, date] = {}
    person_of: dict[str, int | None] = {}
    split: dict[str | None, tuple[str, ...]] = {None: ()}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*key_params, first, last + timedelta(days=1)])
        while rows := cursor.fetchmany(500):
            for pk, sha, raw_day, email, raw_keys in rows:
                day = days.get(raw_day)
                if day is None:
                    day = days[raw_day] = (
                        date.fromisoformat(raw_day) if isinstance(raw_day, str) else raw_day
                    )
                person = person_of.get(email, -1)
                if person == -1:
                    person = person_of[email] = resolver.person(email)
                found = split.get(raw_keys)
                if found is None:
                    found = split[raw_keys] = _split_keys(raw_keys)
                yield pk, sha, day, person, found


def commit_rows_by_id(ids: Iterable[int]) -> list[tuple[int, str, str, date, str, str, str]]:
    """(id, sha, repository name, author day, mailmapped name, author name, message) of these
    commits, read in chunks with a plain cursor (drill-downs list up to ~10^5 of them)."""
    ids = list(ids)
    out = []
    days: dict[Any, date] = {}
    for start_i in range(0, len(ids), 900):
        qs = (
            Commit.objects.filter(pk__in=ids[start_i : start_i + 900])
            .order_by()
            .values_list(
                "pk", "sha", "repository__name", "author_day", "mailmap_name", "author_name",
                "message",
            )
        )  # fmt: skip
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for pk, sha, repo, raw_day, name, author, message in cursor.fetchall():
                day = days.get(raw_day)
                if day is None:
                    day = days[raw_day] = (
                        date.fromisoformat(raw_day) if isinstance(raw_day, str) else raw_day
                    )
                out.append((pk, sha, repo, day, name, author, message))
    return out


def commits_with_key(*, key: str) -> QuerySet[Commit]:
    """Reachable commits that reference `key` (message or merged branch)."""
    return Commit.objects.filter(reachable=True, link_keys__key=key).distinct()


# ---------------------------------------------------------------- code knowledge inputs
# Plain rows for steward.knowledge (truck factor, knowledge map, hotspots, coupling): one query
# each, no ORM objects, so an ingested git/git reads in about a second.


def repository_by_name(name: str) -> Repository | None:
    """The repository called `name` (with its team), or None."""
    return Repository.objects.select_related("team").filter(name=name).first()


def repositories_of_team(team_id: int) -> list[Repository]:
    """The ingested repositories a team owns, by name."""
    return list(Repository.objects.filter(team_id=team_id).exclude(head_sha="").order_by("name"))


def owned_repositories() -> list[Repository]:
    """Every repository with an owning team, by name."""
    return list(Repository.objects.exclude(team=None).select_related("team").order_by("name"))


def repository_ids_with_authors(emails: Collection[str]) -> set[int]:
    """Ids of the repositories where one of `emails` (after .mailmap, lowercased) authored a
    non-merge commit (from the per-author summaries, not the commits)."""
    if not emails:
        return set()
    return set(
        AuthorSummary.objects.filter(email__in=list(emails), commits__gt=0).values_list(
            "repository_id", flat=True
        )
    )


@once_per_request
def identity_count() -> int:
    """How many identities exist (a change invalidates cached person links)."""
    return Identity.objects.count()


def nonmerge_commit_identities(
    repository: Repository, *, reachable_only: bool
) -> list[tuple[int, str, str, str, str, str]]:
    """(id, sha, author name, author e-mail, committer name, committer e-mail) of the
    repository's non-merge commits (reachable from the ingested head when `reachable_only`),
    identities as git stored them (before .mailmap), in id order."""
    qs = Commit.objects.filter(repository=repository, parent_count__lte=1)
    if reachable_only:
        qs = qs.filter(reachable=True)
    return list(
        qs.order_by("id").values_list(
            "id", "sha", "author_name", "author_email", "committer_name", "committer_email"
        )
    )


def merge_commit_shas(repository: Repository) -> set[str]:
    """Shas of the repository's stored merge commits."""
    return set(
        Commit.objects.filter(repository=repository, parent_count__gt=1).values_list(
            "sha", flat=True
        )
    )


def nonmerge_name_status(repository: Repository) -> Iterator[tuple[int, str, str, str]]:
    """(commit id, status letter, path, old path) of every file change of a non-merge commit."""
    # No ORDER BY: the truck factor treats a file's history as a set (no sort of every row).
    return iter(
        FileChange.objects.filter(commit__repository=repository, commit__parent_count__lte=1)
        .order_by()
        .values_list("commit_id", "status", "path", "old_path")
        .iterator(chunk_size=20000)
    )


def file_activity(
    repository: Repository, since: date | None = None
) -> Iterator[tuple[int, str, str, int, str, date]]:
    """(commit id, path, mailmapped author e-mail, added lines, status, author day) of file
    changes of reachable non-merge commits (authored on or after `since`).

    A plain cursor (no per-row converters: an ingested history has millions of rows, and the
    day of each is read once per distinct day)."""
    fc = connection.ops.quote_name(FileChange._meta.db_table)
    cm = connection.ops.quote_name(Commit._meta.db_table)
    true = "true" if connection.vendor == "postgresql" else "1"
    sql = (
        f"SELECT fc.commit_id, fc.path, c.email, fc.added, fc.status, {_day_sql()} "
        f"FROM {fc} fc JOIN {cm} c ON c.id = fc.commit_id "
        f"WHERE c.repository_id = %s AND c.reachable = {true} AND c.parent_count <= 1"
    )
    params: list[Any] = [repository.pk]
    if since is not None:
        sql += " AND c.author_day >= %s"
        params.append(since)
    days: dict[Any, date] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20000):
            for commit_id, path, email, added, status, raw_day in rows:
                day = days.get(raw_day)
                if day is None:
                    day = days[raw_day] = (
                        date.fromisoformat(raw_day) if isinstance(raw_day, str) else raw_day
                    )
                yield commit_id, path, email, added, status, day


def _nonmerge_window(
    model: type[Commit] | type[LinkKey] | type[FileChange],
    repository_ids: Iterable[int],
    since: date,
    until: date | None,
) -> QuerySet[Any]:
    """Rows of `model` (the commits themselves, or rows of one commit each) of reachable
    non-merge commits of `repository_ids` authored in [since, until], unordered."""
    prefix = "" if model is Commit else "commit__"
    conditions: dict[str, Any] = {
        f"{prefix}repository_id__in": list(repository_ids),
        f"{prefix}reachable": True,
        f"{prefix}parent_count__lte": 1,
        f"{prefix}author_day__gte": since,
    }
    if until is not None:
        conditions[f"{prefix}author_day__lte"] = until
    return model.objects.filter(**conditions).order_by()


def nonmerge_commit_sets_since(
    repository_ids: Iterable[int], since: date, until: date | None = None
) -> list[tuple[int, int, str, date, int]]:
    """(commit id, repository id, mailmapped e-mail, author day, files changed) of reachable
    non-merge commits authored in [since, until] (cross-repository change coupling)."""
    qs = _nonmerge_window(Commit, repository_ids, since, until)
    return list(qs.values_list("id", "repository_id", "email", "author_day", "files"))


def link_keys_since(
    repository_ids: Iterable[int], since: date, until: date | None = None
) -> list[tuple[int, str]]:
    """(commit id, link key) of the commits of `nonmerge_commit_sets_since`."""
    qs = _nonmerge_window(LinkKey, repository_ids, since, until)
    return list(qs.values_list("commit_id", "key"))


def file_paths_since(
    repository_ids: Iterable[int], since: date, until: date | None = None
) -> Iterator[tuple[int, str]]:
    """(commit id, path) of the file changes of the commits of `nonmerge_commit_sets_since`."""
    qs = _nonmerge_window(FileChange, repository_ids, since, until)
    return iter(qs.values_list("commit_id", "path").iterator(chunk_size=20000))


def nonmerge_commits_since(
    repository_ids: Iterable[int], since: date
) -> list[tuple[int, str, date, int]]:
    """(repository id, mailmapped e-mail, author day, commit id) of reachable non-merge commits."""
    return list(
        Commit.objects.filter(
            repository_id__in=list(repository_ids),
            reachable=True,
            parent_count__lte=1,
            author_day__gte=since,
        ).values_list("repository_id", "email", "author_day", "id")
    )


def nonmerge_commit_counts_since(
    repository_ids: Iterable[int], since: date, emails: Collection[str] | None = None
) -> list[tuple[int, str, date, int]]:
    """(repository id, mailmapped e-mail, author day, commits) of reachable non-merge commits
    since `since` (of `emails` only, if given), counted per repository, e-mail and day: the
    `AuthorDay` rows kept at ingest (one row per person-day and repository, no commit row)."""
    qs = AuthorDay.objects.filter(repository_id__in=list(repository_ids), day__gte=since)
    if emails is not None:
        qs = qs.filter(email__in=sorted(emails))
    columns = qs.order_by().values_list("repository_id", "email", "day", "commits")
    sql, params = columns.query.sql_with_params()
    with connection.cursor() as cursor:  # a plain cursor: no converter per value
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    days: dict[Any, date] = {}
    out = []
    for repo_id, email, raw_day, n in rows:
        day = days.get(raw_day)
        if day is None:
            day = days[raw_day] = (
                date.fromisoformat(raw_day) if isinstance(raw_day, str) else raw_day
            )
        out.append((repo_id, email, day, n))
    return out


def nonmerge_commit_totals_since(
    repository_ids: Iterable[int], since: date
) -> list[tuple[int, str, int]]:
    """(repository id, mailmapped e-mail, commits) of reachable non-merge commits authored on
    local days since `since`, summed by the database over the `AuthorDay` rows."""
    return list(
        AuthorDay.objects.filter(repository_id__in=list(repository_ids), day__gte=since)
        .order_by()
        .values_list("repository_id", "email")
        .annotate(n=Sum("commits"))
        .values_list("repository_id", "email", "n")
    )


def commits_touching(repository: Repository, path: str, limit: int = 500) -> list[dict[str, Any]]:
    """The newest reachable commits that changed `path` (also as a rename's old or new name)."""
    rows = (
        FileChange.objects.filter(commit__repository=repository, commit__reachable=True)
        .filter(Q(path=path) | Q(old_path=path))
        .order_by("-commit__committed_at", "-commit_id")
        .values_list(
            "commit__sha",
            "commit__committed_at",
            "commit__message",
            "commit__email",
            "commit__mailmap_name",
            "status",
            "old_path",
            "path",
            "added",
            "deleted",
        )[:limit]
    )
    return [
        {
            "sha": sha,
            "committed_at": when,
            "subject": message.split("\n", 1)[0],
            "email": email,
            "name": name,
            "status": status,
            "old_path": old_path,
            "path": new_path,
            "added": added,
            "deleted": deleted,
        }
        for sha, when, message, email, name, status, old_path, new_path, added, deleted in rows
    ]


@dataclass(frozen=True)
class CommitFacts:
    """What other apps need to know of one commit, found by its sha (pull requests)."""

    commit_id: int
    sha: str
    repository_id: int
    authored_at: datetime
    email: str
    added: int
    deleted: int
    parent_count: int
    # finished_at of the first successful production deployment that shipped it (None: not yet).
    deployed_at: datetime | None


def commit_facts(
    *, repository_ids: Iterable[int], shas: Iterable[str]
) -> dict[tuple[int, str], CommitFacts]:
    """The commits of these repositories with these (full) shas, by (repository id, sha)."""
    wanted = sorted(set(shas))
    repos = list(set(repository_ids))
    out: dict[tuple[int, str], CommitFacts] = {}
    if not wanted or not repos:
        return out
    for start_i in range(0, len(wanted), 900):
        rows = (
            Commit.objects.filter(repository_id__in=repos, sha__in=wanted[start_i : start_i + 900])
            .order_by()
            .values_list(
                "pk", "sha", "repository_id", "authored_at", "email", "added", "deleted",
                "parent_count", "deployment__finished_at",
            )
        )  # fmt: skip
        for pk, sha, repo_id, authored, email, added, deleted, parents, deployed in rows:
            out[(repo_id, sha)] = CommitFacts(
                pk, sha, repo_id, authored, email, added, deleted, parents, deployed
            )
    return out


def repository_ids_by_name() -> dict[str, int]:
    """Every ingested repository's id by its name."""
    return dict(Repository.objects.order_by().values_list("name", "pk"))
