"""API schemas of talent: requisitions, applications, candidates, the funnel and diversity.
Fields a role may not see are absent, not null: the budgeted cost of a requisition and the
salary of an offer only for the money roles (the operations answer with `exclude_unset`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from steward.core.api_types import Number


class RequisitionOut(Schema):
    """A requisition (an approved or requested hire); `stages` its pipeline in order;
    `budgeted_cost` and `currency` only for the money roles."""

    key: str
    title: str
    team: str
    level: str
    role: str | None
    reason: str
    initiative: str | None
    hiring_manager: str | None
    recruiter: str | None
    quarter: str
    target_start: date
    status: str
    opened_on: date | None
    closed_on: date | None
    stages: list[str]
    plan_entry_key: str | None
    value_of_one_more_person: Decimal | None
    approved: bool
    budgeted_cost: Decimal | None = None
    currency: str | None = None


class RequisitionDetailOut(RequisitionOut):
    """A requisition and the hires expected from its open applications."""

    expected_hires: Number


class RequisitionPage(Schema):
    """One page of requisitions and the total count."""

    items: list[RequisitionOut]
    count: int


class StageEntry(Schema):
    """When an application entered a stage."""

    stage: str
    entered_at: datetime


class OfferOut(Schema):
    """An offer (version 1, 2, … as it was revised); `salary` and `currency` only for the
    money roles."""

    version: int
    status: str
    sent_at: datetime | None
    resolved_at: datetime | None
    starts_at: date | None
    salary: Decimal | None = None
    currency: str | None = None


class ApplicationOut(Schema):
    """An application with its stage history and offers (`candidate` the candidate's id)."""

    id: int
    candidate: int
    requisition: str
    source: str | None
    referrer: str | None
    applied_at: datetime
    stage: str
    outcome: str
    rejection_reason: str | None
    rejected_by: str | None
    closed_at: datetime | None
    history: list[StageEntry]
    offers: list[OfferOut]


class ApplicationPage(Schema):
    """One page of applications and the total count."""

    items: list[ApplicationOut]
    count: int


class CandidateOut(Schema):
    """A candidate and their applications the caller may see (null: not given or erased)."""

    id: int
    name: str
    email: str | None
    phone: str | None
    location: str | None
    retain_until: date | None
    erased: bool
    applications: list[ApplicationOut]


class FunnelStage(Schema):
    """One stage of the funnel: how many applications reached and passed it, the share that
    passed and the median days spent in it."""

    stage: str
    reached: int
    passed: int
    pass_through: Number | None
    time_in_stage_median_days: Number | None


class FunnelSource(Schema):
    """Applications and hires from one source (effectiveness = hires ÷ applications)."""

    source: str
    applications: int
    hires: int
    effectiveness: Number | None


class FunnelQuarter(Schema):
    """Planned, filled and expected hires of one quarter."""

    quarter: str
    planned: int
    filled: int
    expected_hires: Number


class FunnelOut(Schema):
    """`steward metrics hiring` over [from, to) (METRICS.md "Hiring"); `requisition` only
    when asked for one."""

    from_: date = Field(alias="from")
    to: date
    applications: int
    hires: int
    stages: list[FunnelStage]
    time_to_hire_median_days: Number | None
    time_to_fill_median_days: Number | None
    offers_extended: int
    offers_accepted: int
    offer_acceptance_rate: Number | None
    sources: list[FunnelSource]
    team: str | None
    requisition: str | None = None
    plan: list[FunnelQuarter]


class FunnelApplicationRow(Schema):
    """An application behind a funnel number; `left`, `days` and `passed` for a stage's
    numbers (reached, passed, stopped) only; `candidate` null where the caller may not see
    the candidate."""

    key: str
    day: date
    left: date | None = None
    days: int | None = None
    passed: bool | None = None
    outcome: str
    requisition: str
    requisition_title: str
    team: str
    source: str
    candidate: str | None
    candidate_pk: int | None


class FunnelApplicationsOut(Schema):
    """The applications behind one funnel number."""

    what: str
    stage: str | None
    count: int
    rows: list[FunnelApplicationRow]
    hidden_candidates: int


class DiversityCell(Schema):
    """The count of one self-identified group at a stage, or `{group, suppressed: true}`."""

    group: str
    suppressed: bool | None = None
    count: int | None = None


class DiversityStage(Schema):
    """One stage of the funnel by group (the last group is the total)."""

    stage: str
    groups: list[DiversityCell]


class DiversityOut(Schema):
    """The funnel by self-identified group over [from, to), under the small-group rule."""

    from_: date = Field(alias="from")
    to: date
    attribute: str
    min_group_size: int
    groups: list[str]
    stages: list[DiversityStage]


# --- writes -----------------------------------------------------------------------------------


class RequisitionIn(Schema):
    """A new requisition (planned until the CTO approves it). References by name: `team` a
    team slug, `role` a role description slug, `initiative` an initiative key,
    `hiring_manager` an employee id, `recruiter` a user name. `key` blank: Steward numbers it
    (REQ-0001, …); `quarter` blank: the quarter of `target_start`; `stages` empty: the default
    pipeline. `budgeted_cost` and `currency` only for the money roles."""

    title: str
    team: str
    level: str
    target_start: date
    key: str = ""
    role: str | None = None
    reason: str = "growth"
    initiative: str | None = None
    hiring_manager: str | None = None
    recruiter: str | None = None
    quarter: str | None = None
    stages: list[str] = []
    note: str = ""
    budgeted_cost: Decimal | None = None
    currency: str | None = None


class RequisitionPatch(Schema):
    """Only the fields given change. `status` moves the requisition (planned → open, which
    needs the CTO's approval, → on hold / filled / cancelled); a stage that applications
    entered cannot be removed from `stages`."""

    title: str | None = None
    team: str | None = None
    level: str | None = None
    target_start: date | None = None
    role: str | None = None
    reason: str | None = None
    initiative: str | None = None
    hiring_manager: str | None = None
    recruiter: str | None = None
    quarter: str | None = None
    stages: list[str] | None = None
    note: str | None = None
    budgeted_cost: Decimal | None = None
    currency: str | None = None
    status: str | None = None


class CandidateIn(Schema):
    """A new candidate; their personal data is kept `retention_days` from today, then erased
    by the daily purge (once no application of theirs is open)."""

    name: str
    email: str = ""
    phone: str = ""
    location: str = ""
    notes: str = ""
    external_id: str = ""
    retention_days: int = Field(365, ge=1, le=3650)


class ApplicationIn(Schema):
    """The candidate (`candidate` their id) applies to a requisition (`requisition` its key),
    from a source (its name; unknown names are refused); the application enters the
    requisition's first stage at `applied_at` (default now)."""

    candidate: int
    requisition: str
    source: str | None = None
    referrer: str = ""
    applied_at: datetime | None = None
    external_id: str = ""


class StageMoveIn(Schema):
    """Move an application into a later stage of its requisition at `entered_at` (default
    now). The history is append-only: a stage the requisition lacks, the current stage again,
    an earlier stage or a date before the last move is refused with 422."""

    stage: str
    entered_at: datetime | None = None


class RatingIn(Schema):
    """One attribute rating: 1-5 (or definitely_not, no, mixed, yes, strong_yes) with the
    written evidence for it (required)."""

    attribute: str
    rating: int | str
    evidence: str = ""
    category: str = ""


class ScorecardIn(Schema):
    """The interviewer submits their scorecard: `overall` definitely_not, no, yes,
    strong_yes or no_decision; every rating needs written evidence."""

    overall: str
    ratings: list[RatingIn]
    key_take_aways: str = ""


class ScorecardRatingOut(Schema):
    """A submitted attribute rating, with its Greenhouse name."""

    attribute: str
    category: str
    rating: int
    rating_name: str | None
    evidence: str


class ScorecardOut(Schema):
    """A scorecard in FORMATS.md 5.1 vocabulary (`overall` 1, 2, 4, 5 or null: no decision);
    `weighted_rating` the mean attribute rating weighted by the interview kit (an attribute the
    level focuses on counts twice; null: nothing rated)."""

    id: int
    application_id: int
    interview: str
    stage: str
    interviewer: str
    interviewed_at: datetime | None
    submitted_at: datetime | None
    overall: int | None
    overall_recommendation: str
    attributes: list[ScorecardRatingOut]
    key_take_aways: str
    weighted_rating: Number | None = None


class ApplicationCloseIn(Schema):
    """Close an application: `rejected` (with a `reason`; `rejected_by` ours — we rejected —
    or theirs — the candidate declined —, default ours) or `withdrew` (the candidate's
    decision: theirs). A hire is recorded by accepting the offer. `closed_at` default now; not
    before the last stage move."""

    outcome: Literal["rejected", "withdrew"]
    reason: str = ""
    rejected_by: Literal["ours", "theirs"] | None = None
    closed_at: datetime | None = None


class OfferIn(Schema):
    """A new version of the application's offer (the first, or changed terms; an extended
    earlier version is withdrawn). Extended at `sent_at`; without it a draft."""

    salary: Decimal | None = Field(None, ge=0)
    currency: str = ""
    starts_at: date | None = None
    sent_at: datetime | None = None


class OfferResolveIn(Schema):
    """The latest version of the offer is `accepted` (the application closes as hired),
    `declined` (closes as rejected, theirs) or `withdrawn` (by us), at `resolved_at` (default
    now)."""

    status: Literal["accepted", "declined", "withdrawn"]
    resolved_at: datetime | None = None


class ApprovalIn(Schema):
    """The caller approves (`approved` true) or refuses (false) the requisition."""

    approved: bool = True
    note: str = Field("", max_length=300)


class ApprovalOut(Schema):
    """One decision on a requisition; `requisition_approved` whether the requisition is
    approved now (the latest decision of the CTO or an admin approves it)."""

    requisition: str
    approver: str | None
    role: str
    approved: bool
    note: str
    decided_at: datetime
    requisition_approved: bool


SourceKindName = Literal[
    "job_board", "career_site", "referral", "agency", "sourcing", "brand", "other"
]
ActivityKindName = Literal["talk", "post", "event", "open_source"]


class SourceIn(Schema):
    """A new source of applications; a brand source names the activity behind it (`activity`
    the activity's id)."""

    name: str = Field(..., max_length=100)
    kind: SourceKindName = "other"
    activity: int | None = None


class SourcePatch(Schema):
    """Only the fields given change; `activity` links the source to an employer-brand activity
    (its id), `null` unlinks it."""

    name: str | None = Field(None, max_length=100)
    kind: SourceKindName | None = None
    activity: int | None = None


class SourceOut(Schema):
    """A source with the applications from it and the hires among them (all time)."""

    id: int
    name: str
    kind: str
    activity: int | None
    activity_title: str | None
    applications: int
    hires: int


class SourcePage(Schema):
    """One page of sources and the total count."""

    items: list[SourceOut]
    count: int


class ActivityIn(Schema):
    """A new employer-brand activity (`team` a team slug, `repository` the name of an ingested
    repository for an open-source contribution). Link it to sources with `POST /sources`
    (`activity`)."""

    title: str = Field(..., max_length=200)
    kind: ActivityKindName
    on: date
    url: str = ""
    team: str | None = None
    repository: str = Field("", max_length=200)
    description: str = ""


class ActivityOut(Schema):
    """An employer-brand activity with its sources and their applications and hires."""

    id: int
    title: str
    kind: str
    on: date
    url: str | None
    team: str | None
    repository: str | None
    description: str
    sources: list[str]
    applications: int
    hires: int


class ActivityPage(Schema):
    """One page of employer-brand activities and the total count."""

    items: list[ActivityOut]
    count: int
