"""Messy and hostile input to the org importers (issue 17, items 2, 5 and 9).

A truncated HRIS row must not wipe pay; a full-width employee ID must match the stored person;
alias bombs in people.yaml, a role's front matter or a scenario file are refused in well under
a second, located, with nothing written; NUL is refused in every imported text.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from typer.testing import CliRunner

from steward.cli import app
from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.engineering.ingest import _catalog_owner
from steward.org import orgcode
from steward.org.models import Person, RoleDescription
from tests.core.test_safe_yaml import BOMB

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 27)
HEADER = (
    "employee_id,name,email,title,level,track,team,manager_employee_id,location,"
    "employment_type,start_date,end_date,salary,currency"
)
PEOPLE = f"""{HEADER}
E1,Ada Lovelace,ada@ex.io,CTO,M5,manager,,,Berlin,full-time,2020-01-01,,150000,EUR
E6,Bob Builder,bob@ex.io,Engineer,L3,ic,,E1,Lisbon,full-time,2021-02-01,,60000.50,EUR
"""


@pytest.fixture(autouse=True)
def _org(empty_org: None) -> None:
    """An empty organization (the demo's is removed inside the test's transaction)."""


def table_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path, kind: str) -> list[str]:
    before = table_counts()
    with pytest.raises(InvalidInput) as info:
        run_import(kind, path, today=TODAY, actor=SYSTEM)
    assert table_counts() == before
    return [str(p).replace(str(path.parent) + "/", "") for p in info.value.problems]


# Item 2: a row cut short after start_date.


def test_a_truncated_people_row_is_refused_and_keeps_the_stored_pay(tmp_path: Path) -> None:
    run_import("people", write(tmp_path, "people.csv", PEOPLE), today=TODAY, actor=SYSTEM)
    cut = f"{HEADER}\nE1,Ada Lovelace,ada@ex.io,CTO,M5,manager,,,Berlin,full-time,2020-01-01,\n"
    assert refused(write(tmp_path, "people.csv", cut), "people") == [
        "people.csv:2: column salary: has 12 values but the header has 14 columns: no value for "
        "salary, currency (fix: give every column a value (an empty one as an empty field, e.g. "
        "',,'); a row cut short is never read as empty values)"
    ]
    ada = Person.objects.get(employee_id="E1")
    assert (ada.salary, ada.currency) == (Decimal("150000.00"), "EUR")


def test_the_cli_exits_2_on_a_truncated_row(tmp_path: Path) -> None:
    cut = f"{HEADER}\nE1,Ada Lovelace,ada@ex.io,CTO,M5,manager,,,Berlin,full-time,2020-01-01\n"
    result = CliRunner().invoke(app, ["import", "people", str(write(tmp_path, "p.csv", cut))])
    assert result.exit_code == 2
    assert " ".join(result.output.split()).startswith(
        f"{tmp_path}/p.csv:2: column end_date: has 11 values but the header has 14 columns: "
        "no value for end_date, salary, currency"
    )
    assert Person.objects.count() == 0


# Item 9: full-width and look-alike identifiers.


def test_a_full_width_employee_id_matches_the_stored_person(tmp_path: Path) -> None:
    run_import("people", write(tmp_path, "people.csv", PEOPLE), today=TODAY, actor=SYSTEM)
    wide = PEOPLE.replace("\nE6,", "\nＥ６,").replace(",E1,Lisbon", ",Ｅ１,Lisbon")
    wide = wide.replace("Engineer,L3", "Senior Engineer,L3")
    assert "Ｅ６" in wide and "Ｅ１" in wide
    diff = run_import("people", write(tmp_path, "people.csv", wide), today=TODAY, actor=SYSTEM)
    assert [(c.kind, c.key) for c in diff.changes] == [("unchanged", "E1"), ("changed", "E6")]
    assert sorted(Person.objects.values_list("employee_id", flat=True)) == ["E1", "E6"]
    bob = Person.objects.get(employee_id="E6")
    assert bob.title == "Senior Engineer"
    assert bob.manager is not None and bob.manager.employee_id == "E1"


def test_a_look_alike_employee_id_is_refused_not_added(tmp_path: Path) -> None:
    run_import("people", write(tmp_path, "people.csv", PEOPLE), today=TODAY, actor=SYSTEM)
    # U+0415 (Cyrillic) has no ASCII form under NFKC.
    cyrillic = PEOPLE.replace("\nE6,Bob Builder,bob@", "\nЕ6,Bob Builder,bob2@")
    found = refused(write(tmp_path, "people.csv", cyrillic), "people")
    assert found == [
        "people.csv:3: column employee_id: 'Е6' is not a valid identifier (fix: use ASCII "
        "letters, digits and punctuation without spaces (full-width characters are read as their "
        "ASCII forms))"
    ]


def test_full_width_team_slugs_and_leads_in_the_teams_file(tmp_path: Path) -> None:
    run_import("people", write(tmp_path, "people.csv", PEOPLE), today=TODAY, actor=SYSTEM)
    teams = (
        "slug,name,type,parent,lead_employee_id,mission\n"
        "ｐａｙｍｅｎｔｓ,Payments,platform,ｅｎｇ,Ｅ１,\n"
    )
    run_import("teams", write(tmp_path, "teams.csv", teams), today=TODAY, actor=SYSTEM)
    team = apps.get_model("org", "Team").objects.get(slug="payments")
    assert team.department.slug == "eng"
    assert team.lead.employee_id == "E1"


def test_org_as_code_reads_a_full_width_employee_id_as_the_stored_one(tmp_path: Path) -> None:
    run_import("people", write(tmp_path, "people.csv", PEOPLE), today=TODAY, actor=SYSTEM)
    orgcode.export_org(tmp_path / "org", actor=SYSTEM)
    people = tmp_path / "org" / "people.yaml"
    text = people.read_text(encoding="utf-8")
    people.write_text(
        text.replace("employee_id: E6", "employee_id: Ｅ６").replace(
            "manager: E1", "manager: Ｅ１"
        ),
        encoding="utf-8",
    )
    assert "Ｅ６" in people.read_text(encoding="utf-8")
    plan = orgcode.import_org(tmp_path / "org")
    assert not plan.has_changes()


# Item 5: alias bombs.


def test_an_alias_bomb_in_people_yaml_is_refused_at_its_first_anchor(tmp_path: Path) -> None:
    run_import("people", write(tmp_path, "people.csv", PEOPLE), today=TODAY, actor=SYSTEM)
    orgcode.export_org(tmp_path / "org", actor=SYSTEM)
    people = tmp_path / "org" / "people.yaml"
    attributes = "  attributes:\n" + "".join(f"    {line}\n" for line in BOMB.splitlines())
    text = people.read_text(encoding="utf-8") + "- employee_id: E9\n  name: Bomb\n" + attributes
    people.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    " + BOMB.splitlines()[0]) + 1
    before = table_counts()
    with pytest.raises(InvalidInput) as info:
        orgcode.import_org(tmp_path / "org")
    assert [str(p) for p in info.value.problems] == [
        f"people.yaml:{line}: column 8: found an anchor (&a): anchors are not accepted (fix: "
        "write the value out in full; anchors and aliases (&name, *name) are not accepted)"
    ]
    assert table_counts() == before


def test_an_alias_bomb_in_role_front_matter_is_refused_at_its_first_anchor(
    tmp_path: Path,
) -> None:
    role = tmp_path / "roles" / "bomb.md"
    role.parent.mkdir()
    role.write_text(f"---\ntitle: Bomb\n{BOMB}---\n# Body\n", encoding="utf-8")
    found = refused(role.parent, "roles")
    assert found == [
        "roles/bomb.md:3: column 4: front matter: found an anchor (&a): anchors are not accepted "
        "(fix: write the value out in full; anchors and aliases (&name, *name) are not accepted)"
    ]
    assert RoleDescription.objects.count() == 0


def test_an_alias_bomb_in_a_scenario_file_is_exit_2_with_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "scenario.yaml", "name: Bomb\nchanges: []\n" + BOMB)
    result = CliRunner().invoke(app, ["org", "scenario", "import", str(path)])
    assert result.exit_code == 2
    assert "scenario.yaml:3: column 4: found an anchor (&a)" in " ".join(result.output.split())


def test_an_alias_bomb_in_catalog_info_gives_no_owner() -> None:
    raw = ("apiVersion: backstage.io/v1alpha1\nspec:\n  owner: team-a\n" + BOMB).encode()
    assert _catalog_owner(raw) is None
    assert _catalog_owner(b"spec:\n  owner: group:default/team-a\n") == "team-a"


def test_a_role_file_over_the_size_limit_is_refused(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.STEWARD_YAML_MAX_BYTES = 50
    role = write(tmp_path, "big.md", "---\ntitle: Big\n---\n" + "x" * 100 + "\n")
    assert refused(role, "roles") == [
        "big.md: is 120 bytes; the limit is 50 bytes (fix: split the file, or raise "
        "STEWARD_YAML_MAX_BYTES)"
    ]


def test_an_org_file_over_the_size_limit_is_refused(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    orgcode.export_org(tmp_path / "org", actor=SYSTEM)
    settings.STEWARD_YAML_MAX_BYTES = 10
    with pytest.raises(InvalidInput) as info:
        orgcode.import_org(tmp_path / "org")
    assert any(
        str(p).startswith("people.yaml: is ") and "the limit is 10 bytes" in str(p)
        for p in info.value.problems
    )


# Item 9: NUL in YAML and Markdown.


def test_nul_in_org_as_code_is_refused_with_its_line(tmp_path: Path) -> None:
    run_import("people", write(tmp_path, "people.csv", PEOPLE), today=TODAY, actor=SYSTEM)
    orgcode.export_org(tmp_path / "org", actor=SYSTEM)
    people = tmp_path / "org" / "people.yaml"
    text = people.read_text(encoding="utf-8").replace("name: Bob Builder", 'name: "Bob\\0"')
    people.write_text(text, encoding="utf-8")
    line = text.splitlines().index('  name: "Bob\\0"') + 1
    with pytest.raises(InvalidInput) as info:
        orgcode.import_org(tmp_path / "org")
    assert [str(p) for p in info.value.problems] == [
        f"people.yaml:{line}: column 9: contains a NUL character (\\0) (fix: remove the NUL "
        "character)"
    ]
    assert Person.objects.get(employee_id="E6").name == "Bob Builder"


def test_nul_in_a_role_description_is_refused_with_its_line(tmp_path: Path) -> None:
    role = write(tmp_path, "r.md", "---\ntitle: R\n---\n# Body\n\n- a\x00b\n")
    assert refused(role, "roles") == [
        "r.md:6: contains a NUL character (\\0) (fix: remove the NUL character (PostgreSQL cannot "
        "store it))"
    ]


def test_deeply_nested_yaml_is_refused_not_a_traceback(tmp_path: Path) -> None:
    orgcode.export_org(tmp_path / "org", actor=SYSTEM)
    (tmp_path / "org" / "teams.yaml").write_text("[" * 5000, encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        orgcode.import_org(tmp_path / "org")
    assert str(info.value.problems[0]).startswith(
        "teams.yaml:1: column 65: nested deeper than 64 levels"
    )


def test_an_impossible_date_in_front_matter_is_a_located_problem(tmp_path: Path) -> None:
    role = write(tmp_path, "r.md", "---\ntitle: R\nreviewed: 2024-02-30\n---\n# Body\n")
    assert refused(role, "roles") == [
        "r.md:3: column 11: front matter: cannot read the value '2024-02-30': day is out of range "
        "for month (fix: quote the value to keep it as text, or fix it)"
    ]


def test_an_impossible_date_in_people_attributes_is_a_located_problem(tmp_path: Path) -> None:
    run_import("people", write(tmp_path, "people.csv", PEOPLE), today=TODAY, actor=SYSTEM)
    orgcode.export_org(tmp_path / "org", actor=SYSTEM)
    people = tmp_path / "org" / "people.yaml"
    text = people.read_text(encoding="utf-8").replace(
        "  name: Bob Builder\n", "  name: Bob Builder\n  attributes:\n    badge: 2024-02-30\n"
    )
    people.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    badge: 2024-02-30") + 1
    with pytest.raises(InvalidInput) as info:
        orgcode.import_org(tmp_path / "org")
    assert [str(p) for p in info.value.problems] == [
        f"people.yaml:{line}: column 5: key 'attributes': cannot be read: cannot read the "
        "value '2024-02-30': day is out of range for month"
    ]


def test_a_salary_too_large_for_a_decimal_is_a_located_problem(tmp_path: Path) -> None:
    # Found by the fuzzer on PostgreSQL: 1e999 is finite but cannot be quantized to cents.
    run_import("people", write(tmp_path, "people.csv", PEOPLE), today=TODAY, actor=SYSTEM)
    orgcode.export_org(tmp_path / "org", actor=SYSTEM)
    people = tmp_path / "org" / "people.yaml"
    lines = people.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, text in enumerate(lines) if text.startswith("  salary: "))
    lines[at] = "  salary: 1e999\n"
    people.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        orgcode.import_org(tmp_path / "org")
    problems = [str(p) for p in info.value.problems]
    assert len(problems) == 1
    assert problems[0].startswith(f"people.yaml:{at + 1}: ")
    assert "1e999 is too large" in problems[0]
