"""The cockpit API under /api/v1/cockpit: the findings the caller may see."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from steward.cockpit import selectors
from steward.core.pagination import paginate

router = Router(tags=["cockpit"])


class FindingOut(Schema):
    """One finding (CONTRACT.md: rule, severity, statement, url)."""

    rule: str
    severity: str
    statement: str
    url: str
    owner: str
    identity: str


class FindingPage(Schema):
    """The findings, ranked, and their count."""

    items: list[FindingOut]
    count: int


@router.get("/findings", response=FindingPage)
def findings_list(
    request: HttpRequest, limit: int | None = None, offset: int | None = None
) -> dict[str, object]:
    """The latest computed findings the caller may see and has not set aside, critical first."""
    items = selectors.findings_for(actor=request.user, on=date.today())["items"]
    return paginate(items, limit=limit, offset=offset, render=lambda item: item)
