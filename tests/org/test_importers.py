"""Importers of people, teams and roles: good files, every kind of bad input, history, audit, CLI.

Expected records are written out by hand from the CSV text in each test.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from typer.testing import CliRunner

from steward.cli import app
from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.org.models import (
    Department,
    EmploymentSpell,
    Person,
    PersonEmail,
    ReportingLine,
    RoleDescription,
    Team,
    TeamMembership,
)

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 11, 27)
HEADER = (
    "employee_id,name,email,title,level,track,team,manager_employee_id,location,"
    "employment_type,start_date,end_date,salary,currency"
)
TEAMS = """slug,name,type,parent,lead_employee_id,mission
payments,Payments,stream-aligned,engineering,,Take the money
platform,Platform,platform,engineering,,The paved road
"""
PEOPLE = f"""{HEADER},department,fte,timezone,termination_type,regretted,shirt
E1,Ada Lovelace,ada@ex.io;ada@old.ex.io,CTO,M5,manager,,,Berlin,full-time,2020-01-01,,150000,EUR,Engineering,,Europe/Berlin,,,L
E2,Bob Builder,Bob@Ex.io,Engineer,L3,ic,payments,E1,Lisbon,full-time,2021-02-01,,60000.50,eur,data,0.8,,,,M
E3,Cy Leaver,cy@ex.io,Engineer,L2,ic,platform,E1,Lisbon,contractor,2021-02-01,2023-05-01,,,,,,voluntary,yes,
"""  # noqa: E501


@pytest.fixture(autouse=True)
def _empty(db, request: pytest.FixtureRequest) -> None:  # type: ignore[no-untyped-def]
    """An empty organization (`empty_org` also removes the other apps' rows that protect it)."""
    request.getfixturevalue("empty_org")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path) -> tuple[Path, Path]:
    """Import the teams and people above; return the two files."""
    teams = write(tmp_path, "teams.csv", TEAMS)
    people = write(tmp_path, "people.csv", PEOPLE)
    run_import("teams", teams, today=TODAY, actor=SYSTEM)
    run_import("people", people, today=TODAY, actor=SYSTEM)
    return teams, people


def problems(tmp_path: Path, text: str, kind: str = "people") -> list[str]:
    """The problems of importing `text`, as the CLI prints them (file name relative)."""
    path = write(tmp_path, f"{kind}.csv", text)
    with pytest.raises(InvalidInput) as info:
        run_import(kind, path, today=TODAY, actor=SYSTEM)
    return [str(p).replace(str(tmp_path) + "/", "") for p in info.value.problems]


def snapshot() -> dict[str, int]:
    """Row counts of everything an import may write (to prove nothing was written)."""
    models = (
        Person,
        PersonEmail,
        EmploymentSpell,
        TeamMembership,
        ReportingLine,
        Team,
        Department,
        RoleDescription,
        LogEntry,
    )
    return {m.__name__: m.objects.count() for m in models}


# Good files.


def test_people_and_teams_import_into_the_records_the_files_describe(tmp_path: Path) -> None:
    load(tmp_path)
    ada = Person.objects.get(employee_id="E1")
    assert (ada.name, ada.title, ada.level, ada.track, ada.location) == (
        "Ada Lovelace",
        "CTO",
        "M5",
        "manager",
        "Berlin",
    )
    assert ada.team is None and ada.manager is None
    assert ada.department is not None and ada.department.slug == "engineering"  # matched by name
    assert (ada.salary, ada.currency, ada.fte) == (Decimal("150000.00"), "EUR", Decimal("1.00"))
    assert ada.timezone == "Europe/Berlin"
    assert ada.attributes == {"shirt": "L"}
    assert [e.email for e in ada.emails.order_by("position")] == ["ada@ex.io", "ada@old.ex.io"]

    bob = Person.objects.get(employee_id="E2")
    assert bob.team is not None and bob.team.slug == "payments"
    assert bob.manager == ada
    assert [e.email for e in bob.emails.all()] == ["bob@ex.io"]  # lower-cased
    assert (bob.salary, bob.currency, bob.fte) == (Decimal("60000.50"), "EUR", Decimal("0.80"))
    assert bob.department is not None
    assert (bob.department.slug, bob.department.name) == ("data", "data")  # created
    assert list(
        TeamMembership.objects.filter(person=bob).values_list("team__slug", "start", "end")
    ) == [("payments", date(2021, 2, 1), None)]
    assert list(
        ReportingLine.objects.filter(person=bob).values_list("manager__employee_id", "start", "end")
    ) == [("E1", date(2021, 2, 1), None)]

    cy = Person.objects.get(employee_id="E3")
    assert cy.end_date == date(2023, 5, 1)
    assert (cy.termination_type, cy.regretted, cy.salary, cy.currency) == (
        "voluntary",
        True,
        None,
        "",
    )
    assert list(
        EmploymentSpell.objects.filter(person=cy).values_list(
            "start_date", "end_date", "termination_type", "regretted"
        )
    ) == [(date(2021, 2, 1), date(2023, 5, 1), "voluntary", True)]
    assert list(TeamMembership.objects.filter(person=cy).values_list("start", "end")) == [
        (date(2021, 2, 1), date(2023, 5, 1))
    ]
    assert cy.attributes == {}  # a blank extra value is not kept

    payments = Team.objects.get(slug="payments")
    assert (payments.name, payments.type, payments.mission) == (
        "Payments",
        "stream-aligned",
        "Take the money",
    )
    assert payments.department is not None and payments.department.slug == "engineering"
    assert sorted(Department.objects.values_list("slug", flat=True)) == ["data", "engineering"]


