"""API schemas of the strategy writes (the reads return the selectors' dictionaries)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Schema


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


class InitiativeOut(Schema):
    key: str
    title: str
    description: str
    objectives: list[dict[str, float | str]]
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
