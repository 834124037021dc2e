"""Org as code: export -> import into an empty database -> export is byte-identical; validation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from typer.testing import CliRunner

from steward.cli import app
from steward.core.errors import InvalidInput
from steward.core.policy import SYSTEM
from steward.org import orgcode
from steward.org.models import (
    EmploymentSpell,
    Person,
    PersonEmail,
    ReportingLine,
    RoleDescription,
    Team,
)
from tests.conftest import wipe_org

pytestmark = pytest.mark.django_db

OWN_FILES = ("departments.yaml", "teams.yaml", "people.yaml", "roles.yaml")

# A hand-written organization in exactly the canonical form the export writes: unicode names,
# a leaver, a re-hire with two spells, a person without team or manager, extra attributes.
DEPARTMENTS = """\
# Departments and groups; `parent` nests them.
- slug: eng
  name: Engineering
- slug: plat
  name: Plattform & Infrastruktur
  parent: eng
"""
TEAMS = """\
# Teams: Team Topologies type, department, lead (an employee_id) and mission.
- slug: kern
  name: Kern-Team Ü
  type: platform
  department: plat
  lead: P002
  mission: |
    Keep the core fast.
    Ship weekly: «immer».
- slug: leer
  name: Leeres Team
  type: enabling
"""
PEOPLE = """\
# People, leavers included, with employment spells, team and manager history.
- employee_id: P001
  name: Zoë Ångström
  emails:
  - zoe@example.org
  title: Chief Technology Officer
  track: manager
  department: eng
  fte: 1.00
  start_date: 2018-01-01
  salary: 150000.00
  currency: EUR
  employment:
  - start: 2018-01-01
- employee_id: P002
  name: 渡辺 健
  emails:
  - ken@example.org
  - ken.watanabe@old.example.org
  title: Staff Engineer
  level: L4
  track: ic
  team: kern
  manager: P001
  department: plat
  location: Tōkyō
  timezone: Asia/Tokyo
  employment_type: full-time
  fte: 0.80
  start_date: 2022-03-01
  salary: 9800000.00
  currency: JPY
  employment:
  - start: 2019-01-01
    end: 2020-07-01
    termination_type: voluntary
    regretted: true
  - start: 2022-03-01
  team_history:
  - team: kern
    start: 2019-01-01
    end: 2020-07-01
  - team: kern
    start: 2022-03-01
  manager_history:
  - manager: P001
    start: 2022-03-01
- employee_id: P003
  name: Søren O'Brien
  emails:
  - soren@example.org
  title: Engineer
  level: L2
  track: ic
  team: kern
  manager: P002
  fte: 1.00
  start_date: 2021-02-15
  end_date: 2024-05-01
  termination_type: involuntary
  regretted: false
  salary: 70000.50
  currency: EUR
  attributes:
    badge: '0042'
    remote: true
  employment:
  - start: 2021-02-15
    end: 2024-05-01
    termination_type: involuntary
    regretted: false
  team_history:
  - team: kern
    start: 2021-02-15
    end: 2024-05-01
  manager_history:
  - manager: P001
    start: 2021-02-15
    end: 2022-03-01
  - manager: P002
    start: 2022-03-01
    end: 2024-05-01
"""
ROLES = """\
# Role descriptions: YAML front matter and Markdown body.
- slug: staff-engineer
  front_matter:
    title: Staff Engineeer
    description: Technical leadership without reports
    tags:
    - ic
    - leadership
  body: |
    Leads across teams.

    ## Responsibilities

    - Sets technical direction.
    - Mentors seniors.
