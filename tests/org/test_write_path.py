"""One write path for people: the CSV importer, org as code, the form, the API and the services
refuse the same thing with the same message, and the person field list is written out once."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import User
from django.test import Client

from steward.core.auth import token_create
from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.org import orgcode, people, services
from steward.org.errors import OrgError
from steward.org.models import Person, ReportingLine

pytestmark = pytest.mark.django_db

FIX = "give one of them a manager outside the cycle (or none)"
CSV_HEADER = (
    "employee_id,name,email,title,level,track,team,manager_employee_id,location,"
    "employment_type,start_date,end_date"
)


def _pair() -> tuple[Person, Person]:
    """A manager M and one of their reports P, M's id sorting first (the first in every input)."""
    for report in Person.objects.filter(manager__isnull=False, end_date__isnull=True).order_by(
        "employee_id"
    ):
        manager = report.manager
        assert manager is not None
        if manager.end_date is None and manager.employee_id < report.employee_id:
            return manager, report
    raise AssertionError("the demo company has no manager with a report")


def _cycle(manager: Person, report: Person) -> str:
    """What every writer says when `manager` is made to report to `report` (hand-written)."""
    m, p = manager.employee_id, report.employee_id
    return f"manager cycle: {m} -> {p} -> {m}"


def _csv_row(person: Person, manager_id: str) -> str:
    emails = ";".join(e.email for e in person.emails.all())
    return ",".join(
        [
            person.employee_id,
            person.name,
            emails,
            person.title,
            person.level,
            person.track,
            person.team.slug if person.team else "",
            manager_id,
            person.location,
            person.employment_type,
            person.start_date.isoformat(),
            "",
        ]
    )


def test_a_reporting_cycle_is_refused_with_one_message_by_every_writer(
    tmp_path: Path,
    client_as,  # type: ignore[no-untyped-def]
) -> None:
    manager, report = _pair()
    expected = _cycle(manager, report)
    lines_before = ReportingLine.objects.count()

    # The service (and so the scenarios that change managers).
    with pytest.raises(OrgError) as caught:
        services.person_set_manager(
            actor=SYSTEM, person=manager, manager=report, on=date(2026, 12, 1)
        )
    assert caught.value.fields == {"manager": [f"{expected} ({FIX})"]}

    # The HRIS CSV import.
    path = tmp_path / "people.csv"
    path.write_text(f"{CSV_HEADER}\n{_csv_row(manager, report.employee_id)}\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as csv_caught:
        run_import("people", path, actor=SYSTEM)
    assert [str(p) for p in csv_caught.value.problems] == [
        f"{path}:2: column manager_employee_id: {expected} (fix: {FIX})"
    ]

    # Org as code: the whole organization exported, the manager's manager changed.
    folder = tmp_path / "org"
    orgcode.export_org(folder, actor=SYSTEM)
    records = yaml.safe_load((folder / "people.yaml").read_text(encoding="utf-8"))
    for record in records:
        if record["employee_id"] == manager.employee_id:
            record["manager"] = report.employee_id
    (folder / "people.yaml").write_text(orgcode.dump_yaml(records), encoding="utf-8")
    with pytest.raises(InvalidInput) as yaml_caught:
        orgcode.import_org(folder)
    texts = [str(p) for p in yaml_caught.value.problems]
    assert any(t.endswith(f"key 'manager': {expected} (fix: {FIX})") for t in texts), texts
    assert all(expected in t for t in texts), texts  # the reports below M run into it too

    # The write API.
    _, raw = token_create(user=User.objects.get(username="cto"), name="test")
    response = Client().patch(
        f"/api/v1/org/people/{manager.employee_id}",
        {"manager_employee_id": report.employee_id},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "manager"], "msg": f"{expected} ({FIX})", "type": "value_error"}
    ]

    # The person form.
    form = {
        "name": manager.name,
        "track": manager.track,
        "start_date": manager.start_date.isoformat(),
        "team": manager.team.name if manager.team else "",
        "manager": f"{report.name} ({report.employee_id})",
        "fte": "1.00",
        "regretted": "unknown",
    }
    page = client_as("cto").post(f"/org/people/{manager.employee_id}/edit/", form)
    assert page.status_code == 422
    assert f"{expected} ({FIX})".replace(">", "&gt;") in page.content.decode()

    manager.refresh_from_db()
    assert manager.manager != report
    assert ReportingLine.objects.count() == lines_before


