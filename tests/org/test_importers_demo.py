"""The demo organization (built by the services, not the importers), written out in the import
formats and imported again, is unchanged: the importers read what the model holds."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.demo.company import REFERENCE_DATE
from steward.org.models import Person, Team

pytestmark = pytest.mark.django_db

PEOPLE_COLUMNS = [
    "employee_id", "name", "email", "title", "level", "track", "team", "manager_employee_id",
    "location", "employment_type", "start_date", "end_date", "salary", "currency", "department",
    "fte", "timezone", "termination_type", "regretted",
]  # fmt: skip


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def test_demo_people_and_teams_reimport_unchanged(tmp_path: Path) -> None:
    people = list(
        Person.objects.select_related("team", "manager", "department").prefetch_related("emails")
    )
    assert len(people) > 100
    people_path = tmp_path / "people.csv"
    with people_path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(PEOPLE_COLUMNS)
        for p in people:
            out.writerow(
                _text(v)
                for v in (
                    p.employee_id, p.name,
                    ";".join(e.email for e in sorted(p.emails.all(), key=lambda e: e.position)),
                    p.title, p.level, p.track, p.team.slug if p.team else "",
                    p.manager.employee_id if p.manager else "", p.location, p.employment_type,
                    p.start_date, p.end_date, p.salary, p.currency,
                    p.department.slug if p.department else "", p.fte, p.timezone,
                    p.termination_type, p.regretted,
                )
            )  # fmt: skip
    teams_path = tmp_path / "teams.csv"
    with teams_path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["slug", "name", "type", "parent", "lead_employee_id", "mission"])
        for t in Team.objects.select_related("department", "lead"):
            out.writerow(
                [t.slug, t.name, t.type, t.department.slug if t.department else "",
                 t.lead.employee_id if t.lead else "", t.mission]
            )  # fmt: skip

    teams = run_import("teams", teams_path, today=REFERENCE_DATE, actor=SYSTEM)
    assert teams.counts() == {
        "added": 0, "changed": 0, "unchanged": Team.objects.count(), "ended": 0
    }  # fmt: skip
    diff = run_import("people", people_path, today=REFERENCE_DATE, actor=SYSTEM)
    assert [c.as_dict() for c in diff.changes if c.kind != "unchanged"] == []
    assert diff.counts()["unchanged"] == len(people)
