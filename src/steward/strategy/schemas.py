"""API schemas of strategy: objectives, initiatives, prioritization, the roadmap, the portfolio
plan, alignment, ideas and improvement actions. The reads serialize the selectors' dictionaries;
a field marked optional here is absent (not null) when the answer leaves it out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Field, Schema


class KeyResultOut(Schema):
    objective_key: str
    key: str
    title: str
    metric: str
    unit: str
    baseline: float
    target: float
    current: float
    confidence: float
    progress: float


class TeamGoalOut(Schema):
    team: str
    title: str
    description: str


class ObjectiveOut(Schema):
    key: str
    title: str
    description: str
    owner_employee_id: str | None
    owner: str | None
    start: date
    end: date
    priority: int
    progress: float | None
    key_results: list[KeyResultOut]
    team_goals: list[TeamGoalOut]


class ObjectivePage(Schema):
    items: list[ObjectiveOut]
    count: int


class CheckInOut(Schema):
    id: int
    on: date
    value: float
    confidence: float
    note: str


class KeyResultHistoryOut(KeyResultOut):
    """A key result with every check-in, oldest first."""

    check_ins: list[CheckInOut]


class CheckInIn(Schema):
    value: Decimal
    confidence: Decimal
    on: date | None = None
    note: str = ""


class ObjectiveIn(Schema):
    key: str
    title: str
    start: date
    end: date
    priority: int = 1
    description: str = ""
    owner_employee_id: str | None = None


class ObjectivePatch(Schema):
    title: str | None = None
    start: date | None = None
    end: date | None = None
    priority: int | None = None
    description: str | None = None
    owner_employee_id: str | None = None


class KeyResultIn(Schema):
    key: str
    title: str
    baseline: Decimal
    target: Decimal
    current: Decimal
    metric: str = ""
    unit: str = ""
    confidence: Decimal = Decimal("0.5")


class KeyResultPatch(Schema):
    title: str | None = None
    baseline: Decimal | None = None
    target: Decimal | None = None
    current: Decimal | None = None
    metric: str | None = None
    unit: str | None = None
    confidence: Decimal | None = None


class ObjectiveLink(Schema):
    key: str
    weight: Decimal


class ObjectiveWeightOut(Schema):
    key: str
    weight: float


class InitiativeOut(Schema):
    key: str
    title: str
    description: str
    objectives: list[ObjectiveWeightOut]
    owner_team: str | None
    teams: list[str]
    effort_person_weeks: dict[str, float]
    cost: float
    value: int
    time_criticality: int
    risk_reduction: int
    job_size: int
    reach: int
    impact: float
    confidence: float
    feasibility: str
    technical_risk: str
    earliest: str | None
    deadline: str | None
    duration: int
    mandatory: bool
    depends_on: list[str]
    status: str
    horizon: str
    planned_start: str | None
    link_keys: list[str]
    wsjf: float
    rice: float | None


class InitiativePage(Schema):
    items: list[InitiativeOut]
    count: int


class InitiativePatch(Schema):
    """Only the fields given change; `objectives`, `effort_person_weeks` and `depends_on`
    replace the old lists when given."""

    title: str | None = None
    description: str | None = None
    objectives: list[ObjectiveLink] | None = None
    owner_team: str | None = None
    effort_person_weeks: dict[str, Decimal] | None = None
    cost: Decimal | None = None
    value: int | None = None
    time_criticality: int | None = None
    risk_reduction: int | None = None
    job_size: int | None = None
    reach: int | None = None
    impact: Decimal | None = None
    confidence: Decimal | None = None
    feasibility: str | None = None
    technical_risk: str | None = None
    earliest: str | None = None
    deadline: str | None = None
    duration: int | None = None
    mandatory: bool | None = None
    depends_on: list[str] | None = None
    status: str | None = None
    horizon: str | None = None
    planned_start: str | None = None
    link_keys: list[str] | None = None


class InitiativeIn(InitiativePatch):
    key: str
    title: str  # type: ignore[assignment]


class IdeaOut(Schema):
    id: int
    title: str
    hypothesis: str
    owner_employee_id: str | None
    team: str | None
    timebox_start: date | None
    timebox_end: date | None
    budget: float
    status: str
    outcome: str
    decided_on: date | None


class IdeaIn(Schema):
    title: str
    hypothesis: str
    owner_employee_id: str | None = None
    team: str | None = None
    timebox_start: date | None = None
    timebox_end: date | None = None
    budget: Decimal = Decimal(0)


class IdeaPatch(Schema):
    """`status` moves the idea along its pipeline (with `outcome` when it ends)."""

    title: str | None = None
    hypothesis: str | None = None
    owner_employee_id: str | None = None
    team: str | None = None
    timebox_start: date | None = None
    timebox_end: date | None = None
    budget: Decimal | None = None
    outcome: str | None = None
    status: str | None = None


class ActionOut(Schema):
    id: int
    title: str
    source: str
    source_ref: str
    owner_employee_id: str | None
    team: str | None
    created_on: date
    due_on: date
    closed_on: date | None


class ActionIn(Schema):
    title: str
    source: str
    due_on: date
    created_on: date | None = None
    source_ref: str = ""
    owner_employee_id: str | None = None
    team: str | None = None


class ActionPatch(Schema):
    title: str | None = None
    source: str | None = None
    due_on: date | None = None
    created_on: date | None = None
    source_ref: str | None = None
    owner_employee_id: str | None = None
    team: str | None = None
    closed_on: date | None = None


# --- reads: prioritization, roadmap, plan, alignment, pipelines ------------------------------


class PriorityRow(Schema):
    key: str
    title: str
    wsjf: float
    wsjf_rank: int
    rice: float | None
    rice_rank: int
    cost: float
    effort_person_weeks: float
    feasibility: str
    technical_risk: str
    value: int
    status: str
    horizon: str


class RankChange(Schema):
    """A one-step change of one input that moves the initiative's rank under `score`."""

    initiative: str
    score: str
    input: str
    direction: str
    from_: int | float = Field(alias="from")
    to: int | float
    rank_before: int
    rank_after: int
    others_moved: list[str]