def test_an_unknown_team_and_a_taken_address_say_the_same_in_the_import_and_the_service(
    tmp_path: Path,
) -> None:
    _, report = _pair()
    taken = report.emails.first()
    assert taken is not None
    path = tmp_path / "people.csv"
    row = f"E9999,Nine,{taken.email},,,ic,nowhere,,,,2026-01-01,"
    path.write_text(f"{CSV_HEADER}\n{row}\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        run_import("people", path, actor=SYSTEM)
    csv = {p.column: (p.message, p.hint) for p in caught.value.problems}
    assert csv == {
        "team": (
            "unknown team 'nowhere'",
            "import teams first (steward import teams FILE) or fix the slug",
        ),
        "email": (
            f"email '{taken.email}' already belongs to {report.employee_id}",
            f"remove it here, or from {report.employee_id} first",
        ),
    }
    with pytest.raises(OrgError) as error:
        services.person_upsert_many(
            actor=SYSTEM,
            rows=[
                people.PersonRow(
                    employee_id="E9999",
                    name="Nine",
                    start_date=date(2026, 1, 1),
                    team="nowhere",
                    emails=[taken.email],
                )
            ],
        )
    assert error.value.fields == {
        "team": [f"{csv['team'][0]} ({csv['team'][1]})"],
        "emails": [f"{csv['email'][0]} ({csv['email'][1]})"],
    }
    assert not Person.objects.filter(employee_id="E9999").exists()


def test_upsert_many_writes_in_bulk_and_derives_history() -> None:
    manager, _ = _pair()
    rows = [
        people.PersonRow(
            employee_id=f"B{n:03d}",
            name=f"Bulk {n}",
            start_date=date(2026, 1, 5),
            manager=manager.employee_id if n == 0 else "B000",
            emails=[f"bulk{n}@example.com"],
        )
        for n in range(3)
    ]
    kinds = services.person_upsert_many(actor=SYSTEM, rows=rows, on=date(2026, 2, 1))
    assert kinds == {"B000": "added", "B001": "added", "B002": "added"}
    b1 = Person.objects.get(employee_id="B001")
    assert b1.manager is not None and b1.manager.employee_id == "B000"
    line = ReportingLine.objects.get(person=b1)
    assert (line.start, line.end) == (date(2026, 1, 5), None)
    # Again with B002 moved under B001 from March: the old line ends, a new one begins.
    rows[2].manager = "B001"
    again = services.person_upsert_many(actor=SYSTEM, rows=rows, on=date(2026, 3, 1))
    assert again == {"B000": "unchanged", "B001": "unchanged", "B002": "changed"}
    history = [
        (r.manager.employee_id, r.start, r.end)
        for r in ReportingLine.objects.filter(person__employee_id="B002").order_by("start")
    ]
    assert history == [
        ("B000", date(2026, 1, 5), date(2026, 3, 1)),
        ("B001", date(2026, 3, 1), None),
    ]


# Files that write people; a list of person fields written out in them is a second copy.
WRITERS = ("services.py", "importers.py", "orgcode.py", "people.py", "forms.py", "api.py")
# The HRIS CSV's columns are a file format (CONTRACT.md), named by the format, not the model.
FORMATS = {("importers.py", "PEOPLE_COLUMNS")}


def _literal_field_lists(source: str) -> list[tuple[str, int]]:
    """Names and lines of literal tuples, lists, sets and constant dicts naming 8+ fields."""
    fields = set(people.FIELDS)
    found = []
    tree = ast.parse(source)
    names = {
        id(node.value): target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and node.value is not None
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = node.elts
        elif isinstance(node, ast.Dict) and all(isinstance(v, ast.Constant) for v in node.values):
            items = [k for k in node.keys if k is not None]
        else:
            continue
        strings = {e.value for e in items if isinstance(e, ast.Constant)}
        if len(fields & strings) >= 8:
            found.append((names.get(id(node), "?"), node.lineno))
    return found


def test_the_person_field_list_is_written_out_once() -> None:
    folder = Path(people.__file__).parent
    copies = [
        (name, variable, line)
        for name in WRITERS
        for variable, line in _literal_field_lists((folder / name).read_text(encoding="utf-8"))
        if (name, variable) not in FORMATS
    ]
    assert copies == []
    # The checker finds a copy when there is one.
    probe = "X = ('name', 'title', 'level', 'track', 'team', 'manager', 'location', 'fte')"
    assert _literal_field_lists(probe) == [("X", 1)]
