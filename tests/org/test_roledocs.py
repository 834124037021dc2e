"""Role descriptions: the sample CTO role parses with its title as given."""

from __future__ import annotations

from importlib import resources

import pytest

from steward.org.roledocs import RoleDocError, parse_role

SAMPLE = resources.files("steward.demo").joinpath("data/roles/cto.md").read_text(encoding="utf-8")


def test_sample_cto_role() -> None:
    doc = parse_role(SAMPLE)
    assert doc.title == "CTO Role Descriptiom"  # the typo is preserved as given
    assert doc.description == "Chief Technology Officer Role"
    assert doc.summary.startswith("CTO provides strategic leadership")
    [responsibilities] = doc.sections
    assert responsibilities["heading"] == "Responsibilities"
    headings = [c["heading"] for c in responsibilities["children"]]
    assert headings == [
        "Strategic Leadership",
        "Collaboration & Management",
        "Budget & Resource Management",
        "Product alignment",
        "People Strategy",
        "Process & Team Optimization",
    ]
    people = responsibilities["children"][4]
    assert len(people["items"]) == 5
    assert people["items"][2].startswith("Determines the size and composition")


def test_missing_front_matter_names_line_1() -> None:
    with pytest.raises(RoleDocError) as info:
        parse_role("# Just a heading\n")
    assert info.value.line == 1


def test_missing_title_names_the_field() -> None:
    with pytest.raises(RoleDocError) as info:
        parse_role("---\ndescription: x\n---\nbody\n")
    assert info.value.field == "title"


def test_bad_yaml_names_its_line() -> None:
    with pytest.raises(RoleDocError) as info:
        parse_role("---\ntitle: ok\ndescription: [unclosed\n---\n")
    assert info.value.line >= 3


def test_the_length_limits_are_the_columns() -> None:
    from steward.org import roledocs
    from steward.org.models import RoleDescription

    fields = RoleDescription._meta
    assert fields.get_field("title").max_length == roledocs.TITLE_MAX_LENGTH
    assert fields.get_field("description").max_length == roledocs.DESCRIPTION_MAX_LENGTH


@pytest.mark.parametrize(("key", "limit"), [("title", 200), ("description", 500)])
def test_a_value_longer_than_its_column_is_a_located_problem(key: str, limit: int) -> None:
    """The fuzz test found a 300-character title reaching the database (a ValidationError, not
    exit 2); now the file is refused at the value, and a value of exactly the limit is read."""
    other = "description: d" if key == "title" else "title: t"
    with pytest.raises(RoleDocError) as info:
        parse_role(f"---\n{other}\n{key}: {'x' * (limit + 1)}\n---\nbody\n")
    problem = info.value.problems[0]
    assert (problem.line, problem.column) == (3, str(len(key) + 3))
    assert problem.message == f"front matter: key '{key}': is longer than {limit} characters"
    doc = parse_role(f"---\n{other}\n{key}: {'x' * limit}\n---\nbody\n")
    assert getattr(doc, key) == "x" * limit
