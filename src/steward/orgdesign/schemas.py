"""API schemas of organization design: structure analysis, capacity, the headcount plan and
scenarios. Keys of `dict[str, ...]` fields are data (employee ids, team slugs, departments,
levels, quarters); a field marked optional is absent (not null) when the caller may not see it
or the answer leaves it out. Money is a decimal string in the reporting currency per year."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema

# --- requests and the design errors ---------------------------------------------------------


class ErrorOut(Schema):
    """The design operations' own refusals (400, 409, 422): a sentence, no `errors`. It shares
    its name with `core.api_errors.ErrorOut` on purpose: the OpenAPI document keeps that one
    (every body of this shape matches it, as do ninja's 422s with a list of field problems)."""

    detail: str


class ScenarioIn(Schema):
    name: str
    description: str = ""
    effective_date: date | None = None


class ChangeIn(Schema):
    kind: str
    payload: dict[str, Any] = {}


# --- structure (CONTRACT.md "Structure analysis") ------------------------------------------


class SpanOfControl(Schema):
    """Direct reports per manager: median, maximum (null without managers), per employee id."""

    median: float | None
    max: int | None
    by_manager: dict[str, int]


class TeamStructure(Schema):
    """A team's figures: `seniority_mix` and `target_mix` are shares per level,
    `seniority_gap` the difference per level (mix minus target)."""

    slug: str
    size: int
    flags: list[str]
    name: str
    type: str
    lead: str | None
    members: list[str]
    fte: float
    managers: int
    seniority_mix: dict[str, float]
    target_mix: dict[str, float]
    seniority_gap: dict[str, float]
    timezone_spread_hours: float | None


class StructureFlag(Schema):
    kind: str
    subject: str
    detail: str
    people: list[str]


class DepartmentStructure(Schema):
    people: int
    managers: int
    individual_contributors: int
    manager_to_ic_ratio: float | None


class Interaction(Schema):
    team: str
    other: str
    mode: str


class Interactions(Schema):
    """Interactions between teams; `counts` per interaction mode."""

    counts: dict[str, int]
    items: list[Interaction]


class ScenarioRef(Schema):
    """The scenario analyzed and the changes it refused (one sentence each)."""

    id: int
    name: str
    problems: list[str]


class StructureOut(Schema):
    """The structure of the organization on `date`; `by_department` and `team_types` are keyed
    by department and team type."""

    date: date
    people: int
    managers: int
    individual_contributors: int
    manager_to_ic_ratio: float | None
    layers: int
    span_of_control: SpanOfControl
    teams: list[TeamStructure]
    flags: list[StructureFlag]
    by_department: dict[str, DepartmentStructure]
    team_types: dict[str, int]
    interactions: Interactions
    people_without_team: list[str]
    managers_without_team: list[str]


class ScenarioStructureOut(StructureOut):
    """With `?scenario=`: the organization after the scenario's changes."""

    scenario: ScenarioRef | None = None


# --- capacity ------------------------------------------------------------------------------


class QuarterCapacity(Schema):
    """Person-weeks of one team in one quarter: available after allocations, gross, the
    allocated share, the part from planned hires, and the people counted."""

    person_weeks: float
    gross_person_weeks: float
    allocation: float
    planned_hire_weeks: float
    people: int


class TeamCapacity(Schema):
    team: str
    quarters: dict[str, QuarterCapacity]


class AllocationOut(Schema):
    """A declared share of a team's time (`quarter` null: every quarter)."""

    team: str
    kind: str
    share: float
    quarter: str | None


class CapacityOut(Schema):
    quarters: list[str]
    teams: list[TeamCapacity]
    allocations: list[AllocationOut]


# --- headcount plan -------------------------------------------------------------------------


class PlanEntryOut(Schema):
    """A planned hire or backfill; `salary`, `currency` and `fully_loaded_cost` only for callers
    who may see individual pay."""

    key: str
    team: str
    kind: str
    status: str
    title: str
    level: str
    track: str
    quarter: str
    expected_start: date
    fte: Decimal
    location: str
    replaces: str | None
    manager: str | None
    note: str
    salary: Decimal | None = None
    currency: str | None = None
    fully_loaded_cost: Decimal | None = None


class PlanTeamRow(Schema):
    """Planned FTE per quarter and in all; the costs only for callers who may see pay
    aggregates (null where too few planned hires would show one's pay)."""

    team: str
    by_quarter: dict[str, float]
    total: float
    cost_by_quarter: dict[str, Decimal | None] | None = None
    cost_total: Decimal | None = None


class PlanTotals(Schema):
    by_quarter: dict[str, float]
    total: float
    cost_by_quarter: dict[str, Decimal | None] | None = None
    cost_total: Decimal | None = None
    currency: str | None = None
    cost_suppressed: bool | None = None


class CompositionGap(Schema):
    """A composition target against the live org now and after the plan."""

    metric: str
    target: float
    levels: str
    current: float | None
    after_plan: float | None
    gap_now: float | None
    gap_after_plan: float | None


class HeadcountPlanOut(Schema):
    items: list[PlanEntryOut]
    quarters: list[str]
    teams: list[PlanTeamRow]
    totals: PlanTotals
    composition: list[CompositionGap]


# --- scenarios ------------------------------------------------------------------------------


class ScenarioOut(Schema):
    """A scenario; `owner` is the login that made it."""

    id: int
    name: str
    description: str
    effective_date: date
    status: str
    owner: str | None
    updated_at: datetime


class ScenarioPage(Schema):
    items: list[ScenarioOut]
    count: int


class ChangeOut(Schema):
    """One change of a scenario: `payload` holds the kind's fields (employee ids, team slugs,
    dates; planned pay only for callers who may see it), see docs/organization-design.md."""

    position: int
    kind: str
    payload: dict[str, Any]


class ScenarioDetailOut(ScenarioOut):
    changes: list[ChangeOut]


class ScenarioSummary(Schema):
    id: int
    name: str
    effective_date: date
    status: str
    changes: int


class BeforeAfter(Schema):
    before: int | float | None
    after: int | float | None


class TeamChange(Schema):
    slug: str
    size_before: int | None
    size_after: int | None
    flags_before: list[str]
    flags_after: list[str]
    timezone_spread_before: float | None
    timezone_spread_after: float | None


class StructureComparison(Schema):
    """Each compared figure (people, managers, ratio, layers, span median and max, flags)
    before and after, per team, and the flags the scenario adds or removes."""

    figures: dict[str, BeforeAfter]
    teams: list[TeamChange]
    flags_added: list[StructureFlag]
    flags_removed: list[StructureFlag]


class CapacityChange(Schema):
    team: str
    quarter: str
    before: float
    after: float
    delta: float


class ManagerChange(Schema):
    person: str
    name: str
    before: str | None
    after: str | None


class KnowledgeChange(Schema):
    """Code knowledge of a team owning repositories before and after the departures."""

    team: str
    team_name: str
    files: int
    truck_factor_before: int | None
    truck_factor_after: int | None
    abandoned_share_before: float | None
    abandoned_share_after: float | None
    files_losing_last_author: int


class CostRow(Schema):
    """Yearly fully loaded cost before, after and the change; all null and `suppressed` when
    too few people's pay would show."""

    before: Decimal | None
    after: Decimal | None
    delta: Decimal | None
    suppressed: bool | None = None


class CostComparison(Schema):
    currency: str
    by_team: dict[str, CostRow]
    total: CostRow
    missing_salary: list[str]


class ScenarioComparisonOut(Schema):
    """The scenario against the live org; `departures` maps employee ids to leaving dates;
    `cost` only for callers who may see pay aggregates."""

    scenario: ScenarioSummary
    problems: list[str]
    structure: StructureComparison
    before: StructureOut
    after: StructureOut
    capacity: list[CapacityChange]
    quarters: list[str]
    manager_changes: list[ManagerChange]
    departures: dict[str, date]
    hires: list[str]
    teams_created: list[str]
    teams_dissolved: list[str]
    knowledge: list[KnowledgeChange]
    cost: CostComparison | None = None