"""


def _write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def _fixture(folder: Path) -> Path:
    return _write(folder, departments=DEPARTMENTS, teams=TEAMS, people=PEOPLE, roles=ROLES)


def _read(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_an_empty_organization_exports_empty_lists(tmp_path: Path, empty_org: None) -> None:
    orgcode.export_org(tmp_path / "a", actor=SYSTEM)
    assert (tmp_path / "a" / "people.yaml").read_text(encoding="utf-8").endswith("[]\n")
    plan = orgcode.import_org(tmp_path / "a")
    assert not plan.has_changes()


@pytest.mark.slow
def test_demo_round_trip_byte_identical(tmp_path: Path) -> None:
    people = Person.objects.count()
    emails = PersonEmail.objects.count()
    spells = EmploymentSpell.objects.count()
    orgcode.export_org(tmp_path / "a", actor=SYSTEM)
    exported = _read(tmp_path / "a")
    assert exported["people.yaml"].decode().count("- employee_id: ") == people
    # Wipe the organization inside this test's transaction, import, export again.
    wipe_org()
    assert Person.objects.count() == 0
    plan = orgcode.import_org(tmp_path / "a")
    assert len(plan.summary()["people"]["added"]) == people
    assert PersonEmail.objects.count() == emails
    assert EmploymentSpell.objects.count() == spells
    orgcode.export_org(tmp_path / "b", actor=SYSTEM)
    assert _read(tmp_path / "b") == exported


def test_reimport_into_the_same_database_writes_nothing(tmp_path: Path) -> None:
    orgcode.export_org(tmp_path / "a", actor=SYSTEM)
    log_entries = LogEntry.objects.count()
    plan = orgcode.import_org(tmp_path / "a")
    assert not plan.has_changes()
    counts = plan.summary()
    assert counts["people"]["unchanged"] == Person.objects.count()
    assert counts["teams"]["unchanged"] == Team.objects.count()
    assert LogEntry.objects.count() == log_entries


def test_hand_made_fixture_imports_and_exports_identically(tmp_path: Path, empty_org: None) -> None:
    source = _fixture(tmp_path / "in")
    orgcode.import_org(source)
    ken = Person.objects.get(employee_id="P002")
    assert ken.name == "渡辺 健"
    assert ken.salary == Decimal("9800000.00") and ken.fte == Decimal("0.80")
    assert ken.manager.employee_id == "P001"
    assert list(ken.emails.values_list("email", flat=True)) == [
        "ken@example.org",
        "ken.watanabe@old.example.org",
    ]
    assert list(ken.spells.order_by("start_date").values_list("start_date", "end_date")) == [
        (date(2019, 1, 1), date(2020, 7, 1)),
        (date(2022, 3, 1), None),
    ]
    soren = Person.objects.get(employee_id="P003")
    assert soren.end_date == date(2024, 5, 1) and soren.regretted is False
    assert soren.attributes == {"badge": "0042", "remote": True}
    assert ReportingLine.objects.filter(person=soren).count() == 2
    zoe = Person.objects.get(employee_id="P001")
    assert zoe.team is None and zoe.manager is None
    kern = Team.objects.get(slug="kern")
    assert kern.lead == ken and kern.department.parent.slug == "eng"
    assert kern.mission == "Keep the core fast.\nShip weekly: «immer».\n"
    role = RoleDescription.objects.get(slug="staff-engineer")
    assert role.title == "Staff Engineeer"  # typo kept as given
    assert role.metadata == {"tags": ["ic", "leadership"]}
    assert [s["heading"] for s in role.sections] == ["Responsibilities"]
    orgcode.export_org(tmp_path / "out", actor=SYSTEM)
    for name in OWN_FILES:
        assert (tmp_path / "out" / name).read_bytes() == (source / name).read_bytes(), name


def test_loose_input_is_normalized_and_then_stable(tmp_path: Path, empty_org: None) -> None:
    loose = """\
- name: Ana
  employee_id: '0012'
  start_date: '2020-01-01'
  salary: 98000
  currency: EUR
  emails: [Ana@Example.org]
