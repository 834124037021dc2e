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