def test_reimport_changes_nothing(tmp_path: Path) -> None:
    teams, people = load(tmp_path)
    before = snapshot()
    again = run_import("people", people, today=TODAY, actor=SYSTEM)
    assert again.counts() == {"added": 0, "changed": 0, "unchanged": 3, "ended": 0}
    assert run_import("teams", teams, today=TODAY, actor=SYSTEM).counts()["unchanged"] == 2
    assert snapshot() == before


def test_dry_run_reports_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    teams = write(tmp_path, "teams.csv", TEAMS)
    before = snapshot()
    diff = run_import("teams", teams, dry_run=True, today=TODAY, actor=SYSTEM)
    assert diff.counts() == {"added": 2, "changed": 0, "unchanged": 0, "ended": 0}
    assert diff.notes == ["department 'engineering' will be created (parent of a team)"]
    assert snapshot() == before

    run_import("teams", teams, today=TODAY, actor=SYSTEM)
    people = write(tmp_path, "people.csv", PEOPLE)
    before = snapshot()
    diff = run_import("people", people, dry_run=True, today=TODAY, actor=SYSTEM)
    assert [(c.kind, c.key, c.line) for c in diff.changes] == [
        ("added", "E1", 2),
        ("added", "E2", 3),
        ("added", "E3", 4),
    ]
    assert diff.notes == ["department 'data' (data) will be created"]
    assert snapshot() == before


def test_changed_fields_show_old_and_new(tmp_path: Path) -> None:
    _, people = load(tmp_path)
    text = people.read_text().replace(
        "E2,Bob Builder,Bob@Ex.io,Engineer,L3", "E2,Bob Builder,Bob@Ex.io,Senior Engineer,L4"
    )
    diff = run_import("people", write(tmp_path, "p2.csv", text), today=TODAY, actor=SYSTEM)
    [change] = diff.of_kind("changed")
    assert (change.key, change.line) == ("E2", 3)
    assert change.fields == {"title": ("Engineer", "Senior Engineer"), "level": ("L3", "L4")}
    assert diff.counts() == {"added": 0, "changed": 1, "unchanged": 2, "ended": 0}
    assert Person.objects.get(employee_id="E2").title == "Senior Engineer"


# History: leavers, moves, re-hires; nobody is deleted.


def test_team_and_manager_change_close_the_old_rows_on_the_import_date(tmp_path: Path) -> None:
    load(tmp_path)
    text = PEOPLE.replace(
        "E2,Bob Builder,Bob@Ex.io,Engineer,L3,ic,payments,E1",
        "E2,Bob Builder,Bob@Ex.io,Engineer,L3,ic,platform,E4",
    )
    text += "E4,Dee Lead,dee@ex.io,EM,M3,manager,platform,E1,Berlin,full-time,2022-01-01,,,,,,,,,\n"
    diff = run_import("people", write(tmp_path, "p2.csv", text), today=TODAY, actor=SYSTEM)
    assert diff.of_kind("changed")[0].fields == {
        "team": ("payments", "platform"),
        "manager": ("E1", "E4"),
    }
    bob = Person.objects.get(employee_id="E2")
    assert list(
        TeamMembership.objects.filter(person=bob)
        .order_by("start")
        .values_list("team__slug", "start", "end")
    ) == [("payments", date(2021, 2, 1), TODAY), ("platform", TODAY, None)]
    assert list(
        ReportingLine.objects.filter(person=bob)
        .order_by("start")
        .values_list("manager__employee_id", "start", "end")
    ) == [("E1", date(2021, 2, 1), TODAY), ("E4", TODAY, None)]
    # The new person's rows start on their start_date.
    dee = Person.objects.get(employee_id="E4")
    assert list(TeamMembership.objects.filter(person=dee).values_list("start", "end")) == [
        (date(2022, 1, 1), None)
    ]


