"""API schemas of the organization. Optional fields are absent when the caller may not see them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ninja import Schema


class PersonOut(Schema):
    employee_id: str
    name: str
    emails: list[str] = []
    title: str = ""
    level: str = ""
    track: str = ""
    team: str | None = None
    manager_employee_id: str | None = None
    location: str = ""
    timezone: str = ""
    start_date: date | None = None
    end_date: date | None = None
    department: str | None = None
    employment_type: str | None = None
    fte: Decimal | None = None
    termination_type: str | None = None
    regretted: bool | None = None
    attributes: dict[str, Any] | None = None
    salary: Decimal | None = None
    currency: str | None = None


class PersonPage(Schema):
    items: list[PersonOut]
    count: int


class TeamOut(Schema):
    slug: str
    name: str
    type: str
    mission: str
    department: str | None
    lead_employee_id: str | None
    size: int


class TeamDetailOut(TeamOut):
    members: list[PersonOut]


class TeamPage(Schema):
    items: list[TeamOut]
    count: int


class RoleOut(Schema):
    slug: str
    title: str
    description: str
    summary: str
    sections: list[dict[str, Any]]


class RolePage(Schema):
    items: list[RoleOut]
    count: int


# --- writes ---------------------------------------------------------------------------------
# People, teams and departments are named by employee_id and slug in the API (machine clients);
# the browser forms pick them by name.


class PersonIn(Schema):
    employee_id: str
    name: str
    start_date: date
    emails: list[str] = []
    title: str = ""
    level: str = ""
    track: str = "ic"
    team: str | None = None
    manager_employee_id: str | None = None
    location: str = ""
    timezone: str = ""
    end_date: date | None = None
    department: str | None = None
    employment_type: str = ""
    fte: Decimal | None = None
    termination_type: str = ""
    regretted: bool | None = None
    salary: Decimal | None = None
    currency: str = ""


class PersonPatch(Schema):
    """Only the fields given are changed; `on` is when a new team or manager applies."""

    name: str | None = None
    emails: list[str] | None = None
    title: str | None = None
    level: str | None = None
    track: str | None = None
    team: str | None = None
    manager_employee_id: str | None = None
    location: str | None = None
    timezone: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    department: str | None = None
    employment_type: str | None = None
    fte: Decimal | None = None
    termination_type: str | None = None
    regretted: bool | None = None
    salary: Decimal | None = None
    currency: str | None = None
    on: date | None = None


class TeamMoveIn(Schema):
    team: str
    on: date


class TeamIn(Schema):
    slug: str
    name: str
    type: str
    mission: str = ""
    department: str | None = None
    lead_employee_id: str | None = None


class TeamPatch(Schema):
    name: str | None = None
    type: str | None = None
    mission: str | None = None
    department: str | None = None
    lead_employee_id: str | None = None


class DepartmentIn(Schema):
    slug: str
    name: str
    parent: str | None = None


class DepartmentPatch(Schema):
    name: str | None = None
    parent: str | None = None


class DepartmentOut(Schema):
    slug: str
    name: str
    parent: str | None


class RoleIn(Schema):
    title: str
    description: str = ""
    body: str


class RolePatch(Schema):
    title: str | None = None
    description: str | None = None
    body: str | None = None