class PrioritizationOut(Schema):
    sort: str
    items: list[PriorityRow]
    sensitivity: list[RankChange]


class RoadmapItem(Schema):
    """`cells`: one per quarter of the roadmap, true where the initiative runs (absent for
    initiatives without a planned start)."""

    key: str
    title: str
    status: str
    start: str | None
    duration: int
    cells: list[bool] | None = None


class RoadmapLane(Schema):
    team: str
    name: str
    items: list[RoadmapItem]


class RoadmapOut(Schema):
    quarters: list[str]
    lanes: list[RoadmapLane]
    unplanned: list[RoadmapItem]


class Bottleneck(Schema):
    """A team-quarter whose capacity binds; the value of 13 more person-weeks is null when it
    was not computed in time, a lower bound when `marginal_is_lower_bound`."""

    team: str
    quarter: str
    used: float
    capacity: float
    marginal_value_of_13_person_weeks: float | None
    unlocks: list[str]
    marginal_is_lower_bound: bool | None = None


class SolutionOut(Schema):
    """The optimizer's answer (CONTRACT.md "Portfolio instance"); `reason` when no schedule
    was found (infeasible, or none within the time limit)."""

    status: str
    objective: float | None
    schedule: dict[str, str]
    unscheduled: list[str]
    bottlenecks: list[Bottleneck]
    mip_gap: float | None
    solve_seconds: float
    unschedulable: dict[str, str]
    reason: str | None = None
    seconds: float


class PlanOut(SolutionOut):
    """The live portfolio plan: the solution with the quarters planned, the in-progress
    initiatives kept in place (`fixed`, key -> start quarter), the team-quarters they alone
    overcommit, whether it was served from storage, and when it was computed (ISO 8601)."""

    quarters: list[str]
    fixed: dict[str, str]
    overcommitted: list[str]
    stored: bool
    computed_at: str


class AlignmentInitiative(Schema):
    key: str
    person_days: float


class AlignmentObjective(Schema):
    key: str
    title: str
    priority: int
    person_days: float
    share: float | None
    intended_share: float | None
    gap: float | None


class AlignmentCell(Schema):
    """One team and month: person-days in all, per objective (key -> person-days) and not
    linked to any initiative."""

    team: str
    month: str
    person_days: float
    objectives: dict[str, float]
    unlinked: float


class AlignmentOut(Schema):
    from_: date = Field(alias="from")
    to: date
    team: str | None
    person_days: float
    initiatives: list[AlignmentInitiative]
    unlinked_person_days: float
    unaligned_person_days: float
    objectives: list[AlignmentObjective]
    by_team_month: list[AlignmentCell]
    callouts: list[str]


class AlignmentCommitOut(Schema):
    sha: str
    repo: str
    day: date
    author: str
    subject: str
    team: str | None
    person_days: float


class AlignmentCommitPage(Schema):
    items: list[AlignmentCommitOut]
    count: int


class IdeaRow(Schema):
    """An idea in the pipeline list (`owner` is the person's name)."""

    id: int
    title: str
    hypothesis: str
    owner: str | None
    team: str | None
    timebox_start: date | None
    timebox_end: date | None
    budget: float
    status: str
    outcome: str
    decided_on: date | None


class IdeaPage(Schema):
    items: list[IdeaRow]
    count: int


class ActionRow(Schema):
    """An improvement action in the list (`owner` is the person's name)."""

    id: int
    title: str
    source: str
    source_ref: str
    owner: str | None
    team: str | None
    created_on: date
    due_on: date
    closed_on: date | None


class ActionClosure(Schema):
    """Closed ÷ all actions (null without actions); overdue: open past their due date."""

    actions: int
    closed: int
    closure_rate: float | None
    closed_on_time: int
    overdue: int


class ActionPage(Schema):
    items: list[ActionRow]
    count: int
    summary: ActionClosure