def test_end_date_ends_employment_and_history(tmp_path: Path) -> None:
    load(tmp_path)
    text = PEOPLE.replace(
        "E2,Bob Builder,Bob@Ex.io,Engineer,L3,ic,payments,E1,Lisbon,full-time,2021-02-01,,"
        "60000.50,eur,data,0.8,,,,M",
        "E2,Bob Builder,Bob@Ex.io,Engineer,L3,ic,payments,E1,Lisbon,full-time,2021-02-01,"
        "2026-12-31,60000.50,eur,data,0.8,,involuntary,no,M",
    )
    diff = run_import("people", write(tmp_path, "p2.csv", text), today=TODAY, actor=SYSTEM)
    [ended] = diff.of_kind("ended")
    assert ended.key == "E2"
    assert ended.fields == {
        "end_date": (None, date(2026, 12, 31)),
        "termination_type": ("", "involuntary"),
        "regretted": (None, False),
    }
    bob = Person.objects.get(employee_id="E2")
    assert (bob.end_date, bob.termination_type, bob.regretted) == (
        date(2026, 12, 31),
        "involuntary",
        False,
    )
    assert list(
        EmploymentSpell.objects.filter(person=bob).values_list(
            "start_date", "end_date", "termination_type"
        )
    ) == [(date(2021, 2, 1), date(2026, 12, 31), "involuntary")]
    assert TeamMembership.objects.get(person=bob).end == date(2026, 12, 31)
    assert ReportingLine.objects.get(person=bob).end == date(2026, 12, 31)


def test_a_person_missing_from_a_new_file_is_kept_as_is(tmp_path: Path) -> None:
    load(tmp_path)
    only_ada = "\n".join(PEOPLE.splitlines()[:2]) + "\n"
    diff = run_import("people", write(tmp_path, "p2.csv", only_ada), today=TODAY, actor=SYSTEM)
    assert diff.counts() == {"added": 0, "changed": 0, "unchanged": 1, "ended": 0}
    bob = Person.objects.get(employee_id="E2")
    assert bob.end_date is None
    assert TeamMembership.objects.get(person=bob).end is None


def test_rehire_opens_a_new_spell_with_new_history(tmp_path: Path) -> None:
    load(tmp_path)
    text = PEOPLE.replace(
        "E3,Cy Leaver,cy@ex.io,Engineer,L2,ic,platform,E1,Lisbon,contractor,2021-02-01,"
        "2023-05-01,,,,,,voluntary,yes,",
        "E3,Cy Leaver,cy@ex.io,Engineer,L3,ic,payments,E1,Lisbon,full-time,2024-03-01,,,,,,,,,",
    )
    diff = run_import("people", write(tmp_path, "p2.csv", text), today=TODAY, actor=SYSTEM)
    [change] = diff.of_kind("changed")
    assert change.key == "E3"
    assert change.notes == ["re-hired: new employment spell from 2024-03-01"]
    cy = Person.objects.get(employee_id="E3")
    assert (cy.start_date, cy.end_date, cy.termination_type, cy.regretted) == (
        date(2024, 3, 1),
        None,
        "",
        None,
    )
    assert list(
        EmploymentSpell.objects.filter(person=cy)
        .order_by("start_date")
        .values_list("start_date", "end_date", "termination_type", "regretted")
    ) == [
        (date(2021, 2, 1), date(2023, 5, 1), "voluntary", True),
        (date(2024, 3, 1), None, "", None),
    ]
    assert list(
        TeamMembership.objects.filter(person=cy)
        .order_by("start")
        .values_list("team__slug", "start", "end")
    ) == [("platform", date(2021, 2, 1), date(2023, 5, 1)), ("payments", date(2024, 3, 1), None)]
    assert list(
        ReportingLine.objects.filter(person=cy).order_by("start").values_list("start", "end")
    ) == [(date(2021, 2, 1), date(2023, 5, 1)), (date(2024, 3, 1), None)]
    # The re-hire's file again: unchanged.
    again = run_import("people", write(tmp_path, "p2.csv", text), today=TODAY, actor=SYSTEM)
    assert again.counts()["unchanged"] == 3


