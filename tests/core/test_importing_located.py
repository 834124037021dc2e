"""Every YAML and Markdown kind reports its problems through core's YAML reader in the same way:
file, line, column (of the value at fault), message and fix, asserted exactly here.

Lines and columns are counted by hand from the texts below (1-based; the column is where the
value starts, e.g. "levels: x" has its value in column 9).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.architecture import adr_format, catalog_format
from steward.core.errors import InvalidInput, Problem
from steward.core.importing.markdown_reader import read_front_matter
from steward.core.importing.yaml_reader import FileReader
from steward.growth import ladder_format
from steward.org.roledocs import RoleDocError, parse_role
from steward.orgdesign.scenario_file import locate, read_scenario

ANCHOR_HINT = "write the value out in full; anchors and aliases (&name, *name) are not accepted"
STATUSES = "draft, proposed, accepted, rejected, deprecated, superseded"


def front(text: str) -> tuple[object, list[Problem]]:
    problems: list[Problem] = []
    found = read_front_matter(FileReader(Path("f.md"), problems, prefix="front matter: "), text)
    return found, problems


def test_front_matter_values_are_located_in_the_markdown_file() -> None:
    found, problems = front("---\ntitle: A\nlevels: x\n---\nbody\n")
    assert found.item is not None  # type: ignore[attr-defined]
    assert found.item.integer("levels", low=1, high=3) is None  # type: ignore[attr-defined]
    assert (found.body, found.body_line) == ("body\n", 5)  # type: ignore[attr-defined]
    assert problems == [
        Problem("f.md", 3, "9", "front matter: key 'levels': must be a whole number from 1 to 3")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\ntitle: A\n",
            Problem(
                "f.md",
                1,
                None,
                "front matter opened with --- is never closed",
                "end the front matter with a '---' line",
            ),
        ),
        (
            "---\ntitle: &a A\n---\n",
            Problem(
                "f.md",
                2,
                "8",
                "front matter: found an anchor (&a): anchors are not accepted",
                ANCHOR_HINT,
            ),
        ),
        (
            "---\n- a\n---\n",
            Problem(
                "f.md",
                2,
                "1",
                "front matter: must be a mapping of keys to values",
                "write 'key: value' lines",
            ),
        ),
    ],
)
def test_front_matter_that_cannot_be_read(text: str, expected: Problem) -> None:
    found, problems = front(text)
    assert found.item is None  # type: ignore[attr-defined]
    assert problems == [expected]


def test_an_empty_front_matter_is_an_empty_mapping() -> None:
    found, problems = front("---\n\n---\n")
    assert found.item is not None and found.item.values == {}  # type: ignore[attr-defined]
    assert problems == []
    with pytest.raises(RoleDocError) as info:
        parse_role("---\n\n---\n", "r.md")
    assert info.value.problems == [
        Problem(
            "r.md",
            1,
            "1",
            "front matter: key 'title': is required",
            "add a line 'title: <role title>'",
        )
    ]


def test_text_without_front_matter_is_no_problem() -> None:
    found, problems = front("# Title\n")
    assert (found.found, found.item, found.body, problems) == (  # type: ignore[attr-defined]
        False,
        None,
        "# Title\n",
        [],
    )


def test_role_description_problems_name_line_column_key_and_fix() -> None:
    with pytest.raises(RoleDocError) as info:
        parse_role("---\ndescription: x\n---\n", "r.md")
    assert (info.value.field, info.value.problems) == (
        "title",
        [
            Problem(
                "r.md",
                2,
                "1",
                "front matter: key 'title': is required",
                "add a line 'title: <role title>'",
            )
        ],
    )
    with pytest.raises(RoleDocError) as info:
        parse_role("---\ntitle: T\ndescription: [a, b]\n---\n", "r.md")
    assert (info.value.field, info.value.line, info.value.column) == ("description", 3, "14")
    assert info.value.problems == [
        Problem(
            "r.md",
            3,
            "14",
            "front matter: key 'description': must be a single value, not a list or mapping",
        )
    ]


def test_decision_record_front_matter_problems_are_all_located() -> None:
    text = "---\nstatus: pondering\ndate: 12/01/2024\n---\n# T\n"
    with pytest.raises(adr_format.RecordError) as info:
        adr_format.parse_record("0009-t.md", text)
    assert (info.value.line, info.value.column) == (2, "9")
    assert info.value.problems == [
        Problem(
            "0009-t.md",
            2,
            "9",
            f"front matter: key 'status': 'pondering' is not one of {STATUSES}",
            f"one of: {STATUSES}",
        ),
        Problem(
            "0009-t.md",
            3,
            "7",
            "front matter: key 'date': '12/01/2024' is not YYYY-MM-DD",
            "write dates as YYYY-MM-DD",
        ),
    ]


def test_ladder_problems_name_the_key_path_line_and_column() -> None:
    with pytest.raises(ladder_format.LadderFileError) as info:
        ladder_format.parse_steward("framework:\n  id: a\n  tracks: []\n  competencies: []\n")
    # The missing title is reported at the framework mapping (line 2, column 3).
    assert info.value.problems == [
        Problem(
            "ladder.yaml", 2, "3", "key 'framework.title': is required", "add a line 'title: ...'"
        )
    ]
    with pytest.raises(ladder_format.LadderFileError) as info:
        ladder_format.parse_monzo("# no front matter\n", "b.md")
    assert info.value.problems == [
        Problem("b.md", 1, None, "no YAML front matter", "start the file with ---")
    ]
    monzo = (
        "---\ntitle: T\nlevels: 2\ntopics:\n  - name: x\n    content:\n      - level: 1\n"
        "        criteria: {a: b}\n---\n"
    )
    with pytest.raises(ladder_format.LadderFileError) as info:
        ladder_format.parse_monzo(monzo, "b.md", "ladders/b.md")
    # criteria's value starts after 8 spaces and "criteria: ".
    assert info.value.problems == [
        Problem(
            "ladders/b.md",
            8,
            "19",
            "front matter: key 'topics[0].content[0].criteria': must be a list",
            "write each entry on a line '- ...' under criteria",
        )
    ]


def test_catalog_documents_are_located_at_the_value_at_fault() -> None:
    text = (
        "apiVersion: backstage.io/v1alpha1\nkind: Widget\nmetadata: {name: a}\n"
        "---\nkind: Component\nmetadata:\n  name: no owner\n"
        "---\n- just a list\n"
        "---\nkind: [unclosed\n"
    )
    # The unclosed list is found at the end of its document (line 12).
    entities, problems, _notes = catalog_format.read_entities(text, file="c.yaml")
    assert entities == []
    assert problems == [
        Problem(
            "c.yaml",
            2,
            "7",
            "key 'kind': 'Widget' is not a catalog kind",
            "use Component, System, API, Resource, Domain, Group or User",
        ),
        Problem(
            "c.yaml",
            7,
            "9",
            "key 'metadata.name': 'no owner' is not a valid name",
            "1-63 letters and digits, joined by single - _ or .",
        ),
        Problem("c.yaml", 9, "1", "not an entity (a mapping)", "see FORMATS.md 3"),
        Problem(
            "c.yaml",
            12,
            "1",
            "not valid YAML: expected ',' or ']', but got '<stream end>'",
            "check the indentation and quoting around this line",
        ),
    ]


def test_scenario_file_problems_are_all_located(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("nme: X\neffective_date: 2024-02-30\nchanges:\n- {to: a}\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        read_scenario(path, "s.yaml")
    assert info.value.problems == [
        Problem(
            "s.yaml",
            1,
            "6",
            "key 'nme': unknown key",
            "accepted keys: name, description, effective_date, changes",
        ),
        Problem(
            "s.yaml", 1, "1", "key 'name': is required", "add a line 'name: <the scenario's name>'"
        ),
        Problem(
            "s.yaml",
            2,
            "17",
            "key 'effective_date': '2024-02-30' is not a date",
            "write dates as YYYY-MM-DD",
        ),
        Problem(
            "s.yaml", 4, "3", "key 'kind': is required", "add a line 'kind: <the kind of change>'"
        ),
    ]


def test_a_change_the_services_refuse_is_put_at_its_line() -> None:
    places = [(4, "3"), (6, "3")]
    assert locate("s.yaml", "changes[2]: no team 'x'", places) == Problem(
        "s.yaml", 6, "3", "changes[2]: no team 'x'"
    )
    assert locate("s.yaml", "name: missing", places) == Problem(
        "s.yaml", None, None, "name: missing"
    )