"""
    orgcode.import_org(_write(tmp_path / "in", people=loose))
    ana = Person.objects.get(employee_id="0012")
    assert ana.salary == Decimal("98000.00") and ana.fte == Decimal("1.00")
    orgcode.export_org(tmp_path / "out", actor=SYSTEM)
    text = (tmp_path / "out" / "people.yaml").read_text(encoding="utf-8")
    assert "- employee_id: '0012'\n  name: Ana\n  emails:\n  - Ana@Example.org\n" in text
    assert "  salary: 98000.00\n" in text
    assert not orgcode.import_org(tmp_path / "out").has_changes()
    assert not orgcode.import_org(tmp_path / "in").has_changes()


def test_dry_run_reports_changes_and_writes_nothing(tmp_path: Path, empty_org: None) -> None:
    source = _fixture(tmp_path / "in")
    orgcode.import_org(source)
    people = PEOPLE.replace("title: Engineer\n", "title: Senior Engineer\n").replace(
        "  - ken.watanabe@old.example.org\n", ""
    )
    people += "- employee_id: P004\n  name: Neu\n  start_date: 2026-01-05\n"
    (source / "people.yaml").write_text(people, encoding="utf-8")
    (source / "teams.yaml").write_text(TEAMS.split("- slug: leer")[0], encoding="utf-8")
    plan = orgcode.import_org(source, dry_run=True)
    summary = plan.summary()
    assert summary["people"]["added"] == ["P004"]
    assert summary["people"]["changed"] == {"P002": ["emails"], "P003": ["title"]}
    assert summary["people"]["unchanged"] == 1
    assert summary["teams"]["kept"] == ["leer"]
    assert "  ~ P003: title" in plan.lines()
    assert Person.objects.get(employee_id="P003").title == "Engineer"
    assert not Person.objects.filter(employee_id="P004").exists()
    plan = orgcode.import_org(source)
    assert Person.objects.get(employee_id="P003").title == "Senior Engineer"
    assert PersonEmail.objects.filter(person__employee_id="P002").count() == 1
    assert Team.objects.filter(slug="leer").exists()  # not deleted, only reported
    assert not orgcode.import_org(source).has_changes()


def test_email_may_move_between_people(tmp_path: Path, empty_org: None) -> None:
    source = _fixture(tmp_path / "in")
    orgcode.import_org(source)
    moved = PEOPLE.replace("  - ken.watanabe@old.example.org\n", "").replace(
        "  - soren@example.org\n", "  - soren@example.org\n  - ken.watanabe@old.example.org\n"
    )
    (source / "people.yaml").write_text(moved, encoding="utf-8")
    orgcode.import_org(source)
    assert PersonEmail.objects.get(email="ken.watanabe@old.example.org").person.employee_id == (
        "P003"
    )


BROKEN_PEOPLE = """\
- employee_id: X1
  name: Ann
  start_date: 2020-13-01
- employee_id: X2
  name: Bob
  start_date: 2020-01-01
  manager: X3
  colour: blue
- employee_id: X3
  name: Cy
  start_date: 2020-01-01
  manager: X2
  team: nowhere
  fte: 1.5
- employee_id: X1
  name: Ann again
  start_date: 2020-01-01