def test_emails_and_extra_columns_merge(tmp_path: Path) -> None:
    load(tmp_path)
    # Ada gives up her old address, Bob takes it; a new extra column arrives, `shirt` is absent.
    text = f"""{HEADER},badge
E1,Ada Lovelace,ada@ex.io,CTO,M5,manager,,,Berlin,full-time,2020-01-01,,150000,EUR,B-1
E2,Bob Builder,ada@old.ex.io;bob@ex.io,Engineer,L3,ic,payments,E1,Lisbon,full-time,2021-02-01,,60000.50,EUR,
"""  # noqa: E501
    diff = run_import("people", write(tmp_path, "p2.csv", text), today=TODAY, actor=SYSTEM)
    by_key = {c.key: c for c in diff.changes}
    assert by_key["E1"].fields == {
        "emails": (["ada@ex.io", "ada@old.ex.io"], ["ada@ex.io"]),
        "attributes": ({"shirt": "L"}, {"shirt": "L", "badge": "B-1"}),
    }
    assert by_key["E2"].fields == {"emails": (["bob@ex.io"], ["ada@old.ex.io", "bob@ex.io"])}
    assert list(
        PersonEmail.objects.filter(person__employee_id="E2")
        .order_by("position")
        .values_list("email", "position")
    ) == [("ada@old.ex.io", 0), ("bob@ex.io", 1)]
    # Columns absent from this file (department, fte, ...) keep their values.
    bob = Person.objects.get(employee_id="E2")
    assert (bob.fte, bob.department.slug if bob.department else None) == (Decimal("0.80"), "data")


def test_import_writes_the_audit_log(tmp_path: Path) -> None:
    load(tmp_path)
    person_type = ContentType.objects.get_for_model(Person)
    bob = Person.objects.get(employee_id="E2")
    created = LogEntry.objects.get(content_type=person_type, object_id=bob.pk, action=0)
    assert created.object_repr == "Bob Builder (E2)"
    assert created.changes_dict["employee_id"] == ["None", "E2"]
    assert created.changes_dict["title"] == ["None", "Engineer"]
    assert created.changes_dict["manager"] == ["None", str(bob.manager_id)]
    for model in (PersonEmail, EmploymentSpell, TeamMembership, ReportingLine):
        row = model.objects.filter(person=bob).first()
        assert row is not None
        assert (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id=row.pk, action=0
            ).count()
            == 1
        ), model
    text = PEOPLE.replace("Engineer,L3,ic,payments", "Engineer,L3,ic,platform")
    run_import("people", write(tmp_path, "p2.csv", text), today=TODAY, actor=SYSTEM)
    updated = LogEntry.objects.get(content_type=person_type, object_id=bob.pk, action=1)
    assert updated.changes_dict == {"team": ["payments", "platform"]}
    membership_type = ContentType.objects.get_for_model(TeamMembership)
    closed = TeamMembership.objects.get(person=bob, team__slug="payments")
    entry = LogEntry.objects.get(content_type=membership_type, object_id=closed.pk, action=1)
    assert entry.changes_dict == {"end": ["None", str(TODAY)]}


# Bad input: every problem named by file, line and column; nothing written.


def test_missing_required_columns_name_line_1_and_the_accepted_columns(tmp_path: Path) -> None:
    text = HEADER.replace("start_date,", "").replace("email,", "") + "\nE1,A,,,,,,,,,,\n"
    found = problems(tmp_path, text)
    accepted = (
        "accepted columns: employee_id, name, email, title, level, track, team, "
        "manager_employee_id, location, employment_type, start_date, end_date; optional: salary, "
        "currency, department, fte, timezone, termination_type, regretted"
    )
    assert found == [
        f"people.csv:1: column email: required column is missing (fix: {accepted})",
        f"people.csv:1: column start_date: required column is missing (fix: {accepted})",
    ]


