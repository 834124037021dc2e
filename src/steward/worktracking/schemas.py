"""API schemas of the work-tracking reports: cycle time, review load and investment balance
(METRICS.md). `from` is written `from_` here (a Python keyword) and answered as `from`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from steward.core.api_types import Number


class PartHours(Schema):
    """One part of the cycle time (or the total): how many pull requests have it, median and
    75th percentile in hours (null without any)."""

    count: int
    median_hours: Number | None
    p75_hours: Number | None


class CycleTimeSummary(Schema):
    """Cycle time of a set of pull requests, part by part (the keys of the rows below follow
    their own keys, in this order; the rows repeat these fields rather than inherit them, as a
    subclass would put them first)."""

    pull_requests: int
    coding: PartHours
    pickup: PartHours
    review: PartHours
    deploy: PartHours
    total: PartHours


class TeamCycleTime(Schema):
    """Cycle time of one team (null: pull requests of no team)."""

    team: str | None
    pull_requests: int
    coding: PartHours
    pickup: PartHours
    review: PartHours
    deploy: PartHours
    total: PartHours


class TeamWeekCycleTime(Schema):
    """Cycle time of one team in one week (Monday)."""

    team: str | None
    week: date
    pull_requests: int
    coding: PartHours
    pickup: PartHours
    review: PartHours
    deploy: PartHours
    total: PartHours


class WeekCycleTime(Schema):
    """Cycle time of one week (Monday)."""

    week: date
    pull_requests: int
    coding: PartHours
    pickup: PartHours
    review: PartHours
    deploy: PartHours
    total: PartHours


class PullRequestSize(Schema):
    """Lines changed per pull request."""

    count: int
    median_lines: Number | None
    p75_lines: Number | None


class UnreviewedMerges(Schema):
    """Pull requests merged without a review."""

    merged: int
    unreviewed: int
    rate: Number | None


class CycleTimeOut(Schema):
    """METRICS.md cycle time in [from, to): overall, per team, per team and week, per week."""

    from_: date = Field(alias="from")
    to: date
    team: str | None
    cycle_time: CycleTimeSummary
    by_team: list[TeamCycleTime]
    by_team_week: list[TeamWeekCycleTime]
    by_week: list[WeekCycleTime]
    size: PullRequestSize
    unreviewed_merges: UnreviewedMerges


class Reviewer(Schema):
    """Reviews by one reviewer (`person_id` null for an account that is no known person)."""

    person_id: int | None
    name: str
    reviews: int


class OtherReviewers(Schema):
    """The reviewers the caller may not see individually, counted together."""

    reviewers: int
    reviews: int


class ReviewLoadOut(Schema):
    """Reviews submitted in [from, to) per reviewer."""

    from_: date = Field(alias="from")
    to: date
    reviews: int
    reviewers: list[Reviewer]
    others: OtherReviewers


class InvestmentCategory(Schema):
    """Person-days of one investment category; `cost`, its `capitalizable` part and the rest
    (`expensed`) only for compensation roles."""

    category: str
    ktlo: bool
    person_days: Number
    review_person_days: Number
    share: Number | None
    cost: Decimal | None
    capitalizable: Decimal | None = None
    expensed: Decimal | None = None


class InvestmentTeamMonth(Schema):
    """Person-days of one team in one month (YYYY-MM), per category name."""

    team: str | None
    month: str
    person_days: Number
    ktlo_share: Number | None
    categories: dict[str, Number]


class InvestmentItem(Schema):
    """One of the work items with the most effort."""

    key: str
    title: str
    category: str
    person_days: Number
    review_person_days: Number


class InvestmentCost(Schema):
    """People cost in the period (money roles); the split per category name and what is not
    attributed only for compensation roles (else null and `suppressed`). `capitalizable`: the
    part of the total from work items of initiatives inside their capitalization window;
    `expensed`: the rest (with what is not attributed); `capitalizable_categories` per
    category name, only for compensation roles."""

    currency: str
    total: Decimal
    not_attributed: Decimal | None
    categories: dict[str, Decimal] | None
    suppressed: bool
    capitalizable: Decimal
    expensed: Decimal
    capitalizable_categories: dict[str, Decimal] | None


class InvestmentRuleOut(Schema):
    """A categorization rule, in the order they apply."""

    position: int
    field: str
    value: str
    category: str
    ktlo: bool


class InvestmentOut(Schema):
    """Person-days per investment category in [from, to); `cost` null without money access."""

    from_: date = Field(alias="from")
    to: date
    person_days: Number
    review_person_days: Number
    categories: list[InvestmentCategory]
    ktlo_share: Number | None
    by_team_month: list[InvestmentTeamMonth]
    items: list[InvestmentItem]
    cost: InvestmentCost | None
    rules: list[InvestmentRuleOut]