"""


def test_every_problem_is_reported_with_file_line_and_key(tmp_path: Path) -> None:
    folder = _write(tmp_path / "in", people=BROKEN_PEOPLE)
    people_before = Person.objects.count()
    with pytest.raises(InvalidInput) as caught:
        orgcode.import_org(folder)
    found = {(p.file, p.line, p.message.split(":")[0]) for p in caught.value.problems}
    assert found == {
        ("people.yaml", 3, "key 'start_date'"),  # not a date
        ("people.yaml", 8, "key 'colour'"),  # unknown key
        ("people.yaml", 14, "key 'fte'"),  # out of range
        ("people.yaml", 15, "key 'employee_id'"),  # duplicate
        ("people.yaml", 13, "key 'team'"),  # unknown team
        ("people.yaml", 7, "key 'manager'"),  # cycle X2 -> X3 -> X2
        ("people.yaml", 12, "key 'manager'"),  # the same cycle seen from X3
    }
    messages = "\n".join(str(p) for p in caught.value.problems)
    assert "people.yaml:3: column 15: key 'start_date': '2020-13-01' is not a date" in messages
    assert "accepted keys: employee_id, name, emails" in messages
    assert "'X1' is already on line 1" in messages
    assert Person.objects.count() == people_before


def test_yaml_syntax_and_unknown_files_are_problems(tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "in", teams="- slug: a\n  name: [unclosed\n  type: platform\n", peple="[]\n"
    )
    with pytest.raises(InvalidInput) as caught:
        orgcode.import_org(folder)
    problems = {(p.file, p.line) for p in caught.value.problems}
    assert ("peple.yaml", None) in problems
    assert any(p.file == "teams.yaml" and p.line == 3 for p in caught.value.problems)
    assert len(problems) == 2


@pytest.mark.slow
def test_cli_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = _write(tmp_path / "in", people=BROKEN_PEOPLE)
    result = runner.invoke(app, ["import-all", str(folder)])
    assert result.exit_code == 2
    result = runner.invoke(app, ["import-all", str(tmp_path / "missing")])
    assert result.exit_code == 2
    result = runner.invoke(app, ["export", str(tmp_path / "out"), "--as", "nobody"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["export", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0
    assert f'"people": {Person.objects.count()}' in result.stdout
    result = runner.invoke(app, ["import-all", str(tmp_path / "out"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"people: 0 added, 0 changed, {Person.objects.count()} unchanged" in result.stdout


def test_export_as_engineer_hides_salaries_and_leavers(tmp_path: Path) -> None:
    engineer = User.objects.get(username="engineer")
    me = Person.objects.get(user=engineer)
    orgcode.export_org(tmp_path / "eng", actor=engineer)
    text = (tmp_path / "eng" / "people.yaml").read_text(encoding="utf-8")
    today = date.today()
    expected = sorted(
        p.employee_id
        for p in Person.objects.all()
        if p.pk == me.pk or (p.start_date <= today and (p.end_date is None or p.end_date > today))
    )
    listed = [line.split(": ")[1] for line in text.splitlines() if "- employee_id: " in line]
    assert listed == expected
    for block in text.split("- employee_id: ")[1:]:
        if block.startswith(f"{me.employee_id}\n"):
            assert f"  salary: {me.salary}\n" in block
            assert "  employment:\n" in block  # their own HR record
        else:
            assert "salary: " not in block and "currency: " not in block
            assert "employment:" not in block and "fte: " not in block
    for other in Person.objects.exclude(pk=me.pk).exclude(salary=None):
        assert f": {other.salary}\n" not in text
    manifest = (tmp_path / "eng" / "steward.yaml").read_text(encoding="utf-8")
    assert "exported_as: engineer" in manifest
    with pytest.raises(InvalidInput, match="partial export"):
        orgcode.import_org(tmp_path / "eng")


def test_export_as_finance_holds_every_salary(tmp_path: Path) -> None:
    orgcode.export_org(tmp_path / "fin", actor=User.objects.get(username="finance"))
    text = (tmp_path / "fin" / "people.yaml").read_text(encoding="utf-8")
    assert text.count("  salary: ") == Person.objects.exclude(salary=None).count()


def test_registry_orders_kinds_by_their_references() -> None:
    names = [k.name for k in orgcode.ordered_kinds()]
    assert names.index("departments") < names.index("teams") < names.index("people")
    extra = orgcode.Kind(
        name="zz-test",
        file="zz-test.yaml",
        key="id",
        export=lambda scope: [],
        parse=lambda item: None,
        apply=lambda plan: None,
        after=("people",),
    )
    early = orgcode.Kind(
        name="aa-test",
        file="aa-test.yaml",
        key="id",
        export=lambda scope: [],
        parse=lambda item: None,
        apply=lambda plan: None,
    )
    orgcode.register(extra)
    orgcode.register(early)
    try:
        names = [k.name for k in orgcode.ordered_kinds()]
        assert names.index("zz-test") > names.index("people")
        assert names[-1] == "aa-test"  # no references: keeps its registration place
    finally:
        del orgcode.KINDS["zz-test"]
        del orgcode.KINDS["aa-test"]


def test_export_as_manager_adds_their_subtree_with_hr_fields_but_no_salaries(
    tmp_path: Path,
) -> None:
    manager = User.objects.get(username="manager")
    me = Person.objects.get(user=manager)
    reports: dict[int, list[Person]] = {}
    for person in Person.objects.all():
        reports.setdefault(person.manager_id or 0, []).append(person)
    subtree, stack = set(), [me.pk]
    while stack:
        for child in reports.get(stack.pop(), []):
            subtree.add(child.employee_id)
            stack.append(child.pk)
    leavers = {p.employee_id for p in Person.objects.exclude(end_date=None)}
    assert subtree & leavers  # the demo manager has someone who left
    orgcode.export_org(tmp_path / "mgr", actor=manager)
    text = (tmp_path / "mgr" / "people.yaml").read_text(encoding="utf-8")
    blocks = {b.split("\n", 1)[0]: b for b in text.split("- employee_id: ")[1:]}
    assert subtree <= set(blocks)
    assert not (leavers - subtree - {me.employee_id}) & set(blocks)  # other leavers hidden
    for employee_id in subtree:
        assert "  employment:\n" in blocks[employee_id]  # HR record of their reports
        assert "salary: " not in blocks[employee_id]
    assert "  salary: " in blocks[me.employee_id]


def test_slugs_and_team_types_are_checked(tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "in",
        departments="- slug: Not A Slug\n  name: X\n",
        teams="- slug: ok\n  name: Ok\n  type: squad\n",
    )
    with pytest.raises(InvalidInput) as caught:
        orgcode.import_org(folder)
    assert sorted(str(p) for p in caught.value.problems) == [
        "departments.yaml:1: column 9: key 'slug': 'Not A Slug' is not a slug "
        "(fix: use a-z, 0-9, '-' and '_' only)",
        "teams.yaml:3: column 9: key 'type': 'squad' is not accepted "
        "(fix: one of: stream-aligned, platform, enabling, complicated-subsystem)",
    ]