def row(**values: str) -> str:
    """One people CSV line: defaults for a valid person, overridden by `values`."""
    base = {
        "employee_id": "E9",
        "name": "Nine",
        "email": "",
        "title": "",
        "level": "",
        "track": "ic",
        "team": "",
        "manager_employee_id": "",
        "location": "",
        "employment_type": "",
        "start_date": "2024-01-01",
        "end_date": "",
        "salary": "",
        "currency": "",
    }
    base.update(values)
    return ",".join(base.values())


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            row(start_date="2024-02-30"),
            "people.csv:2: column start_date: '2024-02-30' is not a date (fix: write dates as "
            "YYYY-MM-DD)",
        ),
        (
            row(start_date=""),
            "people.csv:2: column start_date: is empty (fix: give a value for start_date)",
        ),
        (
            row(end_date="2023-12-31"),
            "people.csv:2: column end_date: 2023-12-31 is before start_date 2024-01-01 (fix: "
            "end_date must be on or after start_date)",
        ),
        (
            row(track="lead"),
            "people.csv:2: column track: 'lead' is not accepted (fix: use one of: ic, manager)",
        ),
        (
            row(salary="1.2.3", currency="EUR"),
            "people.csv:2: column salary: '1.2.3' is not a number (fix: write a plain number "
            "such as 1234.50 (no thousands separators))",
        ),
        (
            row(salary="12,5", currency="EUR"),
            "people.csv:2: has 15 values but the header has 14 columns (fix: quote values that "
            "contain commas)",
        ),
        (
            row(salary="1000"),
            "people.csv:2: column currency: is empty but salary is given (fix: give the salary's "
            "ISO 4217 currency code, e.g. EUR)",
        ),
        (
            row(salary="1000", currency="EURO"),
            "people.csv:2: column currency: 'EURO' is not an ISO 4217 currency code (fix: use a "
            "three-letter code such as EUR, USD, GBP)",
        ),
        (
            row(salary="-5", currency="EUR"),
            "people.csv:2: column salary: -5 is out of range (fix: give a number at least 0)",
        ),
        (
            row(team="nope"),
            "people.csv:2: column team: unknown team 'nope' (fix: import teams first (steward "
            "import teams FILE) or fix the slug)",
        ),
        (
            row(manager_employee_id="E404"),
            "people.csv:2: column manager_employee_id: unknown manager 'E404' (fix: add a row for "
            "E404, or fix the id)",
        ),
        (
            row(manager_employee_id="E9"),
            "people.csv:2: column manager_employee_id: manager cycle: E9 -> E9 (fix: give one of "
            "them a manager outside the cycle (or none))",
        ),
        (
            row(email="not-an-address"),
            "people.csv:2: column email: 'not-an-address' is not an email address (fix: separate "
            "several addresses with ';')",
        ),
        (row(name=""), "people.csv:2: column name: is empty (fix: give a value for name)"),
    ],
)
def test_each_bad_value_is_named_and_nothing_is_written(
    tmp_path: Path, line: str, expected: str
) -> None:
    run_import("teams", write(tmp_path, "teams.csv", TEAMS), today=TODAY, actor=SYSTEM)
    before = snapshot()
    # The first row is good: it must not be written either.
    good = row(employee_id="E8", name="Eight", email="e8@ex.io")
    text = f"{HEADER}\n{line}\n{good}\n"
    found = problems(tmp_path, text)
    assert expected in found
    assert snapshot() == before


def test_bad_extra_columns_values(tmp_path: Path) -> None:
    text = (
        f"{HEADER},fte,timezone,termination_type,regretted\n"
        + row()
        + ",1.5,Mars/Base,quit,maybe\n"
    )
    assert problems(tmp_path, text) == [
        "people.csv:2: column fte: 1.5 is out of range (fix: give a number greater than 0 and at "
        "most 1)",
        "people.csv:2: column timezone: 'Mars/Base' is not a time zone (fix: use an IANA name "
        "such as Europe/Berlin)",
        "people.csv:2: column termination_type: 'quit' is not accepted (fix: use one of: "
        "voluntary, involuntary, other)",
        "people.csv:2: column regretted: 'maybe' is not yes or no (fix: write yes or no)",
    ]


