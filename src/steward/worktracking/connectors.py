"""Live connectors: pull requests from the GitHub REST API and merge requests from the GitLab
REST API, with a token, incremental by `updated_at`.

A sync asks for the repository's pull requests newest-updated first and stops at the first one
not updated since the newest `updated_at` already stored for that repository (so the first sync
reads everything and later ones read only what changed). For each pull request it reads its
reviews, conversation comments and commits (GitHub) or approvals, notes and commits (GitLab),
then hands the objects to the same reader and services as `steward import pulls`: validated
first, written in one transaction, idempotent.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote

import requests
from django.db import transaction

from steward.core.errors import InvalidInput, Problem
from steward.worktracking import formats, services
from steward.worktracking.models import PullRequest

TIMEOUT = 30


class ConnectorError(services.WorkTrackingError):
    """The code host refused or failed a request."""


class _Client:
    def __init__(self, session: requests.Session, headers: dict[str, str]) -> None:
        self.session = session
        self.headers = headers
        self.requests = 0

    def get(self, url: str, params: dict[str, Any] | None = None) -> requests.Response:
        self.requests += 1
        try:
            response = self.session.get(url, params=params, headers=self.headers, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise ConnectorError(f"{url}: {exc}") from exc
        if response.status_code in (401, 403):
            remaining = response.headers.get("X-RateLimit-Remaining")
            if remaining == "0":
                raise ConnectorError(f"{url}: the API rate limit is used up; try again later")
            raise ConnectorError(
                f"{url}: the token was refused ({response.status_code}); check that it may read "
                "the repository's pull requests"
            )
        if response.status_code == 404:
            raise ConnectorError(f"{url}: not found (check the repository name and the token)")
        if not response.ok:
            raise ConnectorError(f"{url}: the server answered {response.status_code}")
        return response

    def pages(self, url: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        """The items of every page, following `Link: <...>; rel="next"` (both hosts send it)."""
        next_url: str | None = url
        first = True
        while next_url:
            response = self.get(next_url, params if first else None)
            first = False
            try:
                payload = response.json()
            except ValueError as exc:
                raise ConnectorError(f"{next_url}: the answer is not JSON") from exc
            if not isinstance(payload, list):
                raise ConnectorError(f"{next_url}: expected a list")
            yield from payload
            next_url = response.links.get("next", {}).get("url")


def _since(source: str, repo: str) -> datetime | None:
    return (
        PullRequest.objects.filter(source=source, repo_name=repo)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )


def github_fetch(
    *,
    repo: str,
    token: str,
    since: datetime | None,
    api: str = "https://api.github.com",
    session: requests.Session | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Pull requests of `repo` (owner/name) updated at or after `since`, each with `reviews`,
    `comments` and `commits` lists as the importer reads them; and the number of requests."""
    client = _Client(
        session or requests.Session(),
        {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        },
    )
    base = f"{api.rstrip('/')}/repos/{repo}"
    out = []
    params = {"state": "all", "sort": "updated", "direction": "desc", "per_page": 100}
    for pull in client.pages(f"{base}/pulls", params):
        updated = formats.parse_time(pull.get("updated_at"))
        if since is not None and updated is not None and updated < since:
            break
        number = pull.get("number")
        pull["reviews"] = list(client.pages(f"{base}/pulls/{number}/reviews", {"per_page": 100}))
        pull["comments"] = list(client.pages(f"{base}/issues/{number}/comments", {"per_page": 100}))
        pull["commits"] = list(client.pages(f"{base}/pulls/{number}/commits", {"per_page": 100}))
        out.append(pull)
    return out, client.requests


def gitlab_fetch(
    *,
    project: str,
    token: str,
    since: datetime | None,
    api: str = "https://gitlab.com/api/v4",
    session: requests.Session | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Merge requests of `project` (group/name) updated at or after `since`, each with
    `approvals`, `notes` and `commits`; and the number of requests made."""
    client = _Client(session or requests.Session(), {"PRIVATE-TOKEN": token})
    base = f"{api.rstrip('/')}/projects/{quote(project, safe='')}"
    params: dict[str, Any] = {
        "state": "all",
        "order_by": "updated_at",
        "sort": "desc",
        "per_page": 100,
    }
    if since is not None:
        params["updated_after"] = since.isoformat()
    out = []
    for mr in client.pages(f"{base}/merge_requests", params):
        updated = formats.parse_time(mr.get("updated_at"))
        if since is not None and updated is not None and updated < since:
            break
        iid = mr.get("iid")
        mr["approvals"] = client.get(f"{base}/merge_requests/{iid}/approvals").json()
        mr["notes"] = list(
            client.pages(f"{base}/merge_requests/{iid}/notes", {"per_page": 100, "sort": "asc"})
        )
        mr["commits"] = list(
            client.pages(f"{base}/merge_requests/{iid}/commits", {"per_page": 100})
        )
        out.append(mr)
    return out, client.requests


def pulls_sync(
    *,
    actor: Any,
    source: str,
    repo: str,
    token: str,
    api: str | None = None,
    session: requests.Session | None = None,
) -> dict[str, Any]:
    """Fetch what changed since the last sync and import it (validated, one transaction)."""
    since = _since(source, repo)
    if source == formats.GITHUB:
        objects, calls = github_fetch(
            repo=repo, token=token, since=since, api=api or "https://api.github.com",
            session=session,
        )  # fmt: skip
    elif source == formats.GITLAB:
        objects, calls = gitlab_fetch(
            project=repo, token=token, since=since, api=api or "https://gitlab.com/api/v4",
            session=session,
        )  # fmt: skip
    else:
        raise ConnectorError(f"source {source!r}: use github or gitlab")
    pulls, problems = formats.read_pull_objects(objects)
    where = f"{source}:{repo} (object number)"
    if problems:
        raise InvalidInput([Problem(where, p.line, p.column, p.message, p.hint) for p in problems])
    plan = services.pulls_plan(pulls)
    with transaction.atomic():
        services.pulls_apply(plan, actor=actor)
    counts = {
        kind: sum(1 for c in plan.changes if c.kind == kind)
        for kind in ("added", "changed", "unchanged")
    }
    return {
        "source": source,
        "repo": repo,
        "since": since,
        "requests": calls,
        "fetched": len(pulls),
        "counts": counts,
        "warnings": plan.warnings,
    }
