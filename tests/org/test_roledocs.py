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