def test_manager_cycle_names_the_chain(tmp_path: Path) -> None:
    text = (
        "\n".join(
            [
                HEADER,
                row(employee_id="E1", manager_employee_id="E3"),
                row(employee_id="E2", manager_employee_id="E1"),
                row(employee_id="E3", manager_employee_id="E2"),
                row(employee_id="E4", manager_employee_id="E1"),
            ]
        )
        + "\n"
    )
    assert problems(tmp_path, text) == [
        "people.csv:2: column manager_employee_id: manager cycle: E1 -> E3 -> E2 -> E1 (fix: "
        "give one of them a manager outside the cycle (or none))"
    ]
    assert Person.objects.count() == 0


def test_cycle_through_a_stored_person_is_found(tmp_path: Path) -> None:
    load(tmp_path)
    # Ada (stored, not in this file) would report to Bob, who reports to Ada.
    text = (
        f"{HEADER}\n"
        + row(employee_id="E1", name="Ada", manager_employee_id="E2", start_date="2020-01-01")
        + "\n"
    )
    assert problems(tmp_path, text) == [
        "people.csv:2: column manager_employee_id: manager cycle: E1 -> E2 -> E1 (fix: give one "
        "of them a manager outside the cycle (or none))"
    ]


def test_duplicate_ids_and_emails_name_both_lines_or_the_owner(tmp_path: Path) -> None:
    load(tmp_path)
    text = (
        "\n".join(
            [
                HEADER,
                row(employee_id="E7", email="x@ex.io"),
                row(employee_id="E7", email="y@ex.io"),
                row(employee_id="E8", email="X@ex.io"),
                row(employee_id="E9", email="bob@ex.io"),
            ]
        )
        + "\n"
    )
    assert problems(tmp_path, text) == [
        "people.csv:3: column employee_id: duplicate employee_id 'E7': already on line 2 (fix: "
        "keep one row per employee_id)",
        "people.csv:4: column email: duplicate email 'x@ex.io': already on line 2 (E7) (fix: an "
        "address belongs to one person)",
        "people.csv:5: column email: email 'bob@ex.io' already belongs to E2 (fix: remove it "
        "here, or from E2 first)",
    ]


def test_start_date_of_an_earlier_spell_is_refused(tmp_path: Path) -> None:
    load(tmp_path)
    rehired = PEOPLE.replace(
        "contractor,2021-02-01,2023-05-01,,,,,,voluntary,yes", "contractor,2024-03-01,,,,,,,,"
    )
    run_import("people", write(tmp_path, "p2.csv", rehired), today=TODAY, actor=SYSTEM)
    before = snapshot()
    found = problems(tmp_path, PEOPLE)  # the old file again: Cy's row is the first spell
    assert found == [
        "people.csv:4: column start_date: 2021-02-01 is the start of an earlier employment "
        "spell; E3 was re-hired on 2024-03-01 (fix: import the current HRIS export (one row per "
        "person, latest spell))"
    ]
    assert snapshot() == before


def test_all_problems_of_a_file_are_reported_together(tmp_path: Path) -> None:
    text = (
        "\n".join(
            [
                HEADER,
                row(employee_id="E1", start_date="01/02/2024"),
                row(employee_id="E2", team="ghost", manager_employee_id="E0"),
            ]
        )
        + "\n"
    )
    assert [p.split(": ", 2)[:2] for p in problems(tmp_path, text)] == [
        ["people.csv:2", "column start_date"],
        ["people.csv:3", "column team"],
        ["people.csv:3", "column manager_employee_id"],
    ]


# Teams.


def test_teams_bad_rows_and_unknown_leads(tmp_path: Path) -> None:
    text = """slug,name,type,parent,lead_employee_id,mission
payments,Payments,stream-aligned,engineering,,
Bad Slug,X,platform,,,
core,Core,team-of-teams,,,
payments,Again,platform,,,
"""
    assert problems(tmp_path, text, kind="teams") == [
        "teams.csv:3: column slug: 'Bad Slug' is not a slug (fix: use lower-case letters, digits "
        "and hyphens, e.g. payments-core)",
        "teams.csv:4: column type: 'team-of-teams' is not accepted (fix: use one of: "
        "stream-aligned, platform, enabling, complicated-subsystem)",
        "teams.csv:5: column slug: duplicate slug 'payments': already on line 2 (fix: keep one "
        "row per slug)",
    ]
    assert Team.objects.count() == 0


