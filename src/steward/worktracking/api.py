"""The work-tracking API under /api/v1/worktracking: pull requests, flow, review load, items."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from steward.core.pagination import paginate
from steward.core.periods import parse_period
from steward.worktracking import investment, selectors
from steward.worktracking.schemas import CycleTimeOut, InvestmentOut, ReviewLoadOut

router = Router(tags=["worktracking"])


class PullOut(Schema):
    """One pull (merge) request."""

    id: int
    source: str
    repository: str
    repository_ingested: bool
    number: int
    title: str
    url: str
    state: str
    draft: bool
    author: str | None
    created_at: datetime
    ready_at: datetime | None
    merged_at: datetime | None
    closed_at: datetime | None
    head_ref: str
    base_ref: str
    merge_commit_sha: str | None
    link_keys: list[str]


class PullPage(Schema):
    """One page of pull requests and the total count."""

    items: list[PullOut]
    count: int


class ItemOut(Schema):
    """One tracker item."""

    source: str
    key: str
    title: str
    type: str
    status: str
    status_category: str | None
    project: str
    labels: list[str]
    parent: str | None
    epic: str | None
    created_at: datetime | None
    resolved_at: datetime | None


class ItemPage(Schema):
    """One page of tracker items and the total count."""

    items: list[ItemOut]
    count: int


@router.get("/pull-requests", response=PullPage)
def pull_requests(
    request: HttpRequest,
    repo: str | None = None,
    state: str | None = None,
    unlinked: bool = False,
    limit: int | None = None,
    offset: int | None = None,
) -> dict[str, Any]:
    """Pull requests, newest first; `?repo=`, `?state=open|closed|merged`, `?unlinked=true`."""
    rows = selectors.pull_list(actor=request.user, repo=repo, state=state, unlinked=unlinked)
    return paginate(rows, limit=limit, offset=offset, render=selectors.pull_dict)


@router.get("/pull-requests/{pk}", response=PullOut)
def pull_request(request: HttpRequest, pk: int) -> dict[str, Any]:
    """One pull request."""
    pull = selectors.pull_get(actor=request.user, pk=pk)
    if pull is None:
        raise Http404("no such pull request")
    return selectors.pull_dict(pull)


@router.get("/cycle-time", response=CycleTimeOut, by_alias=True)
def cycle_time(
    request: HttpRequest,
    team: str | None = None,
    from_: date | None = None,
    to: date | None = None,
) -> dict[str, Any]:
    """METRICS.md cycle time (coding, pickup, review, deploy; median and p75 hours) overall, per
    team and per team and week; PR size; unreviewed merges. `from`/`to` as for the four keys."""
    start, end = parse_period(request.GET.get("from") or from_, to)
    return selectors.flow_report(actor=request.user, start=start, end=end, team=team)


@router.get("/review-load", response=ReviewLoadOut, by_alias=True)
def review_load(request: HttpRequest, to: date | None = None) -> dict[str, Any]:
    """Reviews submitted per reviewer in the period (only reviewers you may see individually)."""
    start, end = parse_period(request.GET.get("from"), to)
    return selectors.review_load(actor=request.user, start=start, end=end)


@router.get("/items", response=ItemPage)
def items(
    request: HttpRequest,
    source: str | None = None,
    project: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> dict[str, Any]:
    """Tracker items by key; `?source=jira|github|linear`, `?project=`."""
    rows = selectors.item_list(actor=request.user, source=source, project=project)
    return paginate(rows, limit=limit, offset=offset, render=selectors.item_dict)


@router.get("/investment", response=InvestmentOut, by_alias=True)
def investment_balance(request: HttpRequest, to: date | None = None) -> dict[str, Any]:
    """Person-days per investment category in the period."""
    start, end = parse_period(request.GET.get("from"), to)
    report = investment.investment_report(actor=request.user, start=start, end=end)
    report["rules"] = [
        {
            "position": r.position,
            "field": r.field,
            "value": r.value,
            "category": r.category,
            "ktlo": r.ktlo,
        }
        for r in report["rules"]
    ]
    return report
