"""API schemas of engagement, attrition, tenure and retention signals. A group under the
small-group rule is `{group, suppressed: true}`: its figures are absent, not null (the
operations answer with `exclude_unset`, so a field the report leaves out stays out)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from steward.core.api_types import Number


class EnpsFigures(Schema):
    """eNPS of the organization in a round: the counts, the score (-100..100) and its band;
    `{suppressed: true}` under the small-group rule, `{respondents: 0, enps: null, level:
    "no data"}` without answers."""

    suppressed: bool | None = None
    respondents: int | None = None
    promoters: int | None = None
    passives: int | None = None
    detractors: int | None = None
    enps: Number | None = None
    band: str | None = None
    level: str | None = None


class EnpsGroup(Schema):
    """eNPS of one team in a round, or `{group, suppressed: true}`."""

    group: str
    suppressed: bool | None = None
    respondents: int | None = None
    promoters: int | None = None
    passives: int | None = None
    detractors: int | None = None
    enps: Number | None = None
    band: str | None = None


class Participation(Schema):
    """Who was asked and how many answered (`respondents` and `rate`, a percentage, only at
    or above the small-group threshold; else `suppressed`)."""

    audience: list[str]
    invited: int
    opened_on: dt.date
    closes_on: dt.date | None
    open: bool
    suppressed: bool | None = None
    respondents: int | None = None
    rate: Number | None = None


class EnpsRound(Schema):
    """One survey round."""

    survey: str
    title: str
    opened_on: dt.date
    min_group_size: int
    organization: EnpsFigures
    teams: list[EnpsGroup]
    participation: Participation


class EnpsOut(Schema):
    """eNPS per survey round, oldest first."""

    min_group_size: int
    rounds: list[EnpsRound]


class AttritionGroup(Schema):
    """Attrition of one group (rate a percentage), or `{group, suppressed: true}`."""

    group: str
    suppressed: bool | None = None
    separations: int | None = None
    average_headcount: Number | None = None
    rate: Number | None = None


class AttritionOut(Schema):
    """CONTRACT.md `steward metrics attrition` over [from, to); `level` is "no data" when
    there is no headcount (and absent otherwise)."""

    from_: dt.date = Field(alias="from")
    to: dt.date
    separations: int
    voluntary: int
    involuntary: int
    regretted: int
    average_headcount: Number
    rate: Number | None
    annualized_rate: Number | None
    level: str | None = None
    groups: list[AttritionGroup]
    min_group_size: int


class SurvivalPoint(Schema):
    """The share still employed after `days` (Kaplan-Meier)."""

    days: int
    survival: Number


class TenureOut(Schema):
    """CONTRACT.md `steward metrics tenure`."""

    date: dt.date
    voluntary_only: bool
    spells: int
    departures: int
    median_days: int | None
    retention_12m: Number | None
    curve: list[SurvivalPoint]


class RetentionSignal(Schema):
    """How many active people match one retention driver (a cohort, never a person):
    `people` and `share` (a percentage), or `suppressed` under the small-group rule."""

    signal: str
    label: str
    active_people: int
    suppressed: bool | None = None
    people: int | None = None
    share: Number | None = None


class RetentionSignalsOut(Schema):
    """Retention signals on a day."""

    date: dt.date
    signals: list[RetentionSignal]


# --- writes: goals, onboarding tasks, 1:1 action items ----------------------------------------


class GoalOut(Schema):
    """A team's or one person's goal under an objective (`team` or `employee_id` is set).
    `level` and `track` name the ladder level whose expectations it is measured by."""

    id: int
    title: str
    description: str
    objective: str
    objective_title: str
    key_result: str | None
    team: str | None
    employee_id: str | None
    owner: str
    level: str | None
    track: str | None
    due_on: dt.date | None
    progress: int
    status: str


class GoalPage(Schema):
    """One page of goals."""

    items: list[GoalOut]
    count: int


class GoalIn(Schema):
    """A new goal: the objective (and optionally one of its key results) by key, and either a
    team (slug) or a person (employee id). Without `level`, an individual goal is measured by
    the level the person holds today; `track` and `level` are ladder keys (L3 of backend)."""

    objective: str
    key_result: str | None = None
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    team: str | None = None
    employee_id: str | None = None
    track: str | None = None
    level: str | None = None
    due_on: dt.date | None = None


class GoalPatch(Schema):
    """Change the fields given (the objective and the owner stay). `progress` 0-100 %,
    `status` open, done or dropped (a new one is kept as today's check-in, with `note`);
    `key_result` or `level` null removes it."""

    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = None
    key_result: str | None = None
    track: str | None = None
    level: str | None = None
    due_on: dt.date | None = None
    progress: int | None = Field(None, ge=0, le=100)
    status: str | None = None
    note: str = ""


class OnboardingTaskOut(Schema):
    """An onboarding task of a joiner's plan."""

    id: int
    plan: int
    title: str
    owner_employee_id: str | None
    due_on: dt.date
    done_on: dt.date | None


class OnboardingTaskPatch(Schema):
    """Tick a task off on a day (`done_on`), or open it again (`done_on: null`)."""

    done_on: dt.date | None


class GrowthActionItemOut(Schema):
    """An action item (the pair only)."""

    id: int
    text: str
    owner_employee_id: str
    due_on: dt.date | None = None
    done_on: dt.date | None = None


class ActionItemIn(Schema):
    """A new action item of a 1:1: the text, its owner (the manager or the report, by employee
    id; default the caller) and a due day."""

    text: str = Field(min_length=1, max_length=500)
    owner_employee_id: str | None = None
    due_on: dt.date | None = None


class ActionItemPatch(Schema):
    """Change the fields given of an action item (the pair only); `done_on: null` reopens it."""

    text: str | None = Field(None, min_length=1, max_length=500)
    due_on: dt.date | None = None
    done_on: dt.date | None = None