def test_team_lead_unknown_is_a_warning_then_set_by_a_reimport(tmp_path: Path) -> None:
    teams = write(tmp_path, "teams.csv", TEAMS.replace("engineering,,Take", "engineering,E2,Take"))
    first = run_import("teams", teams, today=TODAY, actor=SYSTEM)
    assert first.warnings == [
        f"{teams}:2: lead 'E2' is not a known person yet; the lead is left as it is (import "
        "people, then re-import this file)"
    ]
    assert Team.objects.get(slug="payments").lead is None
    run_import("people", write(tmp_path, "people.csv", PEOPLE), today=TODAY, actor=SYSTEM)
    second = run_import("teams", teams, today=TODAY, actor=SYSTEM)
    assert second.of_kind("changed")[0].fields == {"lead": ("", "E2")}
    lead = Team.objects.get(slug="payments").lead
    assert lead is not None and lead.employee_id == "E2"


# Roles.


def test_role_sample_imports_with_its_title_as_given(tmp_path: Path) -> None:
    diff = run_import("roles", DATA / "role-cto.md", today=TODAY, actor=SYSTEM)
    assert [(c.kind, c.key) for c in diff.changes] == [("added", "cto-role-descriptiom")]
    role = RoleDescription.objects.get(slug="cto-role-descriptiom")
    assert role.title == "CTO Role Descriptiom"
    assert role.description == "Chief Technology Officer Role"
    assert role.sections[0]["heading"] == "Responsibilities"
    assert len(role.sections[0]["children"]) == 6
    again = run_import("roles", DATA / "role-cto.md", today=TODAY, actor=SYSTEM)
    assert again.counts() == {"added": 0, "changed": 0, "unchanged": 1, "ended": 0}


def test_role_folder_imports_every_md_and_reports_bad_files(tmp_path: Path) -> None:
    folder = tmp_path / "roles"
    folder.mkdir()
    shutil.copy(DATA / "role-cto.md", folder / "cto.md")
    (folder / "em.md").write_text("---\ntitle: Engineering Manager\n---\nLeads a team.\n")
    (folder / "notes.txt").write_text("not a role")
    diff = run_import("roles", folder, today=TODAY, actor=SYSTEM)
    assert sorted(c.key for c in diff.changes) == ["cto-role-descriptiom", "engineering-manager"]

    (folder / "broken.md").write_text("# no front matter\n")
    (folder / "untitled.md").write_text("---\ndescription: x\n---\n")
    before = snapshot()
    with pytest.raises(InvalidInput) as info:
        run_import("roles", folder, today=TODAY, actor=SYSTEM)
    assert [str(p) for p in info.value.problems] == [
        f"{folder / 'broken.md'}:1: no YAML front matter (fix: start the file with a '---' line, "
        "then 'title: ...' and 'description: ...', then '---')",
        f"{folder / 'untitled.md'}:2: column 1: front matter: key 'title': is required (fix: add "
        "a line 'title: <role title>')",
    ]
    assert snapshot() == before


# The command line.


def test_cli_exit_codes_and_output(tmp_path: Path) -> None:
    runner = CliRunner()
    teams = write(tmp_path, "teams.csv", TEAMS)
    result = runner.invoke(app, ["import", "teams", str(teams), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["dry_run"] is True
    assert data["counts"] == {"added": 2, "changed": 0, "unchanged": 0, "ended": 0}
    assert Team.objects.count() == 0

    result = runner.invoke(app, ["import", "teams", str(teams)])
    assert result.exit_code == 0, result.output
    assert Team.objects.count() == 2

    bad = write(tmp_path, "bad.csv", f"{HEADER}\n" + row(team="ghost") + "\n")
    result = runner.invoke(app, ["import", "people", str(bad)])
    assert result.exit_code == 2
    assert (
        f"{bad}:2: column team: unknown team 'ghost' (fix: import teams first (steward "
        "import teams FILE) or fix the slug)"
    ) in result.stderr
    assert "nothing was written" in result.stderr
    assert Person.objects.count() == 0
    result = runner.invoke(app, ["import", "people", str(bad), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "problems": [
            {"file": str(bad), "line": 2, "column": "team", "message": "unknown team 'ghost'",
             "hint": "import teams first (steward import teams FILE) or fix the slug"}
        ]
    }  # fmt: skip

    result = runner.invoke(app, ["import", "widgets", str(bad)])
    assert result.exit_code == 2
    assert "no such import kind" in result.stderr


CY_LEFT = "E3,Cy Leaver,cy@ex.io,Engineer,L2,ic,platform,E1,Lisbon,contractor,2021-02-01,2023-05-01,,,,,,voluntary,yes,"  # noqa: E501


def history(employee_id: str) -> tuple[list[tuple[object, ...]], ...]:
    """(spells, memberships, reporting lines) of a person, oldest first."""
    person = Person.objects.get(employee_id=employee_id)
    return (
        list(EmploymentSpell.objects.filter(person=person).order_by("start_date")
             .values_list("start_date", "end_date", "termination_type", "regretted")),
        list(TeamMembership.objects.filter(person=person).order_by("start")
             .values_list("team__slug", "start", "end")),
        list(ReportingLine.objects.filter(person=person).order_by("start")
             .values_list("manager__employee_id", "start", "end")),
    )  # fmt: skip


def test_clearing_end_date_reopens_the_spell_and_its_rows(tmp_path: Path) -> None:
    load(tmp_path)
    text = PEOPLE.replace(CY_LEFT, CY_LEFT.replace("2023-05-01,,,,,,voluntary,yes", ",,,,,,,"))
    diff = run_import("people", write(tmp_path, "p2.csv", text), today=TODAY, actor=SYSTEM)
    [change] = diff.of_kind("changed")
    assert change.fields == {
        "end_date": (date(2023, 5, 1), None),
        "termination_type": ("voluntary", ""),
        "regretted": (True, None),
    }
    start = date(2021, 2, 1)
    assert history("E3") == (
        [(start, None, "", None)],
        [("platform", start, None)],
        [("E1", start, None)],
    )


def test_a_corrected_end_date_moves_the_ends_with_it(tmp_path: Path) -> None:
    load(tmp_path)
    text = PEOPLE.replace(CY_LEFT, CY_LEFT.replace("2023-05-01", "2023-06-30"))
    diff = run_import("people", write(tmp_path, "p2.csv", text), today=TODAY, actor=SYSTEM)
    assert diff.of_kind("changed")[0].fields == {"end_date": (date(2023, 5, 1), date(2023, 6, 30))}
    start, end = date(2021, 2, 1), date(2023, 6, 30)
    assert history("E3") == (
        [(start, end, "voluntary", True)],
        [("platform", start, end)],
        [("E1", start, end)],
    )


def test_a_corrected_start_date_moves_the_starts_with_it(tmp_path: Path) -> None:
    load(tmp_path)
    text = PEOPLE.replace("full-time,2021-02-01,,60000.50", "full-time,2021-03-01,,60000.50")
    diff = run_import("people", write(tmp_path, "p2.csv", text), today=TODAY, actor=SYSTEM)
    assert diff.of_kind("changed")[0].fields == {"start_date": (date(2021, 2, 1), date(2021, 3, 1))}
    start = date(2021, 3, 1)
    assert history("E2") == (
        [(start, None, "", None)],
        [("payments", start, None)],
        [("E1", start, None)],
    )


def test_leaving_a_team_closes_the_membership_on_the_import_date(tmp_path: Path) -> None:
    load(tmp_path)
    text = PEOPLE.replace("Engineer,L3,ic,payments,E1", "Engineer,L3,ic,,E1")
    run_import("people", write(tmp_path, "p2.csv", text), today=TODAY, actor=SYSTEM)
    assert Person.objects.get(employee_id="E2").team is None
    assert history("E2")[1] == [("payments", date(2021, 2, 1), TODAY)]
    # Joining again later opens a new membership from that import's date.
    later = date(2027, 1, 15)
    run_import("people", write(tmp_path, "p3.csv", PEOPLE), today=later, actor=SYSTEM)
    assert history("E2")[1] == [
        ("payments", date(2021, 2, 1), TODAY), ("payments", later, None)
    ]  # fmt: skip


def test_rehire_from_a_file_without_termination_columns_clears_them(tmp_path: Path) -> None:
    load(tmp_path)
    text = f"{HEADER}\n" + row(employee_id="E3", name="Cy Leaver", email="cy@ex.io",
                              start_date="2024-03-01") + "\n"  # fmt: skip
    run_import("people", write(tmp_path, "p2.csv", text), today=TODAY, actor=SYSTEM)
    cy = Person.objects.get(employee_id="E3")
    assert (cy.start_date, cy.end_date, cy.termination_type, cy.regretted) == (
        date(2024, 3, 1), None, "", None
    )  # fmt: skip
    assert history("E3")[0] == [
        (date(2021, 2, 1), date(2023, 5, 1), "voluntary", True),
        (date(2024, 3, 1), None, "", None),
    ]
